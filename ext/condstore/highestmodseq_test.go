package condstore_test

import (
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/condstore"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/qresync"
	"github.com/imapkit/imapkit/ext/uidonly"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// modSeqEvents collects a connection's mailbox events.
type modSeqEvents chan client.MailboxEvent

func (e modSeqEvents) update(ev client.MailboxEvent) { e <- ev }

// upTo runs a NOOP answered with "* 99 EXISTS" (tag is its tag), a marker
// after every event before it (the events come in order), and returns the
// HIGHESTMODSEQ values of the EventModSeq reports before the marker.
func (e modSeqEvents) upTo(t *testing.T, c *client.Conn, s *faketest.Server, tag string) []uint64 {
	t.Helper()
	noop(t, c, s, tag, "* 99 EXISTS", tag+" OK")
	var out []uint64
	for {
		select {
		case ev := <-e:
			switch {
			case ev.Kind == client.EventModSeq:
				out = append(out, ev.Mailbox.HighestModSeq)
			case ev.Kind == client.EventExists && ev.Num == 99:
				return out
			}
		case <-time.After(faketest.Timeout):
			t.Fatal("no marker event")
			return nil
		}
	}
}

func newModSeqConn(t *testing.T, greeting string, exts ...client.Extension) (*client.Conn, *faketest.Server, modSeqEvents) {
	t.Helper()
	ev := make(modSeqEvents, 64)
	c, s := faketest.New(t, greeting, &client.Options{Extensions: exts, MailboxUpdate: ev.update})
	return c, s, ev
}

// noop runs a NOOP answered by lines (its completion included).
func noop(t *testing.T, c *client.Conn, s *faketest.Server, tag string, lines ...string) {
	t.Helper()
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, c.Noop(faketest.Ctx(t)) })
	s.Expect(tag + " NOOP")
	s.Send(lines...)
	if _, err := done(); err != nil {
		t.Fatalf("%s NOOP: %v", tag, err)
	}
}

// TestRFC7162_6_HighestModSeqRule replays the example of RFC 7162 §6: a
// HIGHESTMODSEQ code wins over the higher MODSEQs seen before it, in an
// untagged OK or in the completion, and the MODSEQs of FETCH responses
// count only at the completion, when no code came.
func TestRFC7162_6_HighestModSeqRule(t *testing.T) {
	c, s, ev := newModSeqConn(t, faketest.Greeting, condstore.Install)
	s.Select(c, nil, "A1 SELECT INBOX", "* 8 EXISTS", "* OK [HIGHESTMODSEQ 96] x")
	ctx := faketest.Ctx(t)
	store := func(tag, line string, set string, since uint64, lines ...string) {
		t.Helper()
		done := faketest.Go(func() ([]*wire.FetchData, error) {
			return condstore.Store(ctx, c, seqset.MustParse(set), &client.StoreFlags{Mode: client.StoreAdd, Silent: true, Flags: []string{`\Seen`}}, since)
		})
		s.Expect(tag + " " + line)
		s.Send(lines...)
		done()
	}
	store("A2", `STORE 1:2 (UNCHANGEDSINCE 96) +FLAGS.SILENT (\Seen)`, "1:2", 96,
		"* 1 FETCH (UID 6 MODSEQ (103))",
		"* 2 FETCH (UID 7 MODSEQ (101))",
		"* OK [HIGHESTMODSEQ 99] VANISHED reply with MODSEQ 100 is delayed",
		"A2 OK [MODIFIED 3] done")
	if m := c.Mailbox(); m.HighestModSeq != 99 {
		t.Fatalf("after A2: HighestModSeq = %d; want 99 (the code wins over MODSEQ 103)", m.HighestModSeq)
	}
	store("A3", `STORE 3 (UNCHANGEDSINCE 200) +FLAGS.SILENT (\Seen)`, "3", 200,
		"* 3 FETCH (UID 8 MODSEQ (104))",
		"A3 OK [HIGHESTMODSEQ 99] Still delaying VANISHED")
	if m := c.Mailbox(); m.HighestModSeq != 99 {
		t.Fatalf("after A3: HighestModSeq = %d; want 99 (the tagged code wins over MODSEQ 104)", m.HighestModSeq)
	}
	noop(t, c, s, "A4", "A4 OK [HIGHESTMODSEQ 104] done")
	if m := c.Mailbox(); m.HighestModSeq != 104 {
		t.Fatalf("after A4: HighestModSeq = %d; want 104", m.HighestModSeq)
	}
	// A HIGHESTMODSEQ code is taken wherever it comes, a NO's included.
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, c.Noop(ctx) })
	s.Expect("A5 NOOP")
	s.Send("A5 NO [HIGHESTMODSEQ 105] refused")
	done()
	if m := c.Mailbox(); m.HighestModSeq != 105 {
		t.Fatalf("after A5 NO: HighestModSeq = %d; want 105", m.HighestModSeq)
	}
	if got := ev.upTo(t, c, s, "A6"); len(got) != 3 || got[0] != 99 || got[1] != 104 || got[2] != 105 {
		t.Errorf("EventModSeq reports %v; want [99 104 105]", got)
	}
}

