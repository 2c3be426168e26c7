package esort_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/esort"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/partial"
	"github.com/imapkit/imapkit/ext/sort"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 ESEARCH SORT ESORT CONTEXT=SEARCH CONTEXT=SORT] ready"

func selected(t *testing.T, greeting string, opts *client.Options) (*client.Conn, *faketest.Server) {
	if opts == nil {
		opts = &client.Options{}
	}
	opts.Extensions = append(opts.Extensions, esort.Install)
	c, s := faketest.New(t, greeting, opts)
	s.Select(c, nil, "A1 SELECT INBOX", "* 24000 EXISTS")
	return c, s
}

var undeleted = &client.SearchCriteria{NotFlag: []string{`\Deleted`, "$Junk"}}

// RFC 5267 §3.3 example: UID SORT RETURN () gives ALL in sort order.
func TestRFC5267_3_3_ESort(t *testing.T) {
	c, s := selected(t, greeting, nil)
	done := faketest.Go(func() (*esort.Result, error) {
		return esort.UIDSort(faketest.Ctx(t), c, []sort.Criterion{{Key: sort.Date, Reverse: true}}, undeleted, &esort.Options{Charset: "UTF-8"})
	})
	s.Expect("A2 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED UNKEYWORD $Junk")
	s.Send(`* ESEARCH (TAG "A2") UID ALL 23765,23764,23763,23761,23700:23702,23760`, "A2 OK Sort completed")
	r, err := done()
	if err != nil {
		t.Fatal(err)
	}
	want := []uint32{23765, 23764, 23763, 23761, 23700, 23701, 23702, 23760}
	if !r.UID || r.Tag != "A2" || !reflect.DeepEqual(r.All, want) || r.AllSet.Count() != 8 {
		t.Errorf("ESORT = %+v; want All %v", r, want)
	}
}

// RFC 5267 §4.1 example: CONTEXT with COUNT; §4.2: UPDATE, then the
// updates of §4.3 after the command completed, and CANCELUPDATE (§4.5).
func TestRFC5267_4_ContextUpdate(t *testing.T) {
	c, s := selected(t, greeting, nil)
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() (*esort.Result, error) {
		return esort.Search(ctx, c, &client.SearchCriteria{NotFlag: []string{`\Deleted`}}, &esort.Options{Return: []string{"COUNT"}, Context: true})
	})
	s.Expect("A2 SEARCH RETURN (COUNT CONTEXT) UNDELETED")
	s.Send(`* ESEARCH (TAG "A2") COUNT 23765`, "A2 OK Search completed.")
	if r, err := done(); err != nil || r.Count != 23765 || r.Has != wire.ESearchCount {
		t.Fatalf("CONTEXT COUNT = %+v, %v", r, err)
	}

	done = faketest.Go(func() (*esort.Result, error) {
		return esort.UIDSearch(ctx, c, &client.SearchCriteria{Flag: []string{`\Deleted`}}, &esort.Options{Return: []string{"COUNT"}, Update: true})
	})
	s.Expect("A3 UID SEARCH RETURN (COUNT UPDATE) DELETED")
	s.Send(`* ESEARCH (TAG "A3") UID COUNT 74`, "A3 OK Search completed, will notify.")
	r, err := done()
	if err != nil || r.Tag != "A3" || r.Count != 74 || r.NoUpdate {
		t.Fatalf("UPDATE = %+v, %v", r, err)
	}

	// Updates arrive later, during another command (here a NOOP); they
	// name A3 and go to the unclaimed queue.
	noop := faketest.Go(func() (bool, error) { return true, c.Noop(ctx) })
	s.Expect("A4 NOOP")
	s.Send(`* 23762 FETCH (FLAGS (\Deleted \Seen))`,
		`* ESEARCH (TAG "A3") UID ADDTO (0 32768:32769)`,
		`* ESEARCH (TAG "A3") UID REMOVEFROM (0 32768)`,
		"A4 OK Nothing done.")
	if _, err := noop(); err != nil {
		t.Fatal(err)
	}
	var ups []*esort.Update
	for len(ups) < 2 {
		resp, err := c.Unclaimed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if u, ok := esort.UpdateOf(resp); ok {
			ups = append(ups, u)
		}
	}
	if u := ups[0]; u.Tag != "A3" || !u.UID || len(u.AddTo) != 1 || u.AddTo[0].Position != 0 || !reflect.DeepEqual(u.AddTo[0].Nums, []uint32{32768, 32769}) {
		t.Errorf("ADDTO = %+v", u)
	}
	if u := ups[1]; len(u.RemoveFrom) != 1 || u.RemoveFrom[0].Set.String() != "32768" {
		t.Errorf("REMOVEFROM = %+v", u)
	}

	cancel := faketest.Go(func() (bool, error) { return true, esort.CancelUpdate(ctx, c, "A3") })
	s.Expect(`A5 CANCELUPDATE "A3"`)
	s.Send("A5 OK No further updates.")
	if _, err := cancel(); err != nil {
		t.Fatal(err)
	}
}

