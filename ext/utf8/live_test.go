package utf8_test

import (
	"context"
	"fmt"
	"os"
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
