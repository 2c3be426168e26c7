package move_test

import (
	"context"
	"fmt"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/move"
	"github.com/imapkit/imapkit/seqset"
)

// Move messages by UID and learn their UIDs in the target mailbox.
func ExampleUIDMove() {
	var c *client.Conn // logged in, INBOX selected
	ctx := context.Background()
	res, err := move.UIDMove(ctx, c, seqset.MustParse("42:69"), "Archive")
	if err != nil {
		log.Fatal(err)
	}
	if res.HasCopyUID {
		fmt.Println("now in Archive as UIDs", res.CopyUID.Dest, "UIDVALIDITY", res.CopyUID.UIDValidity)
	}
	fmt.Println(len(res.Expunged), "messages left INBOX;", c.Mailbox().Exists, "remain")
}

// Move the first message, creating the target mailbox when the server
// says it does not exist.
func ExampleMove() {
	var c *client.Conn // logged in, a mailbox selected
	ctx := context.Background()
	_, err := move.Move(ctx, c, seqset.MustParse("1"), "Junk")
	if se, ok := err.(*client.StatusError); ok && se.CodeName() == "TRYCREATE" {
		if err := c.Create(ctx, "Junk"); err != nil {
			log.Fatal(err)
		}
		_, err = move.Move(ctx, c, seqset.MustParse("1"), "Junk")
	}
	if err != nil {
		log.Fatal(err)
	}
}
