package savedate_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/internal/roundtrip"
	"github.com/imapkit/imapkit/ext/savedate"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func decode(reg *codec.Registry, strict bool, line string) (*wire.Response, error) {
	d := codec.NewDecoder(strings.NewReader(line+"\r\n"), &codec.DecoderOptions{Registry: reg, Strict: strict})
	return d.ReadResponse()
}

func reg() *codec.Registry {
	r := codec.NewBaseRegistry()
	savedate.RegisterCodec(r)
	return r
}

func dial(t *testing.T, caps string) (*client.Conn, *faketest.Server) {
	return faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 "+caps+"] ready", &client.Options{Extensions: []client.Extension{savedate.Install}})
}

// RFC 8514 §4.1: "A101 FETCH 998 (SAVEDATE)".
func TestRFC8514_4_1_Fetch(t *testing.T) {
	c, s := dial(t, "SAVEDATE")
	s.Select(c, nil, "A1 SELECT INBOX", "* 1000 EXISTS")
	done := faketest.Go(func() ([]savedate.Result, error) {
		return savedate.Fetch(faketest.Ctx(t), c, seqset.MustParse("998:999"), false)
	})
	s.Expect("A2 FETCH 998:999 (UID SAVEDATE)")
	s.Send(`* 998 FETCH (UID 4 SAVEDATE "01-Jan-2015 18:50:53 +0100")`, "* 999 FETCH (UID 5 SAVEDATE NIL)", "A2 OK Fetch completed.")
	res, err := done()
	if err != nil || len(res) != 2 {
		t.Fatalf("Fetch = %+v, %v", res, err)
	}
	want := time.Date(2015, 1, 1, 17, 50, 53, 0, time.UTC)
	if !res[0].Time.Equal(want) || res[0].Nil || res[0].UID != 4 {
		t.Errorf("res[0] = %+v; want %v", res[0], want)
	}
	if !res[1].Nil {
		t.Errorf("res[1] = %+v; want NIL", res[1])
	}
	// The generic tree reads the same.
	resp, err := decode(codec.NewBaseRegistry(), false, `* 998 FETCH (SAVEDATE "01-Jan-2015 18:50:53 +0100")`)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := savedate.Get(resp.Data.(*wire.FetchData)); !ok || !d.Time.Equal(want) {
		t.Errorf("Get(generic) = %+v, %v", d, ok)
	}
}

// RFC 8514 §4.2: "A102 SEARCH SAVEDON 28-Dec-2014", SAVEDSINCE.
func TestRFC8514_4_2_Search(t *testing.T) {
	c, s := dial(t, "SAVEDATE")
	s.Select(c, nil, "A1 SELECT INBOX", "* 1001 EXISTS")
	day := time.Date(2014, 12, 28, 12, 0, 0, 0, time.UTC)
	done := faketest.Go(func() (*client.SearchResult, error) {
		return c.Search(faketest.Ctx(t), &client.SearchCriteria{Keys: savedate.OnKey(day)}, nil)
	})
	s.Expect("A2 SEARCH SAVEDON 28-Dec-2014")
	s.Send("* SEARCH 993 994", "A2 OK Search completed.")
	if r, err := done(); err != nil || len(r.Nums) != 2 {
		t.Fatalf("SAVEDON = %+v, %v", r, err)
	}
	done = faketest.Go(func() (*client.SearchResult, error) {
		keys := append(savedate.SinceKey(day), savedate.BeforeKey(day.AddDate(0, 0, 3))...)
		return c.Search(faketest.Ctx(t), &client.SearchCriteria{Keys: keys}, nil)
	})
	s.Expect("A3 SEARCH SAVEDSINCE 28-Dec-2014 SAVEDBEFORE 31-Dec-2014")
	s.Send("* SEARCH 993 994 995", "A3 OK Search completed.")
	if r, err := done(); err != nil || len(r.Nums) != 3 {
		t.Fatalf("SAVEDSINCE = %+v, %v", r, err)
	}
	sup := faketest.Go(func() (bool, error) { return savedate.Supported(faketest.Ctx(t), c) })
	s.Expect("A4 UID SEARCH SAVEDATESUPPORTED")
	s.Send("* SEARCH", "A4 OK Search completed.")
	if ok, err := sup(); err != nil || ok {
		t.Fatalf("Supported = %v, %v; want false", ok, err)
	}
}

func TestNotSupported(t *testing.T) {
	c, s := dial(t, "IDLE")
	if _, err := savedate.Fetch(faketest.Ctx(t), c, seqset.MustParse("1"), true); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Fetch without SAVEDATE: %v", err)
	}
	s.Quiet(50e6)
}

func TestMalformed(t *testing.T) {
	for _, line := range []string{
		`* 1 FETCH (SAVEDATE "32-Jan-2015 18:50:53 +0100")`,
		`* 1 FETCH (SAVEDATE 12)`,
		`* 1 FETCH (SAVEDATE ("01-Jan-2015 18:50:53 +0100"))`,
	} {
		if _, err := decode(reg(), true, line); err == nil {
			t.Errorf("strict decode of %q succeeded", line)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`* 998 FETCH (SAVEDATE "01-Jan-2015 18:50:53 +0100")`)
	f.Add(`* 999 FETCH (UID 5 SAVEDATE NIL)`)
	r := reg()
	f.Fuzz(func(t *testing.T, line string) {
		roundtrip.Stable(t, r, line+"\r\n")
		for _, strict := range []bool{true, false} {
			if resp, err := decode(r, strict, line); err == nil {
				if fd, ok := resp.Data.(*wire.FetchData); ok {
					savedate.Get(fd)
				}
			}
		}
	})
}

func TestRoundTrip(t *testing.T) {
	roundtrip.Check(t, reg(), func(r *wire.Response) bool {
		fd, ok := r.Data.(*wire.FetchData)
		if !ok || len(fd.Items) != 1 {
			return false
		}
		_, ok = fd.Items[0].Data.(savedate.Date)
		return ok
	},
		`* 998 FETCH (SAVEDATE "01-Jan-2015 18:50:53 +0100")`,
		`* 999 FETCH (UID 5 SAVEDATE NIL)`,
		`* 1 FETCH (SAVEDATE "02-Dec-2026 13:47:28 +0000" UID 1)`,
		`* 1 FETCH (SAVEDATE "31-Dec-1999 23:59:59 -1130")`,
	)
}
