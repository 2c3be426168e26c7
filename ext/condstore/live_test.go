package condstore_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/condstore"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// liveSelected fills a fresh mailbox with n messages and selects it with
// the CONDSTORE parameter.
func liveSelected(t *testing.T, env livetest.Env, c *client.Conn, name string, n int) *client.Mailbox {
	t.Helper()
	mbox := env.Mailbox(t, c, name)
	livetest.Append(t, c, mbox, n)
	m, err := c.Select(livetest.Ctx(t), mbox, &client.SelectOptions{Params: []wire.Value{condstore.SelectParam()}})
	if err != nil {
		t.Fatalf("SELECT (CONDSTORE): %v", err)
	}
	return m
}

// liveOpts are the options that install ext.
func liveOpts(ext client.Extension) *client.Options {
	return &client.Options{Extensions: []client.Extension{ext}}
}

// modSeqs fetches MODSEQ of every message, by sequence number.
func modSeqs(t *testing.T, c *client.Conn) map[uint32]uint64 {
	t.Helper()
	ctx := livetest.Ctx(t)
	fc, err := c.Fetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{Extra: []wire.Value{condstore.FetchModSeq()}}, nil)
	if err != nil {
		t.Fatalf("FETCH MODSEQ: %v", err)
	}
	data, err := fc.CollectMessages(ctx)
	if err != nil {
		t.Fatalf("FETCH MODSEQ: %v", err)
	}
	out := map[uint32]uint64{}
	for _, d := range data {
		n, ok := condstore.ModSeq(d)
		if !ok || n == 0 {
			t.Fatalf("FETCH data of message %d has no MODSEQ: %+v", d.Seq, d)
		}
		out[d.Seq] = n
	}
	return out
}

// Dovecot 2.3 and Cyrus 3.6 offer CONDSTORE; Courier 5.0 does not.
func TestLiveCondstore(t *testing.T) {
	livetest.Run(t, liveOpts(condstore.Install), []string{"CONDSTORE"}, testLiveCondstore)
}

func testLiveCondstore(t *testing.T, env livetest.Env, c *client.Conn) {
	m := liveSelected(t, env, c, "imapkit-ext-condstore", 4)
	ctx := livetest.Ctx(t)

	// SELECT (CONDSTORE) -> HIGHESTMODSEQ in the Mailbox state.
	if m.HighestModSeq == 0 || m.Exists != 4 {
		t.Fatalf("Mailbox after SELECT (CONDSTORE) = %+v; want HIGHESTMODSEQ and 4 messages", m)
	}

	// FETCH MODSEQ.
	before := modSeqs(t, c)
	if len(before) != 4 {
		t.Fatalf("FETCH MODSEQ returned %d messages; want 4", len(before))
	}
	for seq, n := range before {
		if n > m.HighestModSeq {
			t.Errorf("MODSEQ of message %d = %d > HIGHESTMODSEQ %d", seq, n, m.HighestModSeq)
		}
	}
	high := m.HighestModSeq

	// A change to message 2 raises its mod-sequence.
	fc, err := c.Store(ctx, seqset.MustParse("2"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{wire.FlagFlagged}})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := fc.CollectMessages(ctx)
	if err != nil {
		t.Fatalf("STORE: %v", err)
	}
	after := modSeqs(t, c)
	if after[2] <= high {
		t.Fatalf("MODSEQ of message 2 after STORE = %d; want > %d", after[2], high)
	}
	// Once CONDSTORE is on, the STORE's own FETCH carries MODSEQ too.
	if len(stored) != 1 {
		t.Errorf("STORE returned %d FETCH; want 1", len(stored))
	} else if n, ok := condstore.ModSeq(stored[0]); !ok || n != after[2] {
		t.Errorf("MODSEQ in STORE's FETCH = %d, %v; want %d", n, ok, after[2])
	}

	// FETCH CHANGEDSINCE: only message 2 changed since HIGHESTMODSEQ.
	ufc, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{Flags: true, Modifiers: condstore.ChangedSince(high)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := ufc.CollectMessages(ctx)
	if err != nil {
		t.Fatalf("UID FETCH CHANGEDSINCE: %v", err)
	}
	if len(changed) != 1 || changed[0].Seq != 2 {
		t.Fatalf("UID FETCH CHANGEDSINCE %d returned %d messages %+v; want message 2 only", high, len(changed), changed)
	}
	if n, ok := condstore.ModSeq(changed[0]); !ok || n != after[2] {
		t.Errorf("CHANGEDSINCE FETCH MODSEQ = %d, %v; want %d (implied by CHANGEDSINCE)", n, ok, after[2])
	}

	// SEARCH MODSEQ: the changed message, with the highest mod-sequence
	// of the matches.
	res, err := c.Search(ctx, &client.SearchCriteria{Keys: condstore.ModSeqKey(high + 1)}, nil)
	if err != nil {
		t.Fatalf("SEARCH MODSEQ: %v", err)
	}
	if len(res.Nums) != 1 || res.Nums[0] != 2 || res.ModSeq != after[2] {
		t.Errorf("SEARCH MODSEQ %d = %v (MODSEQ %d); want [2] (MODSEQ %d)", high+1, res.Nums, res.ModSeq, after[2])
	}
	// The same through ESEARCH (RFC 7162 §3.1.10).
	res, err = c.UIDSearch(ctx, &client.SearchCriteria{Keys: condstore.ModSeqKey(high + 1)}, &client.SearchOptions{Return: []string{"ALL"}})
	if err != nil {
		t.Fatalf("UID SEARCH RETURN (ALL) MODSEQ: %v", err)
	}
	if res.ESearch == nil || res.ESearch.Has&wire.ESearchModSeq == 0 || res.ModSeq != after[2] || len(res.Nums) != 1 {
		t.Errorf("ESEARCH MODSEQ = %+v (ESEARCH %+v); want one UID and MODSEQ %d", res, res.ESearch, after[2])
	}
	// A flag-restricted MODSEQ key is accepted.
	if _, err := c.Search(ctx, &client.SearchCriteria{Keys: condstore.ModSeqFlagKey(wire.FlagFlagged, condstore.EntryAll, 1)}, nil); err != nil {
		t.Errorf(`SEARCH MODSEQ "/flags/\\Flagged" all 1: %v`, err)
	}

	// STORE UNCHANGEDSINCE with a stale mod-sequence for message 2 and a
	// current one for message 3: 3 changes, 2 is reported MODIFIED.
	_, err = condstore.Store(ctx, c, seqset.MustParse("2:3"),
		&client.StoreFlags{Mode: client.StoreAdd, Flags: []string{wire.FlagSeen}, Silent: true}, before[3])
	set, ok := condstore.Modified(err)
	if !ok || !set.Equal(seqset.MustParse("2")) {
		t.Fatalf("conditional STORE with a stale mod-sequence: error %v; want MODIFIED 2", err)
	}
	var me *condstore.ModifiedError
	if !errors.As(err, &me) || me.Err != nil || me.Resp.Status != wire.StatusOK {
		t.Errorf("conditional STORE error %#v; want a *ModifiedError after OK", err)
	}
	now := modSeqs(t, c)
	if now[2] != after[2] {
		t.Errorf("message 2 changed although it failed UNCHANGEDSINCE: MODSEQ %d -> %d", after[2], now[2])
	}
	if now[3] <= before[3] {
		t.Errorf("message 3 did not change: MODSEQ %d -> %d", before[3], now[3])
	}

	// With current mod-sequences the STORE goes through.
	var newest uint64
	for _, n := range now {
		newest = max(newest, n)
	}
	data, err := condstore.UIDStore(ctx, c, seqset.MustParse("1:*"),
		&client.StoreFlags{Mode: client.StoreRemove, Flags: []string{wire.FlagFlagged}, Silent: true}, newest)
	if err != nil {
		t.Fatalf("conditional UID STORE with current mod-sequences: %v", err)
	}
	if len(data) == 0 {
		t.Error("conditional UID STORE .SILENT returned no FETCH; RFC 7162 §3.1.3 requires MODSEQ for every changed message")
	}
	for _, d := range data {
		if _, ok := condstore.ModSeq(d); !ok {
			t.Errorf("FETCH after conditional STORE without MODSEQ: %+v", d)
		}
	}

	// STATUS HIGHESTMODSEQ (RFC 7162 §3.1.7), parsed by the base.
	if err := c.Unselect(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := c.Status(ctx, m.Name, []string{wire.StatusHighestModSeq})
	if err != nil {
		t.Fatalf("STATUS HIGHESTMODSEQ: %v", err)
	}
	if n, _ := st.Get(wire.StatusHighestModSeq); n < now[3] {
		t.Errorf("STATUS HIGHESTMODSEQ = %d; want at least %d", n, now[3])
	}
}

// ENABLE CONDSTORE, then a plain SELECT: HIGHESTMODSEQ comes anyway,
// and a change made by another session arrives with its MODSEQ
// (RFC 7162 §3.1.4.2, Example 14).
func TestLiveEnable(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{condstore.Install}}, []string{"CONDSTORE"}, testLiveEnable)
}

