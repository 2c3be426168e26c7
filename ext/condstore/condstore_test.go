package condstore_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/condstore"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func newConn(t *testing.T, greeting string, ext client.Extension) (*client.Conn, *faketest.Server) {
	t.Helper()
	return faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{ext}})
}

// selectCondstore runs Example 18 of RFC 7162 §3.1.8.
func selectCondstore(t *testing.T, c *client.Conn, s *faketest.Server) *client.Mailbox {
	t.Helper()
	return s.Select(c, &client.SelectOptions{Params: []wire.Value{condstore.SelectParam()}}, "A1 SELECT INBOX (CONDSTORE)",
		"* 172 EXISTS",
		"* 1 RECENT",
		"* OK [UNSEEN 12] Message 12 is first unseen",
		"* OK [UIDVALIDITY 3857529045] UIDs valid",
		"* OK [UIDNEXT 4392] Predicted next UID",
		`* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)`,
		`* OK [PERMANENTFLAGS (\Deleted \Seen \*)] Limited`,
		"* OK [HIGHESTMODSEQ 715194045007]")
}

func TestRFC7162_3_1_8_SelectCondstore(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	m := selectCondstore(t, c, s)
	if m.HighestModSeq != 715194045007 || m.Exists != 172 || m.UIDValidity != 3857529045 {
		t.Errorf("Mailbox = %+v; want HIGHESTMODSEQ 715194045007, 172 EXISTS", m)
	}
}

// CONDSTORE's state lives in this package's hooks: without Install the
// client knows nothing of HIGHESTMODSEQ (the code stays readable on the
// response), and the base protocol's state is unaffected.
func TestSelectCondstoreWithoutInstall(t *testing.T) {
	c, s := faketest.New(t, faketest.Greeting, nil)
	m := selectCondstore(t, c, s)
	if m.HighestModSeq != 0 || m.Exists != 172 || m.UIDValidity != 3857529045 {
		t.Errorf("Mailbox = %+v; want HighestModSeq 0 without Install, 172 EXISTS", m)
	}
}

// The MODSEQ a STORE echoes (RFC 7162 §3.1.3) and a FETCH reports
// advances Mailbox.HighestModSeq (the mailbox's highest mod-sequence is
// at least every message's, §3.1.2.1) and reports EventModSeq; a lower
// one does not move it back.
func TestStoreEchoAdvancesHighestModSeq(t *testing.T) {
	events := make(chan client.MailboxEvent, 8)
	c, s := faketest.New(t, faketest.Greeting, &client.Options{
		Extensions:    []client.Extension{condstore.Install},
		MailboxUpdate: func(e client.MailboxEvent) { events <- e },
	})
	selectCondstore(t, c, s)
	done := faketest.Go(func() (struct{}, error) {
		return struct{}{}, c.Noop(faketest.Ctx(t))
	})
	s.Expect("A2 NOOP")
	s.Send("* 7 FETCH (FLAGS (\\Seen) MODSEQ (715194045010))", "* 8 FETCH (MODSEQ (12))", "A2 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	if m := c.Mailbox(); m.HighestModSeq != 715194045010 {
		t.Fatalf("HighestModSeq = %d; want 715194045010", m.HighestModSeq)
	}
	select {
	case e := <-events:
		if e.Kind != client.EventModSeq || e.Mailbox.HighestModSeq != 715194045010 {
			t.Errorf("event = %+v; want EventModSeq at 715194045010", e)
		}
	case <-time.After(faketest.Timeout):
		t.Fatal("no EventModSeq")
	}
}

// RFC 7162 §3.1.2.2: a mailbox without mod-sequences answers NOMODSEQ,
// and HighestModSeq stays 0.
func TestRFC7162_3_1_2_2_NoModSeq(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	m := s.Select(c, &client.SelectOptions{Params: []wire.Value{condstore.SelectParam()}}, "A1 SELECT INBOX (CONDSTORE)",
		"* 172 EXISTS", "* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences")
	if m.HighestModSeq != 0 {
		t.Errorf("Mailbox.HighestModSeq = %d after NOMODSEQ; want 0", m.HighestModSeq)
	}
}

