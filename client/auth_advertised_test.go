package client

import (
	"errors"
	"testing"

	"github.com/emersion/go-sasl"
)

// RFC 9051 §6.2.2: a mechanism the server does not advertise as
// AUTH=<name> is refused with ErrNotSupported, and nothing is sent.
func TestAuthenticateUnadvertisedMechanism(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi", nil)
	ctx := testCtx(t)
	err := c.Authenticate(ctx, sasl.NewLoginClient("fred", "pw"))
	if !errors.Is(err, ErrNotSupported) {
		t.Fatalf("Authenticate LOGIN = %v; want ErrNotSupported", err)
	}
	// Nothing was sent: the next command takes the first tag.
	done := make(chan error, 1)
	go func() { done <- c.Noop(ctx) }()
	s.expect("A1 NOOP")
	s.send("A1 OK")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Capabilities unknown yet are fetched first, then the check applies.
func TestAuthenticateFetchesCapsFirst(t *testing.T) {
	c, s := newFake(t, "* OK hi", nil)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- c.Authenticate(ctx, sasl.NewLoginClient("fred", "pw")) }()
	s.expect("A1 CAPABILITY")
	s.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN", "A1 OK")
	if err := <-done; !errors.Is(err, ErrNotSupported) {
		t.Fatalf("Authenticate LOGIN = %v; want ErrNotSupported", err)
	}
	go func() { done <- c.Authenticate(ctx, sasl.NewPlainClient("", "fred", "pw")) }()
	s.expect("A2 AUTHENTICATE PLAIN")
	s.send("+ ")
	s.expect(b64("\x00fred\x00pw"))
	s.send("A2 OK done")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
