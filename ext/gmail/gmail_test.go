package gmail_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/gmail"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/internal/roundtrip"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// The capability line of Gmail's page.
const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 UNSELECT LITERAL+ IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1] Gimap ready"

func reg() *codec.Registry {
	r := codec.NewBaseRegistry()
	gmail.RegisterCodec(r)
	return r
}

func dial(t *testing.T) (*client.Conn, *faketest.Server) {
	c, s := faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{gmail.Install}})
	s.Select(c, nil, "A1 SELECT INBOX", "* 4 EXISTS")
	return c, s
}

// Gmail's transcripts a006-a010 (X-GM-MSGID, X-GM-THRID, X-GM-LABELS)
// through Fetch, answered the way Gmail answers.
func TestGmailFetch(t *testing.T) {
	c, s := dial(t)
	done := faketest.Go(func() ([]gmail.Message, error) {
		return gmail.Fetch(faketest.Ctx(t), c, seqset.MustParse("1:4"), false)
	})
	s.Expect("A2 FETCH 1:4 (UID X-GM-MSGID X-GM-THRID X-GM-LABELS)")
	s.Send(`* 1 FETCH (UID 1 X-GM-MSGID 1278455344230334865 X-GM-THRID 1278455344230334865 X-GM-LABELS (\Inbox \Sent Important "Muy Importante"))`,
		`* 2 FETCH (UID 2 X-GM-MSGID 1266894439832287889 X-GM-THRID 1266894439832287888 X-GM-LABELS (foo))`,
		`* 3 FETCH (UID 3 X-GM-MSGID 1266894439832287890 X-GM-THRID 1266894439832287888 X-GM-LABELS ())`,
		`* 4 FETCH (UID 4 X-GM-MSGID 1266894439832287891 X-GM-THRID 1266894439832287888 X-GM-LABELS (\Drafts "&AMk-t&AOk-"))`,
		"A2 OK FETCH (Success)")
	msgs, err := done()
	if err != nil || len(msgs) != 4 {
		t.Fatalf("Fetch = %+v, %v", msgs, err)
	}
	if m := msgs[0]; m.MsgID != 1278455344230334865 || m.ThrID != 1278455344230334865 || !slices.Equal(m.Labels, []string{`\Inbox`, `\Sent`, "Important", "Muy Importante"}) {
		t.Errorf("message 1 = %+v", m)
	}
	if m := msgs[1]; m.ThrID != 1266894439832287888 || !slices.Equal(m.Labels, []string{"foo"}) {
		t.Errorf("message 2 = %+v", m)
	}
	if m := msgs[2]; m.Labels == nil || len(m.Labels) != 0 {
		t.Errorf("message 3 = %+v; want an empty, non-nil label list", m)
	}
	if m := msgs[3]; !slices.Equal(m.Labels, []string{`\Drafts`, "Été"}) {
		t.Errorf("message 4 labels = %q (modified UTF-7 decoded)", m.Labels)
	}
}

// a011: STORE 1 +X-GM-LABELS (foo), and removal / replacement.
func TestGmailStoreLabels(t *testing.T) {
	c, s := dial(t)
	done := faketest.Go(func() (map[uint32][]string, error) {
		return gmail.StoreLabels(faketest.Ctx(t), c, seqset.MustParse("1"), false, gmail.Add, []string{"foo"})
	})
	s.Expect("A2 STORE 1 +X-GM-LABELS (foo)")
	s.Send(`* 1 FETCH (X-GM-LABELS (\Inbox \Sent Important "Muy Importante" foo))`, "A2 OK STORE (Success)")
	got, err := done()
	if err != nil || !slices.Equal(got[1], []string{`\Inbox`, `\Sent`, "Important", "Muy Importante", "foo"}) {
		t.Fatalf("StoreLabels = %v, %v", got, err)
	}
	done = faketest.Go(func() (map[uint32][]string, error) {
		return gmail.StoreLabels(faketest.Ctx(t), c, seqset.MustParse("7"), true, gmail.Remove, []string{`\Important`, "Muy Importante", "Été"})
	})
	s.Expect(`A3 UID STORE 7 -X-GM-LABELS (\Important "Muy Importante" &AMk-t&AOk-)`)
	s.Send(`* 1 FETCH (UID 7 X-GM-LABELS (\Inbox))`, "A3 OK STORE (Success)")
	if got, err := done(); err != nil || !slices.Equal(got[1], []string{`\Inbox`}) {
		t.Fatalf("StoreLabels(-) = %v, %v", got, err)
	}
	// A system label that could inject syntax is refused before sending.
	if _, err := gmail.StoreLabels(faketest.Ctx(t), c, seqset.MustParse("1"), false, gmail.Replace, []string{`\In box)`}); err == nil {
		t.Fatal("invalid system label accepted")
	}
	s.Quiet(50e6)
}

