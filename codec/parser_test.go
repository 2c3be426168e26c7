package codec

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// parseWith decodes "* X <in>" with a data parser fn and returns what it
// returned, or the error.
func parseWith(t *testing.T, in string, strict bool, fn func(p *Parser) (any, error)) (any, error) {
	t.Helper()
	r := NewRegistry()
	r.Data("X", func(p *Parser, resp *wire.Response) (any, error) {
		if p.Response() != resp || resp.Name != "X" {
			t.Errorf("Response() = %+v", p.Response())
		}
		return fn(p)
	})
	rs, err := decodeStream([]byte("* X "+in), &DecoderOptions{Registry: r, Strict: strict})
	if err != nil {
		return nil, err
	}
	if rs[0].ParseErr != nil {
		// A lenient decoder kept the data as a generic tree.
		return nil, rs[0].ParseErr
	}
	return rs[0].Data, nil
}

// TestParserMethods exercises the Parser API that extensions use.
func TestParserMethods(t *testing.T) {
	tests := []struct {
		name string
		in   string
		fn   func(p *Parser) (any, error)
		want string // fmt.Sprintf("%#v") of the result, or "error"
	}{
		{"ReadAString atom", "INBOX]x\r\n", func(p *Parser) (any, error) { return p.ReadAString() }, `"INBOX]x"`},
		{"ReadAString quoted", `"a\"b"` + "\r\n", func(p *Parser) (any, error) { return p.ReadAString() }, `"a\"b"`},
		{"ReadAString literal", "{3}\r\nabc\r\n", func(p *Parser) (any, error) { return p.ReadAString() }, `"abc"`},
		{"ReadAString literal8", "~{3}\r\na\x00c\r\n", func(p *Parser) (any, error) { return p.ReadAString() }, `"a\x00c"`},
		{"ReadString NIL lenient", "NIL\r\n", func(p *Parser) (any, error) { return p.ReadString() }, `""`},
		{"ReadNString", "nil\r\n", func(p *Parser) (any, error) {
			s, isNil, err := p.ReadNString()
			return fmt.Sprint(s, isNil), err
		}, `"true"`},
		{"ReadNString atom", "abc\r\n", func(p *Parser) (any, error) { s, _, err := p.ReadNString(); return s, err }, "error"},
		{"ReadNil not NILS", "NILS\r\n", func(p *Parser) (any, error) {
			isNil := p.ReadNil()
			_, err := p.ReadAtom()
			return isNil, err
		}, "false"},
		{"ReadMailbox", "inbox\r\n", func(p *Parser) (any, error) { return p.ReadMailbox() }, `"INBOX"`},
		{"ReadMailbox UTF-7", "&ZeVnLIqe-\r\n", func(p *Parser) (any, error) { return p.ReadMailbox() }, `"日本語"`},
		{"ReadNumber64", "9223372036854775807\r\n", func(p *Parser) (any, error) { return p.ReadNumber64() }, "0x7fffffffffffffff"},
		{"ReadNumber64 uint64 leniently", "18446744073709551615\r\n", func(p *Parser) (any, error) { return p.ReadNumber64() }, "0xffffffffffffffff"},
		{"ReadNumber64 overflow", "18446744073709551616\r\n", func(p *Parser) (any, error) { return p.ReadNumber64() }, "error"},
		{"ReadNumber max", "4294967295\r\n", func(p *Parser) (any, error) { return p.ReadNumber() }, "0xffffffff"},
		{"ReadValue", `(a "b" {1}` + "\r\nc 4 NIL (\\Seen \\*) BODY[1]<2>)\r\n", func(p *Parser) (any, error) {
			v, err := p.ReadValue()
			return v.GoString(), err
		}, `"(a \"b\" {1}\"c\" 4 NIL (\\Seen \\*) BODY[1]<2>)"`},
		{"ReadValues", "a 1 \"b\"\r\n", func(p *Parser) (any, error) {
			vs, err := p.ReadValues()
			return wire.List(vs...).GoString(), err
		}, `"(a 1 \"b\")"`},
		{"ReadSeqSet", "1:3,7,9:*\r\n", func(p *Parser) (any, error) {
			s, err := p.ReadSeqSet()
			return s.String(), err
		}, `"1:3,7,9:*"`},
		{"ReadSeqSet bad", "1,,2\r\n", func(p *Parser) (any, error) { return p.ReadSeqSet() }, "error"},
		{"ReadDateTime", `"24-Nov-2026 10:00:00 +0130"` + "\r\n", func(p *Parser) (any, error) {
			d, err := p.ReadDateTime()
			return d.Format(time.RFC3339), err
		}, `"2026-11-24T10:00:00+01:30"`},
		{"ReadFlagList", `(\Answered $Junk \*)` + "\r\n", func(p *Parser) (any, error) { return p.ReadFlagList() }, `[]string{"\\Answered", "$Junk", "\\*"}`},
		{"ReadList empty", "()\r\n", func(p *Parser) (any, error) {
			n := 0
			return n, p.ReadList(func(*Parser) error { n++; return nil })
		}, "0"},
		{"Enter limit", "x\r\n", func(p *Parser) (any, error) {
			for i := 0; i < 100; i++ {
				if err := p.Enter(); err != nil {
					return i, err
				}
			}
			return nil, nil
		}, "error"},
		{"Offset", "abc\r\n", func(p *Parser) (any, error) { _, err := p.ReadAtom(); return p.Offset(), err }, "7"},
		{"Consume/Expect", "ab\r\n", func(p *Parser) (any, error) {
			ok := p.Consume('a') && !p.Consume('x')
			err := p.Expect('b')
			c, more := p.PeekByte()
			return fmt.Sprint(ok, c, more, p.AtEnd()), err
		}, `"true 0 false true"`},
		{"ReadText", "some text\r\n", func(p *Parser) (any, error) { return p.ReadText() }, `"some text"`},
		{"SyntaxError", "abc\r\n", func(p *Parser) (any, error) { return nil, p.SyntaxError("thing") }, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseWith(t, tt.in, false, tt.fn)
			s := fmt.Sprintf("%#v", got)
			if err != nil {
				s = "error"
			}
			if s != tt.want {
				t.Errorf("%s on %q = %s (%v); want %s", tt.name, tt.in, s, err, tt.want)
			}
		})
	}
}

