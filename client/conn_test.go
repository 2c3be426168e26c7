package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/conformance/scripted"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/transport"
	"github.com/imapkit/imapkit/wire"
)

const greetOK = "* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE SASL-IR AUTH=PLAIN] ready"

func TestGreetingStates(t *testing.T) {
	c, _ := newFake(t, greetOK, nil)
	if c.State() != StateNotAuthenticated {
		t.Errorf("state after OK greeting = %v", c.State())
	}
	if !c.hasCap("IDLE") || !c.hasCap("LITERAL+") {
		t.Errorf("capabilities from the greeting not recorded: %v", c.capList())
	}
	c2, _ := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1] hi", nil)
	if c2.State() != StateAuthenticated {
		t.Errorf("state after PREAUTH = %v", c2.State())
	}
}

func TestGreetingBye(t *testing.T) {
	s := scripted.New(t, &scripted.Options{Timeout: fakeTimeout})
	s.SendLine("* BYE [UNAVAILABLE] too busy")
	_, err := New(testCtx(t), s.Client(), nil)
	var be *ByeError
	if !errors.As(err, &be) || be.Text != "too busy" || be.Code == nil || be.Code.Name != "UNAVAILABLE" {
		t.Fatalf("New with BYE greeting = %v; want a ByeError with [UNAVAILABLE]", err)
	}
}

func TestLoginStateAndCapabilities(t *testing.T) {
	c, s := newFake(t, greetOK, nil)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- c.Login(ctx, "fred", "pa ss\"w") }()
	s.expect(`A1 LOGIN fred {7+}`)
	s.expect(`pa ss"w`)
	s.send("A1 OK [CAPABILITY IMAP4rev1 IDLE MOVE] logged in")
	if err := <-done; err != nil {
		t.Fatalf("Login: %v", err)
	}
	if c.State() != StateAuthenticated {
		t.Errorf("state = %v; want authenticated", c.State())
	}
	if !c.hasCap("MOVE") || c.hasCap("AUTH=PLAIN") {
		t.Errorf("capabilities after login = %v; want those of the OK only", c.capList())
	}
}

func TestLoginDisabledAndInsecure(t *testing.T) {
	c, _ := newFake(t, "* OK [CAPABILITY IMAP4rev1 LOGINDISABLED STARTTLS] hi", nil)
	if err := c.Login(testCtx(t), "u", "p"); !errors.Is(err, ErrLoginDisabled) {
		t.Errorf("Login under LOGINDISABLED = %v; want ErrLoginDisabled", err)
	}
	c2, _ := newFake(t, greetOK, &Options{})
	if err := c2.Login(testCtx(t), "u", "p"); !errors.Is(err, ErrInsecureAuth) {
		t.Errorf("Login without TLS = %v; want ErrInsecureAuth", err)
	}
}

func TestStatusErrorCarriesCode(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1] hi", nil)
	ctx := testCtx(t)
	errc := make(chan error, 1)
	go func() { _, err := c.Select(ctx, "Nope", nil); errc <- err }()
	s.expect("A1 SELECT Nope")
	s.send("A1 NO [NONEXISTENT] no such mailbox")
	err := <-errc
	var se *StatusError
	if !errors.As(err, &se) || se.Status != wire.StatusNo || se.CodeName() != "NONEXISTENT" || se.Command != "SELECT" || se.Text != "no such mailbox" {
		t.Fatalf("Select error = %#v; want StatusError NO [NONEXISTENT]", err)
	}
	if c.State() != StateAuthenticated || c.Mailbox() != nil {
		t.Errorf("after failed SELECT: state %v, mailbox %v", c.State(), c.Mailbox())
	}
}

func selectINBOX(t *testing.T, c *Conn, s *fakeServer) {
	t.Helper()
	done := make(chan error, 1)
	go func() { _, err := c.Select(testCtx(t), "INBOX", nil); done <- err }()
	s.expect("A1 SELECT INBOX")
	s.send(`* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)`,
		`* OK [PERMANENTFLAGS (\Deleted \Seen \*)] Limited`,
		`* 3 EXISTS`, `* 0 RECENT`,
		`* OK [UIDVALIDITY 1700000000] UIDs valid`,
		`* OK [UIDNEXT 10] Predicted next UID`,
		`A1 OK [READ-WRITE] Select completed`)
	if err := <-done; err != nil {
		t.Fatalf("Select: %v", err)
	}
}

