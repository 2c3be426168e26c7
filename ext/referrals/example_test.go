package referrals_test

import (
	"fmt"

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
