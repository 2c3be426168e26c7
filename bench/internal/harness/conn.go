package harness

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// countConn counts the bytes that cross the socket: what "bytes on the
// wire" means in the report (below COMPRESS, above TCP).
type countConn struct {
	net.Conn
	in, out atomic.Int64
}

func (c *countConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Add(int64(n))
	return n, err
}

func (c *countConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.Add(int64(n))
	return n, err
}

// dialer dials TCP and keeps the counting wrapper of the last connection.
type dialer struct {
	hideLiteralPlus bool
	last            *countConn
}

func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var nd net.Dialer
	nc, err := nd.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	cc := &countConn{Conn: nc}
	d.last = cc
	if d.hideLiteralPlus {
		return newCapFilter(cc), nil
	}
	return cc, nil
}

// capFilter hides LITERAL+ from a client (it becomes XLITERAL, an unknown
// capability of the same length), so that the APPEND cases can measure
// synchronizing literals with clients that use LITERAL+ whenever the server
// offers it. It hands the client one line per Read so that the name is
// never split across two reads; it is only used where the server sends
// short lines (APPEND responses).
type capFilter struct {
	net.Conn
	br      *bufio.Reader
	pending []byte
}

func newCapFilter(c net.Conn) *capFilter {
	return &capFilter{Conn: c, br: bufio.NewReader(c)}
}

var (
	literalPlus = []byte("LITERAL+")
	xliteral    = []byte("XLITERAL")
)

func (f *capFilter) Read(p []byte) (int, error) {
	if len(f.pending) == 0 {
		line, err := f.br.ReadSlice('\n')
		if len(line) == 0 {
			return 0, err
		}
		f.pending = bytes.ReplaceAll(line, literalPlus, xliteral)
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

// delayProxy forwards 127.0.0.1 connections to target, delaying every
// chunk by delay in each direction (not serializing them: bandwidth is
// kept, only latency is added), like a link with delay of one-way latency.
type delayProxy struct {
	ln     net.Listener
	target string
	delay  time.Duration
	wg     sync.WaitGroup
}

func startDelayProxy(target string, delay time.Duration) (*delayProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &delayProxy{ln: ln, target: target, delay: delay}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

func (p *delayProxy) Addr() string { return p.ln.Addr().String() }

func (p *delayProxy) Close() error {
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *delayProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		go func() {
			var wg sync.WaitGroup
			wg.Add(2)
			go func() { defer wg.Done(); p.pump(s, c) }()
			go func() { defer wg.Done(); p.pump(c, s) }()
			wg.Wait()
			c.Close()
			s.Close()
		}()
	}
}

// pump copies src to dst, each chunk delay after it was read.
func (p *delayProxy) pump(dst, src net.Conn) {
	type chunk struct {
		b  []byte
		at time.Time
	}
	ch := make(chan chunk, 4096)
	go func() {
		defer close(ch)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				ch <- chunk{buf[:n], time.Now().Add(p.delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range ch {
		if d := time.Until(c.at); d > 0 {
			time.Sleep(d)
		}
		if _, err := dst.Write(c.b); err != nil {
			for range ch {
			}
			return
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	} else {
		io.Copy(io.Discard, src)
	}
}
