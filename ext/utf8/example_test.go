package utf8_test

import (
	"context"
	"log"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/utf8"
)

// Save a message with UTF-8 headers (RFC 6532) into a mailbox with a
// UTF-8 name.
func ExampleAppend() {
	var c *client.Conn // logged in, no mailbox selected
	ctx := context.Background()
	if err := utf8.Enable(ctx, c); err != nil {
		log.Fatal(err)
	}
	msg := "Subject: Grüße\r\nFrom: Jürgen <jürgen@example.de>\r\n\r\nHallo\r\n"
	if _, err := utf8.Append(ctx, c, "Entwürfe", strings.NewReader(msg), int64(len(msg)), nil); err != nil {
		log.Fatal(err)
	}
}
