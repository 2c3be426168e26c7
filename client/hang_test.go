package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/conformance/scripted"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// returns runs f, which must return; what names it for the reader. A hang
// is caught by the test binary's -timeout, whose report shows every
// goroutine's stack. It runs f on the test goroutine: a wall-clock bound
// here would be a timed assertion on a loaded machine, and it left f
// running (and able to call t.Errorf) after the test had ended.
func returns(t *testing.T, what string, f func()) {
	t.Helper()
	f()
}

// Issue 9 item 7: cancelling a command while its literal waits for "+"
// returns at once, and Close then returns.
func TestCancelWhileLiteralAwaitsContinuation(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1] hi", nil)
	if _, err := c.Caps(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- c.Login(ctx, "fred", "sécret") }()
	s.expect("A1 LOGIN fred {7}")
	cancel()
	returns(t, "Login cancelled at its literal", func() {
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Errorf("Login = %v; want context.Canceled", err)
		}
	})
	returns(t, "Close", func() { c.Close() })
}

// Issue 9 item 7: against a server that stops reading, a write is bounded
// by its context and Close returns.
func TestWriteBoundedByContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := newFake(t, "* PREAUTH hi", &Options{})
		// The server reads nothing from now on: a command blocks in
		// the write.
		s.StopReading()
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := c.Start(ctx, Spec{Name: "X", Args: []wire.Value{wire.Atom("A")}})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Start against a server that does not read = %v; want DeadlineExceeded", err)
		}
		c.Close()
		if !errors.Is(c.Err(), context.DeadlineExceeded) {
			t.Errorf("Err = %v; want the write's deadline", c.Err())
		}
	})
}

// A stuck writer also bounds the others: a command waiting for the wire
// returns with its own context.
func TestWaitForWireBoundedByContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := newFake(t, "* PREAUTH hi", &Options{})
		s.StopReading()
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
		go c.Noop(context.Background()) // blocks in its write for ever
		synctest.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if err := c.Noop(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Noop behind a stuck write = %v; want DeadlineExceeded", err)
		}
	})
}

// Issue 9 item 8: leaving a loop over Messages early abandons the FETCH:
// its remaining streamed literals are skipped, the connection goes on.
func TestBreakOutOfMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 8})
		selectINBOX(t, c, s)
		ctx := context.Background()
		streamed := 0
		f, err := c.Fetch(ctx, seqset.MustParse("1:5"), &FetchItems{Sections: []FetchSection{{}}},
			&FetchOptions{Literal: func(seq uint32, item string, size int64, r io.Reader) error {
				streamed++
				_, err := io.Copy(io.Discard, r)
				return err
			}})
		if err != nil {
			t.Fatal(err)
		}
		s.expect("A2 FETCH 1:5 (BODY.PEEK[])")
		var lines []string
		for i := 1; i <= 5; i++ {
			lines = append(lines, fmt.Sprintf("* %d FETCH (BODY[] {20}\r\n%020d)", i, i))
		}
		s.send(append(lines, "A2 OK done")...)
		for range f.Messages(ctx) {
			break
		}
		errc := make(chan error, 1)
		go func() { errc <- c.Noop(ctx) }()
		s.expect("A3 NOOP")
		s.send("A3 OK")
		if err := <-errc; err != nil {
			t.Fatalf("Noop after an abandoned FETCH: %v", err)
		}
		if err := f.Err(); err != nil {
			t.Errorf("abandoned FETCH completion: %v", err)
		}
		if streamed != 1 {
			t.Errorf("%d literals went to the callback after the loop ended; want only the first", streamed)
		}
	})
}

