package partial_test

import (
	"context"
	"fmt"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/partial"
)

// Show the newest 50 messages of a large mailbox without fetching every
// UID, with the total for "1-50 of N".
func ExampleUIDSearch() {
	var c *client.Conn // logged in, a mailbox selected
	ctx := context.Background()
	page, err := partial.UIDSearch(ctx, c, nil, partial.Last(50), &partial.Options{Count: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("showing %d of %d\n", page.Set.Count(), page.Count)
}
