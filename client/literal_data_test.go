package client

import (
	"io"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// LiteralData receives the FETCH data parsed before the streamed section:
// the sequence number and the UID that precedes the body.
func TestLiteralDataSeesUID(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 16})
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	body := strings.Repeat("0123456789", 100)
	type call struct {
		seq, uid uint32
		hasUID   bool
		item     string
		n        int64
	}
	var calls []call
	f, err := c.Fetch(ctx, seqset.MustParse("3"), &FetchItems{UID: true, Sections: []FetchSection{{}}},
		&FetchOptions{
			Literal: func(uint32, string, int64, io.Reader) error {
				t.Error("Literal called while LiteralData is set")
				return nil
			},
			LiteralData: func(d *wire.FetchData, item string, size int64, r io.Reader) error {
				n, err := io.Copy(io.Discard, r)
				calls = append(calls, call{d.Seq, d.UID, d.Has&wire.FetchUID != 0, item, n})
				return err
			}})
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A2 FETCH 3 (UID BODY.PEEK[])")
	s.send("* 3 FETCH (UID 42 BODY[] {1000}\r\n"+body+" FLAGS ())", "A2 OK done")
	msgs, err := f.CollectMessages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := call{3, 42, true, "BODY[]", 1000}
	if len(calls) != 1 || calls[0] != want {
		t.Fatalf("LiteralData calls %+v; want [%+v]", calls, want)
	}
	if len(msgs) != 1 || msgs[0].UID != 42 || !msgs[0].Sections[0].Streamed {
		t.Fatalf("FETCH data %+v", msgs)
	}
}
