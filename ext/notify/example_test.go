package notify_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/notify"
	"github.com/imapkit/imapkit/wire"
)

// Watch new mail in the selected mailbox (with UID and flags) and in
// every inbox, and mailboxes appearing, disappearing or renamed.
func ExampleSet() {
	opts := &client.Options{
		Extensions: []client.Extension{notify.Install},
		Unilateral: notify.Watch(func(e notify.Event) {
			switch e := e.(type) {
			case *notify.Fetch:
				fmt.Println("new or changed message, UID", e.Data.UID)
			case *notify.MailboxStatus:
				fmt.Println("mailbox changed:", e.Status.Mailbox)
			case *notify.MailboxChange:
				fmt.Println("mailbox list changed:", e.Mailbox)
			case notify.Overflow:
				fmt.Println("too many notifications: the server stopped sending them")
			}
		}, nil),
	}
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", opts)
	if err != nil {
		log.Fatal(err)
	}
	// ... Login, Select ...
	_, err = notify.Set(ctx, c, true,
		notify.Group{Filter: notify.Selected, Events: []string{notify.MessageNew, notify.MessageExpunge, notify.FlagChange},
			Fetch: []wire.Value{wire.Atom("UID"), wire.Atom("FLAGS")}},
		notify.Group{Filter: notify.Inboxes, Events: []string{notify.MessageNew, notify.MessageExpunge}},
		notify.Group{Filter: notify.Personal, Events: []string{notify.MailboxName}},
	)
	if err != nil {
		log.Fatal(err)
	}
}

// A notification decoded on its own.
func ExampleDecode() {
	d := codec.NewDecoder(strings.NewReader("* LIST () \"/\" \"NewMailbox\" (\"OLDNAME\" (\"OldMailbox\"))\r\n"), nil)
	r, err := d.ReadResponse()
	if err != nil {
		panic(err)
	}
	if e, ok := notify.Decode(r); ok {
		m := e.(*notify.MailboxChange)
		fmt.Println(m.Kind == notify.Renamed, m.OldName, "->", m.Mailbox)
	}
	// Output: true OldMailbox -> NewMailbox
}
