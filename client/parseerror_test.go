package client

import (
	"sync"
	"testing"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/wire"
)

// TestOnParseErrorAndStrict: in lenient mode a response whose parser
// fails reaches the caller as a generic tree with its error, and
// OnParseError hears of it; in strict mode the same response ends the
// connection.
func TestOnParseErrorAndStrict(t *testing.T) {
	var mu sync.Mutex
	var hooked []*codec.ParseError
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1] hi", &Options{OnParseError: func(_ *wire.Response, err *codec.ParseError) {
		mu.Lock()
		hooked = append(hooked, err)
		mu.Unlock()
	}})
	errc := make(chan error, 1)
	go func() { errc <- c.Noop(testCtx(t)) }()
	s.expect("A1 NOOP")
	s.send("* STATUS INBOX (MESSAGES x)", "A1 OK done")
	if err := <-errc; err != nil {
		t.Fatalf("lenient NOOP: %v", err)
	}
	mu.Lock()
	if len(hooked) != 1 || hooked[0].What != "STATUS item" || hooked[0].Name != "MESSAGES" {
		t.Errorf("OnParseError got %v; want the STATUS item's error", hooked)
	}
	mu.Unlock()

	c, s = newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1] hi", &Options{Strict: true})
	go func() { errc <- c.Noop(testCtx(t)) }()
	s.expect("A1 NOOP")
	s.send("* STATUS INBOX (MESSAGES x)", "A1 OK done")
	if err := <-errc; err == nil {
		t.Error("strict NOOP succeeded after a malformed STATUS")
	}
}
