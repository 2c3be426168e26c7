package esort_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/esort"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/sort"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Dovecot 2.3 offers ESORT and CONTEXT=SEARCH (not CONTEXT=SORT), Cyrus
// 3.6 ESORT alone, Courier 5.0 neither.
func TestLiveESortContext(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{esort.Install}}, []string{"ESORT"}, testLiveESortContext)
}

func testLiveESortContext(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-esort")
	for i := 1; i <= 5; i++ {
		m := livetest.Message(i) + strings.Repeat("x", 100*(6-i)) + "\r\n" // sizes decrease
		if _, err := c.Append(ctx, mbox, strings.NewReader(m), int64(len(m)), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}

	// Sorted by size, ALL comes in sort order: 5 4 3 2 1.
	r, err := esort.Sort(ctx, c, sort.By(sort.Size), nil, &esort.Options{Return: []string{"ALL", "COUNT", "MIN", "MAX"}})
	if err != nil {
		t.Fatalf("ESORT: %v", err)
	}
	// MIN and MAX are the first and last in sort order (RFC 5267 §3.1).
	wantMin, wantMax := uint32(5), uint32(1)
	if env.Name == "cyrus" {
		// Cyrus 3.6 answers the numerically lowest and highest instead:
		//   C: t5 SORT RETURN (MIN MAX COUNT ALL) (SIZE) US-ASCII ALL
		//   S: * ESEARCH (TAG "t5") COUNT 2 MIN 1 MAX 2 ALL 2,1
		wantMin, wantMax = 1, 5
	}
	if !reflect.DeepEqual(r.All, []uint32{5, 4, 3, 2, 1}) || r.Count != 5 || r.Min != wantMin || r.Max != wantMax {
		t.Errorf("ESORT = %+v; want ALL 5,4,3,2,1 COUNT 5 MIN %d MAX %d", r, wantMin, wantMax)
	}
	r, err = esort.UIDSort(ctx, c, []sort.Criterion{{Key: sort.Size, Reverse: true}}, nil, nil)
	if err != nil || len(r.All) != 5 || r.All[0] > r.All[4] || !r.UID {
		t.Errorf("UID ESORT RETURN () REVERSE SIZE = %+v, %v", r, err)
	}
	if _, err := esort.Sort(ctx, c, sort.By(sort.Size), nil, &esort.Options{Update: true}); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("ESORT UPDATE without CONTEXT=SORT: %v; want ErrNotSupported", err)
	}

	// A search context with UPDATE: flagging message 2 is announced.
	if ok, _ := c.Has(ctx, "CONTEXT=SEARCH"); !ok {
		if env.Name == "dovecot" {
			t.Fatal("Dovecot does not advertise CONTEXT=SEARCH")
		}
		return // Cyrus 3.6 has ESORT without CONTEXT=
	}
	r, err = esort.UIDSearch(ctx, c, &client.SearchCriteria{Flag: []string{wire.FlagFlagged}}, &esort.Options{Return: []string{"COUNT"}, Update: true})
	if err != nil {
		t.Fatalf("SEARCH RETURN (COUNT UPDATE): %v", err)
	}
	if r.Count != 0 || r.NoUpdate {
		t.Fatalf("= %+v; want COUNT 0 and updates", r)
	}
	fc, err := c.Store(ctx, seqset.MustParse("2"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{wire.FlagFlagged}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fc.CollectMessages(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	var got *esort.Update
	for got == nil {
		resp, err := c.Unclaimed(ctx)
		if err != nil {
			t.Fatalf("waiting for the ADDTO update: %v", err)
		}
		if u, ok := esort.UpdateOf(resp); ok {
			got = u
		}
	}
	if got.Tag != r.Tag || len(got.AddTo) != 1 || got.AddTo[0].Set.Count() != 1 {
		t.Errorf("update = %+v; want ADDTO of one UID for context %s", got, r.Tag)
	}
	if err := esort.CancelUpdate(ctx, c, r.Tag); err != nil {
		t.Errorf("CANCELUPDATE: %v", err)
	}
}
