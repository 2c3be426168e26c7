package codec

import (
	"bufio"
	"io"

	"github.com/imapkit/imapkit/wire"
)

// CommandDecoder reads client commands (RFC 9051 §6), for proxies and
// test servers. It shares the tokenizer of [Decoder]; arguments are
// generic value trees. It is not safe for concurrent use.
type CommandDecoder struct {
	p     Parser
	ownBR bool
	err   error
}

// NewCommandDecoder returns a command decoder reading from r (itself if
// it is a *bufio.Reader). opts.Registry is not used.
func NewCommandDecoder(r io.Reader, opts *DecoderOptions) *CommandDecoder {
	d := &CommandDecoder{}
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, bufferSize)
		d.ownBR = true
	}
	o := DecoderOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Registry == nil {
		o.Registry = NewRegistry()
	}
	d.p.init(br, &o)
	d.p.cmd = true
	return d
}

// Offset returns the number of bytes consumed so far.
func (d *CommandDecoder) Offset() int64 { return d.p.off }

// Buffered returns the number of bytes read from the underlying reader
// but not yet consumed.
func (d *CommandDecoder) Buffered() int { return d.p.br.Buffered() }

// Reset makes the decoder read from r from now on (after STARTTLS or
// COMPRESS), keeping its options and offset count and clearing a
// previous error.
func (d *CommandDecoder) Reset(r io.Reader) {
	d.ownBR = d.p.reset(r, d.ownBR)
	d.err = nil
}

// ReadCommand reads the next command: tag SP name [SP arguments] CRLF
// (RFC 9051 §9, "command"). "UID" and the command after it make one
// name, "UID FETCH". Names are upper-cased.
//
// Before the octets of each synchronizing literal ({n}, not {n+} of
// RFC 7888), it calls onSyncLiteral with the literal's size; a server
// sends its "+" continuation request there, or returns an error (after
// sending NO or BAD) to abandon the command, which ReadCommand then
// returns. A nil onSyncLiteral accepts every literal without a call.
//
// At the end of the stream on a command boundary it returns io.EOF. After
// a *SyntaxError the rest of the offending line is skipped, so that a
// server can answer BAD (RFC 9051 §7.1.3) and read the next command;
// other errors (limits, a broken stream, onSyncLiteral's) are permanent.
func (d *CommandDecoder) ReadCommand(onSyncLiteral func(size int64) error) (*wire.Command, error) {
	if d.err != nil {
		return nil, d.err
	}
	d.p.onSyncLiteral = onSyncLiteral
	cmd, err := d.p.command()
	d.p.onSyncLiteral = nil
	if err != nil {
		if _, ok := err.(*SyntaxError); !ok {
			d.err = err
		}
		return nil, err
	}
	return cmd, nil
}

// ReadLine reads one line as it is, without its CRLF: a client's answer
// to an AUTHENTICATE challenge (RFC 9051 §6.2.2) or the DONE that ends
// IDLE (RFC 9051 §6.3.13).
func (d *CommandDecoder) ReadLine() (string, error) {
	if d.err != nil {
		return "", d.err
	}
	if err := d.p.readLine(); err != nil {
		if err == io.EOF {
			return "", err
		}
		d.err = err
		return "", err
	}
	return string(d.p.line), nil
}

func (p *Parser) command() (*wire.Command, error) {
	p.resp = nil
	p.depth = 0
	p.itemStr = ""
	if err := p.readLine(); err != nil {
		return nil, err
	}
	cmd := &wire.Command{}
	tag, err := p.readClass(cTag, "tag")
	if err != nil {
		return nil, err
	}
	cmd.Tag = p.str(tag)
	if err := p.spaces(); err != nil {
		return nil, err
	}
	name, err := p.readName(cAtom, 0)
	if err != nil {
		return nil, err
	}
	if string(name) == "UID" && p.pos+1 < len(p.line) && p.line[p.pos] == ' ' {
		p.pos++
		sub, err := p.readName(cAtom, 0)
		if err != nil {
			return nil, err
		}
		cmd.Name = "UID " + string(sub)
	} else {
		cmd.Name = p.intern(name)
	}
	if !p.AtEnd() {
		if err := p.spaces(); err != nil {
			return nil, err
		}
		if cmd.Args, err = p.values(false); err != nil {
			return nil, err
		}
	}
	p.skipTrailingSpace()
	if !p.AtEnd() {
		return nil, p.SyntaxError("CRLF")
	}
	return cmd, nil
}

// syncLiteral runs the command decoder's callback before the octets of
// a synchronizing literal, where a server sends its continuation request
// (RFC 9051 §7.6).
func (p *Parser) syncLiteral(size int64) error {
	if p.onSyncLiteral == nil {
		return nil
	}
	return p.onSyncLiteral(size)
}
