package unauthenticate_test

import (
	"context"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/unauthenticate"
)

// An administrative client done with one user's mailboxes.
func ExampleUnauthenticate() {
	var c *client.Conn // logged in as an administrator acting for a user
	if err := unauthenticate.Unauthenticate(context.Background(), c); err != nil {
		log.Fatal(err)
	}
}
