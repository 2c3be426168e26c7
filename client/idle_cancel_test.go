package client

import (
	"context"
	"strings"
	"testing"
)

// An Idle whose ctx has already ended sends nothing, returns nil and
// leaves the connection usable. Before the fix it wrote the IDLE line
// with the ended ctx, which cut the write and ended the connection.
func TestIdleCancelledBeforeSend(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", nil)
	ctx, cancel := context.WithCancel(testCtx(t))
	cancel()
	if err := c.Idle(ctx); err != nil {
		t.Fatalf("Idle with an ended ctx = %v; want nil", err)
	}
	if err := c.Err(); err != nil {
		t.Fatalf("connection ended: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Noop(testCtx(t)) }()
	s.expect("A1 NOOP") // A1: no IDLE took a tag
	s.send("A1 OK")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Idle interrupted by another command and cancelled as it re-issues
// IDLE: every round must end with nil and a live connection, whether the
// cancellation lands before, during or after the new IDLE line.
func TestIdleCancelAfterInterrupt(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", nil)
	// A responder: IDLE gets "+", DONE completes the IDLE, others OK.
	idleTag := ""
	s.Respond(func(l string) ([]string, bool) {
		f := strings.Fields(l)
		switch {
		case l == "DONE":
			return []string{idleTag + " OK idle done"}, true
		case len(f) >= 2 && f[1] == "IDLE":
			idleTag = f[0]
			return []string{"+ idling"}, true
		case len(f) >= 2 && f[1] == "STATUS":
			return []string{"* STATUS INBOX (MESSAGES 1)", f[0] + " OK"}, true
		case len(f) >= 1:
			return []string{f[0] + " OK"}, true
		}
		return nil, true
	})
	ctx := testCtx(t)
	for i := range 200 {
		idleCtx, stop := context.WithCancel(ctx)
		idled := make(chan error, 1)
		go func() { idled <- c.Idle(idleCtx) }()
		if _, err := c.Status(ctx, "INBOX", []string{"MESSAGES"}); err != nil {
			t.Fatalf("round %d: Status: %v", i, err)
		}
		stop()
		if err := <-idled; err != nil {
			t.Fatalf("round %d: Idle = %v; want nil", i, err)
		}
		if err := c.Err(); err != nil {
			t.Fatalf("round %d: connection ended: %v", i, err)
		}
	}
	// The connection is still in step.
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
}
