package utf8_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/utf8"
	"github.com/imapkit/imapkit/seqset"
)

// Courier offers UTF8=ACCEPT without BINARY: APPEND ... UTF8 (~{n}) (RFC
// 6855 §4) to a mailbox with a UTF-8 name, then the message reads back.
func TestLiveCourierAppend(t *testing.T) {
	env := livetest.Courier(t)
	c := env.Login(t, nil)
	ctx := livetest.Ctx(t)
	if err := utf8.Enable(ctx, c); err != nil {
		t.Fatalf("Enable: %v", err)
	}
	// Courier's personal namespace is "INBOX." (RFC 2342).
	mbox := fmt.Sprintf("INBOX.imapkit-ext-utf8-Entwürfe-p%d", os.Getpid())
	c.Delete(ctx, mbox) // left over from an earlier run, or absent
	if err := c.Create(ctx, mbox); err != nil {
		t.Fatalf("Create %q: %v", mbox, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.CloseMailbox(ctx) // Courier deletes no open folder
		if err := c.Delete(ctx, mbox); err != nil {
			t.Errorf("cleanup: Delete %q: %v", mbox, err)
		}
	})
	if _, err := utf8.Append(ctx, c, mbox, strings.NewReader(msg), int64(len(msg)), &client.AppendOptions{Flags: []string{`\Draft`}}); err != nil {
		t.Fatalf("Append: %v", err)
	}
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}
	fc, err := c.Fetch(ctx, seqset.MustParse("1"), &client.FetchItems{Sections: []client.FetchSection{{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := fc.CollectMessages(ctx)
	if err != nil || len(data) != 1 || len(data[0].Sections) != 1 {
		t.Fatalf("FETCH: %+v, %v", data, err)
	}
	if got := string(data[0].Sections[0].Data); got != msg {
		t.Errorf("message read back as %q, want %q", got, msg)
	}
}

// Courier 5.0 offers UTF8=ACCEPT (without BINARY); Dovecot 2.3 and Cyrus
// 3.6 do not. Once enabled, mailbox names travel as UTF-8 quoted strings
// (RFC 6855 §3), not modified UTF-7 (TestLiveCourierAppend appends).
func TestLiveUTF8Accept(t *testing.T) {
	livetest.Run(t, nil, nil, testLiveUTF8Accept)
}

func testLiveUTF8Accept(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	if ok, err := c.Has(ctx, utf8.Capability); err != nil || !ok {
		if err := utf8.Enable(ctx, c); !errors.Is(err, client.ErrNotSupported) {
			t.Fatalf("Enable on %s without UTF8=ACCEPT: %v; want ErrNotSupported", env.Name, err)
		}
		t.Skipf("n/a: %s does not advertise %s", env.Name, utf8.Capability)
	}
	// RFC 6855 §4: no UTF8 APPEND before ENABLE.
	if _, err := utf8.Append(ctx, c, "INBOX", strings.NewReader(msg), int64(len(msg)), nil); !errors.Is(err, utf8.ErrNotEnabled) {
		t.Fatalf("Append before ENABLE: %v; want ErrNotEnabled", err)
	}
	if err := utf8.Enable(ctx, c); err != nil {
		t.Fatalf("Enable: %v", err)
	}
	if !c.Enabled(utf8.Capability) {
		t.Fatal("UTF8=ACCEPT not enabled after Enable")
	}
	name := env.Mailbox(t, c, "imapkit-ext-utf8-Grüße-日本")
	res, err := c.List(ctx, "", []string{name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range res.Mailboxes {
		names = append(names, m.Mailbox)
	}
	if !slices.Equal(names, []string{name}) {
		t.Errorf("LIST %q = %q; want the UTF-8 name back", name, names)
	}
	if _, err := c.Select(ctx, name, nil); err != nil {
		t.Fatalf("SELECT %q: %v", name, err)
	}
	if err := c.CloseMailbox(ctx); err != nil { // Courier has no UNSELECT
		t.Fatal(err)
	}
}
