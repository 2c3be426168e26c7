package savedate_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/savedate"
)

// Find what was filed into the selected mailbox this week, whenever the
// messages were received.
func ExampleSinceKey() {
	var c *client.Conn // dialed with Extensions: savedate.Install; a mailbox selected
	ctx := context.Background()
	res, err := c.UIDSearch(ctx, &client.SearchCriteria{Keys: savedate.SinceKey(time.Now().AddDate(0, 0, -7))}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(res.Nums), "messages saved here in the last 7 days")
}
