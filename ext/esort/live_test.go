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

// Dovecot 2.3 offers ESORT and CONTEXT=SEARCH (not CONTEXT=SORT).
func TestLiveESortContext(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, &client.Options{Extensions: []client.Extension{esort.Install}})
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
	if !reflect.DeepEqual(r.All, []uint32{5, 4, 3, 2, 1}) || r.Count != 5 || r.Min != 5 || r.Max != 1 {
		// MIN and MAX are the first and last in sort order (RFC 5267 §3.1).
		t.Errorf("ESORT = %+v; want ALL 5,4,3,2,1 COUNT 5 MIN 5 MAX 1", r)
	}
	r, err = esort.UIDSort(ctx, c, []sort.Criterion{{Key: sort.Size, Reverse: true}}, nil, nil)
	if err != nil || len(r.All) != 5 || r.All[0] > r.All[4] || !r.UID {
		t.Errorf("UID ESORT RETURN () REVERSE SIZE = %+v, %v", r, err)
	}
	if _, err := esort.Sort(ctx, c, sort.By(sort.Size), nil, &esort.Options{Update: true}); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("ESORT UPDATE without CONTEXT=SORT: %v; want ErrNotSupported", err)
	}

	// A search context with UPDATE: flagging message 2 is announced.
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
