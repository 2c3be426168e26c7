package transport

import (
	"encoding/base64"
	"math/rand/v2"
	"strconv"
	"sync"
)

// This file generates, deterministically, the realistic IMAP traffic the
// DEFLATE tests and benchmarks use: a server's FETCH responses carrying whole
// messages (headers with Received chains and DKIM signatures, text bodies
// with quoted replies, HTML alternatives, some base64 attachments), and a
// client's commands. Nothing is committed.

var words = []string{
	"the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on", "are",
	"with", "as", "I", "his", "they", "be", "at", "one", "have", "this", "from", "or", "had", "by",
	"hot", "word", "but", "what", "some", "we", "can", "out", "other", "were", "all", "there", "when",
	"up", "use", "your", "how", "said", "an", "each", "she", "which", "do", "their", "time", "if",
	"will", "way", "about", "many", "then", "them", "write", "would", "like", "so", "these", "her",
	"long", "make", "thing", "see", "him", "two", "has", "look", "more", "day", "could", "go", "come",
	"did", "number", "sound", "no", "most", "people", "my", "over", "know", "water", "than", "call",
	"first", "who", "may", "down", "side", "been", "now", "find", "meeting", "project", "release",
	"server", "mailbox", "invoice", "quarterly", "report", "schedule", "review", "budget", "customer",
	"deadline", "thanks", "regards", "please", "attached", "update", "question", "proposal", "team",
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "tomorrow", "yesterday", "draft",
	"agenda", "minutes", "contract", "feedback", "design", "deployment", "migration", "database",
	"performance", "security", "password", "account", "subscription", "newsletter", "offer",
	"discount", "shipping", "order", "delivery", "tracking", "payment", "receipt", "support",
}

var names = []string{
	"Alice Martin", "Bob Chen", "Carol Schmidt", "David Okafor", "Eve Dubois", "Frank Rossi",
	"Grace Kim", "Heidi Larsen", "Ivan Petrov", "Judy Nakamura", "Mallory Evans", "Oscar Silva",
}

var domains = []string{"example.com", "example.org", "mail.example.net", "lists.example.edu", "shop.example"}

type mailGen struct {
	r   *rand.Rand
	buf []byte
}

func (g *mailGen) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g *mailGen) sentence(b []byte) []byte {
	n := 6 + g.r.IntN(14)
	for i := range n {
		w := g.pick(words)
		if i == 0 {
			b = append(b, w[0]&^0x20)
			b = append(b, w[1:]...)
		} else {
			b = append(b, ' ')
			b = append(b, w...)
		}
	}
	if g.r.IntN(6) == 0 {
		return append(b, '?')
	}
	return append(b, '.')
}

// paragraph appends a paragraph wrapped at 72 columns with prefix on each line.
func (g *mailGen) paragraph(b []byte, prefix string) []byte {
	var p []byte
	for range 2 + g.r.IntN(5) {
		p = g.sentence(p)
		p = append(p, ' ')
	}
	for len(p) > 0 {
		n := min(len(p), 72)
		for n < len(p) && n > 40 && p[n] != ' ' {
			n--
		}
		b = append(b, prefix...)
		b = append(b, p[:n]...)
		b = append(b, "\r\n"...)
		p = p[n:]
		for len(p) > 0 && p[0] == ' ' {
			p = p[1:]
		}
	}
	return append(b, "\r\n"...)
}

func (g *mailGen) addr(name string) string {
	local := []byte(name)
	for i, c := range local {
		if c == ' ' {
			local[i] = '.'
		} else if c >= 'A' && c <= 'Z' {
			local[i] = c | 0x20
		}
	}
	return string(local) + "@" + g.pick(domains)
}

func (g *mailGen) date(b []byte) []byte {
	days := []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	months := []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	b = append(b, g.pick(days)...)
	b = append(b, ", "...)
	b = strconv.AppendInt(b, int64(1+g.r.IntN(28)), 10)
	b = append(b, ' ')
	b = append(b, g.pick(months)...)
	b = append(b, " 2024 "...)
	h, m, s := g.r.IntN(24), g.r.IntN(60), g.r.IntN(60)
	b = append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
	return append(b, " +0000"...)
}

func (g *mailGen) randomBase64(b []byte, n int) []byte {
	raw := make([]byte, n)
	for i := range raw {
		raw[i] = byte(g.r.Uint32())
	}
	return g.base64Lines(b, raw)
}

