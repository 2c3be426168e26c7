package codec

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// A ResponseEncoder writes server responses (RFC 9051 §7), for proxies
// and test servers: status responses, data, tagged completions and
// continuation requests, with response codes, generic value trees and the
// base protocol's typed data (see [ResponseEncoder.WriteResponse]).
//
// A ResponseEncoder is not safe for concurrent use.
type ResponseEncoder struct {
	w         *bufio.Writer
	vw        valueWriter
	utf8      bool
	maxQuoted int
	lr        io.LimitedReader
	sbuf      []byte // reused for sequence sets
	err       error  // first error of a string writer without an error result
}

// NewResponseEncoder returns a ResponseEncoder writing to w, which it
// uses as it is if it is a *bufio.Writer and buffers otherwise. Mailbox
// names are encoded to modified UTF-7 until [ResponseEncoder.SetUTF8].
func NewResponseEncoder(w io.Writer) *ResponseEncoder {
	e := &ResponseEncoder{maxQuoted: DefaultMaxQuoted}
	e.Reset(w)
	return e
}

// Reset makes e write to w (after STARTTLS or COMPRESS), keeping its
// settings.
func (e *ResponseEncoder) Reset(w io.Writer) {
	if bw, ok := w.(*bufio.Writer); ok {
		e.w = bw
	} else if e.w != nil && e.w.Size() == encoderBufferSize {
		e.w.Reset(w)
	} else {
		e.w = bufio.NewWriterSize(w, encoderBufferSize)
	}
	e.vw.w = e.w
}

// SetUTF8 says whether the client enabled UTF8=ACCEPT or IMAP4rev2
// (RFC 6855 §3, RFC 9051 §5.1): mailbox names are then sent as UTF-8
// rather than modified UTF-7, and quoted strings may hold UTF-8.
func (e *ResponseEncoder) SetUTF8(on bool) { e.utf8 = on }

// SetMaxQuoted sets the longest string written as a quoted string;
// longer ones are literals. n <= 0 means DefaultMaxQuoted.
func (e *ResponseEncoder) SetMaxQuoted(n int) {
	if n <= 0 {
		n = DefaultMaxQuoted
	}
	e.maxQuoted = n
}

// WriteResponse writes r and a CRLF and flushes.
//
// The shape follows r.Kind (RFC 9051 §7):
//
//   - wire.StatusResponse: "*" SP status SP resp-text (Tag "" or "*").
//   - wire.DoneResponse: tag SP OK/NO/BAD SP resp-text.
//   - wire.ContinueResponse: "+" SP resp-text (Text may be base64).
//   - wire.DataResponse: "*" SP [Num SP] Name [SP data].
//
// resp-text is ["[" code "]" SP] text; when Text is empty the SP after
// the status or code is still written, as RFC 9051's grammar has it. Text
// may not hold CR, LF or NUL, and may not start with "[" unless a code
// precedes it.
//
// Code.Data, when set, is written by type: []string for CAPABILITY (a
// series of atoms), PERMANENTFLAGS and BADCHARSET (a parenthesized
// list), uint32 or uint64 (UIDNEXT, UIDVALIDITY, UNSEEN, HIGHESTMODSEQ,
// ...), wire.AppendUID and wire.CopyUID (pointers too); otherwise Code.Args
// are written as generic values.
//
// Data is written by type: nil (nothing follows the name), []wire.Value
// or wire.Value (generic, each value preceded by SP), []string (atoms;
// in parentheses for FLAGS), []uint32 (numbers, e.g. SEARCH), and the
// base protocol's *wire.FetchData, *wire.ListData (LIST, LSUB),
// *wire.StatusData, *wire.NamespaceData, *wire.SearchData and
// *wire.ESearchData (values as well as pointers), and map[string]string
// for ID (RFC 2971; nil is NIL, fields sorted by name). Strings are quoted
// strings when short and made of TEXT-CHARs ("\" and DQUOTE escaped) and
// literals otherwise; a literal8 (~{n}) carries NUL in BINARY sections.
// Typed data follow the grammar to the octet, e.g. no SP between the parts
// of a multipart (RFC 9051 §9 "body-type-mpart") or the addresses of an
// envelope field; the members of a generic list are always separated by
// SP, since a generic tree does not record where the grammar omits it
// (decoders accept both).
//
// r is checked completely before anything is written: an [*EncodeError]
// leaves the stream untouched. A value with a Body reader is streamed;
// a reader that ends early leaves a partial response (ErrLiteralSize).
func (e *ResponseEncoder) WriteResponse(r *wire.Response) error {
	if err := e.QueueResponse(r); err != nil {
		return err
	}
	return e.w.Flush()
}

