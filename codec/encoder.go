package codec

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/imapkit/imapkit/wire"
)

// Errors of the command and response encoders. They are wrapped in an
// [*EncodeError] that says which argument or field was at fault; use
// errors.Is to test for them. None of them includes the rejected value,
// which may be a password.
var (
	// ErrInvalidAtom: an atom (or a tag, command name or flag) is empty or
	// holds a character that would end the token early (RFC 9051 §9,
	// "atom"), such as SP, CR, LF, "(", ")", "{", DQUOTE or an 8-bit octet.
	ErrInvalidAtom = errors.New("codec: invalid atom")
	// ErrInvalidRaw: a wire.KindRaw value holds CR, LF or NUL, or ends in
	// "}", which would announce a literal at the end of the line.
	ErrInvalidRaw = errors.New("codec: invalid raw value")
	// ErrInvalidText: response text holds CR, LF or NUL, or starts with
	// "[" where no response code precedes it.
	ErrInvalidText = errors.New("codec: invalid text")
	// ErrNeedsBinary: a string holds NUL, or asks for a binary literal
	// (wire.FormLiteral8), and the peer has no BINARY (RFC 3516): only
	// literal8 may carry NUL (RFC 9051 §4.3.1).
	ErrNeedsBinary = errors.New("codec: NUL or literal8 needs BINARY")
	// ErrLiteralSize: a literal's Size is negative, or its Body reader
	// ended before Size octets. In the second case the octet count has
	// already been sent and the connection is out of step with the peer.
	ErrLiteralSize = errors.New("codec: literal size does not match its contents")
	// ErrNoContinuation: a command needs a synchronizing literal but
	// WriteCommand was given no cont function. Nothing has been written.
	ErrNoContinuation = errors.New("codec: synchronizing literal without a continuation callback")
	// ErrCommandAborted: the cont function of a synchronizing literal
	// returned an error; see [Encoder.WriteCommand] for the state this
	// leaves the connection in. The cont error is wrapped too.
	ErrCommandAborted = errors.New("codec: command aborted at a synchronizing literal")
	// ErrStreamedValue: a value or section whose contents were streamed
	// by a decoder (Streamed set, no Body) cannot be encoded again.
	ErrStreamedValue = errors.New("codec: streamed contents are not available")
	// ErrUnsupportedData: the response encoder has no wire form for a Go
	// type found in Response.Data, Code.Data or FetchItem.Data.
	ErrUnsupportedData = errors.New("codec: no wire form for this data")
)

// EncodeError reports an argument or field the encoders could not write.
// The message names where the problem is, never the value itself.
type EncodeError struct {
	// Command is the command name or the response's data name / status.
	Command string
	// Arg is the 1-based index of the command argument, 0 where the
	// error is not about one argument (tag, name, response fields).
	Arg int
	// Field names the part at fault, e.g. "tag", "name", "code", "text".
	Field string
	Err   error
}

func (e *EncodeError) Error() string {
	s := "codec: cannot encode"
	if e.Command != "" {
		s += " " + e.Command
	}
	if e.Arg > 0 {
		s += fmt.Sprintf(" argument %d", e.Arg)
	}
	if e.Field != "" {
		s += " " + e.Field
	}
	return s + ": " + e.Err.Error()
}

func (e *EncodeError) Unwrap() error { return e.Err }

// DefaultMaxQuoted is the longest string the encoders send as a quoted
// string when EncoderOptions.MaxQuoted is 0; longer strings become
// literals. Servers limit the length of a command line (Dovecot: 64 KiB),
// and a literal does not count against it.
const DefaultMaxQuoted = 1024

// LiteralMinusMax is the largest non-synchronizing literal LITERAL- allows
// (RFC 7888 §5).
const LiteralMinusMax = 4096

// EncoderOptions says what the server allows the command encoder to use.
// Update them with [Encoder.SetOptions] when the capabilities change
// (after STARTTLS, authentication or ENABLE).
type EncoderOptions struct {
	// LiteralPlus: the server has LITERAL+ (RFC 7888 §3): every literal
	// is sent non-synchronizing, {n+}, without waiting for "+".
	LiteralPlus bool
	// LiteralMinus: the server has LITERAL- (RFC 7888 §5): literals of
	// up to 4096 octets are non-synchronizing, larger ones synchronizing.
	// LiteralPlus takes precedence when both are set.
	LiteralMinus bool
	// Binary: the server has BINARY (RFC 3516): a string containing NUL
	// is sent as a binary literal ~{n} instead of failing with
	// ErrNeedsBinary, and wire.FormLiteral8 is allowed.
	Binary bool
	// UTF8: UTF8=ACCEPT is enabled (RFC 6855 §3) or the connection speaks
	// IMAP4rev2: valid UTF-8 may go into quoted strings. Otherwise any
	// 8-bit octet forces a literal. It also allows wire.FormLiteral8
	// arguments without Binary, for APPEND's "UTF8" SP "(" literal8 ")"
	// (RFC 6855 §4).
	UTF8 bool
	// MaxQuoted is the longest wire.FormAuto string sent as an atom or a
	// quoted string; longer ones become literals. 0 means
	// DefaultMaxQuoted.
	MaxQuoted int
}

