package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imapkit/imapkit/wire"
)

// checkServer is the server side of a net.Pipe for the CommandCheck
// tests: lines from the client as they come, lines to it on demand.
type checkServer struct {
	t     *testing.T
	conn  net.Conn
	lines chan string
}

func newCheckConn(t *testing.T, greeting string, opts *Options) (*Conn, *checkServer) {
	t.Helper()
	cc, sc := net.Pipe()
	s := &checkServer{t: t, conn: sc, lines: make(chan string, 1024)}
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
	go s.send(greeting)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := New(ctx, cc, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, s
}

func (s *checkServer) send(lines ...string) {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	s.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(s.conn, b.String())
	s.conn.SetWriteDeadline(time.Time{})
}

func (s *checkServer) expect(want string) {
	s.t.Helper()
	select {
	case l, ok := <-s.lines:
		if !ok {
			s.t.Fatalf("client closed the connection; want %q", want)
		}
		if l != want {
			s.t.Fatalf("client sent %q; want %q", l, want)
		}
	case <-time.After(30 * time.Second):
		s.t.Fatalf("no line from the client; want %q", want)
	}
}

var errXRefused = errors.New("test: XREFUSED refused")

// refuseExt refuses XREFUSED always, and XLATER once XLATER is enabled;
// it records on which goroutine the checks ran and what they saw.
type refuseExt struct {
	mu     sync.Mutex
	calls  int
	states []State
}

func (e *refuseExt) install(r *Registry) {
	r.CheckCommand("XREFUSED", func(v *CommandView, s *Spec) error {
		e.mu.Lock()
		e.calls++
		e.states = append(e.states, v.State())
		e.mu.Unlock()
		return fmt.Errorf("%s %d args: %w", s.Name, len(s.Args), errXRefused)
	})
	r.CheckCommand("XLATER", func(v *CommandView, s *Spec) error {
		if v.Enabled("XLATER") {
			return errXRefused
		}
		return nil
	})
}

// start runs Start and Wait on a goroutine.
func startWait(c *Conn, ctx context.Context, spec Spec) <-chan error {
	ch := make(chan error, 1)
	go func() {
		cmd, err := c.Start(ctx, spec)
		if err == nil {
			_, err = cmd.Wait(ctx)
		}
		ch <- err
	}()
	return ch
}

// A refused command fails with the check's error while other commands
// are pipelined around it: it takes no tag, writes nothing, and the
// commands before and after it complete with their own responses, even
// answered out of order.
func TestCheckCommandRefusalWhilePipelined(t *testing.T) {
	ext := &refuseExt{}
	c, s := newCheckConn(t, "* PREAUTH ready", &Options{Extensions: []Extension{ext.install}})
	ctx := testCtx(t)

	first := startWait(c, ctx, Spec{Name: "XONE", NoExpunge: true, Claim: claimName("XONE")})
	s.expect("A1 XONE")
	// A1 is in flight, unanswered: the refusal happens beside it.
	cmd, err := c.Start(ctx, Spec{Name: "XREFUSED", Args: []wire.Value{wire.Atom("a"), wire.Atom("b")}})
	if !errors.Is(err, errXRefused) || cmd != nil {
		t.Fatalf("Start(XREFUSED) = %v, %v; want nil and the check's error", cmd, err)
	}
	if want := "XREFUSED 2 args: test: XREFUSED refused"; err.Error() != want {
		t.Errorf("error %q; want the check's own %q", err, want)
	}
	second := startWait(c, ctx, Spec{Name: "XTWO", NoExpunge: true, Claim: claimName("XTWO")})
	// The next line is A2: the refused command used no tag and sent
	// nothing (the pipe keeps order, so nothing came in between).
	s.expect("A2 XTWO")
	s.send("* XTWO two", "A2 OK two done", "* XONE one", "A1 OK one done")
	if err := <-second; err != nil {
		t.Fatalf("XTWO: %v", err)
	}
	if err := <-first; err != nil {
		t.Fatalf("XONE: %v", err)
	}
	// Nothing stayed in flight or waiting from the refused command.
	c.mu.Lock()
	inflight, starting := len(c.inflight), c.starting
	c.mu.Unlock()
	if inflight != 0 || starting != 0 {
		t.Fatalf("after the refusal: %d in flight, %d starting; want 0, 0", inflight, starting)
	}
	ext.mu.Lock()
	defer ext.mu.Unlock()
	if ext.calls != 1 || ext.states[0] != StateAuthenticated {
		t.Fatalf("check ran %d times in states %v; want once, authenticated", ext.calls, ext.states)
	}
}

// Many goroutines issue refused and accepted commands at once: every
// refused one fails with the check's error, every accepted one goes out
// with the next tag (no gaps) and completes.
func TestCheckCommandRefusalConcurrent(t *testing.T) {
	ext := &refuseExt{}
	c, s := newCheckConn(t, "* PREAUTH ready", &Options{Extensions: []Extension{ext.install}})
	ctx := testCtx(t)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range 2 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "NOOP"
			if i%2 == 1 {
				name = "XREFUSED"
			}
			cmd, err := c.Start(ctx, Spec{Name: name})
			if name == "XREFUSED" {
				if !errors.Is(err, errXRefused) {
					errs <- fmt.Errorf("XREFUSED: %v; want the check's error", err)
				}
				return
			}
			if err == nil {
				_, err = cmd.Wait(ctx)
			}
			if err != nil {
				errs <- fmt.Errorf("NOOP: %v", err)
			}
		}()
	}
	// The server answers each NOOP as it comes, and sees tags A1..An in
	// order: no refused command took one.
	for i := 1; i <= n; i++ {
		s.expect(fmt.Sprintf("A%d NOOP", i))
		s.send(fmt.Sprintf("A%d OK done", i))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A command waiting behind an ENABLE is judged in the state the ENABLE
// leaves: refused once the ENABLE enabled what forbids it, sent when it
// did not.
func TestCheckCommandJudgedAfterQueuedCommands(t *testing.T) {
	for _, tc := range []struct {
		enabled string
		refused bool
	}{{"XLATER", true}, {"", false}} {
		t.Run(fmt.Sprintf("enabled=%q", tc.enabled), func(t *testing.T) {
			ext := &refuseExt{}
			c, s := newCheckConn(t, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE] ready", &Options{Extensions: []Extension{ext.install}})
			ctx := testCtx(t)
			enable := make(chan error, 1)
			go func() { _, err := c.Enable(ctx, "XLATER"); enable <- err }()
			s.expect("A1 ENABLE XLATER")
			later := startWait(c, ctx, Spec{Name: "XLATER"})
			// Wait until XLATER waits for its turn behind the ENABLE
			// (ENABLE must be alone, RFC 9051 §5.5).
			for {
				c.mu.Lock()
				starting := c.starting
				c.mu.Unlock()
				if starting == 1 {
					break
				}
				if ctx.Err() != nil {
					t.Fatal("XLATER never started")
				}
				runtime.Gosched()
			}
			if tc.enabled != "" {
				s.send("* ENABLED " + tc.enabled)
			}
			s.send("A1 OK enabled")
			if err := <-enable; err != nil {
				t.Fatalf("ENABLE: %v", err)
			}
			if tc.refused {
				if err := <-later; !errors.Is(err, errXRefused) {
					t.Fatalf("XLATER after ENABLE = %v; want the check's error", err)
				}
				// Nothing was sent for it: the next command is A2.
				noop := startWait(c, ctx, Spec{Name: "NOOP"})
				s.expect("A2 NOOP")
				s.send("A2 OK done")
				if err := <-noop; err != nil {
					t.Fatal(err)
				}
				return
			}
			s.expect("A2 XLATER")
			s.send("A2 OK done")
			if err := <-later; err != nil {
				t.Fatalf("XLATER: %v", err)
			}
		})
	}
}

// A refused command does not end an IDLE in progress: IDLE changes no
// state, so ending it would not change the answer, and the server sees
// no DONE.
func TestCheckCommandRefusalKeepsIdle(t *testing.T) {
	ext := &refuseExt{}
	c, s := newCheckConn(t, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready", &Options{Extensions: []Extension{ext.install}})
	ctx := testCtx(t)
	idleCtx, stopIdle := context.WithCancel(ctx)
	accepted := make(chan struct{}, 4)
	idle := make(chan error, 1)
	go func() { idle <- c.IdleNotify(idleCtx, func() { accepted <- struct{}{} }) }()
	s.expect("A1 IDLE")
	s.send("+ idling")
	<-accepted
	if _, err := c.Start(ctx, Spec{Name: "XREFUSED"}); !errors.Is(err, errXRefused) {
		t.Fatalf("XREFUSED during IDLE = %v; want the check's error", err)
	}
	c.mu.Lock()
	r := c.idler
	c.mu.Unlock()
	if r == nil {
		t.Fatal("no IDLE running after the refusal")
	}
	select {
	case <-r.stop:
		t.Fatal("the refused command interrupted the IDLE")
	default:
	}
	// An accepted command does end it.
	noop := startWait(c, ctx, Spec{Name: "NOOP"})
	s.expect("DONE")
	s.send("A1 OK idle done")
	s.expect("A2 NOOP")
	s.send("A2 OK done")
	if err := <-noop; err != nil {
		t.Fatal(err)
	}
	stopIdle()
	if err := <-idle; err != nil {
		t.Fatalf("Idle: %v", err)
	}
}

// The registry's values reach the connection, and checks see a copy of
// the mailbox, which they cannot change.
func TestCheckCommandViewAndValues(t *testing.T) {
	type key struct{}
	var seen *Mailbox
	ext := func(r *Registry) {
		if r.Value(key{}) != nil {
			t.Error("value set before SetValue")
		}
		r.SetValue(key{}, "per-connection")
		r.CheckCommand("", func(v *CommandView, s *Spec) error {
			if s.Name == "XLOOK" {
				seen = v.Mailbox()
				seen.Exists = 99
				if !v.Has("IMAP4rev1") || v.Has("XNONE") {
					return errors.New("capabilities not seen")
				}
			}
			return nil
		})
	}
	c, s := newCheckConn(t, "* PREAUTH [CAPABILITY IMAP4rev1] ready", &Options{Extensions: []Extension{ext}})
	if got := c.Value(key{}); got != "per-connection" {
		t.Fatalf("Conn.Value = %v", got)
	}
	ctx := testCtx(t)
	sel := make(chan error, 1)
	go func() { _, err := c.Select(ctx, "INBOX", nil); sel <- err }()
	s.expect("A1 SELECT INBOX")
	s.send("* 3 EXISTS", "A1 OK [READ-WRITE] done")
	if err := <-sel; err != nil {
		t.Fatal(err)
	}
	look := startWait(c, ctx, Spec{Name: "XLOOK"})
	s.expect("A2 XLOOK")
	s.send("A2 OK done")
	if err := <-look; err != nil {
		t.Fatal(err)
	}
	if seen == nil || c.Mailbox().Exists != 3 {
		t.Fatalf("check saw %+v; the mailbox has %d messages, want 3 (the check's copy changed nothing)", seen, c.Mailbox().Exists)
	}
}
