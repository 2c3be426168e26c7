package utf7

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// refEncode is an independent, slow spelling of RFC 3501 §5.1.3 built from
// the standard library: UTF-16BE, BASE64 without padding, "," for "/".
func refEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if c := s[i]; c >= 0x20 && c <= 0x7e {
			if c == '&' {
				b.WriteString("&-")
			} else {
				b.WriteByte(c)
			}
			i++
			continue
		}
		j := i
		for j < len(s) && (s[j] < 0x20 || s[j] > 0x7e) {
			j++
		}
		var be []byte
		for _, u := range utf16.Encode([]rune(s[i:j])) {
			be = append(be, byte(u>>8), byte(u))
		}
		b.WriteByte('&')
		b.WriteString(strings.ReplaceAll(base64.RawStdEncoding.EncodeToString(be), "/", ","))
		b.WriteByte('-')
		i = j
	}
	return b.String()
}

// vectors are pairs of UTF-8 and modified UTF-7 names. Every entry is
// checked against refEncode too, so none rests on memory alone.
var vectors = []struct{ utf8, mutf7 string }{
	{"", ""},
	{"INBOX", "INBOX"},
	{"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"}, // RFC 3501 §5.1.3
	{"Entwürfe", "Entw&APw-rfe"},
	{"&", "&-"},
	{"&&", "&-&-"},
	{"Tom & Jerry", "Tom &- Jerry"},
	{"Été", "&AMk-t&AOk-"},
	{"éé", "&AOkA6Q-"},            // one run, not two
	{"é&", "&AOk-&-"},             // "&" ends the run
	{"é\x01ü", "&AOkAAQD8-"},      // controls join the run
	{"😀", "&2D3eAA-"},             // U+1F600, surrogate pair D83D DE00
	{"a😀b", "a&2D3eAA-b"},         //
	{"\x00", "&AAA-"},             // controls are encoded
	{"\x01", "&AAE-"},             //
	{"\x7f", "&AH8-"},             // DEL is not printable
	{"tab\there", "tab&AAk-here"}, //
	{"\U0010FFFF", "&2,,f,w-"},    // last code point
	{"\uFFFF", "&,,8-"},           //
	{"-", "-"},
	{"&-", "&--"},
	{" !\"#$%'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~", " !\"#$%'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~"},
}

func TestRFC3501_5_1_3_Example(t *testing.T) {
	const utf8Name, mutf7 = "~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
	if got, err := Encode(utf8Name); got != mutf7 || err != nil {
		t.Errorf("Encode(%q) = %q, %v; want %q", utf8Name, got, err, mutf7)
	}
	if got, err := Decode(mutf7); got != utf8Name || err != nil {
		t.Errorf("Decode(%q) = %q, %v; want %q", mutf7, got, err, utf8Name)
	}
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		if ref := refEncode(v.utf8); ref != v.mutf7 {
			t.Errorf("vector %q: reference encoding is %q, table says %q", v.utf8, ref, v.mutf7)
		}
		if got, err := Encode(v.utf8); got != v.mutf7 || err != nil {
			t.Errorf("Encode(%q) = %q, %v; want %q", v.utf8, got, err, v.mutf7)
		}
		if got, err := Decode(v.mutf7); got != v.utf8 || err != nil {
			t.Errorf("Decode(%q) = %q, %v; want %q", v.mutf7, got, err, v.utf8)
		}
		// The Append forms keep what dst held.
		if got, err := AppendEncode([]byte("x"), v.utf8); string(got) != "x"+v.mutf7 || err != nil {
			t.Errorf("AppendEncode(%q, %q) = %q, %v; want %q", "x", v.utf8, got, err, "x"+v.mutf7)
		}
		if got, err := AppendDecode([]byte("x"), v.mutf7); string(got) != "x"+v.utf8 || err != nil {
			t.Errorf("AppendDecode(%q, %q) = %q, %v; want %q", "x", v.mutf7, got, err, "x"+v.utf8)
		}
	}
}

// TestAllCodePoints round-trips every Unicode scalar value, alone, between
// printable characters, and in long runs that cross every plane.
func TestAllCodePoints(t *testing.T) {
	var run []rune
	flush := func() {
		s := string(run)
		checkRoundTrip(t, s)
		checkRoundTrip(t, "a"+s+"&")
		run = run[:0]
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		s := string(r)
		enc, err := Encode(s)
		if err != nil {
			t.Fatalf("Encode(%q): %v", s, err)
		}
		if r%97 == 0 { // the slow reference on a sample
			if ref := refEncode(s); enc != ref {
				t.Fatalf("Encode(%q) = %q; want %q", s, enc, ref)
			}
		}
		if dec, err := Decode(enc); dec != s || err != nil {
			t.Fatalf("Decode(%q) = %q, %v; want %q", enc, dec, err, s)
		}
		if r < 0x20 || r > 0x7e {
			run = append(run, r)
		}
		if len(run) == 1000 {
			flush()
		}
	}
	flush()
}