// RFC 5267 §4.2 example: the server will not keep the context.
func TestRFC5267_4_2_NoUpdate(t *testing.T) {
	c, s := selected(t, greeting, nil)
	done := faketest.Go(func() (*esort.Result, error) {
		return esort.UIDSort(faketest.Ctx(t), c, sort.By(sort.Date), nil, &esort.Options{Return: []string{"COUNT"}, Update: true, Charset: "UTF-8"})
	})
	s.Expect("A2 UID SORT RETURN (COUNT UPDATE) (DATE) UTF-8 ALL")
	s.Send(`* ESEARCH (TAG "A2") COUNT 74`, `* NO [NOUPDATE "A2"] Too many contexts`, "A2 OK Search completed, will not notify.")
	r, err := done()
	if err != nil || !r.NoUpdate || r.Count != 74 {
		t.Errorf("= %+v, %v; want NoUpdate", r, err)
	}
}

// RFC 5267 §4.3 examples: three equivalent ADDTO forms for a sorted
// context.
func TestRFC5267_4_3_AddTo(t *testing.T) {
	reg := codec.NewBaseRegistry()
	esort.RegisterCodec(reg)
	for _, line := range []string{
		`* ESEARCH (TAG "C01") UID ADDTO (1 2733 1 2732 1 2731)`,
		`* ESEARCH (TAG "C01") UID ADDTO (1 2733) ADDTO (1 2731:2732)`,
		`* ESEARCH (TAG "C01") UID ADDTO (1 2731:2733)`,
	} {
		for _, reg := range []*codec.Registry{reg, codec.NewBaseRegistry()} {
			u, ok := esort.UpdateOf(decodetest.Must(t, reg, line))
			if !ok {
				t.Fatalf("%s: no update", line)
			}
			var all seqset.Set
			for _, ch := range u.AddTo {
				if ch.Position != 1 {
					t.Errorf("%s: position %d", line, ch.Position)
				}
				all.AddSet(ch.Set)
			}
			if all.String() != "2731:2733" || u.Tag != "C01" {
				t.Errorf("%s: AddTo = %+v", line, u.AddTo)
			}
		}
	}
	for _, line := range []string{
		`* ESEARCH (TAG "C01") ADDTO (1)`,
		`* ESEARCH (TAG "C01") ADDTO (x 1)`,
		`* ESEARCH (TAG "C01") ADDTO 1`,
		`* ESEARCH (TAG "C01") COUNT 1`,
	} {
		if u, ok := esort.UpdateOf(decodetest.Must(t, reg, line)); ok {
			t.Errorf("%s: UpdateOf = %+v", line, u)
		}
	}
}

// PARTIAL with ESORT keeps the sort order too.
func TestPartialSort(t *testing.T) {
	c, s := selected(t, greeting, nil)
	done := faketest.Go(func() (*esort.Result, error) {
		return esort.Sort(faketest.Ctx(t), c, sort.By(sort.Subject), nil, &esort.Options{Partial: &partial.Range{First: 1, Last: 3}})
	})
	s.Expect("A2 SORT RETURN (PARTIAL 1:3) (SUBJECT) US-ASCII ALL")
	s.Send(`* ESEARCH (TAG "A2") PARTIAL (1:3 9,2,5)`, "A2 OK done")
	r, err := done()
	if err != nil || r.Partial == nil || !reflect.DeepEqual(r.Partial.Nums, []uint32{9, 2, 5}) {
		t.Errorf("= %+v, %v", r, err)
	}
}

func TestNotSupported(t *testing.T) {
	c, s := selected(t, "* PREAUTH [CAPABILITY IMAP4rev1 ESEARCH SORT] ready", nil)
	ctx := faketest.Ctx(t)
	if _, err := esort.Sort(ctx, c, sort.By(sort.Date), nil, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("no ESORT: %v", err)
	}
	if _, err := esort.Search(ctx, c, nil, &esort.Options{Update: true}); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("no CONTEXT=SEARCH: %v", err)
	}
	if err := esort.CancelUpdate(ctx, c, "A1"); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("CancelUpdate: %v", err)
	}
	s.Quiet(50e6)
}

// Client.Search still works with the replaced ESEARCH parser.
func TestBaseSearchStillWorks(t *testing.T) {
	c, s := selected(t, greeting, nil)
	done := faketest.Go(func() (*client.SearchResult, error) {
		return c.Search(faketest.Ctx(t), nil, &client.SearchOptions{Return: []string{"ALL"}})
	})
	s.Expect("A2 SEARCH RETURN (ALL) ALL")
	s.Send(`* ESEARCH (TAG "A2") ALL 1:3,7`, "A2 OK done")
	r, err := done()
	if err != nil || !reflect.DeepEqual(r.Nums, []uint32{1, 2, 3, 7}) {
		t.Errorf("Search = %+v, %v", r, err)
	}
}

