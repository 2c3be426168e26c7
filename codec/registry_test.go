package codec

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imapkit/imapkit/wire"
)

// quotaData is what an extension's QUOTA parser might return.
type quotaData struct {
	Root      string
	Resources []string
}

// parseQuota parses "QUOTA" SP astring SP "(" *resource ")" (RFC 9208),
// tolerating Courier's QUOTA without the list in lenient mode.
func parseQuota(p *Parser, _ *wire.Response) (any, error) {
	q := &quotaData{}
	var err error
	if q.Root, err = p.ReadAString(); err != nil {
		return nil, err
	}
	if p.AtEnd() && !p.Strict() {
		return q, nil
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	err = p.ReadList(func(p *Parser) error {
		a, err := p.ReadAtom()
		q.Resources = append(q.Resources, a)
		return err
	})
	return q, err
}

func TestRegistryExtensions(t *testing.T) {
	r := NewBaseRegistry()
	r.Data("quota", parseQuota)
	r.Code("HIGHESTMODSEQ", func(p *Parser, name string) (any, error) { return p.ReadNumber64() })
	r.FetchItem("MODSEQ", func(p *Parser, item string) (any, error) {
		var n uint64
		err := p.ReadList(func(p *Parser) error {
			var err error
			n, err = p.ReadNumber64()
			return err
		})
		return n, err
	})
	r.FetchItem("X-SECTIONED", func(p *Parser, item string) (any, error) {
		s, _, err := p.ReadNString()
		return item + "=" + s, err
	})
	in := decLines(
		`* QUOTA "ROOT" (STORAGE 10 512)`,
		`* QUOTA "ROOT"`,
		"* OK [HIGHESTMODSEQ 715194045007] Highest",
		"* OK [HIGHESTMODSEQ soon] not a number: generic",
		`* 1 FETCH (UID 4 MODSEQ (12345) x-sectioned[1.2]<0> "v")`,
	)
	checkDecode(t, in, &DecoderOptions{Registry: r},
		decData("QUOTA", &quotaData{Root: "ROOT", Resources: []string{"STORAGE", "10", "512"}}),
		decData("QUOTA", &quotaData{Root: "ROOT"}),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "HIGHESTMODSEQ", Data: uint64(715194045007)}, "Highest"),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "HIGHESTMODSEQ", Args: []wire.Value{vAtom("soon")}, ParseErr: errAny}, "not a number: generic"),
		decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchUID, UID: 4, Items: []wire.FetchItem{
			{Name: "MODSEQ", Data: uint64(12345)},
			{Name: "X-SECTIONED[1.2]<0>", Data: "X-SECTIONED[1.2]<0>=v"},
		}}),
	)
	// Courier's QUOTA without a list fails in strict mode.
	if _, err := decodeStream([]byte("* QUOTA \"ROOT\"\r\n"), &DecoderOptions{Registry: r, Strict: true}); err == nil {
		t.Error("strict QUOTA without a list succeeded")
	}
	// The registry of one decoder does not leak into another.
	checkDecode(t, "* QUOTA \"ROOT\"\r\n", nil, decData("QUOTA", []wire.Value{vQuoted("ROOT")}))
}

func TestRegistryOverrideAndRemove(t *testing.T) {
	r := NewBaseRegistry()
	c := r.Clone()
	c.FetchItem("UID", func(p *Parser, item string) (any, error) {
		n, err := p.ReadNumber()
		return "uid " + decItoa(int(n)), err
	})
	c.FetchItem("FLAGS", nil) // generic
	c.Data("LIST", nil)
	c.Code("UIDNEXT", nil)
	in := decLines(`* 1 FETCH (UID 4 FLAGS (\Seen))`, `* LIST () "/" INBOX`, "* OK [UIDNEXT 5] x")
	checkDecode(t, in, &DecoderOptions{Registry: c},
		decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Items: []wire.FetchItem{{Name: "UID", Data: "uid 4"}, {Name: "FLAGS", Data: vList(vAtom(`\Seen`))}}}),
		decData("LIST", []wire.Value{vList(), vQuoted("/"), vAtom("INBOX")}),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "UIDNEXT", Args: []wire.Value{vNum(5)}}, "x"),
	)
	// The original is untouched.
	checkDecode(t, in, &DecoderOptions{Registry: r},
		decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchUID | wire.FetchFlags, UID: 4, Flags: []string{`\Seen`}}),
		decData("LIST", &wire.ListData{Delim: '/', Mailbox: "INBOX"}),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "UIDNEXT", Data: uint32(5)}, "x"),
	)
	data, codes, items := r.Names()
	if !contains(data, "FETCH") || !contains(codes, "COPYUID") || !contains(items, "BINARY.SIZE") || len(items) != 12 {
		t.Errorf("Names() = %v, %v, %v", data, codes, items)
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// TestBaseFetchItemParsers calls the parsers under which the base FETCH
// items are registered, as an extension that wraps one would.
func TestBaseFetchItemParsers(t *testing.T) {
	r := NewBaseRegistry()
	tests := []struct {
		item, value string
		want        any
	}{
		{"UID", "7", uint32(7)},
		{"FLAGS", `(\Seen a)`, []string{`\Seen`, "a"}},
		{"RFC822.SIZE", "99", int64(99)},
		{"BODY[1.TEXT]<5>", `"xy"`, &wire.SectionData{Item: "BODY", Section: wire.Section{Part: []int{1}, Specifier: "TEXT"}, Origin: 5, HasOrigin: true, Data: []byte("xy"), Size: 2}},
		{"BINARY.SIZE[2]", "10", &wire.BinarySize{Part: []int{2}, Size: 10}},
		{"RFC822.HEADER", "NIL", &wire.SectionData{Item: "RFC822.HEADER", Nil: true}},
		{"ENVELOPE", `(NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL)`, &wire.Envelope{Subject: "s"}},
		{"BODYSTRUCTURE", `("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)`, &wire.BodyStructure{Type: "TEXT", Subtype: "PLAIN", Encoding: "7BIT", Size: 1, Lines: 1}},
	}
	for _, tt := range tests {
		name := tt.item
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i]
		}
		var got any
		wrap := NewRegistry()
		wrap.Data("X", func(p *Parser, _ *wire.Response) (any, error) {
			var err error
			got, err = r.items[name].parse(p, tt.item)
			return nil, err
		})
		if _, err := decodeStream([]byte("* X "+tt.value+"\r\n"), &DecoderOptions{Registry: wrap}); err != nil {
			t.Errorf("%s %s: %v", tt.item, tt.value, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, fixtureOpts); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", tt.item, tt.value, diff)
		}
	}
}

