package client

import (
	"strings"
	"testing"

	"github.com/imapkit/imapkit/wire"
)

// Events past the handler queue's bound are dropped and counted.
func TestDroppedEventsCounted(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	first := true
	c, s := newFake(t, "* PREAUTH hi", &Options{
		UnclaimedQueueSize: 1,
		Unilateral: func(*wire.Response) {
			if first {
				first = false
				close(entered)
				<-release // hold the handler goroutine on the first event
			}
		},
	})
	defer close(release)
	s.send("* OK first")
	<-entered
	// The handler is busy: these wait in the queue, the last 5 overflow.
	const extra = 5
	line := strings.Repeat("* OK x\r\n", 4096)
	for n := 0; n < maxQueuedEvents; n += 4096 {
		s.send(strings.TrimSuffix(line, "\r\n"))
	}
	for range extra {
		s.send("* OK over")
	}
	// A round trip: the reader has handled every line before it.
	done := make(chan error, 1)
	go func() { done <- c.Noop(testCtx(t)) }()
	s.expect("A1 NOOP")
	s.send("A1 OK")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := c.DroppedEvents(); got != extra {
		t.Fatalf("DroppedEvents = %d; want %d", got, extra)
	}
}
