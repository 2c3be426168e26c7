package partial_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/partial"
)

// Dovecot 2.3 offers CONTEXT=SEARCH, whose PARTIAL (RFC 5267 §4.4) takes
// positive ranges; it does not offer RFC 9394's PARTIAL (negative
// ranges), which no server here does.
func TestLivePartialContextSearch(t *testing.T) {
	livetest.Run(t, nil, []string{"CONTEXT=SEARCH"}, testLivePartialContextSearch)
}

func testLivePartialContextSearch(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-partial")
	livetest.Append(t, c, mbox, 7)
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}
	r, err := partial.Search(ctx, c, nil, partial.First(3, 3), &partial.Options{Count: true})
	if err != nil {
		t.Fatalf("SEARCH RETURN (PARTIAL 3:5): %v", err)
	}
	if r.None || !reflect.DeepEqual(r.Nums, []uint32{3, 4, 5}) || !r.HasCount || r.Count != 7 {
		t.Errorf("PARTIAL 3:5 = %+v (count %d); want 3,4,5 of 7", r.Result, r.Count)
	}
	r, err = partial.UIDSearch(ctx, c, nil, partial.First(8, 5), nil)
	if err != nil {
		t.Fatalf("UID SEARCH RETURN (PARTIAL 8:12): %v", err)
	}
	if !r.None {
		t.Errorf("PARTIAL past the end = %+v; want NIL", r.Result)
	}
	if _, err := partial.UIDSearch(ctx, c, nil, partial.Last(2), nil); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("negative range on Dovecot 2.3: %v; want ErrNotSupported", err)
	}
}