func TestParserStrictFlags(t *testing.T) {
	got, err := parseWith(t, "NIL\r\n", true, func(p *Parser) (any, error) {
		strict := p.Strict()
		return strict, p.Expect('N')
	})
	if got != nil || err == nil || !strings.Contains(err.Error(), "CRLF") { // "IL" left over
		t.Errorf("parser that leaves input: %v, %v", got, err)
	}
	got, err = parseWith(t, "NIL\r\n", true, func(p *Parser) (any, error) {
		strict := p.Strict()
		return strict, errIf(!p.ReadNil())
	})
	if got != true || err != nil {
		t.Errorf("Strict() = %v, %v; want true", got, err)
	}
	if _, err := parseWith(t, "NIL\r\n", true, func(p *Parser) (any, error) { return p.ReadString() }); err == nil {
		t.Error("strict ReadString accepted NIL")
	}
	r := NewRegistry()
	r.Data("X", func(p *Parser, _ *wire.Response) (any, error) { return p.UTF8(), nil })
	rs, _ := decodeStream([]byte("* X\r\n"), &DecoderOptions{Registry: r, UTF8: true})
	if len(rs) != 1 || rs[0].Data != true {
		t.Errorf("UTF8() = %+v", rs)
	}
	if s := seqset.MustParse("1"); s.String() != "1" || !strings.Contains(quoteByte(' '), "SP") {
		t.Error("sanity")
	}
}

func errIf(b bool) error {
	if b {
		return fmt.Errorf("failed")
	}
	return nil
}
