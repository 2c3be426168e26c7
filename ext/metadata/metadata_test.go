package metadata_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/metadata"
)

const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE METADATA LIST-EXTENDED LIST-METADATA] ready"

func newConn(t *testing.T, greeting string) (*client.Conn, *faketest.Server) {
	return faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{metadata.Install}})
}

func get(t *testing.T, c *client.Conn, mailbox string, entries []string, opts *metadata.GetOptions) func() (*metadata.Result, error) {
	return faketest.Go(func() (*metadata.Result, error) {
		return metadata.GetMetadata(faketest.Ctx(t), c, mailbox, entries, opts)
	})
}

// RFC 5464 §4.2 examples.
func TestRFC5464_4_2_GetMetadata(t *testing.T) {
	c, s := newConn(t, greeting)
	done := get(t, c, "", []string{"/shared/comment"}, nil)
	s.Expect(`A1 GETMETADATA "" /shared/comment`)
	s.Send(`* METADATA "" (/shared/comment "Shared comment")`, "A1 OK GETMETADATA complete")
	r, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := r.Get("/shared/comment"); !ok || e.Value != "Shared comment" {
		t.Errorf("GetMetadata = %+v", r)
	}

	done = get(t, c, "INBOX", []string{"/shared/comment", "/private/comment"}, nil)
	s.Expect(`A2 GETMETADATA INBOX (/shared/comment /private/comment)`)
	s.Send(`* METADATA "INBOX" (/shared/comment "Shared comment" /private/comment "My own comment")`, "A2 OK GETMETADATA complete")
	r, err = done()
	if err != nil {
		t.Fatal(err)
	}
	want := []metadata.Entry{{Name: "/shared/comment", Value: "Shared comment"}, {Name: "/private/comment", Value: "My own comment"}}
	if !reflect.DeepEqual(r.Entries, want) {
		t.Errorf("Entries = %+v; want %+v", r.Entries, want)
	}
}

// RFC 5464 §4.2.1: MAXSIZE and the LONGENTRIES code, the options before
// the mailbox as erratum 2785 corrects the example.
func TestRFC5464_4_2_1_MaxSize(t *testing.T) {
	c, s := newConn(t, greeting)
	done := get(t, c, "INBOX", []string{"/shared/comment", "/private/comment"}, &metadata.GetOptions{MaxSize: 1024})
	s.Expect(`A1 GETMETADATA (MAXSIZE 1024) INBOX (/shared/comment /private/comment)`)
	s.Send(`* METADATA "INBOX" (/private/comment "My own comment")`, "A1 OK [METADATA LONGENTRIES 2199] GETMETADATA complete")
	r, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if !r.HasLongEntries || r.LongEntries != 2199 || len(r.Entries) != 1 {
		t.Errorf("GetMetadata = %+v; want LONGENTRIES 2199 and one entry", r)
	}
}

// RFC 5464 §4.2.2: DEPTH 1, values with quoted specials (options placed
// as erratum 2785 corrects the example).
func TestRFC5464_4_2_2_Depth(t *testing.T) {
	c, s := newConn(t, greeting)
	done := get(t, c, "INBOX", []string{"/private/filters/values"}, &metadata.GetOptions{Depth: metadata.Depth1})
	s.Expect(`A1 GETMETADATA (DEPTH 1) INBOX /private/filters/values`)
	s.Send(`* METADATA "INBOX" (/private/filters/values/small "SMALLER 5000" /private/filters/values/boss "FROM \"boss@example.com\"")`, "A1 OK GETMETADATA complete")
	r, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := r.Get("/private/filters/values/boss"); e.Value != `FROM "boss@example.com"` {
		t.Errorf("boss = %+v", e)
	}
}

