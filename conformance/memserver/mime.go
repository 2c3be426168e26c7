package memserver

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"

	"github.com/imapkit/imapkit/wire"
)

// This file parses messages for ENVELOPE, BODYSTRUCTURE and body
// sections (RFC 9051 §6.4.5, §7.5.2). Parsing never fails: a malformed
// header or a missing boundary degrades to text/plain or to a part
// without children, and nesting and part counts are bounded.

const (
	maxMIMEDepth = 32
	maxMIMEParts = 1000
)

// entity is one MIME entity: a message or a body part.
type entity struct {
	header []byte // raw header, including the empty line that ends it
	body   []byte
	fields []field

	typ, subtype string // upper-case
	params       []wire.Param
	children     []*entity // multipart
	encl         *entity   // message/rfc822 (and message/global)
}

type field struct{ name, value string }

// get returns the first value of header field name, unfolded.
func (e *entity) get(name string) string {
	for _, f := range e.fields {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

func parseMessage(raw []byte) *entity {
	count := 0
	return parseEntity(raw, "", 0, &count)
}

// parseEntity parses raw; defType is the default media type of its
// context (message/rfc822 in multipart/digest, RFC 2046 §5.1.5).
func parseEntity(raw []byte, defType string, depth int, count *int) *entity {
	*count++
	e := &entity{}
	e.header, e.body = splitHeader(raw)
	e.fields = parseFields(e.header)
	ct := e.get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil {
		mt, params = defType, nil
		if mt == "" {
			mt = "text/plain"
		}
		if ct == "" || mt == "text/plain" {
			params = map[string]string{"charset": "us-ascii"}
		}
	}
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || typ == "" || sub == "" {
		typ, sub = "text", "plain"
	}
	e.typ, e.subtype = strings.ToUpper(typ), strings.ToUpper(sub)
	e.params = sortedParams(params)
	if depth >= maxMIMEDepth || *count >= maxMIMEParts {
		return e
	}
	switch {
	case e.typ == "MULTIPART":
		b := params["boundary"]
		if b == "" {
			e.typ, e.subtype = "TEXT", "PLAIN"
			e.params = []wire.Param{{Name: "CHARSET", Value: "US-ASCII"}}
			return e
		}
		def := "text/plain"
		if e.subtype == "DIGEST" {
			def = "message/rfc822"
		}
		for _, p := range splitMultipart(e.body, b) {
			if *count >= maxMIMEParts {
				break
			}
			e.children = append(e.children, parseEntity(p, def, depth+1, count))
		}
		if len(e.children) == 0 {
			// A multipart needs a part (RFC 9051 §9 "body-type-mpart").
			e.children = append(e.children, parseEntity(nil, def, depth+1, count))
		}
	case e.typ == "MESSAGE" && (e.subtype == "RFC822" || e.subtype == "GLOBAL"):
		e.encl = parseEntity(e.body, "", depth+1, count)
	}
	return e
}

func sortedParams(params map[string]string) []wire.Param {
	var ps []wire.Param
	for k, v := range params {
		ps = append(ps, wire.Param{Name: strings.ToUpper(k), Value: v})
	}
	// map order is random: sort for stable output
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Name < ps[j-1].Name; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	return ps
}

// splitHeader splits raw at the empty line after the header; the header
// keeps that line. Without one, everything is header.
func splitHeader(raw []byte) (header, body []byte) {
	if bytes.HasPrefix(raw, []byte("\r\n")) {
		return raw[:2], raw[2:]
	}
	if bytes.HasPrefix(raw, []byte("\n")) {
		return raw[:1], raw[1:]
	}
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		if j := bytes.Index(raw, []byte("\n\n")); j >= 0 && j < i {
			return raw[:j+2], raw[j+2:]
		}
		return raw[:i+4], raw[i+4:]
	}
	if j := bytes.Index(raw, []byte("\n\n")); j >= 0 {
		return raw[:j+2], raw[j+2:]
	}
	return raw, nil
}

// parseFields parses header fields, unfolding continuation lines; lines
// that are not fields are skipped.
func parseFields(header []byte) []field {
	var fs []field
	for _, line := range headerLines(header) {
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimRight(name, " \t")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			continue
		}
		fs = append(fs, field{name, strings.TrimSpace(unfold(value))})
	}
	return fs
}

