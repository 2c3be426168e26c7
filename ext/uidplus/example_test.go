package uidplus_test

import (
	"context"
	"fmt"
	"iter"
	"log"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/uidplus"
	"github.com/imapkit/imapkit/seqset"
)

// Install the extension when connecting, then read the UID an APPEND
// gave the new message from the command's completion.
func Example() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", &client.Options{
		Extensions: []client.Extension{uidplus.Install},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// ... log in ...
	msg := "Subject: hello\r\n\r\nhi\r\n"
	ac, err := c.StartAppend(ctx, "Drafts", strings.NewReader(msg), int64(len(msg)), nil)
	if err != nil {
		log.Fatal(err)
	}
	final, err := ac.Command.Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if au, ok := uidplus.AppendUID(final); ok {
		fmt.Println("UIDVALIDITY", au.UIDValidity, "UID", au.UIDs)
	}
}

// Expunge only the messages the program marked itself, leaving other
// \Deleted messages in the mailbox alone.
func ExampleUIDExpunge() {
	var c *client.Conn // logged in, mailbox selected
	ctx := context.Background()
	expunged, err := uidplus.UIDExpunge(ctx, c, seqset.MustParse("3000:3002"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("expunged sequence numbers:", expunged)
}

// The codes decode the same in a proxy that uses the codec alone.
func ExampleCopyUID() {
	reg := codec.NewRegistry()
	uidplus.RegisterCodec(reg)
	dec := codec.NewDecoder(strings.NewReader("A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n"), &codec.DecoderOptions{Registry: reg})
	resp, err := dec.ReadResponse()
	if err != nil {
		log.Fatal(err)
	}
	cu, _ := uidplus.CopyUID(resp)
	// The source UIDs and their new UIDs pair up in order.
	next, stop := iter.Pull(cu.Dest.All())
	defer stop()
	for uid := range cu.Source.All() {
		d, _ := next()
		fmt.Printf("%d -> %d\n", uid, d)
	}
	// Output:
	// 304 -> 3956
	// 319 -> 3957
	// 320 -> 3958
}
