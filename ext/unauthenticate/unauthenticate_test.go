package unauthenticate_test

import (
	"errors"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/unauthenticate"
)

var installed = &client.Options{Extensions: []client.Extension{unauthenticate.Install}, InsecureAuth: true}

func unauth(t *testing.T, c *client.Conn) func() (bool, error) {
	return faketest.Go(func() (bool, error) { return true, unauthenticate.Unauthenticate(faketest.Ctx(t), c) })
}

// RFC 8437 §3 and §4.1: after the OK of UNAUTHENTICATE the connection is
// not authenticated, the selected mailbox is gone (EventClosed, no
// expunge), ENABLE's extensions are off, and the capabilities are asked
// again before the next LOGIN, which then works as on a new connection.
func TestRFC8437_3_StateReset(t *testing.T) {
	events := make(chan client.MailboxEvent, 16)
	opts := *installed
	opts.MailboxUpdate = func(e client.MailboxEvent) { events <- e }
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 UNAUTHENTICATE ENABLE CONDSTORE AUTH=PLAIN] ready", &opts)
	ctx := faketest.Ctx(t)
	en := faketest.Go(func() ([]string, error) { return c.Enable(ctx, "CONDSTORE") })
	s.Expect("A1 ENABLE CONDSTORE")
	s.Send("* ENABLED CONDSTORE", "A1 OK enabled")
	if _, err := en(); err != nil || !c.Enabled("CONDSTORE") {
		t.Fatalf("ENABLE: %v", err)
	}
	s.Select(c, nil, "A2 SELECT INBOX", "* 4 EXISTS")

	done := unauth(t, c)
	s.Expect("A3 UNAUTHENTICATE")
	s.Send("A3 OK Completed, now in not authenticated state")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	if st := c.State(); st != client.StateNotAuthenticated {
		t.Fatalf("state after UNAUTHENTICATE = %v; want not authenticated", st)
	}
	if m := c.Mailbox(); m != nil {
		t.Fatalf("mailbox still selected: %+v", m)
	}
	if c.Enabled("CONDSTORE") {
		t.Fatal("CONDSTORE still enabled (RFC 8437 §4.1: ENABLE is reset)")
	}
	select {
	case e := <-events:
		if e.Kind != client.EventClosed || e.Mailbox == nil || e.Mailbox.Exists != 4 {
			t.Fatalf("event %+v; want EventClosed of the 4-message INBOX", e)
		}
	case <-time.After(faketest.Timeout):
		t.Fatal("no EventClosed")
	}
	// Mailbox commands are refused again, before sending.
	if _, err := c.Select(ctx, "INBOX", nil); err == nil {
		t.Fatal("SELECT accepted in the not authenticated state")
	}

	// The server offers other capabilities now; Login asks first.
	login := faketest.Go(func() (bool, error) { return true, c.Login(ctx, "bob", "secret") })
	s.Expect("A4 CAPABILITY")
	s.Send("* CAPABILITY IMAP4rev1 AUTH=PLAIN", "A4 OK done")
	s.Expect("A5 LOGIN bob secret")
	s.Send("A5 OK [CAPABILITY IMAP4rev1 UNAUTHENTICATE ENABLE] logged in")
	if _, err := login(); err != nil {
		t.Fatalf("Login after UNAUTHENTICATE: %v", err)
	}
	if c.State() != client.StateAuthenticated {
		t.Fatalf("state after LOGIN = %v", c.State())
	}
	if has, _ := c.Has(ctx, "CONDSTORE"); has {
		t.Fatal("the capabilities of before UNAUTHENTICATE are still known")
	}
}

// Capabilities the OK carries in a CAPABILITY code are the new ones:
// Login goes straight to LOGIN.
func TestCapabilityCodeKept(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 UNAUTHENTICATE] ready", installed)
	done := unauth(t, c)
	s.Expect("A1 UNAUTHENTICATE")
	s.Send("A1 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN XNEW] now not authenticated")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	ctx := faketest.Ctx(t)
	if has, err := c.Has(ctx, "XNEW"); err != nil || !has {
		t.Fatalf("Has(XNEW) = %v, %v; want the OK's capabilities", has, err)
	}
	login := faketest.Go(func() (bool, error) { return true, c.Login(ctx, "bob", "secret") })
	s.Expect("A2 LOGIN bob secret")
	s.Send("A2 OK logged in")
	if _, err := login(); err != nil {
		t.Fatal(err)
	}
}

