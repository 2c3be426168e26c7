package utf7

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// looseDecode is a lenient reference decoder built from the standard
// library: it accepts many spellings of one name. Whenever refEncode of its
// result gives back the input, the input is canonical and Decode must
// accept it.
func looseDecode(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '&' {
			b.WriteByte(s[i])
			continue
		}
		end := strings.IndexByte(s[i:], '-')
		if end < 0 {
			return "", false
		}
		run := s[i+1 : i+end]
		i += end
		if run == "" {
			b.WriteByte('&')
			continue
		}
		raw, err := base64.RawStdEncoding.DecodeString(strings.ReplaceAll(run, ",", "/"))
		if err != nil || len(raw)%2 != 0 || strings.Contains(run, "/") {
			return "", false
		}
		units := make([]uint16, len(raw)/2)
		for k := range units {
			units[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
		}
		b.WriteString(string(utf16.Decode(units)))
	}
	return b.String(), true
}

// Run the fuzz targets with, for example,
//
//	go test -run='^$' -fuzz='^FuzzDecode$' -fuzztime=60s -fuzzminimizetime=200x
//
// The bounded -fuzzminimizetime matters: coverage counters make long inputs
// "interesting", and minimizing one can stall the workers for up to the
// default 60 s. Inputs worth keeping go to testdata/fuzz/.
func addSeeds(f *testing.F) {
	for _, v := range vectors {
		f.Add(v.utf8)
		f.Add(v.mutf7)
	}
	for _, s := range []string{
		"&AGE", "&AGE-", "&AOk-&AOk-", "&AOl-", "&U/BTFw-", "&AOk=-", "&2D0-",
		"&3gA-", "&2D3YPd4A-", "&AOkA-", "&2D3eAAA-", "a\x01b", "Entwürfe",
		"a\xffb", "\xed\xa0\x80", "é\xc3", "&-&-&AOk--", "\x00\x7f\x80",
	} {
		f.Add(s)
	}
}

// FuzzDecode checks that Decode never panics, that an error names an
// offset inside the input, and that whatever Decode accepts Encode spells
// back as the identical bytes (so no two inputs decode to one name).
func FuzzDecode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		dec, err := Decode(s)
		app, appErr := AppendDecode([]byte("pre"), s)
		if (err == nil) != (appErr == nil) || (err == nil && string(app) != "pre"+dec) || (err != nil && string(app) != "pre") {
			t.Fatalf("Decode(%q) = %q, %v but AppendDecode = %q, %v", s, dec, err, app, appErr)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Op != "decode" || e.Offset < 0 || e.Offset >= len(s) {
				t.Fatalf("Decode(%q): bad error %#v", s, err)
			}
			if loose, ok := looseDecode(s); ok && utf8.ValidString(loose) && refEncode(loose) == s {
				t.Fatalf("Decode(%q) rejected canonical input for %q: %v", s, loose, err)
			}
			return
		}
		if !utf8.ValidString(dec) {
			t.Fatalf("Decode(%q) = %q, not UTF-8", s, dec)
		}
		enc, err := Encode(dec)
		if err != nil || enc != s {
			t.Fatalf("Encode(Decode(%q)) = %q, %v; want the input back", s, enc, err)
		}
	})
}

// FuzzEncode checks Decode(Encode(s)) == s for valid UTF-8, Encode against
// the reference encoder, and the offset of an invalid UTF-8 error.
func FuzzEncode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		enc, err := Encode(s)
		app, appErr := AppendEncode([]byte("pre"), s)
		if (err == nil) != (appErr == nil) || (err == nil && string(app) != "pre"+enc) || (err != nil && string(app) != "pre") {
			t.Fatalf("Encode(%q) = %q, %v but AppendEncode = %q, %v", s, enc, err, app, appErr)
		}
		if !utf8.ValidString(s) {
			var e *Error
			if !errors.As(err, &e) || e.Op != "encode" || e.Offset < 0 || e.Offset >= len(s) ||
				!utf8.ValidString(s[:e.Offset]) || !invalidAt(s, e.Offset) {
				t.Fatalf("Encode(%q) = %q, %v; want an error at the first invalid byte", s, enc, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Encode(%q): %v", s, err)
		}
		if ref := refEncode(s); enc != ref {
			t.Fatalf("Encode(%q) = %q; want %q", s, enc, ref)
		}
		for i := range len(enc) {
			if enc[i] < 0x20 || enc[i] > 0x7e {
				t.Fatalf("Encode(%q) = %q, byte %d not printable", s, enc, i)
			}
		}
		if dec, err := Decode(enc); dec != s || err != nil {
			t.Fatalf("Decode(Encode(%q)) = %q, %v; want the input back", s, dec, err)
		}
	})
}

// invalidAt reports whether s holds no valid UTF-8 sequence at offset i.
func invalidAt(s string, i int) bool {
	r, size := utf8.DecodeRuneInString(s[i:])
	return r == utf8.RuneError && size == 1
}