func TestSelectAndMailboxEvents(t *testing.T) {
	var mu sync.Mutex
	var events []MailboxEvent
	var unilateral []string
	got := make(chan struct{}, 16)
	c, s := newFake(t, "* PREAUTH hi", &Options{
		MailboxUpdate: func(e MailboxEvent) { mu.Lock(); events = append(events, e); mu.Unlock(); got <- struct{}{} },
		Unilateral:    func(r *wire.Response) { mu.Lock(); unilateral = append(unilateral, r.Name); mu.Unlock() },
	})
	selectINBOX(t, c, s)
	m := c.Mailbox()
	if m.Exists != 3 || m.UIDValidity != 1700000000 || m.UIDNext != 10 || m.ReadOnly || len(m.Flags) != 5 || len(m.PermanentFlags) != 3 || m.Name != "INBOX" {
		t.Fatalf("Mailbox after SELECT = %+v", m)
	}
	// Unilateral changes: another client appends and expunges; the
	// server changes UIDVALIDITY (a mailbox recreated under us).
	ctx := testCtx(t)
	errc := make(chan error, 1)
	go func() { errc <- c.Noop(ctx) }()
	s.expect("A2 NOOP")
	s.send("* 5 EXISTS", "* 2 EXPUNGE", "* OK [UIDVALIDITY 42] changed", "* OK [READ-ONLY] now read-only", "A2 OK done")
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	for range 4 {
		select {
		case <-got:
		case <-time.After(5 * time.Second):
			t.Fatal("mailbox events did not arrive")
		}
	}
	m = c.Mailbox()
	if m.Exists != 4 || m.UIDValidity != 42 || !m.ReadOnly {
		t.Errorf("Mailbox after NOOP = %+v; want 4 messages, UIDVALIDITY 42, read-only", m)
	}
	mu.Lock()
	defer mu.Unlock()
	kinds := []MailboxEventKind{}
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	want := []MailboxEventKind{EventExists, EventExpunge, EventUIDValidity, EventAccess}
	if !slices.Equal(kinds, want) {
		t.Errorf("events = %v; want %v", kinds, want)
	}
	if events[2].Old != 1700000000 || events[2].Num != 42 {
		t.Errorf("UIDVALIDITY event = %+v", events[2])
	}
}

// Two UID FETCHes in flight; the server interleaves their responses. Each
// command gets its own (claiming), and a FETCH for neither goes to the
// unclaimed queue.
func TestPipelinedFetchClaiming(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	set1, _ := seqset.Parse("1:2")
	set2, _ := seqset.Parse("3")
	items := &FetchItems{Flags: true}
	f1, err := c.UIDFetch(ctx, set1, items, nil)
	if err != nil {
		t.Fatal(err)
	}
	f2, err := c.UIDFetch(ctx, set2, items, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A2 UID FETCH 1:2 (UID FLAGS)")
	s.expect("A3 UID FETCH 3 (UID FLAGS)")
	s.send(`* 3 FETCH (UID 3 FLAGS (\Seen))`,
		`* 1 FETCH (UID 1 FLAGS ())`,
		`* 2 FETCH (FLAGS (\Deleted))`, // no UID: unilateral flag change, claimed by neither
		`* 2 FETCH (UID 2 FLAGS (\Flagged))`,
		"A3 OK done", "A2 OK done")
	r1, err := f1.CollectMessages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := f2.CollectMessages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	uids := func(ds []*wire.FetchData) (out []uint32) {
		for _, d := range ds {
			out = append(out, d.UID)
		}
		return out
	}
	if got := uids(r1); !slices.Equal(got, []uint32{1, 2}) {
		t.Errorf("first UID FETCH got UIDs %v; want [1 2]", got)
	}
	if got := uids(r2); !slices.Equal(got, []uint32{3}) {
		t.Errorf("second UID FETCH got UIDs %v; want [3]", got)
	}
	// Issue 9 item 2: the FETCH without a UID is an unsolicited flag
	// update, for the unclaimed queue.
	u, err := c.Unclaimed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := u.Data.(*wire.FetchData); !ok || d.Seq != 2 || d.Has&wire.FetchUID != 0 || !slices.Equal(d.Flags, []string{`\Deleted`}) {
		t.Errorf("unclaimed = %+v; want the FLAGS-only FETCH of message 2", u)
	}
}

// RFC 9051 §5.5: a command with sequence numbers waits while a command
// that may cause EXPUNGE (here NOOP) is in flight.
func TestGateSequenceAfterNoop(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	noop, err := c.Start(ctx, Spec{Name: "NOOP"})
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A2 NOOP")
	fetched := make(chan *FetchCommand, 1)
	go func() {
		f, err := c.Fetch(ctx, seqset.MustParse("1"), &FetchItems{Flags: true}, nil)
		if err != nil {
			t.Error(err)
		}
		fetched <- f
	}()
	s.quiet(200 * time.Millisecond)
	s.send("* 1 EXPUNGE", "A2 OK done")
	if _, err := noop.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	s.expect("A3 FETCH 1 (FLAGS)")
	s.send("A3 OK done")
	if _, err := (<-fetched).CollectMessages(ctx); err != nil {
		t.Fatal(err)
	}
	// FETCH + FETCH may overlap: both go out at once.
	a, _ := c.Fetch(ctx, seqset.MustParse("1"), &FetchItems{UID: true}, nil)
	b, _ := c.Fetch(ctx, seqset.MustParse("2"), &FetchItems{UID: true}, nil)
	s.expect("A4 FETCH 1 (UID)")
	s.expect("A5 FETCH 2 (UID)")
	s.send("A4 OK", "A5 OK")
	a.Wait(ctx)
	b.Wait(ctx)
}

func TestProtocolErrors(t *testing.T) {
	tests := []struct {
		name, send, want string
	}{
		{"unknown tag", "Z9 OK what", "unknown tag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newFake(t, "* PREAUTH hi", nil)
			ctx := testCtx(t)
			cmd, err := c.Start(ctx, Spec{Name: "NOOP"})
			if err != nil {
				t.Fatal(err)
			}
			s.expect("A1 NOOP")
			s.send(tt.send)
			_, err = cmd.Wait(ctx)
			var ce *ConnError
			var pe *ProtocolError
			if !errors.As(err, &ce) || !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Wait = %v; want a ConnError with a ProtocolError about %q", err, tt.want)
			}
			if _, err := c.Start(ctx, Spec{Name: "NOOP"}); !errors.As(err, &ce) {
				t.Errorf("Start after the connection ended = %v; want ConnError", err)
			}
		})
	}
}

