// Package faketest is a scripted IMAP server for the extension packages'
// tests: a client.Conn on one end of a net.Pipe, and on the other a server
// that each test drives line by line (expect a client line, send server
// lines). It is the pattern of client/fake_test.go, rebuilt on the
// exported API.
package faketest

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
)

// Greeting advertises what the extension tests need, and starts the
// connection authenticated (PREAUTH).
const Greeting = "* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ ENABLE UIDPLUS MOVE CONDSTORE] fake ready"

// Timeout bounds every wait of the server and of the tests.
const Timeout = 5 * time.Second

// Server is the scripted side of the pipe.
type Server struct {
	t     testing.TB
	conn  net.Conn
	lines chan string // client lines (net.Pipe writes block until read)
}

// New starts a client with opts on a pipe whose server side sends
// greeting, and returns both ends. Both are closed when the test ends.
func New(t testing.TB, greeting string, opts *client.Options) (*client.Conn, *Server) {
	t.Helper()
	cc, sc := net.Pipe()
	s := &Server{t: t, conn: sc, lines: make(chan string, 1024)}
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
		opts = &client.Options{}
	}
	go s.Send(greeting)
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	c, err := client.New(ctx, cc, opts)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, s
}

// Send writes server lines, each ended with CRLF.
func (s *Server) Send(lines ...string) {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	s.conn.SetWriteDeadline(time.Now().Add(Timeout))
	io.WriteString(s.conn, b.String())
	s.conn.SetWriteDeadline(time.Time{})
}

// Line reads one client line without its CRLF, failing the test when
// none comes in time.
func (s *Server) Line() string {
	s.t.Helper()
	select {
	case l, ok := <-s.lines:
		if !ok {
			s.t.Fatal("server: client closed the connection")
		}
		return l
	case <-time.After(Timeout):
		s.t.Fatal("server: no line from the client in time")
	}
	return ""
}

// Expect reads one client line and checks it.
func (s *Server) Expect(want string) {
	s.t.Helper()
	if got := s.Line(); got != want {
		s.t.Fatalf("client sent %q; want %q", got, want)
	}
}

// Quiet checks that the client sends nothing for d.
func (s *Server) Quiet(d time.Duration) {
	s.t.Helper()
	select {
	case l, ok := <-s.lines:
		if ok {
			s.t.Fatalf("client sent %q; want nothing", l)
		}
	case <-time.After(d):
	}
}

// Select selects INBOX on c with opts through the scripted server: it
// expects the client's line want (e.g. "A1 SELECT INBOX (CONDSTORE)"),
// answers with the untagged lines given and a tagged OK, and returns the
// client's mailbox state.
func (s *Server) Select(c *client.Conn, opts *client.SelectOptions, want string, untagged ...string) *client.Mailbox {
	s.t.Helper()
	done := Go(func() (*client.Mailbox, error) {
		return c.Select(Ctx(s.t), "INBOX", opts)
	})
	s.Expect(want)
	tag, _, _ := strings.Cut(want, " ")
	s.Send(append(untagged, tag+" OK [READ-WRITE] selected")...)
	m, err := done()
	if err != nil {
		s.t.Fatalf("Select: %v", err)
	}
	return m
}

// Go runs fn on a goroutine and returns a function that waits for its
// result (at most Timeout).
func Go[T any](fn func() (T, error)) func() (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := fn()
		ch <- result{v, err}
	}()
	return func() (T, error) {
		select {
		case r := <-ch:
			return r.v, r.err
		case <-time.After(Timeout):
			var zero T
			return zero, context.DeadlineExceeded
		}
	}
}

// Ctx returns a context that ends with the test or after Timeout.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	t.Cleanup(cancel)
	return ctx
}