// An Encoder writes client commands (RFC 9051 §6) to a stream.
//
// For each string argument it chooses the shortest safe syntax (see
// [Encoder.WriteCommand]); numbers, sequence sets and lists are written
// without allocating.
//
// An Encoder is not safe for concurrent use: the caller serializes
// commands (the client's pipelining gate does).
type Encoder struct {
	w    *bufio.Writer
	opts EncoderOptions
	vw   valueWriter
	lr   io.LimitedReader // reused for Body literals

	// forms holds the syntax checkCommand chose for each string argument,
	// in the order writeArg meets them, so that no string is scanned
	// twice; next is writeArg's position in it.
	forms []strForm
	next  int
}

// NewEncoder returns an Encoder writing to w. If w is a *bufio.Writer it
// is used as it is; otherwise the Encoder adds a 32 KiB buffer. opts may be
// nil (no LITERAL+/-, no BINARY, no UTF-8).
func NewEncoder(w io.Writer, opts *EncoderOptions) *Encoder {
	e := &Encoder{}
	e.Reset(w)
	e.SetOptions(opts)
	return e
}

// Reset makes the Encoder write to w, after STARTTLS or COMPRESS has
// changed the stream underneath. The options are kept.
func (e *Encoder) Reset(w io.Writer) {
	if bw, ok := w.(*bufio.Writer); ok {
		e.w = bw
	} else if e.w != nil && e.w.Size() == encoderBufferSize {
		e.w.Reset(w)
	} else {
		e.w = bufio.NewWriterSize(w, encoderBufferSize)
	}
	e.vw.w = e.w
}

const encoderBufferSize = 32 << 10

// SetOptions replaces the options; nil means the zero options.
func (e *Encoder) SetOptions(opts *EncoderOptions) {
	if opts == nil {
		e.opts = EncoderOptions{}
	} else {
		e.opts = *opts
	}
	if e.opts.MaxQuoted <= 0 {
		e.opts.MaxQuoted = DefaultMaxQuoted
	}
}

// Options returns the options in effect (MaxQuoted filled in).
func (e *Encoder) Options() EncoderOptions { return e.opts }

