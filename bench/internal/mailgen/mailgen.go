// Package mailgen generates realistic, deterministic email messages for the
// benchmarks: multipart/alternative text and HTML bodies in quoted-printable
// UTF-8, base64 attachments (incompressible "images" and "PDFs",
// compressible CSV and plain-text documents), and non-ASCII headers, both
// RFC 2047 encoded and raw 8-bit UTF-8 as real mailboxes contain them.
//
// Message i of a mailbox depends only on the mailbox's seed and i, so a
// mailbox can be generated in parallel and every run sees the same bytes.
package mailgen

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"
)

// rng is splitmix64: small, fast, deterministic.
type rng struct{ s uint64 }

func newRNG(seed uint64, i int) *rng {
	r := &rng{s: seed*0x9E3779B97F4A7C15 ^ uint64(i)*0xD1B54A32D192ED03}
	r.next()
	return r
}

func (r *rng) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int          { return int(r.next() % uint64(n)) }
func (r *rng) pick(s []string) string  { return s[r.intn(len(s))] }
func (r *rng) chance(percent int) bool { return r.intn(100) < percent }

// fill writes random bytes into b.
func (r *rng) fill(b []byte) {
	for len(b) >= 8 {
		v := r.next()
		b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56)
		b = b[8:]
	}
	for i := range b {
		b[i] = byte(r.next())
	}
}

