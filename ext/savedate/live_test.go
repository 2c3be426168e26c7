package savedate_test

import (
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/savedate"
	"github.com/imapkit/imapkit/seqset"
)

// Dovecot 2.3 and Cyrus 3.6 offer SAVEDATE; Courier 5.0 does not.
func TestLiveSaveDate(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{savedate.Install}}, []string{"SAVEDATE"}, testLiveSaveDate)
}

func testLiveSaveDate(t *testing.T, env livetest.Env, c *client.Conn) {
	mbox := env.Mailbox(t, c, "imapkit-ext-savedate")
	before := time.Now().Add(-time.Minute)
	livetest.Append(t, c, mbox, 2)
	if _, err := c.Select(livetest.Ctx(t), mbox, nil); err != nil {
		t.Fatal(err)
	}
	res, err := savedate.Fetch(livetest.Ctx(t), c, seqset.MustParse("1:*"), true)
	if err != nil || len(res) != 2 {
		t.Fatalf("Fetch = %+v, %v", res, err)
	}
	for _, r := range res {
		if r.Nil || r.Time.Before(before) || r.Time.After(time.Now().Add(time.Minute)) {
			t.Errorf("SAVEDATE of %d = %+v; want about now", r.UID, r)
		}
	}
	if ok, err := savedate.Supported(livetest.Ctx(t), c); err != nil || !ok {
		t.Fatalf("Supported = %v, %v", ok, err)
	}
	got, err := c.UIDSearch(livetest.Ctx(t), &client.SearchCriteria{Keys: savedate.SinceKey(time.Now().AddDate(0, 0, -1))}, nil)
	if err != nil || len(got.Nums) != 2 {
		t.Fatalf("SAVEDSINCE yesterday = %+v, %v", got, err)
	}
	got, err = c.UIDSearch(livetest.Ctx(t), &client.SearchCriteria{Keys: savedate.BeforeKey(time.Now().AddDate(0, 0, -1))}, nil)
	if err != nil || len(got.Nums) != 0 {
		t.Fatalf("SAVEDBEFORE yesterday = %+v, %v", got, err)
	}
}