func TestByeEndsCommands(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	ctx := testCtx(t)
	cmd, _ := c.Start(ctx, Spec{Name: "NOOP"})
	s.expect("A1 NOOP")
	s.send("* BYE [ALERT] shutting down")
	s.drop()
	_, err := cmd.Wait(ctx)
	var be *ByeError
	if !errors.As(err, &be) || be.Text != "shutting down" {
		t.Fatalf("Wait after BYE = %v; want ConnError(ByeError)", err)
	}
}

func TestContextCancelLeavesConnectionUsable(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	ctx, cancel := context.WithCancel(testCtx(t))
	cmd, _ := c.Start(ctx, Spec{Name: "NOOP"})
	s.expect("A1 NOOP")
	cancel()
	if _, err := cmd.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with cancelled ctx = %v", err)
	}
	s.send("A1 OK late")
	ctx2 := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- c.Noop(ctx2) }()
	s.expect("A2 NOOP")
	s.send("A2 OK")
	if err := <-done; err != nil {
		t.Fatalf("Noop after a cancelled command: %v", err)
	}
}

func TestSynchronizingLiteral(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1] hi", nil)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- c.Login(ctx, "fred", "sécret") }()
	s.expect("A1 LOGIN fred {7}")
	s.send("+ go ahead")
	s.expect("sécret")
	s.send("A1 OK logged in")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestLiteralRefused(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1] hi", nil)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- c.Login(ctx, "fred", "sécret") }()
	s.expect("A1 LOGIN fred {7}")
	s.send("A1 NO too long")
	var se *StatusError
	if err := <-done; !errors.As(err, &se) || se.Status != wire.StatusNo {
		t.Fatalf("Login refused at the literal = %v; want StatusError NO", err)
	}
}

func TestStartTLSInjection(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi", nil)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- c.StartTLS(ctx) }()
	s.expect("A1 STARTTLS")
	// The OK and an injected response arrive together, before any TLS.
	s.send("A1 OK begin TLS now", "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected")
	err := <-done
	if !errors.Is(err, transport.ErrBufferedAfterStartTLS) {
		t.Fatalf("StartTLS with injected bytes = %v; want ErrBufferedAfterStartTLS", err)
	}
	if c.Err() == nil {
		t.Error("connection still up after an injection attempt")
	}
}

