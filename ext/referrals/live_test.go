package referrals_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/referrals"
)

// Cyrus 3.6 advertises MAILBOX-REFERRALS: RLIST and RLSUB answer like
// LIST and LSUB on a server without remote mailboxes (no murder here).
func TestLiveCyrusRList(t *testing.T) {
	env := livetest.Server(t, "cyrus")
	c := env.Login(t, &client.Options{Extensions: []client.Extension{referrals.Install}})
	ctx := livetest.Ctx(t)
	if has, err := c.Has(ctx, "MAILBOX-REFERRALS"); err != nil || !has {
		t.Fatalf("Cyrus does not advertise MAILBOX-REFERRALS (%v)", err)
	}
	l, err := referrals.RList(ctx, c, "", "*")
	if err != nil {
		t.Fatalf("RLIST: %v", err)
	}
	inbox := false
	for _, m := range l {
		if strings.EqualFold(m.Mailbox, "INBOX") {
			inbox = true
		}
	}
	if !inbox {
		t.Errorf("RLIST \"\" * lists no INBOX: %d mailboxes", len(l))
	}
	if _, err := referrals.RLsub(ctx, c, "", "*"); err != nil {
		t.Fatalf("RLSUB: %v", err)
	}
	// A mailbox that does not exist: an error, and no referral from a
	// server without remote mailboxes.
	_, err = c.Select(ctx, "imapkit-ext-referrals-missing", nil)
	if err == nil {
		t.Fatal("SELECT of a missing mailbox succeeded")
	}
	if u, ok := referrals.Of(err); ok {
		t.Errorf("unexpected referral %v", u)
	}
}

// Dovecot 2.3 advertises LOGIN-REFERRALS (it sends referrals only when
// a passdb asks for them, which the test server does not): logging in
// with Install gives no referral, and RLIST is refused before sending as
// Dovecot lacks MAILBOX-REFERRALS.
func TestLiveDovecot(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, &client.Options{Extensions: []client.Extension{referrals.Install}})
	ctx := livetest.Ctx(t)
	if has, err := c.Has(ctx, "LOGIN-REFERRALS"); err != nil || !has {
		t.Fatalf("Dovecot does not advertise LOGIN-REFERRALS (%v)", err)
	}
	if _, err := referrals.RList(ctx, c, "", "*"); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("RLIST on Dovecot = %v; want ErrNotSupported", err)
	}
	if u, ok := referrals.LoginReferral(c); ok {
		t.Fatalf("LoginReferral = %v; Dovecot's test passdb sends none", u)
	}

	// referrals.Login: logged in, no referral, no error.
	c2, err := client.Dial(ctx, "imap://"+env.Addr, &client.Options{Extensions: []client.Extension{referrals.Install}, InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if u, err := referrals.Login(ctx, c2, env.User, env.Pass); err != nil || u != nil {
		t.Fatalf("referrals.Login on Dovecot = %v, %v; want no referral, no error", u, err)
	}
	if c2.State() != client.StateAuthenticated {
		t.Fatalf("state %v", c2.State())
	}
	// A wrong password: a NO without a referral.
	c3, err := client.Dial(ctx, "imap://"+env.Addr, &client.Options{Extensions: []client.Extension{referrals.Install}, InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if u, err := referrals.Login(ctx, c3, env.User, "wrong-"+env.Pass); err == nil || u != nil {
		t.Fatalf("referrals.Login with a wrong password = %v, %v; want an error without a referral", u, err)
	}
}
