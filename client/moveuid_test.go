package client

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// The MOVE (RFC 6851) and UIDPLUS (RFC 4315) parts of the base protocol
// (both in IMAP4rev2), with the transcripts that ext/move and ext/uidplus
// tested before those commands got their one home here.

const extGreeting = "* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ ENABLE UIDPLUS MOVE CONDSTORE] fake ready"

func newFakeExt(t *testing.T, greeting string) (*Conn, *fakeServer) {
	return newFake(t, greeting, &Options{})
}

// selectWith selects INBOX with the untagged lines given.
func selectWith(t *testing.T, c *Conn, s *fakeServer, untagged ...string) {
	t.Helper()
	done := goRun(func() (*Mailbox, error) { return c.Select(testCtx(t), "INBOX", nil) })
	s.expect("A1 SELECT INBOX")
	s.send(append(untagged, "A1 OK [READ-WRITE] selected")...)
	if _, err := done(); err != nil {
		t.Fatalf("Select: %v", err)
	}
}

func selectedFake(t *testing.T, greeting string, exists string) (*Conn, *fakeServer) {
	t.Helper()
	c, s := newFakeExt(t, greeting)
	selectWith(t, c, s, "* "+exists+" EXISTS")
	return c, s
}

// goRun runs fn on a goroutine and returns a function that waits for its
// result (bounded).
func goRun[T any](fn func() (T, error)) func() (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := fn()
		ch <- result{v, err}
	}()
	return func() (T, error) {
		select {
		case r := <-ch:
			return r.v, r.err
		case <-time.After(30 * time.Second):
			var zero T
			return zero, errors.New("timed out")
		}
	}
}

// TestRFC6851_3_3_UIDMove replays the example of RFC 6851 §3.3, with the
// COPYUID in an untagged OK before the EXPUNGEs (§4.3). The example's OK
// has no text, which servers send and the decoder accepts.
func TestRFC6851_3_3_UIDMove(t *testing.T) {
	c, s := selectedFake(t, extGreeting, "100")
	done := goRun(func() (*MoveResult, error) {
		return c.UIDMove(testCtx(t), seqset.MustParse("42:69"), "foo")
	})
	s.expect("A2 UID MOVE 42:69 foo")
	s.send("* OK [COPYUID 432432 42:69 1202:1229]", "* 22 EXPUNGE", "* 22 EXPUNGE", "* 22 EXPUNGE", "A2 OK Done")
	res, err := done()
	if err != nil {
		t.Fatalf("UIDMove: %v", err)
	}
	want := wire.CopyUID{UIDValidity: 432432, Source: seqset.MustParse("42:69"), Dest: seqset.MustParse("1202:1229")}
	if res.CopyUID == nil || !copyUIDEqual(*res.CopyUID, want) {
		t.Errorf("CopyUID = %v; want %v", res.CopyUID, want)
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
	c, s := selectedFake(t, extGreeting, "8")
	done := goRun(func() (*MoveResult, error) {
		return c.Move(testCtx(t), seqset.MustParse("8"), "Archive")
	})
	s.expect("A2 MOVE 8 Archive")
	s.send("* OK [COPYUID 1795631321 8 2] Moved UIDs.", "* 8 EXPUNGE", "A2 OK Move completed (0.003 + 0.000 + 0.002 secs).")
	res, err := done()
	if err != nil {
		t.Fatalf("Move: %v", err)
	}
	want := wire.CopyUID{UIDValidity: 1795631321, Source: seqset.MustParse("8"), Dest: seqset.MustParse("2")}
	if res.CopyUID == nil || !copyUIDEqual(*res.CopyUID, want) || !slices.Equal(res.Expunged, []uint32{8}) {
		t.Errorf("Move = %+v; want COPYUID %v and Expunged [8]", res, want)
	}
}

// A server that follows RFC 4315 to the letter puts COPYUID in the
// tagged OK.
func TestMoveCopyUIDInCompletion(t *testing.T) {
	c, s := selectedFake(t, extGreeting, "3")
	done := goRun(func() (*MoveResult, error) {
		return c.Move(testCtx(t), seqset.MustParse("1:2"), "Trash")
	})
	s.expect("A2 MOVE 1:2 Trash")
	s.send("* 1 EXPUNGE", "* 1 EXPUNGE", "A2 OK [COPYUID 9 11:12 5:6] done")
	res, err := done()
	if err != nil {
		t.Fatalf("Move: %v", err)
	}
	want := wire.CopyUID{UIDValidity: 9, Source: seqset.MustParse("11:12"), Dest: seqset.MustParse("5:6")}
	if res.CopyUID == nil || !copyUIDEqual(*res.CopyUID, want) || !slices.Equal(res.Expunged, []uint32{1, 1}) {
		t.Errorf("Move = %+v; want COPYUID %v and Expunged [1 1]", res, want)
	}
}

// Without UIDPLUS there is no COPYUID; the EXPUNGEs still count.
func TestMoveWithoutCopyUID(t *testing.T) {
	c, s := selectedFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 MOVE] no uidplus", "3")
	done := goRun(func() (*MoveResult, error) {
		return c.Move(testCtx(t), seqset.MustParse("3"), "Trash")
	})
	s.expect("A2 MOVE 3 Trash")
	s.send("* 3 EXPUNGE", "A2 OK done")
	res, err := done()
	if err != nil || res.CopyUID != nil || !slices.Equal(res.Expunged, []uint32{3}) {
		t.Errorf("Move = %+v, %v; want no COPYUID and Expunged [3]", res, err)
	}
}

