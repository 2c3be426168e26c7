package notify_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/notify"
	"github.com/imapkit/imapkit/wire"
)

// recorder keeps every event delivered, so that a test can wait for
// events in any order.
type recorder struct {
	ch   chan notify.Event
	seen []notify.Event
}

// waitFor polls the server with NOOP (which lets notifications in) until
// an event, delivered now or before, satisfies want; bounded by the
// test's context.
func (r *recorder) waitFor(t *testing.T, c *client.Conn, what string, want func(notify.Event) bool) notify.Event {
	t.Helper()
	ctx := livetest.Ctx(t)
	for {
		for {
			select {
			case e := <-r.ch:
				r.seen = append(r.seen, e)
				continue
			default:
			}
			break
		}
		for _, e := range r.seen {
			if want(e) {
				return e
			}
		}
		if err := c.Noop(ctx); err != nil {
			t.Fatalf("waiting for %s: NOOP: %v", what, err)
		}
		select {
		case e := <-r.ch:
			r.seen = append(r.seen, e)
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			t.Fatalf("no %s notification before the deadline (got %d others)", what, len(r.seen))
		}
	}
}

// Dovecot 2.3 offers NOTIFY: a message appended by another connection
// shows as EXISTS and FETCH (UID) in the selected mailbox and as STATUS
// for another mailbox; a mailbox created elsewhere as LIST.
func TestLiveNotify(t *testing.T) {
	for _, env := range livetest.Servers(t) {
		t.Run(env.Name, func(t *testing.T) { testLiveNotify(t, env) })
	}
}

func testLiveNotify(t *testing.T, env livetest.Env) {
	rec := &recorder{ch: make(chan notify.Event, 1024)}
	c := env.Login(t, &client.Options{
		Extensions: []client.Extension{notify.Install},
		Unilateral: notify.Watch(func(e notify.Event) { rec.ch <- e }, nil),
		Trace:      traceWriter(t),
	})
	ctx := livetest.Ctx(t)
	env.RequireCaps(t, c, "NOTIFY") // Dovecot 2.3 only
	pid := os.Getpid()
	sel := env.Mailbox(t, c, fmt.Sprintf("imapkit-ext-notify-sel-%d", pid))
	other := env.Mailbox(t, c, fmt.Sprintf("imapkit-ext-notify-other-%d", pid))
	if _, err := c.Select(ctx, sel, nil); err != nil {
		t.Fatal(err)
	}
	res, err := notify.Set(ctx, c, true,
		notify.Group{Filter: notify.Selected, Events: both, Fetch: []wire.Value{wire.Atom("UID"), wire.Atom("FLAGS")}},
		notify.Group{Filter: notify.Mailboxes, Mailboxes: []string{other}, Events: both},
		notify.Group{Filter: notify.Personal, Events: []string{notify.MailboxName}},
	)
	if err != nil {
		t.Fatalf("NOTIFY SET: %v", err)
	}
	found := false
	for _, st := range res.Status {
		if st.Mailbox == other {
			found = true
		}
	}
	if !found {
		t.Errorf("NOTIFY SET STATUS returned no STATUS for %s: %+v", other, res.Status)
	}

	// Another connection appends to both mailboxes and creates one.
	c2 := env.Login(t, nil)
	livetest.Append(t, c2, sel, 1)
	livetest.Append(t, c2, other, 2)
	created := env.Mailbox(t, c2, fmt.Sprintf("imapkit-ext-notify-new-%d", pid))

	f := rec.waitFor(t, c, "FETCH of the new message", func(e notify.Event) bool {
		f, ok := e.(*notify.Fetch)
		return ok && f.Data.UID != 0
	}).(*notify.Fetch)
	if f.Data.Has&wire.FetchFlags == 0 {
		t.Errorf("new message's FETCH lacks FLAGS: %+v", f.Data)
	}
	if m := c.Mailbox(); m.Exists != 1 {
		t.Errorf("selected mailbox Exists = %d; want 1 (state follows the notification)", m.Exists)
	}
	rec.waitFor(t, c, "STATUS of "+other+" with 2 messages", func(e notify.Event) bool {
		st, ok := e.(*notify.MailboxStatus)
		if !ok || st.Status.Mailbox != other {
			return false
		}
		n, ok := st.Status.Get("MESSAGES")
		return ok && n == 2
	})
	rec.waitFor(t, c, "LIST of the created mailbox", func(e notify.Event) bool {
		m, ok := e.(*notify.MailboxChange)
		return ok && m.Kind == notify.Listed && strings.EqualFold(m.Mailbox, created)
	})

	if err := notify.None(ctx, c); err != nil {
		t.Fatalf("NOTIFY NONE: %v", err)
	}
}

// Dovecot 2.3 refuses an event it does not support with NO [BADEVENT
// AnnotationChange]: the refused events, without parentheses, where RFC
// 5465 §3.1 and §8 want "(supported events)". The lenient parser types it.
func TestLiveBadEvent(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{notify.Install}}, []string{"NOTIFY"}, testLiveBadEvent)
}

func testLiveBadEvent(t *testing.T, env livetest.Env, c *client.Conn) {
	_, err := notify.Set(livetest.Ctx(t), c, false, notify.Group{Filter: notify.Personal,
		Events: []string{notify.MessageNew, notify.MessageExpunge, notify.AnnotationChange}})
	if err == nil {
		t.Fatal("Dovecot 2.3 (the version CI installs) accepted AnnotationChange; it refused it with BADEVENT when this test was written")
	}
	be, ok := notify.BadEvents(err)
	if !ok {
		t.Fatalf("NOTIFY with AnnotationChange: %v; want NO [BADEVENT ...]", err)
	}
	if len(be.Events) == 0 || be.Events[0] != notify.AnnotationChange {
		t.Errorf("BADEVENT = %+v; want Dovecot's list of the refused event", be)
	}
}

type tw struct{ t *testing.T }

func (w tw) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\r\n"))
	return len(b), nil
}

// traceWriter logs the session when IMAPKIT_TRACE is set.
func traceWriter(t *testing.T) io.Writer {
	if os.Getenv("IMAPKIT_TRACE") == "" {
		return nil
	}
	return &tw{t}
}
