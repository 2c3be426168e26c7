package client

import (
	"errors"
	"testing"
)

// The base commands of extensions that RFC 3501 servers may lack refuse
// with ErrNotSupported, sending nothing, when the server does not
// advertise them (nor IMAP4rev2, which includes them where it does).
func TestBaseExtensionsRequireCapability(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1] hi", nil)
	ctx := testCtx(t)
	for name, call := range map[string]func() error{
		"NAMESPACE": func() error { _, err := c.Namespace(ctx); return err },
		"ENABLE":    func() error { _, err := c.Enable(ctx, "CONDSTORE"); return err },
		"ID":        func() error { _, err := c.ID(ctx, nil); return err },
		"COMPRESS":  func() error { return c.Compress(ctx, nil, -1) },
		"IDLE":      func() error { return c.Idle(ctx) },
		"StartIdle": func() error { _, err := c.StartIdle(ctx); return err },
		"UNSELECT":  func() error { return c.Unselect(ctx) },
	} {
		if err := call(); !errors.Is(err, ErrNotSupported) {
			t.Errorf("%s on an IMAP4rev1-only server = %v; want ErrNotSupported", name, err)
		}
	}
	// Nothing of them was sent: the next line is the NOOP.
	done := make(chan error, 1)
	go func() { done <- c.Noop(ctx) }()
	s.expect("A1 NOOP")
	s.send("A1 OK done")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
