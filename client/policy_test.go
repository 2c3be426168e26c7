package client

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imapkit/imapkit/conformance/scripted"
)

// Issue 9 item 14: under RequireTLS a cleartext PREAUTH greeting is
// refused (no STARTTLS is possible after it: PREAUTH stripping).
func TestRequireTLSRefusesCleartextPreauth(t *testing.T) {
	s := scripted.New(t, &scripted.Options{Timeout: fakeTimeout})
	s.SendLine("* PREAUTH [CAPABILITY IMAP4rev1] welcome")
	_, err := New(testCtx(t), s.Client(), &Options{RequireTLS: true})
	if !errors.Is(err, ErrTLSRequired) {
		t.Fatalf("New with a cleartext PREAUTH under RequireTLS = %v; want ErrTLSRequired", err)
	}
}

// Issue 9 item 14: until TLS is up, only CAPABILITY, NOOP, LOGOUT and
// STARTTLS go out; data commands fail with ErrTLSRequired, unsent.
func TestRequireTLSRefusesDataCommands(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi", &Options{RequireTLS: true, InsecureAuth: true})
	ctx := testCtx(t)
	if err := c.Login(ctx, "u", "p"); !errors.Is(err, ErrTLSRequired) {
		t.Errorf("Login before TLS = %v; want ErrTLSRequired", err)
	}
	if _, err := c.List(ctx, "", []string{"*"}, nil); !errors.Is(err, ErrTLSRequired) {
		t.Errorf("LIST before TLS = %v; want ErrTLSRequired", err)
	}
	if _, err := c.Start(ctx, Spec{Name: "ID"}); !errors.Is(err, ErrTLSRequired) {
		t.Errorf("ID before TLS = %v; want ErrTLSRequired", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- c.Noop(ctx) }()
	s.expect("A1 NOOP") // the first line the server sees: nothing else went out
	s.send("A1 OK")
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if _, ok := c.TLSConnectionState(); ok {
		t.Error("TLSConnectionState on a cleartext connection")
	}
}

// scriptedListener serves one connection with greeting and then answers
// CAPABILITY; it closes the connection on anything else.
func scriptedListener(t *testing.T, greeting, caps string) string {
	s, err := scripted.Listen(t, &scripted.Options{Timeout: fakeTimeout})
	if err != nil {
		t.Fatal(err)
	}
	s.SendLine(greeting)
	s.Respond(func(line string) ([]string, bool) {
		tag, cmd, _ := strings.Cut(line, " ")
		if !strings.EqualFold(cmd, "CAPABILITY") {
			return nil, false
		}
		return []string{"* CAPABILITY " + caps, tag + " OK done"}, true
	})
	s.Drop()
	return s.Addr()
}

// Issue 9 item 14: Dial of imap:// under RequireTLS upgrades or fails:
// ErrTLSRequired without STARTTLS, and on a PREAUTH greeting.
func TestDialRequireTLS(t *testing.T) {
	for _, tc := range []struct{ name, greeting, caps string }{
		{"no STARTTLS", "* OK hi", "IMAP4rev1 AUTH=PLAIN"},
		{"PREAUTH", "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] hi", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := scriptedListener(t, tc.greeting, tc.caps)
			c, err := Dial(testCtx(t), "imap://"+addr, &Options{RequireTLS: true})
			if !errors.Is(err, ErrTLSRequired) {
				if c != nil {
					c.Close()
				}
				t.Fatalf("Dial = %v; want ErrTLSRequired", err)
			}
		})
	}
}

// Issue 9 item 15: after Logout, Err is ErrClosed whatever the order in
// which BYE, the OK and the end of the stream arrive.
func TestLogoutErrDeterministic(t *testing.T) {
	for _, script := range [][]string{
		{"* BYE bye", "A1 OK done", "close"},
		{"* BYE bye", "close"},
		{"A1 OK done", "close"},
		{"* BYE bye", "A1 OK done"},
	} {
		for range 20 {
			c, s := newFake(t, "* PREAUTH hi", nil)
			errc := make(chan error, 1)
			go func() { errc <- c.Logout(testCtx(t)) }()
			s.expect("A1 LOGOUT")
			for _, l := range script {
				if l == "close" {
					s.drop()
				} else {
					s.send(l)
				}
			}
			if err := <-errc; err != nil && script[0] == "* BYE bye" {
				t.Fatalf("%q: Logout = %v", script, err)
			}
			if err := c.Err(); err != ErrClosed {
				t.Fatalf("%q: Err after Logout = %v; want ErrClosed", script, err)
			}
		}
	}
}

// Issue 9 item 15: EventClosed fires for the mailbox a SELECT replaces
// (at [CLOSED], or at the completion without it) and on a failed SELECT.
func TestEventClosed(t *testing.T) {
	var mu sync.Mutex
	var closed []string
	got := make(chan struct{}, 16)
	c, s := newFake(t, "* PREAUTH hi", &Options{MailboxUpdate: func(e MailboxEvent) {
		if e.Kind == EventClosed {
			mu.Lock()
			closed = append(closed, e.Mailbox.Name)
			mu.Unlock()
			got <- struct{}{}
		}
	}})
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	sel := func(name string, lines ...string) error {
		errc := make(chan error, 1)
		go func() { _, err := c.Select(ctx, name, nil); errc <- err }()
		s.line()
		s.send(lines...)
		return <-errc
	}
	wait := func(want string) {
		t.Helper()
		select {
		case <-got:
		case <-time.After(5 * time.Second):
			t.Fatalf("no EventClosed for %s", want)
		}
		mu.Lock()
		defer mu.Unlock()
		if closed[len(closed)-1] != want {
			t.Fatalf("EventClosed for %q; want %q", closed[len(closed)-1], want)
		}
	}
	// [CLOSED] (RFC 7162 §3.2.11).
	if err := sel("Work", "* OK [CLOSED] previous mailbox closed", "* 2 EXISTS", "A2 OK [READ-WRITE] done"); err != nil {
		t.Fatal(err)
	}
	wait("INBOX")
	// No [CLOSED]: at the completion.
	if err := sel("Play", "* 1 EXISTS", "A3 OK [READ-WRITE] done"); err != nil {
		t.Fatal(err)
	}
	wait("Work")
	// A failed SELECT leaves nothing selected.
	if err := sel("Nope", "A4 NO [NONEXISTENT] no such mailbox"); err == nil {
		t.Fatal("SELECT Nope succeeded")
	}
	wait("Play")
	if c.State() != StateAuthenticated || c.Mailbox() != nil {
		t.Errorf("after the failed SELECT: %v, %+v", c.State(), c.Mailbox())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(closed) != 3 {
		t.Errorf("EventClosed fired %d times (%q); want 3", len(closed), closed)
	}
}
