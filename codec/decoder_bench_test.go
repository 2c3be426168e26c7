package codec

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/wire"
)

// rng is a small deterministic generator for benchmark streams.
type rng uint64

func (r *rng) next() uint64 {
	*r = *r*6364136223846793005 + 1442695040888963407
	return uint64(*r >> 33)
}

func (r *rng) pick(s []string) string { return s[r.next()%uint64(len(s))] }

var (
	benchNames    = []string{"Alice Example", "Bob Builder", "Carol Danvers", "Dave Grohl", "Eve Online", "Frank Ocean", "Grace Hopper", "Heidi Klum"}
	benchHosts    = []string{"example.com", "mail.example.org", "lists.example.net", "corp.example"}
	benchSubjects = []string{"Re: quarterly report", "Meeting notes for Tuesday", "=?UTF-8?Q?Caf=C3=A9_menu?=", "Fwd: invoice 2024-0042", "Build failed on main", "Lunch?"}
)

// fetchMetadataStream returns n FETCH responses with UID, FLAGS,
// INTERNALDATE, RFC822.SIZE, ENVELOPE and BODYSTRUCTURE of realistic
// multipart messages, as Dovecot formats them.
func fetchMetadataStream(n int) []byte {
	var b bytes.Buffer
	r := rng(42)
	addr := func() string {
		name := r.pick(benchNames)
		local := strings.ToLower(strings.Fields(name)[0])
		return fmt.Sprintf(`("%s" NIL "%s" "%s")`, name, local, r.pick(benchHosts))
	}
	for i := 1; i <= n; i++ {
		from := addr()
		flags := []string{`\Seen`, `\Seen \Answered`, ``, `\Seen $Forwarded`, `\Flagged \Seen`}[r.next()%5]
		fmt.Fprintf(&b, `* %d FETCH (UID %d FLAGS (%s) INTERNALDATE "%02d-Mar-2024 %02d:%02d:%02d +0100" RFC822.SIZE %d `,
			i, 1000+i, flags, 1+r.next()%28, r.next()%24, r.next()%60, r.next()%60, 2000+r.next()%200000)
		fmt.Fprintf(&b, `ENVELOPE ("Mon, %d Mar 2024 10:%02d:00 +0100" "%s" (%s) (%s) (%s) (%s%s) %s NIL "<%d.%d@%s>" "<msg%d.%d@%s>") `,
			1+r.next()%28, r.next()%60, r.pick(benchSubjects), from, from, from, addr(), addr(),
			[]string{"NIL", "(" + addr() + ")"}[r.next()%2], r.next(), i, r.pick(benchHosts), r.next(), i, r.pick(benchHosts))
		switch r.next() % 3 {
		case 0: // text + html alternative
			fmt.Fprintf(&b, `BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" %d %d NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "quoted-printable" %d %d NIL NIL NIL NIL) "alternative" ("boundary" "b1_%x") NIL NIL NIL))`,
				r.next()%5000, r.next()%100, r.next()%20000, r.next()%300, r.next())
		case 1: // mixed: alternative + pdf attachment
			fmt.Fprintf(&b, `BODYSTRUCTURE ((("text" "plain" ("charset" "utf-8" "format" "flowed") NIL NIL "7bit" %d %d NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "7bit" %d %d NIL NIL NIL NIL) "alternative" ("boundary" "alt_%x") NIL NIL NIL)("application" "pdf" ("name" "report-%d.pdf") NIL NIL "base64" %d NIL ("attachment" ("filename" "report-%d.pdf" "size" "%d")) NIL NIL) "mixed" ("boundary" "mix_%x") NIL NIL NIL))`,
				r.next()%5000, r.next()%100, r.next()%20000, r.next()%300, r.next(), i, r.next()%500000, i, r.next()%400000, r.next())
		default: // related html with inline image
			fmt.Fprintf(&b, `BODYSTRUCTURE (("text" "html" ("charset" "iso-8859-1") NIL NIL "quoted-printable" %d %d NIL NIL NIL NIL)("image" "png" ("name" "logo.png") "<logo%d@example.com>" NIL "base64" %d NIL ("inline" ("filename" "logo.png")) NIL NIL) "related" ("boundary" "rel_%x" "type" "text/html") NIL NIL NIL))`,
				r.next()%30000, r.next()%500, i, r.next()%50000, r.next())
		}
		b.WriteString("\r\n")
	}
	b.WriteString("A1 OK Fetch completed (0.010 + 0.000 + 0.009 secs).\r\n")
	return b.Bytes()
}

