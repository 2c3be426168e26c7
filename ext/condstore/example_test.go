package condstore_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/condstore"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Resynchronize a cache: select with CONDSTORE, and fetch only the flags
// that changed since the HIGHESTMODSEQ remembered from the last session.
func Example() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", &client.Options{
		Extensions: []client.Extension{condstore.Install},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// ... log in ...
	var cachedValidity uint32
	var cachedModSeq uint64 // from the cache
	m, err := c.Select(ctx, "INBOX", &client.SelectOptions{Params: []wire.Value{condstore.SelectParam()}})
	if err != nil {
		log.Fatal(err)
	}
	if m.HighestModSeq == 0 || m.UIDValidity != cachedValidity {
		// NOMODSEQ, or a new UIDVALIDITY: fetch everything.
	} else if m.HighestModSeq > cachedModSeq {
		fc, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{
			Flags:     true,
			Modifiers: condstore.ChangedSince(cachedModSeq),
		}, nil)
		if err != nil {
			log.Fatal(err)
		}
		for d, err := range fc.Messages(ctx) {
			if err != nil {
				log.Fatal(err)
			}
			modseq, _ := condstore.ModSeq(d)
			fmt.Println(d.UID, d.Flags, modseq)
		}
	}
}

// Mark a message as answered unless another client changed it since this
// one looked at it.
func ExampleStore() {
	var c *client.Conn // logged in, mailbox selected
	ctx := context.Background()
	var uid uint32 = 4392
	var modseq uint64 = 715194045007 // from FETCH MODSEQ
	_, err := condstore.UIDStore(ctx, c, seqset.MustParse(fmt.Sprint(uid)),
		&client.StoreFlags{Mode: client.StoreAdd, Flags: []string{wire.FlagAnswered}}, modseq)
	if set, ok := condstore.Modified(err); ok {
		fmt.Println("changed meanwhile, not stored:", set)
		return
	}
	if err != nil {
		log.Fatal(err)
	}
}

// Find the messages whose metadata changed since a mod-sequence.
func ExampleModSeqKey() {
	var c *client.Conn // logged in, mailbox selected
	ctx := context.Background()
	res, err := c.UIDSearch(ctx, &client.SearchCriteria{Keys: condstore.ModSeqKey(620162338)}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Nums, "highest mod-sequence among them:", res.ModSeq)
}

// The arguments CONDSTORE adds to FETCH, as the codec writes them.
func ExampleChangedSince() {
	var buf bytes.Buffer
	enc := codec.NewEncoder(&buf, nil)
	err := enc.WriteCommand(&wire.Command{Tag: "s100", Name: "UID FETCH", Args: []wire.Value{
		wire.Raw("1:*"),
		wire.List(wire.Atom("FLAGS"), condstore.FetchModSeq()),
		wire.List(condstore.ChangedSince(12345)...),
	}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(buf.String())
	// Output:
	// s100 UID FETCH 1:* (FLAGS MODSEQ) (CHANGEDSINCE 12345)
}

// Read the MODSEQ of FETCH data.
func ExampleModSeq() {
	reg := codec.NewBaseRegistry()
	condstore.RegisterCodec(reg)
	dec := codec.NewDecoder(strings.NewReader("* 1 FETCH (UID 4 MODSEQ (65402) FLAGS (\\Seen))\r\n"), &codec.DecoderOptions{Registry: reg})
	resp, err := dec.ReadResponse()
	if err != nil {
		log.Fatal(err)
	}
	f := resp.Data.(*wire.FetchData)
	modseq, _ := condstore.ModSeq(f)
	fmt.Println(f.UID, f.Flags, modseq)
	// Output:
	// 4 [\Seen] 65402
}

// Ask for MODSEQ in every FETCH this connection sends.
func ExampleAlwaysFetchModSeq() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", &client.Options{
		Extensions: []client.Extension{condstore.AlwaysFetchModSeq},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// ... log in, select a mailbox with CONDSTORE; every FETCH now
	// carries MODSEQ, read with condstore.ModSeq.
}
