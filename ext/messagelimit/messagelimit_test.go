package messagelimit_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/messagelimit"
	"github.com/imapkit/imapkit/ext/uidonly"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 MESSAGELIMIT=1000 SAVELIMIT=500] ready"

func reg() *codec.Registry {
	r := codec.NewBaseRegistry()
	messagelimit.RegisterCodec(r)
	return r
}

func TestCapabilities(t *testing.T) {
	c, _ := faketest.New(t, greeting, nil)
	ctx := faketest.Ctx(t)
	if n, ok, err := messagelimit.Limit(ctx, c); err != nil || !ok || n != 1000 {
		t.Errorf("Limit = %d, %v, %v; want 1000", n, ok, err)
	}
	if n, ok, err := messagelimit.SaveLimit(ctx, c); err != nil || !ok || n != 500 {
		t.Errorf("SaveLimit = %d, %v, %v; want 500", n, ok, err)
	}
	c2, _ := faketest.New(t, faketest.Greeting, nil)
	if _, ok, err := messagelimit.Limit(ctx, c2); err != nil || ok {
		t.Errorf("Limit without the capability = %v, %v", ok, err)
	}
	c3, _ := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 MESSAGELIMIT=0] ready", nil)
	if _, _, err := messagelimit.Limit(ctx, c3); err == nil {
		t.Error("MESSAGELIMIT=0 accepted")
	}
}

func TestRoundTrip(t *testing.T) {
	decodetest.RoundTrip(t, reg(),
		"A1 OK [MESSAGELIMIT 1000] FETCH completed with 1000 partial results",
		"A2 NO [MESSAGELIMIT 1000] Too many messages to copy",
	)
	r := decodetest.Must(t, reg(), "A1 OK [MESSAGELIMIT 1000] x")
	if n, ok := messagelimit.Partial(r); !ok || n != 1000 {
		t.Errorf("Partial = %d, %v", n, ok)
	}
	r = decodetest.Must(t, reg(), "A1 NO [MESSAGELIMIT 1000] x")
	if _, ok := messagelimit.Partial(r); ok {
		t.Error("Partial on NO")
	}
	if _, err := decodetest.Decode(reg(), true, "A1 OK [MESSAGELIMIT 0] x"); err == nil {
		r, _ := decodetest.Decode(reg(), true, "A1 OK [MESSAGELIMIT 0] x")
		if _, ok := messagelimit.Partial(r); ok {
			t.Error("MESSAGELIMIT 0 typed")
		}
	}
}

func TestRest(t *testing.T) {
	for _, tc := range []struct {
		set  string
		last uint32
		want string
	}{
		{"1:*", 1100, "1101:*"},
		{"1:500,700:900,1000:2000", 750, "751:900,1000:2000"},
		{"1:10", 10, ""},
		{"5,9,12", 9, "12"},
		{"1:*", 4294967295, ""},
	} {
		got := messagelimit.Rest(seqset.MustParse(tc.set), tc.last)
		if got.String() != tc.want {
			t.Errorf("Rest(%s, %d) = %q; want %q", tc.set, tc.last, got.String(), tc.want)
		}
	}
}

// RFC 9738 §3.1 shape (reconstructed): UID FETCH 1:* over the limit
// returns the lowest UIDs and OK [MESSAGELIMIT n]; UIDFetchAll goes on
// from the highest UID received until a complete OK.
func TestUIDFetchAll(t *testing.T) {
	c, s := faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{messagelimit.Install}})
	s.Select(c, nil, "A1 SELECT INBOX", "* 5 EXISTS")
	var got []uint32
	done := faketest.Go(func() (bool, error) {
		return true, messagelimit.UIDFetchAll(faketest.Ctx(t), c, seqset.MustParse("1:*"), &client.FetchItems{Flags: true},
			func(fd *wire.FetchData) error { got = append(got, fd.UID); return nil })
	})
	s.Expect("A2 UID FETCH 1:* (UID FLAGS)")
	s.Send(`* 1 FETCH (UID 101 FLAGS ())`, `* 2 FETCH (UID 102 FLAGS (\Seen))`,
		"A2 OK [MESSAGELIMIT 2] FETCH completed with 2 partial results")
	s.Expect("A3 UID FETCH 103:* (UID FLAGS)")
	s.Send(`* 3 FETCH (UID 104 FLAGS ())`, `* 4 FETCH (UID 110 FLAGS ())`,
		"A3 OK [MESSAGELIMIT 2] FETCH completed with 2 partial results")
	s.Expect("A4 UID FETCH 111:* (UID FLAGS)")
	s.Send(`* 5 FETCH (UID 111 FLAGS ())`, "A4 OK FETCH completed")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	want := []uint32{101, 102, 104, 110, 111}
	if len(got) != len(want) {
		t.Fatalf("UIDs %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("UIDs %v; want %v", got, want)
		}
	}
}

