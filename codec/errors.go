package codec

import (
	"errors"
	"strconv"
	"strings"
)

// Limit errors. A decoder that returns one of them (wrapped in a
// [*LimitError] that says where) is unusable afterwards: the rest of the
// stream cannot be framed.
var (
	// ErrLineTooLong: a line outside literals is longer than
	// DecoderOptions.MaxLineLength.
	ErrLineTooLong = errors.New("codec: line too long")
	// ErrLiteralTooLarge: a literal to be buffered is larger than
	// DecoderOptions.MaxLiteralSize.
	ErrLiteralTooLarge = errors.New("codec: literal too large")
	// ErrTooDeep: lists are nested deeper than DecoderOptions.MaxDepth.
	ErrTooDeep = errors.New("codec: nesting too deep")
	// ErrTooManyItems: a list has more members than
	// DecoderOptions.MaxListItems.
	ErrTooManyItems = errors.New("codec: too many list items")
)

// SyntaxError reports input that is not IMAP syntax (or, in strict mode,
// a documented server deviation). The stream cannot be resynchronised
// after it: the connection is unusable.
type SyntaxError struct {
	// Offset is the byte offset in the stream of the first unexpected
	// byte, counted from the start of the stream (or the last Reset).
	Offset int64
	// Expected names what the grammar wanted there, e.g. "SP" or
	// "nz-number".
	Expected string
	// Near is a short excerpt of the line around Offset.
	Near []byte
}

// Error returns a message such as
//
//	codec: expected SP at offset 41 near "* 3 FETC"
func (e *SyntaxError) Error() string {
	b := make([]byte, 0, 48+len(e.Expected)+2*len(e.Near))
	b = append(b, "codec: expected "...)
	b = append(b, e.Expected...)
	b = append(b, " at offset "...)
	b = strconv.AppendInt(b, e.Offset, 10)
	b = append(b, " near "...)
	b = strconv.AppendQuote(b, string(e.Near))
	return string(b)
}

// LimitError reports a limit that the input exceeded, or a stream that
// ended in the middle of a response (Err is then io.ErrUnexpectedEOF),
// or a failure of the underlying reader. Use errors.Is with
// ErrLineTooLong, ErrLiteralTooLarge, ErrTooDeep, ErrTooManyItems or
// io.ErrUnexpectedEOF.
type LimitError struct {
	// Offset is the stream offset where the problem was detected.
	Offset int64
	Err    error
}

// Error returns a message such as
//
//	codec: line too long at offset 1048600
func (e *LimitError) Error() string {
	return "codec: " + strings.TrimPrefix(e.Err.Error(), "codec: ") + " at offset " + strconv.FormatInt(e.Offset, 10)
}

// Unwrap returns the underlying error.
func (e *LimitError) Unwrap() error { return e.Err }

// nearBytes is how much of the line an error excerpt shows on each side
// of the offending byte.
const nearBytes = 16

// ParseError is the failure of a registered parser (of data, a response
// code, a FETCH item, or an item inside STATUS, ESEARCH or
// LIST-EXTENDED) that a lenient decoder recovered from by keeping the
// value as a generic tree. It is recorded on what it concerns
// (Response.ParseErr, Code.ParseErr, FetchItem.ParseErr) and passed to
// DecoderOptions.OnParseError. A strict decoder fails the response with
// Err instead.
type ParseError struct {
	// What is "data", "code", "FETCH item", "STATUS item", "ESEARCH
	// item" or "LIST item".
	What string
	// Name is the upper-cased name of the data, code or item.
	Name string
	// Err is the parser's error, typically a *SyntaxError.
	Err error
}

// Error returns a message such as
//
//	codec: FETCH item X-GM-LABELS kept as a generic value: expected ")" at offset 40 near "..."
func (e *ParseError) Error() string {
	msg := strings.TrimPrefix(e.Err.Error(), "codec: ")
	return "codec: " + e.What + " " + e.Name + " kept as a generic value: " + msg
}

// Unwrap returns Err.
func (e *ParseError) Unwrap() error { return e.Err }
