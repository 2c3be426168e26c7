package client

import (
	"context"
	"testing"
	"time"

	"github.com/imapkit/imapkit/conformance/scripted"
)

// fakeTimeout bounds each step of the scripted server that waits for the
// client (fake time inside a synctest bubble): a guard against hangs.
const fakeTimeout = 5 * time.Second

// fakeServer is the scripted server of conformance/scripted on one end of
// a net.Pipe, for the faults and orderings a real server cannot be made
// to produce. Most tests drive it step by step with the synchronous
// helpers below (expect a client line, send server lines); the embedded
// *scripted.Server offers the rest (Drop, SendChunked, faults, Wait...),
// whose steps run in order after the ones added before.
type fakeServer struct {
	*scripted.Server
	t *testing.T
}

// newFake starts a client on a pipe whose server side sends greeting.
func newFake(t *testing.T, greeting string, opts *Options) (*Conn, *fakeServer) {
	t.Helper()
	s := &fakeServer{Server: scripted.New(t, &scripted.Options{Timeout: fakeTimeout}), t: t}
	if opts == nil {
		opts = &Options{InsecureAuth: true}
	}
	s.SendLine(greeting)
	ctx, cancel := context.WithTimeout(context.Background(), fakeTimeout)
	defer cancel()
	c, err := New(ctx, s.Client(), opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, s
}

// send queues server lines, each ended with CRLF, in one write. It does
// not wait for the client to read them; the steps added after it run
// after the write.
func (s *fakeServer) send(lines ...string) {
	s.SendLine(lines...)
}

// line waits for one client line and returns it without CRLF, failing
// the test when none comes (the server reports why).
func (s *fakeServer) line() string {
	s.t.Helper()
	l := s.Line()
	if err := s.Err(); err != nil {
		s.t.Fatalf("server: no line from the client: %v", err)
	}
	return l
}

// expect waits for one client line and checks it.
func (s *fakeServer) expect(want string) {
	s.t.Helper()
	if got := s.line(); got != want {
		s.t.Fatalf("client sent %q; want %q", got, want)
	}
}

// quiet checks that the client sends nothing for d (after what the
// script has read so far).
func (s *fakeServer) quiet(d time.Duration) {
	s.t.Helper()
	s.QuietFor(d)
	if err := s.Wait(); err != nil {
		s.t.Fatalf("server: %v", err)
	}
}

// drop closes the server's end once everything queued before is written
// (the client has read it), and waits until it is closed.
func (s *fakeServer) drop() {
	s.t.Helper()
	s.Drop()
	if err := s.Wait(); err != nil {
		s.t.Fatalf("server: %v", err)
	}
}

// testCtx bounds a test's waits: a guard against hangs, generous because
// the race detector on a loaded machine makes the megabyte tests slow.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}
