package specialuse_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/specialuse"
)

// Dovecot 2.3 advertises SPECIAL-USE with Drafts, Junk, Trash, Sent and
// Archive created at login; it has no CREATE-SPECIAL-USE.
func TestLiveSpecialUse(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, nil)
	ctx := livetest.Ctx(t)
	m, err := specialuse.Mailboxes(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{specialuse.Drafts, specialuse.Junk, specialuse.Trash, specialuse.Sent, specialuse.Archive} {
		if len(m[u]) == 0 {
			t.Errorf("no mailbox for %s in %v", u, m)
		}
	}
	if !slices.Contains(m[specialuse.Sent], "Sent") {
		t.Errorf("Sent = %v; want the Sent mailbox", m[specialuse.Sent])
	}
	if err := specialuse.Create(ctx, c, "imapkit-ext-su", specialuse.Junk); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("Create: err = %v; want ErrNotSupported", err)
	}
}