// RFC 5464 §4.3 examples: a literal value, NIL, several entries, TOOMANY.
func TestRFC5464_4_3_SetMetadata(t *testing.T) {
	c, s := newConn(t, greeting)
	set := func(entries ...metadata.Entry) func() (bool, error) {
		return faketest.Go(func() (bool, error) {
			return true, metadata.SetMetadata(faketest.Ctx(t), c, "INBOX", entries)
		})
	}
	done := set(metadata.Entry{Name: "/private/comment", Value: "My new comment across\r\ntwo lines."})
	s.Expect("A1 SETMETADATA INBOX (/private/comment {33}")
	s.Send("+ ready for data")
	s.Expect("My new comment across")
	s.Expect("two lines.)")
	s.Send("A1 OK SETMETADATA complete")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}

	done = set(metadata.Entry{Name: "/private/comment", IsNil: true})
	s.Expect("A2 SETMETADATA INBOX (/private/comment NIL)")
	s.Send("A2 OK SETMETADATA complete")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}

	done = set(metadata.Entry{Name: "/private/comment", Value: "My new comment"}, metadata.Entry{Name: "/shared/comment", Value: "This one is for you!"})
	s.Expect(`A3 SETMETADATA INBOX (/private/comment "My new comment" /shared/comment "This one is for you!")`)
	s.Send("A3 OK SETMETADATA complete")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}

	// A value that could be an atom is still sent as a string: value =
	// nstring / literal8 (RFC 5464 §5), and Cyrus refuses an atom.
	done = set(metadata.Entry{Name: "/private/comment", Value: "word"})
	s.Expect(`A4 SETMETADATA INBOX (/private/comment "word")`)
	s.Send("A4 OK SETMETADATA complete")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}

	done = set(metadata.Entry{Name: "/private/comment", Value: "My new comment"})
	s.Expect(`A5 SETMETADATA INBOX (/private/comment "My new comment")`)
	s.Send("A5 NO [METADATA TOOMANY] SETMETADATA failed")
	_, err := done()
	if code, ok := metadata.CodeOf(err); !ok || code.Kind != metadata.TooMany {
		t.Errorf("SetMetadata: err = %v, code %+v; want METADATA TOOMANY", err, code)
	}
	var se *client.StatusError
	if !errors.As(err, &se) {
		t.Errorf("err = %T; want *client.StatusError", err)
	}
}

