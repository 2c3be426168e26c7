package multisearch_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/multisearch"
)

// Dovecot 2.3 does not offer MULTISEARCH: the capability check refuses
// before anything is sent, and the connection stays usable.
func TestLiveNotOffered(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, &client.Options{Extensions: []client.Extension{multisearch.Install}})
	ctx := livetest.Ctx(t)
	if _, err := multisearch.Search(ctx, c, []multisearch.Source{{Filter: multisearch.Inboxes}}, nil, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("err = %v; want ErrNotSupported", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
}