// QueueResponse is WriteResponse without the flush: the response stays
// in the buffer until [ResponseEncoder.Flush] or a later WriteResponse,
// so that a server can send a burst of responses in one write.
func (e *ResponseEncoder) QueueResponse(r *wire.Response) error {
	e.vw.dry = true
	e.err = nil
	err := e.response(r)
	e.vw.dry = false
	if err != nil {
		return err
	}
	return e.response(r)
}

// Flush writes any buffered responses to the underlying writer.
func (e *ResponseEncoder) Flush() error { return e.w.Flush() }

func (e *ResponseEncoder) response(r *wire.Response) error {
	vw := &e.vw
	switch r.Kind {
	case wire.StatusResponse:
		if r.Tag != "" && r.Tag != "*" {
			return e.errf(r, "tag", ErrInvalidAtom)
		}
		if r.Status < wire.StatusOK || r.Status > wire.StatusBye {
			return e.errf(r, "status", fmt.Errorf("codec: invalid status %v", r.Status))
		}
		vw.str("* ")
		vw.str(r.Status.String())
		vw.byte(' ')
		if err := e.respText(r); err != nil {
			return err
		}
	case wire.DoneResponse:
		if !validTag(r.Tag) {
			return e.errf(r, "tag", ErrInvalidAtom)
		}
		if r.Status < wire.StatusOK || r.Status > wire.StatusBad {
			return e.errf(r, "status", fmt.Errorf("codec: invalid completion status %v", r.Status))
		}
		vw.str(r.Tag)
		vw.byte(' ')
		vw.str(r.Status.String())
		vw.byte(' ')
		if err := e.respText(r); err != nil {
			return err
		}
	case wire.ContinueResponse:
		if r.Tag != "" && r.Tag != "+" {
			return e.errf(r, "tag", ErrInvalidAtom)
		}
		vw.str("+ ")
		if err := e.respText(r); err != nil {
			return err
		}
	case wire.DataResponse:
		if r.Tag != "" && r.Tag != "*" {
			return e.errf(r, "tag", ErrInvalidAtom)
		}
		if !isAtom(r.Name) {
			return e.errf(r, "name", ErrInvalidAtom)
		}
		vw.str("* ")
		num, hasNum := r.Num, r.HasNum
		if fd := fetchData(r.Data); fd != nil && !hasNum {
			num, hasNum = fd.Seq, true
		}
		if hasNum {
			vw.number(uint64(num))
			vw.byte(' ')
		}
		vw.str(r.Name)
		if err := e.data(r); err != nil {
			return e.wrap(r, "data", err)
		}
		if e.err != nil {
			return e.wrap(r, "data", e.err)
		}
	default:
		return e.errf(r, "kind", fmt.Errorf("codec: unknown response kind %v", r.Kind))
	}
	vw.str("\r\n")
	return nil
}

func (e *ResponseEncoder) errf(r *wire.Response, field string, err error) error {
	return &EncodeError{Command: responseLabel(r), Field: field, Err: err}
}

// wrap wraps err in an EncodeError unless it is one, or an I/O error
// of a Body literal.
func (e *ResponseEncoder) wrap(r *wire.Response, field string, err error) error {
	if _, ok := err.(*EncodeError); ok {
		return err
	}
	return e.errf(r, field, err)
}

func responseLabel(r *wire.Response) string {
	if r.Kind == wire.DataResponse {
		return r.Name
	}
	return r.Status.String()
}

// respText writes resp-text (RFC 9051 §9): ["[" resp-text-code "]" SP]
// [text].
func (e *ResponseEncoder) respText(r *wire.Response) error {
	if !validText(r.Text) || (r.Code == nil && strings.HasPrefix(r.Text, "[")) {
		return e.errf(r, "text", ErrInvalidText)
	}
	if r.Code != nil {
		if err := e.code(r.Code); err != nil {
			return e.wrap(r, "code", err)
		}
		e.vw.byte(' ')
	}
	e.vw.str(r.Text)
	return nil
}

// code writes "[" resp-text-code "]".
func (e *ResponseEncoder) code(c *wire.Code) error {
	vw := &e.vw
	if !isAtom(c.Name) {
		return ErrInvalidAtom
	}
	vw.byte('[')
	vw.str(c.Name)
	if c.Data != nil {
		if err := e.codeData(c); err != nil {
			return err
		}
	} else {
		for i := range c.Args {
			vw.byte(' ')
			if err := e.value(&c.Args[i], true, 0); err != nil {
				return err
			}
		}
	}
	vw.byte(']')
	return nil
}