// a005, a007, a009, a012: SEARCH X-GM-RAW / X-GM-MSGID / X-GM-THRID /
// X-GM-LABELS.
func TestGmailSearch(t *testing.T) {
	c, s := dial(t)
	done := faketest.Go(func() ([]uint32, error) { return gmail.Search(faketest.Ctx(t), c, "has:attachment in:unread") })
	s.Expect(`A2 UID SEARCH X-GM-RAW "has:attachment in:unread"`)
	s.Send("* SEARCH 123 12344 5992", "A2 OK SEARCH (Success)")
	if n, err := done(); err != nil || !slices.Equal(n, []uint32{123, 12344, 5992}) {
		t.Fatalf("Search = %v, %v", n, err)
	}
	// Non-ASCII: CHARSET UTF-8 and a literal (non-synchronizing: the
	// greeting has LITERAL+).
	done = faketest.Go(func() ([]uint32, error) { return gmail.Search(faketest.Ctx(t), c, "subject:café") })
	s.Expect("A3 UID SEARCH CHARSET UTF-8 X-GM-RAW {13+}")
	s.Expect("subject:café")
	s.Send("* SEARCH 7", "A3 OK SEARCH (Success)")
	if n, err := done(); err != nil || !slices.Equal(n, []uint32{7}) {
		t.Fatalf("Search(non-ASCII) = %v, %v", n, err)
	}
	for i, tc := range []struct {
		keys []wire.Value
		line string
		resp string
		want []uint32
	}{
		{gmail.MsgIDKey(1278455344230334865), "X-GM-MSGID 1278455344230334865", "* SEARCH 1", []uint32{1}},
		{gmail.ThrIDKey(1266894439832287888), "X-GM-THRID 1266894439832287888", "* SEARCH 2 3 4", []uint32{2, 3, 4}},
		{must(gmail.LabelKey("foo")), "X-GM-LABELS foo", "* SEARCH 1 2", []uint32{1, 2}},
	} {
		done := faketest.Go(func() (*client.SearchResult, error) {
			return c.UIDSearch(faketest.Ctx(t), &client.SearchCriteria{Keys: tc.keys}, nil)
		})
		tag := "A" + string(rune('4'+i))
		s.Expect(tag + " UID SEARCH " + tc.line)
		s.Send(tc.resp, tag+" OK SEARCH (Success)")
		if r, err := done(); err != nil || !slices.Equal(r.Nums, tc.want) {
			t.Fatalf("%s = %v, %v", tc.line, r, err)
		}
	}
}

func must(v []wire.Value, err error) []wire.Value {
	if err != nil {
		panic(err)
	}
	return v
}

// a004: the LIST transcript, mapped to system labels.
func TestGmailSpecialMailboxes(t *testing.T) {
	c, s := dial(t)
	done := faketest.Go(func() (*client.ListResult, error) { return c.List(faketest.Ctx(t), "", []string{"*"}, nil) })
	s.Expect(`A2 LIST "" "*"`)
	s.Send(`* LIST (\HasNoChildren) "/" "INBOX"`,
		`* LIST (\Noselect \HasChildren) "/" "[Gmail]"`,
		`* LIST (\HasNoChildren \All) "/" "[Gmail]/All Mail"`,
		`* LIST (\HasNoChildren \Drafts) "/" "[Gmail]/Drafts"`,
		`* LIST (\HasNoChildren \Important) "/" "[Gmail]/Important"`,
		`* LIST (\HasNoChildren \Sent) "/" "[Gmail]/Sent Mail"`,
		`* LIST (\HasNoChildren \Junk) "/" "[Gmail]/Spam"`,
		`* LIST (\HasNoChildren \Flagged) "/" "[Gmail]/Starred"`,
		`* LIST (\HasNoChildren \Trash) "/" "[Gmail]/Trash"`,
		"A2 OK Success")
	l, err := done()
	if err != nil {
		t.Fatal(err)
	}
	sp := gmail.SpecialMailboxes(l)
	if sp[gmail.AttrAll] != "[Gmail]/All Mail" || sp[gmail.AttrImportant] != "[Gmail]/Important" || sp["INBOX"] != "INBOX" {
		t.Fatalf("SpecialMailboxes = %v", sp)
	}
	for label, want := range map[string]string{`\Inbox`: "INBOX", `\Starred`: "[Gmail]/Starred", `\Sent`: "[Gmail]/Sent Mail", `\Draft`: "[Gmail]/Drafts", "foo": "foo"} {
		if got, ok := gmail.LabelMailbox(sp, label); !ok || got != want {
			t.Errorf("LabelMailbox(%s) = %q, %v; want %q", label, got, ok, want)
		}
	}
	if _, ok := gmail.LabelMailbox(sp, `\Unknown`); ok {
		t.Error("unknown system label mapped")
	}
}