func unfold(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "")
	return strings.ReplaceAll(s, "\n", "")
}

// headerLines returns the logical lines of header (each with its folded
// continuation lines and line ends), without the final empty line.
func headerLines(header []byte) []string {
	var lines []string
	for len(header) > 0 {
		i := bytes.IndexByte(header, '\n')
		var l []byte
		if i < 0 {
			l, header = header, nil
		} else {
			l, header = header[:i+1], header[i+1:]
		}
		if len(bytes.TrimRight(l, "\r\n")) == 0 {
			break
		}
		if (l[0] == ' ' || l[0] == '\t') && len(lines) > 0 {
			lines[len(lines)-1] += string(l)
			continue
		}
		lines = append(lines, string(l))
	}
	return lines
}

// splitMultipart returns the body parts of a multipart body with
// boundary b (RFC 2046 §5.1.1): what lies between delimiter lines,
// without the CRLF that precedes each delimiter.
func splitMultipart(body []byte, b string) [][]byte {
	delim := []byte("--" + b)
	var parts [][]byte
	start := -1
	pos := 0
	for pos <= len(body) {
		// find the next delimiter at the start of a line
		i := bytes.Index(body[pos:], delim)
		if i < 0 {
			break
		}
		i += pos
		if i > 0 && body[i-1] != '\n' {
			pos = i + len(delim)
			continue
		}
		end := i
		if end > 0 && body[end-1] == '\n' {
			end--
			if end > 0 && body[end-1] == '\r' {
				end--
			}
		}
		if start >= 0 && end >= start {
			parts = append(parts, body[start:end])
		}
		after := body[i+len(delim):]
		if bytes.HasPrefix(after, []byte("--")) {
			return parts
		}
		nl := bytes.IndexByte(after, '\n')
		if nl < 0 {
			return parts
		}
		start = i + len(delim) + nl + 1
		pos = start
	}
	if start >= 0 && start <= len(body) {
		parts = append(parts, body[start:]) // no close delimiter
	}
	return parts
}

// structure returns the BODYSTRUCTURE of e (RFC 9051 §7.5.2), with
// extension data.
func (e *entity) structure() *wire.BodyStructure {
	b := &wire.BodyStructure{Type: e.typ, Subtype: e.subtype, Params: e.params, Extended: true}
	if e.typ == "MULTIPART" {
		b.Params = nil
		for _, p := range e.params {
			b.Params = append(b.Params, p)
		}
		for _, c := range e.children {
			b.Parts = append(b.Parts, *c.structure())
		}
	} else {
		b.ID = e.get("Content-ID")
		b.Description = e.get("Content-Description")
		b.Encoding = strings.ToUpper(e.get("Content-Transfer-Encoding"))
		if b.Encoding == "" {
			b.Encoding = "7BIT"
		}
		b.Size = uint32(min(len(e.body), 1<<32-1))
		b.MD5 = e.get("Content-MD5")
		if e.typ == "TEXT" || e.encl != nil {
			// The number of line ends, as Dovecot and Cyrus count.
			b.Lines = int64(bytes.Count(e.body, []byte("\n")))
		}
		if e.encl != nil {
			b.Envelope = e.encl.envelope()
			b.Body = e.encl.structure()
		}
	}
	if d := e.get("Content-Disposition"); d != "" {
		if v, ps, err := mime.ParseMediaType(d); err == nil {
			b.Disposition = &wire.Disposition{Value: strings.ToUpper(v), Params: sortedParams(ps)}
		}
	}
	if l := e.get("Content-Language"); l != "" {
		for _, t := range strings.Split(l, ",") {
			if t = strings.TrimSpace(t); t != "" {
				b.Language = append(b.Language, t)
			}
		}
	}
	b.Location = e.get("Content-Location")
	return b
}

