package notify_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/metadata"
	"github.com/imapkit/imapkit/ext/notify"
	"github.com/imapkit/imapkit/wire"
)

const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 NOTIFY LIST-EXTENDED LIST-STATUS] ready"

func reg() *codec.Registry {
	r := codec.NewBaseRegistry()
	notify.RegisterCodec(r)
	return r
}

var both = []string{notify.MessageNew, notify.MessageExpunge}

// RFC 5465 §3.1 example. The RFC writes "(subtree Lists MessageNew)",
// which its own grammar (§8: events are parenthesized) and §5 (MessageNew
// needs MessageExpunge) reject; the transcript uses the valid form.
func TestRFC5465_3_1(t *testing.T) {
	events := make(chan notify.Event, 16)
	c, s := faketest.New(t, greeting, &client.Options{
		Extensions: []client.Extension{notify.Install},
		Unilateral: notify.Watch(func(e notify.Event) { events <- e }, nil),
	})
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() (*notify.Result, error) {
		return notify.Set(ctx, c, true,
			notify.Group{Filter: notify.Selected, Events: both,
				Fetch: []wire.Value{wire.Atom("UID"), wire.Raw("BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT)]")}},
			notify.Group{Filter: notify.Subtree, Mailboxes: []string{"Lists"}, Events: both})
	})
	s.Expect("A1 NOTIFY SET STATUS (SELECTED (MessageNew (UID BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT)]) MessageExpunge)) (SUBTREE Lists (MessageNew MessageExpunge))")
	s.Send("* STATUS Lists/Lemonade (UIDVALIDITY 4 UIDNEXT 9999 MESSAGES 500)",
		"* STATUS Lists/Im2000 (UIDVALIDITY 901 UIDNEXT 1 MESSAGES 0)",
		"A1 OK done")
	res, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Status) != 2 || res.Status[0].Mailbox != "Lists/Lemonade" {
		t.Fatalf("STATUS before OK = %+v", res.Status)
	}
	if n, _ := res.Status[0].Get("MESSAGES"); n != 500 {
		t.Errorf("MESSAGES = %d", n)
	}

	s.Select(c, nil, "A2 SELECT INBOX", "* 126 EXISTS", "* OK [UIDVALIDITY 1] x")
	// Time passes: a message arrives in Lists/Lemonade, then in INBOX.
	noop := faketest.Go(func() (bool, error) { return true, c.Noop(ctx) })
	s.Expect("A3 NOOP")
	s.Send("* STATUS Lists/Lemonade (UIDVALIDITY 4 UIDNEXT 10000 MESSAGES 501)",
		"* 127 EXISTS",
		"* 127 FETCH (UID 127001 BODY[HEADER.FIELDS (From To Subject)] {75}\r\n"+
			"Subject: Re: good morning\r\nFrom: alice@example.org\r\nTo: bob@example.org\r\n\r\n)",
		"A3 OK NOOP done")
	if _, err := noop(); err != nil {
		t.Fatal(err)
	}
	next := func() notify.Event {
		t.Helper()
		select {
		case e := <-events:
			return e
		case <-ctx.Done():
			t.Fatal("event not delivered")
		}
		return nil
	}
	if e, ok := next().(*notify.MailboxStatus); !ok || e.Status.Mailbox != "Lists/Lemonade" {
		t.Fatalf("first event %#v; want STATUS of Lists/Lemonade", e)
	}
	if e, ok := next().(*notify.Exists); !ok || e.Count != 127 {
		t.Fatalf("second event %#v; want 127 EXISTS", e)
	}
	e, ok := next().(*notify.Fetch)
	if !ok || e.Data.UID != 127001 || len(e.Data.Sections) != 1 || !strings.Contains(string(e.Data.Sections[0].Data), "good morning") {
		t.Fatalf("third event %#v; want the new message's FETCH", e)
	}
	// The client's own state followed the EXISTS.
	if m := c.Mailbox(); m == nil || m.Exists != 127 {
		t.Errorf("Mailbox().Exists = %+v; want 127", m)
	}

	// The last part of the example: NOTIFY SET without STATUS.
	done = faketest.Go(func() (*notify.Result, error) {
		return notify.Set(ctx, c, false,
			notify.Group{Filter: notify.Selected, Events: both, Fetch: []wire.Value{wire.Atom("UID")}},
			notify.Group{Filter: notify.Subtree, Mailboxes: []string{"Lists"}, Events: both},
			notify.Group{Filter: notify.Mailboxes, Mailboxes: []string{"misc"}, Events: both})
	})
	s.Expect("A4 NOTIFY SET (SELECTED (MessageNew (UID) MessageExpunge)) (SUBTREE Lists (MessageNew MessageExpunge)) (MAILBOXES misc (MessageNew MessageExpunge))")
	s.Send("A4 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
}

