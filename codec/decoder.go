package codec

import (
	"bufio"
	"bytes"
	"io"

	"github.com/imapkit/imapkit/wire"
)

// DecoderOptions configures a [Decoder] or a [CommandDecoder]. The zero
// value (or nil) gives the defaults.
type DecoderOptions struct {
	// Registry holds the parsers for data, response codes and FETCH
	// items; nil means a new registry with the base protocol
	// (NewBaseRegistry).
	Registry *Registry
	// MaxLineLength limits the bytes of one line outside literals;
	// default 1 MiB. Beyond it: ErrLineTooLong.
	MaxLineLength int
	// MaxLiteralSize limits a literal that is read into a value; default
	// 64 MiB. Beyond it: ErrLiteralTooLarge. Streamed literals have no
	// limit.
	MaxLiteralSize int64
	// StreamThreshold: literals larger than this go to OnLiteral when it
	// is set; default 64 KiB. A negative value streams every literal.
	StreamThreshold int64
	// MaxDepth limits the nesting of lists; default 64. Beyond it:
	// ErrTooDeep.
	MaxDepth int
	// MaxListItems limits the members of one list; default 1<<20.
	// Beyond it: ErrTooManyItems.
	MaxListItems int
	// Strict rejects the documented deviations of real servers that the
	// decoder accepts by default (see the package documentation).
	Strict bool
	// UTF8 says that mailbox names are UTF-8 (UTF8=ACCEPT is enabled,
	// RFC 9051 §6.3.1), not modified UTF-7.
	UTF8 bool
	// OnParseError, when set, is called at the end of each response
	// for every parser failure a lenient decoder recovered from (see
	// [ParseError]), after the response is complete and before
	// ReadResponse returns it. It runs on the decoder's goroutine and
	// must not block.
	OnParseError func(resp *wire.Response, err *ParseError)
	// OnLiteral, when set, receives each literal larger than
	// StreamThreshold while the response is being parsed, instead of
	// the literal being buffered. info says where the literal sits; lit
	// is valid until OnLiteral returns, and whatever it leaves unread is
	// discarded. The value (or FETCH section) records the Size and
	// Streamed=true, with no contents. An error from OnLiteral ends the
	// decoding: the decoder returns it and is unusable afterwards.
	OnLiteral func(info *LiteralInfo, lit *Literal) error
}

// Defaults of DecoderOptions.
const (
	DefaultMaxLineLength   = 1 << 20
	DefaultMaxLiteralSize  = 64 << 20
	DefaultStreamThreshold = 64 << 10
	DefaultMaxDepth        = 64
	DefaultMaxListItems    = 1 << 20
)

func (o *DecoderOptions) setDefaults() {
	if o.Registry == nil {
		o.Registry = NewBaseRegistry()
	}
	if o.MaxLineLength <= 0 {
		o.MaxLineLength = DefaultMaxLineLength
	}
	if o.MaxLiteralSize <= 0 {
		o.MaxLiteralSize = DefaultMaxLiteralSize
	}
	if o.StreamThreshold == 0 {
		o.StreamThreshold = DefaultStreamThreshold
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxListItems <= 0 {
		o.MaxListItems = DefaultMaxListItems
	}
}

// bufferSize is the size of the bufio.Reader a decoder puts under a
// reader that is not one already.
const bufferSize = 64 << 10

// Decoder reads server responses (RFC 9051 §7) from a stream, one at a
// time. It is not safe for concurrent use.
type Decoder struct {
	p     Parser
	ownBR bool
	seq   uint64
	err   error
}

// NewDecoder returns a decoder reading from r. It reads through r itself
// when r is a *bufio.Reader (so that the caller can tell what it
// buffered), and through a new 64 KiB bufio.Reader otherwise.
func NewDecoder(r io.Reader, opts *DecoderOptions) *Decoder {
	d := &Decoder{}
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, bufferSize)
		d.ownBR = true
	}
	d.p.init(br, opts)
	return d
}

// Offset returns the number of bytes consumed so far: the offset of the
// next response in the stream.
func (d *Decoder) Offset() int64 { return d.p.off }

// Buffered returns the number of bytes read from the underlying reader
// but not yet consumed (before STARTTLS, it must be 0: anything else was
// injected before the TLS handshake).
func (d *Decoder) Buffered() int { return d.p.br.Buffered() }

// Reset makes the decoder read from r from now on (after STARTTLS or
// COMPRESS), keeping its options, its Seq numbering and its offset
// count, and clearing a previous error.
func (d *Decoder) Reset(r io.Reader) {
	d.ownBR = d.p.reset(r, d.ownBR)
	d.err = nil
}

// Release lets go of the memory the decoder keeps between responses (the
// current chunks that strings and small slices of the next responses are
// carved from, and the buffer of long lines), so that a decoder waiting
// on an idle connection holds none; the next response allocates afresh.
// What earlier responses returned is unaffected.
func (d *Decoder) Release() {
	p := &d.p
	p.arena = nil
	p.strSlab.buf, p.paramSlab.buf, p.addrSlab.buf = nil, nil, nil
	p.long = nil
}