// WriteCommand writes cmd: its tag, name and arguments separated by single
// spaces, then CRLF (RFC 9051 §2.2.1), and flushes.
//
// Arguments are written by kind:
//
//   - wire.KindAtom as is, after checking it is one token: atom characters
//     (RFC 9051 §9 "ATOM-CHAR") plus "%", "*", "]" and a leading "\" (flags,
//     LIST patterns, sequence sets), and, between "[" and the next "]",
//     SP, "(", ")" and complete quoted strings too, so that FETCH items such
//     as BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100> are atoms. Never CR,
//     LF, NUL, "{" or 8-bit octets.
//   - wire.KindNumber in decimal; wire.KindNil as NIL; wire.KindList in
//     parentheses.
//   - wire.KindRaw verbatim; CR, LF and NUL are rejected, and so is a
//     trailing "}", which would turn the end of the line into a literal.
//   - wire.KindString by its Form and contents (RFC 9051 §4.3):
//     FormAuto is an atom when every octet is an ASTRING-CHAR (so use it
//     in "astring" positions only), the string is not NIL in any case, and
//     it is not digits with a leading zero, and it holds no "[" (a reader
//     of generic values would take the first for a number and the second
//     for the start of a FETCH section); else a quoted string; else a literal. FormQuoted skips the atom and
//     the MaxQuoted limit. A string goes into a literal when it is longer
//     than MaxQuoted (FormAuto), or holds CR, LF, DQUOTE, "\" or an 8-bit
//     octet (valid UTF-8 may stay quoted when UTF8 is set). RFC 9051
//     allows DQUOTE and "\" escaped in a quoted string; the encoder sends
//     them in a literal instead, as the issue that specifies it asks, which
//     no server misreads. A string holding NUL becomes a binary literal
//     ~{n} when Binary is set, else ErrNeedsBinary. FormLiteral is always
//     a literal, FormLiteral8 always a binary literal (allowed with Binary
//     or UTF8, see EncoderOptions.UTF8). A value with a Body
//     sends Size octets read from Body, unchecked, as a literal (or
//     literal8 for FormLiteral8).
//
// Every argument is checked before the first byte is written: an invalid
// argument returns an [*EncodeError] and leaves the stream untouched, so a
// user string can never end the command early or inject a line.
//
// Literals are non-synchronizing ({n+}) under LiteralPlus, and under
// LiteralMinus up to 4096 octets (RFC 7888). At a synchronizing literal
// WriteCommand writes the line up to and including "{n}" CRLF, flushes,
// and calls cont, which must return nil once the server has sent a
// continuation request ("+"); the literal and the rest of the command
// follow. If there is a synchronizing literal and cont is nil,
// WriteCommand returns ErrNoContinuation before writing anything.
//
// If cont returns an error (typically because the server answered the
// literal with a tagged NO or BAD, or the context ended), WriteCommand
// returns at once with an error wrapping both ErrCommandAborted and cont's
// error. The command has then been sent only up to that literal's octet
// count and is NOT complete: nothing more of it may be sent. The caller
// must treat the command as still needing the server's tagged reply: if
// the server refused the literal, its tagged NO/BAD ends the command and
// the connection is fine; otherwise (the server may still be waiting for
// the literal) the connection is out of step and should be closed.
//
// An I/O error can leave a partial command on the stream; the connection
// is then unusable.
func (e *Encoder) WriteCommand(cmd *wire.Command, cont func() error) error {
	sync, err := e.checkCommand(cmd)
	if err != nil {
		return err
	}
	if sync && cont == nil {
		return &EncodeError{Command: cmd.Name, Err: ErrNoContinuation}
	}
	e.next = 0
	w := e.w
	w.WriteString(cmd.Tag)
	w.WriteByte(' ')
	w.WriteString(cmd.Name)
	for i := range cmd.Args {
		w.WriteByte(' ')
		if err := e.writeArg(&cmd.Args[i], cont); err != nil {
			return e.argError(cmd, i, err)
		}
	}
	w.WriteString("\r\n")
	return w.Flush()
}

func (e *Encoder) argError(cmd *wire.Command, i int, err error) error {
	var ee *EncodeError
	if errors.As(err, &ee) || errors.Is(err, ErrCommandAborted) {
		return err
	}
	if errors.Is(err, ErrLiteralSize) {
		return &EncodeError{Command: cmd.Name, Arg: i + 1, Err: err}
	}
	return err // I/O error
}

// WriteLine writes one line of continuation data that is not a command,
// such as DONE ending IDLE (RFC 9051 §6.3.13) or a base64 response to an
// AUTHENTICATE challenge (RFC 9051 §6.2.2), then CRLF, and flushes. It
// rejects CR, LF and NUL in line.
func (e *Encoder) WriteLine(line string) error {
	for i := 0; i < len(line); i++ {
		if c := line[i]; c == '\r' || c == '\n' || c == 0 {
			return &EncodeError{Field: "line", Err: ErrInvalidText}
		}
	}
	e.w.WriteString(line)
	e.w.WriteString("\r\n")
	return e.w.Flush()
}

// checkCommand validates cmd without writing and reports whether it
// needs a synchronizing literal.
func (e *Encoder) checkCommand(cmd *wire.Command) (sync bool, err error) {
	e.forms = e.forms[:0]
	if !validTag(cmd.Tag) {
		return false, &EncodeError{Command: cmd.Name, Field: "tag", Err: ErrInvalidAtom}
	}
	if !validCommandName(cmd.Name) {
		return false, &EncodeError{Field: "name", Err: ErrInvalidAtom}
	}
	for i := range cmd.Args {
		s, err := e.checkArg(&cmd.Args[i], 0)
		if err != nil {
			return false, &EncodeError{Command: cmd.Name, Arg: i + 1, Err: err}
		}
		sync = sync || s
	}
	return sync, nil
}

// maxArgDepth bounds the nesting of command argument lists, so that a
// cyclic or absurd argument tree fails instead of exhausting the stack.
const maxArgDepth = 1000

var errArgTooDeep = errors.New("codec: argument lists nested too deep")

