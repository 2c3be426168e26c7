package client

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// fakeServer is a scripted IMAP server on one end of a net.Pipe, for the
// faults and orderings a real server cannot be made to produce. Each test
// drives it step by step: expect a client line, send server lines.
type fakeServer struct {
	t     *testing.T
	conn  net.Conn
	lines chan string // client lines, read as they come (net.Pipe writes block until read)
}

// newFake starts a client on a pipe whose server side sends greeting.
func newFake(t *testing.T, greeting string, opts *Options) (*Conn, *fakeServer) {
	t.Helper()
	cc, sc := net.Pipe()
	s := &fakeServer{t: t, conn: sc, lines: make(chan string, 1024)}
	t.Cleanup(func() { sc.Close() })
	go func() {
		defer close(s.lines)
		br := bufio.NewReader(sc)
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			s.lines <- strings.TrimSuffix(l, "\r\n")
		}
	}()
	if opts == nil {
		opts = &Options{InsecureAuth: true}
	}
	go s.send(greeting)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := New(ctx, cc, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, s
}

// send writes server lines, each ended with CRLF.
func (s *fakeServer) send(lines ...string) {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	s.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(s.conn, b.String())
	s.conn.SetWriteDeadline(time.Time{})
}

// line reads one client line (without CRLF), failing the test after 5 s.
func (s *fakeServer) line() string {
	s.t.Helper()
	select {
	case l, ok := <-s.lines:
		if !ok {
			s.t.Fatal("server: client closed the connection")
		}
		return l
	case <-time.After(5 * time.Second):
		s.t.Fatal("server: no line from the client in 5 s")
	}
	return ""
}

// expect reads one client line and checks it.
func (s *fakeServer) expect(want string) {
	s.t.Helper()
	if got := s.line(); got != want {
		s.t.Fatalf("client sent %q; want %q", got, want)
	}
}

// quiet checks that the client sends nothing for d.
func (s *fakeServer) quiet(d time.Duration) {
	s.t.Helper()
	select {
	case l := <-s.lines:
		s.t.Fatalf("client sent %q while it should have waited", l)
	case <-time.After(d):
	}
}

// testCtx bounds a test's waits: a guard against hangs, generous because
// the race detector on a loaded machine makes the megabyte tests slow.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
