package client

import "testing"

// A "+" nobody waits for (RFC 9051 §7.6 allows one only in answer to a
// command) is dropped and counted in StrayContinuations, before, during
// and after a command; the one a command asked for is not counted.
func TestStrayContinuationsCounted(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1] hi", nil)
	ctx := testCtx(t)
	if n := c.StrayContinuations(); n != 0 {
		t.Fatalf("StrayContinuations = %d at start; want 0", n)
	}
	s.StrayContinuation("nobody asked")
	errc := make(chan error, 1)
	go func() { errc <- c.Noop(ctx) }()
	s.expect("A1 NOOP")
	s.StrayContinuation("still nobody")
	s.send("A1 OK")
	if err := <-errc; err != nil {
		t.Fatalf("Noop: %v", err)
	}
	if n := c.StrayContinuations(); n != 2 {
		t.Errorf("StrayContinuations = %d after two stray +; want 2", n)
	}
	// A literal's "+" is not stray.
	go func() { errc <- c.Login(ctx, "fred", "sécret") }()
	s.expect("A2 LOGIN fred {7}")
	s.send("+ go ahead")
	s.expect("sécret")
	s.send("A2 OK")
	if err := <-errc; err != nil {
		t.Fatalf("Login: %v", err)
	}
	if n := c.StrayContinuations(); n != 2 {
		t.Errorf("StrayContinuations = %d after a solicited +; want 2", n)
	}
}