// Issue 9 item 8: a command abandoned by its context keeps nothing of
// what still arrives for it.
func TestAbandonedCommandKeepsNothing(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 1 << 10})
	selectINBOX(t, c, s)
	ctx, cancel := context.WithCancel(context.Background())
	f, err := c.Fetch(ctx, seqset.MustParse("1:40"), &FetchItems{Sections: []FetchSection{{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A2 FETCH 1:40 (BODY.PEEK[])")
	cancel()
	if _, err := f.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v", err)
	}
	body := strings.Repeat("x", 100<<10)
	for i := 1; i <= 40; i++ {
		s.send(fmt.Sprintf("* %d FETCH (BODY[] {%d}\r\n%s)", i, len(body), body))
	}
	s.send("A2 OK done")
	returns(t, "the abandoned FETCH", func() { <-f.Done() })
	f.mu.Lock()
	n, b := len(f.queue), f.queuedB
	f.mu.Unlock()
	if n != 0 || b != 0 {
		t.Errorf("abandoned FETCH holds %d responses (%d bytes); want none", n, b)
	}
}

// Issue 9 item 9: a literal above MaxLiteralSize that nobody streams fails
// its command only; the pipelined command and the connection go on.
func TestOversizedLiteralFailsOnlyItsCommand(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{MaxLiteralSize: 1000})
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	f1, err := c.Fetch(ctx, seqset.MustParse("1"), &FetchItems{Sections: []FetchSection{{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f2, err := c.Fetch(ctx, seqset.MustParse("2"), &FetchItems{Sections: []FetchSection{{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A2 FETCH 1 (BODY.PEEK[])")
	s.expect("A3 FETCH 2 (BODY.PEEK[])")
	s.send("* 1 FETCH (BODY[] {2000}\r\n"+strings.Repeat("y", 2000)+")", "* 2 FETCH (BODY[] {3}\r\nabc)",
		"A2 OK", "A3 OK")
	_, err = f1.CollectMessages(ctx)
	var le *codec.LimitError
	if !errors.As(err, &le) || !errors.Is(err, codec.ErrLiteralTooLarge) {
		t.Fatalf("FETCH with a 2000-octet literal (max 1000) = %v; want a LimitError", err)
	}
	d, err := f2.CollectMessages(ctx)
	if err != nil || len(d) != 1 || string(d[0].Sections[0].Data) != "abc" {
		t.Fatalf("pipelined FETCH = %v, %v; want its data", d, err)
	}
	errc := make(chan error, 1)
	go func() { errc <- c.Noop(ctx) }()
	s.expect("A4 NOOP")
	s.send("A4 OK")
	if err := <-errc; err != nil {
		t.Fatalf("connection after the oversized literal: %v", err)
	}
}

// Issue 9 item 10: Idle honours its context before the server's "+";
// DONE follows the "+" in the background.
func TestIdleContextBeforeContinuation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- c.Idle(ctx) }()
		s.expect("A1 IDLE")
		cancel()
		synctest.Wait()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Idle = %v", err)
			}
		default:
			t.Fatal("Idle ignores its context until the server's +")
		}
		s.send("+ idling")
		s.expect("DONE")
		s.send("A1 OK")
		errc := make(chan error, 1)
		go func() { errc <- c.Noop(context.Background()) }()
		s.expect("A2 NOOP")
		s.send("A2 OK")
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	})
}

// Issue 9 item 10: the wait for DONE's completion is bounded.
func TestIdleDoneBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", &Options{InactivityTimeout: time.Minute})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- c.Idle(ctx) }()
		s.expect("A1 IDLE")
		s.send("+ idling")
		synctest.Wait()
		cancel()
		s.expect("DONE")
		// The server never completes the IDLE.
		if err := <-done; !errors.Is(err, ErrTimeout) {
			t.Fatalf("Idle without completion after DONE = %v; want ErrTimeout", err)
		}
		if !errors.Is(c.Err(), ErrTimeout) {
			t.Errorf("connection error = %v; want ErrTimeout", c.Err())
		}
	})
}

// Issue 9 item 10: a command issued during Idle ends the IDLE, runs, and
// Idle resumes.
func TestCommandDuringIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- c.Idle(ctx) }()
		s.expect("A1 IDLE")
		s.send("+ idling")
		synctest.Wait()
		errc := make(chan error, 1)
		go func() { errc <- c.Noop(context.Background()) }()
		s.expect("DONE")
		s.send("A1 OK idle ended")
		s.expect("A2 NOOP")
		s.send("A2 OK")
		if err := <-errc; err != nil {
			t.Fatalf("Noop during Idle: %v", err)
		}
		s.expect("A3 IDLE")
		s.send("+ idling again")
		synctest.Wait()
		cancel()
		s.expect("DONE")
		s.send("A3 OK")
		if err := <-done; err != nil {
			t.Fatalf("Idle: %v", err)
		}
	})
}

// Issue 9 item 11: a server that never greets, or greets a byte a second,
// fails New within ConnectTimeout, naming the step.
func TestGreetingTimeout(t *testing.T) {
	for _, slow := range []bool{false, true} {
		t.Run(fmt.Sprint("slowloris=", slow), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := scripted.New(t, nil)
				if slow {
					// A byte a second until just before the timeout:
					// the bound is on the whole greeting, not on
					// the silence between bytes.
					for range 19 {
						s.Send("*")
						s.Sleep(time.Second)
					}
				}
				s.StallForever()
				start := time.Now()
				_, err := New(context.Background(), s.Client(), &Options{ConnectTimeout: 20 * time.Second})
				if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "waiting for the greeting") {
					t.Fatalf("New against a silent server = %v; want ErrTimeout waiting for the greeting", err)
				}
				if d := time.Since(start); d != 20*time.Second {
					t.Errorf("New gave up after %v; want the ConnectTimeout (20 s)", d)
				}
			})
		})
	}
}

