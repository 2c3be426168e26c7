package qresync_test

import (
	"errors"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/condstore"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/internal/roundtrip"
	"github.com/imapkit/imapkit/ext/qresync"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC] fake ready"

// enabled returns a connection with QRESYNC enabled (RFC 7162 §3.2.3).
func enabled(t *testing.T, opts *client.Options) (*client.Conn, *faketest.Server) {
	t.Helper()
	if opts == nil {
		opts = &client.Options{}
	}
	opts.Extensions = append(opts.Extensions, qresync.Install)
	c, s := faketest.New(t, greeting, opts)
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, qresync.Enable(faketest.Ctx(t), c) })
	s.Expect("A1 ENABLE QRESYNC")
	s.Send("* ENABLED QRESYNC", "A1 OK enabled")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	return c, s
}

// TestRFC7162_3_2_5_1_Resync replays the example of RFC 7162 §3.2.5.1:
// the VANISHED (EARLIER) and FETCH responses of the SELECT belong to it
// and come back as the changes; none reaches the unclaimed queue.
func TestRFC7162_3_2_5_1_Resync(t *testing.T) {
	unilateral := make(chan *wire.Response, 16)
	c, s := enabled(t, &client.Options{Unilateral: func(r *wire.Response) { unilateral <- r }})
	done := faketest.Go(func() (*qresync.Changes, error) {
		return qresync.Resync(faketest.Ctx(t), c, "INBOX", qresync.Saved{
			UIDValidity: 67890007, HighestModSeq: 20050715194045000, KnownUIDs: seqset.MustParse("41,43:211,214:541"),
		}, false)
	})
	s.Expect("A2 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))")
	s.Send(
		"* 100 EXISTS",
		"* 11 RECENT",
		"* OK [UIDVALIDITY 67890007] UIDVALIDITY",
		"* OK [UIDNEXT 600] Predicted next UID",
		"* OK [HIGHESTMODSEQ 20050715194045319] Highest mailbox mod-sequence",
		"* OK [UNSEEN 7] There are some unseen messages in the mailbox",
		`* FLAGS (\Answered \Flagged \Draft \Deleted \Seen)`,
		`* OK [PERMANENTFLAGS (\Answered \Flagged \Draft \Deleted \Seen \*)] Permanent flags`,
		"* VANISHED (EARLIER) 41,43:116,118,120:211,214:540",
		`* 49 FETCH (UID 117 FLAGS (\Seen \Answered) MODSEQ (90060115194045001))`,
		`* 50 FETCH (UID 119 FLAGS (\Draft $MDNSent) MODSEQ (90060115194045308))`,
		`* 51 FETCH (UID 541 FLAGS (\Seen $Forwarded) MODSEQ (90060115194045001))`,
		"A2 OK [READ-WRITE] mailbox selected")
	ch, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if ch.Stale || !ch.Vanished.Equal(seqset.MustParse("41,43:116,118,120:211,214:540")) || len(ch.Changed) != 3 {
		t.Fatalf("Changes = %+v", ch)
	}
	if ch.Changed[1].UID != 119 {
		t.Errorf("second change is UID %d; want 119", ch.Changed[1].UID)
	}
	if n, _ := condstore.ModSeq(ch.Changed[1]); n != 90060115194045308 {
		t.Errorf("MODSEQ of UID 119 = %d", n)
	}
	// VANISHED (EARLIER) does not shrink the count (RFC 7162 §3.2.10); the
	// SELECT's HIGHESTMODSEQ code wins over the example's higher FETCH
	// MODSEQs (RFC 7162 §6: the client MUST use the code even if it has
	// seen higher mod-sequences; condstore hooks).
	if m := ch.Mailbox; m.Exists != 100 || m.UIDValidity != 67890007 || m.HighestModSeq != 20050715194045319 {
		t.Errorf("Mailbox = %+v", m)
	}
	// Nothing of the SELECT was left unclaimed: the first unclaimed
	// response is a marker sent after it (handlers run in arrival order).
	go c.Noop(faketest.Ctx(t))
	s.Expect("A3 NOOP")
	s.Send("* 101 EXISTS", "A3 OK done")
	select {
	case r := <-unilateral:
		if r.Name != "EXISTS" || r.Num != 101 {
			t.Errorf("unclaimed response %v %v before the marker", r.Name, r.Data)
		}
	case <-time.After(faketest.Timeout):
		t.Fatal("the marker did not arrive")
	}
}

// A changed UIDVALIDITY makes the saved state stale (RFC 7162 §3.2.5.2).
func TestResyncStale(t *testing.T) {
	c, s := enabled(t, nil)
	done := faketest.Go(func() (*qresync.Changes, error) {
		return qresync.Resync(faketest.Ctx(t), c, "INBOX", qresync.Saved{UIDValidity: 1, HighestModSeq: 5}, true)
	})
	s.Expect("A2 EXAMINE INBOX (QRESYNC (1 5))")
	s.Send("* 3 EXISTS", "* OK [UIDVALIDITY 2] new", "* OK [HIGHESTMODSEQ 9] hi", "A2 OK [READ-ONLY] ok")
	ch, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Stale || ch.Mailbox.UIDValidity != 2 || len(ch.Changed) != 0 {
		t.Errorf("Changes = %+v; want stale", ch)
	}
}

