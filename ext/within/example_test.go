package within_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/within"
)

// Find the unseen messages of the last three days by the server's clock.
func ExampleSearch() {
	var c *client.Conn // logged in, a mailbox selected
	ctx := context.Background()
	res, err := within.Search(ctx, c, within.Window{Younger: 72 * time.Hour},
		&client.SearchCriteria{NotFlag: []string{`\Seen`}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Nums)
}
