package unauthenticate_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/unauthenticate"
)

// RFC 8437 §3: UNAUTHENTICATE and its OK.
func TestRFC8437_3(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 UNAUTHENTICATE AUTH=PLAIN] ready", nil)
	done := faketest.Go(func() (bool, error) { return true, unauthenticate.Unauthenticate(faketest.Ctx(t), c) })
	s.Expect("A1 UNAUTHENTICATE")
	s.Send("A1 OK Completed, now in not authenticated state")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
}

// RFC 8437 §3: a server may advertise UNAUTHENTICATE only after
// authentication; the capabilities are asked for again.
func TestCapabilityAfterLogin(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1] ready", nil)
	done := faketest.Go(func() (bool, error) { return true, unauthenticate.Unauthenticate(faketest.Ctx(t), c) })
	s.Expect("A1 CAPABILITY")
	s.Send("* CAPABILITY IMAP4rev1 UNAUTHENTICATE", "A1 OK done")
	s.Expect("A2 UNAUTHENTICATE")
	s.Send("A2 OK Completed")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
}

func TestNotSupported(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1] ready", nil)
	done := faketest.Go(func() (bool, error) { return true, unauthenticate.Unauthenticate(faketest.Ctx(t), c) })
	s.Expect("A1 CAPABILITY")
	s.Send("* CAPABILITY IMAP4rev1", "A1 OK done")
	if _, err := done(); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Unauthenticate = %v; want ErrNotSupported", err)
	}
	s.Quiet(0)
}

// Before authentication the command is refused without sending.
func TestNotAuthenticated(t *testing.T) {
	c, s := faketest.New(t, "* OK [CAPABILITY IMAP4rev1 UNAUTHENTICATE] ready", nil)
	if err := unauthenticate.Unauthenticate(faketest.Ctx(t), c); err == nil {
		t.Fatal("UNAUTHENTICATE accepted before authentication")
	}
	s.Quiet(0)
}

// A BAD (RFC 8437 §3: the only failure a server may answer) is returned.
func TestBad(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 UNAUTHENTICATE] ready", nil)
	done := faketest.Go(func() (bool, error) { return true, unauthenticate.Unauthenticate(faketest.Ctx(t), c) })
	s.Expect("A1 UNAUTHENTICATE")
	s.Send("A1 BAD not now")
	_, err := done()
	var se *client.StatusError
	if !errors.As(err, &se) || se.Command != "UNAUTHENTICATE" {
		t.Fatalf("error %v; want a StatusError of UNAUTHENTICATE", err)
	}
}
