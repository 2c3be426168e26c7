// Package preview implements PREVIEW (RFC 8970): a short plain-text
// preview of a message, computed by the server, as a FETCH item; and the
// draft's older spellings still deployed, SNIPPET=FUZZY and PREVIEW=FUZZY
// (draft-ietf-extra-imap-fetch-preview up to -05; Dovecot 2.3 offers all
// three).
//
// Install registers the parsers of the PREVIEW and SNIPPET FETCH items.
// Both read msg-att-dynamic =/ "PREVIEW" SP nstring (RFC 8970 §6) and the
// draft's "(" algorithm SP nstring ")" into a Text. Fetch asks for the
// previews of a set of messages with whichever form the server offers,
// and LAZY (RFC 8970 §3.2) when Options.Lazy is set. PREVIEW needs no
// ENABLE.
package preview

import (
	"context"
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// MaxLen is the longest preview RFC 8970 §4.1 allows: 256 characters
// (the server counts characters, not octets). Longer text is kept as sent.
const MaxLen = 256

// Text is a parsed PREVIEW or SNIPPET item.
type Text struct {
	// Text is the preview, at most MaxLen characters of plain text
	// (RFC 8970 §4.1). Empty when the message has no text to preview.
	Text string
	// Nil reports PREVIEW NIL: with LAZY, the server has no preview yet
	// and did not want to compute it now (RFC 8970 §3.2).
	Nil bool
	// Algorithm is "FUZZY" for the draft forms SNIPPET (FUZZY "...") and
	// PREVIEW (FUZZY "..."), "" for RFC 8970's PREVIEW "...".
	Algorithm string
	// Form is how the server sent the text (quoted or literal), kept so
	// that a proxy re-encodes it byte for byte.
	Form wire.StringForm
}

// Names of the FETCH items.
const (
	Item        = "PREVIEW"
	SnippetItem = "SNIPPET"
)

// Install registers the PREVIEW and SNIPPET FETCH item parsers into a
// connection's registry. Use it as a client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the same parsers into a codec registry.
func RegisterCodec(r *codec.Registry) {
	r.FetchItem(Item, parseItem)
	r.FetchItem(SnippetItem, parseItem)
	r.EncodeFetchItem(Item, encodeItem)
	r.EncodeFetchItem(SnippetItem, encodeItem)
}

// encodeItem writes a Text as parseItem read it: the draft's
// parenthesized form when Algorithm is set, the string in the form the
// server used.
func encodeItem(w *codec.Writer, item string, v any) error {
	t, ok := v.(Text)
	if !ok {
		return fmt.Errorf("preview: %s value %T: %w", item, v, codec.ErrUnsupportedData)
	}
	body := func() {
		switch {
		case t.Nil:
			w.NIL()
		case t.Form == wire.FormLiteral || t.Form == wire.FormLiteral8:
			w.Literal(t.Text)
		default:
			w.Quoted(t.Text)
		}
	}
	if t.Algorithm != "" {
		w.List(func() {
			w.Atom(t.Algorithm)
			w.SP()
			body()
		})
	} else {
		body()
	}
	return w.Err()
}

// parseItem reads nstring (RFC 8970 §6) or the draft's "(" algorithm SP
// nstring ")".
func parseItem(p *codec.Parser, _ string) (any, error) {
	var t Text
	paren := p.Consume('(')
	if paren {
		alg, err := p.ReadAtom()
		if err != nil {
			return nil, err
		}
		t.Algorithm = strings.ToUpper(alg)
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
	}
	v, err := p.ReadValue()
	if err != nil {
		return nil, err
	}
	switch v.Kind {
	case wire.KindNil:
		t.Nil = true
	case wire.KindString:
		if v.Streamed {
			return nil, p.SyntaxError("a preview held in memory")
		}
		t.Text, t.Form = v.Str, v.Form
	default:
		return nil, p.SyntaxError("nstring")
	}
	if paren {
		if err := p.Expect(')'); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Preview returns the preview of f: the PREVIEW item, else the SNIPPET
// item, parsed by Install's parser or left as a generic tree.
func Preview(f *wire.FetchData) (Text, bool) {
	if f == nil {
		return Text{}, false
	}
	for _, name := range []string{Item, SnippetItem} {
		v, ok := f.Item(name)
		if !ok {
			continue
		}
		switch d := v.(type) {
		case Text:
			return d, true
		case wire.Value:
			if t, ok := generic(d); ok {
				return t, true
			}
		}
	}
	return Text{}, false
}

func generic(v wire.Value) (Text, bool) {
	switch v.Kind {
	case wire.KindNil:
		return Text{Nil: true}, true
	case wire.KindString:
		return Text{Text: v.Str, Form: v.Form}, true
	case wire.KindList:
		if len(v.List) == 2 && v.List[0].Kind == wire.KindAtom {
			t, ok := generic(v.List[1])
			t.Algorithm = strings.ToUpper(v.List[0].Str)
			return t, ok && v.List[1].Kind != wire.KindList
		}
	}
	return Text{}, false
}

// Options are the optional parts of Fetch.
type Options struct {
	// Lazy asks for previews only where the server has them already
	// (RFC 8970 §3.2): the others come back Nil, to be asked for later
	// without LAZY. Ignored by servers with only the draft forms.
	Lazy bool
	// UID makes the set UIDs (UID FETCH).
	UID bool
}

// Result is the preview of one message.
type Result struct {
	Seq, UID uint32
	Text
}

// Items returns the FETCH items that ask for a preview, for
// client.FetchItems.Extra: PREVIEW, PREVIEW (LAZY), or the draft's
// SNIPPET (FUZZY) when the server has only SNIPPET=FUZZY (or PREVIEW
// (FUZZY) for PREVIEW=FUZZY). It fails with an error wrapping
// client.ErrNotSupported when the server offers none.
func Items(ctx context.Context, c *client.Conn, lazy bool) ([]wire.Value, error) {
	if err := extutil.Require(ctx, c, "preview", "PREVIEW", "PREVIEW=FUZZY", "SNIPPET=FUZZY"); err != nil {
		return nil, err
	}
	preview, err := c.Has(ctx, "PREVIEW")
	if err != nil {
		return nil, err
	}
	fuzzy, err := c.Has(ctx, "PREVIEW=FUZZY")
	if err != nil {
		return nil, err
	}
	switch {
	case preview:
		if lazy {
			return []wire.Value{wire.Atom(Item), wire.List(wire.Atom("LAZY"))}, nil
		}
		return []wire.Value{wire.Atom(Item)}, nil
	case fuzzy:
		return []wire.Value{wire.Atom(Item), wire.List(wire.Atom("FUZZY"))}, nil
	default:
		return []wire.Value{wire.Atom(SnippetItem), wire.List(wire.Atom("FUZZY"))}, nil
	}
}

// Fetch fetches the previews (and UIDs) of the messages in set.
func Fetch(ctx context.Context, c *client.Conn, set seqset.Set, opts *Options) ([]Result, error) {
	if opts == nil {
		opts = &Options{}
	}
	extra, err := Items(ctx, c, opts.Lazy)
	if err != nil {
		return nil, err
	}
	data, err := run.Fetch(ctx, c, set, opts.UID, extra)
	out := make([]Result, 0, len(data))
	for _, d := range data {
		t, ok := Preview(d)
		if !ok {
			continue // a FETCH of other items (a flag change) in between
		}
		out = append(out, Result{Seq: d.Seq, UID: d.UID, Text: t})
	}
	return out, err
}
