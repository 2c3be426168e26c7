package mime2047_test

import (
	"fmt"

	"github.com/imapkit/imapkit/ext/mime2047"
	"github.com/imapkit/imapkit/wire"
)

// Show an envelope the way a mail reader does.
func ExampleEnvelope() {
	env := &wire.Envelope{
		Subject: "=?ISO-8859-1?Q?Caf=E9?= =?koi8-r?B?8NLJ18XU?=",
		From:    []wire.Address{{Name: "=?UTF-8?Q?J=C3=BCrgen?=", Mailbox: "j", Host: "example.de"}},
	}
	d := mime2047.Envelope(env)
	fmt.Println(d.Subject)
	fmt.Println(d.From[0].Name)
	// Output:
	// CaféПривет
	// Jürgen
}
