package catenate_test

import (
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/catenate"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/seqset"
)

// Dovecot offers CATENATE and URL-PARTIAL: a new message from a fresh
// header, the text of an existing one, and a partial range of it.
func TestLiveCatenate(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, &client.Options{Extensions: []client.Extension{catenate.Install}})
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-catenate")
	orig := "Subject: original\r\n\r\nHello from the original body.\r\n"
	first, err := c.Append(ctx, mbox, strings.NewReader(orig), int64(len(orig)), nil)
	if err != nil || first.UID == 0 {
		t.Fatalf("APPEND: %+v, %v", first, err)
	}
	u := catenate.URL{Mailbox: mbox, UIDValidity: first.UIDValidity, UID: first.UID, Section: "TEXT"}
	p := u
	p.PartialOffset, p.PartialLength = 0, 5
	head := "Subject: assembled\r\n\r\n"
	res, err := catenate.Append(ctx, c, mbox, []catenate.Part{
		catenate.Text(head), catenate.URLPart(u.String()), catenate.Text("--\r\n"), catenate.URLPart(p.String()),
	}, &client.AppendOptions{Flags: []string{`\Draft`}})
	if err != nil {
		t.Fatalf("CATENATE: %v", err)
	}
	if res.UID != first.UID+1 {
		t.Fatalf("APPENDUID = %+v", res)
	}
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}
	fc, err := c.UIDFetch(ctx, seqset.MustParse("2"), &client.FetchItems{Sections: []client.FetchSection{{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := fc.CollectMessages(ctx)
	if err != nil || len(data) != 1 || len(data[0].Sections) != 1 {
		t.Fatalf("FETCH: %+v, %v", data, err)
	}
	want := head + "Hello from the original body.\r\n" + "--\r\n" + "Hello"
	if got := string(data[0].Sections[0].Data); got != want {
		t.Fatalf("assembled message = %q; want %q", got, want)
	}
	// A URL to a message that does not exist: NO [BADURL ...].
	bad := catenate.URL{Mailbox: mbox, UID: 999}.String()
	_, err = catenate.Append(ctx, c, mbox, []catenate.Part{catenate.Text(head), catenate.URLPart(bad)}, nil)
	if got, ok := catenate.BadURL(err); !ok || !strings.Contains(got, ";UID=999") {
		t.Fatalf("bad URL: err %v, BadURL %q %v", err, got, ok)
	}
}
