package acl_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/acl"
)

// Share a mailbox read-only with another user, then check what we may do.
func ExampleSetACL() {
	var c *client.Conn // logged in, with acl.Install among Options.Extensions
	ctx := context.Background()
	if err := acl.SetACL(ctx, c, "Projects", "bob", "lrs"); err != nil {
		log.Fatal(err)
	}
	mine, err := acl.MyRights(ctx, c, "Projects")
	if err != nil {
		log.Fatal(err)
	}
	if !mine.Has(acl.Administer) {
		fmt.Println("we may no longer change who sees Projects")
	}
}

// Decode an ACL response, as a proxy would.
func ExampleRegisterCodec() {
	reg := codec.NewBaseRegistry()
	acl.RegisterCodec(reg)
	d := codec.NewDecoder(strings.NewReader("* ACL INBOX Fred rwipslxetad -Fred wetd $team w\r\n"), &codec.DecoderOptions{Registry: reg})
	resp, err := d.ReadResponse()
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range resp.Data.(*acl.ACL).Entries {
		fmt.Println(e.Identifier, e.Rights)
	}
	// Output:
	// Fred rwipslxetad
	// -Fred wetd
	// $team w
}
