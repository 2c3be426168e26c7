package multisearch_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/multisearch"
)

// No server here offers MULTISEARCH (Dovecot 2.3, Cyrus 3.6, Courier 5.0): the capability check refuses
// before anything is sent, and the connection stays usable.
func TestLiveNotOffered(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{multisearch.Install}}, nil, testLiveNotOffered)
}

func testLiveNotOffered(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	if _, err := multisearch.Search(ctx, c, []multisearch.Source{{Filter: multisearch.Inboxes}}, nil, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("err = %v; want ErrNotSupported", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
}
