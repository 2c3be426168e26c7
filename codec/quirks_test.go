package codec

import (
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/wire"
)

// TestServerQuirks: each deviation seen from production servers is
// accepted by a lenient decoder (typed, and generic with validation, as
// imapc decode runs), with no parse error recorded, and rejected by a
// strict one with a *SyntaxError at the deviation.
func TestServerQuirks(t *testing.T) {
	fetch := func(r *wire.Response) *wire.FetchData { return r.Data.(*wire.FetchData) }
	tests := []struct {
		name  string
		in    string
		at    string // where the strict error is: the start of at in in
		want  string // in SyntaxError.Expected
		check func(r []*wire.Response) bool
	}{
		{"FLAGS NIL", "* FLAGS NIL\r\n", "NIL", `"("`, func(r []*wire.Response) bool {
			d, ok := r[0].Data.([]string)
			return ok && len(d) == 0
		}},
		{"FETCH FLAGS NIL", "* 1 FETCH (UID 2 FLAGS NIL)\r\n", "NIL", `"("`, func(r []*wire.Response) bool {
			f := fetch(r[0])
			return f.Has&wire.FetchFlags != 0 && len(f.Flags) == 0 && f.UID == 2
		}},
		{"BODYSTRUCTURE NIL", "* 1 FETCH (BODYSTRUCTURE NIL UID 3)\r\n", "NIL", `"("`, func(r []*wire.Response) bool {
			f := fetch(r[0])
			return f.Has&wire.FetchBodyStructure != 0 && f.BodyStructure == nil && f.UID == 3
		}},
		{"NIL multipart child", "* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)NIL \"MIXED\"))\r\n", "NIL \"MIXED", "SP", func(r []*wire.Response) bool {
			b := fetch(r[0]).BodyStructure
			return len(b.Parts) == 1 && b.Subtype == "MIXED" && b.Parts[0].Subtype == "PLAIN"
		}},
		{"NIL only child", "* 1 FETCH (BODYSTRUCTURE (NIL \"MIXED\"))\r\n", "NIL \"MIXED", "string", func(r []*wire.Response) bool {
			b := fetch(r[0]).BodyStructure
			return len(b.Parts) == 0 && b.IsMultipart() && b.Subtype == "MIXED"
		}},
		{"NIL message body", "* 1 FETCH (BODYSTRUCTURE (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 1 NIL NIL 1))\r\n", "NIL NIL 1", `"("`, func(r []*wire.Response) bool {
			b := fetch(r[0]).BodyStructure
			// It re-encodes with NIL for the body.
			var out strings.Builder
			err := NewResponseEncoder(&out, nil).WriteResponse(r[0])
			return b.Envelope == nil && b.Body == nil && b.Lines == 1 && err == nil &&
				strings.Contains(out.String(), ") NIL 1))")
		}},
		{"multipart without children", "* 1 FETCH (BODYSTRUCTURE ((\"ALTERNATIVE\" (\"BOUNDARY\" \"e7\") NIL NIL)(\"APPLICATION\" \"PDF\" NIL NIL NIL \"BASE64\" 14 NIL (\"ATTACHMENT\" (\"FILENAME\" \"i.pdf\")) NIL) \"MIXED\" (\"BOUNDARY\" \"7b\") NIL NIL))\r\n",
			"(\"BOUNDARY\" \"e7\"", "string", func(r []*wire.Response) bool {
				b := fetch(r[0]).BodyStructure
				alt := b.Parts[0]
				v, _ := alt.Param("boundary")
				return len(b.Parts) == 2 && alt.IsMultipart() && alt.Subtype == "ALTERNATIVE" && len(alt.Parts) == 0 && v == "e7" &&
					b.Parts[1].Disposition.Value == "ATTACHMENT"
			}},
		{"negative octets", "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" -1 -1))\r\n", "-1 -1", "number", func(r []*wire.Response) bool {
			b := fetch(r[0]).BodyStructure
			return b.Size == 0 && b.Lines == 0 && b.Subtype == "PLAIN"
		}},
		{"NIL disposition list", "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1 NIL (NIL NIL) NIL NIL))\r\n", "NIL NIL) NIL NIL", "string", func(r []*wire.Response) bool {
			b := fetch(r[0]).BodyStructure
			return b.Extended && b.Disposition == nil
		}},
		{"string disposition", "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1 NIL \"inline\" NIL NIL))\r\n", "\"inline\"", `"("`, func(r []*wire.Response) bool {
			b := fetch(r[0]).BodyStructure
			return b.Disposition != nil && b.Disposition.Value == "inline"
		}},
		{"NIL in language list", "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1 NIL (\"inline\" NIL) (NIL) NIL))\r\n", "NIL) NIL))", "string", func(r []*wire.Response) bool {
			b := fetch(r[0]).BodyStructure
			return b.Disposition.Value == "inline" && len(b.Language) == 0
		}},
		{"empty delimiter", "* LIST () \"\" foo\r\n", "\" foo", "QUOTED-CHAR", func(r []*wire.Response) bool {
			l := r[0].Data.(*wire.ListData)
			return l.Delim == 0 && l.Mailbox == "foo"
		}},
		{"wildcards in mailbox atom", "* LIST () \"/\" foo*bar%\r\n", "*bar", "CRLF", func(r []*wire.Response) bool {
			return r[0].Data.(*wire.ListData).Mailbox == "foo*bar%"
		}},
		{"server literal plus", "* LIST () \"/\" {3+}\r\nfoo\r\n", "+}", `"}"`, func(r []*wire.Response) bool {
			return r[0].Data.(*wire.ListData).Mailbox == "foo"
		}},
		{"extra parentheses", "* 1 FETCH ((UID 1 FLAGS ()))\r\n", "(UID", "atom", func(r []*wire.Response) bool {
			f := fetch(r[0])
			return f.UID == 1 && f.Has&wire.FetchFlags != 0
		}},
		{"item without value", "* 1 FETCH (UID 1 FLAGS)\r\n", ")\r\n", "SP", func(r []*wire.Response) bool {
			f := fetch(r[0])
			return f.UID == 1 && f.Has == wire.FetchUID && len(f.Items) == 0
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := decodeStream([]byte(tt.in), nil)
			if err != nil || len(rs) != 1 {
				t.Fatalf("lenient Decode(%q) = %v", tt.in, err)
			}
			if pe := firstParseErr(rs); pe != nil {
				t.Errorf("lenient Decode(%q) recorded %v; want the quirk accepted", tt.in, pe)
			}
			if !tt.check(rs) {
				t.Errorf("lenient Decode(%q) = %#v", tt.in, rs[0].Data)
			}
			// Generic trees validated by the base parsers: accepted
			// leniently, rejected strictly.
			if _, err := validatedDecode([]byte(tt.in), DecoderOptions{}); err != nil {
				t.Errorf("lenient validated Decode(%q) = %v", tt.in, err)
			}
			off := int64(strings.Index(tt.in, tt.at))
			for _, validated := range []bool{false, true} {
				if validated {
					_, err = validatedDecode([]byte(tt.in), DecoderOptions{Strict: true})
				} else {
					_, err = decodeStream([]byte(tt.in), &DecoderOptions{Strict: true})
				}
				var se *SyntaxError
				if !errors.As(err, &se) || se.Offset != off || !strings.Contains(se.Expected, tt.want) {
					t.Errorf("strict Decode(%q) (validated %v) = %v; want a *SyntaxError at %d expecting %s", tt.in, validated, err, off, tt.want)
				}
			}
		})
	}
}

