package unauthenticate_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/unauthenticate"
)

// No server here offers UNAUTHENTICATE (Dovecot 2.3, Cyrus 3.6, Courier 5.0), before or after login (the
// capabilities are asked again after LOGIN, RFC 8437 §3): Unauthenticate
// is refused without sending it, and the connection stays authenticated.
func TestLiveRefusal(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{unauthenticate.Install}}, nil, testLiveRefusal)
}

func testLiveRefusal(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	if err := unauthenticate.Unauthenticate(ctx, c); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Unauthenticate on %s = %v; want ErrNotSupported", env.Name, err)
	}
	if c.State() != client.StateAuthenticated {
		t.Fatalf("state %v; want authenticated", c.State())
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("NOOP after the refusal: %v", err)
	}
}