// bodyLiteralStream returns n FETCH responses with a BODY[] literal of
// size octets each.
func bodyLiteralStream(n, size int) []byte {
	var b bytes.Buffer
	body := bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,\r\n"), size/66+1)[:size]
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "* %d FETCH (UID %d BODY[] {%d}\r\n", i, 1000+i, size)
		b.Write(body)
		b.WriteString(")\r\n")
	}
	b.WriteString("A1 OK done\r\n")
	return b.Bytes()
}

// listStream returns a LIST of n mailboxes.
func listStream(n int) []byte {
	var b bytes.Buffer
	r := rng(7)
	attrs := []string{`\HasNoChildren`, `\HasChildren`, `\HasNoChildren \Sent`, `\Noselect \HasChildren`, `\HasNoChildren \Marked`}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `* LIST (%s) "/" "Projects/%s/folder %d"`+"\r\n", r.pick(attrs), r.pick(benchNames), i)
	}
	b.WriteString("A1 OK List completed.\r\n")
	return b.Bytes()
}

func benchDecode(b *testing.B, in []byte, n int, opts func() *DecoderOptions) {
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	rd := bytes.NewReader(in)
	for b.Loop() {
		rd.Reset(in)
		d := NewDecoder(rd, opts())
		for {
			_, err := d.ReadResponse()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/msg")
}

// BenchmarkDecodeFetchMetadata is target (a): 2,000 FETCH responses of
// metadata; allocs/op divided by 2,000 is the allocations per message.
func BenchmarkDecodeFetchMetadata(b *testing.B) {
	in := fetchMetadataStream(2000)
	reg := NewBaseRegistry()
	benchDecode(b, in, 2000, func() *DecoderOptions { return &DecoderOptions{Registry: reg} })
}

// BenchmarkDecodeFetchMetadataGeneric decodes the same stream into
// generic trees (empty registry), as imapc decode does.
func BenchmarkDecodeFetchMetadataGeneric(b *testing.B) {
	in := fetchMetadataStream(2000)
	reg := NewRegistry()
	benchDecode(b, in, 2000, func() *DecoderOptions { return &DecoderOptions{Registry: reg} })
}

// BenchmarkDecodeBodyStreamed is target (b): 1,000 BODY[] literals of
// 100 KB streamed through OnLiteral to io.Discard.
func BenchmarkDecodeBodyStreamed(b *testing.B) {
	in := bodyLiteralStream(1000, 100_000)
	reg := NewBaseRegistry()
	benchDecode(b, in, 1000, func() *DecoderOptions {
		return &DecoderOptions{Registry: reg, OnLiteral: func(_ *LiteralInfo, lit *Literal) error {
			_, err := io.Copy(io.Discard, lit)
			return err
		}}
	})
}

// BenchmarkDecodeBodyBuffered decodes the same literals into
// SectionData.Data.
func BenchmarkDecodeBodyBuffered(b *testing.B) {
	in := bodyLiteralStream(1000, 100_000)
	reg := NewBaseRegistry()
	benchDecode(b, in, 1000, func() *DecoderOptions { return &DecoderOptions{Registry: reg, StreamThreshold: 1 << 30} })
}

// BenchmarkDecodeList is target (c): a LIST of 10,000 mailboxes.
func BenchmarkDecodeList(b *testing.B) {
	in := listStream(10000)
	reg := NewBaseRegistry()
	benchDecode(b, in, 10000, func() *DecoderOptions { return &DecoderOptions{Registry: reg} })
}

// TestBenchStreamsDecode keeps the benchmark streams honest: they decode
// without error to what they claim.
func TestBenchStreamsDecode(t *testing.T) {
	rs, err := decodeStream(fetchMetadataStream(50), nil)
	if err != nil || len(rs) != 51 {
		t.Fatalf("metadata stream: %d responses, %v", len(rs), err)
	}
	f := rs[7].Data.(*wire.FetchData)
	if f.Has != wire.FetchUID|wire.FetchFlags|wire.FetchInternalDate|wire.FetchRFC822Size|wire.FetchEnvelope|wire.FetchBodyStructure || len(f.BodyStructure.Parts) < 2 {
		t.Errorf("metadata stream response 8: %+v", f)
	}
	if rs, err := decodeStream(bodyLiteralStream(3, 1000), nil); err != nil || len(rs) != 4 || len(rs[2].Data.(*wire.FetchData).Sections[0].Data) != 1000 {
		t.Errorf("body stream: %v", err)
	}
	if rs, err := decodeStream(listStream(30), nil); err != nil || len(rs) != 31 {
		t.Errorf("list stream: %v", err)
	}
}