// RFC 5464 §4.4.1/§4.4.2: unsolicited METADATA (names only) after
// ENABLE reach the unclaimed queue typed.
func TestRFC5464_4_4_Unsolicited(t *testing.T) {
	c, s := newConn(t, greeting)
	done := faketest.Go(func() (bool, error) { return true, metadata.Enable(faketest.Ctx(t), c) })
	s.Expect("A1 ENABLE METADATA")
	s.Send("* ENABLED METADATA", "A1 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	noop := faketest.Go(func() (bool, error) { return true, c.Noop(faketest.Ctx(t)) })
	s.Expect("A2 NOOP")
	s.Send(`* METADATA "INBOX" /shared/comment /private/comment`, "A2 OK NOOP complete")
	if _, err := noop(); err != nil {
		t.Fatal(err)
	}
	r, err := c.Unclaimed(faketest.Ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	d, ok := r.Data.(*metadata.Data)
	if !ok || d.Mailbox != "INBOX" || !reflect.DeepEqual(d.Changed, []string{"/shared/comment", "/private/comment"}) {
		t.Errorf("unclaimed = %#v", r.Data)
	}
}

// RFC 9590 §4 (LIST-METADATA), as its example is built: each LIST is
// followed by the METADATA of that mailbox.
func TestRFC9590_List(t *testing.T) {
	c, s := newConn(t, greeting)
	done := faketest.Go(func() (*metadata.ListResult, error) {
		return metadata.List(faketest.Ctx(t), c, "", "*", []string{"/shared/comment", "/private/comment"}, nil)
	})
	s.Expect(`A1 LIST "" "*" RETURN (METADATA (/shared/comment /private/comment))`)
	s.Send(`* LIST () "." "INBOX"`,
		`* METADATA "INBOX" (/shared/comment "Shared comment" /private/comment NIL)`,
		`* LIST () "." "foo"`,
		`* METADATA "foo" (/shared/comment NIL /private/comment "Private comment")`,
		"A1 OK List completed.")
	r, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Mailboxes) != 2 || len(r.Metadata) != 2 {
		t.Fatalf("List = %+v", r)
	}
	if e, _ := r.Metadata["foo"].Get("/private/comment"); e.Value != "Private comment" {
		t.Errorf("foo /private/comment = %+v", e)
	}
	if e, _ := r.Metadata["INBOX"].Get("/private/comment"); !e.IsNil {
		t.Errorf("INBOX /private/comment = %+v; want NIL", e)
	}
}

// LIST-METADATA with GETMETADATA's options: sent as the METADATA
// selection option, as Cyrus 3.6 takes them; a mailbox whose value was
// too long gets no METADATA response (as Cyrus answers), and the
// completion's LONGENTRIES is kept. The transcript is Cyrus 3.6's answer
// to this command.
func TestRFC9590_ListOptions(t *testing.T) {
	c, s := newConn(t, greeting)
	done := faketest.Go(func() (*metadata.ListResult, error) {
		return metadata.List(faketest.Ctx(t), c, "", "*", []string{"/private/comment"},
			&metadata.GetOptions{MaxSize: 5, Depth: metadata.DepthInfinity})
	})
	s.Expect(`A1 LIST (METADATA (MAXSIZE 5 DEPTH infinity)) "" "*" RETURN (METADATA (/private/comment))`)
	s.Send(`* LIST (\HasNoChildren) "/" INBOX`,
		`* LIST (\HasNoChildren \archive) "/" Archive`,
		`* METADATA Archive ("/private/comment" NIL)`,
		"A1 OK [METADATA LONGENTRIES 26] Completed")
	r, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Mailboxes) != 2 || len(r.Metadata) != 1 || r.Metadata["INBOX"] != nil {
		t.Fatalf("List = %+v; want two mailboxes, metadata for Archive only", r)
	}
	if !r.HasLongEntries || r.LongEntries != 26 {
		t.Fatalf("LongEntries = %d (%v); want 26", r.LongEntries, r.HasLongEntries)
	}
	// A bad DEPTH is refused before anything is sent.
	if _, err := metadata.List(faketest.Ctx(t), c, "", "*", []string{"/private/comment"}, &metadata.GetOptions{Depth: "2"}); err == nil {
		t.Fatal("DEPTH 2 accepted")
	}
	s.Quiet(0)
}

func TestNotSupported(t *testing.T) {
	c, s := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev1 METADATA-SERVER] ready")
	ctx := faketest.Ctx(t)
	if _, err := metadata.GetMetadata(ctx, c, "INBOX", []string{"/shared/comment"}, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("mailbox entry with METADATA-SERVER only: %v", err)
	}
	if _, err := metadata.List(ctx, c, "", "*", []string{"/shared/comment"}, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("List: %v", err)
	}
	if _, err := metadata.GetMetadata(ctx, c, "", []string{"/shared/*"}, nil); err == nil {
		t.Error("entry name with *: no error")
	}
	s.Quiet(50e6)
	// The server's own entries need METADATA-SERVER only.
	done := get(t, c, "", []string{"/shared/admin"}, nil)
	s.Expect(`A1 GETMETADATA "" /shared/admin`)
	s.Send(`* METADATA "" (/shared/admin {20}`, "mailto:a@example.com)", "A1 OK done")
	if r, err := done(); err != nil || r.Entries[0].Value != "mailto:a@example.com" {
		t.Errorf("GetMetadata = %+v, %v", r, err)
	}
}