func (e *ResponseEncoder) codeData(c *wire.Code) error {
	vw := &e.vw
	switch d := c.Data.(type) {
	case []string:
		switch strings.ToUpper(c.Name) {
		case "CAPABILITY":
			return e.atoms(d, false, true)
		case "PERMANENTFLAGS":
			vw.byte(' ')
			return e.atoms(d, true, true)
		case "BADCHARSET":
			if len(d) == 0 {
				return nil
			}
			vw.str(" (")
			for i, cs := range d {
				if i > 0 {
					vw.byte(' ')
				}
				if isAtom(cs) {
					vw.str(cs)
				} else if classify(cs, false, false) == formQuoted {
					vw.quoted(cs)
				} else {
					return ErrInvalidAtom
				}
			}
			vw.byte(')')
			return nil
		}
	case uint32:
		vw.byte(' ')
		vw.number(uint64(d))
		return nil
	case uint64:
		vw.byte(' ')
		vw.number(d)
		return nil
	case wire.AppendUID:
		return e.appendUID(&d)
	case *wire.AppendUID:
		return e.appendUID(d)
	case wire.CopyUID:
		return e.copyUID(&d)
	case *wire.CopyUID:
		return e.copyUID(d)
	}
	return fmt.Errorf("%w: %T in code %s", ErrUnsupportedData, c.Data, c.Name)
}

// appendUID writes the APPENDUID code's data (RFC 4315 §3).
func (e *ResponseEncoder) appendUID(a *wire.AppendUID) error {
	e.vw.byte(' ')
	e.vw.number(uint64(a.UIDValidity))
	e.vw.byte(' ')
	return e.seqSet(a.UIDs)
}

// copyUID writes the COPYUID code's data (RFC 4315 §3).
func (e *ResponseEncoder) copyUID(c *wire.CopyUID) error {
	e.vw.byte(' ')
	e.vw.number(uint64(c.UIDValidity))
	e.vw.byte(' ')
	if err := e.seqSet(c.Source); err != nil {
		return err
	}
	e.vw.byte(' ')
	return e.seqSet(c.Dest)
}

// seqSet writes a non-empty sequence set without allocating.
func (e *ResponseEncoder) seqSet(s seqset.Set) error {
	if s.IsEmpty() && !s.IsSavedResult() {
		return fmt.Errorf("%w: empty sequence set", ErrInvalidAtom)
	}
	if !e.vw.dry {
		e.sbuf = s.AppendString(e.sbuf[:0])
		e.vw.bytes(e.sbuf)
	}
	return nil
}

// atoms writes names as atoms separated by SP, in parentheses if paren,
// each preceded by SP if lead (and the list is not parenthesized).
func (e *ResponseEncoder) atoms(names []string, paren, lead bool) error {
	vw := &e.vw
	if paren {
		vw.byte('(')
	}
	for i, n := range names {
		if !validAtom(n) || strings.ContainsAny(n, "[]") {
			return ErrInvalidAtom
		}
		if i > 0 || (lead && !paren) {
			vw.byte(' ')
		}
		vw.str(n)
	}
	if paren {
		vw.byte(')')
	}
	return nil
}

// isAtom reports whether s is an atom (RFC 9051 §9: 1*ATOM-CHAR).
func isAtom(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !wire.IsAtomChar(s[i]) {
			return false
		}
	}
	return true
}

// maxValueDepth bounds the nesting of values the response encoder writes.
const maxValueDepth = 1000

// value writes a generic value. inCode forbids "]" in atoms, which would
// end a response code early.
func (e *ResponseEncoder) value(v *wire.Value, inCode bool, depth int) error {
	vw := &e.vw
	switch v.Kind {
	case wire.KindNil:
		vw.str("NIL")
	case wire.KindNumber:
		vw.number(v.Num)
	case wire.KindAtom:
		if !validAtom(v.Str) || (inCode && strings.IndexByte(v.Str, ']') >= 0) {
			return ErrInvalidAtom
		}
		vw.str(v.Str)
	case wire.KindRaw:
		if !validRaw(v.Str) {
			return ErrInvalidRaw
		}
		vw.str(v.Str)
	case wire.KindList:
		if depth >= maxValueDepth {
			return errArgTooDeep
		}
		vw.byte('(')
		for i := range v.List {
			if i > 0 {
				vw.byte(' ')
			}
			if err := e.value(&v.List[i], inCode, depth+1); err != nil {
				return err
			}
		}
		vw.byte(')')
	case wire.KindString:
		return e.stringValue(v)
	default:
		return fmt.Errorf("codec: unknown value kind %v", v.Kind)
	}
	return nil
}

