package within_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/within"
)

// RFC 5032 §4 example.
func TestRFC5032_4_Younger(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 WITHIN] ready", nil)
	s.Select(c, nil, "A1 SELECT INBOX", "* 50 EXISTS")
	done := faketest.Go(func() (*client.SearchResult, error) {
		return within.Search(faketest.Ctx(t), c, within.Window{Younger: 72 * time.Hour}, &client.SearchCriteria{NotFlag: []string{`\Seen`}}, nil)
	})
	s.Expect("A2 SEARCH UNSEEN YOUNGER 259200")
	s.Send("* SEARCH 4 8 15 16 23 42", "A2 OK done")
	r, err := done()
	if err != nil || !reflect.DeepEqual(r.Nums, []uint32{4, 8, 15, 16, 23, 42}) {
		t.Errorf("Search = %+v, %v", r, err)
	}

	done = faketest.Go(func() (*client.SearchResult, error) {
		return within.UIDSearch(faketest.Ctx(t), c, within.Window{Younger: 2 * time.Hour, Older: 1500 * time.Millisecond}, nil, nil)
	})
	s.Expect("A3 UID SEARCH YOUNGER 7200 OLDER 1")
	s.Send("* SEARCH", "A3 OK done")
	if _, err := done(); err != nil {
		t.Error(err)
	}
}

func TestKeys(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1] ready", nil)
	ctx := faketest.Ctx(t)
	if _, err := within.Keys(ctx, c, within.Window{Older: time.Hour}); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("no WITHIN: %v", err)
	}
	for _, w := range []within.Window{{}, {Younger: time.Millisecond}, {Older: -time.Hour}, {Older: 1 << 33 * time.Second}} {
		if _, err := within.Keys(ctx, c, w); err == nil || errors.Is(err, client.ErrNotSupported) {
			t.Errorf("Keys(%+v): err = %v; want a range error", w, err)
		}
	}
	s.Quiet(50e6)
}