// TestDataParserError: a registered parser's error fails the response
// in strict mode; in lenient mode the data falls back to a generic tree
// with the error recorded on the response and passed to OnParseError.
func TestDataParserError(t *testing.T) {
	r := NewRegistry()
	r.Data("X", func(p *Parser, _ *wire.Response) (any, error) { return nil, p.SyntaxError("x-thing") })
	_, err := decodeStream([]byte("* X 1\r\n"), &DecoderOptions{Registry: r, Strict: true})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 4 || se.Expected != "x-thing" {
		t.Errorf("strict: error %v", err)
	}
	var hooked []*ParseError
	rs, err := decodeStream([]byte("* X 1\r\n* X (a\r\n"), &DecoderOptions{Registry: r,
		OnParseError: func(_ *wire.Response, pe *ParseError) { hooked = append(hooked, pe) }})
	if len(rs) != 1 || !errors.As(rs[0].ParseErr, &se) || se.Offset != 4 {
		t.Fatalf("lenient: %+v", rs)
	}
	if diff := cmp.Diff([]wire.Value{vNum(1)}, rs[0].Data); diff != "" {
		t.Errorf("lenient data (-want +got):\n%s", diff)
	}
	if len(hooked) != 1 || hooked[0] != rs[0].ParseErr || hooked[0].What != "data" || hooked[0].Name != "X" {
		t.Errorf("OnParseError got %v", hooked)
	}
	if want := `codec: data X kept as a generic value: expected x-thing at offset 4 near "* X 1"`; rs[0].ParseErr.Error() != want {
		t.Errorf("ParseErr = %q; want %q", rs[0].ParseErr, want)
	}
	// When the rest is not even a generic tree, the parser's error stands.
	if !errors.As(err, &se) || se.Offset != 11 || se.Expected != "x-thing" {
		t.Errorf("lenient, not a tree: error %v", err)
	}
	// A parser that leaves data failed: a generic tree leniently, the
	// response's error strictly.
	r.Data("X", func(p *Parser, _ *wire.Response) (any, error) { return nil, nil })
	if rs, err := decodeStream([]byte("* X 1\r\n"), &DecoderOptions{Registry: r}); err != nil || len(rs) != 1 || rs[0].ParseErr == nil || !strings.Contains(rs[0].ParseErr.Error(), "CRLF") {
		t.Errorf("a parser that leaves data, lenient: %v %+v", err, rs)
	}
	if _, err := decodeStream([]byte("* X 1\r\n"), &DecoderOptions{Registry: r, Strict: true}); err == nil || !strings.Contains(err.Error(), "CRLF") {
		t.Errorf("a parser that leaves data, strict: %v", err)
	}
}

// A registered FETCH item parser that fails falls back to a generic value
// in lenient mode, and fails the response in strict mode.
func TestFetchItemParserFallback(t *testing.T) {
	reg := NewBaseRegistry()
	reg.FetchItem("MODSEQ", func(p *Parser, item string) (any, error) {
		if err := p.Expect('('); err != nil {
			return nil, err
		}
		n, err := p.ReadNumber64()
		if err != nil {
			return nil, err
		}
		return n, p.Expect(')')
	})
	in := "* 1 FETCH (MODSEQ (x12) UID 7)\r\n"
	d := NewDecoder(strings.NewReader(in), &DecoderOptions{Registry: reg})
	r, err := d.ReadResponse()
	if err != nil {
		t.Fatalf("lenient: %v", err)
	}
	f := r.Data.(*wire.FetchData)
	v, ok := f.Item("MODSEQ")
	if !ok || f.UID != 7 {
		t.Fatalf("lenient: items %+v, UID %d", f.Items, f.UID)
	}
	if g, ok := v.(wire.Value); !ok || g.Kind != wire.KindList {
		t.Errorf("fallback value = %#v; want a generic list", v)
	}
	d = NewDecoder(strings.NewReader(in), &DecoderOptions{Registry: reg, Strict: true})
	if _, err := d.ReadResponse(); err == nil {
		t.Error("strict: a failing item parser was accepted")
	}
}
