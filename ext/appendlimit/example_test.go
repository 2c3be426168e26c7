package appendlimit_test

import (
	"context"
	"log"
	"os"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/appendlimit"
)

// Refuse an upload the server would refuse anyway, before sending it.
func ExampleAppend() {
	var c *client.Conn // logged in
	ctx := context.Background()
	f, err := os.Open("big.eml")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	_, err = appendlimit.Append(ctx, c, "Archive", f, st.Size(), nil)
	if appendlimit.TooBig(err) {
		log.Fatalf("%s is too large for this server: %v", f.Name(), err)
	}
}