// RFC 7162 §3.2.10: an unsolicited VANISHED removes the messages from the
// count and is reported as an event; §3.2.11: [CLOSED] closes the
// previous mailbox at once.
func TestRFC7162_3_2_10_Vanished(t *testing.T) {
	events := make(chan client.MailboxEvent, 16)
	c, s := enabled(t, &client.Options{MailboxUpdate: func(e client.MailboxEvent) { events <- e }})
	s.Select(c, nil, "A2 SELECT INBOX", "* 10 EXISTS", "* OK [UIDVALIDITY 5] ok", "* OK [HIGHESTMODSEQ 100] hi")
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, c.Noop(faketest.Ctx(t)) })
	s.Expect("A3 NOOP")
	s.Send("* VANISHED 405,407,410,425", "* VANISHED 1:4294967295", "A3 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	if m := c.Mailbox(); m.Exists != 0 {
		t.Errorf("Exists = %d; want 0 (10 - 4, then bounded at 0)", m.Exists)
	}
	for i, want := range []uint32{6, 0} {
		select {
		case e := <-events:
			v, ok := e.Data.(*qresync.Vanished)
			if e.Kind != client.EventExtension || e.Name != "VANISHED" || !ok || v.Earlier || e.Mailbox.Exists != want {
				t.Errorf("event %d = %+v", i, e)
			}
		case <-time.After(faketest.Timeout):
			t.Fatal("no VANISHED event")
		}
	}
	// A SELECT of another mailbox: [CLOSED] reports the old one closed.
	done2 := faketest.Go(func() (*client.Mailbox, error) { return c.Select(faketest.Ctx(t), "Other", nil) })
	s.Expect("A4 SELECT Other")
	s.Send("* OK [CLOSED] previous closed", "* 2 EXISTS", "A4 OK [READ-WRITE] ok")
	if m, err := done2(); err != nil || m.Exists != 2 {
		t.Fatalf("Select = %+v, %v", m, err)
	}
	select {
	case e := <-events:
		if e.Kind != client.EventClosed || e.Mailbox.Name != "INBOX" {
			t.Errorf("event = %+v; want INBOX closed", e)
		}
	case <-time.After(faketest.Timeout):
		t.Fatal("no EventClosed")
	}
}

// TestRFC7162_3_2_6_FetchVanished replays the UID FETCH (CHANGEDSINCE
// VANISHED) example of RFC 7162 §3.2.6.
func TestRFC7162_3_2_6_FetchVanished(t *testing.T) {
	c, s := enabled(t, nil)
	s.Select(c, nil, "A2 SELECT INBOX", "* 10 EXISTS", "* OK [HIGHESTMODSEQ 100000] hi")
	done := faketest.Go(func() (*qresync.Changes, error) {
		return qresync.FetchVanished(faketest.Ctx(t), c, seqset.MustParse("300:500"), 12345)
	})
	s.Expect("A3 UID FETCH 300:500 (UID FLAGS MODSEQ) (CHANGEDSINCE 12345 VANISHED)")
	s.Send("* VANISHED (EARLIER) 300:310,405,411",
		`* 1 FETCH (UID 404 MODSEQ (65402) FLAGS (\Seen))`,
		`* 2 FETCH (UID 406 MODSEQ (75403) FLAGS (\Deleted))`,
		`* 4 FETCH (UID 408 MODSEQ (29738) FLAGS ($NoJunk $AutoJunk $MDNSent))`,
		"A3 OK Conditional STORE completed")
	ch, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Vanished.Equal(seqset.MustParse("300:310,405,411")) || len(ch.Changed) != 3 || ch.Changed[2].UID != 408 {
		t.Errorf("Changes = %+v", ch)
	}
	if c.Mailbox().Exists != 10 {
		t.Errorf("VANISHED (EARLIER) changed Exists to %d", c.Mailbox().Exists)
	}
}

// Without QRESYNC on the server nothing is sent.
func TestNotSupported(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE] hi", &client.Options{Extensions: []client.Extension{qresync.Install}})
	if _, err := qresync.Resync(faketest.Ctx(t), c, "INBOX", qresync.Saved{UIDValidity: 1, HighestModSeq: 2}, false); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("Resync = %v; want ErrNotSupported", err)
	}
	if _, err := qresync.FetchVanished(faketest.Ctx(t), c, seqset.MustParse("1:*"), 1); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("FetchVanished = %v; want ErrNotSupported", err)
	}
	s.Quiet(50 * time.Millisecond)
}

// Both codec directions: what the parser reads the encoder writes back.
func TestRoundTrip(t *testing.T) {
	r := codec.NewBaseRegistry()
	qresync.RegisterCodec(r)
	roundtrip.Check(t, r, func(resp *wire.Response) bool {
		if resp.Name != "VANISHED" {
			return true
		}
		_, ok := resp.Data.(*qresync.Vanished)
		return ok
	},
		"* VANISHED (EARLIER) 41,43:116,118,120:211,214:540",
		"* VANISHED 405,407,410,425",
		`* 49 FETCH (UID 117 FLAGS (\Seen \Answered) MODSEQ (90060115194045001))`,
		"* OK [CLOSED] closed",
	)
	for _, bad := range []string{"* VANISHED (LATER) 1", "* VANISHED 1:*", "* VANISHED (EARLIER)"} {
		resp, err := roundtrip.Decode(r, true, bad+"\r\n")
		if err == nil {
			if _, typed := resp.Data.(*qresync.Vanished); typed {
				t.Errorf("strict decode of %q gave %+v", bad, resp.Data)
			}
		}
	}
}