func TestNotSupported(t *testing.T) {
	c, s := faketest.New(t, faketest.Greeting, &client.Options{Extensions: []client.Extension{gmail.Install}})
	if _, err := gmail.Search(faketest.Ctx(t), c, "x"); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Search without X-GM-EXT-1: %v", err)
	}
	if _, err := gmail.StoreLabels(faketest.Ctx(t), c, seqset.MustParse("1"), false, gmail.Add, []string{"x"}); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("StoreLabels without X-GM-EXT-1: %v", err)
	}
	s.Quiet(50e6)
}

func TestGeneric(t *testing.T) {
	d := codec.NewDecoder(strings.NewReader(`* 1 FETCH (X-GM-MSGID 12 X-GM-LABELS (\Inbox "a b" &AMk-t&AOk-))`+"\r\n"), &codec.DecoderOptions{Registry: codec.NewBaseRegistry()})
	resp, err := d.ReadResponse()
	if err != nil {
		t.Fatal(err)
	}
	f := resp.Data.(*wire.FetchData)
	if n, ok := gmail.MsgID(f); !ok || n != 12 {
		t.Errorf("MsgID(generic) = %d %v", n, ok)
	}
	if l, ok := gmail.LabelsOf(f); !ok || !slices.Equal(l, []string{`\Inbox`, "a b", "Été"}) {
		t.Errorf("LabelsOf(generic) = %q %v", l, ok)
	}
}

func TestRoundTrip(t *testing.T) {
	roundtrip.Check(t, reg(), func(r *wire.Response) bool {
		f, ok := r.Data.(*wire.FetchData)
		if !ok {
			return false
		}
		for _, it := range f.Items {
			switch it.Data.(type) {
			case uint64, gmail.Labels:
			default:
				return false
			}
		}
		return true
	},
		`* 1 FETCH (X-GM-LABELS (\Inbox \Sent Important "Muy Importante"))`,
		`* 2 FETCH (X-GM-LABELS (foo))`,
		`* 3 FETCH (X-GM-LABELS ())`,
		`* 4 FETCH (X-GM-LABELS (\Drafts))`,
		`* 1 FETCH (X-GM-MSGID 1278455344230334865)`,
		`* 1 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 9223372036854775807)`,
		`* 1 FETCH (UID 4 X-GM-LABELS ("foo" &AMk-t&AOk- {3}`+"\r\n"+`a b))`,
	)
}

func TestMalformed(t *testing.T) {
	for _, line := range []string{
		`* 1 FETCH (X-GM-MSGID -1)`,
		`* 1 FETCH (X-GM-MSGID 18446744073709551616)`,
		`* 1 FETCH (X-GM-LABELS foo)`,
		`* 1 FETCH (X-GM-LABELS ((foo)))`,
		`* 1 FETCH (X-GM-LABELS (NIL))`,
	} {
		if _, err := roundtrip.Decode(reg(), true, line+"\r\n"); err == nil {
			t.Errorf("strict decode of %q succeeded", line)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`* 1 FETCH (X-GM-LABELS (\Inbox \Sent Important "Muy Importante"))`,
		`* 1 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334866 UID 4)`,
		`* 1 FETCH (X-GM-LABELS ("foo" &AMk-t&AOk- {3}` + "\r\n" + `a b))`,
	} {
		f.Add(s + "\r\n")
	}
	r := reg()
	f.Fuzz(func(t *testing.T, in string) {
		roundtrip.Stable(t, r, in)
		for _, strict := range []bool{true, false} {
			if resp, err := roundtrip.Decode(r, strict, in); err == nil {
				if fd, ok := resp.Data.(*wire.FetchData); ok {
					gmail.LabelsOf(fd)
					gmail.MsgID(fd)
				}
			}
		}
	})
}

// Gmail's IDs are unsigned 64-bit: a lenient decoder reads up to 2^64-1,
// a strict one stops at number64's 2^63-1 (RFC 9051 §9).
func TestIDUint64(t *testing.T) {
	line := "* 1 FETCH (X-GM-MSGID 18446744073709551615)\r\n"
	r, err := roundtrip.Decode(reg(), false, line)
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := gmail.MsgID(r.Data.(*wire.FetchData)); !ok || id != 1<<64-1 {
		t.Errorf("MsgID = %d, %v", id, ok)
	}
	if _, err := roundtrip.Decode(reg(), true, line); err == nil {
		t.Error("strict decoding accepted 2^64-1")
	}
}
