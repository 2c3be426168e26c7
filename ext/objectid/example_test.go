package objectid_test

import (
	"context"
	"fmt"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/objectid"
	"github.com/imapkit/imapkit/seqset"
)

// Follow a message across mailboxes by its EMAILID.
func ExampleFetch() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imap.example.com", &client.Options{Extensions: []client.Extension{objectid.Install}})
	if err != nil {
		log.Fatal(err)
	}
	// ... log in, select INBOX ...
	ids, err := objectid.Fetch(ctx, c, seqset.MustParse("1:*"))
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range ids {
		fmt.Println(m.UID, m.EmailID, m.ThreadID)
	}
	box, err := objectid.MailboxID(ctx, c, "Archive")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Archive is", box)
}
