package within_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/within"
)

// Dovecot 2.3 and Cyrus 3.6 offer WITHIN. Messages appended with an
// internal date two days ago and now.
func TestLiveWithin(t *testing.T) {
	livetest.Run(t, nil, []string{"WITHIN"}, testLiveWithin)
}

func testLiveWithin(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-within")
	old := time.Now().Add(-48 * time.Hour)
	for i, date := range []time.Time{old, time.Now()} {
		m := livetest.Message(i + 1)
		if _, err := c.Append(ctx, mbox, strings.NewReader(m), int64(len(m)), &client.AppendOptions{Date: date}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}
	r, err := within.Search(ctx, c, within.Window{Younger: 24 * time.Hour}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Nums, []uint32{2}) {
		t.Errorf("YOUNGER 1 day = %v; want [2]", r.Nums)
	}
	r, err = within.Search(ctx, c, within.Window{Older: 24 * time.Hour}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Nums, []uint32{1}) {
		t.Errorf("OLDER 1 day = %v; want [1]", r.Nums)
	}
	r, err = within.UIDSearch(ctx, c, within.Window{Younger: 72 * time.Hour, Older: time.Hour}, nil, nil)
	if err != nil || len(r.Nums) != 1 {
		t.Errorf("YOUNGER 3 days OLDER 1 hour = %+v, %v; want one UID", r, err)
	}
}
