package acl_test

import (
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/acl"
	"github.com/imapkit/imapkit/ext/internal/livetest"
)

// liveACL is what each server says: its RIGHTS= (none on Courier, which
// has RFC 2086 rights and ACL2=UNION), the rights the owner has on a new
// mailbox, and how it names another user.
var liveACL = map[string]struct{ extra, mine, who string }{
	"dovecot": {"texk", "lrswipkxtea", "user=imapkit-acl-peer"},
	"cyrus":   {"kxten", "lrswipkxtea", "imapkit-acl-peer"},
	// Courier 5.0 knows neither the "user=" form nor users it has not got:
	//   C: t4 SETACL INBOX user=testuser2 lr
	//   S: t4 NO Invalid ACL identifier.
	// so the peer is the second test user, by its bare name.
	"courier": {"", "acdilrsw", ""},
}

// Dovecot 2.3 with acl = vfile advertises ACL RIGHTS=texk, Cyrus 3.6 ACL
// RIGHTS=kxten, Courier 5.0 ACL ACL2=UNION.
func TestLiveACL(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{acl.Install}}, []string{"ACL"}, testLiveACL)
}

func testLiveACL(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-acl")

	want := liveACL[env.Name]
	if x, err := acl.ExtraRights(ctx, c); err != nil || x != want.extra {
		t.Errorf("ExtraRights = %q, %v; want %q", x, err, want.extra)
	}
	mine, err := acl.MyRights(ctx, c, mbox)
	if err != nil {
		t.Fatalf("MyRights: %v", err)
	}
	for _, r := range want.mine {
		if !mine.Has(r) {
			t.Errorf("MyRights on our own mailbox = %q; missing %c", mine, r)
		}
	}

	who := want.who
	if who == "" {
		who = env.User2
	}
	if err := acl.SetACL(ctx, c, mbox, who, "lr"); err != nil {
		t.Fatalf("SetACL: %v", err)
	}
	if err := acl.SetACL(ctx, c, mbox, who, "+s"); err != nil {
		t.Fatalf("SetACL +s: %v", err)
	}
	a, err := acl.GetACL(ctx, c, mbox)
	if err != nil {
		t.Fatalf("GetACL: %v", err)
	}
	got, ok := a.Get(strings.TrimPrefix(who, "user="))
	if !ok {
		got, ok = a.Get(who)
	}
	if !ok || !got.Has('l') || !got.Has('r') || !got.Has('s') || got.Has('w') {
		t.Errorf("GetACL = %+v; want %s with lrs", a, who)
	}

	lr, err := acl.ListRights(ctx, c, mbox, who)
	if err != nil {
		t.Fatalf("ListRights: %v", err)
	}
	if lr.Identifier == "" || len(lr.Optional)+len(lr.Required) == 0 {
		t.Errorf("ListRights = %+v; want rights", lr)
	}

	if err := acl.DeleteACL(ctx, c, mbox, who); err != nil {
		t.Fatalf("DeleteACL: %v", err)
	}
	a, err = acl.GetACL(ctx, c, mbox)
	if err != nil {
		t.Fatal(err)
	}
	_, ok1 := a.Get(who)
	_, ok2 := a.Get(strings.TrimPrefix(who, "user="))
	if ok1 || ok2 {
		t.Errorf("after DeleteACL, GetACL = %+v still names %s", a, who)
	}
}
