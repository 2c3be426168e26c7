package codec

import (
	"io"
	"math"
)

// This file reads literals (RFC 9051 §4.3): their header, buffered
// contents that grow as the octets arrive, and streaming to OnLiteral.

// literal8Next reports whether a literal8 ("~{") comes next.
func (p *Parser) literal8Next() bool {
	return p.pos+1 < len(p.line) && p.line[p.pos] == '~' && p.line[p.pos+1] == '{'
}

// literalNext reports whether a literal or literal8 comes next.
func (p *Parser) literalNext() bool {
	c, _ := p.PeekByte()
	return c == '{' || p.literal8Next()
}

// literalHeader reads "{" number64 "}" (or "~{...}" for a literal8, or
// "{n+}" in commands) at the end of the line and returns the size.
func (p *Parser) literalHeader() (size int64, binary, sync bool, err error) {
	if p.Consume('~') {
		binary = true
	}
	if err := p.Expect('{'); err != nil {
		return 0, false, false, err
	}
	n, err := p.readDigits(math.MaxInt64, "number64")
	if err != nil {
		return 0, false, false, err
	}
	sync = true
	if p.Consume('+') {
		// Non-synchronizing literals are for commands (RFC 7888); RFC 9051
		// §9 forbids them from the server. Leniently a server's {n+} is
		// read as {n} (seen from production servers).
		if !p.cmd && p.strict {
			return 0, false, false, p.errAt(p.pos-1, `"}"`)
		}
		sync = !p.cmd
	}
	if err := p.Expect('}'); err != nil {
		return 0, false, false, err
	}
	if !p.AtEnd() {
		return 0, false, false, p.SyntaxError("CRLF after literal size")
	}
	return int64(n), binary, sync, nil
}

// literal reads the literal that starts at the current position. When
// the decoder streams it (OnLiteral is set and the literal is larger than
// StreamThreshold), data is nil and streamed is true. Otherwise the
// contents are read into a new slice that grows as the octets arrive, so
// that a literal claiming more than the stream holds never allocates
// what it claims. The line after the literal is read before it returns.
func (p *Parser) literal() (data []byte, size int64, binary, streamed bool, err error) {
	size, binary, sync, err := p.literalHeader()
	if err != nil {
		return nil, 0, false, false, err
	}
	if p.hist.replaying {
		data = p.replayLiteral()
		return data, int64(len(data)), binary, false, nil
	}
	p.rememberLine()
	// From here on the stream moves: a failure cannot be parsed again
	// from the current line (see canRecover).
	defer func() {
		if err != nil {
			p.lineGen++
		}
	}()
	if p.cmd && sync {
		if err := p.syncLiteral(size); err != nil {
			return nil, 0, false, false, err
		}
	}
	if p.opt.OnLiteral != nil && size > p.opt.StreamThreshold {
		switch err := p.streamLiteral(size, binary); err {
		case nil:
			streamed = true
		case errBufferInstead:
		default:
			return nil, 0, false, false, err
		}
	}
	if !streamed {
		if size > p.opt.MaxLiteralSize {
			return nil, 0, false, false, p.limitErr(ErrLiteralTooLarge)
		}
		if data, err = p.readLiteralData(size); err != nil {
			return nil, 0, false, false, err
		}
	}
	p.rememberLiteral(data, streamed)
	if err := p.readLine(); err != nil {
		if err == io.EOF {
			err = &LimitError{Offset: p.off, Err: io.ErrUnexpectedEOF}
		}
		return nil, 0, false, false, err
	}
	return data, size, binary, streamed, nil
}

// literalChunk is the most a buffered literal allocates before its
// octets have arrived; beyond it the buffer doubles as they arrive. A
// literal that claims more than the stream holds thus costs at most
// twice what arrived, or literalChunk. (The claim ends the connection
// when it fails, so the waste happens once per connection.)
const literalChunk = 256 << 10

func (p *Parser) readLiteralData(size int64) ([]byte, error) {
	if size == 0 {
		return []byte{}, nil
	}
	n := size
	if n > literalChunk {
		n = max(literalChunk, min(size, int64(p.br.Buffered())))
	}
	buf := make([]byte, n)
	read := 0
	for {
		k, err := io.ReadFull(p.br, buf[read:])
		read += k
		p.off += int64(k)
		if err != nil {
			return nil, &LimitError{Offset: p.off, Err: io.ErrUnexpectedEOF}
		}
		if int64(read) == size {
			return buf, nil
		}
		// Grow as octets arrive.
		next := min(int64(2*len(buf)), size)
		buf = append(buf, make([]byte, int(next)-len(buf))...)
	}
}

func (p *Parser) streamLiteral(size int64, binary bool) error {
	p.lit = Literal{p: p, size: size, remaining: size, binary: binary}
	info := &LiteralInfo{Response: p.resp, Item: p.currentItem(), Size: size, Binary: binary}
	err := p.opt.OnLiteral(info, &p.lit)
	switch {
	case err == nil:
		err = p.lit.drain()
	case err == ErrBufferLiteral && p.lit.remaining == size:
		err = errBufferInstead
	}
	p.lit.p = nil // no use after OnLiteral returned
	return err
}
