package move_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/move"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func selected(t *testing.T, greeting string, exists string) (*client.Conn, *faketest.Server) {
	t.Helper()
	c, s := faketest.New(t, greeting, nil)
	s.Select(c, nil, "A1 SELECT INBOX", "* "+exists+" EXISTS")
	return c, s
}

// TestRFC6851_3_3_UIDMove replays the example of RFC 6851 §3.3, with the
// COPYUID in an untagged OK before the EXPUNGEs (§4.3). The example's OK
// has no text, which servers send and the decoder accepts.
func TestRFC6851_3_3_UIDMove(t *testing.T) {
	c, s := selected(t, faketest.Greeting, "100")
	done := faketest.Go(func() (*move.Result, error) {
		return move.UIDMove(faketest.Ctx(t), c, seqset.MustParse("42:69"), "foo")
	})
	s.Expect("A2 UID MOVE 42:69 foo")
	s.Send("* OK [COPYUID 432432 42:69 1202:1229]", "* 22 EXPUNGE", "* 22 EXPUNGE", "* 22 EXPUNGE", "A2 OK Done")
	res, err := done()
	if err != nil {
		t.Fatalf("UIDMove: %v", err)
	}
	want := wire.CopyUID{UIDValidity: 432432, Source: seqset.MustParse("42:69"), Dest: seqset.MustParse("1202:1229")}
	if !res.HasCopyUID || !copyUIDEqual(res.CopyUID, want) {
		t.Errorf("CopyUID = %v, %v; want %v", res.CopyUID, res.HasCopyUID, want)
	}
	if w := []uint32{22, 22, 22}; !slices.Equal(res.Expunged, w) {
		t.Errorf("Expunged = %v; want %v", res.Expunged, w)
	}
	if m := c.Mailbox(); m.Exists != 97 {
		t.Errorf("Mailbox().Exists = %d; want 97", m.Exists)
	}
}

// Dovecot's MOVE (codec/testdata/dovecot/modify.s2c, A010).
func TestMoveDovecot(t *testing.T) {
	c, s := selected(t, faketest.Greeting, "8")
	done := faketest.Go(func() (*move.Result, error) {
		return move.Move(faketest.Ctx(t), c, seqset.MustParse("8"), "Archive")
	})
	s.Expect("A2 MOVE 8 Archive")
	s.Send("* OK [COPYUID 1795631321 8 2] Moved UIDs.", "* 8 EXPUNGE", "A2 OK Move completed (0.003 + 0.000 + 0.002 secs).")
	res, err := done()
	if err != nil {
		t.Fatalf("Move: %v", err)
	}
	want := wire.CopyUID{UIDValidity: 1795631321, Source: seqset.MustParse("8"), Dest: seqset.MustParse("2")}
	if !res.HasCopyUID || !copyUIDEqual(res.CopyUID, want) || !slices.Equal(res.Expunged, []uint32{8}) {
		t.Errorf("Move = %+v; want COPYUID %v and Expunged [8]", res, want)
	}
}

// A server that follows RFC 4315 to the letter puts COPYUID in the
// tagged OK.
func TestMoveCopyUIDInCompletion(t *testing.T) {
	c, s := selected(t, faketest.Greeting, "3")
	done := faketest.Go(func() (*move.Result, error) {
		return move.Move(faketest.Ctx(t), c, seqset.MustParse("1:2"), "Trash")
	})
	s.Expect("A2 MOVE 1:2 Trash")
	s.Send("* 1 EXPUNGE", "* 1 EXPUNGE", "A2 OK [COPYUID 9 11:12 5:6] done")
	res, err := done()
	if err != nil {
		t.Fatalf("Move: %v", err)
	}
	want := wire.CopyUID{UIDValidity: 9, Source: seqset.MustParse("11:12"), Dest: seqset.MustParse("5:6")}
	if !res.HasCopyUID || !copyUIDEqual(res.CopyUID, want) || !slices.Equal(res.Expunged, []uint32{1, 1}) {
		t.Errorf("Move = %+v; want COPYUID %v and Expunged [1 1]", res, want)
	}
}

// Without UIDPLUS there is no COPYUID; the EXPUNGEs still count.
func TestMoveWithoutCopyUID(t *testing.T) {
	c, s := selected(t, "* PREAUTH [CAPABILITY IMAP4rev1 MOVE] no uidplus", "3")
	done := faketest.Go(func() (*move.Result, error) {
		return move.Move(faketest.Ctx(t), c, seqset.MustParse("3"), "Trash")
	})
	s.Expect("A2 MOVE 3 Trash")
	s.Send("* 3 EXPUNGE", "A2 OK done")
	res, err := done()
	if err != nil || res.HasCopyUID || !slices.Equal(res.Expunged, []uint32{3}) {
		t.Errorf("Move = %+v, %v; want no COPYUID and Expunged [3]", res, err)
	}
}

