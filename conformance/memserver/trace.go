package memserver

import (
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/imapkit/imapkit/transport"
)

// serverTrace traces one connection with transport.Tracer, which is
// written for the client's side: what the client sent is fed to the
// tracer as written (C:), what the server sent as read (S:), so that
// its redaction of LOGIN and AUTHENTICATE applies.
type serverTrace struct {
	mu   sync.Mutex
	feed feedConn
	tc   net.Conn
}

// traceWriters serializes the lines of every connection to one writer.
var traceWriters sync.Map // io.Writer -> *lockedWriter

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

type prefixWriter struct {
	lw     *lockedWriter
	prefix string
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.lw.mu.Lock()
	defer p.lw.mu.Unlock()
	io.WriteString(p.lw.w, p.prefix)
	p.lw.w.Write(b)
	return len(b), nil
}

func newServerTrace(w io.Writer, id uint64) *serverTrace {
	lw, _ := traceWriters.LoadOrStore(w, &lockedWriter{w: w})
	t := &transport.Tracer{Writer: &prefixWriter{lw: lw.(*lockedWriter), prefix: "[" + strconv.FormatUint(id, 10) + "] "}}
	st := &serverTrace{}
	st.tc = t.Wrap(&st.feed)
	return st
}

func (st *serverTrace) fromClient(p []byte) {
	st.mu.Lock()
	st.tc.Write(p)
	st.mu.Unlock()
}

func (st *serverTrace) fromServer(p []byte) {
	st.mu.Lock()
	st.feed.next = p
	buf := make([]byte, len(p))
	for len(st.feed.next) > 0 {
		st.tc.Read(buf)
	}
	st.mu.Unlock()
}

func (st *serverTrace) close() {
	st.mu.Lock()
	st.tc.Close()
	st.mu.Unlock()
}

// feedConn is the connection under the tracer: writes vanish, reads
// return what fromServer put in next.
type feedConn struct{ next []byte }

func (f *feedConn) Read(p []byte) (int, error) {
	if len(f.next) == 0 {
		return 0, io.EOF
	}
	n := copy(p, f.next)
	f.next = f.next[n:]
	return n, nil
}
func (f *feedConn) Write(p []byte) (int, error)      { return len(p), nil }
func (f *feedConn) Close() error                     { return nil }
func (f *feedConn) LocalAddr() net.Addr              { return traceAddr{} }
func (f *feedConn) RemoteAddr() net.Addr             { return traceAddr{} }
func (f *feedConn) SetDeadline(time.Time) error      { return nil }
func (f *feedConn) SetReadDeadline(time.Time) error  { return nil }
func (f *feedConn) SetWriteDeadline(time.Time) error { return nil }

type traceAddr struct{}

func (traceAddr) Network() string { return "trace" }
func (traceAddr) String() string  { return "trace" }

// tracedConn is a session's connection with its traffic traced.
type tracedConn struct {
	net.Conn
	tr *serverTrace
}

func (c *tracedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.tr.fromClient(p[:n])
	}
	return n, err
}

func (c *tracedConn) Write(p []byte) (int, error) {
	c.tr.fromServer(p)
	return c.Conn.Write(p)
}