// SetUTF8 switches how mailbox names are read from the next response on:
// as UTF-8 (true, once UTF8=ACCEPT or IMAP4rev2 is enabled, RFC 6855 §3)
// or as modified UTF-7 (false). See DecoderOptions.UTF8.
func (d *Decoder) SetUTF8(on bool) {
	d.p.opt.UTF8 = on
}

// ReadResponse reads the next response. At the end of the stream, on a
// response boundary, it returns io.EOF; a stream that ends inside a
// response gives io.ErrUnexpectedEOF (in a *LimitError). Any error is
// permanent: the stream cannot be resynchronised, and later calls return
// the same error.
func (d *Decoder) ReadResponse() (*wire.Response, error) {
	if d.err != nil {
		return nil, d.err
	}
	resp := &wire.Response{}
	d.p.resetHistory()
	err := d.p.response(resp)
	d.p.resetHistory()
	d.p.resp = nil
	if err == nil && len(d.p.perrs) > 0 {
		if h := d.p.opt.OnParseError; h != nil {
			for _, pe := range d.p.perrs {
				h(resp, pe)
			}
		}
	}
	clear(d.p.perrs)
	d.p.perrs = d.p.perrs[:0]
	if err != nil {
		d.err = err
		return nil, err
	}
	d.seq++
	resp.Seq = d.seq
	return resp, nil
}

// response reads one response (RFC 9051 §9, "response-data",
// "response-done", "continue-req").
func (p *Parser) response(resp *wire.Response) error {
	p.resp = resp
	p.depth = 0
	p.itemStr = ""
	if err := p.readLine(); err != nil {
		return err
	}
	c, ok := p.PeekByte()
	if !ok {
		return p.SyntaxError("response")
	}
	switch c {
	case '+':
		p.pos++
		resp.Kind = wire.ContinueResponse
		resp.Tag = "+"
		if p.AtEnd() {
			// "+" CRLF without SP: seen from servers that send an empty
			// continuation (Cyrus and Courier send "+ " for an empty
			// SASL challenge, which is correct).
			if p.strict {
				return p.SyntaxError("SP")
			}
			return nil
		}
		if err := p.Expect(' '); err != nil {
			return err
		}
		return p.respText(resp, true)
	case '*':
		p.pos++
		resp.Tag = "*"
		if err := p.spaces(); err != nil {
			return err
		}
		return p.untagged(resp)
	}
	tag, err := p.readClass(cTag, "tag")
	if err != nil {
		return err
	}
	resp.Tag = p.str(tag)
	resp.Kind = wire.DoneResponse
	if err := p.spaces(); err != nil {
		return err
	}
	start := p.pos
	name, err := p.readName(cAtom, '[')
	if err != nil {
		return err
	}
	st := statusOf(name)
	if st == wire.StatusNone || st == wire.StatusPreauth || st == wire.StatusBye {
		return p.errAt(start, "OK, NO or BAD")
	}
	resp.Status = st
	return p.respText(resp, false)
}

// spaces reads SP, and leniently more spaces.
func (p *Parser) spaces() error {
	if err := p.Expect(' '); err != nil {
		return err
	}
	if !p.strict {
		for p.Consume(' ') {
		}
	}
	return nil
}

func statusOf(name []byte) wire.Status {
	switch string(name) {
	case "OK":
		return wire.StatusOK
	case "NO":
		return wire.StatusNo
	case "BAD":
		return wire.StatusBad
	case "PREAUTH":
		return wire.StatusPreauth
	case "BYE":
		return wire.StatusBye
	}
	return wire.StatusNone
}

func (p *Parser) untagged(resp *wire.Response) error {
	if c, _ := p.PeekByte(); '0' <= c && c <= '9' {
		n, err := p.ReadNumber()
		if err != nil {
			return err
		}
		resp.Num, resp.HasNum = n, true
		if err := p.spaces(); err != nil {
			return err
		}
	}
	name, err := p.readName(cAtom, '[')
	if err != nil {
		return err
	}
	if !resp.HasNum {
		if st := statusOf(name); st != wire.StatusNone {
			resp.Kind = wire.StatusResponse
			resp.Status = st
			return p.respText(resp, false)
		}
	}
	resp.Kind = wire.DataResponse
	entry, ok := p.reg.data[string(name)]
	if ok {
		resp.Name = entry.name
	} else {
		resp.Name = p.intern(name)
	}
	if !p.AtEnd() {
		if err := p.spaces(); err != nil {
			return err
		}
		if p.AtEnd() && p.strict {
			return p.SyntaxError("data")
		}
	}
	if ok {
		mark, gen := p.pos, p.lineGen
		data, err := entry.parse(p, resp)
		if err != nil {
			// One policy for every registered parser: a lenient decoder
			// keeps what the parser could not read as a generic tree and
			// records why; a strict one fails the response.
			if !p.canRecover(err, gen) {
				return err
			}
			p.seek(gen, mark)
			vals, gerr := p.values(false)
			if gerr != nil {
				return err
			}
			resp.Data = nil
			if vals != nil {
				resp.Data = vals
			}
			resp.ParseErr = p.recovered("data", resp.Name, err)
		} else {
			resp.Data = data
		}
	} else {
		vals, err := p.values(false)
		if err != nil {
			return err
		}
		if vals != nil {
			resp.Data = vals
		}
	}
	p.skipTrailingSpace()
	if !p.AtEnd() {
		return p.SyntaxError("CRLF")
	}
	return nil
}

