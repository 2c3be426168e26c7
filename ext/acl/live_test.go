package acl_test

import (
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/acl"
	"github.com/imapkit/imapkit/ext/internal/livetest"
)

// Dovecot 2.3 with acl = vfile advertises ACL RIGHTS=texk.
func TestLiveACL(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, &client.Options{Extensions: []client.Extension{acl.Install}})
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-acl")

	if x, err := acl.ExtraRights(ctx, c); err != nil || x != "texk" {
		t.Errorf("ExtraRights = %q, %v; want texk", x, err)
	}
	mine, err := acl.MyRights(ctx, c, mbox)
	if err != nil {
		t.Fatalf("MyRights: %v", err)
	}
	for _, r := range "lrswipkxtea" {
		if !mine.Has(r) {
			t.Errorf("MyRights on our own mailbox = %q; missing %c", mine, r)
		}
	}

	const who = "user=imapkit-acl-peer"
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