// Without a HIGHESTMODSEQ code, the completion raises HighestModSeq to the
// highest MODSEQ seen, whatever their order, and never lowers it.
func TestHighestModSeqFromFetchAtCompletion(t *testing.T) {
	c, s, ev := newModSeqConn(t, faketest.Greeting, condstore.Install)
	s.Select(c, nil, "A1 SELECT INBOX", "* 8 EXISTS", "* OK [HIGHESTMODSEQ 50] x")
	noop(t, c, s, "A2", "* 2 FETCH (MODSEQ (60))", "* 1 FETCH (MODSEQ (70))", "* 3 FETCH (MODSEQ (65))", "A2 OK")
	if m := c.Mailbox(); m.HighestModSeq != 70 {
		t.Fatalf("HighestModSeq = %d; want 70", m.HighestModSeq)
	}
	noop(t, c, s, "A3", "* 4 FETCH (FLAGS () MODSEQ (55))", "A3 OK")
	if m := c.Mailbox(); m.HighestModSeq != 70 {
		t.Fatalf("HighestModSeq = %d after a lower MODSEQ; want 70", m.HighestModSeq)
	}
	if got := ev.upTo(t, c, s, "A4"); len(got) != 1 || got[0] != 70 {
		t.Errorf("EventModSeq reports %v; want [70]", got)
	}
}

// The MODSEQs of a SELECT's FETCH responses (QRESYNC) belong to it: its
// HIGHESTMODSEQ code decides, and none is carried into the next command.
func TestHighestModSeqSelectFetchesStay(t *testing.T) {
	c, s, ev := newModSeqConn(t, faketest.Greeting, condstore.Install)
	m := s.Select(c, nil, "A1 SELECT INBOX", "* 8 EXISTS", "* OK [HIGHESTMODSEQ 50] x", "* 1 FETCH (UID 3 MODSEQ (49))")
	if m.HighestModSeq != 50 {
		t.Fatalf("HighestModSeq = %d after SELECT; want 50", m.HighestModSeq)
	}
	noop(t, c, s, "A2", "A2 OK")
	if m := c.Mailbox(); m.HighestModSeq != 50 {
		t.Fatalf("HighestModSeq = %d; want 50", m.HighestModSeq)
	}
	if got := ev.upTo(t, c, s, "A3"); len(got) != 0 {
		t.Errorf("EventModSeq reports %v; want none (SELECT's state is no news)", got)
	}
}

// Under UIDONLY (RFC 9586 §3.3) the server sends UIDFETCH where it would
// send FETCH; their MODSEQ counts the same, with QRESYNC installed too
// (the hooks run once).
func TestHighestModSeqFromUIDFetch(t *testing.T) {
	c, s, ev := newModSeqConn(t, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UIDONLY QRESYNC CONDSTORE] ready",
		condstore.Install, qresync.Install, uidonly.Install)
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, uidonly.Enable(faketest.Ctx(t), c) })
	s.Expect("A1 ENABLE UIDONLY")
	s.Send("* ENABLED UIDONLY", "A1 OK")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	s.Select(c, nil, "A2 SELECT INBOX", "* 3 EXISTS", "* OK [HIGHESTMODSEQ 10] x")
	ctx := faketest.Ctx(t)
	sdone := faketest.Go(func() ([]*wire.FetchData, error) {
		return condstore.UIDStore(ctx, c, seqset.MustParse("25996"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Flagged`}}, 10)
	})
	s.Expect(`A3 UID STORE 25996 (UNCHANGEDSINCE 10) +FLAGS (\Flagged)`)
	s.Send(`* 25996 UIDFETCH (FLAGS (\Flagged) MODSEQ (12))`, "A3 OK done")
	data, err := sdone()
	if err != nil || len(data) != 1 {
		t.Fatalf("UIDStore = %v, %v; want the UIDFETCH echo", data, err)
	}
	if m := c.Mailbox(); m.HighestModSeq != 12 {
		t.Fatalf("HighestModSeq = %d after a UIDFETCH echo; want 12", m.HighestModSeq)
	}
	// An unsolicited UIDFETCH counts at the next completion.
	noop(t, c, s, "A4", "* 25997 UIDFETCH (FLAGS (\\Seen) MODSEQ (14))", "A4 OK")
	if m := c.Mailbox(); m.HighestModSeq != 14 {
		t.Fatalf("HighestModSeq = %d after an unsolicited UIDFETCH; want 14", m.HighestModSeq)
	}
	if got := ev.upTo(t, c, s, "A5"); len(got) != 2 || got[0] != 12 || got[1] != 14 {
		t.Errorf("EventModSeq reports %v; want [12 14] (once each)", got)
	}
}