// Issue 9 item 11: Dial of imap:// against a port that waits for a TLS
// ClientHello (both sides silent) fails within ConnectTimeout.
func TestDialPlainAgainstTLSPort(t *testing.T) {
	s, err := scripted.Listen(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.StallForever() // reads what comes, says nothing
	returns(t, "Dial", func() {
		_, err := Dial(context.Background(), "imap://"+s.Addr(), &Options{ConnectTimeout: 300 * time.Millisecond})
		if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("Dial imap:// to a silent TLS port = %v; want ErrTimeout naming the host", err)
		}
	})
}

// Issue 9 item 11: with a command pending and the server silent, the
// connection ends after InactivityTimeout, naming what it waited for; an
// IDLE that idles is not inactivity.
func TestInactivityTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", &Options{InactivityTimeout: 20 * time.Second})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- c.Idle(ctx) }()
		s.expect("A1 IDLE")
		s.send("+ idling")
		time.Sleep(10 * time.Minute)
		if c.Err() != nil {
			t.Fatalf("IDLE idling for 10 minutes ended the connection: %v", c.Err())
		}
		cancel()
		s.expect("DONE")
		s.send("A1 OK")
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		// A busy server, then a silent one.
		errc := make(chan error, 1)
		start := time.Now()
		go func() { errc <- c.Noop(context.Background()) }()
		s.expect("A2 NOOP")
		for range 3 {
			time.Sleep(15 * time.Second)
			s.send("* 1 EXISTS")
		}
		err := <-errc
		var ce *ConnError
		if !errors.As(err, &ce) || !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "A2 NOOP") {
			t.Fatalf("Noop against a silent server = %v; want a ConnError wrapping ErrTimeout naming A2 NOOP", err)
		}
		if d := time.Since(start); d != 45*time.Second+20*time.Second {
			t.Errorf("timed out after %v; want 20 s after the last byte (65 s)", d)
		}
	})
}

// Issue 9 item 7: Close returns while the reader is in a STARTTLS
// handshake that the server never answers, and while a consumer holds a
// streamed literal.
func TestCloseInAnyState(t *testing.T) {
	t.Run("TLS handshake", func(t *testing.T) {
		c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi", &Options{TLSConfig: &tls.Config{ServerName: "x"}})
		errc := make(chan error, 1)
		go func() { errc <- c.StartTLS(context.Background()) }()
		s.expect("A1 STARTTLS")
		s.send("A1 OK begin TLS")
		s.ExpectBytes("\x16\x03") // a TLS handshake record (the ClientHello); then silence
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
		returns(t, "Close during the handshake", func() { c.Close() })
		if err := <-errc; err == nil {
			t.Error("StartTLS succeeded")
		}
	})
	t.Run("streamed literal held", func(t *testing.T) {
		c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 8})
		selectINBOX(t, c, s)
		holding := make(chan struct{})
		release := make(chan struct{})
		f, err := c.Fetch(context.Background(), seqset.MustParse("1"), &FetchItems{Sections: []FetchSection{{}}},
			&FetchOptions{Literal: func(seq uint32, item string, size int64, r io.Reader) error {
				close(holding)
				<-release
				return nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		s.expect("A2 FETCH 1 (BODY.PEEK[])")
		s.send("* 1 FETCH (BODY[] {20}\r\n01234567890123456789)", "A2 OK")
		done := make(chan error, 1)
		go func() { _, err := f.CollectMessages(context.Background()); done <- err }()
		<-holding
		returns(t, "Close while a literal is held", func() { c.Close() })
		close(release)
		<-done
	})
}

// Idle's context ending while Idle re-issues IDLE after an interrupting
// command (the IDLE line in the middle of its write: the server is not
// reading) neither cuts the line, which would end the connection, nor
// makes Idle return the context's error: Idle returns nil, DONE follows
// the server's "+", and the connection goes on.
func TestIdleCancelledWhileReissuing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", &Options{})
		expect, send := s.expect, s.send
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- c.Idle(ctx) }()
		expect("A1 IDLE")
		send("+ idling")
		synctest.Wait()
		errc := make(chan error, 1)
		go func() { errc <- c.Noop(context.Background()) }()
		expect("DONE")
		send("A1 OK")
		expect("A2 NOOP")
		s.StopReading()
		send("A2 OK")
		if err := <-errc; err != nil {
			t.Fatalf("Noop during Idle: %v", err)
		}
		// Idle now writes A3 IDLE, and the server reads nothing.
		synctest.Wait()
		cancel()
		synctest.Wait()
		s.ResumeReading()
		expect("A3 IDLE")
		send("+ idling")
		expect("DONE")
		send("A3 OK")
		if err := <-done; err != nil {
			t.Errorf("Idle cancelled while re-issuing IDLE = %v; want nil", err)
		}
		if err := c.Err(); err != nil {
			t.Fatalf("connection ended: %v", err)
		}
		go func() { errc <- c.Noop(context.Background()) }()
		expect("A4 NOOP")
		send("A4 OK")
		if err := <-errc; err != nil {
			t.Fatalf("Noop after Idle: %v", err)
		}
	})
}
