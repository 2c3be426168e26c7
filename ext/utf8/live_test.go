package utf8_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/utf8"
)

// Courier 5.0 offers UTF8=ACCEPT (without BINARY); Dovecot 2.3 and Cyrus
// 3.6 do not. Once enabled, mailbox names travel as UTF-8 quoted strings
// (RFC 6855 §3), not modified UTF-7.
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
	msg := "Subject: Grüße\r\n\r\nbody\r\n"
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
	// Courier has no BINARY, so the UTF8 (literal8) form cannot be sent.
	if _, err := utf8.Append(ctx, c, name, strings.NewReader(msg), int64(len(msg)), nil); !errors.Is(err, utf8.ErrNoLiteral8) {
		t.Fatalf("Append without BINARY: %v; want ErrNoLiteral8", err)
	}
}
