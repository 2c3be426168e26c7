package specialuse_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/metadata"
	"github.com/imapkit/imapkit/ext/specialuse"
)

// Dovecot 2.3 and Cyrus 3.6 advertise SPECIAL-USE with Drafts, Junk,
// Trash, Sent and Archive created at login; Cyrus has CREATE-SPECIAL-USE
// too, Dovecot not. Courier 5.0 has neither.
func TestLiveSpecialUse(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{metadata.Install}}, []string{"SPECIAL-USE"}, testLiveSpecialUse)
}

func testLiveSpecialUse(t *testing.T, env livetest.Env, c *client.Conn) {
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
	name := env.MailboxName(t, "imapkit-ext-su")
	err = specialuse.Create(ctx, c, name, specialuse.Junk)
	if ok, _ := c.Has(ctx, "CREATE-SPECIAL-USE"); !ok {
		if !errors.Is(err, client.ErrNotSupported) {
			t.Errorf("Create: err = %v; want ErrNotSupported", err)
		}
		return
	}
	// Cyrus 3.6 allows one mailbox per use, and Junk has one
	// (RFC 6154 §3 lets it refuse with USEATTR):
	//   S: A3 NO [USEATTR] SPECIAL-USE flag conflict
	if !specialuse.IsUseAttr(err) {
		t.Fatalf("CREATE %s (USE (\\Junk)) beside Junk: %v; want NO [USEATTR]", name, err)
	}
	// Cyrus 3.6 knows \Important (RFC 8457) besides RFC 6154's uses, but
	// not \All or \Flagged:
	//   C: t1 CREATE imapkit-ext-probe1 (USE (\All))
	//   S: t1 NO [USEATTR] Invalid annotation entry
	// and it protects a mailbox with \Important from DELETE until its
	// /private/specialuse entry is gone:
	//   C: t6 DELETE imapkit-ext-probe2
	//   S: t6 NO SPECIAL-USE flag conflict
	const important = `\Important`
	err = specialuse.Create(ctx, c, name, important)
	if specialuse.IsUseAttr(err) {
		t.Skipf("CREATE (USE (\\Important)): %v: another run's mailbox holds it", err)
	}
	if err != nil {
		t.Fatalf("CREATE %s (USE (\\Important)): %v", name, err)
	}
	t.Cleanup(func() { // runs before MailboxName's DELETE
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := metadata.SetMetadata(ctx, c, name, []metadata.Entry{{Name: "/private/specialuse", IsNil: true}}); err != nil {
			t.Errorf("cleanup: SETMETADATA %s (/private/specialuse NIL): %v", name, err)
		}
	})
	res, err := c.List(ctx, "", []string{name}, &client.ListOptions{Return: client.ListOptionNames("SPECIAL-USE")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Mailboxes) != 1 || !slices.Contains(res.Mailboxes[0].Attrs, important) {
		t.Errorf("LIST %s RETURN (SPECIAL-USE) = %+v; want %s", name, res.Mailboxes, important)
	}
}
