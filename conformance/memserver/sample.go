package memserver

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime"
	"strings"
	"time"
)

// SampleMailboxes are the mailboxes SeedSample fills, with their
// special-use attributes and message counts.
var SampleMailboxes = []struct {
	Name       string
	SpecialUse string
	Count      int
}{
	{"INBOX", "", 300},
	{"Archive", `\Archive`, 120},
	{"Sent", `\Sent`, 60},
	{"Drafts", `\Drafts`, 5},
	{"Trash", `\Trash`, 15},
	{"Junk", `\Junk`, 0},
	{"Work", "", 0},
	{"Work/Projects", "", 40},
}

// SeedSample fills the mailboxes of user with generated messages (see
// SampleMailboxes): plain text, multipart/alternative, attachments in
// base64, forwarded messages (message/rfc822), non-ASCII subjects and
// names, and a mix of flags. The same seed gives the same messages.
func (s *Server) SeedSample(userName string, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	base := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	n := 0
	for _, mb := range SampleMailboxes {
		if err := s.CreateMailbox(userName, mb.Name, mb.SpecialUse); err != nil {
			return err
		}
		msgs := make([]Message, mb.Count)
		for i := range msgs {
			n++
			date := base.Add(time.Duration(n)*97*time.Minute + time.Duration(r.IntN(3600))*time.Second)
			msgs[i] = Message{Raw: GenerateMessage(r, n, date), Date: date, Flags: sampleFlags(r, mb.Name)}
		}
		if err := s.Seed(userName, mb.Name, msgs...); err != nil {
			return err
		}
	}
	return nil
}

func sampleFlags(r *rand.Rand, mailbox string) []string {
	var fs []string
	switch mailbox {
	case "Sent", "Archive":
		fs = append(fs, `\Seen`)
	case "Drafts":
		return []string{`\Draft`}
	default:
		if r.IntN(3) > 0 {
			fs = append(fs, `\Seen`)
		}
	}
	if r.IntN(10) == 0 {
		fs = append(fs, `\Flagged`)
	}
	if r.IntN(8) == 0 {
		fs = append(fs, `\Answered`)
	}
	if r.IntN(20) == 0 {
		fs = append(fs, "$Forwarded")
	}
	return fs
}

var (
	firstNames = []string{"Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Zoë", "José", "Łukasz", "美咲"}
	lastNames  = []string{"Smith", "Jones", "Müller", "García", "Rossi", "Dubois", "Kowalski", "Tanaka", "Nguyen", "Olsen"}
	domains    = []string{"example.com", "example.org", "example.net", "mail.example"}
	topics     = []string{"quarterly report", "lunch on Friday", "build is broken", "release notes", "trip to Zürich",
		"invoice #%d", "meeting notes", "re: your question", "holiday schedule", "café opening", "server migration", "code review"}
	words = strings.Fields("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat")
)

func person(r *rand.Rand) (name, addr string) {
	f, l := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
	local := strings.ToLower(strings.Map(func(c rune) rune {
		if c < 0x80 {
			return c
		}
		return -1
	}, f))
	if local == "" {
		local = "user"
	}
	return f + " " + l, local + "." + strings.ToLower(l[:1]) + "@" + domains[r.IntN(len(domains))]
}

func addrHeader(r *rand.Rand) string {
	name, addr := person(r)
	return mime.QEncoding.Encode("utf-8", name) + " <" + addr + ">"
}

func paragraph(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 && i%12 == 0 {
			b.WriteString("\r\n")
		} else if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String()
}

// GenerateMessage returns message number n of a generated corpus,
// dated date, shaped by r: one of several MIME layouts.
func GenerateMessage(r *rand.Rand, n int, date time.Time) []byte {
	subject := topics[r.IntN(len(topics))]
	if strings.Contains(subject, "%d") {
		subject = fmt.Sprintf(subject, 1000+n)
	}
	var h strings.Builder
	fmt.Fprintf(&h, "Date: %s\r\n", date.Format(time.RFC1123Z))
	fmt.Fprintf(&h, "From: %s\r\n", addrHeader(r))
	to := addrHeader(r)
	if r.IntN(4) == 0 {
		to += ", " + addrHeader(r)
	}
	fmt.Fprintf(&h, "To: %s\r\n", to)
	if r.IntN(5) == 0 {
		fmt.Fprintf(&h, "Cc: %s\r\n", addrHeader(r))
	}
	fmt.Fprintf(&h, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&h, "Message-ID: <%d.%d@memserver.example>\r\n", n, date.Unix())
	if n > 1 && r.IntN(3) == 0 {
		fmt.Fprintf(&h, "In-Reply-To: <%d.x@memserver.example>\r\n", n-1)
	}
	h.WriteString("MIME-Version: 1.0\r\n")
	text := "Message " + fmt.Sprint(n) + ".\r\n\r\n" + paragraph(r, 20+r.IntN(200)) + "\r\n"
	switch k := r.IntN(10); {
	case k < 5:
		h.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
		h.WriteString(text)
	case k < 7:
		b := fmt.Sprintf("alt-%d", n)
		fmt.Fprintf(&h, "Content-Type: multipart/alternative; boundary=%q\r\n\r\n", b)
		fmt.Fprintf(&h, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", b, text)
		fmt.Fprintf(&h, "--%s\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>%s</p></body></html>\r\n", b, strings.ReplaceAll(text, "\r\n", "<br>"))
		fmt.Fprintf(&h, "--%s--\r\n", b)
	case k < 9:
		b := fmt.Sprintf("mixed-%d", n)
		data := make([]byte, 200+r.IntN(3000))
		for i := range data {
			data[i] = byte(r.IntN(256))
		}
		enc := base64.StdEncoding.EncodeToString(data)
		var lines []string
		for len(enc) > 76 {
			lines, enc = append(lines, enc[:76]), enc[76:]
		}
		lines = append(lines, enc)
		fmt.Fprintf(&h, "Content-Type: multipart/mixed; boundary=%q\r\n\r\nThis is a multi-part message in MIME format.\r\n", b)
		fmt.Fprintf(&h, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", b, text)
		fmt.Fprintf(&h, "--%s\r\nContent-Type: application/octet-stream; name=\"data-%d.bin\"\r\nContent-Disposition: attachment; filename=\"data-%d.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n", b, n, n, strings.Join(lines, "\r\n"))
		fmt.Fprintf(&h, "--%s--\r\n", b)
	default:
		b := fmt.Sprintf("fwd-%d", n)
		fmt.Fprintf(&h, "Content-Type: multipart/mixed; boundary=%q\r\n\r\n", b)
		fmt.Fprintf(&h, "--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nForwarded message below.\r\n", b)
		fmt.Fprintf(&h, "--%s\r\nContent-Type: message/rfc822\r\n\r\n", b)
		fmt.Fprintf(&h, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: original %d\r\nMessage-ID: <orig.%d@memserver.example>\r\n\r\n%s\r\n",
			date.Add(-time.Hour).Format(time.RFC1123Z), addrHeader(r), addrHeader(r), n, n, paragraph(r, 30))
		fmt.Fprintf(&h, "--%s--\r\n", b)
	}
	return []byte(h.String())
}