func (g *mailGen) base64Lines(b, raw []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(raw)
	for len(enc) > 0 {
		n := min(76, len(enc))
		b = append(b, enc[:n]...)
		b = append(b, "\r\n"...)
		enc = enc[n:]
	}
	return b
}

// message returns one RFC 5322 message.
func (g *mailGen) message(seq int) []byte {
	b := g.buf[:0]
	from, to := g.pick(names), g.pick(names)
	for i := range 2 + g.r.IntN(3) {
		b = append(b, "Received: from mx"...)
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, "."...)
		b = append(b, g.pick(domains)...)
		b = append(b, " (mx.example.com [192.0.2."...)
		b = strconv.AppendInt(b, int64(g.r.IntN(255)), 10)
		b = append(b, "])\r\n\tby imap.example.com (Postfix) with ESMTPS id 4T"...)
		b = strconv.AppendUint(b, g.r.Uint64()>>20, 36)
		b = append(b, "\r\n\tfor <"...)
		b = append(b, g.addr(to)...)
		b = append(b, ">; "...)
		b = g.date(b)
		b = append(b, "\r\n"...)
	}
	b = append(b, "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d="...)
	b = append(b, g.pick(domains)...)
	b = append(b, ";\r\n\ts=selector1; h=from:to:subject:date:message-id;\r\n\tbh="...)
	b = g.randomBase64(b, 32)
	b = append(b, "\tb="...)
	b = g.randomBase64(b, 256)
	b = append(b, "Message-ID: <"...)
	b = strconv.AppendUint(b, g.r.Uint64(), 36)
	b = append(b, '@')
	b = append(b, g.pick(domains)...)
	b = append(b, ">\r\nDate: "...)
	b = g.date(b)
	b = append(b, "\r\nFrom: "+from+" <"...)
	b = append(b, g.addr(from)...)
	b = append(b, ">\r\nTo: "+to+" <"...)
	b = append(b, g.addr(to)...)
	b = append(b, ">\r\nSubject: "...)
	if g.r.IntN(3) == 0 {
		b = append(b, "Re: "...)
	}
	b = g.sentence(b)
	b = append(b, "\r\nMIME-Version: 1.0\r\n"...)
	if g.r.IntN(4) == 0 {
		b = append(b, "List-Id: <announce.lists.example.edu>\r\nList-Unsubscribe: <https://lists.example.edu/unsubscribe?id="...)
		b = strconv.AppendUint(b, g.r.Uint64(), 16)
		b = append(b, ">\r\n"...)
	}
	boundary := "=_b" + strconv.Itoa(seq)
	attach := g.r.IntN(5) == 0
	if attach {
		b = append(b, "Content-Type: multipart/mixed; boundary=\"mixed"+boundary+"\"\r\n\r\n--mixed"+boundary+"\r\n"...)
	}
	b = append(b, "Content-Type: multipart/alternative; boundary=\""+boundary+"\"\r\n\r\n"...)

	// Text part, with a quoted reply half of the time.
	var text []byte
	text = append(text, "Hi "...)
	text = append(text, to...)
	text = append(text, ",\r\n\r\n"...)
	for range 1 + g.r.IntN(4) {
		text = g.paragraph(text, "")
	}
	text = append(text, "Regards,\r\n"...)
	text = append(text, from...)
	text = append(text, "\r\n"...)
	if g.r.IntN(2) == 0 {
		text = append(text, "\r\nOn "...)
		text = g.date(text)
		text = append(text, ", "+to+" wrote:\r\n"...)
		for range 2 + g.r.IntN(6) {
			text = g.paragraph(text, "> ")
		}
	}
	b = append(b, "--"+boundary+"\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"...)
	b = append(b, text...)

	// HTML part: the same text in the markup mail clients produce.
	b = append(b, "--"+boundary+"\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"...)
	b = append(b, "<!DOCTYPE html>\r\n<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"><style>body{font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222222}</style></head>\r\n<body>\r\n"...)
	for _, line := range splitLines(text) {
		if len(line) == 0 {
			continue
		}
		b = append(b, "<div style=\"margin:0;padding:0;font-family:Arial,Helvetica,sans-serif\"><span style=\"font-size:14px;color:#222222\">"...)
		b = append(b, line...)
		b = append(b, "</span></div>\r\n"...)
	}
	b = append(b, "</body></html>\r\n--"+boundary+"--\r\n"...)

	if attach {
		b = append(b, "\r\n--mixed"+boundary+"\r\n"...)
		if g.r.IntN(2) == 0 {
			// An image: incompressible bytes.
			b = append(b, "Content-Type: image/jpeg; name=\"photo.jpg\"\r\nContent-Disposition: attachment; filename=\"photo.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"...)
			b = g.randomBase64(b, 4096+g.r.IntN(28<<10))
		} else {
			// A spreadsheet export: text, base64-encoded.
			b = append(b, "Content-Type: text/csv; name=\"report.csv\"\r\nContent-Disposition: attachment; filename=\"report.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"...)
			var csv []byte
			for i := range 50 + g.r.IntN(400) {
				csv = strconv.AppendInt(csv, int64(i), 10)
				csv = append(csv, ',')
				csv = append(csv, g.pick(names)...)
				csv = append(csv, ',')
				csv = append(csv, g.pick(words)...)
				csv = append(csv, ',')
				csv = strconv.AppendInt(csv, int64(g.r.IntN(100000)), 10)
				csv = append(csv, ".00\r\n"...)
			}
			b = g.base64Lines(b, csv)
		}
		b = append(b, "--mixed"+boundary+"--\r\n"...)
	}
	g.buf = b
	return b
}

