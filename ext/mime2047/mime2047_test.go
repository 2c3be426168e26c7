package mime2047_test

import (
	"strings"
	"testing"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/mime2047"
	"github.com/imapkit/imapkit/wire"
)

func TestDecode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// RFC 2047 §8's examples.
		{"=?US-ASCII?Q?Keith_Moore?=", "Keith Moore"},
		{"=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "Keld Jørn Simonsen"},
		{"=?ISO-8859-1?Q?Andr=E9?= Pirard", "André Pirard"},
		{"=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=", "If you can read this you understand the example."},
		{"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"},
		{"(=?ISO-8859-1?Q?a_b?=)", "(a b)"},
		// Charsets met in mail.
		{"=?UTF-8?B?R3LDvMOfZQ==?=", "Grüße"},
		{"=?windows-1252?Q?=93quoted=94_=80?=", "“quoted” €"},
		{"=?iso-8859-15?Q?=A4uro?=", "€uro"},
		{"=?koi8-r?B?8NLJ18XU?=", "Привет"},
		{"=?windows-1251?B?z/Do4uXy?=", "Привет"},
		{"=?iso-2022-jp?B?GyRCJDMkcyRLJEEkTxsoQg==?=", "こんにちは"},
		{"=?shift_jis?B?grGC8YLJgr+CzQ==?=", "こんにちは"},
		{"=?gb2312?B?xOO6ww==?=", "你好"},
		{"=?big5?B?p0Gmbg==?=", "你好"},
		{"=?euc-kr?B?vsiz58fPvLy/5A==?=", "안녕하세요"},
		{"=?ks_c_5601-1987?B?vsiz58fPvLy/5A==?=", "안녕하세요"},
		// Nothing to do; and what cannot be decoded stays.
		{"plain subject", "plain subject"},
		{"=?x-unknown?Q?abc?= and =?UTF-8?Q?ok?=", "=?x-unknown?Q?abc?= and ok"},
		{"=?UTF-8?B?####?=", "=?UTF-8?B?####?="},
		{"=?broken", "=?broken"},
	} {
		if got := mime2047.Decode(tc.in); got != tc.want {
			t.Errorf("Decode(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	if _, err := mime2047.DecodeStrict("=?x-unknown?Q?abc?="); err == nil {
		t.Error("DecodeStrict of an unknown charset succeeded")
	}
}

// An ENVELOPE as a server sends it (RFC 9051 §7.5.2: fields raw).
func TestEnvelope(t *testing.T) {
	line := `* 1 FETCH (ENVELOPE ("Mon, 7 Feb 1994 21:52:25 -0800" "=?ISO-8859-1?Q?Caf=E9?= =?UTF-8?B?4piV?=" (("=?ISO-8859-1?Q?Andr=E9?= Pirard" NIL "pirard" "vm1.ulg.ac.be")) NIL NIL ((NIL NIL "imap" "cac.washington.edu")) NIL NIL NIL "<B27397-0100000@cac.washington.edu>"))` + "\r\n"
	d := codec.NewDecoder(strings.NewReader(line), &codec.DecoderOptions{Registry: codec.NewBaseRegistry()})
	resp, err := d.ReadResponse()
	if err != nil {
		t.Fatal(err)
	}
	env := resp.Data.(*wire.FetchData).Envelope
	got := mime2047.Envelope(env)
	if got.Subject != "Café☕" || got.From[0].Name != "André Pirard" || got.To[0].Mailbox != "imap" {
		t.Fatalf("Envelope = %+v", got)
	}
	if env.Subject == got.Subject {
		t.Fatal("the original envelope was modified")
	}
	if mime2047.Envelope(nil) != nil {
		t.Fatal("Envelope(nil)")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=")
	f.Add("=?x?Q?a?= =?UTF-8?Q?b?= =?")
	f.Add("=?iso-2022-jp?B?GyRCJDMkcyRLJEEkTxsoQg==?=")
	f.Fuzz(func(t *testing.T, s string) {
		out := mime2047.Decode(s)
		if !strings.Contains(s, "=?") && out != s {
			t.Fatalf("Decode changed text without encoded-words: %q -> %q", s, out)
		}
	})
}