// plain returns a copy of b without extension data: FETCH BODY.
func plain(b *wire.BodyStructure) *wire.BodyStructure {
	c := &wire.BodyStructure{Type: b.Type, Subtype: b.Subtype, Params: b.Params, ID: b.ID,
		Description: b.Description, Encoding: b.Encoding, Size: b.Size, Lines: b.Lines, Envelope: b.Envelope}
	for i := range b.Parts {
		c.Parts = append(c.Parts, *plain(&b.Parts[i]))
	}
	if b.Body != nil {
		c.Body = plain(b.Body)
	}
	return c
}

// envelope returns the ENVELOPE of a message entity (RFC 9051 §7.5.2):
// strings as they are in the header (encoded words stay encoded).
func (e *entity) envelope() *wire.Envelope {
	env := &wire.Envelope{
		Date:      e.get("Date"),
		Subject:   e.get("Subject"),
		From:      addresses(e.get("From")),
		Sender:    addresses(e.get("Sender")),
		ReplyTo:   addresses(e.get("Reply-To")),
		To:        addresses(e.get("To")),
		Cc:        addresses(e.get("Cc")),
		Bcc:       addresses(e.get("Bcc")),
		InReplyTo: e.get("In-Reply-To"),
		MessageID: e.get("Message-ID"),
	}
	// RFC 9051 §7.5.2: sender and reply-to default to from.
	if len(env.Sender) == 0 {
		env.Sender = env.From
	}
	if len(env.ReplyTo) == 0 {
		env.ReplyTo = env.From
	}
	return env
}

// addresses parses an address list with net/mail, keeping RFC 5322
// groups ("name: members;") as the group markers of RFC 9051 §7.5.2
// (net/mail flattens them). Names are given back in RFC 2047 form when
// they are not ASCII; a part that does not parse is left out.
func addresses(s string) []wire.Address {
	if s == "" {
		return nil
	}
	var out []wire.Address
	for _, seg := range splitGroups(s) {
		if seg.group {
			out = append(out, wire.Address{Mailbox: seg.name})
		}
		out = append(out, parseList(seg.body)...)
		if seg.group {
			out = append(out, wire.Address{})
		}
	}
	return out
}

var addrParser = mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: func(_ string, r io.Reader) (io.Reader, error) { return r, nil }}}

func parseList(s string) []wire.Address {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	list, err := addrParser.ParseList(s)
	if err != nil {
		return nil
	}
	var out []wire.Address
	for _, a := range list {
		local, host := a.Address, "missing-domain"
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 {
			local, host = a.Address[:i], a.Address[i+1:]
		}
		name := a.Name
		if !isASCII(name) {
			name = mime.QEncoding.Encode("utf-8", name)
		}
		out = append(out, wire.Address{Name: name, Mailbox: local, Host: host})
	}
	return out
}

type addrSegment struct {
	group      bool
	name, body string
}

