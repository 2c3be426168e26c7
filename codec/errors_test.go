package codec

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/wire"
)

// TestRejections checks that each malformed input fails with a
// *SyntaxError at the right offset.
func TestRejections(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		at     string // the offset is where at starts in in ("" for the end of the first line)
		strict bool   // reject only in strict mode
		want   string // in the Expected field
	}{
		{"empty line", "\r\n", "\r\n", false, "response"},
		{"bare LF", "* OK x\n", "\n", false, "CRLF"},
		{"no SP after *", "*OK x\r\n", "OK", false, "SP"},
		{"tag with +", "A+1 OK x\r\n", "+1", false, "SP"},
		{"tagged unknown status", "A1 FOO bar\r\n", "FOO", false, "OK, NO or BAD"},
		{"tagged BYE", "A1 BYE bar\r\n", "BYE", false, "OK, NO or BAD"},
		{"FETCH without number", "* FETCH (UID 1)\r\n", "(UID", false, "message number"},
		{"FETCH without list", "* 1 FETCH UID 1\r\n", "UID", false, `"("`},
		{"FETCH unbalanced", "* 1 FETCH (UID 1\r\n", "", false, "SP"},
		{"FETCH bad UID", "* 1 FETCH (UID x)\r\n", "x)", false, "nz-number"},
		{"FETCH UID too large", "* 1 FETCH (UID 4294967296)\r\n", "4294967296", false, "too large"},
		{"FETCH flags unbalanced", "* 1 FETCH (FLAGS (\\Seen)\r\n", "", false, "SP"},
		{"FETCH bad flag", "* 1 FETCH (FLAGS (\\Seen \"x\"))\r\n", `"x"`, false, "flag"},
		{"section trailing dot", "* 1 FETCH (BODY[1.] NIL)\r\n", "] NIL", false, "section-text"},
		{"section unknown", "* 1 FETCH (BODY[FOO] NIL)\r\n", "FOO", false, "section-text"},
		{"section MIME without part", "* 1 FETCH (BODY[MIME] NIL)\r\n", "MIME", false, "section-msgtext"},
		{"section unclosed", "* 1 FETCH (BODY[1.2 NIL)\r\n", " NIL", false, `"]"`},
		{"section empty fields", "* 1 FETCH (BODY[HEADER.FIELDS ()] NIL)\r\n", ")]", true, "header-fld-name"},
		{"binary section text", "* 1 FETCH (BINARY[1.TEXT] NIL)\r\n", "TEXT", false, "nz-number"},
		{"BINARY without section", "* 1 FETCH (BINARY NIL)\r\n", " NIL", false, `"["`},
		{"section field literal", "* 1 FETCH (BODY[HEADER.FIELDS ({4}\r\nDATE)] NIL)\r\n", "{4}", true, "header-fld-name"},
		{"section value not nstring", "* 1 FETCH (BODY[] 12)\r\n", "12", false, "nstring"},
		{"bad date", "* 1 FETCH (INTERNALDATE \"32-Jan-2024 00:00:00 +0000\")\r\n", `"32`, false, "date-time"},
		{"bad month", "* 1 FETCH (INTERNALDATE \"01-Foo-2024 00:00:00 +0000\")\r\n", `"01`, false, "date-month"},
		{"bad zone", "* 1 FETCH (INTERNALDATE \"01-Jan-2024 00:00:00 *0000\")\r\n", `"01`, false, "zone"},
		{"short date", "* 1 FETCH (INTERNALDATE \"01-Jan-2024\")\r\n", `"01`, false, "date-time"},
		{"one-digit day", "* 1 FETCH (INTERNALDATE \"1-Jan-2024 00:00:00 +0000\")\r\n", `"1-`, true, "date-day-fixed"},
		{"body too short", "* 1 FETCH (BODY (\"TEXT\" 1))\r\n", "1))", false, "string"},
		{"body multipart without parts", "* 1 FETCH (BODY (\"TEXT\"))\r\n", "))", true, "SP"},
		{"body size not number", "* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" x 1))\r\n", "x 1", false, "number"},
		{"body NIL encoding", "* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL NIL 1 1))\r\n", "NIL 1 1", true, "string"},
		{"envelope short", "* 1 FETCH (ENVELOPE (NIL))\r\n", "))", false, "SP"},
		{"address short", "* 1 FETCH (ENVELOPE (NIL NIL ((NIL NIL \"a\")) NIL NIL NIL NIL NIL NIL NIL))\r\n", ")) NIL NIL NIL NIL NIL NIL NIL)", false, "SP"},
		{"FETCH 0", "* 0 FETCH (UID 1)\r\n", "(UID", true, "message number"},
		{"EXPUNGE 0", "* 0 EXPUNGE\r\n", "\r\n", true, "number before EXPUNGE"},
		{"EXISTS without number", "* EXISTS\r\n", "", false, "number before EXISTS"},
		{"EXISTS with data", "* 1 EXISTS 5\r\n", "5", false, "CRLF"},
		{"LIST delimiter too long", "* LIST () \"//\" foo\r\n", `"//"`, true, "QUOTED-CHAR"},
		{"LIST without mailbox", "* LIST () \"/\"\r\n", "", false, "SP"},
		{"LIST bad extended", "* LIST () \"/\" foo (OLDNAME)\r\n", ")\r\n", false, "tagged-ext-val"},
		{"STATUS bad value", "* STATUS INBOX (MESSAGES x)\r\n", "x)", false, "number64"},
		{"SEARCH bad number", "* SEARCH 1 x\r\n", "x", false, "nz-number"},
		{"SEARCH zero", "* SEARCH 0\r\n", "0", true, "nz-number"},
		{"ESEARCH bad correlator", "* ESEARCH (FOO \"a\")\r\n", " \"a\"", false, `"TAG"`},
		{"ESEARCH bad ALL", "* ESEARCH ALL 1::2\r\n", ":2", false, "sequence-set"},
		{"NAMESPACE short", "* NAMESPACE ((\"\" \"/\")) NIL\r\n", "", false, "SP"},
		{"NAMESPACE empty", "* NAMESPACE () NIL NIL\r\n", ") NIL NIL", false, `"("`},
		{"ID odd", "* ID (\"name\")\r\n", ")", false, "nstring"},
		{"quoted unterminated", "* XFOO \"abc\r\n", "", false, "DQUOTE"},
		{"quoted with CR", "* XFOO \"a\rb\"\r\n", "\rb", false, "QUOTED-CHAR"},
		{"quoted with NUL", "* XFOO \"ab\x00\"\r\n", "\x00", false, "QUOTED-CHAR"},
		{"quoted with escaped NUL", "* XFOO \"a\\\\\x00\"\r\n", "\x00", false, "QUOTED-CHAR"},
		{"quoted bad escape", "* XFOO \"a\\b\"\r\n", "b\"", true, "quoted-specials"},
		{"quoted 8-bit", "* XFOO \"caf\xe9\"\r\n", `caf`, true, "UTF-8"},
		{"list unbalanced", "* XFOO (a b\r\n", "", false, "SP"},
		{"list extra paren", "* XFOO a)\r\n", ")", false, "SP"},
		{"stray paren", "* XFOO )\r\n", ")", false, "value"},
		{"literal not at end", "* XFOO {3}x\r\n", "x", false, "CRLF after literal size"},
		{"literal plus", "* XFOO {3+}\r\nabc\r\n", "+}", true, `"}"`},
		{"literal bad size", "* XFOO {abc}\r\n", "abc", false, "number64"},
		{"literal size too large", "* XFOO {99999999999999999999}\r\n", "99999999999999999999", false, "too large"},
		{"text with NUL", "* OK a\x00b\r\n", "\x00", false, "TEXT-CHAR"},
		{"text with CR", "A1 NO a\rb\r\n", "\rb", false, "TEXT-CHAR"},
		{"text 8-bit", "* OK caf\xe9\r\n", "caf", true, "UTF-8"},
		{"OK without SP", "* OK\r\n", "", true, "SP"},
		{"code at the end without SP", "* OK [READ-ONLY]\r\n", "", true, "SP"},
		{"8-bit atom", "* XFOO caf\xe9\r\n", "\xe9", true, "SP"},
		{"trailing space", "* XFOO a \r\n", "", true, "value"},
		{"continuation without SP", "+\r\n", "", true, "SP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := tt.in
			if i := strings.Index(line, "\n"); i >= 0 {
				line = line[:i+1]
			}
			off := strings.Index(tt.in, tt.at)
			if tt.at == "" {
				off = strings.Index(tt.in, "\r\n")
			}
			modes := []bool{false, true}
			if tt.strict {
				if _, err := decodeStream([]byte(tt.in), nil); err != nil && tt.name != "section field literal" {
					t.Errorf("Decode(%q) lenient: %v; want success", tt.in, err)
				}
				modes = []bool{true}
			}
			for _, strict := range modes {
				rs, err := decodeStream([]byte(tt.in), &DecoderOptions{Strict: strict})
				if err == nil && !strict {
					// A lenient decoder recovers from a registered parser's
					// failure: the error is recorded where it happened.
					err = firstParseErr(rs)
				}
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Errorf("Decode(%q) strict=%v = %v; want a *SyntaxError", tt.in, strict, err)
					continue
				}
				if se.Offset != int64(off) || !strings.Contains(se.Expected, tt.want) {
					t.Errorf("Decode(%q) strict=%v = %v; want offset %d, expected %q", tt.in, strict, err, off, tt.want)
				}
			}
		})
	}
}

