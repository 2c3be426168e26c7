package gmail_test

import (
	"context"
	"fmt"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/gmail"
	"github.com/imapkit/imapkit/seqset"
)

// Find unread mail with attachments using Gmail's own search syntax,
// then label it.
func ExampleSearch() {
	var c *client.Conn // dialed to imap.gmail.com with Extensions: gmail.Install; logged in
	ctx := context.Background()
	lists, err := c.List(ctx, "", []string{"*"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	allMail := gmail.SpecialMailboxes(lists)[gmail.AttrAll] // "[Gmail]/All Mail" in English
	if _, err := c.Select(ctx, allMail, nil); err != nil {
		log.Fatal(err)
	}
	uids, err := gmail.Search(ctx, c, "has:attachment is:unread")
	if err != nil || len(uids) == 0 {
		log.Fatal(err)
	}
	var set seqset.Set
	for _, u := range uids {
		set.Add(u)
	}
	if _, err := gmail.StoreLabels(ctx, c, set, true, gmail.Add, []string{"To read"}); err != nil {
		log.Fatal(err)
	}
	msgs, err := gmail.Fetch(ctx, c, set, true)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		fmt.Printf("%x %v\n", m.MsgID, m.Labels)
	}
}
