package preview_test

import (
	"context"
	"fmt"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/preview"
	"github.com/imapkit/imapkit/seqset"
)

// List the newest messages with their previews, without making the
// server compute the ones it does not have yet.
func ExampleFetch() {
	var c *client.Conn // dialed with Extensions: preview.Install; INBOX selected
	ctx := context.Background()
	res, err := preview.Fetch(ctx, c, seqset.MustParse("1:*"), &preview.Options{Lazy: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range res {
		if r.Nil {
			fmt.Println(r.UID, "(preview not ready)")
			continue
		}
		fmt.Println(r.UID, r.Text.Text)
	}
}
