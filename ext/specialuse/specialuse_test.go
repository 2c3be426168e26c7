package specialuse_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/specialuse"
)

// RFC 6154 §5.3 example.
func TestRFC6154_5_3_Create(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 CREATE-SPECIAL-USE] ready", nil)
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() (bool, error) {
		return true, specialuse.Create(ctx, c, "MySpecial", specialuse.Drafts, specialuse.Sent)
	})
	s.Expect(`A1 CREATE MySpecial (USE (\Drafts \Sent))`)
	s.Send("A1 OK MySpecial created")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	done = faketest.Go(func() (bool, error) { return true, specialuse.Create(ctx, c, "Everything", specialuse.All) })
	s.Expect(`A2 CREATE Everything (USE (\All))`)
	s.Send(`A2 NO [USEATTR] \All not supported`)
	if _, err := done(); !specialuse.IsUseAttr(err) {
		t.Errorf("err = %v; want USEATTR", err)
	}
	if err := specialuse.Create(ctx, c, "x", "Drafts"); err == nil {
		t.Error("attribute without backslash accepted")
	}
}

func TestCreateNotSupported(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 SPECIAL-USE] ready", nil)
	if err := specialuse.Create(faketest.Ctx(t), c, "x", specialuse.Junk); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("err = %v; want ErrNotSupported", err)
	}
	s.Quiet(50e6)
}

// RFC 6154 §5.1 examples: with SPECIAL-USE and LIST-EXTENDED the return
// option is used; without SPECIAL-USE a plain LIST.
func TestRFC6154_5_1_Mailboxes(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 SPECIAL-USE LIST-EXTENDED] ready", nil)
	done := faketest.Go(func() (map[string][]string, error) { return specialuse.Mailboxes(faketest.Ctx(t), c) })
	s.Expect(`A1 LIST "" "*" RETURN (SPECIAL-USE)`)
	s.Send(`* LIST (\Marked) "/" Inbox`, `* LIST () "/" ToDo`, `* LIST (\Sent) "/" SentMail`,
		`* LIST (\Marked \Drafts) "/" MyDrafts`, `* LIST (\Trash) "/" Trash`, "A1 OK done")
	m, err := done()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{specialuse.Sent: {"SentMail"}, specialuse.Drafts: {"MyDrafts"}, specialuse.Trash: {"Trash"}}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("Mailboxes = %v; want %v", m, want)
	}

	c2, s2 := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1] ready", nil)
	done = faketest.Go(func() (map[string][]string, error) { return specialuse.Mailboxes(faketest.Ctx(t), c2) })
	s2.Expect(`A1 LIST "" "*"`)
	s2.Send(`* LIST (\Marked \HasNoChildren) "/" Inbox`, `* LIST (\Sent \HasNoChildren) "/" SentMail`, "A1 OK done")
	if m, err := done(); err != nil || !reflect.DeepEqual(m, map[string][]string{specialuse.Sent: {"SentMail"}}) {
		t.Errorf("Mailboxes = %v, %v", m, err)
	}
}
