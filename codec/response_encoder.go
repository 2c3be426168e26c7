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

// ResponseEncoderOptions configures a [ResponseEncoder]. The zero value
// (or nil) gives the defaults.
type ResponseEncoderOptions struct {
	// Registry holds the encoders of typed data (Response.Data,
	// Code.Data, FETCH item values), paired with their parsers; nil
	// means NewBaseRegistry(). Use the registry the decoder of the
	// other direction uses, so that what was decoded re-encodes.
	Registry *Registry
	// UTF8 says the client enabled UTF8=ACCEPT or IMAP4rev2 (RFC 6855
	// §3, RFC 9051 §5.1): mailbox names are then sent as UTF-8 rather
	// than modified UTF-7, and quoted strings may hold UTF-8.
	UTF8 bool
	// MaxQuoted is the longest string written as a quoted string; longer
	// ones are literals. 0 means DefaultMaxQuoted.
	MaxQuoted int
}

// A ResponseEncoder writes server responses (RFC 9051 §7), for proxies
// and test servers: status responses, data, tagged completions and
// continuation requests, with response codes, generic value trees and
// typed data, which it writes with the encoders of its [Registry] (see
// [ResponseEncoder.WriteResponse]).
//
// A ResponseEncoder is not safe for concurrent use.
type ResponseEncoder struct {
	w    *bufio.Writer
	vw   valueWriter
	opts ResponseEncoderOptions
	reg  *Registry
	wr   Writer // what the registered encoders write with
	lr   io.LimitedReader
	sbuf []byte // reused for sequence sets
}