// splitGroups splits an address list into runs of plain addresses and
// groups, scanning outside quoted strings, comments and angle brackets.
func splitGroups(s string) []addrSegment {
	var segs []addrSegment
	start := 0 // start of the current plain run
	itemStart := 0
	inQuote, inAngle, comment := false, false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote:
			if c == '\\' {
				i++
			} else if c == '"' {
				inQuote = false
			}
		case comment > 0:
			if c == '\\' {
				i++
			} else if c == '(' {
				comment++
			} else if c == ')' {
				comment--
			}
		case c == '"':
			inQuote = true
		case c == '(':
			comment = 1
		case c == '<':
			inAngle = true
		case c == '>':
			inAngle = false
		case c == ',' && !inAngle:
			itemStart = i + 1
		case c == ':' && !inAngle:
			// A group: from itemStart to here is its name.
			if plain := s[start:itemStart]; strings.Trim(plain, " \t,") != "" {
				segs = append(segs, addrSegment{body: plain})
			}
			name := strings.TrimSpace(s[itemStart:i])
			if dec, err := addrParser.WordDecoder.DecodeHeader(name); err == nil && dec != name {
				name = dec
			}
			name = strings.Trim(name, `"`)
			end := strings.IndexByte(s[i+1:], ';')
			body := ""
			if end < 0 {
				body, i = s[i+1:], len(s)
			} else {
				body, i = s[i+1:i+1+end], i+1+end
			}
			segs = append(segs, addrSegment{group: true, name: name, body: body})
			start, itemStart = i+1, i+1
		}
	}
	if start < len(s) {
		if plain := s[start:]; strings.Trim(plain, " \t,") != "" {
			segs = append(segs, addrSegment{body: plain})
		}
	}
	return segs
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// part returns the entity that section part path names (RFC 9051
// §6.4.5), or nil.
func (e *entity) part(path []int) *entity {
	cur := e
	for _, n := range path {
		t := cur
		if t.encl != nil && t != e {
			t = t.encl
		}
		switch {
		case t.typ == "MULTIPART":
			if n < 1 || n > len(t.children) {
				return nil
			}
			cur = t.children[n-1]
		case n == 1:
			cur = t
		default:
			return nil
		}
	}
	return cur
}

// section returns the octets of BODY[sec] and whether the section exists.
func (e *entity) section(sec wire.Section) ([]byte, bool) {
	p := e.part(sec.Part)
	if p == nil {
		return nil, false
	}
	msg := p // the message HEADER and TEXT refer to
	if len(sec.Part) > 0 {
		msg = p.encl
	}
	switch sec.Specifier {
	case "":
		if len(sec.Part) == 0 {
			return joinRaw(p.header, p.body), true
		}
		return p.body, true
	case wire.SectionMIME:
		if len(sec.Part) == 0 {
			return nil, false
		}
		return p.header, true
	case wire.SectionText:
		if msg == nil {
			return nil, false
		}
		return msg.body, true
	case wire.SectionHeader:
		if msg == nil {
			return nil, false
		}
		return msg.header, true
	case wire.SectionHeaderFields, wire.SectionHeaderFieldsNot:
		if msg == nil {
			return nil, false
		}
		return filterHeader(msg.header, sec.Fields, sec.Specifier == wire.SectionHeaderFieldsNot), true
	}
	return nil, false
}

func joinRaw(h, b []byte) []byte {
	out := make([]byte, 0, len(h)+len(b))
	return append(append(out, h...), b...)
}

// filterHeader returns the header lines named in names (or not in them,
// with not), followed by the empty line (RFC 9051 §6.4.5).
func filterHeader(header []byte, names []string, not bool) []byte {
	var b bytes.Buffer
	for _, l := range headerLines(header) {
		name, _, _ := strings.Cut(l, ":")
		name = strings.TrimSpace(name)
		in := false
		for _, n := range names {
			if strings.EqualFold(n, name) {
				in = true
				break
			}
		}
		if in != not {
			b.WriteString(l)
		}
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// decoded returns the content of e with its Content-Transfer-Encoding
// undone (RFC 3516 §4.2 BINARY), and false for an encoding it does not
// know (the server answers UNKNOWN-CTE).
func (e *entity) decoded() ([]byte, bool) {
	switch strings.ToLower(e.get("Content-Transfer-Encoding")) {
	case "", "7bit", "8bit", "binary":
		return e.body, true
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, e.body)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		if err != nil {
			n, _ = base64.RawStdEncoding.Decode(out, bytes.TrimRight(clean, "="))
		}
		return out[:n], true
	case "quoted-printable":
		out, _ := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(e.body)))
		return out, true
	}
	return nil, false
}

// text returns the searchable text of e: its header and body.
func (e *entity) text() []byte { return joinRaw(e.header, e.body) }