// TestRFC3501_7_4_2_AddressNilVersusEmpty: NIL and "" in address fields
// are kept apart, so that group syntax is told apart and what a server
// sent re-encodes as it came (Courier sends ((NIL NIL "" NIL)(NIL NIL ""
// NIL)) for an empty group).
func TestRFC3501_7_4_2_AddressNilVersusEmpty(t *testing.T) {
	in := "* 1 FETCH (ENVELOPE (NIL \"\" ((NIL NIL \"\" NIL)(NIL NIL \"\" NIL)) " +
		"((NIL NIL \"team\" NIL)(\"A\" NIL \"a\" \"x.org\")(NIL NIL NIL NIL)) NIL ((\"\" \"\" \"b\" \"\")) NIL NIL NIL NIL))\r\n"
	for _, strict := range []bool{false, true} {
		rs, err := decodeStream([]byte(in), &DecoderOptions{Strict: strict})
		if err != nil {
			t.Fatalf("Decode strict=%v: %v", strict, err)
		}
		env := rs[0].Data.(*wire.FetchData).Envelope
		from := env.From
		if len(from) != 2 || !from[0].IsGroupStart() || from[0].IsGroupEnd() || from[0].Mailbox != "" ||
			from[0].Empty != wire.AddressMailbox || from[0].Addr() != "" {
			t.Errorf("Courier's From = %+v; want two group starts with an empty name", from)
		}
		sender := env.Sender
		if len(sender) != 3 || !sender[0].IsGroupStart() || sender[1].IsGroupStart() || sender[1].Addr() != "a@x.org" ||
			!sender[2].IsGroupEnd() || sender[2].Empty != 0 {
			t.Errorf("group = %+v", sender)
		}
		if a := env.To[0]; a.Empty != wire.AddressName|wire.AddressADL|wire.AddressHost || a.IsGroupStart() || a.IsGroupEnd() {
			t.Errorf("To = %+v; want empty name, adl and host", a)
		}
		var out strings.Builder
		if err := NewResponseEncoder(&out, nil).WriteResponse(rs[0]); err != nil {
			t.Fatal(err)
		}
		if out.String() != in {
			t.Errorf("re-encoded\n%q\nwant\n%q", out.String(), in)
		}
	}
}