// TestRFC7162_3_1_4_1_ChangedSince replays Example 12.
func TestRFC7162_3_1_4_1_ChangedSince(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	selectCondstore(t, c, s)
	done := faketest.Go(func() ([]*wire.FetchData, error) {
		ctx := faketest.Ctx(t)
		fc, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{Flags: true, Modifiers: condstore.ChangedSince(12345)}, nil)
		if err != nil {
			return nil, err
		}
		return fc.CollectMessages(ctx)
	})
	s.Expect("A2 UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 12345)")
	s.Send(`* 1 FETCH (UID 4 MODSEQ (65402) FLAGS (\Seen))`,
		`* 2 FETCH (UID 6 MODSEQ (75403) FLAGS (\Deleted))`,
		`* 4 FETCH (UID 8 MODSEQ (29738) FLAGS ($NoJunk $AutoJunk $MDNSent))`,
		"A2 OK FETCH completed")
	data, err := done()
	if err != nil {
		t.Fatalf("UID FETCH CHANGEDSINCE: %v", err)
	}
	var got []uint64
	for _, d := range data {
		n, _ := condstore.ModSeq(d)
		got = append(got, n)
	}
	if want := []uint64{65402, 75403, 29738}; !slices.Equal(got, want) {
		t.Errorf("MODSEQ of the FETCH data = %v; want %v", got, want)
	}
}

// TestRFC7162_3_1_4_2_FetchModSeq replays Example 13.
func TestRFC7162_3_1_4_2_FetchModSeq(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	selectCondstore(t, c, s)
	done := faketest.Go(func() ([]*wire.FetchData, error) {
		ctx := faketest.Ctx(t)
		fc, err := c.Fetch(ctx, seqset.MustParse("1:3"), &client.FetchItems{Extra: []wire.Value{condstore.FetchModSeq()}}, nil)
		if err != nil {
			return nil, err
		}
		return fc.CollectMessages(ctx)
	})
	s.Expect("A2 FETCH 1:3 (MODSEQ)")
	s.Send("* 1 FETCH (MODSEQ (624140003))", "* 2 FETCH (MODSEQ (624140007))", "* 3 FETCH (MODSEQ (624140005))", "A2 OK Fetch complete")
	data, err := done()
	if err != nil {
		t.Fatal(err)
	}
	var got []uint64
	for _, d := range data {
		n, _ := condstore.ModSeq(d)
		got = append(got, n)
	}
	if want := []uint64{624140003, 624140007, 624140005}; !slices.Equal(got, want) {
		t.Errorf("MODSEQ = %v; want %v", got, want)
	}
}

// TestRFC7162_3_1_3_StoreModified replays Example 6: one message stored,
// two failed the test; the completion is OK.
func TestRFC7162_3_1_3_StoreModified(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	selectCondstore(t, c, s)
	done := faketest.Go(func() ([]*wire.FetchData, error) {
		return condstore.Store(faketest.Ctx(t), c, seqset.MustParse("7,5,9"),
			&client.StoreFlags{Mode: client.StoreAdd, Flags: []string{wire.FlagDeleted}, Silent: true}, 320162338)
	})
	s.Expect(`A2 STORE 5,7,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\Deleted)`)
	s.Send("* 5 FETCH (MODSEQ (320162350))", "A2 OK [MODIFIED 7,9] Conditional STORE failed")
	data, err := done()
	var me *condstore.ModifiedError
	if !errors.As(err, &me) || !me.Set.Equal(seqset.MustParse("7,9")) || me.Err != nil {
		t.Fatalf("Store error = %v; want a *ModifiedError for 7,9 after OK", err)
	}
	if set, ok := condstore.Modified(err); !ok || !set.Equal(seqset.MustParse("7,9")) {
		t.Errorf("Modified(err) = %v, %v; want 7,9", set, ok)
	}
	if len(data) != 1 || data[0].Seq != 5 {
		t.Fatalf("Store data = %v; want message 5", data)
	}
	if n, _ := condstore.ModSeq(data[0]); n != 320162350 {
		t.Errorf("MODSEQ of message 5 = %d; want 320162350", n)
	}
}

