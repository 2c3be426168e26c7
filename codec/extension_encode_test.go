package codec

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/wire"
)

// A third-party extension as a proxy would install it: QUOTA (RFC 9208
// §5.1) and Gmail's X-GM-LABELS FETCH item, each parser paired with its
// encoder, written against the exported API only.

type testQuota struct {
	Root      string
	Resources []testQuotaResource
}

type testQuotaResource struct {
	Name         string
	Usage, Limit uint64
}

// parseTestQuota parses "QUOTA" SP astring SP "(" quota-resource
// *(SP quota-resource) ")".
func parseTestQuota(p *Parser, _ *wire.Response) (any, error) {
	q := &testQuota{}
	var err error
	if q.Root, err = p.ReadAString(); err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	err = p.ReadList(func(p *Parser) error {
		var r testQuotaResource
		var err error
		if r.Name, err = p.ReadAtom(); err != nil {
			return err
		}
		if err := p.ReadSP(); err != nil {
			return err
		}
		if r.Usage, err = p.ReadNumber64(); err != nil {
			return err
		}
		if err := p.ReadSP(); err != nil {
			return err
		}
		if r.Limit, err = p.ReadNumber64(); err != nil {
			return err
		}
		q.Resources = append(q.Resources, r)
		return nil
	})
	return q, err
}

func encodeTestQuota(w *Writer, r *wire.Response) error {
	q, ok := r.Data.(*testQuota)
	if !ok {
		return ErrUnsupportedData
	}
	w.SP()
	w.AString(q.Root)
	w.SP()
	w.List(func() {
		for i, res := range q.Resources {
			if i > 0 {
				w.SP()
			}
			w.Atom(res.Name)
			w.SP()
			w.Number(res.Usage)
			w.SP()
			w.Number(res.Limit)
		}
	})
	return nil
}

// parseTestLabels parses X-GM-LABELS: "(" [label *(SP label)] ")",
// each label an astring or a flag such as \Inbox.
func parseTestLabels(p *Parser, _ string) (any, error) {
	labels := []string{}
	err := p.ReadList(func(p *Parser) error {
		var s string
		var err error
		if c, _ := p.PeekByte(); c == '\\' {
			s, err = p.ReadFlag()
		} else {
			s, err = p.ReadAString()
		}
		labels = append(labels, s)
		return err
	})
	return labels, err
}