func TestParse(t *testing.T) {
	reg := codec.NewBaseRegistry()
	metadata.RegisterCodec(reg)
	tests := []struct {
		line string
		want any
	}{
		{`* METADATA "" /shared/comment`, &metadata.Data{Changed: []string{"/shared/comment"}}},
		{"* METADATA INBOX (/private/bin ~{3}\r\na\x00b)", &metadata.Data{Mailbox: "INBOX", Entries: []metadata.Entry{{Name: "/private/bin", Value: "a\x00b"}}}},
		{`* METADATA INBOX (/a NIL /b "")`, &metadata.Data{Mailbox: "INBOX", Entries: []metadata.Entry{{Name: "/a", IsNil: true}, {Name: "/b"}}}},
	}
	for _, tt := range tests {
		r := decodetest.Must(t, reg, tt.line)
		if !reflect.DeepEqual(r.Data, tt.want) {
			t.Errorf("%q: Data = %#v; want %#v", tt.line, r.Data, tt.want)
		}
	}
	codes := map[string]*metadata.Code{
		"a OK [METADATA LONGENTRIES 2199] x": {metadata.LongEntries, 2199},
		"a NO [METADATA MAXSIZE 1024] x":     {metadata.MaxSize, 1024},
		"a NO [METADATA NOPRIVATE] x":        {metadata.NoPrivate, 0},
		"a NO [METADATA X-FUTURE 1] x":       {"X-FUTURE", 1}, // the generic fallback
	}
	for line, want := range codes {
		r := decodetest.Must(t, reg, line)
		got, ok := metadata.CodeOf(r)
		if !ok || *got != *want {
			t.Errorf("%q: CodeOf = %+v, %v; want %+v", line, got, ok, want)
		}
		// Without Install: the generic form reads the same.
		r = decodetest.Must(t, codec.NewBaseRegistry(), line)
		if got, ok := metadata.CodeOf(r); !ok || *got != *want {
			t.Errorf("%q without Install: CodeOf = %+v, %v; want %+v", line, got, ok, want)
		}
	}
	for _, line := range []string{`* METADATA INBOX (/a)`, `* METADATA INBOX (/a (x))`, `* METADATA INBOX (/a "x"`, `* METADATA INBOX`} {
		if r, err := decodetest.Decode(reg, false, line); err == nil {
			if _, ok := r.Data.(*metadata.Data); ok {
				t.Errorf("%q decoded as %#v; want an error", line, r.Data)
			}
		}
	}
	if _, err := decodetest.Decode(reg, true, `* METADATA INBOX (/a atom)`); err == nil {
		t.Error("strict: atom value accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"* METADATA \"INBOX\" (/shared/comment \"Shared comment\" /private/comment \"My own comment\")\r\n",
		"* METADATA \"INBOX\" /shared/comment /private/comment\r\n",
		"a OK [METADATA LONGENTRIES 2199] GETMETADATA complete\r\n",
		"* METADATA INBOX (/private/bin ~{3}\r\na\x00b)\r\n",
	} {
		f.Add([]byte(s))
	}
	reg := codec.NewBaseRegistry()
	metadata.RegisterCodec(reg)
	f.Fuzz(func(t *testing.T, data []byte) { decodetest.Fuzz(reg, data) })
}

// Decode then encode gives the RFC 5464 examples' bytes back.
func TestRoundTrip(t *testing.T) {
	reg := codec.NewBaseRegistry()
	metadata.RegisterCodec(reg)
	decodetest.RoundTrip(t, reg,
		`* METADATA "" (/shared/comment "Shared comment")`,
		`* METADATA "INBOX" (/private/comment "My own comment")`,
		`* METADATA "INBOX" (/shared/comment "Shared comment" /private/comment "My own comment")`,
		`* METADATA "INBOX" (/private/filters/values/small "SMALLER 5000" /private/filters/values/boss "FROM \"boss@example.com\"")`,
		`* METADATA "" /shared/comment`,
		`* METADATA "INBOX" /shared/comment /private/comment`,
		`* METADATA INBOX (/a NIL /b {3}`+"\r\nx\r\n)",
		"* METADATA INBOX (/private/bin ~{3}\r\na\x00b)",
		"a OK [METADATA LONGENTRIES 2199] GETMETADATA complete",
		"a NO [METADATA TOOMANY] SETMETADATA failed",
		"a NO [METADATA MAXSIZE 1024] too big",
		"a NO [METADATA NOPRIVATE] no private",
	)
}