func TestMoveTryCreate(t *testing.T) {
	c, s := selected(t, faketest.Greeting, "3")
	done := faketest.Go(func() (*move.Result, error) {
		return move.UIDMove(faketest.Ctx(t), c, seqset.MustParse("7"), "Nope")
	})
	s.Expect("A2 UID MOVE 7 Nope")
	s.Send("A2 NO [TRYCREATE] Mailbox doesn't exist: Nope")
	_, err := done()
	var se *client.StatusError
	if !errors.As(err, &se) || se.CodeName() != "TRYCREATE" {
		t.Errorf("UIDMove to a missing mailbox: error %v; want NO [TRYCREATE]", err)
	}
	if m := c.Mailbox(); m.Exists != 3 {
		t.Errorf("Mailbox().Exists = %d after a failed MOVE; want 3", m.Exists)
	}
}

// Mailbox names go out in modified UTF-7 (RFC 3501 §5.1.3), quoted when
// they need it.
func TestMoveMailboxName(t *testing.T) {
	c, s := selected(t, faketest.Greeting, "3")
	done := faketest.Go(func() (*move.Result, error) {
		return move.UIDMove(faketest.Ctx(t), c, seqset.MustParse("1"), "Entwürfe & Co")
	})
	s.Expect(`A2 UID MOVE 1 "Entw&APw-rfe &- Co"`)
	s.Send("A2 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
}

func TestMoveNotSupported(t *testing.T) {
	c, s := selected(t, "* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] no move", "3")
	_, err := move.Move(faketest.Ctx(t), c, seqset.MustParse("1"), "Trash")
	if !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("Move without MOVE: error %v; want client.ErrNotSupported", err)
	}
	if _, err := move.Move(faketest.Ctx(t), c, seqset.Set{}, "Trash"); !errors.Is(err, move.ErrEmptySet) {
		t.Errorf("Move(empty) error = %v; want ErrEmptySet", err)
	}
	s.Quiet(50 * time.Millisecond)
}

// IMAP4rev2 includes MOVE (RFC 9051 §6.4.8).
func TestMoveIMAP4rev2(t *testing.T) {
	c, s := selected(t, "* PREAUTH [CAPABILITY IMAP4rev2] rev2", "3")
	done := faketest.Go(func() (*move.Result, error) {
		return move.Move(faketest.Ctx(t), c, seqset.MustParse("2"), "Trash")
	})
	s.Expect("A2 MOVE 2 Trash")
	s.Send("* OK [COPYUID 5 2 1] moved", "* 2 EXPUNGE", "A2 OK done")
	if res, err := done(); err != nil || !res.HasCopyUID {
		t.Errorf("Move = %+v, %v", res, err)
	}
}

// MOVE claims only its own kind of responses: other data reaches the
// unclaimed queue.
func TestMoveLeavesOtherResponses(t *testing.T) {
	c, s := selected(t, faketest.Greeting, "3")
	done := faketest.Go(func() (*move.Result, error) {
		return move.Move(faketest.Ctx(t), c, seqset.MustParse("1"), "Trash")
	})
	s.Expect("A2 MOVE 1 Trash")
	s.Send("* 3 FETCH (FLAGS (\\Seen))", "* OK [COPYUID 5 1 1] moved", "* OK [ALERT] hello", "* 1 EXPUNGE", "A2 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FETCH", "ALERT"} {
		r, err := c.Unclaimed(faketest.Ctx(t))
		if err != nil {
			t.Fatalf("Unclaimed: %v", err)
		}
		got := r.Name
		if r.Code != nil {
			got = r.Code.Name
		}
		if got != want {
			t.Errorf("unclaimed response %q; want %q", got, want)
		}
	}
}

// MOVE uses sequence numbers, so it waits for a command in flight that
// may cause EXPUNGE (RFC 9051 §5.5); UID MOVE does not need to.
func TestMoveWaitsForExpungingCommand(t *testing.T) {
	c, s := selected(t, faketest.Greeting, "3")
	noop := faketest.Go(func() (struct{}, error) { return struct{}{}, c.Noop(faketest.Ctx(t)) })
	s.Expect("A2 NOOP")
	moved := faketest.Go(func() (*move.Result, error) {
		return move.Move(faketest.Ctx(t), c, seqset.MustParse("1"), "Trash")
	})
	s.Quiet(100 * time.Millisecond)
	s.Send("A2 OK noop")
	if _, err := noop(); err != nil {
		t.Fatal(err)
	}
	s.Expect("A3 MOVE 1 Trash")
	s.Send("A3 OK done")
	if _, err := moved(); err != nil {
		t.Fatal(err)
	}
}

func copyUIDEqual(a, b wire.CopyUID) bool {
	return a.UIDValidity == b.UIDValidity && a.Source.Equal(b.Source) && a.Dest.Equal(b.Dest)
}
