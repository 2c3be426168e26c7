// Package forms remembers how the strings of a parsed response were sent
// (atom, quoted string or literal), so that an encoder re-encodes what a
// parser decoded byte for byte even where the server did not use the
// form the encoder would choose (RFC examples quote mailbox names that
// could be atoms). The parsers' result types stay plain: the forms are
// kept in a table keyed by a weak pointer to the result and dropped when
// the result is collected.
package forms

import (
	"runtime"
	"sync"
	"weak"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/utf7"
)

// Form is how one string was sent.
type Form uint8

const (
	Auto     Form = iota // as the encoder chooses (an atom where possible)
	Quoted               // a quoted string
	Literal              // a literal
	Literal8             // a literal8 (RFC 3516 §4.1)
)

// Reader reads strings with a parser and records their forms in order.
type Reader struct {
	forms []Form
	odd   bool // some form was not Auto
}

func (r *Reader) peek(p *codec.Parser) Form {
	switch c, _ := p.PeekByte(); c {
	case '"':
		r.odd = true
		return Quoted
	case '{':
		r.odd = true
		return Literal
	}
	if _, lit8 := p.PeekLiteral(); lit8 {
		r.odd = true
		return Literal8
	}
	return Auto
}

// AString reads an astring.
func (r *Reader) AString(p *codec.Parser) (string, error) {
	f := r.peek(p)
	s, err := p.ReadAString()
	r.forms = append(r.forms, f)
	return s, err
}

// Mailbox reads a mailbox name.
func (r *Reader) Mailbox(p *codec.Parser) (string, error) {
	f := r.peek(p)
	s, err := p.ReadMailbox()
	r.forms = append(r.forms, f)
	return s, err
}

// String reads a string (quoted or literal).
func (r *Reader) String(p *codec.Parser) (string, error) {
	f := r.peek(p)
	s, err := p.ReadString()
	r.forms = append(r.forms, f)
	return s, err
}

// Note records the form of a value read otherwise (f from Peek).
func (r *Reader) Note(f Form) {
	if f != Auto {
		r.odd = true
	}
	r.forms = append(r.forms, f)
}

// Peek returns the form of the string at the parser's position.
func (r *Reader) Peek(p *codec.Parser) Form { return r.peek(p) }

var table sync.Map // weak.Pointer[T] -> []Form

// Save keeps the forms r recorded for the result v, when any of them is
// not what the encoder would choose anyway.
func Save[T any](v *T, r *Reader) {
	if v == nil || !r.odd {
		return
	}
	wp := weak.Make(v)
	table.Store(wp, r.forms)
	runtime.AddCleanup(v, func(k weak.Pointer[T]) { table.Delete(k) }, wp)
}

// Writer writes strings with a codec.Writer in the forms saved for one
// result, in the order they were read; past them (or for a result
// without saved forms) the encoder chooses.
type Writer struct {
	W     *codec.Writer
	forms []Form
	i     int
}

// For returns a Writer for the result v.
func For[T any](w *codec.Writer, v *T) *Writer {
	fw := &Writer{W: w}
	if v != nil {
		if f, ok := table.Load(weak.Make(v)); ok {
			fw.forms = f.([]Form)
		}
	}
	return fw
}

func (w *Writer) next() Form {
	if w.i >= len(w.forms) {
		w.i++
		return Auto
	}
	f := w.forms[w.i]
	w.i++
	return f
}

// AString writes an astring.
func (w *Writer) AString(s string) { w.write(s, w.W.AString) }

// String writes a string.
func (w *Writer) String(s string) { w.write(s, w.W.String) }

// write writes s quoted or as a literal as it was recorded, otherwise
// with auto (the encoder's choice).
func (w *Writer) write(s string, auto func(string)) {
	switch w.next() {
	case Quoted:
		w.W.Quoted(s)
	case Literal:
		w.W.Literal(s)
	case Literal8:
		w.W.Literal8(s)
	default:
		auto(s)
	}
}

// Skip passes over one recorded form (a value written otherwise).
func (w *Writer) Skip() Form { return w.next() }

// Mailbox writes a mailbox name: modified UTF-7 unless UTF-8 is on (RFC
// 3501 §5.1.3), in its recorded form.
func (w *Writer) Mailbox(name string) {
	f := w.next()
	if f == Auto {
		w.W.Mailbox(name)
		return
	}
	enc := name
	if !w.W.UTF8() {
		var err error
		if enc, err = utf7.Encode(name); err != nil {
			w.W.Fail(err)
			return
		}
	}
	if f == Quoted {
		w.W.Quoted(enc)
	} else {
		w.W.Literal(enc)
	}
}