// The order-keeping parser decodes what the base parser decodes.
func TestParserAgreesWithBase(t *testing.T) {
	reg := codec.NewBaseRegistry()
	esort.RegisterCodec(reg)
	base := codec.NewBaseRegistry()
	for _, line := range []string{
		`* ESEARCH UID COUNT 17 ALL 4:18,21,28`,
		`* ESEARCH (TAG "a567") UID COUNT 17 ALL 4:18,21,28`,
		`* ESEARCH COUNT 18 ALL 1:17,21`,
		`* ESEARCH (TAG "A285") UID MIN 7 MAX 3800`,
		`* ESEARCH (TAG "A284")`,
		`* ESEARCH (TAG "A018") UID COUNT 2 MIN 1 MAX 2 ALL 1:2 MODSEQ 917162500 X-FOO (a 1)`,
		`* ESEARCH`,
		`* ESEARCH (TAG "x") UID ALL 5,3`,
	} {
		a := decodetest.Must(t, reg, line).Data.(*wire.ESearchData)
		b := decodetest.Must(t, base, line).Data.(*wire.ESearchData)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s:\n esort %#v\n base  %#v", line, a, b)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"* ESEARCH (TAG \"E01\") UID ALL 23765,23764,23763,23761\r\n",
		"* ESEARCH (TAG \"C01\") UID ADDTO (1 2733) ADDTO (1 2731:2732)\r\n",
		"* NO [NOUPDATE \"B02\"] Too many contexts\r\n",
		"* ESEARCH (TAG \"A02\") UID PARTIAL (23500:24000 1:5)\r\n",
		"* ESEARCH (TAG \"x\" MAILBOX \"INBOX\" UIDVALIDITY 1) ALL 1\r\n",
	} {
		f.Add([]byte(s))
	}
	reg := codec.NewBaseRegistry()
	esort.RegisterCodec(reg)
	f.Fuzz(func(t *testing.T, data []byte) { decodetest.Fuzz(reg, data) })
}

// Decode then encode gives the RFC 5267 examples' bytes back: ALL in sort
// order, items in the server's order, updates, NOUPDATE.
func TestRoundTrip(t *testing.T) {
	reg := codec.NewBaseRegistry()
	esort.RegisterCodec(reg)
	decodetest.RoundTrip(t, reg,
		`* ESEARCH (TAG "E01") UID ALL 23765,23764,23763,23761`,
		`* ESEARCH (TAG "A01") COUNT 23765`,
		`* ESEARCH (TAG "B01") UID ADDTO (0 32768:32769)`,
		`* ESEARCH (TAG "C01") UID ADDTO (1 2733 1 2732 1 2731)`,
		`* ESEARCH (TAG "C01") UID ADDTO (1 2733) ADDTO (1 2731:2732)`,
		`* ESEARCH (TAG "B01") UID REMOVEFROM (0 32768)`,
		`* ESEARCH (TAG "A04") UID PARTIAL (24000:24500 NIL)`,
		`* ESEARCH (TAG "a567") UID COUNT 17 ALL 4:18,21,28`,
		`* ESEARCH (TAG "x") UID ALL 5,3 COUNT 2 MIN 5 MAX 3`,
		`* ESEARCH (TAG "A018") UID COUNT 2 MIN 1 MAX 2 ALL 1:2 MODSEQ 917162500 X-FOO (a 1)`,
		`* ESEARCH`,
		`* ESEARCH UID`,
		`* NO [NOUPDATE "B02"] Too many contexts`,
	)
}

// The order-keeping parser accepts what the base accepts: "*" in ALL.
func TestParseStar(t *testing.T) {
	reg := codec.NewBaseRegistry()
	esort.RegisterCodec(reg)
	for _, line := range []string{`* ESEARCH (TAG "a") ALL 1:*`, `* ESEARCH (TAG "a") ALL 5,1:*`} {
		a := decodetest.Must(t, reg, line).Data.(*wire.ESearchData)
		b := decodetest.Must(t, codec.NewBaseRegistry(), line).Data.(*wire.ESearchData)
		if a.All.String() != b.All.String() {
			t.Errorf("%s: ALL %v; base %v", line, a.All, b.All)
		}
	}
	// A lenient decoder keeps what the parser rejects as a generic tree,
	// with the parser's error (codec's failure policy).
	if r, err := decodetest.Decode(reg, false, `* ESEARCH ALL x`); err == nil && r.ParseErr == nil {
		t.Error("ALL x accepted")
	}
}