// Example 3: every message passes.
func TestRFC7162_3_1_3_UIDStoreAllPass(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	selectCondstore(t, c, s)
	done := faketest.Go(func() ([]*wire.FetchData, error) {
		return condstore.UIDStore(faketest.Ctx(t), c, seqset.MustParse("6,4,8"),
			&client.StoreFlags{Mode: client.StoreAdd, Flags: []string{wire.FlagDeleted}, Silent: true}, 12121230045)
	})
	s.Expect(`A2 UID STORE 4,6,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\Deleted)`)
	s.Send("* 1 FETCH (UID 4 MODSEQ (12121231000))", "* 2 FETCH (UID 6 MODSEQ (12121230852))",
		"* 4 FETCH (UID 8 MODSEQ (12121230956))", "A2 OK Conditional Store completed")
	data, err := done()
	if err != nil || len(data) != 3 {
		t.Fatalf("UIDStore = %v, %v; want 3 FETCH data and no error", data, err)
	}
	if _, ok := condstore.Modified(err); ok {
		t.Error("Modified(nil) reported a set")
	}
}

// Example 11: NO [MODIFIED 2]; the error is both a *ModifiedError and the
// *client.StatusError.
func TestRFC7162_3_1_3_StoreModifiedNo(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	selectCondstore(t, c, s)
	done := faketest.Go(func() ([]*wire.FetchData, error) {
		return condstore.Store(faketest.Ctx(t), c, seqset.MustParse("1:7"),
			&client.StoreFlags{Mode: client.StoreAdd, Flags: []string{wire.FlagSeen}}, 320172338)
	})
	s.Expect(`A2 STORE 1:7 (UNCHANGEDSINCE 320172338) +FLAGS (\Seen)`)
	s.Send(`* 1 FETCH (MODSEQ (320172342) FLAGS (\SEEN))`, `* 3 FETCH (MODSEQ (320172342) FLAGS (\SEEN))`,
		"A2 NO [MODIFIED 2] Some of the messages no longer exist.")
	data, err := done()
	var se *client.StatusError
	if !errors.As(err, &se) || se.Status != wire.StatusNo {
		t.Errorf("Store error %v; want it to wrap the NO *client.StatusError", err)
	}
	if set, ok := condstore.Modified(err); !ok || !set.Equal(seqset.MustParse("2")) {
		t.Errorf("Modified(err) = %v, %v; want 2", set, ok)
	}
	if len(data) != 2 {
		t.Errorf("Store data = %d FETCH; want 2", len(data))
	}
	// The bare StatusError, from a STORE sent without Store.
	if set, ok := condstore.Modified(se); !ok || !set.Equal(seqset.MustParse("2")) {
		t.Errorf("Modified(*StatusError) = %v, %v; want 2", set, ok)
	}
}

// A STORE sent with the client's own method: UnchangedSince goes into
// Modifiers, and an OK [MODIFIED] completion is read with ModifiedSet.
func TestClientStoreUnchangedSince(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	selectCondstore(t, c, s)
	done := faketest.Go(func() (*wire.Response, error) {
		ctx := faketest.Ctx(t)
		fc, err := c.Store(ctx, seqset.MustParse("12"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{"$MDNSent"}, Silent: true, Modifiers: condstore.UnchangedSince(0)})
		if err != nil {
			return nil, err
		}
		_, err = fc.CollectMessages(ctx)
		return fc.Final(), err
	})
	s.Expect("A2 STORE 12 (UNCHANGEDSINCE 0) +FLAGS.SILENT ($MDNSent)") // Example 8
	s.Send("A2 OK [MODIFIED 12] Conditional STORE failed")
	final, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if set, ok := condstore.ModifiedSet(final); !ok || !set.Equal(seqset.MustParse("12")) {
		t.Errorf("ModifiedSet(final) = %v, %v; want 12", set, ok)
	}
}

