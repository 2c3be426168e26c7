package catenate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/catenate"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/seqset"
)

// Dovecot offers CATENATE and URL-PARTIAL, Cyrus 3.6 CATENATE alone: a
// new message from a fresh header, the text of an existing one, and
// (with URL-PARTIAL) a partial range of it.
func TestLiveCatenate(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{catenate.Install}}, []string{"CATENATE"}, testLiveCatenate)
}

func testLiveCatenate(t *testing.T, env livetest.Env, c *client.Conn) {
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
	parts := []catenate.Part{catenate.Text(head), catenate.URLPart(u.String()), catenate.Text("--\r\n")}
	want := head + "Hello from the original body.\r\n" + "--\r\n"
	if ok, _ := c.Has(ctx, "URL-PARTIAL"); ok {
		parts = append(parts, catenate.URLPart(p.String()))
		want += "Hello"
	} else {
		_, err := catenate.Append(ctx, c, mbox, append(parts, catenate.URLPart(p.String())), nil)
		if !errors.Is(err, client.ErrNotSupported) {
			t.Fatalf("CATENATE with ;PARTIAL= on %s without URL-PARTIAL: %v; want ErrNotSupported", env.Name, err)
		}
	}
	res, err := catenate.Append(ctx, c, mbox, parts, &client.AppendOptions{Flags: []string{`\Draft`}})
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
