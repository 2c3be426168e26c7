package quota_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/quota"
)

// Show how full the quota roots of INBOX are.
func ExampleGetQuotaRoot() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", &client.Options{
		Extensions: []client.Extension{quota.Install},
	})
	if err != nil {
		log.Fatal(err)
	}
	// ... Login ...
	res, err := quota.GetQuotaRoot(ctx, c, "INBOX")
	if err != nil {
		log.Fatal(err)
	}
	for _, q := range res.Quotas {
		if r, ok := q.Get(quota.Storage); ok && r.Limit > 0 {
			fmt.Printf("%s: %d of %d KiB (%d%%)\n", q.Root, r.Usage, r.Limit, 100*r.Usage/r.Limit)
		}
	}
}

// A proxy or a test server decodes QUOTA responses with RegisterCodec.
func ExampleRegisterCodec() {
	reg := codec.NewBaseRegistry()
	quota.RegisterCodec(reg)
	d := codec.NewDecoder(strings.NewReader("* QUOTA \"#user/alice\" (STORAGE 54 111 MESSAGE 42 1000)\r\n"), &codec.DecoderOptions{Registry: reg})
	resp, err := d.ReadResponse()
	if err != nil {
		log.Fatal(err)
	}
	q := resp.Data.(*quota.Quota)
	for _, r := range q.Resources {
		fmt.Println(q.Root, r.Name, r.Usage, r.Limit)
	}
	// Output:
	// #user/alice STORAGE 54 111
	// #user/alice MESSAGE 42 1000
}
