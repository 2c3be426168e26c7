package uidonly_test

import (
	"errors"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/qresync"
	"github.com/imapkit/imapkit/ext/uidonly"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UIDONLY QRESYNC CONDSTORE MOVE] ready"

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

// RFC 9586 §3: once UIDONLY is enabled the client must not use message
// sequence numbers. Check says so, and the connection refuses the
// commands itself before sending them; the UID forms and EXPUNGE go out.
func TestSeqNumsRefused(t *testing.T) {
	c, s := selected(t)
	ctx := faketest.Ctx(t)
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

	// The connection's own refusals: nothing reaches the server.
	one := seqset.MustParse("1:2")
	refused := map[string]error{}
	_, refused["FETCH"] = c.Fetch(ctx, one, &client.FetchItems{Flags: true}, nil)
	_, refused["STORE"] = c.Store(ctx, one, &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Seen`}})
	_, refused["COPY"] = c.Copy(ctx, one, "Trash")
	_, refused["MOVE"] = c.Move(ctx, one, "Trash")
	_, refused["SEARCH"] = c.Search(ctx, &client.SearchCriteria{Flag: []string{`\Seen`}}, nil)
	_, refused["UID SEARCH 1:2"] = c.UIDSearch(ctx, &client.SearchCriteria{SeqNum: &one}, nil)
	_, refused["raw SORT"] = c.Start(ctx, client.Spec{Name: "SORT", Args: []wire.Value{wire.List(wire.Atom("DATE")), wire.Atom("UTF-8"), wire.Atom("ALL")}})
	for name, err := range refused {
		if !errors.Is(err, uidonly.ErrSeqNums) {
			t.Errorf("%s with UIDONLY enabled = %v; want ErrSeqNums", name, err)
		}
	}
	if err := refused["FETCH"]; err != nil && err.Error() != "FETCH not sent: "+uidonly.ErrSeqNums.Error() {
		t.Errorf("FETCH error %q does not say what was refused", err)
	}

	// The next command on the wire is A3: the refused ones used no tag.
	done := faketest.Go(func() (*client.SearchResult, error) {
		return c.UIDSearch(ctx, &client.SearchCriteria{Flag: []string{`\Seen`}}, nil)
	})
	s.Expect(`A3 UID SEARCH SEEN`)
	s.Send("* SEARCH 25996", "A3 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}

	// A command the client cannot judge (an extension's, without
	// UsesSeqNums) goes out, and the server's BAD [UIDREQUIRED] is
	// recognized.
	raw := faketest.Go(func() (bool, error) {
		cmd, err := c.Start(ctx, client.Spec{Name: "XSEQ", Args: []wire.Value{wire.Atom("1:2")}})
		if err != nil {
			return false, err
		}
		_, err = cmd.Wait(ctx)
		return true, err
	})
	s.Expect("A4 XSEQ 1:2")
	s.Send("A4 BAD [UIDREQUIRED] Message sequence numbers are not allowed")
	if _, err := raw(); !uidonly.IsUIDRequired(err) {
		t.Fatalf("XSEQ error %v; want UIDREQUIRED", err)
	}
}

// A refusal while a UID FETCH is in flight and another is issued: FETCH
// waits for its turn (RFC 9051 §5.5: a UID FETCH may cause EXPUNGE),
// is refused then, and the pipelined commands get their own responses.
func TestSeqNumsRefusedWhilePipelined(t *testing.T) {
	c, s := selected(t)
	ctx := faketest.Ctx(t)
	uidFetch := func(set string) func() ([]*wire.FetchData, error) {
		return faketest.Go(func() ([]*wire.FetchData, error) {
			cmd, err := c.UIDFetch(ctx, seqset.MustParse(set), &client.FetchItems{Flags: true}, nil)
			if err != nil {
				return nil, err
			}
			return cmd.CollectMessages(ctx)
		})
	}
	first := uidFetch("25996")
	s.Expect("A3 UID FETCH 25996 (UID FLAGS)")
	fetch := faketest.Go(func() (*client.FetchCommand, error) {
		return c.Fetch(ctx, seqset.MustParse("1"), &client.FetchItems{Flags: true}, nil)
	})
	second := uidFetch("25997")
	s.Send(`* 25996 UIDFETCH (FLAGS ())`, "A3 OK done")
	s.Expect("A4 UID FETCH 25997 (UID FLAGS)")
	s.Send(`* 25997 UIDFETCH (FLAGS (\Seen))`, "A4 OK done")
	if _, err := fetch(); !errors.Is(err, uidonly.ErrSeqNums) {
		t.Fatalf("FETCH beside UID FETCHes = %v; want ErrSeqNums", err)
	}
	for i, wait := range []func() ([]*wire.FetchData, error){first, second} {
		fds, err := wait()
		if err != nil || len(fds) != 1 || fds[0].UID != uint32(25996+i) {
			t.Fatalf("UID FETCH %d = %+v, %v", 25996+i, fds, err)
		}
	}
	// Nothing of the FETCH was sent: the next tag is A5.
	noop := faketest.Go(func() (bool, error) { return true, c.Noop(ctx) })
	s.Expect("A5 NOOP")
	s.Send("A5 OK done")
	if _, err := noop(); err != nil {
		t.Fatal(err)
	}
}

// RFC 9586 §3: with UIDONLY (and without QRESYNC) the server reports
// expunged messages with VANISHED: the message count shrinks and the
// expunge is reported as a VANISHED event, EXPUNGE's sequence numbers
// being unknown.
func TestVanishedWithoutQResync(t *testing.T) {
	events := make(chan client.MailboxEvent, 16)
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UIDONLY UIDPLUS] ready", &client.Options{
		Extensions:    []client.Extension{uidonly.Install},
		MailboxUpdate: func(e client.MailboxEvent) { events <- e },
	})
	done := faketest.Go(func() (bool, error) { return true, uidonly.Enable(faketest.Ctx(t), c) })
	s.Expect("A1 ENABLE UIDONLY")
	s.Send("* ENABLED UIDONLY", "A1 OK ENABLE completed")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	s.Select(c, nil, "A2 SELECT INBOX", "* 5 EXISTS", "* OK [UIDVALIDITY 1] x", "* OK [UIDNEXT 30] x")
	ex := faketest.Go(func() ([]uint32, error) { return c.Expunge(faketest.Ctx(t)) })
	s.Expect("A3 EXPUNGE")
	s.Send("* VANISHED 25996:25997,25999", "A3 OK EXPUNGE completed")
	seqs, err := ex()
	if err != nil || len(seqs) != 0 {
		t.Fatalf("EXPUNGE = %v, %v; want no sequence numbers", seqs, err)
	}
	if m := c.Mailbox(); m == nil || m.Exists != 2 {
		t.Fatalf("Exists after VANISHED of 3 = %+v; want 2", m)
	}
	// Unsolicited, more UIDs than messages: bounded at zero.
	s.Send("* VANISHED 1:100")
	for {
		select {
		case e := <-events:
			if e.Kind != client.EventExtension || e.Name != "VANISHED" {
				continue
			}
			v := e.Data.(*qresync.Vanished)
			if v.UIDs.Count() == 100 {
				if e.Mailbox.Exists != 0 {
					t.Fatalf("Exists after VANISHED 1:100 = %d; want 0", e.Mailbox.Exists)
				}
				return
			}
			if v.UIDs.String() != "25996:25997,25999" || v.Earlier || e.Mailbox.Exists != 2 {
				t.Fatalf("first VANISHED event %+v (%v)", v, e.Mailbox)
			}
		case <-time.After(faketest.Timeout):
			t.Fatal("no VANISHED event")
		}
	}
}

// Installed with ext/qresync too, the VANISHED hook runs once: three
// UIDs remove three messages, not six.
func TestVanishedHookShared(t *testing.T) {
	for _, order := range [][]client.Extension{{uidonly.Install, qresync.Install}, {qresync.Install, uidonly.Install}} {
		c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UIDONLY QRESYNC] ready", &client.Options{Extensions: order})
		done := faketest.Go(func() (bool, error) { return true, uidonly.Enable(faketest.Ctx(t), c) })
		s.Expect("A1 ENABLE UIDONLY")
		s.Send("* ENABLED UIDONLY", "A1 OK done")
		if _, err := done(); err != nil {
			t.Fatal(err)
		}
		s.Select(c, nil, "A2 SELECT INBOX", "* 10 EXISTS")
		noop := faketest.Go(func() (bool, error) { return true, c.Noop(faketest.Ctx(t)) })
		s.Expect("A3 NOOP")
		s.Send("* VANISHED 1:3", "A3 OK done")
		if _, err := noop(); err != nil {
			t.Fatal(err)
		}
		if m := c.Mailbox(); m.Exists != 7 {
			t.Fatalf("Exists = %d; want 7 (the VANISHED hook ran more than once?)", m.Exists)
		}
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