// Example 15 and Example 16: MODSEQ search keys; the result carries the
// highest mod-sequence of the matches.
func TestRFC7162_3_1_5_SearchModSeq(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	selectCondstore(t, c, s)
	done := faketest.Go(func() (*client.SearchResult, error) {
		return c.Search(faketest.Ctx(t), &client.SearchCriteria{Keys: condstore.ModSeqFlagKey(`\draft`, condstore.EntryAll, 620162338)}, nil)
	})
	s.Expect(`A2 SEARCH MODSEQ "/flags/\\draft" all 620162338`)
	s.Send("* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)", "A2 OK Search complete")
	res, err := done()
	if err != nil || res.ModSeq != 917162500 || len(res.Nums) != 10 {
		t.Errorf("SEARCH MODSEQ = %+v, %v; want 10 numbers and MODSEQ 917162500", res, err)
	}

	done = faketest.Go(func() (*client.SearchResult, error) {
		return c.Search(faketest.Ctx(t), &client.SearchCriteria{
			Or: [][2]client.SearchCriteria{{{Not: []client.SearchCriteria{{Keys: condstore.ModSeqKey(720162338)}}}, {Larger: 50000}}},
		}, nil)
	})
	s.Expect("A3 SEARCH OR (NOT (MODSEQ 720162338)) (LARGER 50000)") // Example 16, as the client groups keys
	s.Send("* SEARCH", "A3 OK Search complete, nothing found")
	res, err = done()
	if err != nil || res.ModSeq != 0 || len(res.Nums) != 0 {
		t.Errorf("SEARCH = %+v, %v; want nothing", res, err)
	}
}

// Example 14: once CONDSTORE is on, unsolicited FETCH carries MODSEQ.
func TestRFC7162_3_1_4_2_Unsolicited(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	selectCondstore(t, c, s)
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, c.Noop(faketest.Ctx(t)) })
	s.Expect("A2 NOOP")
	s.Send(`* 7 FETCH (FLAGS (\Deleted \Answered) MODSEQ (12121231000))`, "A2 OK Noop completed")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	r, err := c.Unclaimed(faketest.Ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := r.Data.(*wire.FetchData)
	if n, ok := condstore.ModSeq(f); !ok || n != 12121231000 {
		t.Errorf("ModSeq of the unsolicited FETCH = %d, %v; want 12121231000", n, ok)
	}
}

func TestEnable(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, condstore.Enable(faketest.Ctx(t), c) })
	s.Expect("A1 ENABLE CONDSTORE")
	s.Send("* ENABLED CONDSTORE", "A1 OK Enabled")
	if _, err := done(); err != nil {
		t.Fatalf("Enable: %v", err)
	}
	if !c.Enabled("CONDSTORE") {
		t.Error("Enabled(CONDSTORE) = false after Enable")
	}
	// Already enabled: nothing is sent.
	if err := condstore.Enable(faketest.Ctx(t), c); err != nil {
		t.Errorf("second Enable: %v", err)
	}
	s.Quiet(50 * time.Millisecond)
}

func TestEnableRefused(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, condstore.Enable(faketest.Ctx(t), c) })
	s.Expect("A1 ENABLE CONDSTORE")
	s.Send("* ENABLED", "A1 OK nothing enabled")
	if _, err := done(); err == nil {
		t.Error("Enable succeeded although the server enabled nothing")
	}
}

func TestEnableErrors(t *testing.T) {
	c, s := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] no ENABLE", condstore.Install)
	if err := condstore.Enable(faketest.Ctx(t), c); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("Enable without ENABLE: %v; want client.ErrNotSupported", err)
	}
	c2, s2 := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE] no CONDSTORE", condstore.Install)
	if err := condstore.Enable(faketest.Ctx(t), c2); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("Enable without CONDSTORE: %v; want client.ErrNotSupported", err)
	}
	c3, s3 := newConn(t, faketest.Greeting, condstore.Install)
	s3.Select(c3, nil, "A1 SELECT INBOX", "* 1 EXISTS")
	if err := condstore.Enable(faketest.Ctx(t), c3); !errors.Is(err, condstore.ErrSelected) {
		t.Errorf("Enable while selected: %v; want ErrSelected", err)
	}
	if _, err := condstore.Store(faketest.Ctx(t), c2, seqset.MustParse("1"), &client.StoreFlags{}, 1); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("Store without CONDSTORE: %v; want client.ErrNotSupported", err)
	}
	s.Quiet(50 * time.Millisecond)
	s2.Quiet(10 * time.Millisecond)
	s3.Quiet(10 * time.Millisecond)
}