func TestMoveTryCreate(t *testing.T) {
	c, s := selectedFake(t, extGreeting, "3")
	done := goRun(func() (*MoveResult, error) {
		return c.UIDMove(testCtx(t), seqset.MustParse("7"), "Nope")
	})
	s.expect("A2 UID MOVE 7 Nope")
	s.send("A2 NO [TRYCREATE] Mailbox doesn't exist: Nope")
	_, err := done()
	var se *StatusError
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
	c, s := selectedFake(t, extGreeting, "3")
	done := goRun(func() (*MoveResult, error) {
		return c.UIDMove(testCtx(t), seqset.MustParse("1"), "Entwürfe & Co")
	})
	s.expect(`A2 UID MOVE 1 "Entw&APw-rfe &- Co"`)
	s.send("A2 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
}

func TestMoveNotSupported(t *testing.T) {
	c, s := selectedFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] no move", "3")
	_, err := c.Move(testCtx(t), seqset.MustParse("1"), "Trash")
	if !errors.Is(err, ErrNotSupported) {
		t.Errorf("Move without MOVE: error %v; want ErrNotSupported", err)
	}
	if _, err := c.Move(testCtx(t), seqset.Set{}, "Trash"); !errors.Is(err, ErrEmptySet) {
		t.Errorf("Move(empty) error = %v; want ErrEmptySet", err)
	}
	s.quiet(50 * time.Millisecond)
}

// IMAP4rev2 includes MOVE (RFC 9051 §6.4.8).
func TestMoveIMAP4rev2(t *testing.T) {
	c, s := selectedFake(t, "* PREAUTH [CAPABILITY IMAP4rev2] rev2", "3")
	done := goRun(func() (*MoveResult, error) {
		return c.Move(testCtx(t), seqset.MustParse("2"), "Trash")
	})
	s.expect("A2 MOVE 2 Trash")
	s.send("* OK [COPYUID 5 2 1] moved", "* 2 EXPUNGE", "A2 OK done")
	if res, err := done(); err != nil || res.CopyUID == nil {
		t.Errorf("Move = %+v, %v", res, err)
	}
}