// RFC 8437 §3: a server may advertise UNAUTHENTICATE only after
// authentication. The client forgets the capabilities of before LOGIN
// (RFC 9051 §6.2.2), so Unauthenticate judges by those of after: asked
// for when LOGIN's OK carried none.
func TestCapabilityAfterLogin(t *testing.T) {
	c, s := faketest.New(t, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready", installed)
	ctx := faketest.Ctx(t)
	login := faketest.Go(func() (bool, error) { return true, c.Login(ctx, "bob", "secret") })
	s.Expect("A1 LOGIN bob secret")
	s.Send("A1 OK logged in")
	if _, err := login(); err != nil {
		t.Fatal(err)
	}
	done := unauth(t, c)
	s.Expect("A2 CAPABILITY")
	s.Send("* CAPABILITY IMAP4rev1 UNAUTHENTICATE", "A2 OK done")
	s.Expect("A3 UNAUTHENTICATE")
	s.Send("A3 OK Completed")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	if c.State() != client.StateNotAuthenticated {
		t.Fatalf("state %v", c.State())
	}
}

// Without UNAUTHENTICATE among the authenticated state's capabilities
// (here the PREAUTH greeting's), nothing is sent.
func TestNotSupported(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1] ready", installed)
	done := unauth(t, c)
	if _, err := done(); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Unauthenticate = %v; want ErrNotSupported", err)
	}
	s.Quiet(0)
}

// Without Install the client would keep its authenticated state while the
// server resets: refused, nothing sent.
func TestNotInstalled(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 UNAUTHENTICATE] ready", nil)
	if err := unauthenticate.Unauthenticate(faketest.Ctx(t), c); !errors.Is(err, unauthenticate.ErrNotInstalled) {
		t.Fatalf("Unauthenticate without Install = %v; want ErrNotInstalled", err)
	}
	s.Quiet(0)
}

// Before authentication the command is refused without sending.
func TestNotAuthenticated(t *testing.T) {
	c, s := faketest.New(t, "* OK [CAPABILITY IMAP4rev1 UNAUTHENTICATE] ready", installed)
	if err := unauthenticate.Unauthenticate(faketest.Ctx(t), c); err == nil {
		t.Fatal("UNAUTHENTICATE accepted before authentication")
	}
	s.Quiet(0)
}

// A BAD (RFC 8437 §3: the only failure a server may answer) is returned
// and changes nothing.
func TestBad(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 UNAUTHENTICATE] ready", installed)
	done := unauth(t, c)
	s.Expect("A1 UNAUTHENTICATE")
	s.Send("A1 BAD not now")
	_, err := done()
	var se *client.StatusError
	if !errors.As(err, &se) || se.Command != "UNAUTHENTICATE" {
		t.Fatalf("error %v; want a StatusError of UNAUTHENTICATE", err)
	}
	if c.State() != client.StateAuthenticated {
		t.Fatalf("state after BAD = %v; want authenticated", c.State())
	}
}

// RFC 8437 §4.1: with COMPRESS active the client would have to end its
// compression after the command; it cannot, so UNAUTHENTICATE is refused
// before anything is written.
func TestCompressRefused(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 UNAUTHENTICATE COMPRESS=DEFLATE] ready", installed)
	ctx := faketest.Ctx(t)
	comp := faketest.Go(func() (bool, error) { return true, c.Compress(ctx, nil, -1) })
	s.Expect("A1 COMPRESS DEFLATE")
	s.Send("A1 OK DEFLATE active")
	if _, err := comp(); err != nil {
		t.Fatal(err)
	}
	if err := unauthenticate.Unauthenticate(ctx, c); !errors.Is(err, unauthenticate.ErrCompressed) {
		t.Fatalf("Unauthenticate with COMPRESS = %v; want ErrCompressed", err)
	}
	s.Quiet(0)
	if c.State() != client.StateAuthenticated {
		t.Fatalf("state %v", c.State())
	}
}
