package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/wire"
)

// RFC 6855 §4: APPEND mailbox UTF8 (literal8). A server with UTF8=ACCEPT
// takes literal8 in the UTF8 data item even without BINARY: the encoder
// sends an explicit FormLiteral8 once UTF8 is on, and the command decoder
// reads it back as a literal8.
func TestLiteral8AppendUTF8(t *testing.T) {
	msg := "Subject: Grüße\r\n\r\nHallo\r\n"
	cmd := &wire.Command{Tag: "A1", Name: "APPEND", Args: []wire.Value{
		wire.Atom("INBOX"), wire.Atom("UTF8"),
		wire.List(wire.Value{Kind: wire.KindString, Form: wire.FormLiteral8, Str: msg}),
	}}
	for _, tt := range []struct {
		opts EncoderOptions
		want string // "" for ErrNeedsBinary
	}{
		{EncoderOptions{}, ""},
		{EncoderOptions{UTF8: true}, "A1 APPEND INBOX UTF8 (~{27}\r\n" + msg + ")\r\n"},
		{EncoderOptions{UTF8: true, LiteralPlus: true}, "A1 APPEND INBOX UTF8 (~{27+}\r\n" + msg + ")\r\n"},
		{EncoderOptions{Binary: true}, "A1 APPEND INBOX UTF8 (~{27}\r\n" + msg + ")\r\n"},
	} {
		var b bytes.Buffer
		conts := 0
		err := NewEncoder(&b, &tt.opts).WriteCommand(cmd, func() error { conts++; return nil })
		if tt.want == "" {
			if !errors.Is(err, ErrNeedsBinary) || b.Len() != 0 {
				t.Errorf("%+v: %q, %v; want ErrNeedsBinary", tt.opts, b.String(), err)
			}
			continue
		}
		if err != nil || b.String() != tt.want {
			t.Errorf("%+v: %q, %v; want %q", tt.opts, b.String(), err, tt.want)
			continue
		}
		d := NewCommandDecoder(bytes.NewReader(b.Bytes()), nil)
		got, err := d.ReadCommand(func(int64) error { return nil })
		if err != nil {
			t.Fatalf("%q: %v", b.String(), err)
		}
		lit := got.Args[2].List[0]
		if lit.Form != wire.FormLiteral8 || lit.Str != msg {
			t.Errorf("decoded %#v", lit)
		}
	}
	// An auto-form string with NUL still needs BINARY: UTF8 opens
	// literal8 only where the caller asks for it.
	var b bytes.Buffer
	err := NewEncoder(&b, &EncoderOptions{UTF8: true}).WriteCommand(&wire.Command{Tag: "A2", Name: "X", Args: []wire.Value{wire.String("a\x00b")}}, nil)
	if !errors.Is(err, ErrNeedsBinary) {
		t.Errorf("NUL with UTF8 only: %q, %v", b.String(), err)
	}
}

// BINARY[] and BINARY[1]<0> data in literal8 (RFC 3516 §4.2): decoded
// with the literal8 form kept, re-encoded byte for byte, in both modes.
func TestLiteral8BinaryResponse(t *testing.T) {
	for _, line := range []string{
		"* 1 FETCH (BINARY[] ~{5}\r\na\x00b\r\n)",
		"* 1 FETCH (UID 7 BINARY[1]<0> ~{3}\r\nxyz)",
		"* 2 FETCH (BINARY[2] {3}\r\nabc)",
		"* 3 FETCH (BINARY.SIZE[1] 5 BINARY[1] ~{0}\r\n)",
	} {
		for _, strict := range []bool{false, true} {
			r, err := NewDecoder(strings.NewReader(line+"\r\n"), &DecoderOptions{Strict: strict}).ReadResponse()
			if err != nil || r.ParseErr != nil {
				t.Errorf("%q (strict %v): %v %v", line, strict, err, r.ParseErr)
				continue
			}
			fd := r.Data.(*wire.FetchData)
			if len(fd.Sections) != 1 {
				t.Fatalf("%q: sections %+v", line, fd.Sections)
			}
			if want := strings.Contains(line, "~{"); (fd.Sections[0].Form == wire.FormLiteral8) != want {
				t.Errorf("%q: form %v", line, fd.Sections[0].Form)
			}
			if got := reencode(t, r); got != line {
				t.Errorf("re-encoded\n %q\nwant\n %q", got, line)
			}
		}
	}
}