func splitLines(b []byte) [][]byte {
	var lines [][]byte
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		line := b[:i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		lines = append(lines, line)
		if i == len(b) {
			break
		}
		b = b[i+1:]
	}
	return lines
}

// mailResponses returns a server's FETCH responses of about size bytes,
// one response per element: what a server writes, and flushes, at a time.
func mailResponses(seed uint64, size int) [][]byte {
	g := &mailGen{r: rand.New(rand.NewPCG(seed, 0x1a9))}
	var out [][]byte
	total := 0
	for seq := 1; total < size; seq++ {
		msg := g.message(seq)
		var b []byte
		b = append(b, "* "...)
		b = strconv.AppendInt(b, int64(seq), 10)
		b = append(b, " FETCH (UID "...)
		b = strconv.AppendInt(b, int64(1000+seq), 10)
		b = append(b, " RFC822.SIZE "...)
		b = strconv.AppendInt(b, int64(len(msg)), 10)
		b = append(b, " FLAGS (\\Seen) INTERNALDATE \"17-Jul-2024 02:44:25 +0000\" BODY[] {"...)
		b = strconv.AppendInt(b, int64(len(msg)), 10)
		b = append(b, "}\r\n"...)
		b = append(b, msg...)
		b = append(b, ")\r\n"...)
		out = append(out, b)
		total += len(b)
	}
	return out
}

// mailCommands returns a client's commands, one per element.
func mailCommands(seed uint64, n int) [][]byte {
	r := rand.New(rand.NewPCG(seed, 0x2b7))
	out := make([][]byte, n)
	for i := range out {
		tag := "A" + strconv.Itoa(i+1) + " "
		var cmd string
		switch r.IntN(6) {
		case 0:
			cmd = "NOOP"
		case 1:
			cmd = "UID FETCH " + strconv.Itoa(1000+r.IntN(5000)) + ":* (UID FLAGS MODSEQ) (CHANGEDSINCE " + strconv.Itoa(r.IntN(1e6)) + ")"
		case 2:
			cmd = "UID FETCH " + strconv.Itoa(1000+r.IntN(5000)) + " (BODY.PEEK[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID)] BODYSTRUCTURE)"
		case 3:
			cmd = "UID STORE " + strconv.Itoa(1000+r.IntN(5000)) + " +FLAGS.SILENT (\\Seen)"
		case 4:
			cmd = "STATUS \"INBOX\" (MESSAGES UNSEEN UIDNEXT UIDVALIDITY HIGHESTMODSEQ)"
		default:
			cmd = "UID SEARCH RETURN (ALL) SINCE 1-Jul-2024 NOT DELETED"
		}
		out[i] = []byte(tag + cmd + "\r\n")
	}
	return out
}

// mailCorpus is 4 MiB of responses, generated once.
var mailCorpus = sync.OnceValue(func() [][]byte { return mailResponses(1, 4<<20) })
