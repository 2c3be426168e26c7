package scripted

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// TB is the part of testing.TB the server uses: *testing.T, *testing.B
// and *testing.F satisfy it, and so can a harness of another framework.
// Errorf is called from the server's goroutine while the test runs, and
// from Cleanup.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// Options configure a Server. The zero value is ready to use.
type Options struct {
	// Timeout bounds each step that waits for the client (an
	// expectation, SendWait, the TLS handshake); 0 means no bound, which
	// is what testing/synctest wants. Outside synctest set it (5 s is
	// plenty) so that a client that never sends fails the step instead
	// of hanging the test.
	Timeout time.Duration
	// WriteChunk, when positive, cuts every write to the client into
	// writes of at most this many bytes (1: one byte at a time), each
	// delivered on its own, to exercise partial reads.
	WriteChunk int
	// MaxLine bounds a line read by an expectation; default 1 MiB. A
	// longer line fails the step.
	MaxLine int
	// MaxBuffered bounds the bytes received from the client and not yet
	// consumed by the script; default 64 MiB. Beyond it the connection
	// is closed and the current step fails.
	MaxBuffered int
}

const (
	defaultMaxLine     = 1 << 20
	defaultMaxBuffered = 64 << 20
)

// Server is a scripted IMAP server on one connection. Create it with New,
// Listen or Serve; add steps with its methods; they run in order on the
// server's goroutine. All methods are safe for concurrent use.
type Server struct {
	tb     TB
	opts   Options
	client net.Conn     // the client's end of the pipe (New), else nil
	ln     net.Listener // Listen only
	connc  chan net.Conn

	mu       sync.Mutex
	steps    []*step
	next     int           // index of the step running or to run next
	added    chan struct{} // a step was added (capacity 1)
	progress chan struct{} // closed and replaced after each step
	failed   error
	vars     map[string]string
	conn     net.Conn             // the server's end, once connected
	tlsState *tls.ConnectionState // set by StartTLS
	collect  *[]*step             // steps being built by addAt, not yet in the script

	ending chan struct{} // closed when the test ends
	done   chan struct{} // closed when the script goroutine has ended
	wg     sync.WaitGroup
}

// step is one entry of the script.
type step struct {
	name  string // what the step does, for messages, e.g. `Expect "A1 NOOP"`
	where string // file:line that added it
	stall bool   // a stall: the test may end while it runs
	run   func(*session) error
}

// New returns a Server on one end of a net.Pipe; Client returns the
// other. opts may be nil. The server stops when the test ends.
func New(tb TB, opts *Options) *Server {
	tb.Helper()
	cc, sc := net.Pipe()
	s := newServer(tb, opts)
	s.client = cc // closed by end
	s.connc <- sc
	return s
}

// Listen returns a Server listening on 127.0.0.1 (a port of the
// system's choosing, see Addr). The script runs on the first connection
// accepted; later ones are refused (closed at once).
func Listen(tb TB, opts *Options) (*Server, error) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("scripted: listen on 127.0.0.1: %w", err)
	}
	s := newServer(tb, opts)
	s.ln = ln
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		first := true
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !first {
				c.Close()
				continue
			}
			first = false
			s.connc <- c
		}
	}()
	return s, nil
}

// Serve returns a Server that runs its script on conn, a connection the
// test made itself (a loopback TCP connection, a tls.Conn, ...). The
// server closes conn when the test ends.
func Serve(tb TB, conn net.Conn, opts *Options) *Server {
	tb.Helper()
	s := newServer(tb, opts)
	s.connc <- conn
	return s
}

func newServer(tb TB, opts *Options) *Server {
	s := &Server{
		tb:       tb,
		connc:    make(chan net.Conn, 1),
		added:    make(chan struct{}, 1),
		progress: make(chan struct{}),
		vars:     map[string]string{},
		ending:   make(chan struct{}),
		done:     make(chan struct{}),
	}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.MaxLine <= 0 {
		s.opts.MaxLine = defaultMaxLine
	}
	if s.opts.MaxBuffered <= 0 {
		s.opts.MaxBuffered = defaultMaxBuffered
	}
	tb.Cleanup(s.end)
	go s.loop()
	return s
}

