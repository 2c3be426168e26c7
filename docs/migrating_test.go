package docs_test

import (
	"context"
	"fmt"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
)

func Example_migrateConnect() {
	ctx := context.Background()
	c, err := client.Dial(ctx, serverURL, &client.Options{TLSConfig: tlsConfig})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, user, password); err != nil {
		log.Fatal(err)
	}
	mb, err := c.Select(ctx, "INBOX", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mb.Exists, "messages")
	if err := c.Logout(ctx); err != nil {
		log.Fatal(err)
	}
	// Output: 5 messages
}

func Example_migrateUnread() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	res, err := c.UIDSearch(ctx, &client.SearchCriteria{NotFlag: []string{`\Seen`}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	var uids seqset.Set
	for _, uid := range res.Nums {
		uids.Add(uid)
	}
	f, err := c.UIDFetch(ctx, uids, &client.FetchItems{Envelope: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for msg, err := range f.Messages(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(msg.UID, msg.Envelope.Subject)
	}
	// Output:
	// 3 Quarterly report
	// 4 Your invoice
	// 5 Holiday photos
}

func Example_migrateDownload() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	f, err := c.UIDFetch(ctx, seqset.MustParse("2"), &client.FetchItems{
		Sections: []client.FetchSection{{}}, // BODY.PEEK[]: the zero section
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	msgs, err := f.CollectMessages(ctx)
	if err != nil {
		log.Fatal(err)
	}
	raw := msgs[0].Sections[0].Data // the whole message (RFC 5322)
	fmt.Println(len(raw), "bytes")
	// Output: 168 bytes
}

func Example_migrateMarkRead() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	f, err := c.UIDStore(ctx, seqset.MustParse("1"), &client.StoreFlags{
		Mode: client.StoreAdd, Flags: []string{`\Seen`}, Silent: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := f.Wait(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("marked read")
	// Output: marked read
}
