package codec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// encode writes cmd with opts and returns the bytes, the bytes as they
// stood at each call of cont, and the error.
func encode(t testing.TB, cmd *wire.Command, opts *EncoderOptions) (string, []string, error) {
	t.Helper()
	var buf bytes.Buffer
	e := NewEncoder(&buf, opts)
	var at []string
	err := e.WriteCommand(cmd, func() error {
		at = append(at, buf.String())
		return nil
	})
	return buf.String(), at, err
}

func cmd(tag, name string, args ...wire.Value) *wire.Command {
	return &wire.Command{Tag: tag, Name: name, Args: args}
}

func TestWriteCommandStrings(t *testing.T) {
	long := strings.Repeat("x", DefaultMaxQuoted+1)
	tests := []struct {
		name string
		arg  wire.Value
		opts *EncoderOptions
		want string
	}{
		{"atom", wire.String("fred"), nil, "fred"},
		{"resp-special is an ASTRING-CHAR", wire.String("a]b"), nil, "a]b"},
		{"empty", wire.String(""), nil, `""`},
		{"NIL is quoted", wire.String("NIL"), nil, `"NIL"`},
		{"nil is quoted", wire.String("nIl"), nil, `"nIl"`},
		{"number", wire.String("123"), nil, `123`},
		{"leading zero is quoted", wire.String("007"), nil, `"007"`},
		{"bracket is quoted", wire.String("[Gmail]"), nil, `"[Gmail]"`},
		{"zero", wire.String("0"), nil, `0`},
		{"space", wire.String("pa ss"), nil, `"pa ss"`},
		{"wildcards are quoted", wire.String("a*b%"), nil, `"a*b%"`},
		{"parens", wire.String("(x)"), nil, `"(x)"`},
		{"brace", wire.String("{5}"), nil, `"{5}"`},
		{"tab", wire.String("a\tb"), nil, "\"a\tb\""},
		{"DQUOTE forces a literal", wire.String(`a"b`), nil, "{3}\r\na\"b"},
		{"backslash forces a literal", wire.String(`a\b`), nil, "{3}\r\na\\b"},
		{"CR", wire.String("a\rb"), nil, "{3}\r\na\rb"},
		{"LF", wire.String("a\nb"), nil, "{3}\r\na\nb"},
		{"CRLF", wire.String("a\r\nb"), nil, "{4}\r\na\r\nb"},
		{"8-bit", wire.String("grüß"), nil, "{6}\r\ngrüß"},
		{"UTF-8 quoted under UTF8=ACCEPT", wire.String("grüß"), &EncoderOptions{UTF8: true}, `"grüß"`},
		{"UTF-8 atom-safe still quoted", wire.String("ü"), &EncoderOptions{UTF8: true}, `"ü"`},
		{"invalid UTF-8 under UTF8=ACCEPT", wire.String("a\xffb"), &EncoderOptions{UTF8: true}, "{3}\r\na\xffb"},
		{"UTF-8 with DQUOTE", wire.String("ü\""), &EncoderOptions{UTF8: true}, "{3}\r\nü\""},
		{"long", wire.String(long), nil, "{1025}\r\n" + long},
		{"MaxQuoted", wire.String("abcdef"), &EncoderOptions{MaxQuoted: 5}, "{6}\r\nabcdef"},
		{"MaxQuoted equal", wire.String("abcde"), &EncoderOptions{MaxQuoted: 5}, "abcde"},
		{"quoted form", wire.Quoted("fred"), nil, `"fred"`},
		{"quoted form ignores MaxQuoted", wire.Quoted("abcdef"), &EncoderOptions{MaxQuoted: 5}, `"abcdef"`},
		{"quoted form with DQUOTE", wire.Quoted(`"`), nil, "{1}\r\n\""},
		{"literal form", wire.Literal("fred"), nil, "{4}\r\nfred"},
		{"empty literal", wire.Literal(""), nil, "{0}\r\n"},
		{"NUL with BINARY", wire.String("a\x00b"), &EncoderOptions{Binary: true}, "~{3}\r\na\x00b"},
		{"NUL in a long string", wire.String(long + "\x00"), &EncoderOptions{Binary: true}, "~{1026}\r\n" + long + "\x00"},
		{"NUL after CR", wire.String("\r\x00"), &EncoderOptions{Binary: true}, "~{2}\r\n\r\x00"},
		{"literal8 form", wire.Value{Kind: wire.KindString, Form: wire.FormLiteral8, Str: "ab"}, &EncoderOptions{Binary: true}, "~{2}\r\nab"},
		{"LITERAL+", wire.String("a\"b"), &EncoderOptions{LiteralPlus: true}, "{3+}\r\na\"b"},
		{"LITERAL+ literal8", wire.String("\x00"), &EncoderOptions{LiteralPlus: true, Binary: true}, "~{1+}\r\n\x00"},
		{"LITERAL- small", wire.Literal(strings.Repeat("a", 4096)), &EncoderOptions{LiteralMinus: true}, "{4096+}\r\n" + strings.Repeat("a", 4096)},
		{"LITERAL- large", wire.Literal(strings.Repeat("a", 4097)), &EncoderOptions{LiteralMinus: true}, "{4097}\r\n" + strings.Repeat("a", 4097)},
		{"LITERAL+ wins over LITERAL-", wire.Literal(strings.Repeat("a", 4097)), &EncoderOptions{LiteralPlus: true, LiteralMinus: true}, "{4097+}\r\n" + strings.Repeat("a", 4097)},
		{"body reader", wire.LiteralReader(strings.NewReader("hello"), 5), nil, "{5}\r\nhello"},
		{"body reader literal8", wire.Value{Kind: wire.KindString, Form: wire.FormLiteral8, Body: strings.NewReader("a\x00"), Size: 2}, &EncoderOptions{Binary: true}, "~{2}\r\na\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := encode(t, cmd("A1", "X", tt.arg), tt.opts)
			want := "A1 X " + tt.want + "\r\n"
			if err != nil || got != want {
				t.Errorf("WriteCommand(%#v) = %q, %v; want %q", tt.arg, got, err, want)
			}
		})
	}
}

