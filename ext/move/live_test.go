package move_test

import (
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/move"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func TestLiveMove(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, nil)
	ctx := livetest.Ctx(t)
	src := env.Mailbox(t, c, "imapkit-ext-move-src")
	dst := env.Mailbox(t, c, "imapkit-ext-move-dst")
	livetest.Append(t, c, src, 5)
	st, err := c.Status(ctx, dst, []string{wire.StatusUIDValidity})
	if err != nil {
		t.Fatalf("STATUS: %v", err)
	}
	dstValidity, _ := st.Get(wire.StatusUIDValidity)
	if _, err := c.Select(ctx, src, nil); err != nil {
		t.Fatalf("SELECT: %v", err)
	}
	all, err := c.UIDSearch(ctx, nil, nil)
	if err != nil || len(all.Nums) != 5 {
		t.Fatalf("UID SEARCH ALL = %v, %v; want 5 UIDs", all, err)
	}
	uids := all.Nums

	// UID MOVE of messages 2 and 4.
	var set seqset.Set
	set.Add(uids[1])
	set.Add(uids[3])
	res, err := move.UIDMove(ctx, c, set, dst)
	if err != nil {
		t.Fatalf("UIDMove: %v", err)
	}
	if !res.HasCopyUID || uint64(res.CopyUID.UIDValidity) != dstValidity || !res.CopyUID.Source.Equal(set) || res.CopyUID.Dest.Count() != 2 {
		t.Errorf("UIDMove COPYUID = %v, %v; want UIDVALIDITY %d, source %v, two destination UIDs", res.CopyUID, res.HasCopyUID, dstValidity, set)
	}
	// Message 4 goes first or message 2 does; 2 then 3, or 4 then 2.
	if len(res.Expunged) != 2 {
		t.Errorf("UIDMove Expunged = %v; want two sequence numbers", res.Expunged)
	}
	if m := c.Mailbox(); m.Exists != 3 {
		t.Errorf("Mailbox().Exists = %d after moving 2 of 5; want 3", m.Exists)
	}

	// MOVE of message 1 by sequence number.
	res2, err := move.Move(ctx, c, seqset.MustParse("1"), dst)
	if err != nil {
		t.Fatalf("Move: %v", err)
	}
	if !res2.HasCopyUID || !res2.CopyUID.Source.Equal(seqset.MustParse(itoa(uids[0]))) || len(res2.Expunged) != 1 || res2.Expunged[0] != 1 {
		t.Errorf("Move(1) = %+v; want COPYUID of UID %d and Expunged [1]", res2, uids[0])
	}
	if m := c.Mailbox(); m.Exists != 2 {
		t.Errorf("Mailbox().Exists = %d after moving 3 of 5; want 2", m.Exists)
	}

	// The target holds the messages under the UIDs COPYUID named.
	if _, err := c.Select(ctx, dst, &client.SelectOptions{ReadOnly: true}); err != nil {
		t.Fatalf("EXAMINE: %v", err)
	}
	there, err := c.UIDSearch(ctx, nil, nil)
	if err != nil {
		t.Fatalf("UID SEARCH: %v", err)
	}
	var got, want seqset.Set
	for _, u := range there.Nums {
		got.Add(u)
	}
	want = res.CopyUID.Dest.Union(res2.CopyUID.Dest)
	if !got.Equal(want) {
		t.Errorf("UIDs in %s = %v; want %v from COPYUID", dst, got, want)
	}

	// A missing target: NO [TRYCREATE], nothing moved.
	if _, err := c.Select(ctx, src, nil); err != nil {
		t.Fatalf("SELECT: %v", err)
	}
	if _, err := move.Move(ctx, c, seqset.MustParse("1"), "imapkit-ext-move-missing"); err == nil {
		t.Error("Move to a missing mailbox succeeded")
	} else if se, ok := err.(*client.StatusError); !ok || se.CodeName() != "TRYCREATE" {
		t.Errorf("Move to a missing mailbox: %v; want NO [TRYCREATE]", err)
	}
}

func itoa(n uint32) string {
	var s seqset.Set
	s.Add(n)
	return s.String()
}