func (e *Encoder) checkArg(v *wire.Value, depth int) (sync bool, err error) {
	switch v.Kind {
	case wire.KindNil, wire.KindNumber:
		return false, nil
	case wire.KindAtom:
		if !validAtom(v.Str) {
			return false, ErrInvalidAtom
		}
		return false, nil
	case wire.KindRaw:
		if !validRaw(v.Str) {
			return false, ErrInvalidRaw
		}
		return false, nil
	case wire.KindList:
		if depth >= maxArgDepth {
			return false, errArgTooDeep
		}
		for i := range v.List {
			s, err := e.checkArg(&v.List[i], depth+1)
			if err != nil {
				return false, err
			}
			sync = sync || s
		}
		return sync, nil
	case wire.KindString:
		f, size, err := e.stringForm(v)
		if err != nil {
			return false, err
		}
		e.forms = append(e.forms, f)
		if f == formLiteral || f == formLiteral8 {
			return !e.nonSync(size), nil
		}
		return false, nil
	}
	return false, fmt.Errorf("codec: unknown value kind %v", v.Kind)
}

// nonSync reports whether a literal of size octets may be sent
// non-synchronizing (RFC 7888 §3, §5; §6 for literal8).
func (e *Encoder) nonSync(size int64) bool {
	return e.opts.LiteralPlus || (e.opts.LiteralMinus && size <= LiteralMinusMax)
}

// stringForm chooses the syntax of a command string argument and returns
// the literal size.
func (e *Encoder) stringForm(v *wire.Value) (strForm, int64, error) {
	if v.Body != nil {
		if v.Size < 0 {
			return 0, 0, ErrLiteralSize
		}
		if v.Form == wire.FormLiteral8 {
			if !e.explicitLiteral8() {
				return 0, 0, ErrNeedsBinary
			}
			return formLiteral8, v.Size, nil
		}
		return formLiteral, v.Size, nil
	}
	if v.Streamed {
		return 0, 0, ErrStreamedValue
	}
	s := v.Str
	var f strForm
	switch v.Form {
	case wire.FormAuto:
		if len(s) > e.opts.MaxQuoted {
			f = literalForm(s)
		} else {
			f = classify(s, e.opts.UTF8, true)
		}
	case wire.FormQuoted:
		f = classify(s, e.opts.UTF8, false)
	case wire.FormLiteral:
		f = literalForm(s)
	case wire.FormLiteral8:
		f = formLiteral8
	default:
		return 0, 0, fmt.Errorf("codec: unknown string form %v", v.Form)
	}
	if f == formLiteral8 && !e.opts.Binary && (v.Form != wire.FormLiteral8 || !e.explicitLiteral8()) {
		return 0, 0, ErrNeedsBinary
	}
	return f, int64(len(s)), nil
}

// explicitLiteral8 reports whether a wire.FormLiteral8 argument may be
// sent: with BINARY (RFC 3516 §4.1), or once UTF8=ACCEPT is on, whose
// APPEND data item "UTF8" SP "(" literal8 ")" every UTF8=ACCEPT server
// takes (RFC 6855 §4). A string that holds NUL but asks for no form
// still needs BINARY.
func (e *Encoder) explicitLiteral8() bool { return e.opts.Binary || e.opts.UTF8 }

func (e *Encoder) writeArg(v *wire.Value, cont func() error) error {
	vw := &e.vw
	switch v.Kind {
	case wire.KindNil:
		e.w.WriteString("NIL")
	case wire.KindAtom, wire.KindRaw:
		e.w.WriteString(v.Str)
	case wire.KindNumber:
		vw.number(v.Num)
	case wire.KindList:
		e.w.WriteByte('(')
		for i := range v.List {
			if i > 0 {
				e.w.WriteByte(' ')
			}
			if err := e.writeArg(&v.List[i], cont); err != nil {
				return err
			}
		}
		e.w.WriteByte(')')
	case wire.KindString:
		f := e.forms[e.next] // chosen by checkCommand
		e.next++
		switch f {
		case formAtom:
			e.w.WriteString(v.Str)
		case formQuoted:
			vw.quoted(v.Str)
		default:
			size := v.Size
			if v.Body == nil {
				size = int64(len(v.Str))
			}
			return e.writeLiteral(v, f == formLiteral8, size, cont)
		}
	}
	return nil
}

// writeLiteral writes a literal's octet count and contents (RFC 9051
// §4.3), waiting for cont at a synchronizing one.
func (e *Encoder) writeLiteral(v *wire.Value, binary bool, size int64, cont func() error) error {
	nonSync := e.nonSync(size)
	e.vw.literalHeader(size, binary, nonSync)
	if !nonSync {
		if err := e.w.Flush(); err != nil {
			return err
		}
		if err := cont(); err != nil {
			return fmt.Errorf("%w: %w", ErrCommandAborted, err)
		}
	}
	if v.Body == nil {
		_, err := e.w.WriteString(v.Str)
		return err
	}
	e.lr.R, e.lr.N = v.Body, size
	n, err := e.w.ReadFrom(&e.lr)
	e.lr.R = nil
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("%w: body ended after %d of %d octets", ErrLiteralSize, n, size)
	}
	return nil
}
