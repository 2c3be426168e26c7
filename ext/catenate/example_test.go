package catenate_test

import (
	"context"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/catenate"
)

// Save an edited draft: new headers and text, and the attachment of the
// previous version by reference, without uploading it again.
func ExampleAppend() {
	var c *client.Conn // dialed with Extensions: catenate.Install; logged in
	ctx := context.Background()
	old := catenate.URL{Mailbox: "Drafts", UIDValidity: 385759045, UID: 20}
	attachment := old
	attachment.Section = "2.MIME"
	body := old
	body.Section = "2"
	res, err := catenate.Append(ctx, c, "Drafts", []catenate.Part{
		catenate.Text("Subject: trip\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nNew text.\r\n--b\r\n"),
		catenate.URLPart(attachment.String()),
		catenate.URLPart(body.String()),
		catenate.Text("\r\n--b--\r\n"),
	}, &client.AppendOptions{Flags: []string{`\Draft`, `\Seen`}})
	if err != nil {
		if u, ok := catenate.BadURL(err); ok {
			log.Fatalf("the server could not resolve %s", u)
		}
		log.Fatal(err)
	}
	log.Println("new draft UID", res.UID)
}