// NewResponseEncoder returns a ResponseEncoder writing to w, which it
// uses as it is if it is a *bufio.Writer and buffers otherwise. opts may
// be nil (the base registry, modified UTF-7 mailbox names).
func NewResponseEncoder(w io.Writer, opts *ResponseEncoderOptions) *ResponseEncoder {
	e := &ResponseEncoder{}
	e.wr.e = e
	e.Reset(w)
	e.SetOptions(opts)
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

// SetOptions replaces the options (after ENABLE UTF8=ACCEPT, say); nil
// means the zero options.
func (e *ResponseEncoder) SetOptions(opts *ResponseEncoderOptions) {
	if opts == nil {
		e.opts = ResponseEncoderOptions{}
	} else {
		e.opts = *opts
	}
	if e.opts.MaxQuoted <= 0 {
		e.opts.MaxQuoted = DefaultMaxQuoted
	}
	if e.opts.Registry == nil {
		e.opts.Registry = NewBaseRegistry()
	}
	e.reg = e.opts.Registry
}

// Options returns the options in effect (defaults filled in).
func (e *ResponseEncoder) Options() ResponseEncoderOptions { return e.opts }

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
// Code.Data, when set, is written by the [CodeEncoder] registered for
// the code's name ([Registry.EncodeCode]); a number (uint32, uint64)
// needs none. Otherwise Code.Args are written as generic values.
//
// Data that is nil (nothing follows the name), []wire.Value or
// wire.Value (generic, each value preceded by SP) is written as it is;
// any other Data by the [DataEncoder] registered for r.Name
// ([Registry.EncodeData]), and the values of extension FETCH items by
// their [FetchItemEncoder]. The base protocol registers its own
// (RegisterBase): *wire.FetchData, *wire.ListData (LIST, LSUB),
// *wire.StatusData, *wire.NamespaceData, *wire.SearchData or []uint32,
// *wire.ESearchData (values as well as pointers), []string for FLAGS (in
// parentheses), CAPABILITY and ENABLED, and map[string]string for ID
// (RFC 2971; nil is NIL, fields sorted by name). Typed data without an
// encoder fails with ErrUnsupportedData. Strings are quoted strings when
// short and made of TEXT-CHARs ("\" and DQUOTE escaped) and literals
// otherwise; a literal8 (~{n}) carries NUL in BINARY sections. FETCH
// items keep the order FetchData.Order records and section contents the
// form SectionData.Form records. Typed data follow the grammar to the
// octet, e.g. no SP between the parts of a multipart (RFC 9051 §9
// "body-type-mpart") or the addresses of an envelope field; the members
// of a generic list are always separated by SP, since a generic tree
// does not record where the grammar omits it (decoders accept both).
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
	e.wr.err, e.wr.inCode = nil, false
	err := e.response(r)
	e.vw.dry = false
	if err != nil {
		return err
	}
	e.wr.err, e.wr.inCode = nil, false
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
		if e.wr.err != nil {
			return e.wrap(r, "data", e.wr.err)
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

// code writes "[" resp-text-code "]": Code.Data with the encoder
// registered for the code's name, else Code.Args as generic values.
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
	enc := e.reg.encCodes[c.Name]
	if enc == nil {
		enc = e.reg.encCodes[strings.ToUpper(c.Name)]
	}
	if enc == nil {
		// A number needs no encoder of its own (HIGHESTMODSEQ, ...).
		switch d := c.Data.(type) {
		case uint32:
			e.vw.byte(' ')
			e.vw.number(uint64(d))
			return nil
		case uint64:
			e.vw.byte(' ')
			e.vw.number(d)
			return nil
		}
		return fmt.Errorf("%w: %T in code %s (no encoder registered)", ErrUnsupportedData, c.Data, c.Name)
	}
	w := &e.wr
	w.inCode = true
	err := enc(w, c)
	w.inCode = false
	if err == nil {
		err = w.err
	}
	return err
}

// Base protocol code encoders (RFC 9051 §7.1, RFC 4315 §3).

func encodeCapabilityCode(w *Writer, c *wire.Code) error {
	d, ok := c.Data.([]string)
	if !ok {
		return unsupported(c.Data, c.Name)
	}
	return w.e.atoms(d, false, true)
}

func encodeFlagsCode(w *Writer, c *wire.Code) error {
	d, ok := c.Data.([]string)
	if !ok {
		return unsupported(c.Data, c.Name)
	}
	w.SP()
	return w.e.atoms(d, true, false)
}

func encodeBadCharset(w *Writer, c *wire.Code) error {
	d, ok := c.Data.([]string)
	if !ok {
		return unsupported(c.Data, c.Name)
	}
	if len(d) == 0 {
		return nil
	}
	vw := &w.e.vw
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

func encodeNumberCode(w *Writer, c *wire.Code) error {
	switch d := c.Data.(type) {
	case uint32:
		w.SP()
		w.Number(uint64(d))
	case uint64:
		w.SP()
		w.Number(d)
	default:
		return unsupported(c.Data, c.Name)
	}
	return nil
}

func encodeAppendUID(w *Writer, c *wire.Code) error {
	switch d := c.Data.(type) {
	case wire.AppendUID:
		return w.e.appendUID(&d)
	case *wire.AppendUID:
		return w.e.appendUID(d)
	}
	return unsupported(c.Data, c.Name)
}

func encodeCopyUID(w *Writer, c *wire.Code) error {
	switch d := c.Data.(type) {
	case wire.CopyUID:
		return w.e.copyUID(&d)
	case *wire.CopyUID:
		return w.e.copyUID(d)
	}
	return unsupported(c.Data, c.Name)
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
		if !isFlagOrAtom(n) {
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

// isFlagOrAtom reports whether s is an atom, a flag (an atom after
// "\") or \* (RFC 9051 §9 "flag-perm").
func isFlagOrAtom(s string) bool {
	return s == `\*` || isAtom(strings.TrimPrefix(s, `\`))
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
func (e *ResponseEncoder) form(s string) strForm { return e.formMax(s, e.opts.MaxQuoted) }

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
	if len(s) > e.opts.MaxQuoted {
		if bytes.IndexByte(s, 0) >= 0 {
			return formLiteral8
		}
		return formLiteral
	}
	return e.formBytesMax(s)
}

// formBytesMax is formBytes without the length limit on quoted strings.
func (e *ResponseEncoder) formBytesMax(s []byte) strForm {
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
	case cl&rcEight != 0 && !(e.opts.UTF8 && valid()):
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
// holding NUL, which only a BINARY section may carry, records ErrNeedsBinary on e.wr.
func (e *ResponseEncoder) str(s string) {
	f := e.form(s)
	if f == formLiteral8 {
		e.wr.Fail(ErrNeedsBinary)
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
	if len(s) <= e.opts.MaxQuoted && classify(s, false, true) == formAtom && s != "" {
		e.vw.str(s)
		return
	}
	e.str(s)
}