func checkRoundTrip(t *testing.T, s string) {
	t.Helper()
	enc, err := Encode(s)
	if err != nil {
		t.Fatalf("Encode(%q): %v", s, err)
	}
	if ref := refEncode(s); enc != ref {
		t.Fatalf("Encode(%q) = %q; want %q", s, enc, ref)
	}
	if dec, err := Decode(enc); dec != s || err != nil {
		t.Fatalf("Decode(%q) = %q, %v; want %q", enc, dec, err, s)
	}
}

func TestEncodeInvalidUTF8(t *testing.T) {
	tests := []struct {
		name string
		in   string
		off  int
	}{
		{"bad byte", "a\xffb", 1},
		{"truncated", "é\xc3", 2},
		{"surrogate in UTF-8", "ab\xed\xa0\x80", 2},
		{"overlong", "\xc0\xaf", 0},
		{"after a run", "é-\x80", 3},
		{"inside a run", "éé\xe6\x97", 4},
	}
	for _, tt := range tests {
		got, err := Encode(tt.in)
		var e *Error
		if !errors.As(err, &e) || e.Op != "encode" || e.Offset != tt.off || e.Reason != reasonUTF8 {
			t.Errorf("%s: Encode(%q) = %q, %v; want error at offset %d", tt.name, tt.in, got, err, tt.off)
		}
		if b, err := AppendEncode([]byte("keep"), tt.in); string(b) != "keep" || err == nil {
			t.Errorf("%s: AppendEncode(%q, %q) = %q, %v; want %q and an error", tt.name, "keep", tt.in, b, err, "keep")
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		off    int
		reason string
	}{
		{"unterminated shift", "&AGE", 0, reasonUnterminate},
		{"unterminated after text", "abc&AOk", 3, reasonUnterminate},
		{"lone shift", "&", 0, reasonUnterminate},
		{"lone shift at end", "a&", 1, reasonUnterminate},
		{"unterminated after a run", "&AOk-a&", 6, reasonUnterminate},

		{"encoded a", "&AGE-", 1, reasonPrintable},
		{"encoded &", "&ACY-", 1, reasonPrintable},
		{"encoded space", "&ACA-", 1, reasonPrintable},
		{"encoded tilde", "&AH4-", 1, reasonPrintable},
		{"encoded a after é", "ab&AOkAYQ-", 5, reasonPrintable},

		{"adjacent runs", "&AOk-&AOk-", 5, reasonAdjacent},
		{"adjacent runs later", "x&AOk-&AOk-y", 6, reasonAdjacent},

		{"padding bits (2)", "&AOl-", 3, reasonPadding},
		{"padding bits (4)", "&2D3eAB-", 6, reasonPadding},
		{"padding bits (last bit)", "&AOkA6R-", 6, reasonPadding},

		{"slash for comma", "&U/BTFw-", 2, reasonBase64},
		{"padding =", "&AOk=-", 4, reasonBase64},
		{"padding = after full", "&AOkA6Q==-", 7, reasonBase64},
		{"space in run", "&AO k-", 3, reasonBase64},
		{"shift in run", "&AOk&-", 4, reasonBase64},
		{"8-bit in run", "&AOk\xff-", 4, reasonBase64},
		{"underscore", "&AO_-", 3, reasonBase64},

		{"lone high surrogate", "&2D0-", 1, reasonHighSurr},
		{"high then BMP", "&2D0A6Q-", 1, reasonHighSurr},
		{"high then high then low", "&2D3YPd4A-", 1, reasonHighSurr},
		{"pair then lone high", "&2D3eANg9-", 6, reasonHighSurr},
		{"lone low surrogate", "&3gA-", 1, reasonLowSurr},
		{"low then high", "&3gDYPQ-", 1, reasonLowSurr},
		{"BMP then low", "&AOneAA-", 3, reasonLowSurr},

		{"6 bits", "&A-", 1, reasonPartial},
		{"12 bits", "&AO-", 1, reasonPartial},
		{"24 bits", "&AOkA-", 3, reasonPartial},
		{"30 bits", "&AOkAA-", 3, reasonPartial},
		{"surplus character", "&2D3eAAA-", 6, reasonPartial},

		{"control byte", "a\x01b", 1, reasonByte},
		{"tab", "\t", 0, reasonByte},
		{"newline", "INBOX\n", 5, reasonByte},
		{"DEL", "abc\x7f", 3, reasonByte},
		{"raw UTF-8", "Entwürfe", 4, reasonByte},
		{"raw after a run", "&AOk-é", 5, reasonByte},
		{"NUL", "\x00", 0, reasonByte},
	}
	for _, tt := range tests {
		got, err := Decode(tt.in)
		var e *Error
		if !errors.As(err, &e) || e.Op != "decode" || e.Offset != tt.off || e.Reason != tt.reason {
			t.Errorf("%s: Decode(%q) = %q, %v; want error at offset %d: %s", tt.name, tt.in, got, err, tt.off, tt.reason)
			continue
		}
		if got != "" {
			t.Errorf("%s: Decode(%q) = %q with an error; want \"\"", tt.name, tt.in, got)
		}
		if b, err := AppendDecode([]byte("keep"), tt.in); string(b) != "keep" || err == nil {
			t.Errorf("%s: AppendDecode(%q, %q) = %q, %v; want %q and an error", tt.name, "keep", tt.in, b, err, "keep")
		}
	}
}

func TestDecodeAccepts(t *testing.T) {
	tests := []struct{ in, want string }{
		{"&-", "&"},
		{"&AOk-&-", "é&"},
		{"&-&AOk-", "&é"},
		{"&AOk-&-&AOk-", "é&é"},
		{"&AOk--", "é-"},
		{"&AOk-a&AOk-", "éaé"},
		{"&AAA-", "\x00"},
		{"&AB8-", "\x1f"},
		{"&AOkAAA-", "é\x00"},
		{"a-&-b", "a-&b"},
	}
	for _, tt := range tests {
		if got, err := Decode(tt.in); got != tt.want || err != nil {
			t.Errorf("Decode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := Decode("abc&AGE-")
	if want := "utf7: invalid modified UTF-7 at offset 4: encoded printable ASCII"; err == nil || err.Error() != want {
		t.Errorf("Decode(%q) = %v; want %s", "abc&AGE-", err, want)
	}
	_, err = Encode("ab\xff")
	if want := "utf7: invalid UTF-8 at offset 2: malformed byte sequence"; err == nil || err.Error() != want {
		t.Errorf("Encode(%q) = %v; want %s", "ab\xff", err, want)
	}
}

func TestAllocs(t *testing.T) {
	ascii := "INBOX/Archive/2024 ~peter"
	buf := make([]byte, 0, 256)
	tests := []struct {
		name string
		want float64
		f    func()
	}{
		{"Encode ASCII", 0, func() { Encode(ascii) }},
		{"Decode ASCII", 0, func() { Decode(ascii) }},
		{"AppendEncode", 0, func() { AppendEncode(buf[:0], "~peter/mail/台北/日本語 &") }},
		{"AppendDecode", 0, func() { AppendDecode(buf[:0], "~peter/mail/&U,BTFw-/&ZeVnLIqe- &-") }},
		{"Encode non-ASCII", 1, func() { Encode("~peter/mail/台北/日本語") }},
		{"Decode non-ASCII", 1, func() { Decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-") }},
	}
	for _, tt := range tests {
		if got := testing.AllocsPerRun(100, tt.f); got != tt.want {
			t.Errorf("%s: %v allocations per run; want %v", tt.name, got, tt.want)
		}
	}
	// Unchanged names come back as the very same string.
	if got, _ := Encode(ascii); got != ascii || !sameString(got, ascii) {
		t.Errorf("Encode(%q) copied its input", ascii)
	}
	if got, _ := Decode(ascii); got != ascii || !sameString(got, ascii) {
		t.Errorf("Decode(%q) copied its input", ascii)
	}
}

func sameString(a, b string) bool {
	return len(a) == len(b) && (len(a) == 0 || unsafe.StringData(a) == unsafe.StringData(b))
}

var benchNames = []struct{ name, utf8 string }{
	{"ASCII", "INBOX/Archive/2024/Receipts"},
	{"RFC3501", "~peter/mail/台北/日本語"},
	{"Latin", "Entwürfe/Gelöschte Elemente/Été"},
	{"Emoji", "Fun 😀😃😄 stuff"},
}

func BenchmarkEncode(b *testing.B) {
	for _, bn := range benchNames {
		b.Run(bn.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bn.utf8)))
			for b.Loop() {
				Encode(bn.utf8)
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, bn := range benchNames {
		enc, _ := Encode(bn.utf8)
		b.Run(bn.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(enc)))
			for b.Loop() {
				Decode(enc)
			}
		})
	}
}

func BenchmarkAppendEncode(b *testing.B) {
	for _, bn := range benchNames {
		b.Run(bn.name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			b.ReportAllocs()
			b.SetBytes(int64(len(bn.utf8)))
			for b.Loop() {
				buf, _ = AppendEncode(buf[:0], bn.utf8)
			}
		})
	}
}

func BenchmarkAppendDecode(b *testing.B) {
	for _, bn := range benchNames {
		enc, _ := Encode(bn.utf8)
		b.Run(bn.name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			b.ReportAllocs()
			b.SetBytes(int64(len(enc)))
			for b.Loop() {
				buf, _ = AppendDecode(buf[:0], enc)
			}
		})
	}
}
