package unauthenticate_test

import (
	"context"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/unauthenticate"
)

// An administrative client done with one user's mailboxes logs in as the
// next user on the same connection. Install makes the client's state
// follow the server's reset.
func ExampleUnauthenticate() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", &client.Options{
		Extensions: []client.Extension{unauthenticate.Install},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		log.Fatal(err)
	}
	// ... alice's mailboxes ...
	if err := unauthenticate.Unauthenticate(ctx, c); err != nil {
		log.Fatal(err)
	}
	// Not authenticated again: nothing selected, nothing enabled, the
	// capabilities asked again by Login.
	if err := c.Login(ctx, "bob", "secret"); err != nil {
		log.Fatal(err)
	}
}
