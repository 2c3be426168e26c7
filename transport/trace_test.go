package transport

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
)

// event is bytes going one way: C (written by the client) or S (read).
type event struct {
	dir  byte
	data string
}

func C(s string) event { return event{'C', s} }
func S(s string) event { return event{'S', s} }

// traceOf runs events through a Tracer, each event split into chunks of
// size chunk (0: whole), and returns the trace.
func traceOf(tr *Tracer, events []event, chunk int) string {
	var buf bytes.Buffer
	tr.Writer = &buf
	for _, e := range events {
		data := []byte(e.data)
		for len(data) > 0 {
			n := len(data)
			if chunk > 0 {
				n = min(n, chunk)
			}
			tr.record(e.dir == 'C', data[:n])
			data = data[n:]
		}
	}
	tr.flush()
	return buf.String()
}

func TestTrace(t *testing.T) {
	big := strings.Repeat("x", 300)
	tests := []struct {
		name   string
		events []event
		want   string
		max    int
	}{
		{
			name:   "plain",
			events: []event{S("* OK ready\r\n"), C("a1 CAPABILITY\r\n"), S("* CAPABILITY IMAP4rev2\r\na1 OK done\r\n")},
			want:   "S: * OK ready\nC: a1 CAPABILITY\nS: * CAPABILITY IMAP4rev2\nS: a1 OK done\n",
		},
		{
			name:   "LOGIN atoms",
			events: []event{C("A1 LOGIN alice s3cret\r\n"), S("A1 OK logged in\r\n"), C("A2 SELECT INBOX\r\n")},
			want:   "C: A1 LOGIN alice ****\nS: A1 OK logged in\nC: A2 SELECT INBOX\n",
		},
		{
			name:   "LOGIN quoted",
			events: []event{C(`A1 login "al \"x\" ice" "pa ss word"` + "\r\n")},
			want:   `C: A1 login "al \"x\" ice" ****` + "\n",
		},
		{
			name: "LOGIN synchronizing literal password",
			events: []event{
				C("A1 LOGIN alice {6}\r\n"), S("+ Ready for literal\r\n"), C("s3cret\r\n"),
				S("A1 OK done\r\n"), C("A2 NOOP\r\n"),
			},
			want: "C: A1 LOGIN alice ****\nS: + Ready for literal\nS: A1 OK done\nC: A2 NOOP\n",
		},
		{
			name:   "LOGIN literal user and password",
			events: []event{C("A1 LOGIN {5+}\r\nalice {6+}\r\ns3cret\r\nA2 NOOP\r\n")},
			want:   "C: A1 LOGIN ****\nC: A2 NOOP\n",
		},
		{
			name:   "AUTHENTICATE with SASL-IR",
			events: []event{C("A2 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA==\r\n"), S("A2 OK done\r\n"), C("A3 NOOP\r\n")},
			want:   "C: A2 AUTHENTICATE PLAIN ****\nS: A2 OK done\nC: A3 NOOP\n",
		},
		{
			name: "AUTHENTICATE exchange",
			events: []event{
				C("A3 authenticate CRAM-MD5\r\n"),
				S("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n"),
				C("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n"),
				S("* CAPABILITY IMAP4rev2\r\n"),
				S("A3 OK CRAM authentication successful\r\n"),
				C("A4 LIST \"\" *\r\n"),
			},
			want: "C: A3 authenticate CRAM-MD5\n" +
				"S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\n" +
				"C: ****\n" +
				"S: * CAPABILITY IMAP4rev2\n" +
				"S: A3 OK CRAM authentication successful\n" +
				"C: A4 LIST \"\" *\n",
		},
		{
			name: "AUTHENTICATE cancelled",
			events: []event{
				C("A5 AUTHENTICATE XOAUTH2\r\n"), S("+ \r\n"), C("*\r\n"),
				S("A5 BAD cancelled\r\n"), C("A6 NOOP\r\n"),
			},
			want: "C: A5 AUTHENTICATE XOAUTH2\nS: + \nC: ****\nS: A5 BAD cancelled\nC: A6 NOOP\n",
		},
		{
			// Issue 9 item 13: Courier refuses ID's literal with NO; the
			// literal never comes and the next LOGIN is a command.
			name: "literal refused, then LOGIN",
			events: []event{
				C("A1 ID (\"name\" {7}\r\n"), S("A1 NO ID literal refused\r\n"),
				C("A2 LOGIN alice s3cret\r\n"), S("A2 OK\r\n"),
			},
			want: "C: A1 ID (\"name\" {7}\nS: A1 NO ID literal refused\nC: A2 LOGIN alice ****\nS: A2 OK\n",
		},
		{
			name: "literal refused with BAD, then AUTHENTICATE",
			events: []event{
				C("A1 X {400}\r\n"), S("A1 BAD no\r\n"),
				C("A2 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA==\r\n"), S("A2 OK\r\n"),
			},
			want: "C: A1 X {400}\nS: A1 BAD no\nC: A2 AUTHENTICATE PLAIN ****\nS: A2 OK\n",
		},
		{
			// Another command's completion while the literal awaits "+"
			// does not end the literal: the password still follows.
			name: "other completion while a literal awaits +",
			events: []event{
				C("A2 LOGIN alice {6}\r\n"), S("A1 OK fetch done\r\n"), S("+ go\r\n"),
				C("s3cret\r\n"), S("A2 OK\r\n"),
			},
			want: "C: A2 LOGIN alice ****\nS: A1 OK fetch done\nS: + go\nS: A2 OK\n",
		},
		{
			// After "+", a NO of the same command does not cancel the
			// literal the client is already sending.
			name: "NO after + keeps the literal",
			events: []event{
				C("A2 LOGIN alice {6}\r\n"), S("+ go\r\n"), S("A2 NO hmm\r\n"),
				C("s3cret\r\n"), C("A3 NOOP\r\n"),
			},
			want: "C: A2 LOGIN alice ****\nS: + go\nS: A2 NO hmm\nC: A3 NOOP\n",
		},
		{
			// A hostile server sends "+" and completes the command at once;
			// the client's answer to the "+" is still a SASL line.
			name: "AUTHENTICATE answer after the completion",
			events: []event{
				C("A1 AUTHENTICATE PLAIN\r\n"), S("+ \r\nA1 NO refused\r\n"),
				C("AHVzZXIAczNjcmV0\r\n"), C("A2 NOOP\r\n"), C("DONE\r\n"),
			},
			want: "C: A1 AUTHENTICATE PLAIN\nS: + \nS: A1 NO refused\nC: ****\nC: A2 NOOP\nC: DONE\n",
		},
		{
			name:   "small literal shown",
			events: []event{S("* 1 FETCH (BODY[HEADER] {12}\r\nHello\r\nWorld)\r\n* 2 EXISTS\r\n")},
			want:   "S: * 1 FETCH (BODY[HEADER] {12}\nS: Hello\nS: World)\nS: * 2 EXISTS\n",
		},
		{
			name:   "large literal elided",
			events: []event{S("* 1 FETCH (UID 7 BODY[] {300}\r\n" + big + " UID 7)\r\n* 2 EXISTS\r\n")},
			want:   "S: * 1 FETCH (UID 7 BODY[] {300}\nS: {300 bytes} UID 7)\nS: * 2 EXISTS\n",
		},
		{
			name:   "MaxLiteral",
			max:    -1,
			events: []event{C("A1 APPEND INBOX {5+}\r\nhello\r\n")},
			want:   "C: A1 APPEND INBOX {5+}\nC: {5 bytes}\n",
		},
		{
			name:   "literal announcement inside a literal",
			events: []event{S("* 1 FETCH (BODY[] {9}\r\nab {5}\r\nc)\r\n* 2 EXISTS\r\n")},
			want:   "S: * 1 FETCH (BODY[] {9}\nS: ab {5}\nS: c)\nS: * 2 EXISTS\n",
		},
		{
			name:   "binary literal",
			events: []event{S("* 1 FETCH (BINARY[1] ~{3}\r\n\x00\x01\xff)\r\n")},
			want:   "S: * 1 FETCH (BINARY[1] ~{3}\nS: \\x00\\x01\\xff)\n",
		},
		{
			name:   "two literals in one command",
			events: []event{C("A1 APPEND INBOX {3+}\r\nabc {2+}\r\nde\r\n")},
			want:   "C: A1 APPEND INBOX {3+}\nC: abc {2+}\nC: de\n",
		},
		{
			name:   "control characters",
			events: []event{S("* OK \x1b[31mred\x7f\tok \xe2\x9c\x93 \xc3\r\n")},
			want:   "S: * OK \\x1b[31mred\\x7f\tok \u2713 \\xc3\n",
		},
		{
			name:   "LOGIN inside a literal is data",
			events: []event{C("A1 APPEND INBOX {22+}\r\nA2 LOGIN alice s3cret\r\n)\r\n")},
			want:   "C: A1 APPEND INBOX {22+}\nC: A2 LOGIN alice s3cret\nC: )\n",
		},
		{
			name:   "bare LF and unfinished line",
			events: []event{S("* OK a\n* OK b")},
			want:   "S: * OK a\nS: * OK b\n",
		},
		{
			name:   "huge literal size",
			events: []event{S("* 1 FETCH (BODY[] {99999999999999999999}\r\n* 2 EXISTS\r\n")},
			want:   "S: * 1 FETCH (BODY[] {99999999999999999999}\nS: * 2 EXISTS\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, chunk := range []int{0, 1, 2, 7} {
				got := traceOf(&Tracer{MaxLiteral: tt.max}, tt.events, chunk)
				if got != tt.want {
					t.Errorf("chunks of %d: trace\n%s\nwant\n%s", chunk, got, tt.want)
				}
			}
		})
	}
}