func testLiveEnable(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-condstore-enable")
	livetest.Append(t, c, mbox, 2)
	if err := condstore.Enable(ctx, c); err != nil {
		t.Fatalf("Enable: %v", err)
	}
	if !c.Enabled("CONDSTORE") {
		t.Fatal("CONDSTORE not enabled")
	}
	m, err := c.Select(ctx, mbox, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.HighestModSeq == 0 {
		t.Errorf("HIGHESTMODSEQ after ENABLE CONDSTORE and SELECT = 0")
	}
	if err := condstore.Enable(ctx, c); err != nil {
		t.Errorf("Enable when already enabled: %v", err)
	}

	other := env.Login(t, nil)
	if _, err := other.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}
	fc, err := other.Store(ctx, seqset.MustParse("1"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{wire.FlagFlagged}, Silent: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fc.CollectMessages(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	for {
		r, err := c.Unclaimed(ctx)
		if err != nil {
			t.Fatalf("no unsolicited FETCH after another session's STORE: %v", err)
		}
		if f, ok := r.Data.(*wire.FetchData); ok {
			if n, ok := condstore.ModSeq(f); !ok || n <= m.HighestModSeq {
				t.Errorf("unsolicited FETCH %+v: MODSEQ %d, %v; want one above %d", f, n, ok, m.HighestModSeq)
			}
			break
		}
	}
}

func TestLiveAlwaysFetchModSeq(t *testing.T) {
	livetest.Run(t, liveOpts(condstore.AlwaysFetchModSeq), []string{"CONDSTORE"}, testLiveAlwaysFetchModSeq)
}

func testLiveAlwaysFetchModSeq(t *testing.T, env livetest.Env, c *client.Conn) {
	m := liveSelected(t, env, c, "imapkit-ext-condstore-always", 2)
	ctx := livetest.Ctx(t)
	fc, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{Flags: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := fc.CollectMessages(ctx)
	if err != nil || len(data) != 2 {
		t.Fatalf("UID FETCH = %v, %v", data, err)
	}
	for _, d := range data {
		if n, ok := condstore.ModSeq(d); !ok || n > m.HighestModSeq {
			t.Errorf("MODSEQ of message %d = %d, %v; want one up to %d", d.Seq, n, ok, m.HighestModSeq)
		}
	}
}
