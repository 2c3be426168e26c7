// Package faketest runs the extension packages' tests against the
// scripted server of conformance/scripted: a client.Conn on one end of a
// net.Pipe, and on the other a server that each test drives line by line
// (expect a client line, send server lines). Scripted returns the
// *scripted.Server itself, for the steps these helpers do not offer
// (faults, Drop, Respond, SendChunked...).
package faketest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/conformance/scripted"
)

// Greeting advertises what the extension tests need, and starts the
// connection authenticated (PREAUTH).
const Greeting = "* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ ENABLE UIDPLUS MOVE CONDSTORE] fake ready"

// Timeout bounds every wait of the server and of the tests.
const Timeout = 5 * time.Second

// Server is the scripted side of the pipe.
type Server struct {
	t testing.TB
	s *scripted.Server
}

// New starts a client with opts on a pipe whose server side sends
// greeting, and returns both ends. Both are closed when the test ends.
func New(t testing.TB, greeting string, opts *client.Options) (*client.Conn, *Server) {
	t.Helper()
	s := &Server{t: t, s: scripted.New(t, &scripted.Options{Timeout: Timeout})}
	if opts == nil {
		opts = &client.Options{}
	}
	s.s.SendLine(greeting)
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	c, err := client.New(ctx, s.s.Client(), opts)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, s
}

// Scripted returns the scripted server under s. Its steps run in order
// with the ones the methods of s add.
func (s *Server) Scripted() *scripted.Server { return s.s }

// Send queues server lines, each ended with CRLF, in one write. It does
// not wait for the client to read them; what is added after it runs
// after the write.
func (s *Server) Send(lines ...string) {
	s.s.SendLine(lines...)
}

// Line waits for one client line and returns it without its CRLF,
// failing the test when none comes in time (the server reports why).
func (s *Server) Line() string {
	s.t.Helper()
	l := s.s.Line()
	if err := s.s.Err(); err != nil {
		s.t.Fatalf("server: no line from the client: %v", err)
	}
	return l
}

// Expect waits for one client line and checks it.
func (s *Server) Expect(want string) {
	s.t.Helper()
	if got := s.Line(); got != want {
		s.t.Fatalf("client sent %q; want %q", got, want)
	}
}

// Quiet checks that the client sends nothing for d beyond what the test
// has read.
func (s *Server) Quiet(d time.Duration) {
	s.t.Helper()
	s.s.QuietFor(d)
	if err := s.s.Wait(); err != nil {
		s.t.Fatalf("server: %v", err)
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
