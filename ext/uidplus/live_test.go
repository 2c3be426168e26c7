package uidplus_test

import (
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/uidplus"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func TestLiveAppendUIDCopyUID(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, &client.Options{Extensions: []client.Extension{uidplus.Install}})
	ctx := livetest.Ctx(t)
	src := env.Mailbox(t, c, "imapkit-ext-uidplus-src")
	dst := env.Mailbox(t, c, "imapkit-ext-uidplus-dst")

	st, err := c.Status(ctx, src, []string{wire.StatusUIDValidity, wire.StatusUIDNext})
	if err != nil {
		t.Fatalf("STATUS: %v", err)
	}
	validity, _ := st.Get(wire.StatusUIDValidity)
	next, _ := st.Get(wire.StatusUIDNext)

	var uids []uint32
	for i := 1; i <= 3; i++ {
		msg := livetest.Message(i)
		ac, err := c.StartAppend(ctx, src, strings.NewReader(msg), int64(len(msg)), nil)
		if err != nil {
			t.Fatalf("APPEND: %v", err)
		}
		final, err := ac.Command.Wait(ctx)
		if err != nil {
			t.Fatalf("APPEND: %v", err)
		}
		au, ok := uidplus.AppendUID(final)
		if !ok {
			t.Fatalf("APPEND completion %q %v has no APPENDUID", final.Text, final.Code)
		}
		if uint64(au.UIDValidity) != validity || au.UIDs.Count() != 1 {
			t.Fatalf("APPENDUID = %v; want UIDVALIDITY %d and one UID", au, validity)
		}
		for u := range au.UIDs.All() {
			uids = append(uids, u)
		}
	}
	if uint64(uids[0]) != next || uids[1] <= uids[0] || uids[2] <= uids[1] {
		t.Errorf("APPENDUID UIDs %v; want increasing from UIDNEXT %d", uids, next)
	}

	if _, err := c.Select(ctx, src, nil); err != nil {
		t.Fatalf("SELECT: %v", err)
	}
	dstStatus, err := c.Status(ctx, dst, []string{wire.StatusUIDValidity})
	if err != nil {
		t.Fatalf("STATUS %s: %v", dst, err)
	}
	dstValidity, _ := dstStatus.Get(wire.StatusUIDValidity)

	// UID COPY through the raw path, COPYUID read from the completion.
	var set seqset.Set
	set.Add(uids[0])
	set.Add(uids[2])
	cmd, err := c.Start(ctx, client.Spec{
		Name:   "UID COPY",
		Args:   []wire.Value{wire.Raw(set.String()), wire.String(dst)},
		States: []client.State{client.StateSelected},
	})
	if err != nil {
		t.Fatalf("UID COPY: %v", err)
	}
	final, err := cmd.Wait(ctx)
	if err != nil {
		t.Fatalf("UID COPY: %v", err)
	}
	cu, ok := uidplus.CopyUID(final)
	if !ok {
		t.Fatalf("UID COPY completion %q %v has no COPYUID", final.Text, final.Code)
	}
	if uint64(cu.UIDValidity) != dstValidity || !cu.Source.Equal(set) || cu.Dest.Count() != 2 {
		t.Errorf("COPYUID = %v; want UIDVALIDITY %d, source %v, two destination UIDs", cu, dstValidity, set)
	}
}

func TestLiveUIDExpunge(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, &client.Options{Extensions: []client.Extension{uidplus.Install}})
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-uidplus-expunge")
	livetest.Append(t, c, mbox, 4)
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatalf("SELECT: %v", err)
	}
	res, err := c.UIDSearch(ctx, nil, nil)
	if err != nil || len(res.Nums) != 4 {
		t.Fatalf("UID SEARCH ALL = %v, %v; want 4 UIDs", res, err)
	}
	uids := res.Nums
	// \Deleted on messages 2, 3 and 4; UID EXPUNGE only 2 and 4.
	fc, err := c.Store(ctx, seqset.MustParse("2:4"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{wire.FlagDeleted}, Silent: true})
	if err != nil {
		t.Fatalf("STORE: %v", err)
	}
	if _, err := fc.Collect(ctx); err != nil {
		t.Fatalf("STORE: %v", err)
	}
	var set seqset.Set
	set.Add(uids[1])
	set.Add(uids[3])
	expunged, err := uidplus.UIDExpunge(ctx, c, set)
	if err != nil {
		t.Fatalf("UIDExpunge: %v", err)
	}
	// Message 4 goes first or message 2 does; either way two EXPUNGEs.
	if len(expunged) != 2 {
		t.Errorf("UIDExpunge(%v) = %v; want two sequence numbers", set, expunged)
	}
	if m := c.Mailbox(); m.Exists != 2 {
		t.Errorf("Mailbox().Exists = %d after UID EXPUNGE; want 2", m.Exists)
	}
	left, err := c.UIDSearch(ctx, &client.SearchCriteria{Flag: []string{wire.FlagDeleted}}, nil)
	if err != nil {
		t.Fatalf("UID SEARCH DELETED: %v", err)
	}
	if len(left.Nums) != 1 || left.Nums[0] != uids[2] {
		t.Errorf("\\Deleted messages left = %v; want [%d] (UID EXPUNGE must leave it)", left.Nums, uids[2])
	}
}
