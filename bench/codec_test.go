package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
)

// The three decode cases of issue 3 item 6, each decoded in one run by:
//
//	imapkit-codec   codec.Decoder.ReadResponse over the bytes (what the
//	                codec module's own benchmarks measure);
//	imapkit-client  client.Conn over a net.Pipe fed by a fake server;
//	goimap-client   go-imap v2's imapclient over the same kind of pipe,
//	                through its streaming API (FetchCommand.Next,
//	                FetchMessageData.Next, ListCommand.Next).
//
// The stream bytes are identical (SetBytes counts them; the clients' tag
// differs by a few octets). Custom metrics: ns/msg and allocs/msg, with
// msg a FETCH response (a, b) or a LIST response (c). Allocations are every
// allocation of the process during the timed loop, including those of the
// client's reader goroutine; the fake server allocates nothing per message.

const (
	metadataMessages = 2000
	bodyMessages     = 1000
	bodySize         = 100_000
	listMailboxes    = 10_000
)

type decodeCase struct {
	name   string
	stream *Stream
	kind   string // "metadata", "body", "list"
}

func decodeCases() []decodeCase {
	return []decodeCase{
		{"FetchMetadata", FetchMetadataStream(metadataMessages), "metadata"},
		{"BodyLiteral", BodyLiteralStream(bodyMessages, bodySize), "body"},
		{"List", ListStream(listMailboxes), "list"},
	}
}

// BenchmarkDecode runs every case with every decoder; compare with
//
//	GOWORK=off go test -run '^$' -bench Decode -benchtime 20x
func BenchmarkDecode(b *testing.B) {
	for _, dc := range decodeCases() {
		b.Run(dc.name+"/imapkit-codec", func(b *testing.B) { benchCodec(b, dc) })
		b.Run(dc.name+"/imapkit-client", func(b *testing.B) { benchImapkitClient(b, dc) })
		b.Run(dc.name+"/goimap-client", func(b *testing.B) { benchGoimapClient(b, dc) })
	}
}

// measure runs one decode per iteration and reports the per-message
// metrics.
func measure(b *testing.B, dc decodeCase, tagLen int, once func() (int, error)) {
	b.ReportAllocs()
	b.SetBytes(int64(dc.stream.Len(tagLen)))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n, err := once()
		if err != nil {
			b.Fatal(err)
		}
		if n != dc.stream.Messages {
			b.Fatalf("decoded %d messages; want %d", n, dc.stream.Messages)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	msgs := float64(b.N * dc.stream.Messages)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/msgs, "ns/msg")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/msgs, "allocs/msg")
}

func benchCodec(b *testing.B, dc decodeCase) {
	in := dc.stream.Bytes("A1")
	reg := codec.NewBaseRegistry()
	opts := func() *codec.DecoderOptions { return &codec.DecoderOptions{Registry: reg} }
	if dc.kind == "body" {
		opts = func() *codec.DecoderOptions {
			return &codec.DecoderOptions{Registry: reg, OnLiteral: func(_ *codec.LiteralInfo, lit *codec.Literal) error {
				_, err := io.Copy(io.Discard, lit)
				return err
			}}
		}
	}
	rd := bytes.NewReader(in)
	measure(b, dc, 2, func() (int, error) { return decodeAll(rd, in, opts()) })
}

// decodeAll decodes in and returns the number of untagged responses.
func decodeAll(rd *bytes.Reader, in []byte, opts *codec.DecoderOptions) (int, error) {
	rd.Reset(in)
	d := codec.NewDecoder(rd, opts)
	n := 0
	for {
		resp, err := d.ReadResponse()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if resp.Tag == "*" {
			n++
		}
	}
}

// imapkitConn returns an imapkit client logged in to a fake server, with a
// mailbox selected.
func imapkitConn(tb testing.TB, dc decodeCase) *client.Conn {
	ctx := context.Background()
	nc := startFake(tb, dc.stream.Messages, map[string]*Stream{"FETCH": dc.stream, "LIST": dc.stream})
	c, err := client.New(ctx, nc, &client.Options{InsecureAuth: true})
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.Login(ctx, "u", "p"); err != nil {
		tb.Fatal(err)
	}
	if dc.kind != "list" {
		if _, err := c.Select(ctx, "INBOX", nil); err != nil {
			tb.Fatal(err)
		}
	}
	return c
}

