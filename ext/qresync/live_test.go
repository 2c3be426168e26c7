package qresync_test

import (
	"strconv"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/qresync"
	"github.com/imapkit/imapkit/seqset"
)

// TestLiveQresync resynchronizes a mailbox against Dovecot (which offers
// QRESYNC): a first Resync without saved state is stale; after a flag
// change and an expunge (reported as VANISHED on the connection), a
// second Resync from the saved state reports exactly them.
func TestLiveQresync(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{qresync.Install}}, []string{"QRESYNC"}, testLiveQresync)
}

func testLiveQresync(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-qresync")
	livetest.Append(t, c, mbox, 4)

	first, err := qresync.Resync(ctx, c, mbox, qresync.Saved{}, false)
	if err != nil {
		t.Fatalf("Resync without state: %v", err)
	}
	if !first.Stale || first.Mailbox.Exists != 4 || first.Mailbox.HighestModSeq == 0 {
		t.Fatalf("first Resync = %+v, mailbox %+v; want stale, 4 messages, HIGHESTMODSEQ", first, first.Mailbox)
	}
	saved := qresync.Saved{UIDValidity: first.Mailbox.UIDValidity, HighestModSeq: first.Mailbox.HighestModSeq}

	// UIDs of messages 2 and 3.
	fc, err := c.Fetch(ctx, seqset.MustParse("2:3"), &client.FetchItems{UID: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := fc.CollectMessages(ctx)
	if err != nil || len(data) != 2 {
		t.Fatalf("FETCH UID = %v, %v", data, err)
	}
	changedUID, goneUID := data[0].UID, data[1].UID
	if _, err := c.UIDStore(ctx, seqset.MustParse(itoa(changedUID)), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Flagged`}, Silent: true}); err != nil {
		t.Fatal(err)
	}
	sc, err := c.UIDStore(ctx, seqset.MustParse(itoa(goneUID)), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Deleted`}, Silent: true})
	if err == nil {
		_, err = sc.CollectMessages(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	// With QRESYNC enabled the server reports VANISHED instead of EXPUNGE
	// (RFC 7162 §3.2.10); the hook shrinks the count.
	if _, err := c.UIDExpunge(ctx, seqset.MustParse(itoa(goneUID))); err != nil {
		t.Fatal(err)
	}
	if m := c.Mailbox(); m.Exists != 3 {
		t.Fatalf("Exists after UID EXPUNGE = %d; want 3", m.Exists)
	}
	if err := c.Unselect(ctx); err != nil {
		t.Fatal(err)
	}

	ch, err := qresync.Resync(ctx, c, mbox, saved, false)
	if err != nil {
		t.Fatalf("Resync: %v", err)
	}
	if ch.Stale || !ch.Vanished.Contains(goneUID) || ch.Vanished.Contains(changedUID) {
		t.Errorf("Resync = %+v; want UID %d vanished", ch, goneUID)
	}
	found := false
	for _, f := range ch.Changed {
		if f.UID == changedUID {
			found = true
		}
	}
	if !found || ch.Mailbox.Exists != 3 || ch.Mailbox.HighestModSeq <= saved.HighestModSeq {
		t.Errorf("Resync changes %d messages (UID %d among them: %v), mailbox %+v", len(ch.Changed), changedUID, found, ch.Mailbox)
	}

	// UID FETCH (CHANGEDSINCE VANISHED) from the saved state tells the same.
	fv, err := qresync.FetchVanished(ctx, c, seqset.MustParse("1:*"), saved.HighestModSeq)
	if err != nil {
		t.Fatalf("FetchVanished: %v", err)
	}
	if !fv.Vanished.Contains(goneUID) || len(fv.Changed) == 0 {
		t.Errorf("FetchVanished = %+v", fv)
	}
}

func itoa(n uint32) string { return strconv.FormatUint(uint64(n), 10) }
