package docs_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
)

// Example_quickStart is the first program of README.md and of the client
// package's documentation. It names a real host, so go test compiles it
// but does not run it; the tutorial runs the same steps.
func Example_quickStart() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", password); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{UID: true, Envelope: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for msg, err := range f.Messages(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(msg.UID, msg.Envelope.Subject)
	}
	c.Logout(ctx)
}

// TestClientDocQuickStart checks that the quick start of the client
// package's documentation is Example_quickStart.
func TestClientDocQuickStart(t *testing.T) {
	src, err := os.ReadFile("../client/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var block []string
	in := false
	for line := range strings.Lines(string(src)) {
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "//\t"):
			in = true
			block = append(block, strings.TrimPrefix(line, "//\t"))
		case in:
			in = false
		}
		if !in && len(block) > 0 {
			break
		}
	}
	got := strings.Join(block, "\n")
	want := testFuncs(t)["Example_quickStart"]
	if got != want {
		t.Errorf("client/doc.go's quick start differs from Example_quickStart:\n--- doc.go\n%s\n--- test\n%s", got, want)
	}
}
