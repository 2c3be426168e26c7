package memserver_test

import (
	"context"
	"fmt"
	"net"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/conformance/memserver"
)

func Example() {
	srv := memserver.New(&memserver.Options{Users: map[string]string{"alice": "secret"}})
	srv.Seed("alice", "INBOX", memserver.Message{Raw: []byte("Subject: hello\r\n\r\nHi Alice.\r\n")})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	go srv.Serve(l)
	defer srv.Close()

	ctx := context.Background()
	c, err := client.Dial(ctx, "imap://"+l.Addr().String(), &client.Options{InsecureAuth: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		fmt.Println(err)
		return
	}
	mb, err := c.Select(ctx, "INBOX", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("messages:", mb.Exists)
	c.Logout(ctx)
	// Output: messages: 1
}

func ExampleServer_SeedSample() {
	srv := memserver.New(nil)
	srv.AddUser("bob", "pw")
	if err := srv.SeedSample("bob", 1); err != nil {
		fmt.Println(err)
		return
	}
	for _, mb := range memserver.SampleMailboxes[:3] {
		fmt.Println(mb.Name, mb.Count)
	}
	// Output:
	// INBOX 300
	// Archive 120
	// Sent 60
}