// Every filter and NONE, several mailboxes, and NOTIFY NONE.
func TestArgs(t *testing.T) {
	c, s := faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{notify.Install}})
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() (*notify.Result, error) {
		return notify.Set(ctx, c, false,
			notify.Group{Filter: notify.SelectedDelayed, Events: []string{notify.MessageNew, notify.MessageExpunge, notify.FlagChange}},
			notify.Group{Filter: notify.Personal, Events: []string{notify.MailboxName, notify.SubscriptionChange, notify.MailboxMetadataChange}},
			notify.Group{Filter: notify.Inboxes, Events: both},
			notify.Group{Filter: notify.Subscribed, Events: []string{notify.ServerMetadataChange}},
			notify.Group{Filter: notify.Mailboxes, Mailboxes: []string{"a b", "Straße"}},
		)
	})
	s.Expect(`A1 NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge FlagChange)) (PERSONAL (MailboxName SubscriptionChange MailboxMetadataChange)) (INBOXES (MessageNew MessageExpunge)) (SUBSCRIBED (ServerMetadataChange)) (MAILBOXES ("a b" Stra&AN8-e) NONE)`)
	s.Send(`* LIST (\NoAccess) "/" "a b"`, "A1 OK done")
	res, err := done()
	if err != nil || len(res.NoAccess) != 1 || res.NoAccess[0] != "a b" {
		t.Fatalf("Set = %+v, %v; want \\NoAccess for \"a b\"", res, err)
	}
	none := faketest.Go(func() (bool, error) { return true, notify.None(ctx, c) })
	s.Expect("A2 NOTIFY NONE")
	s.Send("A2 OK done")
	if _, err := none(); err != nil {
		t.Fatal(err)
	}
}

// The rules of RFC 5465 §5 and §8 are checked before anything is sent.
func TestCheck(t *testing.T) {
	c, s := faketest.New(t, greeting, nil)
	ctx := faketest.Ctx(t)
	for name, groups := range map[string][]notify.Group{
		"no groups":             nil,
		"new without expunge":   {{Filter: notify.Personal, Events: []string{notify.MessageNew}}},
		"expunge without new":   {{Filter: notify.Personal, Events: []string{notify.MessageExpunge}}},
		"flags alone":           {{Filter: notify.Inboxes, Events: []string{notify.FlagChange}}},
		"annotation alone":      {{Filter: notify.Inboxes, Events: []string{notify.AnnotationChange}}},
		"mailbox event on sel":  {{Filter: notify.Selected, Events: []string{notify.MailboxName}}},
		"two selected":          {{Filter: notify.Selected, Events: both}, {Filter: notify.SelectedDelayed, Events: both}},
		"fetch on other":        {{Filter: notify.Personal, Events: both, Fetch: []wire.Value{wire.Atom("UID")}}},
		"subtree without names": {{Filter: notify.Subtree, Events: both}},
		"names on personal":     {{Filter: notify.Personal, Mailboxes: []string{"x"}, Events: both}},
		"bad filter":            {{Filter: 99, Events: both}},
		"bad event":             {{Filter: notify.Personal, Events: []string{"Mailbox Name"}}},
	} {
		if _, err := notify.Set(ctx, c, false, groups...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	s.Quiet(0)
}

func TestNotSupported(t *testing.T) {
	c, s := faketest.New(t, faketest.Greeting, nil)
	if _, err := notify.Set(faketest.Ctx(t), c, false, notify.Group{Filter: notify.Personal, Events: both}); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("Set = %v; want ErrNotSupported", err)
	}
	if err := notify.None(faketest.Ctx(t), c); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("None = %v; want ErrNotSupported", err)
	}
	s.Quiet(0)
}

// RFC 5465 §3.1: an unsupported event is refused with NO [BADEVENT
// (supported events)]; a too costly request with NO
// [NOTIFICATIONOVERFLOW].
func TestRefusals(t *testing.T) {
	c, s := faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{notify.Install}})
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() (*notify.Result, error) {
		return notify.Set(ctx, c, false, notify.Group{Filter: notify.Personal, Events: []string{notify.ServerMetadataChange}})
	})
	s.Expect("A1 NOTIFY SET (PERSONAL (ServerMetadataChange))")
	s.Send("A1 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)] Unsupported event")
	_, err := done()
	be, ok := notify.BadEvents(err)
	if !ok || len(be.Events) != 5 || be.Events[3] != notify.MailboxName || be.NoParens {
		t.Fatalf("BadEvents(%v) = %+v, %v", err, be, ok)
	}
	done = faketest.Go(func() (*notify.Result, error) {
		return notify.Set(ctx, c, false, notify.Group{Filter: notify.Personal, Events: []string{notify.MessageNew, notify.MessageExpunge, notify.FlagChange}})
	})
	s.Expect("A2 NOTIFY SET (PERSONAL (MessageNew MessageExpunge FlagChange))")
	s.Send("A2 NO [NOTIFICATIONOVERFLOW] Too many notifications")
	if _, err := done(); !notify.IsOverflow(err) {
		t.Fatalf("error %v; want NOTIFICATIONOVERFLOW", err)
	}
}

