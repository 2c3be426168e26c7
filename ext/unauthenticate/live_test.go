package unauthenticate_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/unauthenticate"
)

// Dovecot 2.3 does not offer UNAUTHENTICATE, before or after login (the
// capabilities are asked again after LOGIN, RFC 8437 §3): Unauthenticate
// is refused without sending it, and the connection stays authenticated.
func TestLiveDovecotRefusal(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, &client.Options{Extensions: []client.Extension{unauthenticate.Install}})
	ctx := livetest.Ctx(t)
	if err := unauthenticate.Unauthenticate(ctx, c); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Unauthenticate on Dovecot 2.3 = %v; want ErrNotSupported", err)
	}
	if c.State() != client.StateAuthenticated {
		t.Fatalf("state %v; want authenticated", c.State())
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("NOOP after the refusal: %v", err)
	}
}
