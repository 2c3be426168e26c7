package referrals_test

import (
	"context"
	"fmt"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/referrals"
)

// Where a LOGIN referral sends the client (RFC 2221 §4.1): the server to
// dial, the user and the mechanism to use there.
func ExampleParseURL() {
	u, err := referrals.ParseURL("IMAP://user;AUTH=GSSAPI@SERVER2/")
	if err != nil {
		panic(err)
	}
	a, _ := u.Address()
	fmt.Println(a.String(), u.User, u.Auth)
	// Output: imap://SERVER2:143 user GSSAPI
}

// Logging in where the server may refer the user elsewhere (RFC 2221
// §4.1): a referral with an error means "log in there instead"; one
// without means "logged in here, but the personal mailboxes are there".
func ExampleLogin() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", &client.Options{
		Extensions: []client.Extension{referrals.Install},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ref, err := referrals.Login(ctx, c, "alice", "secret")
	switch {
	case err != nil && ref != nil:
		fmt.Println("log in at", ref.Host, "instead")
	case err != nil:
		log.Fatal(err)
	case ref != nil:
		fmt.Println("personal mailboxes at", ref.Host)
	}
}
