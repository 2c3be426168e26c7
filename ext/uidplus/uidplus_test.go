package uidplus_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/uidplus"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// decode reads one response with the given registry.
func decode(t *testing.T, reg *codec.Registry, line string) *wire.Response {
	t.Helper()
	d := codec.NewDecoder(strings.NewReader(line+"\r\n"), &codec.DecoderOptions{Registry: reg, Strict: true})
	resp, err := d.ReadResponse()
	if err != nil {
		t.Fatalf("Decode(%q): %v", line, err)
	}
	return resp
}

// registries are the ways a response may have been decoded: with the
// base protocol, with this package alone, with both, and with nothing
// registered (generic arguments).
func registries() map[string]*codec.Registry {
	alone := codec.NewRegistry()
	uidplus.RegisterCodec(alone)
	both := codec.NewBaseRegistry()
	uidplus.RegisterCodec(both)
	return map[string]*codec.Registry{
		"base":    codec.NewBaseRegistry(),
		"uidplus": alone,
		"both":    both,
		"generic": codec.NewRegistry(),
	}
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
			got, ok := uidplus.AppendUID(decode(t, reg, tt.line))
			if !ok || got.UIDValidity != tt.want.UIDValidity || !got.UIDs.Equal(tt.want.UIDs) {
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
			got, ok := uidplus.CopyUID(decode(t, reg, tt.line))
			if !ok || got.UIDValidity != tt.want.UIDValidity || !got.Source.Equal(tt.want.Source) || !got.Dest.Equal(tt.want.Dest) {
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
			resp := decode(t, reg, line)
			if got, ok := uidplus.AppendUID(resp); ok {
				t.Errorf("%s: AppendUID(%q) = %v, true; want false", name, line, got)
			}
			if got, ok := uidplus.CopyUID(resp); ok {
				t.Errorf("%s: CopyUID(%q) = %v, true; want false", name, line, got)
			}
		}
	}
	if _, ok := uidplus.AppendUID(nil); ok {
		t.Error("AppendUID(nil) reported data")
	}
}

func newConn(t *testing.T, greeting string) (*client.Conn, *faketest.Server) {
	return faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{uidplus.Install}})
}

// TestRFC4315_2_1_UIDExpunge replays the example of RFC 4315 §2.1.
func TestRFC4315_2_1_UIDExpunge(t *testing.T) {
	c, s := newConn(t, faketest.Greeting)
	s.Select(c, nil, "A1 SELECT INBOX", "* 10 EXISTS")
	done := faketest.Go(func() ([]uint32, error) {
		return uidplus.UIDExpunge(faketest.Ctx(t), c, seqset.MustParse("3000:3002"))
	})
	s.Expect("A2 UID EXPUNGE 3000:3002")
	s.Send("* 3 EXPUNGE", "* 3 EXPUNGE", "* 3 EXPUNGE", "A2 OK UID EXPUNGE completed")
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
	c, s := newConn(t, faketest.Greeting)
	s.Select(c, nil, "A1 SELECT INBOX", "* 1 EXISTS")
	done := faketest.Go(func() ([]uint32, error) {
		return uidplus.UIDExpunge(faketest.Ctx(t), c, seqset.MustParse("5"))
	})
	s.Expect("A2 UID EXPUNGE 5")
	s.Send("A2 NO [EXPUNGEISSUED] not now")
	_, err := done()
	var se *client.StatusError
	if !errors.As(err, &se) || se.Status != wire.StatusNo || se.CodeName() != "EXPUNGEISSUED" {
		t.Errorf("UIDExpunge error = %v; want a NO [EXPUNGEISSUED] *client.StatusError", err)
	}
}

func TestUIDExpungeNotSupported(t *testing.T) {
	c, s := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev1] no uidplus")
	s.Select(c, nil, "A1 SELECT INBOX", "* 1 EXISTS")
	_, err := uidplus.UIDExpunge(faketest.Ctx(t), c, seqset.MustParse("1"))
	if !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("UIDExpunge without UIDPLUS: error %v; want client.ErrNotSupported", err)
	}
	s.Quiet(50 * time.Millisecond)
}

// IMAP4rev2 includes UID EXPUNGE (RFC 9051 §6.4.9).
func TestUIDExpungeIMAP4rev2(t *testing.T) {
	c, s := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev2] rev2")
	s.Select(c, nil, "A1 SELECT INBOX", "* 1 EXISTS")
	done := faketest.Go(func() ([]uint32, error) {
		return uidplus.UIDExpunge(faketest.Ctx(t), c, seqset.MustParse("1:*"))
	})
	s.Expect("A2 UID EXPUNGE 1:*")
	s.Send("* 1 EXPUNGE", "A2 OK done")
	if got, err := done(); err != nil || !equal(got, []uint32{1}) {
		t.Errorf("UIDExpunge = %v, %v; want [1], nil", got, err)
	}
}

func TestUIDExpungeEmptySet(t *testing.T) {
	c, s := newConn(t, faketest.Greeting)
	if _, err := uidplus.UIDExpunge(faketest.Ctx(t), c, seqset.Set{}); !errors.Is(err, uidplus.ErrEmptySet) {
		t.Errorf("UIDExpunge(empty) error = %v; want ErrEmptySet", err)
	}
	s.Quiet(50 * time.Millisecond)
}

func TestUIDExpungeNotSelected(t *testing.T) {
	c, s := newConn(t, faketest.Greeting)
	_, err := uidplus.UIDExpunge(faketest.Ctx(t), c, seqset.MustParse("1"))
	var se *client.StateError
	if !errors.As(err, &se) {
		t.Errorf("UIDExpunge before SELECT: error %v; want *client.StateError", err)
	}
	s.Quiet(50 * time.Millisecond)
}

// The APPENDUID of an APPEND completion, read through the client.
func TestAppendUIDFromClient(t *testing.T) {
	c, s := newConn(t, faketest.Greeting)
	done := faketest.Go(func() (*wire.Response, error) {
		ctx := faketest.Ctx(t)
		msg := "Subject: x\r\n\r\nhi\r\n"
		ac, err := c.StartAppend(ctx, "INBOX", strings.NewReader(msg), int64(len(msg)), nil)
		if err != nil {
			return nil, err
		}
		return ac.Command.Wait(ctx)
	})
	s.Expect("A1 APPEND INBOX {18+}")
	s.Expect("Subject: x")
	s.Expect("")
	s.Expect("hi")
	s.Send("A1 OK [APPENDUID 38505 3955] APPEND completed")
	final, err := done()
	if err != nil {
		t.Fatalf("APPEND: %v", err)
	}
	au, ok := uidplus.AppendUID(final)
	if !ok || au.UIDValidity != 38505 || !au.UIDs.Equal(seqset.MustParse("3955")) {
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
