// Package logproxy is an example IMAP proxy built on the imapkit codec
// (see docs/EXTENDING.md): it decodes every command and every response
// with a registry that holds the extensions it knows, logs them,
// re-encodes them, and forwards the re-encoding when it is byte for
// byte what was read (the raw bytes otherwise, counted as a mismatch).
package logproxy

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"

	"github.com/imapkit/imapkit/codec"
)

// Proxy relays one connection.
type Proxy struct {
	// Registry decodes and encodes both directions; it must hold the
	// parsers and encoders of every extension the session uses.
	Registry *codec.Registry
	// Log receives one line per command and response ("C: ", "S: ").
	Log io.Writer

	mu         sync.Mutex
	mismatches atomic.Int64
	Relayed    atomic.Int64
}

// Mismatches returns how many commands and responses did not re-encode
// to the bytes read.
func (p *Proxy) Mismatches() int64 { return p.mismatches.Load() }

// recorder keeps what was read since the last cut.
type recorder struct {
	r   io.Reader
	buf []byte
}

func (r *recorder) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.buf = append(r.buf, b[:n]...)
	return n, err
}

// cut returns the bytes up to consumed (bytes read minus those still
// buffered by the decoder) and forgets them.
func (r *recorder) cut(buffered int) []byte {
	n := len(r.buf) - buffered
	out := bytes.Clone(r.buf[:n])
	r.buf = append(r.buf[:0], r.buf[n:]...)
	return out
}

// Serve relays between the client conn and the upstream server until
// either side ends; it closes both.
func (p *Proxy) Serve(client, upstream net.Conn) error {
	defer client.Close()
	defer upstream.Close()
	errc := make(chan error, 2)
	go func() { errc <- p.responses(upstream, client); client.Close() }()
	go func() { errc <- p.commands(client, upstream); upstream.Close() }()
	err := <-errc
	<-errc
	return err
}

func (p *Proxy) logf(format string, a ...any) {
	if p.Log == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.Log, format, a...)
}

func (p *Proxy) responses(from, to net.Conn) error {
	rec := &recorder{r: from}
	dec := codec.NewDecoder(rec, &codec.DecoderOptions{Registry: p.Registry})
	for {
		resp, err := dec.ReadResponse()
		if err != nil {
			return err
		}
		raw := rec.cut(dec.Buffered())
		var out bytes.Buffer
		enc := codec.NewResponseEncoder(&out, &codec.ResponseEncoderOptions{Registry: p.Registry})
		if err := enc.WriteResponse(resp); err == nil && bytes.Equal(out.Bytes(), raw) {
			raw = out.Bytes()
		} else {
			p.mismatches.Add(1)
			p.logf("S! re-encoding differs (%v): %q vs %q\n", err, out.Bytes(), raw)
		}
		p.logf("S: %s", raw)
		p.Relayed.Add(1)
		if _, err := to.Write(raw); err != nil {
			return err
		}
	}
}

func (p *Proxy) commands(from, to net.Conn) error {
	rec := &recorder{r: from}
	dec := codec.NewCommandDecoder(rec, nil)
	var sent []byte // what went out of the current command already (before a synchronizing literal)
	for {
		sent = sent[:0]
		cmd, err := dec.ReadCommand(func(size int64) error {
			// The server must see the command up to the literal's
			// header to send its "+"; forward it now.
			part := rec.cut(dec.Buffered())
			sent = append(sent, part...)
			_, err := to.Write(part)
			return err
		})
		if err != nil {
			return err
		}
		rest := rec.cut(dec.Buffered())
		raw := append(bytes.Clone(sent), rest...)
		var out bytes.Buffer
		enc := codec.NewEncoder(&out, &codec.EncoderOptions{LiteralPlus: true, Binary: true, UTF8: true})
		if err := enc.WriteCommand(cmd, func() error { return nil }); err != nil || !bytes.Equal(out.Bytes(), raw) {
			p.mismatches.Add(1)
			p.logf("C! re-encoding differs (%v): %q vs %q\n", err, out.Bytes(), raw)
		} else if len(sent) == 0 {
			rest = out.Bytes()
		}
		p.logf("C: %s", raw)
		p.Relayed.Add(1)
		if _, err := to.Write(rest); err != nil {
			return err
		}
	}
}