func encodeTestLabels(w *Writer, _ string, v any) error {
	labels, ok := v.([]string)
	if !ok {
		return ErrUnsupportedData
	}
	w.List(func() {
		for i, l := range labels {
			if i > 0 {
				w.SP()
			}
			if strings.HasPrefix(l, `\`) {
				w.Atom(l)
			} else {
				w.AString(l)
			}
		}
	})
	return nil
}

func installTestExtension(r *Registry) {
	r.Data("QUOTA", parseTestQuota)
	r.EncodeData("QUOTA", encodeTestQuota)
	r.FetchItem("X-GM-LABELS", parseTestLabels)
	r.EncodeFetchItem("X-GM-LABELS", encodeTestLabels)
}

// TestExtensionReencodes: a proxy that decodes with an extension
// installed re-encodes its typed data byte for byte.
func TestExtensionReencodes(t *testing.T) {
	reg := NewBaseRegistry()
	installTestExtension(reg)
	in := "* QUOTA \"\" (STORAGE 10 512 MESSAGE 3 1000)\r\n" +
		"* QUOTA INBOX (STORAGE 0 1)\r\n" +
		"* 1 FETCH (UID 7 X-GM-LABELS (\\Inbox \\Important \"Muy importante\" foo) FLAGS (\\Seen))\r\n" +
		"* 2 FETCH (X-GM-LABELS ())\r\n" +
		"* OK [UIDNEXT 8] next\r\n" +
		"A1 OK [COPYUID 9 1:3 4:6] done\r\n"
	dec := NewDecoder(strings.NewReader(in), &DecoderOptions{Registry: reg, Strict: true})
	var out bytes.Buffer
	enc := NewResponseEncoder(&out, &ResponseEncoderOptions{Registry: reg})
	n := 0
	for {
		r, err := dec.ReadResponse()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 1 {
			if _, ok := r.Data.(*testQuota); !ok {
				t.Fatalf("QUOTA data is %T; want *testQuota", r.Data)
			}
		}
		if n == 3 {
			if v, _ := r.Data.(*wire.FetchData).Item("X-GM-LABELS"); len(v.([]string)) != 4 {
				t.Fatalf("X-GM-LABELS = %#v", v)
			}
		}
		if err := enc.WriteResponse(r); err != nil {
			t.Fatalf("WriteResponse(%d): %v", n, err)
		}
	}
	if out.String() != in {
		t.Errorf("re-encoded:\n%q\nwant\n%q", out.String(), in)
	}

	// Without the encoders, the typed data has no wire form.
	plain := NewResponseEncoder(io.Discard, nil)
	err := plain.WriteResponse(&wire.Response{Kind: wire.DataResponse, Tag: "*", Name: "QUOTA", Data: &testQuota{}})
	if !errors.Is(err, ErrUnsupportedData) {
		t.Errorf("QUOTA without its encoder: %v; want ErrUnsupportedData", err)
	}
}

// TestWriterErrorLeavesStreamUntouched: an encoder that writes an
// invalid token fails the response before anything is written.
func TestWriterErrorLeavesStreamUntouched(t *testing.T) {
	reg := NewBaseRegistry()
	reg.EncodeData("XBAD", func(w *Writer, r *wire.Response) error {
		w.SP()
		w.Atom("a b")
		return nil
	})
	var out bytes.Buffer
	enc := NewResponseEncoder(&out, &ResponseEncoderOptions{Registry: reg})
	err := enc.WriteResponse(&wire.Response{Kind: wire.DataResponse, Tag: "*", Name: "XBAD", Data: 1})
	if !errors.Is(err, ErrInvalidAtom) || out.Len() != 0 {
		t.Errorf("WriteResponse = %v, wrote %q; want ErrInvalidAtom and nothing", err, out.String())
	}
	// A code encoder may not write "]" in an atom.
	reg.EncodeCode("XCODE", func(w *Writer, c *wire.Code) error {
		w.SP()
		w.Atom("a]")
		return nil
	})
	err = enc.WriteResponse(&wire.Response{Kind: wire.StatusResponse, Tag: "*", Status: wire.StatusOK,
		Code: &wire.Code{Name: "XCODE", Data: true}, Text: "x"})
	if !errors.Is(err, ErrInvalidAtom) || out.Len() != 0 {
		t.Errorf("code WriteResponse = %v, wrote %q; want ErrInvalidAtom and nothing", err, out.String())
	}
}

// TestBaseItemEncoders: a base item an extension's parser put into
// Items (its value as fetchItemParser returns it) re-encodes.
func TestBaseItemEncoders(t *testing.T) {
	reg := NewBaseRegistry()
	// Wrap the base parsers, so that the items go to Items.
	for _, name := range []string{"UID", "FLAGS", "RFC822.SIZE", "BODY", "BINARY.SIZE", "INTERNALDATE", "ENVELOPE"} {
		base := reg.items[name].parse
		reg.FetchItem(name, base)
	}
	in := "* 1 FETCH (UID 7 FLAGS (\\Seen) RFC822.SIZE 12 INTERNALDATE \"01-Jan-2024 10:00:00 +0100\" " +
		"BODY[1] {3}\r\nabc BINARY.SIZE[1] 3 ENVELOPE (NIL \"s\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"
	dec := NewDecoder(strings.NewReader(in), &DecoderOptions{Registry: reg})
	r, err := dec.ReadResponse()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r.Data.(*wire.FetchData).Items); n != 7 {
		t.Fatalf("%d items; want 7", n)
	}
	var out bytes.Buffer
	if err := NewResponseEncoder(&out, &ResponseEncoderOptions{Registry: reg}).WriteResponse(r); err != nil {
		t.Fatal(err)
	}
	if out.String() != in {
		t.Errorf("re-encoded %q; want %q", out.String(), in)
	}
}
