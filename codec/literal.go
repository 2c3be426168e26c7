package codec

import (
	"errors"
	"io"

	"github.com/imapkit/imapkit/wire"
)

// LiteralInfo says where a streamed literal sits.
type LiteralInfo struct {
	// Response is the response being read, filled in as far as the
	// decoder got: Tag, Kind, Name and Num are set; for FETCH, Data is
	// the *wire.FetchData with the items that precede the literal.
	Response *wire.Response
	// Item is the FETCH item the literal belongs to, with its section
	// and origin as sent (e.g. "BODY[1.2]<0>"), or "" outside FETCH.
	Item string
	// Size is the literal's length in octets.
	Size int64
	// Binary reports a literal8 (~{n}, RFC 3516 §4.1).
	Binary bool
}

// Literal is a literal's contents read from the stream as they arrive
// (like textproto's DotReader). It is valid only until the OnLiteral
// callback that received it returns; the decoder then discards whatever
// was left unread.
type Literal struct {
	p         *Parser
	size      int64
	remaining int64
	binary    bool
}

var errLiteralClosed = errors.New("codec: literal used after OnLiteral returned")

// ErrBufferLiteral, returned by an OnLiteral callback that has not read
// from the literal, asks the decoder to buffer the literal into the value
// as it does below StreamThreshold (subject to MaxLiteralSize), e.g.
// because no consumer wants that literal streamed.
var ErrBufferLiteral = errors.New("codec: buffer this literal")

// errBufferInstead tells literal() that OnLiteral declined the literal.
var errBufferInstead = errors.New("codec: literal declined by OnLiteral")

// Size returns the literal's length in octets.
func (l *Literal) Size() int64 { return l.size }

// Binary reports whether the literal is a literal8 (~{n}), which may
// contain NUL octets (RFC 3516 §4.1, RFC 9051 §4.3.1).
func (l *Literal) Binary() bool { return l.binary }

// Read reads up to len(b) octets of the literal. It returns io.EOF at the
// end of the literal, and io.ErrUnexpectedEOF (wrapped in a *LimitError)
// if the stream ends before.
func (l *Literal) Read(b []byte) (int, error) {
	if l.p == nil {
		return 0, errLiteralClosed
	}
	if l.remaining <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > l.remaining {
		b = b[:l.remaining]
	}
	n, err := l.p.br.Read(b)
	l.consumed(n)
	if err != nil {
		if err == io.EOF && l.remaining > 0 {
			err = &LimitError{Offset: l.p.off, Err: io.ErrUnexpectedEOF}
		}
		return n, err
	}
	return n, nil
}

// WriteTo writes the rest of the literal to w straight from the
// decoder's buffer, without another copy; io.Copy uses it.
func (l *Literal) WriteTo(w io.Writer) (int64, error) {
	if l.p == nil {
		return 0, errLiteralClosed
	}
	br := l.p.br
	var total int64
	for l.remaining > 0 {
		if br.Buffered() == 0 {
			if _, err := br.Peek(1); err != nil {
				if err == io.EOF {
					err = &LimitError{Offset: l.p.off, Err: io.ErrUnexpectedEOF}
				}
				return total, err
			}
		}
		n := min(int64(br.Buffered()), l.remaining)
		b, _ := br.Peek(int(n))
		m, err := w.Write(b)
		br.Discard(m)
		l.consumed(m)
		total += int64(m)
		if err != nil {
			return total, err
		}
		if m < len(b) {
			return total, io.ErrShortWrite
		}
	}
	return total, nil
}

func (l *Literal) consumed(n int) {
	l.remaining -= int64(n)
	l.p.off += int64(n)
}

// drain discards the rest of the literal.
func (l *Literal) drain() error {
	for l.remaining > 0 {
		n, err := l.p.br.Discard(int(min(l.remaining, 1<<30)))
		l.consumed(n)
		if err != nil {
			if err == io.EOF {
				err = &LimitError{Offset: l.p.off, Err: io.ErrUnexpectedEOF}
			}
			return err
		}
	}
	return nil
}
