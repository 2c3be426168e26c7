package uidonly_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/uidonly"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UIDONLY QRESYNC CONDSTORE] ready"

func reg() *codec.Registry {
	r := codec.NewBaseRegistry()
	uidonly.RegisterCodec(r)
	return r
}

func TestParse(t *testing.T) {
	r := decodetest.Must(t, reg(), `* 25996 UIDFETCH (FLAGS (\Flagged \Answered) MODSEQ (12))`)
	fd, ok := r.Data.(*wire.FetchData)
	if !ok {
		t.Fatalf("data %T", r.Data)
	}
	if fd.UID != 25996 || fd.Seq != 0 || fd.Has&wire.FetchUID == 0 || len(fd.Flags) != 2 {
		t.Errorf("UIDFETCH = %+v", fd)
	}
	if _, ok := fd.Item("MODSEQ"); !ok {
		t.Error("MODSEQ item lost")
	}
	// Strictly, a UID item must agree with the number.
	if _, err := decodetest.Decode(reg(), true, `* 7 UIDFETCH (UID 8 FLAGS ())`); err == nil {
		r, _ := decodetest.Decode(reg(), true, `* 7 UIDFETCH (UID 8 FLAGS ())`)
		if _, typed := r.Data.(*wire.FetchData); typed {
			t.Error("strict: UID 8 in UIDFETCH 7 typed")
		}
	}
	for _, bad := range []string{`* UIDFETCH (FLAGS ())`, `* 0 UIDFETCH (FLAGS ())`, `* 3 UIDFETCH FLAGS`} {
		if r, err := decodetest.Decode(reg(), false, bad); err == nil {
			if _, typed := r.Data.(*wire.FetchData); typed {
				t.Errorf("%q typed", bad)
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	decodetest.RoundTrip(t, reg(),
		`* 25996 UIDFETCH (FLAGS (\Flagged \Answered))`,
		`* 25997 UIDFETCH (UID 25997 FLAGS (\Seen) RFC822.SIZE 44)`,
		"* 30 UIDFETCH (BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: hello\r\n\r\n)",
	)
}

func selected(t *testing.T) (*client.Conn, *faketest.Server) {
	c, s := faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{uidonly.Install}})
	done := faketest.Go(func() (bool, error) { return true, uidonly.Enable(faketest.Ctx(t), c) })
	s.Expect("A1 ENABLE UIDONLY")
	s.Send("* ENABLED UIDONLY", "A1 OK ENABLE completed")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	s.Select(c, nil, "A2 SELECT INBOX", "* 3 EXISTS", "* OK [UIDVALIDITY 1] x", "* OK [UIDNEXT 26000] x")
	return c, s
}

// RFC 9586 §3.3 example shape (reconstructed): after ENABLE UIDONLY, UID
// FETCH gets UIDFETCH responses, which Conn.UIDFetch returns as usual.
func TestRFC9586_UIDFetch(t *testing.T) {
	c, s := selected(t)
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() ([]*wire.FetchData, error) {
		cmd, err := c.UIDFetch(ctx, seqset.MustParse("25996:25999"), &client.FetchItems{Flags: true}, nil)
		if err != nil {
			return nil, err
		}
		return cmd.CollectMessages(ctx)
	})
	s.Expect("A3 UID FETCH 25996:25999 (UID FLAGS)")
	s.Send(`* 25996 UIDFETCH (FLAGS (\Flagged \Answered))`, `* 25999 UIDFETCH (FLAGS (\Seen))`, "A3 OK UID FETCH completed")
	fds, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if len(fds) != 2 || fds[0].UID != 25996 || fds[1].UID != 25999 || fds[1].Flags[0] != `\Seen` {
		t.Fatalf("UID FETCH = %+v", fds)
	}

	// UID STORE's echoed flags come as UIDFETCH too.
	st := faketest.Go(func() ([]*wire.FetchData, error) {
		cmd, err := c.UIDStore(ctx, seqset.MustParse("25996"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Deleted`}})
		if err != nil {
			return nil, err
		}
		return cmd.CollectMessages(ctx)
	})
	s.Expect(`A4 UID STORE 25996 +FLAGS (\Deleted)`)
	s.Send(`* 25996 UIDFETCH (FLAGS (\Flagged \Answered \Deleted))`, "A4 OK UID STORE completed")
	if fds, err := st(); err != nil || len(fds) != 1 || len(fds[0].Flags) != 3 {
		t.Fatalf("UID STORE = %+v, %v", fds, err)
	}
}

// RFC 9586 §3.1: sequence numbers are refused, client-side by Check and
// by the server with BAD [UIDREQUIRED].
func TestSeqNumsRefused(t *testing.T) {
	c, s := selected(t)
	for _, name := range []string{"FETCH", "store", "SEARCH", "COPY", "MOVE", "SORT", "THREAD"} {
		if err := uidonly.Check(c, name, false); !errors.Is(err, uidonly.ErrSeqNums) {
			t.Errorf("Check(%s) = %v", name, err)
		}
	}
	if err := uidonly.Check(c, "UID SEARCH", true); !errors.Is(err, uidonly.ErrSeqNums) {
		t.Errorf("Check(UID SEARCH with a sequence set) = %v", err)
	}
	for _, name := range []string{"UID FETCH", "UID SEARCH", "NOOP", "EXPUNGE"} {
		if err := uidonly.Check(c, name, false); err != nil {
			t.Errorf("Check(%s) = %v", name, err)
		}
	}
	done := faketest.Go(func() (*wire.CopyUID, error) {
		return c.Copy(faketest.Ctx(t), seqset.MustParse("1:2"), "Trash")
	})
	s.Expect("A3 COPY 1:2 Trash")
	s.Send("A3 BAD [UIDREQUIRED] Message sequence numbers are not allowed")
	if _, err := done(); !uidonly.IsUIDRequired(err) {
		t.Fatalf("COPY error %v; want UIDREQUIRED", err)
	}
}

// Without ENABLE, Check allows everything; Enable needs the capability.
func TestNotEnabled(t *testing.T) {
	c, s := faketest.New(t, faketest.Greeting, &client.Options{Extensions: []client.Extension{uidonly.Install}})
	if err := uidonly.Check(c, "FETCH", true); err != nil {
		t.Errorf("Check before ENABLE = %v", err)
	}
	if err := uidonly.Enable(faketest.Ctx(t), c); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("Enable without UIDONLY = %v", err)
	}
	s.Quiet(0)
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("* 25996 UIDFETCH (FLAGS (\\Flagged \\Answered))\r\n"))
	f.Add([]byte("* 30 UIDFETCH (UID 30 BODY[] {3}\r\nabc)\r\n"))
	r := reg()
	f.Fuzz(func(t *testing.T, data []byte) { decodetest.Fuzz(r, data) })
}
