package binary_test

import (
	"context"
	"log"
	"os"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/binary"
)

// Upload a message whose attachment is raw binary, without base64.
func ExampleAppend() {
	var c *client.Conn // logged in to a server with BINARY
	ctx := context.Background()
	f, err := os.Open("message.eml") // Content-Transfer-Encoding: binary parts
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	res, err := binary.Append(ctx, c, "Archive", f, st.Size(), nil)
	if binary.UnknownCTE(err) {
		log.Fatal("the server cannot store this encoding")
	} else if err != nil {
		log.Fatal(err)
	}
	log.Println("stored as UID", res.UID)
}
