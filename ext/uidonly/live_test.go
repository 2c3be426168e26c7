package uidonly_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/uidonly"
)

// Dovecot 2.3 does not offer UIDONLY: Enable is refused before anything
// is sent, and the client keeps its sequence-number commands.
func TestLiveDovecotRefusal(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, &client.Options{Extensions: []client.Extension{uidonly.Install}})
	if err := uidonly.Enable(livetest.Ctx(t), c); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Enable on Dovecot 2.3 = %v; want ErrNotSupported", err)
	}
	if err := uidonly.Check(c, "FETCH", false); err != nil {
		t.Fatalf("Check without UIDONLY = %v", err)
	}
}
