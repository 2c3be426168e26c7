package uidonly_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/uidonly"
)

// No server here offers UIDONLY (Dovecot 2.3, Cyrus 3.6, Courier 5.0): Enable is refused before anything
// is sent, and the client keeps its sequence-number commands.
func TestLiveRefusal(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{uidonly.Install}}, nil, testLiveRefusal)
}

func testLiveRefusal(t *testing.T, env livetest.Env, c *client.Conn) {
	if err := uidonly.Enable(livetest.Ctx(t), c); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Enable on %s = %v; want ErrNotSupported", env.Name, err)
	}
	if err := uidonly.Check(c, "FETCH", false); err != nil {
		t.Fatalf("Check without UIDONLY = %v", err)
	}
}
