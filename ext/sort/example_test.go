package sort_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/sort"
)

// List the unseen messages newest first, then the conversations.
func ExampleSort() {
	var c *client.Conn // logged in with sort.Install, a mailbox selected
	ctx := context.Background()
	res, err := sort.UIDSort(ctx, c, []sort.Criterion{{Key: sort.Date, Reverse: true}},
		&client.SearchCriteria{NotFlag: []string{`\Seen`}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("unseen, newest first:", res.Nums)

	threads, err := sort.UIDThreads(ctx, c, sort.References, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	for i := range threads {
		threads[i].Walk(func(uid, parent uint32, depth int) bool {
			fmt.Printf("%s%d\n", strings.Repeat("  ", depth), uid)
			return true
		})
	}
}

// Decode a THREAD response into its tree (RFC 5256 §4.2).
func ExampleThread_Walk() {
	reg := codec.NewBaseRegistry()
	sort.RegisterCodec(reg)
	d := codec.NewDecoder(strings.NewReader("* THREAD (2)(3 6 (4 23)(44 7 96))\r\n"), &codec.DecoderOptions{Registry: reg})
	resp, err := d.ReadResponse()
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range resp.Data.([]sort.Thread) {
		t.Walk(func(n, parent uint32, depth int) bool {
			fmt.Printf("%s%d\n", strings.Repeat("  ", depth), n)
			return true
		})
	}
	// Output:
	// 2
	// 3
	//   6
	//     4
	//       23
	//     44
	//       7
	//         96
}