// The notification forms of RFC 5465 §5.4-5.8, decoded.
func TestDecode(t *testing.T) {
	r := reg()
	metadata.RegisterCodec(r)
	cases := []struct {
		line  string
		check func(notify.Event) bool
	}{
		{`* LIST () "/" "NewMailbox"`, func(e notify.Event) bool {
			m, ok := e.(*notify.MailboxChange)
			return ok && m.Kind == notify.Listed && m.Mailbox == "NewMailbox" && !m.Subscribed
		}},
		{`* LIST (\NonExistent) "." "INBOX.DeletedMailbox"`, func(e notify.Event) bool {
			m, ok := e.(*notify.MailboxChange)
			return ok && m.Kind == notify.Deleted && m.Mailbox == "INBOX.DeletedMailbox"
		}},
		{`* LIST () "/" "NewMailbox" ("OLDNAME" ("OldMailbox"))`, func(e notify.Event) bool {
			m, ok := e.(*notify.MailboxChange)
			return ok && m.Kind == notify.Renamed && m.OldName == "OldMailbox"
		}},
		{`* LIST (\Subscribed) "/" "SubscribedMailbox"`, func(e notify.Event) bool {
			m, ok := e.(*notify.MailboxChange)
			return ok && m.Kind == notify.Listed && m.Subscribed
		}},
		{`* LIST (\NoAccess) "/" "Secret"`, func(e notify.Event) bool {
			m, ok := e.(*notify.MailboxChange)
			return ok && m.Kind == notify.NoAccess
		}},
		{`* METADATA "INBOX" /shared/comment`, func(e notify.Event) bool {
			m, ok := e.(*notify.Metadata)
			return ok && m.Mailbox == "INBOX"
		}},
		{`* METADATA "" /shared/comment`, func(e notify.Event) bool {
			m, ok := e.(*notify.Metadata)
			return ok && m.Mailbox == ""
		}},
		{`* OK [NOTIFICATIONOVERFLOW] ...A comment can go here...`, func(e notify.Event) bool {
			o, ok := e.(notify.Overflow)
			return ok && o.Text == "...A comment can go here..."
		}},
		{`* 3 EXPUNGE`, func(e notify.Event) bool { x, ok := e.(*notify.Expunge); return ok && x.Seq == 3 }},
		{`* 4 FETCH (FLAGS (\Seen))`, func(e notify.Event) bool { x, ok := e.(*notify.Fetch); return ok && x.Data.Flags[0] == `\Seen` }},
		{`* VANISHED 1:3`, func(e notify.Event) bool { _, ok := e.(*notify.Vanished); return ok }},
	}
	for _, tc := range cases {
		resp := decodetest.Must(t, r, tc.line)
		e, ok := notify.Decode(resp)
		if !ok || !tc.check(e) || e.Response() != resp {
			t.Errorf("%q: Decode = %#v, %v", tc.line, e, ok)
		}
	}
	for _, line := range []string{`* OK [ALERT] x`, `* CAPABILITY IMAP4rev1`, `A1 OK done`, `* SEARCH 1`} {
		if e, ok := notify.Decode(decodetest.Must(t, r, line)); ok {
			t.Errorf("%q decoded as %#v", line, e)
		}
	}
}

// Next reads notifications from the unclaimed queue, and marks what is
// none as *Other.
func TestNext(t *testing.T) {
	c, s := faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{notify.Install}})
	ctx := faketest.Ctx(t)
	s.Send("* STATUS blurdybloop (MESSAGES 3)", "* OK [ALERT] hello", "* OK [NOTIFICATIONOVERFLOW] stop")
	if e, err := notify.Next(ctx, c); err != nil {
		t.Fatal(err)
	} else if st, ok := e.(*notify.MailboxStatus); !ok || st.Status.Mailbox != "blurdybloop" {
		t.Fatalf("first = %#v", e)
	}
	if e, err := notify.Next(ctx, c); err != nil {
		t.Fatal(err)
	} else if _, ok := e.(*notify.Other); !ok {
		t.Fatalf("second = %#v; want *Other", e)
	}
	if e, err := notify.Next(ctx, c); err != nil {
		t.Fatal(err)
	} else if _, ok := e.(notify.Overflow); !ok {
		t.Fatalf("third = %#v; want Overflow", e)
	}
}

