package client_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Connect over implicit TLS and log in.
func ExampleDial() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", os.Getenv("IMAP_PASSWORD")); err != nil {
		log.Fatal(err)
	}
	defer c.Logout(ctx)
}

// Upgrade a cleartext connection with STARTTLS before logging in.
func ExampleConn_StartTLS() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imap://imap.example.com", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.StartTLS(ctx); err != nil {
		log.Fatal(err)
	}
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		log.Fatal(err)
	}
}

// List every mailbox with its message count. Names come back as UTF-8.
func ExampleConn_List() {
	var c *client.Conn // logged in
	ctx := context.Background()
	res, err := c.List(ctx, "", []string{"*"}, &client.ListOptions{Status: []string{wire.StatusMessages}})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range res.Mailboxes {
		fmt.Println(m.Mailbox, m.Attrs)
	}
	for _, s := range res.Status {
		n, _ := s.Get(wire.StatusMessages)
		fmt.Println(s.Mailbox, n)
	}
}

// Fetch the envelope of every message, reading each as it arrives.
func ExampleFetchCommand_Messages() {
	var c *client.Conn // logged in
	ctx := context.Background()
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
}

// Download whole messages and keep some: what Messages yields is valid
// until the next iteration (its buffers are reused), so a message kept
// beyond it is cloned.
func ExampleFetchCommand_Messages_keep() {
	var c *client.Conn // logged in, a mailbox selected
	ctx := context.Background()
	f, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{Sections: []client.FetchSection{{}}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	var invoices []*wire.FetchData
	for msg, err := range f.Messages(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		if bytes.Contains(msg.Sections[0].Data, []byte("Invoice")) {
			invoices = append(invoices, msg.Clone())
		}
	}
	fmt.Println(len(invoices), "invoices")
}

// Stream whole messages to files: memory stays bounded by the stream
// threshold, whatever the size of the mailbox.
func ExampleFetchOptions_literal() {
	var c *client.Conn // logged in, INBOX selected
	ctx := context.Background()
	f, err := c.UIDFetch(ctx, seqset.MustParse("1:*"),
		&client.FetchItems{Sections: []client.FetchSection{{}}},
		&client.FetchOptions{Literal: func(seq uint32, item string, size int64, r io.Reader) error {
			out, err := os.Create(fmt.Sprintf("msg-%d.eml", seq))
			if err != nil {
				return err
			}
			defer out.Close()
			_, err = io.Copy(out, r)
			return err
		}})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := f.Wait(ctx); err != nil {
		log.Fatal(err)
	}
}

// Pipeline: send many commands at once and collect the results; each
// response lands with the command it belongs to.
func ExampleConn_Start() {
	var c *client.Conn // logged in, INBOX selected
	ctx := context.Background()
	var cmds []*client.FetchCommand
	for uid := uint32(1); uid <= 100; uid++ {
		var set seqset.Set
		set.Add(uid)
		f, err := c.UIDFetch(ctx, set, &client.FetchItems{Flags: true}, nil)
		if err != nil {
			log.Fatal(err)
		}
		cmds = append(cmds, f)
	}
	for _, f := range cmds {
		msgs, err := f.CollectMessages(ctx)
		if err != nil {
			log.Fatal(err)
		}
		for _, m := range msgs {
			fmt.Println(m.UID, m.Flags)
		}
	}
	// The raw path: any command, its responses as value trees.
	cmd, err := c.Start(ctx, client.Spec{
		Name:  "GETQUOTAROOT",
		Args:  []wire.Value{wire.String("INBOX")},
		Claim: func(r *wire.Response) bool { return r.Name == "QUOTA" || r.Name == "QUOTAROOT" },
	})
	if err != nil {
		log.Fatal(err)
	}
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.Name, r.Data)
	}
}

// Wait for new mail with IDLE for ten minutes.
func ExampleConn_Idle() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", &client.Options{
		MailboxUpdate: func(ev client.MailboxEvent) {
			if ev.Kind == client.EventExists {
				fmt.Println("messages:", ev.Num)
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "alice", "secret"); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	idleCtx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if err := c.Idle(idleCtx); err != nil {
		log.Fatal(err)
	}
}

// Append a message, streamed as a literal.
func ExampleConn_Append() {
	var c *client.Conn // logged in
	ctx := context.Background()
	msg := "From: alice@example.com\r\nSubject: hi\r\n\r\nHello.\r\n"
	res, err := c.Append(ctx, "Sent", strings.NewReader(msg), int64(len(msg)), &client.AppendOptions{Flags: []string{wire.FlagSeen}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("UID", res.UID)
}
