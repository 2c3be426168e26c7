package multisearch_test

import (
	"context"
	"fmt"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/multisearch"
)

// Count unseen mail in every mailbox that receives new mail, in one
// command.
func ExampleSearch() {
	var c *client.Conn // logged in with multisearch.Install
	ctx := context.Background()
	res, err := multisearch.Search(ctx, c, []multisearch.Source{{Filter: multisearch.Inboxes}},
		&client.SearchCriteria{NotFlag: []string{`\Seen`}}, &multisearch.Options{Return: []string{"COUNT"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range res {
		fmt.Println(r.Mailbox, r.Count)
	}
}