// A server that answers partially without progress is not asked forever.
func TestUIDFetchAllNoProgress(t *testing.T) {
	c, s := faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{messagelimit.Install}})
	s.Select(c, nil, "A1 SELECT INBOX", "* 5 EXISTS")
	done := faketest.Go(func() (bool, error) {
		return true, messagelimit.UIDFetchAll(faketest.Ctx(t), c, seqset.MustParse("1:*"), nil,
			func(*wire.FetchData) error { return nil })
	})
	s.Expect("A2 UID FETCH 1:* (UID)")
	s.Send("A2 OK [MESSAGELIMIT 2] FETCH completed with 0 results")
	if _, err := done(); err == nil {
		t.Fatal("no error for a partial result without progress")
	}
}

// RFC 9738: a command that cannot be done in part (COPY) is refused with
// NO [MESSAGELIMIT n]; OfError reads the limit.
func TestRefused(t *testing.T) {
	c, s := faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{messagelimit.Install}})
	s.Select(c, nil, "A1 SELECT INBOX", "* 5000 EXISTS")
	done := faketest.Go(func() (*wire.CopyUID, error) {
		return c.UIDCopy(faketest.Ctx(t), seqset.MustParse("1:*"), "Archive")
	})
	s.Expect("A2 UID COPY 1:* Archive")
	s.Send("A2 NO [MESSAGELIMIT 1000] Too many messages to copy")
	_, err := done()
	if n, ok := messagelimit.OfError(err); !ok || n != 1000 {
		t.Fatalf("OfError(%v) = %d, %v", err, n, ok)
	}
	if _, ok := messagelimit.OfError(errors.New("x")); ok {
		t.Error("OfError on a plain error")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("A1 OK [MESSAGELIMIT 1000] x\r\n"))
	r := reg()
	f.Fuzz(func(t *testing.T, data []byte) { decodetest.Fuzz(r, data) })
}

// With UIDONLY enabled (RFC 9586, from the same authors), the partial
// results come as UIDFETCH responses; UIDFetchAll goes on the same way.
func TestUIDFetchAllUIDOnly(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UIDONLY MESSAGELIMIT=2] ready",
		&client.Options{Extensions: []client.Extension{messagelimit.Install, uidonly.Install}})
	en := faketest.Go(func() (bool, error) { return true, uidonly.Enable(faketest.Ctx(t), c) })
	s.Expect("A1 ENABLE UIDONLY")
	s.Send("* ENABLED UIDONLY", "A1 OK done")
	if _, err := en(); err != nil {
		t.Fatal(err)
	}
	s.Select(c, nil, "A2 SELECT INBOX", "* 3 EXISTS")
	var got []uint32
	done := faketest.Go(func() (bool, error) {
		return true, messagelimit.UIDFetchAll(faketest.Ctx(t), c, seqset.MustParse("1:*"), &client.FetchItems{Flags: true},
			func(fd *wire.FetchData) error { got = append(got, fd.UID); return nil })
	})
	s.Expect("A3 UID FETCH 1:* (UID FLAGS)")
	s.Send(`* 5 UIDFETCH (FLAGS ())`, `* 8 UIDFETCH (FLAGS ())`, "A3 OK [MESSAGELIMIT 2] partial")
	s.Expect("A4 UID FETCH 9:* (UID FLAGS)")
	s.Send(`* 20 UIDFETCH (FLAGS (\Seen))`, "A4 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != 5 || got[1] != 8 || got[2] != 20 {
		t.Fatalf("UIDs %v; want [5 8 20]", got)
	}
}
