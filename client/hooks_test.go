package client

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imapkit/imapkit/wire"
)

// An extension's hooks change the mailbox and the connection state, emit
// their own events, and run after the base protocol's, for untagged
// data, codes, completions and continuations.
func TestReaderHooks(t *testing.T) {
	var mu sync.Mutex
	var events []MailboxEvent
	var seen []string
	got := make(chan struct{}, 16)
	ext := func(r *Registry) {
		r.OnUntagged("XGONE", func(h *Hook, resp *wire.Response) {
			m := h.Mailbox()
			if m == nil {
				return
			}
			// The base EXISTS hook ran first for earlier responses.
			m.Exists -= min(m.Exists, resp.Num)
			h.Emit(MailboxEvent{Kind: EventExtension, Name: "XGONE", Data: resp.Num})
		})
		r.OnCode("XCODE", func(h *Hook, resp *wire.Response) {
			seen = append(seen, "code:"+resp.Tag)
		})
		r.OnCompletion("XLOGOUTSOFT", func(h *Hook, resp *wire.Response) {
			name, _ := h.Command()
			seen = append(seen, "done:"+name)
			if resp.Status == wire.StatusOK {
				h.SetState(StateNotAuthenticated)
			}
		})
		r.OnContinuation(func(h *Hook, resp *wire.Response) {
			name, _ := h.Command()
			seen = append(seen, "cont:"+name+":"+resp.Text)
		})
	}
	c, s := newFake(t, "* PREAUTH hi", &Options{
		Extensions:    []Extension{ext},
		MailboxUpdate: func(e MailboxEvent) { mu.Lock(); events = append(events, e); mu.Unlock(); got <- struct{}{} },
	})
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	errc := make(chan error, 1)
	go func() { errc <- c.Noop(ctx) }()
	s.expect("A2 NOOP")
	s.send("* 2 XGONE", "* OK [XCODE] hi", "+ stray", "A2 OK [XCODE] done")
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if m := c.Mailbox(); m == nil || m.Exists != 1 {
		t.Fatalf("Mailbox after XGONE = %+v; want 1 message", m)
	}
	go func() {
		cmd, err := c.Start(ctx, Spec{Name: "XLOGOUTSOFT"})
		if err == nil {
			_, err = cmd.Wait(ctx)
		}
		errc <- err
	}()
	s.expect("A3 XLOGOUTSOFT")
	s.send("A3 OK [XCODE] back to the start")
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if c.State() != StateNotAuthenticated || c.Mailbox() != nil {
		t.Fatalf("after XLOGOUTSOFT: state %v, mailbox %+v", c.State(), c.Mailbox())
	}
	for range 2 {
		select {
		case <-got:
		case <-time.After(10 * time.Second):
			t.Fatal("events did not arrive")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 2 || events[0].Kind != EventExtension || events[0].Name != "XGONE" || events[0].Data != uint32(2) ||
		events[0].Mailbox == nil || events[0].Mailbox.Exists != 1 || events[1].Kind != EventClosed {
		t.Errorf("events = %+v", events)
	}
	want := []string{"code:*", "cont::stray", "code:A2", "code:A3", "done:XLOGOUTSOFT"}
	if len(seen) != len(want) {
		t.Fatalf("hooks saw %q; want %q", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("hooks saw %q; want %q", seen, want)
		}
	}
}

// Has and Require report the error of asking for the capabilities
// instead of a plain "no"; Require names what is missing.
func TestHasDoesNotSwallowErrors(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	ctx := testCtx(t)
	errc := make(chan error, 1)
	go func() {
		ok, err := c.Has(ctx, "MOVE")
		if ok {
			err = errors.New("Has reported MOVE")
		}
		errc <- err
	}()
	s.expect("A1 CAPABILITY")
	s.send("A1 BAD not now")
	var se *StatusError
	if err := <-errc; !errors.As(err, &se) {
		t.Fatalf("Has = %v; want the CAPABILITY command's StatusError", err)
	}
	go func() { errc <- c.Require(ctx, "MOVE", "IMAP4rev2") }()
	s.expect("A2 CAPABILITY")
	s.send("* CAPABILITY IMAP4rev1 UIDPLUS", "A2 OK done")
	err := <-errc
	var ne *NotSupportedError
	if !errors.Is(err, ErrNotSupported) || !errors.As(err, &ne) || len(ne.Caps) != 2 {
		t.Fatalf("Require = %v; want NotSupportedError for MOVE or IMAP4rev2", err)
	}
	if ok, err := c.Has(ctx, "uidplus"); !ok || err != nil {
		t.Errorf("Has(uidplus) = %v, %v", ok, err)
	}
}

// The raw path derives RFC 9051 §5.5 safety from the command name: a
// raw FETCH given no pipelining fields still waits for a command in
// flight that may cause EXPUNGE, and a raw SELECT is refused where it is
// not valid.
func TestStartDerivesSafeDefaults(t *testing.T) {
	c, s := newFake(t, "* OK hi", nil)
	ctx := testCtx(t)
	if _, err := c.Start(ctx, Spec{Name: "select", Args: []wire.Value{wire.Atom("INBOX")}}); err == nil {
		t.Fatal("raw SELECT before authentication was sent")
	} else if se := (*StateError)(nil); !errors.As(err, &se) {
		t.Fatalf("raw SELECT before authentication: %v; want StateError", err)
	}
	c2, s2 := newFake(t, "* PREAUTH hi", nil)
	selectINBOX(t, c2, s2)
	noop, err := c2.Start(ctx, Spec{Name: "NOOP"})
	if err != nil {
		t.Fatal(err)
	}
	s2.expect("A2 NOOP")
	fetched := goRun(func() (*wire.Response, error) {
		cmd, err := c2.Start(ctx, Spec{Name: "FETCH", Args: []wire.Value{wire.Atom("1"), wire.Atom("FLAGS")}})
		if err != nil {
			return nil, err
		}
		return cmd.Wait(ctx)
	})
	s2.quiet(100 * time.Millisecond)
	s2.send("* 1 EXPUNGE", "A2 OK done")
	if _, err := noop.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	s2.expect("A3 FETCH 1 FLAGS")
	s2.send("A3 OK done")
	if _, err := fetched(); err != nil {
		t.Fatal(err)
	}
	_ = s
}

// The zero FetchSection is BODY.PEEK[] (the safe form); SetSeen asks for
// BODY[] (RFC 9051 §6.4.5).
func TestFetchSectionPeekByDefault(t *testing.T) {
	for _, tt := range []struct {
		s    FetchSection
		want string
	}{
		{FetchSection{}, "BODY.PEEK[]"},
		{FetchSection{SetSeen: true}, "BODY[]"},
		{FetchSection{Binary: true, Section: wire.Section{Part: []int{1}}}, "BINARY.PEEK[1]"},
		{FetchSection{SetSeen: true, Count: 10}, "BODY[]<0.10>"},
	} {
		if got := tt.s.item(); got != tt.want {
			t.Errorf("%+v: %s; want %s", tt.s, got, tt.want)
		}
	}
}

// SearchCriteria's address/subject fields and the exported Args and
// UsesSeqNums that extension commands use (RFC 9051 §6.4.4).
func TestSearchCriteriaArgs(t *testing.T) {
	c := &SearchCriteria{From: []string{"alice"}, To: []string{"bob"}, Cc: []string{"c"}, Bcc: []string{"d"}, Subject: []string{"héllo"}, Body: []string{"x"}}
	keys, nonASCII := c.Args()
	var parts []string
	for _, k := range keys {
		parts = append(parts, k.Text())
	}
	if got := strings.Join(parts, " "); got != "FROM alice TO bob CC c BCC d SUBJECT héllo BODY x" || !nonASCII {
		t.Errorf("Args = %q, %v", got, nonASCII)
	}
	var nilC *SearchCriteria
	if keys, _ := nilC.Args(); len(keys) != 1 || keys[0].Text() != "ALL" {
		t.Errorf("nil Args = %v; want ALL", keys)
	}
	if c.UsesSeqNums() {
		t.Error("UsesSeqNums without a set")
	}
	nested := &SearchCriteria{Not: []SearchCriteria{{Keys: []wire.Value{wire.Raw("1:5")}}}}
	if !nested.UsesSeqNums() {
		t.Error("UsesSeqNums missed a raw sequence set in a NOT")
	}
}

// IdleNotify signals when the server accepted the IDLE (its "+"), not
// before.
func TestIdleNotifyAccepted(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", nil)
	selectINBOX(t, c, s)
	ctx, cancel := context.WithCancel(testCtx(t))
	accepted := make(chan struct{}, 4)
	done := make(chan error, 1)
	go func() { done <- c.IdleNotify(ctx, func() { accepted <- struct{}{} }) }()
	s.expect("A2 IDLE")
	select {
	case <-accepted:
		t.Fatal("accepted before the server's continuation")
	default:
	}
	s.send("+ idling")
	select {
	case <-accepted:
	case <-time.After(10 * time.Second):
		t.Fatal("no accepted signal after +")
	}
	cancel()
	s.expect("DONE")
	s.send("A2 OK idle done")
	if err := <-done; err != nil {
		t.Fatalf("IdleNotify: %v", err)
	}
}

// A message split over several FETCH responses merges into one.
func TestMergeFetch(t *testing.T) {
	a := &wire.FetchData{Seq: 1, Has: wire.FetchUID | wire.FetchFlags, UID: 10, Flags: []string{`\Seen`}}
	b := &wire.FetchData{Seq: 2, Has: wire.FetchUID, UID: 11}
	c := &wire.FetchData{Seq: 1, Has: wire.FetchUID | wire.FetchRFC822Size | wire.FetchFlags, UID: 10, RFC822Size: 42, Flags: []string{`\Seen`, `\Flagged`},
		Sections: []wire.SectionData{{Data: []byte("hi")}}}
	got := MergeFetch([]*wire.FetchData{a, b, c, nil})
	if len(got) != 2 || got[0].UID != 10 || got[1].UID != 11 {
		t.Fatalf("MergeFetch = %+v", got)
	}
	m := got[0]
	if m.RFC822Size != 42 || len(m.Flags) != 2 || len(m.Sections) != 1 || m.Has&wire.FetchRFC822Size == 0 {
		t.Errorf("merged = %+v", m)
	}
	if len(a.Sections) != 0 || a.RFC822Size != 0 {
		t.Error("MergeFetch modified its input")
	}
}