// Client returns the client's end of the pipe of a Server made by New,
// nil for the others.
func (s *Server) Client() net.Conn { return s.client }

// Addr returns the address a Server made by Listen listens on, such as
// "127.0.0.1:40123"; "" for the others.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Var returns the value of a variable captured by ExpectCmd ("tag") or
// by a named group of ExpectMatch, "" when unset. Call it after Wait (or
// from a SendFunc) to read what the client sent.
func (s *Server) Var(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vars[name]
}

// TLSConnectionState returns the server's side of the TLS connection
// that StartTLS set up, and false before the handshake (or without
// StartTLS): what a test of channel binding (RFC 5929, RFC 9266)
// computes on the server's side. Call it after Wait, or from a function
// the script runs (Call, SendFunc, Respond).
func (s *Server) TLSConnectionState() (tls.ConnectionState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tlsState == nil {
		return tls.ConnectionState{}, false
	}
	return *s.tlsState, true
}

// Err returns the failure of the script, nil while it has not failed.
func (s *Server) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed
}

// Wait blocks until every step added before the call has run, or the
// script has failed or ended, and returns the failure (nil when all went
// well). Without Options.Timeout it waits as long as the script does.
func (s *Server) Wait() error {
	s.mu.Lock()
	target := len(s.steps)
	s.mu.Unlock()
	for {
		s.mu.Lock()
		if s.failed != nil || s.next >= target {
			err := s.failed
			s.mu.Unlock()
			return err
		}
		ch := s.progress
		s.mu.Unlock()
		select {
		case <-ch:
		case <-s.done:
			s.mu.Lock()
			err := s.failed
			if err == nil && s.next < target {
				err = errors.New("scripted: the script ended before all its steps ran (the test is ending)")
			}
			s.mu.Unlock()
			return err
		}
	}
}

// Close ends the script at once: the connection is closed and no further
// step runs. The test's end does the same; Close is for a test that wants
// the connection gone earlier. Steps that had not run are not reported.
func (s *Server) Close() {
	s.mu.Lock()
	if s.failed == nil {
		s.failed = ErrClosed
	}
	c := s.conn
	s.mu.Unlock()
	if c != nil {
		c.Close()
	}
	s.wake()
}

// ErrClosed is what Wait and Err return after Close.
var ErrClosed = errors.New("scripted: closed by the test")

// add appends a step; where is the caller of the public method.
func (s *Server) add(st *step) {
	s.mu.Lock()
	if s.collect != nil {
		*s.collect = append(*s.collect, st)
		s.mu.Unlock()
		return
	}
	s.steps = append(s.steps, st)
	s.mu.Unlock()
	s.wake()
}

func (s *Server) wake() {
	select {
	case s.added <- struct{}{}:
	default:
	}
}

// caller returns "file.go:12" of the function skip frames above the
// public method that called it.
func caller(skip int) string {
	_, file, line, ok := runtime.Caller(skip + 2)
	if !ok {
		return "?"
	}
	return fmt.Sprintf("%s:%d", filepath.Base(file), line)
}

