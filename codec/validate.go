package codec

import (
	"errors"
	"io"
	"sync"

	"github.com/imapkit/imapkit/wire"
)

// A ValidatingDecoder decodes responses as a [Decoder] does and also
// checks each one with the parsers of a second registry (typically the
// base protocol's), failing where they fail: a tool that prints generic
// trees (an empty registry) uses it so that a malformed FETCH or LIST is
// an error, not an odd tree. A parser failure that a lenient decoder
// would recover from counts as a failure here, except a response
// code's, whose generic form is valid IMAP (see [ParseError]).
//
// The check runs apart from the decoder the caller reads: a second
// decoder reads the same bytes through a pipe, on a goroutine of its
// own, so that memory does not grow with the input (streamed literals
// are discarded by the checker) and the decoder itself carries nothing
// for it. [ValidatingDecoder.Close] ends that goroutine.
type ValidatingDecoder struct {
	dec *Decoder
	pw  *io.PipeWriter
	n   int // responses returned so far

	done chan struct{}
	mu   sync.Mutex
	cond *sync.Cond
	// verdicts on the responses from base on, one per response, as the
	// checker produced them.
	base     int
	verdicts []error
	ended    bool
	closed   bool
}

// NewValidatingDecoder returns a decoder reading from r with opts (as
// NewDecoder) whose responses are also checked with the parsers of
// check, with opts' Strict and UTF8 settings.
func NewValidatingDecoder(r io.Reader, opts *DecoderOptions, check *Registry) *ValidatingDecoder {
	pr, pw := io.Pipe()
	v := &ValidatingDecoder{pw: pw, done: make(chan struct{})}
	v.cond = sync.NewCond(&v.mu)
	var o DecoderOptions
	if opts != nil {
		o = *opts
	}
	copts := DecoderOptions{
		Registry:        check,
		MaxLineLength:   o.MaxLineLength,
		MaxLiteralSize:  o.MaxLiteralSize,
		StreamThreshold: o.StreamThreshold,
		MaxDepth:        o.MaxDepth,
		MaxListItems:    o.MaxListItems,
		Strict:          o.Strict,
		UTF8:            o.UTF8,
		// Streamed literals are discarded: the checker needs only their
		// framing.
		OnLiteral: func(*LiteralInfo, *Literal) error { return nil },
	}
	if o.OnLiteral == nil {
		copts.OnLiteral = nil
	}
	go v.check(pr, &copts)
	v.dec = NewDecoder(io.TeeReader(r, pw), opts)
	return v
}

// check decodes the copy of the stream and records a verdict per
// response.
func (v *ValidatingDecoder) check(pr *io.PipeReader, opts *DecoderOptions) {
	defer close(v.done)
	d := NewDecoder(pr, opts)
	for {
		resp, err := d.ReadResponse()
		if err == io.EOF {
			break
		}
		if err == nil {
			err = recoveredError(resp)
		}
		v.mu.Lock()
		v.verdicts = append(v.verdicts, err)
		v.cond.Broadcast()
		v.mu.Unlock()
		if err != nil {
			break
		}
	}
	// Keep reading, so that the caller's decoder never waits on the pipe.
	io.Copy(io.Discard, pr)
	v.mu.Lock()
	v.ended = true
	v.cond.Broadcast()
	v.mu.Unlock()
}

// recoveredError returns the error of a parser that a lenient decoder
// recovered from on resp (its data, an item of it, or a FETCH item; not
// a response code), or nil.
func recoveredError(resp *wire.Response) error {
	pe := resp.ParseErr
	if fd, ok := resp.Data.(*wire.FetchData); ok && pe == nil {
		for _, it := range fd.Items {
			if it.ParseErr != nil {
				pe = it.ParseErr
				break
			}
		}
	}
	var perr *ParseError
	if errors.As(pe, &perr) {
		return perr.Err
	}
	return pe
}

// ReadResponse reads the next response, as Decoder.ReadResponse does,
// and returns the checker's error instead when the check fails. The
// check of a response is complete when the decoder has read it: io.Pipe
// hands every byte over before the read that delivered it returns.
func (v *ValidatingDecoder) ReadResponse() (*wire.Response, error) {
	resp, err := v.dec.ReadResponse()
	if err != nil {
		return nil, err
	}
	n := v.n
	v.n++
	v.mu.Lock()
	defer v.mu.Unlock()
	for n-v.base >= len(v.verdicts) && !v.ended {
		v.cond.Wait()
	}
	if n-v.base >= len(v.verdicts) {
		return resp, nil // the checker stopped at an error reported before
	}
	verr := v.verdicts[n-v.base]
	v.verdicts = v.verdicts[n-v.base+1:]
	v.base = n + 1
	if verr != nil {
		return nil, verr
	}
	return resp, nil
}

// Offset returns the number of bytes consumed so far.
func (v *ValidatingDecoder) Offset() int64 { return v.dec.Offset() }

// Buffered returns the number of bytes read but not yet consumed.
func (v *ValidatingDecoder) Buffered() int { return v.dec.Buffered() }

// Close ends the checker's goroutine and waits for it. It does not close
// the underlying reader.
func (v *ValidatingDecoder) Close() error {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return nil
	}
	v.closed = true
	v.mu.Unlock()
	v.pw.Close()
	<-v.done
	return nil
}
