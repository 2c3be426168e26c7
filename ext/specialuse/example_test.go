package specialuse_test

import (
	"context"
	"fmt"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/specialuse"
)

// Find the Sent mailbox, creating one when the server has none.
func ExampleMailboxes() {
	var c *client.Conn // logged in
	ctx := context.Background()
	m, err := specialuse.Mailboxes(ctx, c)
	if err != nil {
		log.Fatal(err)
	}
	if len(m[specialuse.Sent]) == 0 {
		if err := specialuse.Create(ctx, c, "Sent", specialuse.Sent); err != nil {
			log.Fatal(err)
		}
		m[specialuse.Sent] = []string{"Sent"}
	}
	fmt.Println("sent mail goes to", m[specialuse.Sent][0])
}
