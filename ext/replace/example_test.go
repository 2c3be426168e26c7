package replace_test

import (
	"context"
	"log"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/replace"
)

// Save a new version of a draft in one step.
func ExampleUIDReplace() {
	var c *client.Conn // logged in, Drafts selected
	ctx := context.Background()
	draft := "Subject: happy new year !!\r\n\r\nSee you soon.\r\n"
	res, err := replace.UIDReplace(ctx, c, 2000, "Drafts", strings.NewReader(draft), int64(len(draft)), &client.AppendOptions{Flags: []string{`\Draft`}})
	if err != nil {
		log.Fatal(err)
	}
	log.Println("the draft is now UID", res.AppendUID.UID)
}