// respText reads resp-text (RFC 9051 §9): ["[" resp-text-code "]" SP]
// [text], after the SP that follows the status. In a continuation
// request (cont), a text that starts with "[" but is no response code is
// kept as text.
func (p *Parser) respText(resp *wire.Response, cont bool) error {
	if !cont {
		if p.AtEnd() {
			// "* OK" CRLF and "A1 OK" CRLF without SP and text: IMAP4rev1
			// requires text; some servers omit it (none of the tested
			// three does).
			if p.strict {
				return p.SyntaxError("SP")
			}
			return nil
		}
		// One SP: any more spaces belong to the text.
		if err := p.Expect(' '); err != nil {
			return err
		}
	}
	if c, _ := p.PeekByte(); c == '[' {
		start, gen := p.pos, p.lineGen
		code, err, hard := p.respCode()
		switch {
		case err != nil && (hard || p.lineGen != gen || isLimit(err)):
			return err
		case err != nil:
			// Not a response code: "[" is just the first character of
			// the text (text = 1*TEXT-CHAR matches it).
			p.pos = start
		case p.AtEnd():
			// "[READ-ONLY]" CRLF without SP: IMAP4rev2 requires the SP;
			// servers commonly omit it when there is no text.
			if p.strict {
				return p.SyntaxError("SP")
			}
			resp.Code = code
			return nil
		case p.line[p.pos] == ' ':
			p.pos++
			resp.Code = code
		default:
			// "[Gmail]/Spam ..." : no SP after "]", so no response code;
			// the whole is text.
			p.pos = start
		}
	}
	text, err := p.ReadText()
	resp.Text = text
	return err
}

// respCode reads "[" resp-text-code "]". hard reports an error that
// must fail the response even though what follows "[" might be text: a
// registered code parser that failed in strict mode.
func (p *Parser) respCode() (code *wire.Code, err error, hard bool) {
	p.pos++ // "["
	name, err := p.readName(cAtom, 0)
	if err != nil {
		return nil, err, false
	}
	code = &wire.Code{}
	entry, ok := p.reg.codes[string(name)]
	if ok {
		code.Name = entry.name
	} else {
		code.Name = p.intern(name)
	}
	if c, _ := p.PeekByte(); c != ']' {
		if err := p.Expect(' '); err != nil {
			return nil, err, false
		}
	}
	var perr error // the registered parser's failure
	if ok {
		mark, gen := p.pos, p.lineGen
		data, err := entry.parse(p, code.Name)
		if err == nil && p.Consume(']') {
			code.Data = data
			return code, nil, false
		}
		if err == nil {
			err = p.SyntaxError(`"]"`)
		}
		if p.lineGen != gen || isLimit(err) {
			return nil, err, false
		}
		// Unlike data and FETCH items, this holds in strict mode too:
		// resp-text-code ends with the alternative atom [SP 1*<any
		// TEXT-CHAR except "]">] (RFC 9051 §9), which every code's
		// arguments may take, so [UIDNEXT soon] is valid IMAP.
		perr = err
		p.pos = mark
	}
	defer func() {
		if perr != nil && code != nil {
			code.ParseErr = p.recovered("code", code.Name, perr)
		}
	}()
	if p.Consume(']') {
		return code, nil, false
	}
	mark, gen := p.pos, p.lineGen
	vals, err := p.values(true)
	if err == nil && p.Consume(']') {
		code.Args = vals
		return code, nil, false
	}
	if p.lineGen != gen || isLimit(err) {
		if err == nil {
			err = p.SyntaxError(`"]"`)
		}
		return nil, err, false
	}
	// The generic form: atom SP 1*<any TEXT-CHAR except "]">, as one atom.
	p.pos = mark
	i := bytes.IndexByte(p.line[mark:], ']')
	if i <= 0 {
		return nil, p.errAt(len(p.line), `"]"`), false
	}
	text := p.line[mark : mark+i]
	for j, c := range text {
		if c == 0 || c == '\r' || (c >= 0x80 && p.strict) {
			return nil, p.errAt(mark+j, "TEXT-CHAR"), false
		}
	}
	code.Args = []wire.Value{{Kind: wire.KindAtom, Str: p.str(text)}}
	p.pos = mark + i + 1
	return code, nil, false
}

// isLimit reports whether err is a limit or read error, which no
// fallback to another syntax may hide.
func isLimit(err error) bool {
	_, ok := err.(*LimitError)
	return ok
}