func TestWriteCommandKinds(t *testing.T) {
	tests := []struct {
		args []wire.Value
		want string
	}{
		{nil, "A1 X\r\n"},
		{[]wire.Value{wire.Nil()}, "A1 X NIL\r\n"},
		{[]wire.Value{wire.Number(0), wire.Number(18446744073709551615)}, "A1 X 0 18446744073709551615\r\n"},
		{[]wire.Value{wire.List()}, "A1 X ()\r\n"},
		{[]wire.Value{wire.List(wire.Atom("A"), wire.List(wire.Number(1), wire.Nil()), wire.String("b c"))}, "A1 X (A (1 NIL) \"b c\")\r\n"},
		{[]wire.Value{wire.Atom(`\Seen`), wire.Atom("1:*"), wire.Atom("%"), wire.Atom("$")}, "A1 X \\Seen 1:* % $\r\n"},
		{[]wire.Value{wire.Atom("BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100>")}, "A1 X BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100>\r\n"},
		{[]wire.Value{wire.Atom(`BODY[HEADER.FIELDS ("X Y")]`)}, "A1 X BODY[HEADER.FIELDS (\"X Y\")]\r\n"},
		{[]wire.Value{wire.Atom(`BODY[HEADER.FIELDS ("a]b" "c\"d")]<0.1>`)}, "A1 X BODY[HEADER.FIELDS (\"a]b\" \"c\\\"d\")]<0.1>\r\n"},
		{[]wire.Value{wire.Raw(`RETURN (MIN) (OR SEEN "x")`)}, "A1 X RETURN (MIN) (OR SEEN \"x\")\r\n"},
	}
	for _, tt := range tests {
		got, _, err := encode(t, cmd("A1", "X", tt.args...), nil)
		if err != nil || got != tt.want {
			t.Errorf("WriteCommand(%v) = %q, %v; want %q", tt.args, got, err, tt.want)
		}
	}
}

