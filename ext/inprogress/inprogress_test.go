package inprogress_test

import (
	"sync"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/inprogress"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/wire"
)

func reg() *codec.Registry {
	r := codec.NewBaseRegistry()
	inprogress.RegisterCodec(r)
	return r
}

// The code's forms of RFC 9585 §3 (reconstructed from its grammar and
// examples): all known, NIL parts, and bare.
func TestParse(t *testing.T) {
	cases := []struct {
		line string
		want inprogress.Progress
	}{
		{`* OK [INPROGRESS ("A1" 2400 10000)] Processed 24% of the items`,
			inprogress.Progress{Tag: "A1", HasTag: true, Done: 2400, HasDone: true, Goal: 10000, HasGoal: true}},
		{`* OK [INPROGRESS ("A1" 11 NIL)] Processed 11 items so far`,
			inprogress.Progress{Tag: "A1", HasTag: true, Done: 11, HasDone: true}},
		{`* OK [INPROGRESS (NIL NIL NIL)] Still working`, inprogress.Progress{}},
		{`* OK [INPROGRESS] Hang in there`, inprogress.Progress{Bare: true}},
	}
	for _, tc := range cases {
		r := decodetest.Must(t, reg(), tc.line)
		pr, ok := inprogress.Of(r)
		if !ok {
			t.Errorf("%q: no progress (code %+v)", tc.line, r.Code)
			continue
		}
		if *pr != tc.want {
			t.Errorf("%q: %+v; want %+v", tc.line, *pr, tc.want)
		}
	}
	r := decodetest.Must(t, reg(), `* OK [INPROGRESS ("A1" 2400 10000)] x`)
	pr, _ := inprogress.Of(r)
	if f, ok := pr.Fraction(); !ok || f != 0.24 {
		t.Errorf("Fraction = %v, %v; want 0.24", f, ok)
	}
	if _, ok := (&inprogress.Progress{HasDone: true, Done: 3}).Fraction(); ok {
		t.Error("Fraction without a goal reported known")
	}
}

func TestRoundTrip(t *testing.T) {
	decodetest.RoundTrip(t, reg(),
		`* OK [INPROGRESS ("A1" 2400 10000)] Processed 24% of the items`,
		`* OK [INPROGRESS (NIL 5 NIL)] x`,
		`* OK [INPROGRESS] x`,
	)
}

// A goal of 0 breaks progress-goal = nz-number: strict decoding keeps the
// code generic, as does a malformed argument in either mode; Of then
// reports nothing instead of a wrong value.
func TestMalformed(t *testing.T) {
	for _, strict := range []bool{true, false} {
		for _, line := range []string{
			`* OK [INPROGRESS ("A1" 1 2 3)] x`,
			`* OK [INPROGRESS (A1 1 2)] x`,
			`* OK [INPROGRESS ("A1" -1 2)] x`,
		} {
			r, err := decodetest.Decode(reg(), strict, line)
			if err != nil {
				continue // rejected: fine
			}
			if _, ok := inprogress.Of(r); ok {
				t.Errorf("strict=%v %q: typed progress from a malformed code", strict, line)
			}
		}
	}
	r, err := decodetest.Decode(reg(), true, `* OK [INPROGRESS ("A1" 1 0)] x`)
	if err == nil {
		if _, ok := inprogress.Of(r); ok {
			t.Error("strict: a goal of 0 gave typed progress")
		}
	}
	// Only untagged OK responses carry progress (RFC 9585 §3).
	r = decodetest.Must(t, reg(), `A1 OK [INPROGRESS ("A1" 1 2)] done`)
	if _, ok := inprogress.Of(r); ok {
		t.Error("Of accepted a tagged completion")
	}
}

// A long SEARCH with progress notifications in between (RFC 9585 §4's
// example shape, reconstructed): Watch delivers each, in order, with its
// tag, and the command's result is unaffected.
func TestWatchDuringCommand(t *testing.T) {
	var mu sync.Mutex
	var got []inprogress.Event
	done := make(chan struct{})
	opts := &client.Options{
		Extensions: []client.Extension{inprogress.Install},
		Unilateral: inprogress.Watch(func(e inprogress.Event) {
			mu.Lock()
			got = append(got, e)
			if len(got) == 3 {
				close(done)
			}
			mu.Unlock()
		}, nil),
	}
	c, s := faketest.New(t, faketest.Greeting, opts)
	s.Select(c, nil, "A1 SELECT INBOX", "* 10000 EXISTS")
	res := faketest.Go(func() (*client.SearchResult, error) {
		return c.UIDSearch(faketest.Ctx(t), &client.SearchCriteria{Body: []string{"hello"}}, nil)
	})
	s.Expect(`A2 UID SEARCH BODY hello`)
	s.Send(`* OK [INPROGRESS ("A2" 0 10000)] Searching`,
		`* OK [INPROGRESS ("A2" 5000 10000)] Half way`,
		`* OK [INPROGRESS ("A2" 10000 10000)] Done`,
		`* SEARCH 7 9`, `A2 OK UID SEARCH completed`)
	sr, err := res()
	if err != nil {
		t.Fatal(err)
	}
	if len(sr.Nums) != 2 {
		t.Errorf("SEARCH result %v; want 2 UIDs", sr.Nums)
	}
	select {
	case <-done:
	case <-faketest.Ctx(t).Done():
		t.Fatal("progress events not delivered")
	}
	mu.Lock()
	defer mu.Unlock()
	for i, want := range []uint32{0, 5000, 10000} {
		if got[i].Progress.Tag != "A2" || got[i].Progress.Done != want || got[i].Progress.Goal != 10000 {
			t.Errorf("event %d = %+v; want A2 %d/10000", i, got[i].Progress, want)
		}
	}
	if got[1].Text != "Half way" {
		t.Errorf("event text %q", got[1].Text)
	}
}

// Watch passes other responses to next.
func TestWatchPassesOthers(t *testing.T) {
	var other []*wire.Response
	w := inprogress.Watch(func(inprogress.Event) { t.Error("unexpected progress") }, func(r *wire.Response) { other = append(other, r) })
	w(decodetest.Must(t, reg(), `* OK [ALERT] hello`))
	if len(other) != 1 {
		t.Errorf("next called %d times; want 1", len(other))
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("* OK [INPROGRESS (\"A1\" 2400 10000)] x\r\n"))
	f.Add([]byte("* OK [INPROGRESS (NIL NIL NIL)] x\r\n* OK [INPROGRESS] y\r\n"))
	r := reg()
	f.Fuzz(func(t *testing.T, data []byte) { decodetest.Fuzz(r, data) })
}
