package codec

import (
	"fmt"
	"strings"
	"time"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// DataEncoder writes the data of a data response named resp.Name: what
// follows "Name" (each part preceded by its SP), where resp.Data is what
// the paired [DataParser] returned. It is registered with
// [Registry.EncodeData]. It must write only through w and must give the
// same output when called again with the same response: the
// [ResponseEncoder] runs it twice, once without writing to check the
// response, then for real. It returns [ErrUnsupportedData] (wrapped) for
// a Data of a type it does not know.
type DataEncoder func(w *Writer, resp *wire.Response) error

// CodeEncoder writes the arguments of a response code whose Code.Data is
// typed: what follows the code name inside "[...]", each part preceded
// by its SP, before the "]". It is registered with [Registry.EncodeCode]
// and follows the rules of [DataEncoder].
type CodeEncoder func(w *Writer, c *wire.Code) error

// FetchItemEncoder writes the value of one FETCH item (what follows the
// item name and its SP), where item is the item's name as in
// wire.FetchItem.Name (with its section, e.g. "BINARY[1]") and v its
// typed value. It is registered with [Registry.EncodeFetchItem] and
// follows the rules of [DataEncoder].
type FetchItemEncoder func(w *Writer, item string, v any) error

// StatusItemEncoder writes the typed value v (wire.StatusItem.Data) of
// the STATUS item name: what follows the name and its SP. It is
// registered with [Registry.EncodeStatusItem] and follows the rules of
// [DataEncoder].
type StatusItemEncoder func(w *Writer, name string, v any) error

// A Writer writes IMAP syntax at the current position of a response,
// for the encoders registered in a [Registry]. Each method checks what
// it is given; the first problem is recorded (later calls still run but
// write nothing that matters) and reported by [Writer.Err] and by the
// encoder, which then fails without having written anything: a response
// is checked completely before its first byte goes out.
//
// A Writer is valid only during the encoder call it was passed to.
type Writer struct {
	e      *ResponseEncoder
	err    error
	inCode bool // inside "[...]": no "]" in atoms
}

// Err returns the first error recorded.
func (w *Writer) Err() error { return w.err }

// Fail records err (if no error was recorded before), for encoders that
// find a problem of their own.
func (w *Writer) Fail(err error) {
	if w.err == nil && err != nil {
		w.err = err
	}
}

// UTF8 reports whether the peer enabled UTF8=ACCEPT or IMAP4rev2, so that
// mailbox names and quoted strings may be UTF-8 (see
// ResponseEncoderOptions.UTF8).
func (w *Writer) UTF8() bool { return w.e.opts.UTF8 }

// SP writes a space.
func (w *Writer) SP() { w.e.vw.byte(' ') }

// NIL writes NIL.
func (w *Writer) NIL() { w.e.vw.str("NIL") }

// Atom writes s as an atom (RFC 9051 §9 "atom"); it also accepts the
// tokens an atom-like value may be: flags such as \Seen, "*", "%" and
// FETCH item names with a section. Anything else records ErrInvalidAtom.
func (w *Writer) Atom(s string) {
	if !validAtom(s) || (w.inCode && strings.IndexByte(s, ']') >= 0) {
		w.Fail(fmt.Errorf("%w: %q", ErrInvalidAtom, s))
		return
	}
	w.e.vw.str(s)
}

// Number writes n in decimal (number, number64, nz-number).
func (w *Writer) Number(n uint64) { w.e.vw.number(n) }

// String writes s as a string (RFC 9051 §9 "string"): quoted when it is
// short and made of TEXT-CHARs, a literal otherwise. A string holding
// NUL records ErrNeedsBinary (only a BINARY section carries NUL; see
// [Writer.Literal8]).
func (w *Writer) String(s string) { w.e.str(s) }

// Quoted writes s as a quoted string whatever its length, with DQUOTE
// and "\" escaped, or as a literal when it holds CR, LF or 8-bit octets
// that cannot be quoted.
func (w *Writer) Quoted(s string) {
	f := w.e.formMax(s, len(s))
	if f == formLiteral8 {
		w.Fail(ErrNeedsBinary)
	}
	w.e.writeString(s, f)
}

// Literal writes s as a literal ({n} CRLF and the octets), or a
// literal8 (~{n}) when it holds NUL.
func (w *Writer) Literal(s string) {
	w.e.writeString(s, literalForm(s))
}

// NString writes an nstring (RFC 9051 §9): NIL when isNil, else s as a
// string ("" as the empty quoted string).
func (w *Writer) NString(s string, isNil bool) {
	if isNil {
		w.NIL()
		return
	}
	w.String(s)
}

// AString writes an astring (RFC 9051 §9): an atom when s is made of
// ASTRING-CHARs (and is not NIL, nor a number with a leading zero), else
// a string.
func (w *Writer) AString(s string) { w.e.astr(s) }

// Mailbox writes a mailbox name (RFC 9051 §9 "mailbox") as an astring,
// in modified UTF-7 (RFC 3501 §5.1.3) or, when UTF8 is on, in UTF-8.
func (w *Writer) Mailbox(name string) { w.Fail(w.e.mailbox(name)) }

// Delim writes a hierarchy delimiter: DQUOTE QUOTED-CHAR DQUOTE, or NIL
// for 0.
func (w *Writer) Delim(d rune) { w.Fail(w.e.delim(d)) }

// List writes "(", whatever f writes, then ")". f writes the members and
// the SP between them.
func (w *Writer) List(f func()) {
	w.e.vw.byte('(')
	f()
	w.e.vw.byte(')')
}

// SeqSet writes a sequence set (RFC 9051 §9 "sequence-set"); the empty
// set records ErrInvalidAtom.
func (w *Writer) SeqSet(s seqset.Set) { w.Fail(w.e.seqSet(s)) }

// Flags writes a parenthesized list of flags, e.g. (\Seen $Forwarded);
// each must be an atom, optionally after "\".
func (w *Writer) Flags(flags []string) { w.Fail(w.e.atoms(flags, true, false)) }

// DateTime writes t as a quoted date-time (RFC 9051 §9 "date-time"), as
// INTERNALDATE has it.
func (w *Writer) DateTime(t time.Time) {
	vw := &w.e.vw
	if vw.dry {
		return
	}
	b := append(vw.scratch[:0], '"')
	b = t.AppendFormat(b, DateTimeLayout)
	vw.bytes(append(b, '"'))
}

// Value writes a generic value tree: NIL, numbers, atoms, strings in the
// form v.Form asks for (where the contents allow it) and lists.
func (w *Writer) Value(v wire.Value) { w.Fail(w.e.value(&v, w.inCode, 0)) }

// Values writes vs separated by SP.
func (w *Writer) Values(vs []wire.Value) {
	for i := range vs {
		if i > 0 {
			w.SP()
		}
		w.Fail(w.e.value(&vs[i], w.inCode, 0))
	}
}

// Raw writes s as it is. It records ErrInvalidRaw if s holds CR, LF or
// NUL or ends in "}" (which would announce a literal), so that an
// encoder cannot break the framing of the response.
func (w *Writer) Raw(s string) {
	if s != "" && !validRaw(s) {
		w.Fail(ErrInvalidRaw)
		return
	}
	w.e.vw.str(s)
}

// unsupported returns the error of an encoder given a type it does not
// know.
func unsupported(v any, where string) error {
	return fmt.Errorf("%w: %T in %s", ErrUnsupportedData, v, where)
}