func TestRoundTrip(t *testing.T) {
	decodetest.RoundTrip(t, reg(),
		"A1 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)] Unsupported event",
		"* OK [NOTIFICATIONOVERFLOW] ...A comment can go here...",
		"A2 NO [NOTIFICATIONOVERFLOW] too many",
		"A3 NO [BADEVENT AnnotationChange] Unsupported NOTIFY events", // Dovecot 2.3's form, lenient
		"A4 NO [BADEVENT AnnotationChange FlagChange] x",
		"A5 NO [BADEVENT] x",
	)
	for _, line := range []string{"A3 NO [BADEVENT] x", "A3 NO [BADEVENT AnnotationChange] x"} {
		if r, err := decodetest.Decode(reg(), true, line); err == nil && r.Code != nil {
			if _, ok := r.Code.Data.(*notify.BadEvent); ok {
				t.Errorf("strict: %q typed", line)
			}
		}
	}
	r, err := decodetest.Decode(reg(), false, "A1 NO [BADEVENT ()] x")
	if err == nil && r.Code != nil {
		if _, ok := r.Code.Data.(*notify.BadEvent); ok {
			t.Error("empty BADEVENT list typed")
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("A1 NO [BADEVENT (MessageNew MessageExpunge)] x\r\n* OK [NOTIFICATIONOVERFLOW] y\r\n"))
	r := reg()
	f.Fuzz(func(t *testing.T, data []byte) {
		decodetest.Fuzz(r, data)
		// Decode never panics on what the decoder accepts.
		d := codec.NewDecoder(strings.NewReader(string(data)), &codec.DecoderOptions{Registry: r, MaxDepth: 64})
		for i := 0; i < 64; i++ {
			resp, err := d.ReadResponse()
			if err != nil {
				return
			}
			notify.Decode(resp)
		}
	})
}

// NOTIFY SET is an implicit NOOP (RFC 5465 §3.1): changes of the selected
// mailbox arrive before its OK, interleaved with the STATUS responses;
// they go to the events (and the mailbox state), not to the Result.
func TestSetInterleaved(t *testing.T) {
	events := make(chan notify.Event, 16)
	c, s := faketest.New(t, greeting, &client.Options{
		Extensions: []client.Extension{notify.Install},
		Unilateral: notify.Watch(func(e notify.Event) { events <- e }, nil),
	})
	s.Select(c, nil, "A1 SELECT INBOX", "* 2 EXISTS")
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() (*notify.Result, error) {
		return notify.Set(ctx, c, true, notify.Group{Filter: notify.Selected, Events: both},
			notify.Group{Filter: notify.Inboxes, Events: both})
	})
	s.Expect("A2 NOTIFY SET STATUS (SELECTED (MessageNew MessageExpunge)) (INBOXES (MessageNew MessageExpunge))")
	s.Send("* STATUS Other (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 3)", "* 1 EXPUNGE", "* 2 EXISTS",
		"* STATUS Third (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 3)", "A2 OK done")
	res, err := done()
	if err != nil || len(res.Status) != 2 {
		t.Fatalf("Set = %+v, %v; want 2 STATUS", res, err)
	}
	for _, want := range []string{"expunge", "exists"} {
		select {
		case e := <-events:
			switch e.(type) {
			case *notify.Expunge, *notify.Exists:
			default:
				t.Fatalf("event %#v; want %s", e, want)
			}
		case <-ctx.Done():
			t.Fatalf("no %s event", want)
		}
	}
	if m := c.Mailbox(); m.Exists != 2 {
		t.Errorf("Exists = %d after EXPUNGE and EXISTS; want 2", m.Exists)
	}
}

// NOTIFY SET runs alone: a STATUS started while it runs waits, so the
// STATUS responses NOTIFY claims are never the other command's.
func TestSetAlone(t *testing.T) {
	c, s := faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{notify.Install}})
	ctx := faketest.Ctx(t)
	set := faketest.Go(func() (*notify.Result, error) {
		return notify.Set(ctx, c, true, notify.Group{Filter: notify.Personal, Events: both})
	})
	s.Expect("A1 NOTIFY SET STATUS (PERSONAL (MessageNew MessageExpunge))")
	st := faketest.Go(func() (*wire.StatusData, error) { return c.Status(ctx, "Other", []string{"MESSAGES"}) })
	s.Quiet(100 * time.Millisecond) // STATUS is not sent while NOTIFY runs
	s.Send("* STATUS INBOX (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 3)", "A1 OK done")
	if res, err := set(); err != nil || len(res.Status) != 1 {
		t.Fatalf("Set = %+v, %v", res, err)
	}
	s.Expect("A2 STATUS Other (MESSAGES)")
	s.Send("* STATUS Other (MESSAGES 7)", "A2 OK done")
	if sd, err := st(); err != nil || sd.Mailbox != "Other" {
		t.Fatalf("Status = %+v, %v", sd, err)
	}
}