// StepError is the failure of a step, as reported to the TB and returned
// by Wait and Err.
type StepError struct {
	Step  int    // 1-based number of the step in the script
	Name  string // what the step does
	Where string // file:line that added the step
	Err   error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("scripted: step %d (%s, added at %s): %v", e.Step, e.Name, e.Where, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// loop runs the script on the connection once there is one.
func (s *Server) loop() {
	defer close(s.done)
	var conn net.Conn
	select {
	case conn = <-s.connc:
	case <-s.ending:
		return
	}
	s.mu.Lock()
	s.conn = conn
	closed := s.failed != nil
	s.mu.Unlock()
	if closed {
		conn.Close()
		return
	}
	ss := newSession(s, conn)
	defer ss.shutdown()
	for {
		s.mu.Lock()
		if s.failed != nil {
			s.mu.Unlock()
			return
		}
		if s.next >= len(s.steps) {
			s.mu.Unlock()
			select {
			case <-s.added:
				continue
			case <-s.ending:
				return
			}
		}
		st := s.steps[s.next]
		n := s.next + 1
		s.mu.Unlock()

		var err error
		if j := ss.w.takeFailed(); j != nil {
			// A send queued earlier did not reach the client: that
			// step failed, not this one.
			n = j.step
			st = s.steps[n-1]
			err = fmt.Errorf("writing %s: %w", excerpt(j.data), j.err)
		} else {
			ss.step = n
			ss.beginStep()
			err = st.run(ss)
			ss.endStep()
		}

		s.mu.Lock()
		if err != nil {
			ending := isClosed(s.ending)
			if s.failed == nil && !(ending && st.stall) {
				s.failed = &StepError{Step: n, Name: st.name, Where: st.where, Err: err}
				if ending {
					s.failed = &StepError{Step: n, Name: st.name, Where: st.where,
						Err: fmt.Errorf("unfinished when the test ended: %w", err)}
				}
				s.tb.Errorf("%v", s.failed)
			} else if s.failed == nil {
				s.failed = errEnded
			}
			s.mu.Unlock()
			conn.Close()
			return
		}
		s.next = n
		close(s.progress)
		s.progress = make(chan struct{})
		s.mu.Unlock()
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// end runs at the end of the test: the script finishes what the client
// has already sent, then the connection is closed and every goroutine
// ends before end returns.
func (s *Server) end() {
	close(s.ending)
	if s.client != nil {
		s.client.Close()
	}
	if s.ln != nil {
		s.ln.Close()
	}
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c != nil {
		// Unblock writes to a client that is gone or no longer reads;
		// what the client sent before is already in the inbox.
		c.Close()
	}
	<-s.done
	s.wg.Wait()
	select {
	case c := <-s.connc: // accepted after the end
		c.Close()
	default:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed == nil && s.next < len(s.steps) {
		st := s.steps[s.next]
		s.failed = &StepError{Step: s.next + 1, Name: st.name, Where: st.where, Err: errors.New("never ran: the test ended first (no client connected?)")}
		s.tb.Errorf("%v", s.failed)
	}
}

var errEnded = errors.New("scripted: the test ended")

// session is the state of the running script; only the script goroutine
// touches it, except the inbox and the writer, which have goroutines of
// their own.
type session struct {
	s     *Server
	raw   net.Conn
	in    *inbox
	src   io.Reader // the client's bytes as the script reads them (raw, TLS, inflated)
	br    *bufio.Reader
	w     *writer
	step  int // number of the running step
	timer *time.Timer
	// stop is closed when the test ends; deadline fires when the step's
	// Options.Timeout runs out (nil channel without a timeout).
	deadline <-chan time.Time
	closers  []io.Closer
}

func newSession(s *Server, conn net.Conn) *session {
	ss := &session{s: s, raw: conn}
	ss.in = newInbox(conn, s.opts.MaxBuffered, s.opts.Timeout, s.ending)
	ss.src = ss.in
	ss.br = bufio.NewReaderSize(ss.src, 4096)
	ss.w = newWriter(conn, s.opts.WriteChunk)
	s.wg.Add(2)
	go func() { defer s.wg.Done(); ss.in.run() }()
	go func() { defer s.wg.Done(); ss.w.run() }()
	return ss
}

func (ss *session) shutdown() {
	ss.raw.Close()
	ss.w.stop()
	for _, c := range ss.closers {
		c.Close()
	}
}

func (ss *session) beginStep() {
	if d := ss.s.opts.Timeout; d > 0 {
		ss.timer = time.NewTimer(d)
		ss.deadline = ss.timer.C
	}
	ss.in.setDeadline(ss.deadline)
}

func (ss *session) endStep() {
	if ss.timer != nil {
		ss.timer.Stop()
		ss.timer = nil
	}
	ss.deadline = nil
	ss.in.setDeadline(nil)
}

func (ss *session) setVar(name, value string) {
	ss.s.mu.Lock()
	ss.s.vars[name] = value
	ss.s.mu.Unlock()
}

func (ss *session) getVar(name string) string {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	return ss.s.vars[name]
}

// wait is a step's wait for ch, bounded by Options.Timeout and
// the end of the test.
func (ss *session) wait(ch <-chan struct{}, what string) error {
	select {
	case <-ch:
		return nil
	case <-ss.deadline:
		return fmt.Errorf("%w (%v) for %s", ErrTimeout, ss.s.opts.Timeout, what)
	case <-ss.s.ending:
		return fmt.Errorf("waiting for %s: %w", what, errEnded)
	}
}

// ErrTimeout is wrapped by a step's error when Options.Timeout ran out
// while the step waited for the client.
var ErrTimeout = errors.New("scripted: timed out waiting for the client")

// inbox collects what the client sends, on a goroutine of its own, so
// that a client writing while the script writes never blocks; the script
// reads from it.
type inbox struct {
	conn   net.Conn
	max    int
	ending chan struct{}

	mu       sync.Mutex
	buf      []byte
	err      error
	notify   chan struct{} // capacity 1
	deadline <-chan time.Time
	timeout  time.Duration

	// StopReading: while paused is set, run reads nothing from the
	// connection; resume is closed to end the pause, parked when run
	// has stopped reading (no Read in flight).
	paused bool
	resume chan struct{}
	parked chan struct{}
}

func newInbox(c net.Conn, max int, timeout time.Duration, ending chan struct{}) *inbox {
	return &inbox{conn: c, max: max, timeout: timeout, ending: ending, notify: make(chan struct{}, 1)}
}

func (b *inbox) run() {
	p := make([]byte, 32<<10)
	for {
		b.mu.Lock()
		if b.paused {
			resume, parked := b.resume, b.parked
			b.mu.Unlock()
			close(parked)
			select {
			case <-resume:
				continue
			case <-b.ending:
				return
			}
		}
		b.mu.Unlock()
		n, err := b.conn.Read(p)
		b.mu.Lock()
		if n == 0 && b.paused && errors.Is(err, os.ErrDeadlineExceeded) {
			// The Read that stop cut short: nothing was lost.
			b.mu.Unlock()
			continue
		}
		b.buf = append(b.buf, p[:n]...)
		if err == nil && len(b.buf) > b.max {
			err = fmt.Errorf("the client sent more than %d bytes the script did not read", b.max)
			b.conn.Close()
		}
		if err != nil {
			b.err = err
		}
		b.mu.Unlock()
		select {
		case b.notify <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// stop makes run stop reading from the connection, cutting short a Read
// in flight (with a read deadline in the past), and returns a channel
// closed once no Read is in flight any more.
func (b *inbox) stop() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.paused {
		b.paused = true
		b.resume = make(chan struct{})
		b.parked = make(chan struct{})
		b.conn.SetReadDeadline(time.Unix(1, 0))
	}
	return b.parked
}

// restart undoes stop: run reads again.
func (b *inbox) restart() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.paused {
		b.paused = false
		b.conn.SetReadDeadline(time.Time{})
		close(b.resume)
	}
}

func (b *inbox) setDeadline(d <-chan time.Time) {
	b.mu.Lock()
	b.deadline = d
	b.mu.Unlock()
}

// unread returns how many received bytes nobody has read yet.
func (b *inbox) unread() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.buf)
}

// Read blocks until the client has sent something, the connection ended
// (io.EOF or the read error), the step timed out or the test ended (and
// nothing received is left).
func (b *inbox) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		b.mu.Lock()
		if len(b.buf) > 0 {
			n := copy(p, b.buf)
			b.buf = b.buf[n:]
			if len(b.buf) == 0 {
				b.buf = nil
			}
			b.mu.Unlock()
			return n, nil
		}
		if b.err != nil {
			err := b.err
			b.mu.Unlock()
			if isClosedErr(err) {
				if isClosed(b.ending) {
					return 0, errEnded
				}
				return 0, io.EOF
			}
			return 0, err
		}
		d := b.deadline
		b.mu.Unlock()
		select {
		case <-b.notify:
		case <-d:
			return 0, fmt.Errorf("%w (%v)", ErrTimeout, b.timeout)
		case <-b.ending:
			// The connection is being closed: whatever arrived before
			// is still read; then the error says the test ended.
			b.mu.Lock()
			empty := len(b.buf) == 0
			b.mu.Unlock()
			if empty {
				select {
				case <-b.notify:
					continue
				default:
				}
				return 0, errEnded
			}
		}
	}
}

func isClosedErr(err error) bool {
	return err == io.EOF || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe)
}

// writer writes to the client in order, on a goroutine of its own.
type writer struct {
	mu     sync.Mutex
	raw    io.Writer // the connection itself
	out    io.Writer // current stream: raw, TLS or deflate
	flush  func() error
	chunk  int
	queue  []*writeJob
	kick   chan struct{}
	quit   chan struct{}
	once   sync.Once
	err    error     // first write error; later writes are not tried
	failed *writeJob // the first failed write queued by a plain send
}

// takeFailed returns the first failed plain send, once.
func (w *writer) takeFailed() *writeJob {
	w.mu.Lock()
	defer w.mu.Unlock()
	j := w.failed
	w.failed = nil
	return j
}

type writeJob struct {
	data  []byte
	chunk int
	raw   bool // on the connection itself, under any TLS or DEFLATE
	step  int  // the step that queued it; 0: a write whose error the step handles
	done  chan struct{}
	err   error
}

func newWriter(out io.Writer, chunk int) *writer {
	return &writer{raw: out, out: out, chunk: chunk, kick: make(chan struct{}, 1), quit: make(chan struct{})}
}

func (w *writer) stop() { w.once.Do(func() { close(w.quit) }) }

// enqueue queues j (its data is the caller's to give away) and returns
// it; j.done closes once the bytes are written (read by the client, over
// net.Pipe).
func (w *writer) enqueue(j *writeJob) *writeJob {
	j.done = make(chan struct{})
	if j.chunk == 0 {
		j.chunk = w.chunk
	}
	w.mu.Lock()
	w.queue = append(w.queue, j)
	w.mu.Unlock()
	select {
	case w.kick <- struct{}{}:
	default:
	}
	return j
}

// idle returns a channel closed once everything queued so far is written.
func (w *writer) idle() <-chan struct{} {
	return w.enqueue(&writeJob{}).done
}

func (w *writer) run() {
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.mu.Unlock()
			select {
			case <-w.kick:
				continue
			case <-w.quit:
				w.failAll(errEnded)
				return
			}
		}
		j := w.queue[0]
		w.queue = w.queue[1:]
		out, flush, prev := w.out, w.flush, w.err
		if j.raw {
			out, flush = w.raw, nil
		}
		w.mu.Unlock()
		if prev != nil {
			j.err = prev
		} else {
			j.err = writeChunks(out, flush, j.data, j.chunk)
			if j.err != nil {
				w.mu.Lock()
				w.err = j.err
				if j.step > 0 && w.failed == nil {
					w.failed = j
				}
				w.mu.Unlock()
			}
		}
		close(j.done)
	}
}

func (w *writer) failAll(err error) {
	w.mu.Lock()
	q := w.queue
	w.queue = nil
	w.mu.Unlock()
	for _, j := range q {
		j.err = err
		close(j.done)
	}
}

// setOut switches the stream; the caller has waited for idle.
func (w *writer) setOut(out io.Writer, flush func() error) {
	w.mu.Lock()
	w.out, w.flush = out, flush
	w.mu.Unlock()
}

func writeChunks(out io.Writer, flush func() error, p []byte, chunk int) error {
	if len(p) == 0 {
		return nil
	}
	if chunk <= 0 {
		chunk = len(p)
	}
	for len(p) > 0 {
		n := min(chunk, len(p))
		if _, err := out.Write(p[:n]); err != nil {
			return err
		}
		if flush != nil {
			if err := flush(); err != nil {
				return err
			}
		}
		p = p[n:]
	}
	return nil
}