// firstParseErr returns the first parser failure recorded on rs (data,
// code or FETCH item), or nil.
func firstParseErr(rs []*wire.Response) error {
	for _, r := range rs {
		if r.ParseErr != nil {
			return r.ParseErr
		}
		if r.Code != nil && r.Code.ParseErr != nil {
			return r.Code.ParseErr
		}
		if fd, ok := r.Data.(*wire.FetchData); ok {
			for _, it := range fd.Items {
				if it.ParseErr != nil {
					return it.ParseErr
				}
			}
		}
	}
	return nil
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := decodeStream([]byte("* 3 FETCH (UID 1 FLAGS (\\Seen) RFC822.SIZE x)\r\n"), &DecoderOptions{Strict: true})
	want := `codec: expected number64 at offset 43 near "en) RFC822.SIZE x)"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v; want %s", err, want)
	}
	e := &LimitError{Offset: 7, Err: ErrTooDeep}
	if e.Error() != "codec: nesting too deep at offset 7" || !errors.Is(e, ErrTooDeep) {
		t.Errorf("LimitError = %v", e)
	}
}

func TestLimits(t *testing.T) {
	deep := "* XFOO " + strings.Repeat("(", 70) + strings.Repeat(")", 70) + "\r\n"
	deepBody := "* 1 FETCH (BODY " + strings.Repeat("(", 70) + `"TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1` + strings.Repeat(`) "MIXED"`, 69) + "))\r\n"
	tests := []struct {
		name string
		in   string
		opts DecoderOptions
		want error
	}{
		{"long line", "* OK " + strings.Repeat("x", 200) + "\r\n", DecoderOptions{MaxLineLength: 100}, ErrLineTooLong},
		{"long line beyond the buffer", "* OK " + strings.Repeat("x", 200_000) + "\r\n", DecoderOptions{MaxLineLength: 100_000}, ErrLineTooLong},
		{"long line without end", "* OK " + strings.Repeat("x", 200_000), DecoderOptions{MaxLineLength: 100_000}, ErrLineTooLong},
		{"literal too large", "* XFOO {11}\r\nhello world\r\n", DecoderOptions{MaxLiteralSize: 10}, ErrLiteralTooLarge},
		{"fetch literal too large", "* 1 FETCH (BODY[] {11}\r\nhello world)\r\n", DecoderOptions{MaxLiteralSize: 10}, ErrLiteralTooLarge},
		{"deep list", deep, DecoderOptions{}, ErrTooDeep},
		{"deep body", deepBody, DecoderOptions{}, ErrTooDeep},
		{"deep code", "* OK [X " + strings.Repeat("(", 70) + "] x\r\n", DecoderOptions{Strict: true}, ErrTooDeep},
		{"many items", "* XFOO (1 2 3 4 5)\r\n", DecoderOptions{MaxListItems: 4}, ErrTooManyItems},
		{"many values", "* XFOO 1 2 3 4 5\r\n", DecoderOptions{MaxListItems: 4}, ErrTooManyItems},
		{"many flags", "* 1 FETCH (FLAGS (a b c d e))\r\n", DecoderOptions{MaxListItems: 4}, ErrTooManyItems},
		{"many numbers", "* SEARCH 1 2 3 4 5\r\n", DecoderOptions{MaxListItems: 4}, ErrTooManyItems},
		{"many capabilities", "* CAPABILITY A B C D E\r\n", DecoderOptions{MaxListItems: 4}, ErrTooManyItems},
		{"many parts", "* 1 FETCH (BODY (" + strings.Repeat(`("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)`, 5) + ` "MIXED"))` + "\r\n", DecoderOptions{MaxListItems: 4}, ErrTooManyItems},
		{"many fetch items", "* 1 FETCH (UID 1 UID 1 UID 1 UID 1 UID 1)\r\n", DecoderOptions{MaxListItems: 4}, ErrTooManyItems},
		{"truncated line", "* OK x", DecoderOptions{}, io.ErrUnexpectedEOF},
		{"truncated literal", "* 1 FETCH (BODY[] {5}\r\nab", DecoderOptions{}, io.ErrUnexpectedEOF},
		{"nothing after literal", "* 1 FETCH (BODY[] {2}\r\nab", DecoderOptions{}, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeStream([]byte(tt.in), &tt.opts)
			if !errors.Is(err, tt.want) {
				t.Errorf("Decode(%.40q...) = %v; want %v", tt.in, err, tt.want)
			}
			var le *LimitError
			if !errors.As(err, &le) || le.Offset <= 0 || le.Offset > int64(len(tt.in)) {
				t.Errorf("Decode(%.40q...) = %v; want a *LimitError with an offset in the input", tt.in, err)
			}
		})
	}
}

