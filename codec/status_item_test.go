package codec

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/wire"
)

// paren is the typed value of the test's MAILBOXID item.
type paren string

// mailboxIDRegistry registers MAILBOXID as a STATUS item the way package
// objectid does: "(" objectid ")" (RFC 8474 §7).
func mailboxIDRegistry() *Registry {
	r := NewBaseRegistry()
	r.StatusItem("mailboxid", func(p *Parser, name string) (any, error) {
		if name != "MAILBOXID" {
			return nil, fmt.Errorf("name %q", name)
		}
		if err := p.Expect('('); err != nil {
			return nil, err
		}
		s, err := p.ReadAtom()
		if err != nil {
			return nil, err
		}
		if err := p.Expect(')'); err != nil {
			return nil, err
		}
		return paren(s), nil
	})
	r.EncodeStatusItem("MAILBOXID", func(w *Writer, _ string, v any) error {
		id, ok := v.(paren)
		if !ok {
			return ErrUnsupportedData
		}
		w.List(func() { w.Atom(string(id)) })
		return nil
	})
	return r
}

func decodeStatusLine(reg *Registry, strict bool, line string) (*wire.Response, error) {
	return NewDecoder(strings.NewReader(line+"\r\n"), &DecoderOptions{Registry: reg, Strict: strict}).ReadResponse()
}

// RFC 8474 §4.2's example, and its LIST-STATUS form with other items
// around MAILBOXID: the registered item parser types the value, the
// encoder writes it back byte for byte.
func TestStatusItemRegistered(t *testing.T) {
	reg := mailboxIDRegistry()
	for _, line := range []string{
		`* STATUS foo (MAILBOXID (F2212ea87-6097-4256-9d51-71338625))`,
		`* STATUS INBOX (MESSAGES 2 MAILBOXID (Ff8e3ead4-9389-4aff-adb1-d8d89efd8cbf) UIDNEXT 9)`,
	} {
		r, err := decodeStatusLine(reg, true, line)
		if err != nil || r.ParseErr != nil {
			t.Fatalf("%s: %v %v", line, err, r.ParseErr)
		}
		st := r.Data.(*wire.StatusData)
		it := st.Item("MAILBOXID")
		if it == nil || it.Other != nil {
			t.Fatalf("%s: item %+v", line, it)
		}
		if id, ok := it.Data.(paren); !ok || !strings.HasPrefix(string(id), "F") {
			t.Errorf("%s: Data = %#v", line, it.Data)
		}
		var b bytes.Buffer
		if err := NewResponseEncoder(&b, &ResponseEncoderOptions{Registry: reg}).WriteResponse(r); err != nil || b.String() != line+"\r\n" {
			t.Errorf("re-encoded %q, %v", b.String(), err)
		}
		// Without the item's encoder the typed value cannot be written.
		b.Reset()
		if err := NewResponseEncoder(&b, nil).WriteResponse(r); !errors.Is(err, ErrUnsupportedData) || b.Len() != 0 {
			t.Errorf("base encoder: %q, %v", b.String(), err)
		}
	}
}

// An item's parser that fails: a generic tree in Other, ParseErr set, in
// lenient mode; a SyntaxError in strict mode. Items without a parser are
// generic trees in both modes, and base items cannot be replaced.
func TestStatusItemFallback(t *testing.T) {
	reg := mailboxIDRegistry()
	line := `* STATUS foo (MAILBOXID F2212ea87 MESSAGES 3)`
	r, err := decodeStatusLine(reg, false, line)
	if err != nil {
		t.Fatal(err)
	}
	st := r.Data.(*wire.StatusData)
	if it := st.Items[0]; it.Data != nil || it.Other == nil || it.Other.Str != "F2212ea87" || r.ParseErr == nil {
		t.Errorf("lenient: %+v, ParseErr %v", it, r.ParseErr)
	}
	if n, ok := st.Get("MESSAGES"); !ok || n != 3 {
		t.Errorf("MESSAGES = %d %v", n, ok)
	}
	var pe *ParseError
	if !errors.As(r.ParseErr, &pe) || pe.Name != "MAILBOXID" {
		t.Errorf("ParseErr = %#v", r.ParseErr)
	}
	if _, err := decodeStatusLine(reg, true, line); err == nil {
		t.Errorf("strict: accepted %s", line)
	} else if se := (*SyntaxError)(nil); !errors.As(err, &se) {
		t.Errorf("strict: %v is not a *SyntaxError", err)
	}

	// No parser: generic, in both modes.
	for _, strict := range []bool{false, true} {
		r, err := decodeStatusLine(NewBaseRegistry(), strict, `* STATUS foo (X-THING (a "b" 1) MESSAGES 3)`)
		if err != nil || r.ParseErr != nil {
			t.Fatalf("strict %v: %v %v", strict, err, r.ParseErr)
		}
		it := r.Data.(*wire.StatusData).Items[0]
		if it.Name != "X-THING" || it.Data != nil || it.Other == nil || it.Other.Kind != wire.KindList || len(it.Other.List) != 3 {
			t.Errorf("strict %v: %+v", strict, it)
		}
	}

	// A parser registered for a base item is not used.
	reg.StatusItem("MESSAGES", func(*Parser, string) (any, error) { return nil, errors.New("called") })
	r, err = decodeStatusLine(reg, true, `* STATUS foo (MESSAGES 3)`)
	if err != nil || r.ParseErr != nil || r.Data.(*wire.StatusData).Items[0].Value != 3 {
		t.Errorf("MESSAGES: %+v %v", r, err)
	}
	// Removing the registration leaves a generic tree.
	reg.StatusItem("MAILBOXID", nil)
	r, err = decodeStatusLine(reg, true, `* STATUS foo (MAILBOXID (F1))`)
	if err != nil || r.Data.(*wire.StatusData).Items[0].Other == nil {
		t.Errorf("unregistered: %+v %v", r, err)
	}
	if reg.Clone().status == nil {
		t.Error("Clone lost the status item parsers")
	}
}