func TestStreamedLiteral(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 16})
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	body := strings.Repeat("0123456789", 100)
	var got bytes.Buffer
	var items []string
	f, err := c.UIDFetch(ctx, seqset.MustParse("1:2"), &FetchItems{Sections: []FetchSection{{}}},
		&FetchOptions{Literal: func(seq uint32, item string, size int64, r io.Reader) error {
			items = append(items, item)
			n, err := io.Copy(&got, r)
			if n != size {
				t.Errorf("streamed %d of %d bytes", n, size)
			}
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A2 UID FETCH 1:2 (UID BODY.PEEK[])")
	s.send("* 1 FETCH (UID 1 BODY[] {1000}\r\n"+body+")", "* 2 FETCH (UID 2 BODY[] {3}\r\nabc)", "A2 OK done")
	msgs, err := f.CollectMessages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != body {
		t.Errorf("streamed %d bytes, not the literal", got.Len())
	}
	if len(msgs) != 2 || !msgs[0].Sections[0].Streamed || msgs[0].Sections[0].Size != 1000 || string(msgs[1].Sections[0].Data) != "abc" {
		t.Errorf("FETCH data: %+v", msgs)
	}
	if !slices.Equal(items, []string{"BODY[]"}) {
		t.Errorf("streamed items %q", items)
	}
}

func TestIdle(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", nil)
	selectINBOX(t, c, s)
	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan error, 1)
	go func() { done <- c.Idle(ctx) }()
	s.expect("A2 IDLE")
	s.send("+ idling", "* 4 EXISTS")
	deadline := time.Now().Add(5 * time.Second)
	for c.Mailbox().Exists != 4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if c.Mailbox().Exists != 4 {
		t.Fatal("EXISTS during IDLE not applied")
	}
	cancel()
	s.expect("DONE")
	s.send("A2 OK idle done")
	if err := <-done; err != nil {
		t.Fatalf("Idle: %v", err)
	}
}

func TestIdleRenewal(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", nil)
	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan error, 1)
	go func() { done <- c.idle(ctx, 50*time.Millisecond, nil) }()
	s.expect("A1 IDLE")
	s.send("+ idling")
	s.expect("DONE")
	s.send("A1 OK")
	s.expect("A2 IDLE")
	cancel()
	s.send("+ idling")
	s.expect("DONE")
	s.send("A2 OK")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestUnclaimedQueue(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{UnclaimedQueueSize: 2})
	s.send("* 1 EXISTS", "* 2 EXISTS", "* 3 EXISTS")
	ctx := testCtx(t)
	deadline := time.Now().Add(5 * time.Second)
	for c.Dropped() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if c.Dropped() != 1 {
		t.Fatalf("Dropped = %d; want 1", c.Dropped())
	}
	for _, want := range []uint32{2, 3} {
		r, err := c.Unclaimed(ctx)
		if err != nil || r.Num != want {
			t.Fatalf("Unclaimed = %v, %v; want EXISTS %d", r, err, want)
		}
	}
}

// SELECT sent through the raw path changes the state like Select does.
func TestRawSelectTracksState(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE] hi", nil)
	ctx := testCtx(t)
	cmd, err := c.Start(ctx, Spec{Name: "SELECT", Args: []wire.Value{wire.String("Entw&APw-rfe")}})
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A1 SELECT Entw&APw-rfe")
	s.send("* 2 EXISTS", "* OK [UIDVALIDITY 7] uids", "A1 OK [READ-ONLY] done")
	if _, err := cmd.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	m := c.Mailbox()
	if c.State() != StateSelected || m == nil || m.Name != "Entwürfe" || m.Exists != 2 || !m.ReadOnly || m.UIDValidity != 7 {
		t.Fatalf("after raw SELECT: state %v, mailbox %+v", c.State(), m)
	}
	// ENABLE is valid in the authenticated state only (RFC 9051 §6.3.1).
	var se *StateError
	if _, err := c.Enable(ctx, "CONDSTORE"); !errors.As(err, &se) {
		t.Errorf("ENABLE while selected = %v; want StateError", err)
	}
}

// While a consumer iterates a command's responses, the reader waits for it
// once maxQueued responses are queued: memory stays bounded.
func TestBackPressure(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &FetchItems{Flags: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A2 FETCH 1:* (FLAGS)")
	const n = 3 * maxQueued
	go func() {
		for i := 1; i <= n; i++ {
			s.send(fmt.Sprintf("* %d FETCH (FLAGS ())", i))
		}
		s.send("A2 OK done")
	}()
	got := 0
	for _, err := range f.Messages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got++
		if got == 1 {
			time.Sleep(100 * time.Millisecond) // a slow consumer: the reader must wait, not queue everything
			f.mu.Lock()
			q := len(f.queue)
			f.mu.Unlock()
			if q > maxQueued {
				t.Fatalf("%d responses queued behind a slow consumer; want at most %d", q, maxQueued)
			}
		}
	}
	if got != n {
		t.Errorf("iterated %d responses; want %d", got, n)
	}
}

