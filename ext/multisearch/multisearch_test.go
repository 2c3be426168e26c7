package multisearch_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/multisearch"
	"github.com/imapkit/imapkit/wire"
)

func newConn(t *testing.T, greeting string) (*client.Conn, *faketest.Server) {
	return faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{multisearch.Install}})
}

// RFC 7377 §2.2 example: three mailboxes, UIDs.
func TestRFC7377_Example(t *testing.T) {
	c, s := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev1 ESEARCH MULTISEARCH] ready")
	done := faketest.Go(func() ([]*multisearch.Result, error) {
		return multisearch.Search(faketest.Ctx(t), c, []multisearch.Source{
			{Filter: multisearch.Mailboxes, Mailboxes: []string{"folder1"}},
			{Filter: multisearch.SubtreeOne, Mailboxes: []string{"folder2"}},
		}, &client.SearchCriteria{NotFlag: []string{`\Seen`}}, nil)
	})
	s.Expect("A1 ESEARCH IN (mailboxes folder1 subtree-one folder2) UNSEEN")
	s.Send(`* ESEARCH (TAG "A1" MAILBOX "folder1" UIDVALIDITY 1) UID ALL 4001,4003,4005,4007,4009`,
		`* ESEARCH (TAG "A1" MAILBOX "folder2/banana" UIDVALIDITY 503) UID ALL 3001:3004,3788`,
		`* ESEARCH (TAG "A1" MAILBOX "folder2/peach" UIDVALIDITY 3) UID ALL 921691`,
		"A1 OK done")
	res, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 {
		t.Fatalf("%d results; want 3", len(res))
	}
	if r := res[1]; r.Mailbox != "folder2/banana" || r.UIDValidity != 503 || r.All.String() != "3001:3004,3788" || !r.ESearch.UID {
		t.Errorf("result 2 = %+v", r)
	}
	if r := res[2]; r.Mailbox != "folder2/peach" || r.All.String() != "921691" {
		t.Errorf("result 3 = %+v", r)
	}
}

// Return options, several mailboxes in one filter, other filters.
func TestSources(t *testing.T) {
	c, s := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev1 ESEARCH MULTISEARCH] ready")
	done := faketest.Go(func() ([]*multisearch.Result, error) {
		return multisearch.Search(faketest.Ctx(t), c, []multisearch.Source{
			{Filter: multisearch.Personal},
			{Filter: multisearch.Subtree, Mailboxes: []string{"a b", "Été"}},
		}, nil, &multisearch.Options{Return: []string{"count", "MIN"}})
	})
	s.Expect(`A1 ESEARCH IN (personal subtree ("a b" &AMk-t&AOk-)) RETURN (COUNT MIN) ALL`)
	s.Send(`* ESEARCH (TAG "A1" MAILBOX "&AMk-t&AOk-" UIDVALIDITY 7) UID COUNT 2 MIN 4`, "A1 OK done")
	res, err := done()
	if err != nil || len(res) != 1 || res[0].Mailbox != "Été" || res[0].Count != 2 || res[0].Has != wire.ESearchCount|wire.ESearchMin {
		t.Errorf("= %+v, %v", res, err)
	}
	for _, bad := range [][]multisearch.Source{nil, {{Filter: "everything"}}, {{Filter: multisearch.Subtree}}, {{Filter: multisearch.Inboxes, Mailboxes: []string{"x"}}}} {
		if _, err := multisearch.Search(faketest.Ctx(t), c, bad, nil, nil); err == nil {
			t.Errorf("sources %+v accepted", bad)
		}
	}
}

func TestNotSupported(t *testing.T) {
	c, s := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev1 ESEARCH] ready")
	if _, err := multisearch.Search(faketest.Ctx(t), c, []multisearch.Source{{Filter: multisearch.Inboxes}}, nil, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("err = %v", err)
	}
	s.Quiet(50e6)
}

func TestParse(t *testing.T) {
	reg := codec.NewBaseRegistry()
	multisearch.RegisterCodec(reg)
	r := decodetest.Must(t, reg, `* ESEARCH (TAG "tag1" MAILBOX {7}`+"\r\n"+`folder1 UIDVALIDITY 1) UID ALL 4001`)
	mb, uv, ok := multisearch.MailboxOf(r.Data.(*wire.ESearchData))
	if !ok || mb != "folder1" || uv != 1 {
		t.Errorf("MailboxOf = %q %d %v", mb, uv, ok)
	}
	for _, line := range []string{
		`* ESEARCH (TAG "t" MAILBOX "f") ALL 1`,
		`* ESEARCH (TAG "t" MAILBOX "f" UIDVALIDITY 0) ALL 1`,
		`* ESEARCH (TAG "t" FOLDER "f" UIDVALIDITY 1) ALL 1`,
		`* ESEARCH (TAG "t" MAILBOX "f" UIDVALIDITY 1 X) ALL 1`,
	} {
		if _, err := decodetest.Decode(reg, true, line); err == nil {
			t.Errorf("%s: accepted", line)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"* ESEARCH (TAG \"tag1\" MAILBOX \"folder1\" UIDVALIDITY 1) UID ALL 4001,4003,4005,4007,4009\r\n",
		"* ESEARCH (TAG \"tag1\" MAILBOX \"folder2/banana\" UIDVALIDITY 503) UID ALL 3001:3004,3788\r\n",
		"* ESEARCH (TAG \"A1\") UID COUNT 2 MIN 4\r\n",
	} {
		f.Add([]byte(s))
	}
	reg := codec.NewBaseRegistry()
	multisearch.RegisterCodec(reg)
	f.Fuzz(func(t *testing.T, data []byte) { decodetest.Fuzz(reg, data) })
}

// Decode then encode gives RFC 7377's example responses back.
func TestRoundTrip(t *testing.T) {
	reg := codec.NewBaseRegistry()
	multisearch.RegisterCodec(reg)
	decodetest.RoundTrip(t, reg,
		`* ESEARCH (TAG "tag1" MAILBOX "folder1" UIDVALIDITY 1) UID ALL 4001,4003,4005,4007,4009`,
		`* ESEARCH (TAG "tag1" MAILBOX "folder2/banana" UIDVALIDITY 503) UID ALL 3001:3004,3788`,
		`* ESEARCH (TAG "tag1" MAILBOX "folder2/peach" UIDVALIDITY 3) UID ALL 921691`,
		`* ESEARCH (TAG "A1" MAILBOX &AMk-t&AOk- UIDVALIDITY 7) UID COUNT 2 MIN 4`,
	)
}
