package acl_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/acl"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
)

const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 ACL RIGHTS=texk] ready"

func newConn(t *testing.T, greeting string) (*client.Conn, *faketest.Server) {
	return faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{acl.Install}})
}

// RFC 4314 §3.1 and §3.3 examples: SETACL with +, then GETACL.
func TestRFC4314_3_1_SetACLGetACL(t *testing.T) {
	c, s := newConn(t, greeting)
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() (*acl.ACL, error) { return acl.GetACL(ctx, c, "INBOX/Drafts") })
	s.Expect("A1 GETACL INBOX/Drafts")
	s.Send("* ACL INBOX/Drafts Fred rwipslxetad Chris lrswi", "A1 OK Getacl complete")
	a, err := done()
	if err != nil {
		t.Fatal(err)
	}
	want := &acl.ACL{Mailbox: "INBOX/Drafts", Entries: []acl.Entry{{"Fred", "rwipslxetad"}, {"Chris", "lrswi"}}}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("GetACL = %+v; want %+v", a, want)
	}

	setDone := faketest.Go(func() (bool, error) { return true, acl.SetACL(ctx, c, "INBOX/Drafts", "Chris", "+cda") })
	s.Expect("A2 SETACL INBOX/Drafts Chris +cda")
	s.Send("A2 OK Setacl complete")
	if _, err := setDone(); err != nil {
		t.Fatal(err)
	}

	done = faketest.Go(func() (*acl.ACL, error) { return acl.GetACL(ctx, c, "INBOX/Drafts") })
	s.Expect("A3 GETACL INBOX/Drafts")
	s.Send("* ACL INBOX/Drafts Fred rwipslxetad Chris lrswicdakxet", "A3 OK Getacl complete")
	a, err = done()
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := a.Get("Chris"); !ok || !r.Has(acl.Administer) || !r.Has(acl.DeleteMailbox) {
		t.Errorf("Chris's rights = %q, %v; want a and x among them", r, ok)
	}

	// Uppercase rights are refused before sending (the server would say
	// BAD, RFC 4314 §3.1 example A035).
	if err := acl.SetACL(ctx, c, "INBOX/Drafts", "John", "lrQswicda"); err == nil {
		t.Error("SetACL with an upper-case right: no error")
	}
	// An unknown right gets the server's BAD.
	setDone = faketest.Go(func() (bool, error) { return true, acl.SetACL(ctx, c, "INBOX/Drafts", "John", "lrqswicda") })
	s.Expect("A4 SETACL INBOX/Drafts John lrqswicda")
	s.Send("A4 BAD The q right is not supported")
	var se *client.StatusError
	if _, err := setDone(); !errors.As(err, &se) || se.Command != "SETACL" {
		t.Errorf("SetACL q: err = %v; want the BAD as *client.StatusError", err)
	}
}

// RFC 4314 §3.2 example: negative rights and DELETEACL.
func TestRFC4314_3_2_DeleteACL(t *testing.T) {
	c, s := newConn(t, greeting)
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() (*acl.ACL, error) { return acl.GetACL(ctx, c, "INBOX") })
	s.Expect("A1 GETACL INBOX")
	s.Send("* ACL INBOX Fred rwipslxetad -Fred wetd $team w", "A1 OK Getacl complete")
	a, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := a.Get("-Fred"); r != "wetd" || len(a.Entries) != 3 {
		t.Errorf("GetACL = %+v", a)
	}
	del := faketest.Go(func() (bool, error) { return true, acl.DeleteACL(ctx, c, "INBOX", "Fred") })
	s.Expect("A2 DELETEACL INBOX Fred")
	s.Send("A2 OK Deleteacl complete")
	if _, err := del(); err != nil {
		t.Fatal(err)
	}
}

// RFC 4314 §3.4 examples.
func TestRFC4314_3_4_ListRights(t *testing.T) {
	c, s := newConn(t, greeting)
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() (*acl.ListRightsData, error) { return acl.ListRights(ctx, c, "~/Mail/saved", "smith") })
	s.Expect("A1 LISTRIGHTS ~/Mail/saved smith")
	s.Send("* LISTRIGHTS ~/Mail/saved smith la r swicdkxte", "A1 OK Listrights completed")
	l, err := done()
	if err != nil {
		t.Fatal(err)
	}
	want := &acl.ListRightsData{Mailbox: "~/Mail/saved", Identifier: "smith", Required: "la", Optional: []acl.Rights{"r", "swicdkxte"}}
	if !reflect.DeepEqual(l, want) {
		t.Errorf("ListRights = %+v; want %+v", l, want)
	}

	done = faketest.Go(func() (*acl.ListRightsData, error) { return acl.ListRights(ctx, c, "archive/imap", "anyone") })
	s.Expect("A2 LISTRIGHTS archive/imap anyone")
	s.Send(`* LISTRIGHTS archive.imap anyone ""`, "A2 OK Listrights successful")
	l, err = done()
	if err != nil {
		t.Fatal(err)
	}
	if l.Required != "" || len(l.Optional) != 0 || l.Mailbox != "archive.imap" {
		t.Errorf("ListRights = %+v; want no rights", l)
	}
}

