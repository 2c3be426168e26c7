package partial_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/partial"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func selected(t *testing.T, greeting string) (*client.Conn, *faketest.Server) {
	c, s := faketest.New(t, greeting, nil)
	s.Select(c, nil, "A1 SELECT INBOX", "* 24000 EXISTS")
	return c, s
}

// RFC 5267 §4.4 example (the "..." of the RFC filled in): pages of UIDs
// with positive ranges, and NIL past the end.
func TestRFC5267_4_4_Partial(t *testing.T) {
	c, s := selected(t, "* PREAUTH [CAPABILITY IMAP4rev1 ESEARCH CONTEXT=SEARCH] ready")
	undeleted := &client.SearchCriteria{NotFlag: []string{`\Deleted`}}
	done := faketest.Go(func() (*partial.Reply, error) {
		return partial.UIDSearch(faketest.Ctx(t), c, undeleted, partial.Range{23500, 24000}, nil)
	})
	s.Expect("A2 UID SEARCH RETURN (PARTIAL 23500:24000) UNDELETED")
	s.Send(`* ESEARCH (TAG "A2") UID PARTIAL (23500:24000 67000:67500)`, "A2 OK Completed.")
	r, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if r.Range != (partial.Range{23500, 24000}) || r.None || r.Set.Count() != 501 || len(r.Nums) != 501 {
		t.Errorf("PARTIAL = %+v", r.Result)
	}

	done = faketest.Go(func() (*partial.Reply, error) {
		return partial.UIDSearch(faketest.Ctx(t), c, undeleted, partial.First(24000, 501), nil)
	})
	s.Expect("A3 UID SEARCH RETURN (PARTIAL 24000:24500) UNDELETED")
	s.Send(`* ESEARCH (TAG "A3") UID PARTIAL (24000:24500 NIL)`, "A3 OK Completed.")
	if r, err := done(); err != nil || !r.None {
		t.Errorf("PARTIAL past the end = %+v, %v; want NIL", r, err)
	}

	// A negative range needs PARTIAL (RFC 9394), not CONTEXT=SEARCH.
	if _, err := partial.UIDSearch(faketest.Ctx(t), c, nil, partial.Last(100), nil); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("negative range without PARTIAL: %v", err)
	}
	s.Quiet(50e6)
}

// RFC 9394 §3.1 style: the last 100 matches, with COUNT.
func TestRFC9394_LastPage(t *testing.T) {
	c, s := selected(t, "* PREAUTH [CAPABILITY IMAP4rev1 ESEARCH PARTIAL] ready")
	done := faketest.Go(func() (*partial.Reply, error) {
		return partial.UIDSearch(faketest.Ctx(t), c, nil, partial.Last(100), &partial.Options{Count: true})
	})
	s.Expect("A2 UID SEARCH RETURN (PARTIAL -1:-100 COUNT) ALL")
	s.Send(`* ESEARCH (TAG "A2") UID PARTIAL (-1:-100 200:250,252:300) COUNT 10000`, "A2 OK done")
	r, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if r.Range != partial.Last(100) || r.Set.Count() != 100 || !r.HasCount || r.Count != 10000 {
		t.Errorf("Reply = %+v %+v", r, r.Result)
	}
}

func TestFetchModifier(t *testing.T) {
	c, s := selected(t, "* PREAUTH [CAPABILITY IMAP4rev1 PARTIAL] ready")
	done := faketest.Go(func() ([]*wire.FetchData, error) {
		fc, err := c.UIDFetch(faketest.Ctx(t), seqset.MustParse("1:*"), &client.FetchItems{Flags: true, Modifiers: partial.FetchModifier(partial.Last(30))}, nil)
		if err != nil {
			return nil, err
		}
		return fc.CollectMessages(faketest.Ctx(t))
	})
	s.Expect("A2 UID FETCH 1:* (UID FLAGS) (PARTIAL -1:-30)")
	s.Send(`* 1 FETCH (UID 5 FLAGS ())`, "A2 OK done")
	if d, err := done(); err != nil || len(d) != 1 {
		t.Errorf("FETCH = %v, %v", d, err)
	}
}

func TestParseRange(t *testing.T) {
	for s, want := range map[string]partial.Range{"1:100": {1, 100}, "-1:-100": {-1, -100}, "100:1": {100, 1}} {
		if r, err := partial.ParseRange(s); err != nil || r != want || r.String() != s {
			t.Errorf("ParseRange(%q) = %v, %v", s, r, err)
		}
	}
	for _, s := range []string{"0:5", "-1:5", "1", "a:b", "1:-1", "+1:2", "1:4294967296"} {
		if _, err := partial.ParseRange(s); err == nil {
			t.Errorf("ParseRange(%q): no error", s)
		}
	}
}

func TestOf(t *testing.T) {
	reg := codec.NewBaseRegistry()
	for line, ok := range map[string]bool{
		`* ESEARCH (TAG "A04") UID PARTIAL (24000:24500 NIL)`: true,
		`* ESEARCH (TAG "a") PARTIAL (-1:-3 5,3,4)`:           true,
		`* ESEARCH (TAG "a") PARTIAL (1:2)`:                   false,
		`* ESEARCH (TAG "a") PARTIAL (0:2 1)`:                 false,
		`* ESEARCH (TAG "a") PARTIAL (1:2 ("x"))`:             false,
		`* ESEARCH (TAG "a") PARTIAL x`:                       false,
		`* ESEARCH (TAG "a") COUNT 3`:                         false,
	} {
		r := decodetest.Must(t, reg, line)
		p, got := partial.Of(r.Data.(*wire.ESearchData))
		if got != ok {
			t.Errorf("%s: Of = %+v, %v; want ok=%v", line, p, got, ok)
		}
		if got && line == `* ESEARCH (TAG "a") PARTIAL (-1:-3 5,3,4)` && !reflect.DeepEqual(p.Nums, []uint32{5, 3, 4}) {
			t.Errorf("Nums = %v; want the order sent", p.Nums)
		}
	}
}