// An argument the encoder refuses withdraws the command: nothing is sent,
// the connection stays usable, and no command is left in flight.
func TestInvalidArgumentWithdrawsCommand(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	ctx := testCtx(t)
	_, err := c.Start(ctx, Spec{Name: "SELECT", Args: []wire.Value{wire.Atom("a b\r\nA9 LOGOUT")}})
	var ee *codec.EncodeError
	if !errors.As(err, &ee) {
		t.Fatalf("Start with an injected atom = %v; want an EncodeError", err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Noop(ctx) }()
	s.expect("A2 NOOP")
	s.send("A2 OK")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c.State() != StateAuthenticated || c.Mailbox() != nil {
		t.Errorf("state %v, mailbox %v after a withdrawn SELECT", c.State(), c.Mailbox())
	}
}

// A command issued while LOGIN is in flight is judged in the state LOGIN
// leaves behind.
func TestStateCheckedAfterGate(t *testing.T) {
	c, s := newFake(t, greetOK, nil)
	ctx := testCtx(t)
	login := make(chan error, 1)
	go func() { login <- c.Login(ctx, "u", "p") }()
	s.expect("A1 LOGIN u p")
	sel := make(chan error, 1)
	go func() { _, err := c.Select(ctx, "INBOX", nil); sel <- err }()
	s.quiet(100 * time.Millisecond)
	s.send("A1 OK [CAPABILITY IMAP4rev1] in")
	if err := <-login; err != nil {
		t.Fatal(err)
	}
	s.expect("A2 SELECT INBOX")
	s.send("A2 OK [READ-WRITE] done")
	if err := <-sel; err != nil {
		t.Fatalf("SELECT queued behind LOGIN: %v", err)
	}
}

// After ENABLE UTF8=ACCEPT, mailbox names travel as UTF-8 both ways
// (RFC 6855 §3).
func TestEnableUTF8Accept(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT] hi", nil)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { _, err := c.Enable(ctx, "UTF8=ACCEPT"); done <- err }()
	s.expect("A1 ENABLE UTF8=ACCEPT")
	s.send("* ENABLED UTF8=ACCEPT", "A1 OK enabled")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var res *ListResult
	go func() {
		var err error
		res, err = c.List(ctx, "", []string{"Entwürfe"}, nil)
		done <- err
	}()
	s.expect(`A2 LIST "" "Entwürfe"`)
	s.send(`* LIST () "/" "Entwürfe"`, `* LIST () "/" "&AOk-t&AOk-"`, "A2 OK")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(res.Mailboxes) != 2 || res.Mailboxes[0].Mailbox != "Entwürfe" || res.Mailboxes[1].Mailbox != "&AOk-t&AOk-" {
		t.Errorf("LIST under UTF8=ACCEPT = %+v, %+v; want names taken as sent", res.Mailboxes[0], res.Mailboxes[1])
	}
}

// The queue is bounded by bytes too: whole messages buffered in FETCH
// responses do not pile up behind a slow consumer.
func TestBackPressureBytes(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &FetchItems{Sections: []FetchSection{{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A2 FETCH 1:* (BODY.PEEK[])")
	const n, size = 24, 1 << 20
	body := strings.Repeat("x", size)
	go func() {
		for i := 1; i <= n; i++ {
			s.send(fmt.Sprintf("* %d FETCH (BODY[] {%d}\r\n%s)", i, size, body))
		}
		s.send("A2 OK done")
	}()
	got := 0
	for m, err := range f.Messages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Sections) != 1 || len(m.Sections[0].Data) != size {
			t.Fatalf("message %d: %d sections", m.Seq, len(m.Sections))
		}
		got++
		if got == 1 {
			time.Sleep(300 * time.Millisecond)
			f.mu.Lock()
			q := f.queuedB
			f.mu.Unlock()
			if q > maxQueuedBytes+size+1024 {
				t.Fatalf("%d bytes queued behind a slow consumer; want about %d at most", q, maxQueuedBytes)
			}
		}
	}
	if got != n {
		t.Errorf("iterated %d messages; want %d", got, n)
	}
}
