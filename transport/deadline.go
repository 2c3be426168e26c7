package transport

import (
	"context"
	"net"
	"sync"
	"time"
)

// aLongTimeAgo is a deadline in the past: it makes pending and later I/O
// fail at once.
var aLongTimeAgo = time.Unix(1, 0)

// WatchContext makes conn's pending and later reads and writes fail, as
// with an expired deadline, as soon as ctx is done: it sets conn's deadline
// to a time in the past. Call stop when the operation ctx governs is over.
//
// stop returns nil if ctx was not done before stop; the watch then has not
// touched conn and never will. Otherwise it waits until the deadline is set,
// and returns context.Cause(ctx): the caller reports that rather than the
// deadline error, and must reset the deadline (conn.SetDeadline(time.Time{}))
// before it uses conn again, if it does. stop may be called more than once.
//
//	stop := transport.WatchContext(ctx, conn)
//	n, err := conn.Read(buf)
//	if cerr := stop(); cerr != nil {
//		err = cerr
//	}
func WatchContext(ctx context.Context, conn net.Conn) (stop func() error) {
	done := make(chan struct{})
	stopWatch := context.AfterFunc(ctx, func() {
		conn.SetDeadline(aLongTimeAgo)
		close(done)
	})
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() {
			if stopWatch() {
				return // ctx was not done: conn untouched
			}
			<-done
			err = context.Cause(ctx)
		})
		return err
	}
}

// WithTimeouts returns conn with a deadline for each operation: every Read
// must complete within read, every Write within write, from when it is
// called; zero means no limit for that direction. A deadline set on the
// returned connection still applies, whichever comes first, so
// [WatchContext] works on it. On a timeout, conn's error is returned (its
// Timeout() reports true; it wraps os.ErrDeadlineExceeded for a TCP or TLS
// connection).
//
// The returned connection adds no allocation to Read and Write.
func WithTimeouts(conn net.Conn, read, write time.Duration) net.Conn {
	return &timeoutConn{Conn: conn, read: read, write: write}
}

type timeoutConn struct {
	net.Conn
	read, write time.Duration

	mu       sync.Mutex // serializes setting conn's deadlines
	rdl, wdl time.Time  // set by SetDeadline, SetReadDeadline, SetWriteDeadline
	rop, wop time.Time  // deadline of the Read, Write in progress, if any
}

func (c *timeoutConn) Read(p []byte) (int, error) {
	if c.read <= 0 {
		return c.Conn.Read(p)
	}
	c.mu.Lock()
	c.rop = time.Now().Add(c.read)
	err := c.Conn.SetReadDeadline(earliest(c.rdl, c.rop))
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.rop = time.Time{}
	c.mu.Unlock()
	return n, err
}

func (c *timeoutConn) Write(p []byte) (int, error) {
	if c.write <= 0 {
		return c.Conn.Write(p)
	}
	c.mu.Lock()
	c.wop = time.Now().Add(c.write)
	err := c.Conn.SetWriteDeadline(earliest(c.wdl, c.wop))
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	c.wop = time.Time{}
	c.mu.Unlock()
	return n, err
}

func (c *timeoutConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rdl, c.wdl = t, t
	if c.rop.IsZero() && c.wop.IsZero() {
		return c.Conn.SetDeadline(t)
	}
	err := c.Conn.SetReadDeadline(earliest(t, c.rop))
	if werr := c.Conn.SetWriteDeadline(earliest(t, c.wop)); err == nil {
		err = werr
	}
	return err
}

func (c *timeoutConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rdl = t
	return c.Conn.SetReadDeadline(earliest(t, c.rop))
}

func (c *timeoutConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wdl = t
	return c.Conn.SetWriteDeadline(earliest(t, c.wop))
}

// earliest returns the earlier of two deadlines, zero meaning none.
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}
