package metadata_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/metadata"
)

// Store a private comment on a mailbox and read it back.
func ExampleSetMetadata() {
	var c *client.Conn // logged in, with metadata.Install among Options.Extensions
	ctx := context.Background()
	err := metadata.SetMetadata(ctx, c, "Projects", []metadata.Entry{{Name: "/private/comment", Value: "Q3 work"}})
	if code, ok := metadata.CodeOf(err); ok && code.Kind == metadata.MaxSize {
		log.Fatalf("the server keeps values up to %d octets", code.Num)
	} else if err != nil {
		log.Fatal(err)
	}
	res, err := metadata.GetMetadata(ctx, c, "Projects", []string{"/private/comment"}, &metadata.GetOptions{MaxSize: 4096})
	if err != nil {
		log.Fatal(err)
	}
	if e, ok := res.Get("/private/comment"); ok && !e.IsNil {
		fmt.Println(e.Value)
	}
}

// Decode a METADATA response, as a proxy would.
func ExampleRegisterCodec() {
	reg := codec.NewBaseRegistry()
	metadata.RegisterCodec(reg)
	d := codec.NewDecoder(strings.NewReader(`* METADATA "INBOX" (/shared/comment "Shared comment" /private/comment NIL)`+"\r\n"), &codec.DecoderOptions{Registry: reg})
	resp, err := d.ReadResponse()
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range resp.Data.(*metadata.Data).Entries {
		fmt.Printf("%s %q nil=%v\n", e.Name, e.Value, e.IsNil)
	}
	// Output:
	// /shared/comment "Shared comment" nil=false
	// /private/comment "" nil=true
}