func TestTraceLongLine(t *testing.T) {
	line := "* SEARCH" + strings.Repeat(" 12345", 3000) + "\r\n"
	got := traceOf(&Tracer{}, []event{S(line), S("* 3 EXISTS\r\n")}, 0)
	first, rest, _ := strings.Cut(got, "\n")
	if len(first) > traceLineMax+100 || !strings.HasSuffix(first, " more bytes]") {
		t.Errorf("long line traced as %d bytes ending %q", len(first), first[max(0, len(first)-30):])
	}
	if rest != "S: * 3 EXISTS\n" {
		t.Errorf("next line traced as %q", rest)
	}
}

// TestTraceConn traces a conversation over a net.Pipe, to a writer and to
// a slog logger.
func TestTraceConn(t *testing.T) {
	c, s := net.Pipe()
	var buf, logBuf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	tr := &Tracer{Writer: &buf, Logger: logger}
	conn := tr.Wrap(c)
	go func() {
		s.Write([]byte("* OK ready\r\n"))
		io.ReadFull(s, make([]byte, len("A1 LOGIN bob hunter2\r\n")))
		s.Write([]byte("A1 OK hi\r\n"))
		s.Close()
	}()
	io.ReadFull(conn, make([]byte, 12))
	conn.Write([]byte("A1 LOGIN bob hunter2\r\n"))
	io.ReadAll(conn)
	conn.Close()
	want := "S: * OK ready\nC: A1 LOGIN bob ****\nS: A1 OK hi\n"
	if buf.String() != want {
		t.Errorf("trace\n%s\nwant\n%s", buf.String(), want)
	}
	if strings.Contains(logBuf.String(), "hunter2") {
		t.Errorf("log shows the password:\n%s", logBuf.String())
	}
	if !strings.Contains(logBuf.String(), `level=DEBUG msg=imap dir=C line="A1 LOGIN bob ****"`) {
		t.Errorf("log:\n%s", logBuf.String())
	}
}

// FuzzTrace: no input makes a Tracer panic, and chunking does not change
// the trace.
func FuzzTrace(f *testing.F) {
	f.Add([]byte("A1 LOGIN alice {6}\r\ns3cret\r\n"), []byte("* 1 FETCH (BODY[] {5}\r\nhello)\r\n"), uint8(3))
	f.Add([]byte("A2 AUTHENTICATE PLAIN\r\nAGFsaWNlAHMzY3JldA==\r\n"), []byte("+ \r\nA2 OK\r\n"), uint8(1))
	f.Add([]byte("{99999999999999999999}\r\n~{3}\r\n\x00\x00\x00"), []byte("{-1}\r\n{+1}\r\n{}\r\n"), uint8(0))
	f.Fuzz(func(t *testing.T, client, server []byte, chunk uint8) {
		events := []event{C(string(client)), S(string(server)), C(string(client))}
		whole := traceOf(&Tracer{MaxLiteral: 16}, events, 0)
		split := traceOf(&Tracer{MaxLiteral: 16}, events, int(chunk%16)+1)
		if whole != split {
			t.Errorf("trace depends on chunking:\n%q\n%q", whole, split)
		}
	})
}