func TestAlwaysFetchModSeq(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.AlwaysFetchModSeq)
	selectCondstore(t, c, s)
	fetch := func(items *client.FetchItems, want string) {
		t.Helper()
		done := faketest.Go(func() ([]*wire.FetchData, error) {
			ctx := faketest.Ctx(t)
			fc, err := c.Fetch(ctx, seqset.MustParse("1"), items, nil)
			if err != nil {
				return nil, err
			}
			return fc.CollectMessages(ctx)
		})
		s.Expect(want)
		tag := want[:2]
		s.Send(`* 1 FETCH (FLAGS (\Seen) MODSEQ (5))`, tag+" OK done")
		data, err := done()
		if err != nil || len(data) != 1 {
			t.Fatalf("FETCH = %v, %v", data, err)
		}
		if n, ok := condstore.ModSeq(data[0]); !ok || n != 5 {
			t.Errorf("ModSeq = %d, %v; want 5", n, ok)
		}
	}
	fetch(&client.FetchItems{Flags: true}, "A2 FETCH 1 (FLAGS MODSEQ)")
	// Asked for already: not twice.
	fetch(&client.FetchItems{Flags: true, Extra: []wire.Value{condstore.FetchModSeq()}}, "A3 FETCH 1 (FLAGS MODSEQ)")

	// The raw path goes through the same modifier; a macro is expanded,
	// and the caller's arguments are left as they were.
	args := []wire.Value{wire.Raw("1:2"), wire.Atom("FAST")}
	done := faketest.Go(func() (*wire.Response, error) {
		cmd, err := c.Start(faketest.Ctx(t), client.Spec{Name: "FETCH", Args: args, States: []client.State{client.StateSelected}, UsesSeqNums: true, NoExpunge: true})
		if err != nil {
			return nil, err
		}
		return cmd.Wait(faketest.Ctx(t))
	})
	s.Expect("A4 FETCH 1:2 (FLAGS INTERNALDATE RFC822.SIZE MODSEQ)")
	s.Send("A4 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	if args[1].Kind != wire.KindAtom || args[1].Str != "FAST" {
		t.Errorf("the caller's FETCH arguments were changed: %#v", args)
	}

	// UID FETCH with a modifier: the items list gets MODSEQ, the
	// modifiers stay last.
	done2 := faketest.Go(func() ([]*wire.FetchData, error) {
		ctx := faketest.Ctx(t)
		fc, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{Flags: true, Modifiers: condstore.ChangedSince(7)}, nil)
		if err != nil {
			return nil, err
		}
		return fc.CollectMessages(ctx)
	})
	s.Expect("A5 UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE 7)")
	s.Send("A5 OK done")
	if _, err := done2(); err != nil {
		t.Fatal(err)
	}
}

// The entry name of a MODSEQ key is a quoted string (RFC 7162 §7,
// "entry-flag-name"), with the backslash of a system flag escaped.
func TestModSeqFlagKeyEntryName(t *testing.T) {
	c, s := newConn(t, faketest.Greeting, condstore.Install)
	selectCondstore(t, c, s)
	for i, tt := range []struct {
		flag string
		typ  condstore.EntryType
		want string
	}{
		{`\Seen`, condstore.EntryPrivate, `MODSEQ "/flags/\\Seen" priv 5`},
		{"$MDNSent", condstore.EntryShared, `MODSEQ "/flags/$MDNSent" shared 5`},
		// Not a flag: sent as a string the encoder chooses, never as syntax.
		{`a" b`, condstore.EntryAll, `MODSEQ {11+}`},
	} {
		done := faketest.Go(func() (*client.SearchResult, error) {
			return c.Search(faketest.Ctx(t), &client.SearchCriteria{Keys: condstore.ModSeqFlagKey(tt.flag, tt.typ, 5)}, nil)
		})
		tag := "A" + string(rune('2'+i))
		s.Expect(tag + " SEARCH " + tt.want)
		if tt.want == `MODSEQ {11+}` {
			s.Expect(`/flags/a" b all 5`)
		}
		s.Send(tag + " OK done")
		if _, err := done(); err != nil {
			t.Fatal(err)
		}
	}
}