// RFC 4314 §3.5 example.
func TestRFC4314_3_5_MyRights(t *testing.T) {
	c, s := newConn(t, greeting)
	done := faketest.Go(func() (acl.Rights, error) { return acl.MyRights(faketest.Ctx(t), c, "INBOX") })
	s.Expect("A1 MYRIGHTS INBOX")
	s.Send("* MYRIGHTS INBOX rwiptsldaex", "A1 OK Myrights complete")
	r, err := done()
	if err != nil || r != "rwiptsldaex" {
		t.Errorf("MyRights = %q, %v", r, err)
	}
	if x, err := acl.ExtraRights(faketest.Ctx(t), c); x != "texk" || err != nil {
		t.Errorf("ExtraRights = %q, %v; want texk", x, err)
	}
}

func TestNotSupported(t *testing.T) {
	c, s := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev1] ready")
	ctx := faketest.Ctx(t)
	if _, err := acl.MyRights(ctx, c, "INBOX"); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("MyRights: %v", err)
	}
	if err := acl.SetACL(ctx, c, "INBOX", "x", "l"); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("SetACL: %v", err)
	}
	s.Quiet(50e6)
}

func TestParse(t *testing.T) {
	reg := codec.NewBaseRegistry()
	acl.RegisterCodec(reg)
	tests := []struct {
		line string
		want any
	}{
		{"* ACL INBOX Fred rwipsldexta", &acl.ACL{Mailbox: "INBOX", Entries: []acl.Entry{{"Fred", "rwipsldexta"}}}},
		{"* ACL INBOX", &acl.ACL{Mailbox: "INBOX"}},
		{`* ACL "a b" "user one" "" {5}` + "\r\nlrswi lr", &acl.ACL{Mailbox: "a b", Entries: []acl.Entry{{"user one", ""}, {"lrswi", "lr"}}}},
		{`* MYRIGHTS "&AMk-t&AOk-" lr`, &acl.MyRightsData{Mailbox: "Été", Rights: "lr"}},
		{`* LISTRIGHTS INBOX anyone "" l r s w i p k x t e`, &acl.ListRightsData{Mailbox: "INBOX", Identifier: "anyone", Optional: []acl.Rights{"l", "r", "s", "w", "i", "p", "k", "x", "t", "e"}}},
	}
	for _, tt := range tests {
		r := decodetest.Must(t, reg, tt.line)
		if !reflect.DeepEqual(r.Data, tt.want) {
			t.Errorf("%q: Data = %#v; want %#v", tt.line, r.Data, tt.want)
		}
	}
	for _, line := range []string{"* ACL INBOX Fred", "* MYRIGHTS INBOX", "* LISTRIGHTS INBOX anyone", "* ACL INBOX Fred (l)"} {
		if r, err := decodetest.Decode(reg, false, line); err == nil && r.Data != nil {
			switch r.Data.(type) {
			case *acl.ACL, *acl.MyRightsData, *acl.ListRightsData:
				t.Errorf("%q decoded as %#v; want an error", line, r.Data)
			}
		}
	}
	if _, err := decodetest.Decode(reg, true, "* MYRIGHTS INBOX LR"); err == nil {
		t.Error("strict: upper-case rights accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"* ACL INBOX Fred rwipslxetad -Fred wetd $team w\r\n",
		"* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n",
		"* MYRIGHTS INBOX rwiptsldaex\r\n",
		"* ACL {5}\r\nINBOX {4}\r\nFred \"\"\r\n",
	} {
		f.Add([]byte(s))
	}
	reg := codec.NewBaseRegistry()
	acl.RegisterCodec(reg)
	f.Fuzz(func(t *testing.T, data []byte) { decodetest.Fuzz(reg, data) })
}

// Decode then encode gives the RFC 4314 examples' bytes back.
func TestRoundTrip(t *testing.T) {
	reg := codec.NewBaseRegistry()
	acl.RegisterCodec(reg)
	decodetest.RoundTrip(t, reg,
		"* ACL INBOX Fred rwipslxcetda David lrswideta",
		"* ACL INBOX/Drafts Fred rwipslxetad Chris lrswi",
		"* ACL INBOX Fred rwipslxetad -Fred wetd $team w",
		`* LISTRIGHTS archive/imap anyone ""`,
		"* LISTRIGHTS ~/Mail/saved smith la r swicdkxte",
		"* MYRIGHTS INBOX rwiptsldaex",
		"* ACL INBOX",
		`* ACL "a b" "user one" "" {5}`+"\r\nlrswi lr",
		`* MYRIGHTS "&AMk-t&AOk-" lr`,
	)
}