// MOVE claims only its own kind of responses: other data reaches the
// unclaimed queue.
func TestMoveLeavesOtherResponses(t *testing.T) {
	c, s := selectedFake(t, extGreeting, "3")
	done := goRun(func() (*MoveResult, error) {
		return c.Move(testCtx(t), seqset.MustParse("1"), "Trash")
	})
	s.expect("A2 MOVE 1 Trash")
	s.send("* 3 FETCH (FLAGS (\\Seen))", "* OK [COPYUID 5 1 1] moved", "* OK [ALERT] hello", "* 1 EXPUNGE", "A2 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FETCH", "ALERT"} {
		r, err := c.Unclaimed(testCtx(t))
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
	c, s := selectedFake(t, extGreeting, "3")
	noop := goRun(func() (struct{}, error) { return struct{}{}, c.Noop(testCtx(t)) })
	s.expect("A2 NOOP")
	moved := goRun(func() (*MoveResult, error) {
		return c.Move(testCtx(t), seqset.MustParse("1"), "Trash")
	})
	s.quiet(100 * time.Millisecond)
	s.send("A2 OK noop")
	if _, err := noop(); err != nil {
		t.Fatal(err)
	}
	s.expect("A3 MOVE 1 Trash")
	s.send("A3 OK done")
	if _, err := moved(); err != nil {
		t.Fatal(err)
	}
}

func copyUIDEqual(a, b wire.CopyUID) bool {
	return a.UIDValidity == b.UIDValidity && a.Source.Equal(b.Source) && a.Dest.Equal(b.Dest)
}

// TestRFC4315_2_1_UIDExpunge replays the example of RFC 4315 §2.1.
func TestRFC4315_2_1_UIDExpunge(t *testing.T) {
	c, s := newFakeExt(t, extGreeting)
	selectWith(t, c, s, "* 10 EXISTS")
	done := goRun(func() ([]uint32, error) {
		return c.UIDExpunge(testCtx(t), seqset.MustParse("3000:3002"))
	})
	s.expect("A2 UID EXPUNGE 3000:3002")
	s.send("* 3 EXPUNGE", "* 3 EXPUNGE", "* 3 EXPUNGE", "A2 OK UID EXPUNGE completed")
	got, err := done()
	if err != nil {
		t.Fatalf("UIDExpunge: %v", err)
	}
	if want := []uint32{3, 3, 3}; !equal(got, want) {
		t.Errorf("UIDExpunge = %v; want %v", got, want)
	}
	if m := c.Mailbox(); m.Exists != 7 {
		t.Errorf("Mailbox().Exists = %d after 3 EXPUNGE of 10; want 7", m.Exists)
	}
}

func TestUIDExpungeNo(t *testing.T) {
	c, s := newFakeExt(t, extGreeting)
	selectWith(t, c, s, "* 1 EXISTS")
	done := goRun(func() ([]uint32, error) {
		return c.UIDExpunge(testCtx(t), seqset.MustParse("5"))
	})
	s.expect("A2 UID EXPUNGE 5")
	s.send("A2 NO [EXPUNGEISSUED] not now")
	_, err := done()
	var se *StatusError
	if !errors.As(err, &se) || se.Status != wire.StatusNo || se.CodeName() != "EXPUNGEISSUED" {
		t.Errorf("UIDExpunge error = %v; want a NO [EXPUNGEISSUED] *StatusError", err)
	}
}

func TestUIDExpungeNotSupported(t *testing.T) {
	c, s := newFakeExt(t, "* PREAUTH [CAPABILITY IMAP4rev1] no uidplus")
	selectWith(t, c, s, "* 1 EXISTS")
	_, err := c.UIDExpunge(testCtx(t), seqset.MustParse("1"))
	if !errors.Is(err, ErrNotSupported) {
		t.Errorf("UIDExpunge without UIDPLUS: error %v; want ErrNotSupported", err)
	}
	s.quiet(50 * time.Millisecond)
}

// IMAP4rev2 includes UID EXPUNGE (RFC 9051 §6.4.9).
func TestUIDExpungeIMAP4rev2(t *testing.T) {
	c, s := newFakeExt(t, "* PREAUTH [CAPABILITY IMAP4rev2] rev2")
	selectWith(t, c, s, "* 1 EXISTS")
	done := goRun(func() ([]uint32, error) {
		return c.UIDExpunge(testCtx(t), seqset.MustParse("1:*"))
	})
	s.expect("A2 UID EXPUNGE 1:*")
	s.send("* 1 EXPUNGE", "A2 OK done")
	if got, err := done(); err != nil || !equal(got, []uint32{1}) {
		t.Errorf("UIDExpunge = %v, %v; want [1], nil", got, err)
	}
}

func TestUIDExpungeEmptySet(t *testing.T) {
	c, s := newFakeExt(t, extGreeting)
	if _, err := c.UIDExpunge(testCtx(t), seqset.Set{}); !errors.Is(err, ErrEmptySet) {
		t.Errorf("UIDExpunge(empty) error = %v; want ErrEmptySet", err)
	}
	s.quiet(50 * time.Millisecond)
}

func TestUIDExpungeNotSelected(t *testing.T) {
	c, s := newFakeExt(t, extGreeting)
	_, err := c.UIDExpunge(testCtx(t), seqset.MustParse("1"))
	var se *StateError
	if !errors.As(err, &se) {
		t.Errorf("UIDExpunge before SELECT: error %v; want *StateError", err)
	}
	s.quiet(50 * time.Millisecond)
}

// The APPENDUID of an APPEND completion, read through the client.
func TestAppendUIDFromClient(t *testing.T) {
	c, s := newFakeExt(t, extGreeting)
	done := goRun(func() (*wire.Response, error) {
		ctx := testCtx(t)
		msg := "Subject: x\r\n\r\nhi\r\n"
		ac, err := c.StartAppend(ctx, "INBOX", strings.NewReader(msg), int64(len(msg)), nil)
		if err != nil {
			return nil, err
		}
		return ac.Command.Wait(ctx)
	})
	s.expect("A1 APPEND INBOX {18+}")
	s.expect("Subject: x")
	s.expect("")
	s.expect("hi")
	s.send("A1 OK [APPENDUID 38505 3955] APPEND completed")
	final, err := done()
	if err != nil {
		t.Fatalf("APPEND: %v", err)
	}
	au, ok := AppendUIDOf(final)
	if !ok || au == nil || au.UIDValidity != 38505 || !au.UIDs.Equal(seqset.MustParse("3955")) {
		t.Errorf("AppendUID = %v, %v; want {38505 3955}, true", au, ok)
	}
}

func equal(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// decodeWith reads one response with the given registry.
func decodeWith(t *testing.T, reg *codec.Registry, line string) *wire.Response {
	t.Helper()
	d := codec.NewDecoder(strings.NewReader(line+"\r\n"), &codec.DecoderOptions{Registry: reg, Strict: true})
	resp, err := d.ReadResponse()
	if err != nil {
		t.Fatalf("Decode(%q): %v", line, err)
	}
	return resp
}

// registries are the ways a response may have been decoded: with the
// base protocol, and with nothing registered (generic arguments).
func registries() map[string]*codec.Registry {
	return map[string]*codec.Registry{"base": codec.NewBaseRegistry(), "generic": codec.NewRegistry()}
}

func TestRFC4315_3_AppendUID(t *testing.T) {
	tests := []struct {
		line string
		want wire.AppendUID
	}{
		{"A003 OK [APPENDUID 38505 3955] APPEND completed", wire.AppendUID{UIDValidity: 38505, UIDs: seqset.MustParse("3955")}},
		// MULTIAPPEND (RFC 4315 §3: append-uid may be a uid-set).
		{"A004 OK [APPENDUID 38505 3955:3957] APPEND completed", wire.AppendUID{UIDValidity: 38505, UIDs: seqset.MustParse("3955:3957")}},
		// Dovecot 2.3 (codec/testdata/dovecot/modify.s2c).
		{"A011 OK [APPENDUID 1795631312 9] Append completed (0.003 + 0.001 secs).", wire.AppendUID{UIDValidity: 1795631312, UIDs: seqset.MustParse("9")}},
	}
	for name, reg := range registries() {
		for _, tt := range tests {
			got, ok := AppendUIDOf(decodeWith(t, reg, tt.line))
			if !ok || got == nil || got.UIDValidity != tt.want.UIDValidity || !got.UIDs.Equal(tt.want.UIDs) {
				t.Errorf("%s: AppendUID(%q) = %v, %v; want %v", name, tt.line, got, ok, tt.want)
			}
		}
	}
}

func TestRFC4315_3_CopyUID(t *testing.T) {
	tests := []struct {
		line string
		want wire.CopyUID
	}{
		{"A004 OK [COPYUID 38505 304,319:320 3956:3958] Done", wire.CopyUID{UIDValidity: 38505, Source: seqset.MustParse("304,319:320"), Dest: seqset.MustParse("3956:3958")}},
		{"A009 OK [COPYUID 1795631321 3 1] Copy completed", wire.CopyUID{UIDValidity: 1795631321, Source: seqset.MustParse("3"), Dest: seqset.MustParse("1")}},
		// MOVE's untagged OK (RFC 6851 §4.3; Dovecot, modify.s2c).
		{"* OK [COPYUID 1795631321 8 2] Moved UIDs.", wire.CopyUID{UIDValidity: 1795631321, Source: seqset.MustParse("8"), Dest: seqset.MustParse("2")}},
	}
	for name, reg := range registries() {
		for _, tt := range tests {
			got, ok := CopyUIDOf(decodeWith(t, reg, tt.line))
			if !ok || got == nil || got.UIDValidity != tt.want.UIDValidity || !got.Source.Equal(tt.want.Source) || !got.Dest.Equal(tt.want.Dest) {
				t.Errorf("%s: CopyUID(%q) = %v, %v; want %v", name, tt.line, got, ok, tt.want)
			}
		}
	}
}

// A malformed code is not a parse failure of the response: the decoder
// keeps its generic arguments, and the helpers report no data.
func TestMalformedCodes(t *testing.T) {
	lines := []string{
		"A1 OK [APPENDUID 38505 *] uid-set has no *",
		"A1 OK [APPENDUID 0 5] uidvalidity is nz-number",
		"A1 OK [APPENDUID 38505] missing uid",
		"A1 OK [COPYUID 38505 1:2] missing destination",
		"A1 OK [COPYUID 38505 1:* 3:4] uid-set has no *",
		"A1 OK [ALERT] another code",
		"A1 OK no code",
	}
	for name, reg := range registries() {
		for _, line := range lines {
			resp := decodeWith(t, reg, line)
			if got, ok := AppendUIDOf(resp); ok {
				t.Errorf("%s: AppendUID(%q) = %v, true; want false", name, line, got)
			}
			if got, ok := CopyUIDOf(resp); ok {
				t.Errorf("%s: CopyUID(%q) = %v, true; want false", name, line, got)
			}
		}
	}
	if _, ok := AppendUIDOf(nil); ok {
		t.Error("AppendUID(nil) reported data")
	}
}