var (
	names = []string{"Alice Example", "Bob Builder", "Carol Danvers", "Dave Grohl", "Grace Hopper",
		"Jürgen Müller", "Zoë Saldaña", "Ørjan Ødegård", "François Lefèvre", "山田 太郎", "Анна Петрова",
		"José Álvarez", "Søren Kierkegård", "Łukasz Żółć", "María Pérez", "Νίκος Παπαδόπουλος"}
	hosts    = []string{"example.com", "mail.example.org", "lists.example.net", "corp.example", "beispiel.de", "exemple.fr"}
	subjects = []string{"Quarterly report", "Meeting notes for Tuesday", "Café menu for the offsite", "Invoice 2024-0042",
		"Build failed on main", "Lunch?", "Grüße aus Köln", "Réunion de l'équipe — ordre du jour", "会議の議事録",
		"Отчёт за квартал", "Photos from the trip 📷", "Re: Überweisung bestätigt", "Contract draft v3", "Season's greetings"}
	words = strings.Fields(`the of and to a in is that for it as was with be by on not he this are or his from at which
		but have an they you were her all she there would their we him been has when who will more no if out so said what up
		its about into than them can only other new some could time these two may then do first any my now such like our over
		man me even most made after also did many before must through back years where much your way well down should because
		each just those people how too little state good very make world still own see men work long get here between both life
		being under never day same another know while last might us great old year off come since against go came right used take
		three Straße Größe Übersicht naïve café déjà façade résumé smörgåsbord jalapeño piñata Ærø Ångström`)
	attachTypes = []struct {
		typ, ext string
		text     bool
	}{
		{"image/jpeg", "jpg", false}, {"application/pdf", "pdf", false}, {"application/zip", "zip", false},
		{"image/png", "png", false}, {"text/csv", "csv", true}, {"text/plain", "txt", true},
		{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", false},
	}
)

// Base is the date of message 0; message i is dated i minutes later.
var Base = time.Date(2024, 3, 1, 8, 0, 0, 0, time.FixedZone("", 3600))

// Date returns the date of message i (also its INTERNALDATE).
func Date(i int) time.Time { return Base.Add(time.Duration(i) * time.Minute) }

// Size returns the target size of message i of a mailbox whose sizes are
// log-uniform between min and max.
func Size(seed uint64, i, min, max int) int {
	r := newRNG(seed^0x5151, i)
	u := float64(r.next()>>11) / (1 << 53)
	return int(float64(min) * math.Exp(u*math.Log(float64(max)/float64(min))))
}

// header encodes a header value containing non-ASCII text the way mail
// clients do: mostly RFC 2047 (B or Q), sometimes raw 8-bit UTF-8.
func header(r *rng, s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	switch r.intn(10) {
	case 0:
		return s // raw UTF-8 (RFC 6532 or just sloppy)
	case 1, 2, 3, 4:
		return mime.QEncoding.Encode("UTF-8", s)
	default:
		return mime.BEncoding.Encode("UTF-8", s)
	}
}

func (r *rng) address() (display, addr string) {
	name := r.pick(names)
	local := strings.ToLower(strings.Fields(name)[0])
	var b strings.Builder
	for _, c := range local {
		if c < 0x80 && c != ' ' {
			b.WriteRune(c)
		}
	}
	l := b.String()
	if l == "" {
		l = fmt.Sprintf("user%d", r.intn(1000))
	}
	return name, l + "@" + r.pick(hosts)
}

func (r *rng) mailbox() string {
	name, addr := r.address()
	return header(r, name) + " <" + addr + ">"
}

// text returns about n bytes of prose in lines of at most 76 characters.
func (r *rng) text(n int) string {
	var b strings.Builder
	line := 0
	for b.Len() < n {
		w := r.pick(words)
		if line+len(w)+1 > 72 {
			b.WriteString("\n")
			line = 0
			if r.chance(8) {
				b.WriteString("\n")
			}
		} else if line > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	b.WriteString("\n")
	return b.String()
}

// csv returns about n bytes of a spreadsheet export.
func (r *rng) csv(n int) []byte {
	var b bytes.Buffer
	b.WriteString("date,account,item,quantity,amount,currency,comment\n")
	for b.Len() < n {
		fmt.Fprintf(&b, "2024-%02d-%02d,ACME-%05d,%s,%d,%d.%02d,EUR,%s %s\n", 1+r.intn(12), 1+r.intn(28), r.intn(100000),
			r.pick(words), 1+r.intn(500), r.intn(100000), r.intn(100), r.pick(words), r.pick(words))
	}
	return b.Bytes()
}

func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return strings.ReplaceAll(b.String(), "\r\n", "\n")
}

// base64Lines encodes data in lines of 76 characters.
func base64Lines(dst *bytes.Buffer, data []byte) {
	enc := make([]byte, base64.StdEncoding.EncodedLen(57))
	for len(data) > 0 {
		n := min(57, len(data))
		base64.StdEncoding.Encode(enc, data[:n])
		dst.Write(enc[:base64.StdEncoding.EncodedLen(n)])
		dst.WriteByte('\n')
		data = data[n:]
	}
}

// Message returns message i of a mailbox (seed), of about size bytes, with
// LF line ends as Maildir stores them.
func Message(seed uint64, i, size int) []byte {
	r := newRNG(seed, i)
	var h bytes.Buffer
	from := r.mailbox()
	fmt.Fprintf(&h, "Return-Path: <bounce-%d@%s>\n", i, r.pick(hosts))
	fmt.Fprintf(&h, "Received: from mx%d.%s (mx%d.%s [192.0.2.%d])\n\tby mail.example.org with ESMTPS id %08x\n\tfor <testuser2@example.org>; %s\n",
		r.intn(9), r.pick(hosts), r.intn(9), r.pick(hosts), 1+r.intn(250), r.next()&0xffffffff, Date(i).Format(time.RFC1123Z))
	fmt.Fprintf(&h, "Date: %s\n", Date(i).Format(time.RFC1123Z))
	fmt.Fprintf(&h, "From: %s\n", from)
	to := []string{r.mailbox()}
	for r.chance(30) && len(to) < 4 {
		to = append(to, r.mailbox())
	}
	fmt.Fprintf(&h, "To: %s\n", strings.Join(to, ",\n "))
	if r.chance(25) {
		fmt.Fprintf(&h, "Cc: %s\n", r.mailbox())
	}
	subj := r.pick(subjects)
	if r.chance(30) {
		subj = "Re: " + subj
	}
	fmt.Fprintf(&h, "Subject: %s\n", header(r, subj))
	fmt.Fprintf(&h, "Message-ID: <%d.%016x@%s>\n", i, r.next(), r.pick(hosts))
	if r.chance(30) {
		fmt.Fprintf(&h, "In-Reply-To: <%d.%016x@%s>\n", r.intn(i+1), r.next(), r.pick(hosts))
	}
	h.WriteString("MIME-Version: 1.0\n")

	var body bytes.Buffer
	budget := size - h.Len() - 200
	textLen := min(max(budget/2, 300), 6000)
	if budget < 4000 {
		textLen = max(budget, 200)
	}
	plain := r.text(textLen)
	withHTML := budget > 1500 && r.chance(70)
	alt := func(b *bytes.Buffer, boundary string) {
		fmt.Fprintf(b, "Content-Type: multipart/alternative; boundary=\"%s\"\n\n", boundary)
		fmt.Fprintf(b, "--%s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n%s\n", boundary, qp(plain))
		html := "<html><body><p>" + strings.ReplaceAll(plain, "\n\n", "</p>\n<p>") + "</p></body></html>\n"
		fmt.Fprintf(b, "--%s\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n%s\n--%s--\n", boundary, qp(html), boundary)
	}
	used := h.Len() + len(plain)*2
	if withHTML {
		used += len(plain) + 200
	}
	if size-used < 2048 {
		// A text message, plain or alternative.
		if withHTML {
			alt(&body, fmt.Sprintf("alt_%016x", r.next()))
		} else {
			body.WriteString("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n")
			body.WriteString(qp(plain))
		}
		return append(h.Bytes(), body.Bytes()...)
	}
	// multipart/mixed: the text, then one or two base64 attachments that
	// fill the rest of the size.
	mix := fmt.Sprintf("mix_%016x", r.next())
	fmt.Fprintf(&body, "Content-Type: multipart/mixed; boundary=\"%s\"\n\nThis is a multi-part message in MIME format.\n", mix)
	fmt.Fprintf(&body, "--%s\n", mix)
	if withHTML {
		alt(&body, fmt.Sprintf("alt_%016x", r.next()))
	} else {
		fmt.Fprintf(&body, "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n%s\n", qp(plain))
	}
	remaining := size - h.Len() - body.Len() - 300
	parts := 1
	if remaining > 200_000 && r.chance(40) {
		parts = 2
	}
	for p := 0; p < parts; p++ {
		encoded := remaining / parts
		raw := encoded * 57 / 77
		at := attachTypes[r.intn(len(attachTypes))]
		var data []byte
		if at.text {
			data = r.csv(raw)[:raw]
			if at.ext == "txt" {
				data = []byte(r.text(raw))[:raw]
			}
		} else {
			data = make([]byte, raw)
			r.fill(data)
		}
		fname := fmt.Sprintf("%s-%d.%s", r.pick([]string{"scan", "Bericht", "photo", "résumé", "invoice", "données"}), i, at.ext)
		fmt.Fprintf(&body, "--%s\nContent-Type: %s; name=\"%s\"\nContent-Disposition: attachment; filename=\"%s\"\nContent-Transfer-Encoding: base64\n\n",
			mix, at.typ, mime.QEncoding.Encode("UTF-8", fname), mime.QEncoding.Encode("UTF-8", fname))
		base64Lines(&body, data)
	}
	fmt.Fprintf(&body, "--%s--\n", mix)
	return append(h.Bytes(), body.Bytes()...)
}

// CRLF returns msg with LF line ends turned into CRLF (for APPEND).
func CRLF(msg []byte) []byte {
	return bytes.ReplaceAll(msg, []byte("\n"), []byte("\r\n"))
}

// Lines counts the LF line ends of msg: its RFC822.SIZE is len(msg)+Lines.
func Lines(msg []byte) int { return bytes.Count(msg, []byte("\n")) }
