package esort_test

import (
	"context"
	"fmt"
	"log"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/esort"
	"github.com/imapkit/imapkit/ext/sort"
	"github.com/imapkit/imapkit/wire"
)

// Sort by date, newest first, with the count, in one ESEARCH response.
func ExampleUIDSort() {
	var c *client.Conn // logged in with esort.Install, a mailbox selected
	ctx := context.Background()
	r, err := esort.UIDSort(ctx, c, []sort.Criterion{{Key: sort.Date, Reverse: true}}, nil,
		&esort.Options{Return: []string{"ALL", "COUNT"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Count, "messages, newest first:", r.All)
}

// Keep a count of flagged messages up to date: the server announces
// changes with ADDTO and REMOVEFROM until CancelUpdate.
func ExampleUpdateOf() {
	updates := make(chan *esort.Update, 16)
	opts := &client.Options{
		Extensions: []client.Extension{esort.Install},
		Unilateral: func(r *wire.Response) {
			if u, ok := esort.UpdateOf(r); ok {
				updates <- u
			}
		},
	}
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", opts)
	if err != nil {
		log.Fatal(err)
	}
	// ... Login, Select ...
	r, err := esort.UIDSearch(ctx, c, &client.SearchCriteria{Flag: []string{`\Flagged`}},
		&esort.Options{Return: []string{"COUNT"}, Update: true})
	if err != nil {
		log.Fatal(err)
	}
	count := int(r.Count)
	for u := range updates {
		if u.Tag != r.Tag {
			continue
		}
		for _, ch := range u.AddTo {
			count += int(ch.Set.Count())
		}
		for _, ch := range u.RemoveFrom {
			count -= int(ch.Set.Count())
		}
		fmt.Println(count, "flagged")
	}
}
