package main

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/imapkit/imapkit/client"
)

// applyPolicy sets the connection policy of the flags on opts: the
// inactivity timeout (-timeout) and the connect deadline
// (-connect-timeout).
//
// Interim adapter until client.Options.InactivityTimeout, ConnectTimeout
// and RequireTLS reach main: the inactivity timeout is a deadline on the
// socket, armed when the client writes and pushed back by every byte the
// server sends, so a server that goes silent for D while the client
// waits ends the connection with an error naming the host. Unlike the
// client's own timeout it also counts the silence after the last reply,
// so commands that wait on purpose (idle, watch) pass 0.
func (f *connFlags) applyPolicy(opts *client.Options, host string, inactivity time.Duration) {
	if inactivity <= 0 {
		return
	}
	base := opts.Dialer
	opts.Dialer = dialerFunc(func(ctx context.Context, network, addr string) (net.Conn, error) {
		var nc net.Conn
		var err error
		if base != nil {
			nc, err = base.DialContext(ctx, network, addr)
		} else {
			var d net.Dialer
			nc, err = d.DialContext(ctx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		return &silenceConn{Conn: nc, d: inactivity, host: host}, nil
	})
}

type dialerFunc func(ctx context.Context, network, addr string) (net.Conn, error)

func (f dialerFunc) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return f(ctx, network, addr)
}

// silenceConn ends reads after d without a byte from the server, once
// the client has written something.
type silenceConn struct {
	net.Conn
	d     time.Duration
	host  string
	mu    sync.Mutex
	armed bool
}

func (c *silenceConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if !c.armed {
		c.armed = true
		c.Conn.SetReadDeadline(time.Now().Add(c.d))
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *silenceConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if c.armed {
			c.Conn.SetReadDeadline(time.Now().Add(c.d))
		}
		c.mu.Unlock()
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return n, fmt.Errorf("no data from %s for %s (-timeout): %w", c.host, c.d, err)
	}
	return n, err
}
