package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/imapkit/imapkit/wire"
)

// failAfter returns a parser that reads n strings (literals in the
// tests) and then fails.
func failAfter(n int) func(p *Parser) error {
	return func(p *Parser) error {
		for i := 0; i < n; i++ {
			if i > 0 {
				if err := p.ReadSP(); err != nil {
					return err
				}
			}
			if _, err := p.ReadString(); err != nil {
				return err
			}
		}
		return p.SyntaxError("something else")
	}
}

// A data parser that fails two literals in: lenient decoding keeps the
// same generic tree as a decoder without the parser, strict fails.
func TestReplayDataParser(t *testing.T) {
	in := "* X-DATA {3}\r\nabc {2}\r\nde (f {1}\r\ng) 7\r\n* 3 EXISTS\r\n"
	reg := NewBaseRegistry()
	fail := failAfter(2)
	reg.Data("X-DATA", func(p *Parser, _ *wire.Response) (any, error) { return nil, fail(p) })
	want, err := decodeStream([]byte(in), &DecoderOptions{Registry: NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	for _, oneByte := range []bool{false, true} {
		var r = bytes.NewReader([]byte(in))
		var rd = iotestReader(r, oneByte)
		var got []*wire.Response
		d := NewDecoder(rd, &DecoderOptions{Registry: reg})
		for {
			resp, err := d.ReadResponse()
			if err != nil {
				break
			}
			got = append(got, resp)
		}
		if len(got) != 2 || got[0].ParseErr == nil || got[1].Name != "EXISTS" {
			t.Fatalf("oneByte %v: %+v", oneByte, got)
		}
		if diff := cmp.Diff(want[0].Data, got[0].Data); diff != "" {
			t.Errorf("oneByte %v: generic tree differs:\n%s", oneByte, diff)
		}
	}
	var se *SyntaxError
	if _, err := decodeStream([]byte(in), &DecoderOptions{Registry: reg, Strict: true}); !errors.As(err, &se) {
		t.Errorf("strict: %v", err)
	}
}

func iotestReader(r *bytes.Reader, oneByte bool) interface{ Read([]byte) (int, error) } {
	if oneByte {
		return iotest.OneByteReader(r)
	}
	return r
}

// A FETCH item parser that reads past its own value (a literal of the
// next item) before it fails: the item is read again as a generic value
// from where it began, and the items after it are read as typed again.
func TestReplayFetchItemOverrun(t *testing.T) {
	in := "* 1 FETCH (X-A {1}\r\na BODY[] {3}\r\nxyz UID 9)\r\n"
	reg := NewBaseRegistry()
	reg.FetchItem("X-A", func(p *Parser, _ string) (any, error) {
		// Greedy: the value, then whatever follows, then fail.
		if _, err := p.ReadString(); err != nil {
			return nil, err
		}
		for !p.AtEnd() {
			if _, err := p.ReadValue(); err != nil {
				return nil, err
			}
			p.ReadSP()
		}
		return nil, p.SyntaxError("the end")
	})
	rs, err := decodeStream([]byte(in), &DecoderOptions{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	fd := rs[0].Data.(*wire.FetchData)
	if len(fd.Items) != 1 || fd.Items[0].ParseErr == nil || fd.UID != 9 || len(fd.Sections) != 1 || string(fd.Sections[0].Data) != "xyz" {
		t.Fatalf("%+v", fd)
	}
	if v := fd.Items[0].Data.(wire.Value); v.Str != "a" {
		t.Errorf("X-A = %#v", v)
	}
}

// STATUS and ESEARCH items whose parsers fail after a literal fall back
// as well.
func TestReplayItems(t *testing.T) {
	reg := NewBaseRegistry()
	reg.StatusItem("X-S", func(p *Parser, _ string) (any, error) { return nil, failAfter(1)(p) })
	rs, err := decodeStream([]byte("* STATUS {1}\r\nm (X-S {2}\r\nab MESSAGES 3)\r\n"), &DecoderOptions{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	st := rs[0].Data.(*wire.StatusData)
	if st.Mailbox != "m" || len(st.Items) != 2 || st.Items[0].Other == nil || st.Items[0].Other.Str != "ab" || rs[0].ParseErr == nil {
		t.Errorf("STATUS = %+v", st)
	}
	if n, ok := st.Get("MESSAGES"); !ok || n != 3 {
		t.Errorf("MESSAGES %d %v", n, ok)
	}
}

// What cannot be replayed still fails the response: a literal streamed
// to OnLiteral, or a history beyond MaxLineLength.
func TestReplayLimits(t *testing.T) {
	reg := NewBaseRegistry()
	// Reads everything, then fails.
	reg.Data("X-DATA", func(p *Parser, _ *wire.Response) (any, error) {
		for !p.AtEnd() {
			if _, err := p.ReadValue(); err != nil {
				return nil, err
			}
			p.ReadSP()
		}
		return nil, p.SyntaxError("more")
	})
	in := "* X-DATA {3}\r\nabc {2}\r\nde\r\n"
	streamed := &DecoderOptions{Registry: reg, StreamThreshold: 2, OnLiteral: func(_ *LiteralInfo, lit *Literal) error {
		_, err := lit.WriteTo(&bytes.Buffer{})
		return err
	}}
	var se *SyntaxError
	if _, err := decodeStream([]byte(in), streamed); !errors.As(err, &se) {
		t.Errorf("streamed: %v; want the parser's SyntaxError", err)
	}
	long := "* X-DATA " + strings.Repeat("x ", 20) + "{3}\r\nabc " + strings.Repeat("y ", 20) + "{2}\r\nde\r\n"
	if _, err := decodeStream([]byte(long), &DecoderOptions{Registry: reg, MaxLineLength: 60}); !errors.As(err, &se) {
		t.Errorf("history over MaxLineLength: %v; want the parser's SyntaxError", err)
	}
	if rs, err := decodeStream([]byte(long), &DecoderOptions{Registry: reg, MaxLineLength: 200}); err != nil || rs[0].ParseErr == nil {
		t.Errorf("history within MaxLineLength: %v", err)
	}
	if _, err := decodeStream([]byte(long), &DecoderOptions{Registry: reg, MaxLineLength: 200, MaxLiteralSize: 4}); !errors.As(err, &se) {
		t.Errorf("literals over MaxLiteralSize: %v; want the parser's SyntaxError", err)
	}
}