// TestWriteCommandRejects tries to inject syntax through every kind of
// argument: each must fail before anything is written.
func TestWriteCommandRejects(t *testing.T) {
	tests := []struct {
		name string
		cmd  *wire.Command
		opts *EncoderOptions
		want error
	}{
		{"empty tag", cmd("", "NOOP"), nil, ErrInvalidAtom},
		{"tag with SP", cmd("A 1", "NOOP"), nil, ErrInvalidAtom},
		{"tag with CRLF", cmd("A1 NOOP\r\nA2", "NOOP"), nil, ErrInvalidAtom},
		{"tag with +", cmd("A+1", "NOOP"), nil, ErrInvalidAtom},
		{"tag with *", cmd("*", "NOOP"), nil, ErrInvalidAtom},
		{"empty name", cmd("A1", ""), nil, ErrInvalidAtom},
		{"name with CRLF", cmd("A1", "NOOP\r\nA2 DELETE INBOX"), nil, ErrInvalidAtom},
		{"name with two spaces", cmd("A1", "UID  FETCH"), nil, ErrInvalidAtom},
		{"name with trailing space", cmd("A1", "UID "), nil, ErrInvalidAtom},
		{"name with brace", cmd("A1", "X{5}"), nil, ErrInvalidAtom},
		{"empty atom", cmd("A1", "X", wire.Atom("")), nil, ErrInvalidAtom},
		{"atom with SP", cmd("A1", "X", wire.Atom("a b")), nil, ErrInvalidAtom},
		{"atom with CRLF", cmd("A1", "X", wire.Atom("a\r\nA2 LOGOUT")), nil, ErrInvalidAtom},
		{"atom with LF", cmd("A1", "X", wire.Atom("a\n")), nil, ErrInvalidAtom},
		{"atom with NUL", cmd("A1", "X", wire.Atom("a\x00")), nil, ErrInvalidAtom},
		{"atom with paren", cmd("A1", "X", wire.Atom("a)")), nil, ErrInvalidAtom},
		{"atom with DQUOTE", cmd("A1", "X", wire.Atom(`a"`)), nil, ErrInvalidAtom},
		{"atom with literal", cmd("A1", "X", wire.Atom("{5}")), nil, ErrInvalidAtom},
		{"atom with 8-bit", cmd("A1", "X", wire.Atom("ü")), nil, ErrInvalidAtom},
		{"atom with unclosed section and SP", cmd("A1", "X", wire.Atom("BODY[HEADER X")), nil, ErrInvalidAtom},
		{"atom with CRLF in section", cmd("A1", "X", wire.Atom("BODY[\r\n]")), nil, ErrInvalidAtom},
		{"atom with literal in section", cmd("A1", "X", wire.Atom("BODY[{5}]")), nil, ErrInvalidAtom},
		{"atom with nested section", cmd("A1", "X", wire.Atom("BODY[[]]")), nil, ErrInvalidAtom},
		{"atom with unterminated quote in section", cmd("A1", "X", wire.Atom(`BODY["]`)), nil, ErrInvalidAtom},
		{"atom with trailing escape in section", cmd("A1", "X", wire.Atom(`BODY["\`)), nil, ErrInvalidAtom},
		{"atom with quote outside section", cmd("A1", "X", wire.Atom(`a"b"`)), nil, ErrInvalidAtom},
		{"flag with SP", cmd("A1", "STORE", wire.Atom("1"), wire.Atom("+FLAGS"), FlagList(`\Seen x`)), nil, ErrInvalidAtom},
		{"bad atom deep in a list", cmd("A1", "X", wire.List(wire.List(wire.Atom("ok"), wire.Atom("a\r\n")))), nil, ErrInvalidAtom},
		{"raw with CRLF", cmd("A1", "X", wire.Raw("a\r\nA2 LOGOUT")), nil, ErrInvalidRaw},
		{"raw with CR", cmd("A1", "X", wire.Raw("a\rb")), nil, ErrInvalidRaw},
		{"raw with NUL", cmd("A1", "X", wire.Raw("a\x00")), nil, ErrInvalidRaw},
		{"raw ending in a literal", cmd("A1", "X", wire.Raw("x {5}")), nil, ErrInvalidRaw},
		{"raw ending in a non-sync literal", cmd("A1", "X", wire.Raw("{5+}")), nil, ErrInvalidRaw},
		{"empty raw", cmd("A1", "X", wire.Raw("")), nil, ErrInvalidRaw},
		{"NUL without BINARY", cmd("A1", "X", wire.String("a\x00")), nil, ErrNeedsBinary},
		{"NUL in a literal without BINARY", cmd("A1", "X", wire.Literal("a\x00")), nil, ErrNeedsBinary},
		{"NUL in a quoted without BINARY", cmd("A1", "X", wire.Quoted("a\x00")), nil, ErrNeedsBinary},
		{"literal8 without BINARY", cmd("A1", "X", wire.Value{Kind: wire.KindString, Form: wire.FormLiteral8, Str: "a"}), nil, ErrNeedsBinary},
		{"literal8 reader without BINARY", cmd("A1", "X", wire.Value{Kind: wire.KindString, Form: wire.FormLiteral8, Body: strings.NewReader("a"), Size: 1}), nil, ErrNeedsBinary},
		{"negative size", cmd("A1", "X", wire.LiteralReader(strings.NewReader(""), -1)), nil, ErrLiteralSize},
		{"streamed value", cmd("A1", "X", wire.Value{Kind: wire.KindString, Form: wire.FormLiteral, Size: 3, Streamed: true}), nil, ErrStreamedValue},
		{"empty sequence set", cmd("A1", "FETCH", SeqSet(seqset.Set{}), wire.Atom("UID")), nil, ErrInvalidAtom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			e := NewEncoder(&buf, tt.opts)
			called := false
			err := e.WriteCommand(tt.cmd, func() error { called = true; return nil })
			if !errors.Is(err, tt.want) {
				t.Errorf("WriteCommand = %v; want %v", err, tt.want)
			}
			var ee *EncodeError
			if !errors.As(err, &ee) {
				t.Errorf("error %v is not an *EncodeError", err)
			}
			if buf.Len() != 0 || called {
				t.Errorf("WriteCommand wrote %q (cont called: %v) before failing", buf.String(), called)
			}
			if err != nil && strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error message %q holds CR or LF", err)
			}
		})
	}
}

// TestInjectionByStrings checks that strings with protocol syntax in them
// stay one token: the encoded command is exactly one command line whose
// literals carry the syntax as data.
func TestInjectionByStrings(t *testing.T) {
	evil := []string{
		"x\r\nA2 DELETE INBOX",
		"x\" \"y",
		"x\\\" A2",
		"{5}\r\nhello",
		"x {5+}",
		"x)",
		"(",
		"\r\n",
		"a\r\n.\r\n",
		"NIL",
		"}",
		"~{3}",
		"*",
		"\\\"",
	}
	for _, s := range evil {
		for _, opts := range []*EncoderOptions{nil, {LiteralPlus: true}, {UTF8: true, LiteralMinus: true}} {
			for _, v := range []wire.Value{wire.String(s), wire.Quoted(s), wire.Literal(s), wire.List(wire.String(s))} {
				got, _, err := encode(t, cmd("A1", "LOGIN", wire.String("user"), v), opts)
				if err != nil {
					t.Errorf("WriteCommand(%q) failed: %v", s, err)
					continue
				}
				lines := splitCommand(t, got)
				if len(lines) != 1 {
					t.Errorf("WriteCommand(%q) = %q: %d commands", s, got, len(lines))
				}
			}
		}
	}
}

// splitCommand splits client output into commands, skipping literal
// contents, and checks that each string comes back as it was.
func splitCommand(t *testing.T, s string) []string {
	t.Helper()
	var cmds []string
	cur := ""
	for s != "" {
		i := strings.Index(s, "\r\n")
		if i < 0 {
			t.Fatalf("unterminated line %q", s)
		}
		line := s[:i]
		s = s[i+2:]
		cur += line
		// a literal at the end of the line?
		if j := strings.LastIndexByte(line, '{'); j >= 0 && strings.HasSuffix(line, "}") {
			n := 0
			for _, c := range strings.TrimSuffix(line[j+1:len(line)-1], "+") {
				n = n*10 + int(c-'0')
			}
			cur += "<" + s[:n] + ">"
			s = s[n:]
			continue
		}
		cmds = append(cmds, cur)
		cur = ""
	}
	return cmds
}

func TestSynchronizingLiterals(t *testing.T) {
	// RFC 7888 §3's example, synchronizing: the encoder stops at each
	// literal until the server's "+".
	c := cmd("A001", "LOGIN", wire.String("FRED FOOBAR"), wire.String("fat man\r\n"))
	c.Args[0] = wire.Literal("FRED FOOBAR")
	got, at, err := encode(t, c, nil)
	want := "A001 LOGIN {11}\r\nFRED FOOBAR {9}\r\nfat man\r\n\r\n"
	if err != nil || got != want {
		t.Fatalf("WriteCommand = %q, %v; want %q", got, err, want)
	}
	wantAt := []string{"A001 LOGIN {11}\r\n", "A001 LOGIN {11}\r\nFRED FOOBAR {9}\r\n"}
	if len(at) != len(wantAt) || at[0] != wantAt[0] || at[1] != wantAt[1] {
		t.Errorf("output at each continuation = %q; want %q", at, wantAt)
	}
}

func TestRFC7888_3_NonSynchronizingLiterals(t *testing.T) {
	c := cmd("A001", "LOGIN", wire.Literal("FRED FOOBAR"), wire.Literal("fat man"))
	for _, opts := range []*EncoderOptions{{LiteralPlus: true}, {LiteralMinus: true}} {
		got, at, err := encode(t, c, opts)
		want := "A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man\r\n"
		if err != nil || got != want || len(at) != 0 {
			t.Errorf("WriteCommand(%+v) = %q, %v (%d continuations); want %q", opts, got, err, len(at), want)
		}
	}
	// Without a cont function a LITERAL+ command needs none.
	var buf bytes.Buffer
	if err := NewEncoder(&buf, &EncoderOptions{LiteralPlus: true}).WriteCommand(c, nil); err != nil {
		t.Errorf("WriteCommand with nil cont under LITERAL+: %v", err)
	}
}

func TestLiteralMinusMixed(t *testing.T) {
	big := strings.Repeat("b", 5000)
	c := cmd("A1", "APPEND", wire.String("INBOX"), wire.Literal("small"), wire.Literal(big))
	got, at, err := encode(t, c, &EncoderOptions{LiteralMinus: true})
	want := "A1 APPEND INBOX {5+}\r\nsmall {5000}\r\n" + big + "\r\n"
	if err != nil || got != want {
		t.Fatalf("WriteCommand = %.60q, %v; want %.60q", got, err, want)
	}
	if len(at) != 1 || at[0] != "A1 APPEND INBOX {5+}\r\nsmall {5000}\r\n" {
		t.Errorf("continuations at %q", at)
	}
}

func TestContinuationError(t *testing.T) {
	refused := errors.New("server said A1 NO")
	var buf bytes.Buffer
	e := NewEncoder(&buf, nil)
	c := cmd("A1", "LOGIN", wire.String("fred"), wire.String("p\"w"), wire.String("more"))
	err := e.WriteCommand(c, func() error { return refused })
	if !errors.Is(err, ErrCommandAborted) || !errors.Is(err, refused) {
		t.Errorf("WriteCommand = %v; want ErrCommandAborted wrapping the cont error", err)
	}
	if got, want := buf.String(), "A1 LOGIN fred {3}\r\n"; got != want {
		t.Errorf("sent %q; want %q (nothing after the refused literal)", got, want)
	}
	// The encoder stays usable for the next command.
	buf.Reset()
	if err := e.WriteCommand(cmd("A2", "NOOP"), nil); err != nil || buf.String() != "A2 NOOP\r\n" {
		t.Errorf("next command: %q, %v", buf.String(), err)
	}
}

func TestNoContinuation(t *testing.T) {
	var buf bytes.Buffer
	err := NewEncoder(&buf, nil).WriteCommand(cmd("A1", "LOGIN", wire.String("fred"), wire.String("a\"b")), nil)
	if !errors.Is(err, ErrNoContinuation) || buf.Len() != 0 {
		t.Errorf("WriteCommand = %q, %v; want nothing written and ErrNoContinuation", buf.String(), err)
	}
}

func TestShortBody(t *testing.T) {
	var buf bytes.Buffer
	err := NewEncoder(&buf, &EncoderOptions{LiteralPlus: true}).WriteCommand(
		cmd("A1", "APPEND", wire.String("INBOX"), wire.LiteralReader(strings.NewReader("abc"), 10)), nil)
	if !errors.Is(err, ErrLiteralSize) {
		t.Errorf("WriteCommand with a short body = %v; want ErrLiteralSize", err)
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n < len(p) {
		n := w.n
		w.n = 0
		return n, io.ErrClosedPipe
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	e := NewEncoder(&failWriter{n: 3}, nil)
	if err := e.WriteCommand(cmd("A1", "NOOP"), nil); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("WriteCommand on a failing writer = %v", err)
	}
	e = NewEncoder(&failWriter{n: 3}, nil)
	err := e.WriteCommand(cmd("A1", "X", wire.Literal("abc")), func() error { t.Error("cont called after a failed flush"); return nil })
	if !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("WriteCommand on a failing writer = %v", err)
	}
}

func TestWriteLine(t *testing.T) {
	var buf bytes.Buffer
	e := NewEncoder(&buf, nil)
	if err := e.WriteLine("DONE"); err != nil || buf.String() != "DONE\r\n" {
		t.Errorf("WriteLine(DONE) = %q, %v", buf.String(), err)
	}
	for _, s := range []string{"a\r\nb", "\n", "\x00"} {
		buf.Reset()
		if err := e.WriteLine(s); !errors.Is(err, ErrInvalidText) || buf.Len() != 0 {
			t.Errorf("WriteLine(%q) = %q, %v; want ErrInvalidText", s, buf.String(), err)
		}
	}
}

func TestEncoderResetAndOptions(t *testing.T) {
	var a, b bytes.Buffer
	e := NewEncoder(&a, nil)
	if got := e.Options().MaxQuoted; got != DefaultMaxQuoted {
		t.Errorf("default MaxQuoted = %d", got)
	}
	e.WriteCommand(cmd("A1", "NOOP"), nil)
	e.Reset(&b)
	e.SetOptions(&EncoderOptions{LiteralPlus: true})
	e.WriteCommand(cmd("A2", "X", wire.Literal("x")), nil)
	if a.String() != "A1 NOOP\r\n" || b.String() != "A2 X {1+}\r\nx\r\n" {
		t.Errorf("after Reset: %q, %q", a.String(), b.String())
	}
	// A *bufio.Writer is used as it is: nothing stays buffered in between.
	var c bytes.Buffer
	bw := bufio.NewWriter(&c)
	NewEncoder(bw, nil).WriteCommand(cmd("A3", "NOOP"), nil)
	if c.String() != "A3 NOOP\r\n" {
		t.Errorf("through a bufio.Writer: %q", c.String())
	}
}

func TestEncodeErrorMessage(t *testing.T) {
	_, _, err := encode(t, cmd("A1", "LOGIN", wire.String("fred"), wire.Atom("secret password")), nil)
	if err == nil || err.Error() != "codec: cannot encode LOGIN argument 2: codec: invalid atom" {
		t.Errorf("error = %v", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q leaks the argument", err)
	}
}

func TestArgumentHelpers(t *testing.T) {
	pst := time.FixedZone("PST", -8*3600)
	mb, err := Mailbox("Entwürfe", false)
	if err != nil {
		t.Fatal(err)
	}
	mb8, err := Mailbox("Entwürfe", true)
	if err != nil {
		t.Fatal(err)
	}
	inbox, _ := Mailbox("inbox", false)
	if _, err := Mailbox("a\xff", false); err == nil {
		t.Error("Mailbox accepted invalid UTF-8")
	}
	if _, err := Mailbox("a\xff", true); err == nil {
		t.Error("Mailbox(utf8) accepted invalid UTF-8")
	}
	tests := []struct {
		v    wire.Value
		want string
	}{
		{SeqSet(seqset.MustParse("1:4,7,10:*")), "1:4,7,10:*"},
		{SeqSet(seqset.MustParse("$")), "$"},
		{Date(time.Date(1994, 2, 1, 23, 0, 0, 0, pst)), "1-Feb-1994"},
		{Date(time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)), "31-Dec-2024"},
		{DateTime(time.Date(1994, 2, 7, 21, 52, 25, 0, pst)), `"07-Feb-1994 21:52:25 -0800"`},
		{DateTime(time.Date(2024, 7, 17, 2, 44, 25, 0, time.FixedZone("", 5*3600+30*60))), `"17-Jul-2024 02:44:25 +0530"`},
		{FlagList(`\Seen`, `$Forwarded`), `(\Seen $Forwarded)`},
		{FlagList(), `()`},
		{AtomList("MESSAGES", "UIDNEXT"), `(MESSAGES UIDNEXT)`},
		{mb, "Entw&APw-rfe"},
		{mb8, "{9}\r\nEntwürfe"},
		{inbox, "INBOX"},
		{BodySection(true, wire.Section{Part: []int{1}, Specifier: wire.SectionHeaderFields, Fields: []string{"DATE", "FROM"}}, 0, 512), "BODY.PEEK[1.HEADER.FIELDS (DATE FROM)]<0.512>"},
		{BodySection(false, wire.Section{}, 0, 0), "BODY[]"},
		{BodySection(false, wire.Section{Specifier: wire.SectionText}, 100, 10), "BODY[TEXT]<100.10>"},
		{BinarySection(true, []int{2, 1}, 0, 0), "BINARY.PEEK[2.1]"},
		{BinarySection(false, nil, 5, 5), "BINARY[]<5.5>"},
		{BinarySizeItem([]int{3}), "BINARY.SIZE[3]"},
	}
	for _, tt := range tests {
		got, _, err := encode(t, cmd("A1", "X", tt.v), nil)
		want := "A1 X " + tt.want + "\r\n"
		if err != nil || got != want {
			t.Errorf("WriteCommand(%#v) = %q, %v; want %q", tt.v, got, err, want)
		}
	}
	atoms := Atoms("CONDSTORE", "UTF8=ACCEPT")
	if got, _, _ := encode(t, cmd("A1", "ENABLE", atoms...), nil); got != "A1 ENABLE CONDSTORE UTF8=ACCEPT\r\n" {
		t.Errorf("ENABLE = %q", got)
	}
	for _, s := range []string{"07-Feb-1994 21:52:25 -0800", " 7-Feb-1994 21:52:25 -0800"} {
		tm, err := ParseDateTime(s)
		if err != nil || !tm.Equal(time.Date(1994, 2, 7, 21, 52, 25, 0, pst)) {
			t.Errorf("ParseDateTime(%q) = %v, %v", s, tm, err)
		}
	}
}

// RFC examples of client commands (RFC 9051 §6 and RFC 3501 §6), built
// from typed arguments.
func TestRFC9051_6_CommandExamples(t *testing.T) {
	msg := "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.example>\r\n" +
		"Subject: afternoon meeting\r\nTo: mooch@owatagu.siam.example\r\nMessage-Id: <B27397-0100000@Blurdybloop.example>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n"
	pst := time.FixedZone("", -8*3600)
	tests := []struct {
		name string
		cmd  *wire.Command
		want string
	}{
		{"6.1.1 CAPABILITY", cmd("abcd", "CAPABILITY"), "abcd CAPABILITY\r\n"},
		{"6.2.3 LOGIN", cmd("a001", "LOGIN", wire.String("SMITH"), wire.String("SESAME")), "a001 LOGIN SMITH SESAME\r\n"},
		{"6.3.1 ENABLE", cmd("t2", "ENABLE", Atoms("CONDSTORE", "X-GOOD-IDEA")...), "t2 ENABLE CONDSTORE X-GOOD-IDEA\r\n"},
		{"6.3.2 SELECT", cmd("A142", "SELECT", wire.String("INBOX")), "A142 SELECT INBOX\r\n"},
		{"6.3.4 CREATE", cmd("A003", "CREATE", wire.String("owatagusiam/")), "A003 CREATE owatagusiam/\r\n"},
		{"6.3.6 RENAME", cmd("A683", "RENAME", wire.String("blurdybloop"), wire.String("sarasoop")), "A683 RENAME blurdybloop sarasoop\r\n"},
		{"6.3.9 LIST empty", cmd("A101", "LIST", wire.String(""), wire.String("")), "A101 LIST \"\" \"\"\r\n"},
		{"6.3.9 LIST pattern", cmd("A102", "LIST", wire.String("#news.comp.mail.misc"), wire.Quoted("")), "A102 LIST #news.comp.mail.misc \"\"\r\n"},
		{"6.3.9 LIST wildcard", cmd("A202", "LIST", wire.String("~/Mail/"), wire.String("%")), "A202 LIST ~/Mail/ \"%\"\r\n"},
		{"6.3.9 LIST extended", cmd("A02", "LIST", AtomList("SUBSCRIBED"), wire.String(""), wire.String("*"), wire.Atom("RETURN"), AtomList("CHILDREN")),
			"A02 LIST (SUBSCRIBED) \"\" \"*\" RETURN (CHILDREN)\r\n"},
		{"6.3.11 STATUS", cmd("A042", "STATUS", wire.String("blurdybloop"), AtomList("UIDNEXT", "MESSAGES")), "A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n"},
		{"6.4.4 SEARCH", cmd("A282", "SEARCH", wire.Atom("RETURN"), AtomList("MIN", "COUNT"), wire.Atom("FLAGGED"),
			wire.Atom("SINCE"), Date(time.Date(1994, 2, 1, 0, 0, 0, 0, time.UTC)), wire.Atom("NOT"), wire.Atom("FROM"), wire.Quoted("Smith")),
			"A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n"},
		{"6.4.4 SEARCH CHARSET", cmd("A284", "SEARCH", wire.Atom("CHARSET"), wire.Atom("UTF-8"), wire.Atom("TEXT"), wire.Literal("XXXXXX")),
			"A284 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX\r\n"},
		{"6.4.5 FETCH", cmd("A654", "FETCH", SeqSet(seqset.MustParse("2:4")), wire.List(wire.Atom("FLAGS"),
			BodySection(false, wire.Section{Specifier: wire.SectionHeaderFields, Fields: []string{"DATE", "FROM"}}, 0, 0))),
			"A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n"},
		{"6.4.6 STORE", cmd("A003", "STORE", SeqSet(seqset.MustParse("2:4")), wire.Atom("+FLAGS"), FlagList(`\Deleted`)),
			"A003 STORE 2:4 +FLAGS (\\Deleted)\r\n"},
		{"6.4.7 COPY", cmd("A003", "COPY", SeqSet(seqset.MustParse("2:4")), wire.String("MEETING")), "A003 COPY 2:4 MEETING\r\n"},
		{"6.4.9 UID FETCH", cmd("A999", "UID FETCH", SeqSet(seqset.MustParse("4827313:4828442")), wire.Atom("FLAGS")),
			"A999 UID FETCH 4827313:4828442 FLAGS\r\n"},
		{"6.3.12 APPEND", cmd("A003", "APPEND", wire.String("saved-messages"), FlagList(`\Seen`), DateTime(time.Date(1994, 2, 7, 21, 52, 25, 0, pst)), wire.Literal(msg)),
			"A003 APPEND saved-messages (\\Seen) \"07-Feb-1994 21:52:25 -0800\" {" + strconv.Itoa(len(msg)) + "}\r\n" + msg + "\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := encode(t, tt.cmd, nil)
			if err != nil || got != tt.want {
				t.Errorf("WriteCommand = %q, %v;\nwant %q", got, err, tt.want)
			}
		})
	}
}

func fetchCommand() *wire.Command {
	return cmd("A123456", "UID FETCH", wire.Atom("1:4,7,10:200,300:*"), wire.List(
		wire.Atom("UID"), wire.Atom("FLAGS"), wire.Atom("INTERNALDATE"), wire.Atom("RFC822.SIZE"),
		wire.Atom("ENVELOPE"), wire.Atom("BODYSTRUCTURE"), wire.Atom("BODY.PEEK[HEADER.FIELDS (DATE FROM TO CC SUBJECT)]"),
		wire.Atom("BINARY.SIZE[1]"), wire.Atom("MODSEQ"), wire.Atom("EMAILID"), wire.Atom("THREADID"),
		wire.Atom("X-GM-LABELS"), wire.Atom("PREVIEW"), wire.Atom("SAVEDATE"),
	), wire.List(wire.Atom("CHANGEDSINCE"), wire.Number(12345678901), wire.Atom("VANISHED")),
		wire.String("word"), wire.Quoted("two words"), wire.Number(4294967295), wire.Nil())
}

func TestWriteCommandAllocs(t *testing.T) {
	e := NewEncoder(io.Discard, nil)
	c := fetchCommand()
	if n := testing.AllocsPerRun(100, func() {
		if err := e.WriteCommand(c, nil); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("WriteCommand(FETCH) allocates %v times; want 0", n)
	}
	body := strings.NewReader(strings.Repeat("x", 100000))
	app := cmd("A1", "APPEND", wire.String("INBOX"), FlagList(`\Seen`), wire.LiteralReader(body, body.Size()))
	e.SetOptions(&EncoderOptions{LiteralPlus: true})
	if n := testing.AllocsPerRun(100, func() {
		body.Seek(0, io.SeekStart)
		if err := e.WriteCommand(app, nil); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("WriteCommand(APPEND from a reader) allocates %v times; want 0", n)
	}
}

func BenchmarkWriteCommandFetch(b *testing.B) {
	c := fetchCommand()
	var buf bytes.Buffer
	NewEncoder(&buf, nil).WriteCommand(c, nil)
	e := NewEncoder(io.Discard, nil)
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := e.WriteCommand(c, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// countWriter counts bytes and keeps none, and is not an io.ReaderFrom,
// so the encoder's own buffering is measured.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func benchmarkAppend(b *testing.B, fromReader, sync bool) {
	line := "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n"
	msg := strings.Repeat(line, 10<<20/len(line)+1)[:10<<20]
	e := NewEncoder(&countWriter{}, &EncoderOptions{LiteralPlus: !sync})
	r := strings.NewReader(msg)
	date := DateTime(time.Date(2024, 7, 17, 2, 44, 25, 0, time.UTC))
	c := cmd("A1", "APPEND", wire.String("Sent Items"), FlagList(`\Seen`, `$Forwarded`), date, wire.Literal(msg))
	cont := func() error { return nil }
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if fromReader {
			r.Reset(msg)
			c.Args[3] = wire.LiteralReader(r, int64(len(msg)))
		}
		if err := e.WriteCommand(c, cont); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteCommandAppend10MB: APPEND of a 10 MB message held as a
// string, LITERAL+.
func BenchmarkWriteCommandAppend10MB(b *testing.B) { benchmarkAppend(b, false, false) }

// BenchmarkWriteCommandAppend10MBReader: the message streamed from an
// io.Reader, synchronizing literal.
func BenchmarkWriteCommandAppend10MBReader(b *testing.B) { benchmarkAppend(b, true, true) }

// A command with typed arguments; the encoder picks atom, quoted string
// or literal for each string and stops at the synchronizing literal
// until the server's "+".
func ExampleEncoder_WriteCommand() {
	var out strings.Builder
	e := NewEncoder(&out, nil)
	c := &wire.Command{Tag: "A1", Name: "LOGIN", Args: []wire.Value{wire.String("fred"), wire.String(`pa"ss`)}}
	err := e.WriteCommand(c, func() error {
		out.WriteString("<+>") // here the caller waits for the server's "+"
		return nil
	})
	fmt.Printf("%q %v\n", out.String(), err)

	out.Reset()
	e.SetOptions(&EncoderOptions{LiteralPlus: true})
	e.WriteCommand(&wire.Command{Tag: "A2", Name: "UID FETCH", Args: []wire.Value{
		SeqSet(seqset.MustParse("1:4,7")),
		wire.List(wire.Atom("FLAGS"), BodySection(true, wire.Section{Specifier: wire.SectionHeaderFields, Fields: []string{"DATE", "FROM"}}, 0, 0)),
	}}, nil)
	e.WriteCommand(&wire.Command{Tag: "A3", Name: "APPEND", Args: []wire.Value{
		wire.String("Sent Items"), FlagList(`\Seen`), DateTime(time.Date(2024, 7, 17, 2, 44, 25, 0, time.UTC)), wire.Literal("Hi!\r\n"),
	}}, nil)
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n")) // CRLF shown as LF
	// Output:
	// "A1 LOGIN fred {5}\r\n<+>pa\"ss\r\n" <nil>
	// A2 UID FETCH 1:4,7 (FLAGS BODY.PEEK[HEADER.FIELDS (DATE FROM)])
	// A3 APPEND "Sent Items" (\Seen) "17-Jul-2024 02:44:25 +0000" {5+}
	// Hi!
}