// imapkitOnce runs the case's command once on c.
func imapkitOnce(ctx context.Context, c *client.Conn, dc decodeCase) (int, error) {
	if dc.kind == "list" {
		res, err := c.List(ctx, "", []string{"*"}, nil)
		if err != nil {
			return 0, err
		}
		return len(res.Mailboxes), nil
	}
	set := seqset.MustParse(fmt.Sprintf("1:%d", dc.stream.Messages))
	items := &client.FetchItems{UID: true, Flags: true, InternalDate: true, RFC822Size: true, Envelope: true, BodyStructure: true}
	var opts *client.FetchOptions
	if dc.kind == "body" {
		items = &client.FetchItems{UID: true, Sections: []client.FetchSection{{}}}
		opts = &client.FetchOptions{Literal: func(_ uint32, _ string, _ int64, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		}}
	}
	cmd, err := c.Fetch(ctx, set, items, opts)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, err := range cmd.Messages(ctx) {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func benchImapkitClient(b *testing.B, dc decodeCase) {
	ctx := context.Background()
	c := imapkitConn(b, dc)
	defer c.Close()
	measure(b, dc, 2, func() (int, error) { return imapkitOnce(ctx, c, dc) })
}

// goimapConn returns a go-imap v2 client logged in to a fake server, with a
// mailbox selected.
func goimapConn(tb testing.TB, dc decodeCase) *imapclient.Client {
	nc := startFake(tb, dc.stream.Messages, map[string]*Stream{"FETCH": dc.stream, "LIST": dc.stream})
	c := imapclient.New(nc, nil)
	if err := c.Login("u", "p").Wait(); err != nil {
		tb.Fatal(err)
	}
	if dc.kind != "list" {
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			tb.Fatal(err)
		}
	}
	return c
}

// goimapOnce runs the case's command once on c, through the streaming API.
func goimapOnce(c *imapclient.Client, dc decodeCase) (int, error) {
	n := 0
	if dc.kind == "list" {
		cmd := c.List("", "*", nil)
		for cmd.Next() != nil {
			n++
		}
		return n, cmd.Close()
	}
	set := imap.SeqSet{imap.SeqRange{Start: 1, Stop: uint32(dc.stream.Messages)}}
	opts := &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, RFC822Size: true, Envelope: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}
	if dc.kind == "body" {
		opts = &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}
	}
	cmd := c.Fetch(set, opts)
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok && body.Literal != nil {
				if _, err := io.Copy(io.Discard, body.Literal); err != nil {
					cmd.Close()
					return n, err
				}
			}
		}
		n++
	}
	return n, cmd.Close()
}

func benchGoimapClient(b *testing.B, dc decodeCase) {
	c := goimapConn(b, dc)
	defer c.Close()
	measure(b, dc, 2, func() (int, error) { return goimapOnce(c, dc) })
}

// TestDecodeCases checks that every decoder sees every message of every
// case (a small version of the benchmark, run by go test).
func TestDecodeCases(t *testing.T) {
	ctx := context.Background()
	cases := []decodeCase{
		{"FetchMetadata", FetchMetadataStream(50), "metadata"},
		{"BodyLiteral", BodyLiteralStream(5, bodySize), "body"},
		{"List", ListStream(100), "list"},
	}
	for _, dc := range cases {
		t.Run(dc.name, func(t *testing.T) {
			in := dc.stream.Bytes("A1")
			if n, err := decodeAll(bytes.NewReader(in), in, nil); err != nil || n != dc.stream.Messages {
				t.Errorf("imapkit codec: %d messages, %v; want %d", n, err, dc.stream.Messages)
			}
			c := imapkitConn(t, dc)
			if n, err := imapkitOnce(ctx, c, dc); err != nil || n != dc.stream.Messages {
				t.Errorf("imapkit client: %d messages, %v; want %d", n, err, dc.stream.Messages)
			}
			c.Close()
			g := goimapConn(t, dc)
			if n, err := goimapOnce(g, dc); err != nil || n != dc.stream.Messages {
				t.Errorf("go-imap client: %d messages, %v; want %d", n, err, dc.stream.Messages)
			}
			g.Close()
		})
	}
}