// TestLineLengthBoundary: a line of exactly MaxLineLength bytes (without
// its CRLF) passes, one more byte fails, through both read paths.
func TestLineLengthBoundary(t *testing.T) {
	for _, max := range []int{100, 100_000} {
		ok := "* OK " + strings.Repeat("x", max-5) + "\r\n"
		if rs, err := decodeStream([]byte(ok), &DecoderOptions{MaxLineLength: max}); err != nil || len(rs[0].Text) != max-5 {
			t.Errorf("max %d: a line of max bytes: %v", max, err)
		}
		long := "* OK " + strings.Repeat("x", max-4) + "\r\n"
		if _, err := decodeStream([]byte(long), &DecoderOptions{MaxLineLength: max}); !errors.Is(err, ErrLineTooLong) {
			t.Errorf("max %d: a line of max+1 bytes: %v", max, err)
		}
	}
}

// TestBufferedReader: a *bufio.Reader is used as it is, so that what the
// decoder did not consume stays in it (the STARTTLS check).
func TestBufferedReader(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("A1 OK Begin TLS negotiation now\r\nINJECTED"))
	d := NewDecoder(br, nil)
	if _, err := d.ReadResponse(); err != nil {
		t.Fatal(err)
	}
	if d.Buffered() != len("INJECTED") || br.Buffered() != len("INJECTED") {
		t.Errorf("Buffered() = %d; want %d", d.Buffered(), len("INJECTED"))
	}
	rest, _ := io.ReadAll(br)
	if string(rest) != "INJECTED" {
		t.Errorf("left in the reader: %q", rest)
	}
	d.Reset(bufio.NewReader(strings.NewReader("* OK [CAPABILITY IMAP4rev1] after TLS\r\n")))
	if r, err := d.ReadResponse(); err != nil || r.Code == nil || r.Seq != 2 {
		t.Errorf("after Reset: %+v, %v", r, err)
	}
}
