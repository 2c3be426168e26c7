package bench

import (
	"bytes"
	"fmt"
	"strings"
)

// The generators below produce, byte for byte, the streams of the codec
// module's own benchmarks (codec/decoder_bench_test.go), so that the numbers
// of both modules describe the same input. Each stream is split into its
// untagged responses and its tagged completion, whose tag a fake server
// replaces with the one the client under test sent.

// rng is a small deterministic generator (the codec benchmarks' one).
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

// Stream is a server's answer to one command: untagged responses, then the
// tagged completion.
type Stream struct {
	// Untagged holds every response before the completion.
	Untagged []byte
	// Completion is the tagged completion without its tag, starting with
	// the space after it (" OK Fetch completed.\r\n").
	Completion string
	// Messages is the number of responses in Untagged (messages or
	// mailboxes), the unit of the per-message figures.
	Messages int
}

// Bytes returns the whole stream with tag as the completion's tag.
func (s *Stream) Bytes(tag string) []byte {
	out := make([]byte, 0, len(s.Untagged)+len(tag)+len(s.Completion))
	out = append(out, s.Untagged...)
	out = append(out, tag...)
	return append(out, s.Completion...)
}

// Len is the length of the stream with a tag of tagLen octets.
func (s *Stream) Len(tagLen int) int { return len(s.Untagged) + tagLen + len(s.Completion) }

// FetchMetadataStream returns n FETCH responses with UID, FLAGS,
// INTERNALDATE, RFC822.SIZE, ENVELOPE and BODYSTRUCTURE of realistic
// multipart messages, as Dovecot formats them (case a).
func FetchMetadataStream(n int) *Stream {
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
	return &Stream{Untagged: b.Bytes(), Completion: " OK Fetch completed (0.010 + 0.000 + 0.009 secs).\r\n", Messages: n}
}

// BodyLiteralStream returns n FETCH responses with a BODY[] literal of size
// octets each (case b).
func BodyLiteralStream(n, size int) *Stream {
	var b bytes.Buffer
	body := bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,\r\n"), size/66+1)[:size]
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "* %d FETCH (UID %d BODY[] {%d}\r\n", i, 1000+i, size)
		b.Write(body)
		b.WriteString(")\r\n")
	}
	return &Stream{Untagged: b.Bytes(), Completion: " OK done\r\n", Messages: n}
}

// ListStream returns a LIST of n mailboxes (case c).
func ListStream(n int) *Stream {
	var b bytes.Buffer
	r := rng(7)
	attrs := []string{`\HasNoChildren`, `\HasChildren`, `\HasNoChildren \Sent`, `\Noselect \HasChildren`, `\HasNoChildren \Marked`}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `* LIST (%s) "/" "Projects/%s/folder %d"`+"\r\n", r.pick(attrs), r.pick(benchNames), i)
	}
	return &Stream{Untagged: b.Bytes(), Completion: " OK List completed.\r\n", Messages: n}
}