// TestFlagOpenBracket: "[" is an ATOM-CHAR (RFC 9051 §9: only "]" is a
// resp-special), so "[" is a flag; typed decoding, generic decoding and
// validated generic decoding agree, and it re-encodes. (Found by
// FuzzDecodeResponse; the input is kept in testdata/fuzz.)
func TestFlagOpenBracket(t *testing.T) {
	in := "* FLAGS ([)\r\n" +
		"* OK [PERMANENTFLAGS (a[ \\*)] x\r\n" +
		"* 1 FETCH (FLAGS (a[) BODY[] \"x\")\r\n"
	for _, strict := range []bool{false, true} {
		typed, err := decodeStream([]byte(in), &DecoderOptions{Strict: strict})
		if err != nil {
			t.Fatalf("typed strict=%v: %v", strict, err)
		}
		if f := typed[0].Data.([]string); len(f) != 1 || f[0] != "[" {
			t.Errorf("FLAGS = %q", f)
		}
		if f := typed[1].Code.Data.([]string); len(f) != 2 || f[0] != "a[" || typed[1].Text != "x" {
			t.Errorf("PERMANENTFLAGS = %q, text %q", f, typed[1].Text)
		}
		if f := typed[2].Data.(*wire.FetchData); len(f.Flags) != 1 || f.Flags[0] != "a[" || len(f.Sections) != 1 {
			t.Errorf("FETCH = %+v", f)
		}
		generic, err := decodeStream([]byte(in), &DecoderOptions{Strict: strict, Registry: NewRegistry()})
		if err != nil {
			t.Fatalf("generic strict=%v: %v", strict, err)
		}
		if g := generic[0].Data.([]wire.Value); len(g) != 1 || len(g[0].List) != 1 || g[0].List[0].Str != "[" {
			t.Errorf("generic FLAGS = %#v", g)
		}
		if _, err := validatedDecode([]byte(in), DecoderOptions{Strict: strict}); err != nil {
			t.Errorf("validated strict=%v: %v", strict, err)
		}
		var out strings.Builder
		enc := NewResponseEncoder(&out, nil)
		for _, r := range typed {
			if err := enc.WriteResponse(r); err != nil {
				t.Fatal(err)
			}
		}
		if out.String() != in {
			t.Errorf("re-encoded %q; want %q", out.String(), in)
		}
	}
}