// stringValue writes a KindString value in the form its Form asks for,
// where its contents allow.
func (e *ResponseEncoder) stringValue(v *wire.Value) error {
	if v.Body != nil {
		if v.Size < 0 {
			return ErrLiteralSize
		}
		e.vw.literalHeader(v.Size, v.Form == wire.FormLiteral8, false)
		if e.vw.dry {
			return nil
		}
		e.lr.R, e.lr.N = v.Body, v.Size
		n, err := e.w.ReadFrom(&e.lr)
		e.lr.R = nil
		if err != nil {
			return err
		}
		if n != v.Size {
			return fmt.Errorf("%w: body ended after %d of %d octets", ErrLiteralSize, n, v.Size)
		}
		return nil
	}
	if v.Streamed {
		return ErrStreamedValue
	}
	var f strForm
	switch v.Form {
	case wire.FormAuto:
		f = e.form(v.Str)
	case wire.FormQuoted:
		f = e.formMax(v.Str, len(v.Str))
	case wire.FormLiteral:
		f = literalForm(v.Str)
	case wire.FormLiteral8:
		f = formLiteral8
	default:
		return fmt.Errorf("codec: unknown string form %v", v.Form)
	}
	e.writeString(v.Str, f)
	return nil
}

// Octet classes of response strings, or-ed together over a string.
const (
	rcEscape = 1 << iota // DQUOTE or "\": quoted with an escape
	rcCRLF               // CR or LF: literal
	rcEight              // 8-bit: quoted only as UTF-8 under UTF8=ACCEPT
	rcNUL                // NUL: literal8
)

var respClass = func() (t [256]uint8) {
	t['"'], t['\\'] = rcEscape, rcEscape
	t['\r'], t['\n'] = rcCRLF, rcCRLF
	t[0] = rcNUL
	for c := 0x80; c < 0x100; c++ {
		t[c] = rcEight
	}
	return t
}()

// form chooses quoted (escaped or not) or literal for a response string
// (never an atom: most response strings are "string" or "nstring",
// RFC 9051 §9).
func (e *ResponseEncoder) form(s string) strForm { return e.formMax(s, e.maxQuoted) }

// formMax is form with a limit of max octets for quoted strings.
func (e *ResponseEncoder) formMax(s string, max int) strForm {
	if len(s) > max {
		return literalForm(s)
	}
	var cl uint8
	for i := 0; i < len(s); i++ {
		cl |= respClass[s[i]]
	}
	return e.formOf(cl, func() bool { return utf8.ValidString(s) })
}

// formBytes is form for a byte slice.
func (e *ResponseEncoder) formBytes(s []byte) strForm {
	if len(s) > e.maxQuoted {
		if bytes.IndexByte(s, 0) >= 0 {
			return formLiteral8
		}
		return formLiteral
	}
	var cl uint8
	for _, c := range s {
		cl |= respClass[c]
	}
	return e.formOf(cl, func() bool { return utf8.Valid(s) })
}

func (e *ResponseEncoder) formOf(cl uint8, valid func() bool) strForm {
	switch {
	case cl&rcNUL != 0:
		return formLiteral8
	case cl&rcCRLF != 0:
		return formLiteral
	case cl&rcEight != 0 && !(e.utf8 && valid()):
		return formLiteral
	case cl&rcEscape != 0:
		return formQuotedEscaped
	}
	return formQuoted
}

func (e *ResponseEncoder) writeString(s string, f strForm) {
	switch f {
	case formQuoted:
		e.vw.byte('"')
		e.vw.str(s)
		e.vw.byte('"')
	case formQuotedEscaped:
		e.vw.quoted(s)
	default:
		e.vw.literalHeader(int64(len(s)), f == formLiteral8, false)
		e.vw.str(s)
	}
}

// str writes a string (RFC 9051 "string") chosen by content. A string
// holding NUL, which only a BINARY section may carry, sets e.err.
func (e *ResponseEncoder) str(s string) {
	f := e.form(s)
	if f == formLiteral8 && e.err == nil {
		e.err = ErrNeedsBinary
	}
	e.writeString(s, f)
}

// nstr writes an nstring: NIL for "".
func (e *ResponseEncoder) nstr(s string) {
	if s == "" {
		e.vw.str("NIL")
		return
	}
	e.str(s)
}

// astr writes an astring: an atom where possible.
func (e *ResponseEncoder) astr(s string) {
	if len(s) <= e.maxQuoted && classify(s, false, true) == formAtom {
		e.vw.str(s)
		return
	}
	e.str(s)
}
