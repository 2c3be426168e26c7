package codec

import (
	"github.com/imapkit/imapkit/wire"
)

// envelope reads an envelope (RFC 9051 §9, "envelope"). The six address
// lists share one allocation.
func (p *Parser) envelope() (*wire.Envelope, error) {
	if err := p.open(); err != nil {
		return nil, err
	}
	if err := p.Enter(); err != nil {
		return nil, err
	}
	defer p.Leave()
	e := &wire.Envelope{}
	nstring := func(dst *string, f wire.EnvelopeFields) error {
		if p.literalNext() {
			e.Literal |= f
		}
		s, isNil, err := p.ReadNString()
		if s == "" && !isNil {
			e.Empty |= f
		}
		*dst = s
		return err
	}
	if err := nstring(&e.Date, wire.EnvelopeDate); err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if err := nstring(&e.Subject, wire.EnvelopeSubject); err != nil {
		return nil, err
	}
	var ends [6]int
	var buf [12]wire.Address
	addrs := buf[:0]
	var err error
	for i := range ends {
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		if addrs, err = p.addressList(addrs); err != nil {
			return nil, err
		}
		ends[i] = len(addrs)
	}
	if len(addrs) > 0 {
		all := p.addrSlab.take(addrs, 64)
		lists := [6]*[]wire.Address{&e.From, &e.Sender, &e.ReplyTo, &e.To, &e.Cc, &e.Bcc}
		start := 0
		for i, end := range ends {
			if end > start {
				*lists[i] = all[start:end:end]
			}
			start = end
		}
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if err := nstring(&e.InReplyTo, wire.EnvelopeInReplyTo); err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if err := nstring(&e.MessageID, wire.EnvelopeMessageID); err != nil {
		return nil, err
	}
	if err := p.Expect(')'); err != nil {
		return nil, err
	}
	return e, nil
}

// addressList reads "(" 1*address ")" / nil (RFC 9051 §9, "env-from")
// and appends the addresses to dst. Leniently, "()" and spaces between
// the addresses are accepted.
func (p *Parser) addressList(dst []wire.Address) ([]wire.Address, error) {
	if p.ReadNil() {
		return dst, nil
	}
	if err := p.open(); err != nil {
		return nil, err
	}
	n := 0
	for {
		c, _ := p.PeekByte()
		if c == ')' && (n > 0 || !p.strict) {
			p.pos++
			return dst, nil
		}
		if c == ' ' && n > 0 && !p.strict {
			p.pos++
			continue
		}
		if n >= p.opt.MaxListItems {
			return nil, p.limitErr(ErrTooManyItems)
		}
		a, err := p.address()
		if err != nil {
			return nil, err
		}
		dst = append(dst, a)
		n++
	}
}

// address reads "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")".
func (p *Parser) address() (wire.Address, error) {
	var a wire.Address
	if err := p.open(); err != nil {
		return a, err
	}
	fields := [4]*string{&a.Name, &a.ADL, &a.Mailbox, &a.Host}
	for i, f := range fields {
		if i > 0 {
			if err := p.ReadSP(); err != nil {
				return a, err
			}
		}
		if p.literalNext() {
			a.Literal |= wire.AddressFields(1) << i
		}
		s, isNil, err := p.ReadNString()
		if err != nil {
			return a, err
		}
		if s == "" && !isNil {
			a.Empty |= wire.AddressFields(1) << i // "" as sent, not NIL
		}
		*f = s
	}
	return a, p.Expect(')')
}

// body reads a body (RFC 9051 §9): a single part or a multipart, with
// the extension data when present, into b.
func (p *Parser) body(b *wire.BodyStructure) error {
	if err := p.open(); err != nil {
		return err
	}
	if err := p.Enter(); err != nil {
		return err
	}
	defer p.Leave()
	var err error
	switch c, _ := p.PeekByte(); {
	case c == '(':
		err = p.multipart(b)
	case !p.strict && p.nilChildThenSubtype():
		// "(NIL "MIXED")": a multipart whose only child is NIL (seen from
		// production servers): a multipart with no parts.
		err = p.multipartTail(b, nil)
	default:
		err = p.singlePart(b)
	}
	if err != nil {
		return err
	}
	return p.Expect(')')
}

// multipart reads body-type-mpart. The parts are parsed in place, into a
// slice that grows as they come (most multiparts have two or three).
func (p *Parser) multipart(b *wire.BodyStructure) error {
	parts := make([]wire.BodyStructure, 0, 2)
	for {
		if len(parts) >= p.opt.MaxListItems {
			return p.limitErr(ErrTooManyItems)
		}
		parts = append(parts, wire.BodyStructure{})
		if err := p.body(&parts[len(parts)-1]); err != nil {
			return err
		}
		for !p.strict && p.nilChild() {
			// NIL where a part should be (seen from production servers):
			// skipped.
		}
		c, _ := p.PeekByte()
		if c == '(' {
			continue
		}
		// A space between the parts: not in the grammar (1*body), seen
		// from servers outside the tested three; accepted leniently.
		if c == ' ' && !p.strict && p.pos+1 < len(p.line) && p.line[p.pos+1] == '(' {
			p.pos++
			continue
		}
		break
	}
	return p.multipartTail(b, parts)
}

// nilChild consumes a NIL that stands where a part of a multipart
// should: right after the part before it ("...)NIL"), or before the
// subtype (" NIL "MIXED"").
func (p *Parser) nilChild() bool {
	i := p.pos
	glued := i > 0 && p.line[i-1] == ')'
	if i < len(p.line) && p.line[i] == ' ' {
		glued = false
		i++
	}
	if i+3 > len(p.line) || !isNILAt(p.line, i) {
		return false
	}
	j := i + 3
	if j < len(p.line) && (p.line[j] == ')' || charClass[p.line[j]]&cAtom != 0) {
		return false // "NIL)" is the subtype NIL; NILS an atom
	}
	if !glued && !(j+1 < len(p.line) && p.line[j] == ' ' && (p.line[j+1] == '"' || p.line[j+1] == '(')) {
		return false
	}
	p.pos = j
	return true
}

// nilChildThenSubtype reports whether the body starts with NIL SP
// string ")": a multipart whose only part is NIL; it consumes the NIL.
func (p *Parser) nilChildThenSubtype() bool {
	i := p.pos
	if !isNILAt(p.line, i) || i+4 >= len(p.line) || p.line[i+3] != ' ' || p.line[i+4] != '"' {
		return false
	}
	j := i + 5
	for j < len(p.line) && p.line[j] != '"' && p.line[j] != '\\' {
		j++
	}
	if j+1 >= len(p.line) || p.line[j] != '"' || p.line[j+1] != ')' {
		return false
	}
	p.pos = i + 3
	return true
}

func isNILAt(b []byte, i int) bool {
	return i+3 <= len(b) && b[i]|0x20 == 'n' && b[i+1]|0x20 == 'i' && b[i+2]|0x20 == 'l'
}

// multipartTail reads what follows the parts of a multipart: SP subtype
// [SP body-ext-mpart].
func (p *Parser) multipartTail(b *wire.BodyStructure, parts []wire.BodyStructure) error {
	b.Parts = parts
	b.Type = "MULTIPART"
	if err := p.ReadSP(); err != nil {
		return err
	}
	var err error
	if b.Subtype, err = p.internString(); err != nil {
		return err
	}
	if p.AtEnd() || p.line[p.pos] != ' ' {
		return nil
	}
	// body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang
	// [SP body-fld-loc *(SP body-extension)]]]
	b.Extended = true
	p.pos++
	if b.Params, err = p.params(); err != nil {
		return err
	}
	return p.bodyExtTail(b)
}

// singlePart reads body-type-1part.
func (p *Parser) singlePart(b *wire.BodyStructure) error {
	var err error
	if b.Type, err = p.internString(); err != nil {
		return err
	}
	if !p.strict {
		// A multipart with no parts (seen from production servers, go-imap
		// issue 701): its subtype, then ")" or its extension data, where
		// a single part has its subtype string.
		if c, _ := p.PeekByte(); c == ')' {
			b.Type, b.Subtype = "MULTIPART", b.Type
			return nil
		}
		if p.pos+1 < len(p.line) && p.line[p.pos] == ' ' && p.line[p.pos+1] == '(' {
			b.Type, b.Subtype = "MULTIPART", b.Type
			p.pos++
			b.Extended = true
			if b.Params, err = p.params(); err != nil {
				return err
			}
			return p.bodyExtTail(b)
		}
	}
	if err := p.ReadSP(); err != nil {
		return err
	}
	if b.Subtype, err = p.internString(); err != nil {
		return err
	}
	// body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP
	// body-fld-enc SP body-fld-octets
	if err := p.ReadSP(); err != nil {
		return err
	}
	if b.Params, err = p.params(); err != nil {
		return err
	}
	if err := p.ReadSP(); err != nil {
		return err
	}
	if b.ID, _, err = p.ReadNString(); err != nil {
		return err
	}
	if err := p.ReadSP(); err != nil {
		return err
	}
	if b.Description, _, err = p.ReadNString(); err != nil {
		return err
	}
	if err := p.ReadSP(); err != nil {
		return err
	}
	if b.Encoding, err = p.internString(); err != nil {
		return err
	}
	if err := p.ReadSP(); err != nil {
		return err
	}
	if b.Size, err = p.lenientNumber(); err != nil {
		return err
	}
	switch {
	case equalFold(b.Type, "TEXT"):
		// body-type-text: SP body-fld-lines. Leniently the lines may be
		// missing (servers outside the tested three omit them for empty
		// parts).
		if p.AtEnd() || p.line[p.pos] != ' ' {
			if p.strict {
				return p.SyntaxError("SP body-fld-lines")
			}
			return nil
		}
		p.pos++
		n, err := p.lenientNumber64()
		if err != nil {
			return err
		}
		b.Lines = n
	case equalFold(b.Type, "MESSAGE") && (equalFold(b.Subtype, "RFC822") || equalFold(b.Subtype, "GLOBAL")):
		// body-type-msg: SP envelope SP body SP body-fld-lines.
		// Leniently, a MESSAGE/RFC822 part without them is read as a
		// basic part (servers outside the tested three do this for
		// attached messages they cannot parse).
		if !p.strict && (p.pos+1 >= len(p.line) || p.line[p.pos] != ' ' ||
			(p.line[p.pos+1] != '(' && !(isNILAt(p.line, p.pos+1) && p.pos+4 < len(p.line) && p.line[p.pos+4] == ' '))) {
			break
		}
		if err := p.ReadSP(); err != nil {
			return err
		}
		// Leniently, NIL for the envelope or the body (seen from
		// production servers for messages they cannot parse).
		if p.strict || !p.ReadNil() {
			if b.Envelope, err = p.envelope(); err != nil {
				return err
			}
		}
		if err := p.ReadSP(); err != nil {
			return err
		}
		if p.strict || !p.ReadNil() {
			b.Body = &wire.BodyStructure{}
			if err := p.body(b.Body); err != nil {
				return err
			}
		}
		if err := p.ReadSP(); err != nil {
			return err
		}
		n, err := p.lenientNumber64()
		if err != nil {
			return err
		}
		b.Lines = n
	}
	if p.AtEnd() || p.line[p.pos] != ' ' {
		return nil
	}
	// body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang
	// [SP body-fld-loc *(SP body-extension)]]]
	b.Extended = true
	p.pos++
	if b.MD5, _, err = p.ReadNString(); err != nil {
		return err
	}
	return p.bodyExtTail(b)
}

// bodyExtTail reads [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc
// *(SP body-extension)]]].
func (p *Parser) bodyExtTail(b *wire.BodyStructure) error {
	if !p.moreExt() {
		return nil
	}
	var err error
	if b.Disposition, err = p.disposition(); err != nil {
		return err
	}
	if !p.moreExt() {
		return nil
	}
	if b.Language, err = p.language(); err != nil {
		return err
	}
	if !p.moreExt() {
		return nil
	}
	if b.Location, _, err = p.ReadNString(); err != nil {
		return err
	}
	for p.moreExt() {
		if len(b.Extensions) >= p.opt.MaxListItems {
			return p.limitErr(ErrTooManyItems)
		}
		v, err := p.value(false)
		if err != nil {
			return err
		}
		b.Extensions = append(b.Extensions, v)
	}
	return nil
}

// moreExt consumes the SP before another extension field, if one
// follows.
func (p *Parser) moreExt() bool {
	if p.pos+1 < len(p.line) && p.line[p.pos] == ' ' && p.line[p.pos+1] != ')' {
		p.pos++
		return true
	}
	return false
}

// disposition reads body-fld-dsp: "(" string SP body-fld-param ")" / nil.
func (p *Parser) disposition() (*wire.Disposition, error) {
	if p.ReadNil() {
		return nil, nil
	}
	if !p.strict {
		switch c, _ := p.PeekByte(); {
		case c == '"' || c == '{':
			// "inline" for ("inline" NIL) (seen from Exchange).
			v, err := p.internString()
			if err != nil {
				return nil, err
			}
			return &wire.Disposition{Value: v}, nil
		case c == '(' && p.pos+8 <= len(p.line) && isNILAt(p.line, p.pos+1) && p.line[p.pos+4] == ' ' &&
			isNILAt(p.line, p.pos+5) && p.line[p.pos+8] == ')':
			// (NIL NIL) for NIL (seen from Exchange).
			p.pos += 9
			return nil, nil
		}
	}
	if err := p.open(); err != nil {
		return nil, err
	}
	d := &wire.Disposition{}
	var err error
	if d.Value, err = p.internString(); err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if d.Params, err = p.params(); err != nil {
		return nil, err
	}
	return d, p.Expect(')')
}

// language reads body-fld-lang: nstring / "(" string *(SP string) ")".
func (p *Parser) language() ([]string, error) {
	if c, _ := p.PeekByte(); c != '(' {
		s, isNil, err := p.ReadNString()
		if err != nil || isNil {
			return nil, err
		}
		return []string{s}, nil
	}
	var langs []string
	err := p.ReadList(func(p *Parser) error {
		if !p.strict && p.ReadNil() {
			return nil // (NIL): seen from production servers
		}
		s, err := p.internString()
		langs = append(langs, s)
		return err
	})
	return langs, err
}

// params reads body-fld-param: "(" string SP string *(SP string SP
// string) ")" / nil. Leniently "()" is accepted (as nil).
func (p *Parser) params() ([]wire.Param, error) {
	if p.ReadNil() {
		return nil, nil
	}
	if err := p.open(); err != nil {
		return nil, err
	}
	var buf [4]wire.Param
	ps := buf[:0]
	if p.Consume(')') {
		if p.strict {
			return nil, p.errAt(p.pos-1, "string")
		}
		return nil, nil
	}
	for {
		if len(ps) >= p.opt.MaxListItems {
			return nil, p.limitErr(ErrTooManyItems)
		}
		var pr wire.Param
		var err error
		if pr.Name, err = p.internString(); err != nil {
			return nil, err
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		if pr.Value, err = p.internString(); err != nil {
			return nil, err
		}
		ps = append(ps, pr)
		if p.Consume(')') {
			break
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
	}
	return p.paramSlab.take(ps, 128), nil
}

// internString reads a string (leniently NIL, as ""), interning common
// values such as "TEXT" and "UTF-8".
func (p *Parser) internString() (string, error) {
	c, _ := p.PeekByte()
	if c == '"' {
		b, err := p.quotedBytes()
		if err != nil {
			return "", err
		}
		return p.intern(b), nil
	}
	return p.ReadString()
}

// lenientNumber reads a number; leniently NIL reads as 0 (servers
// outside the tested three send NIL for unknown sizes).
//
// Leniently a negative count such as -1 reads as 0 too (seen from
// production servers for parts whose size they do not know).
func (p *Parser) lenientNumber() (uint32, error) {
	if !p.strict && (p.ReadNil() || p.negative()) {
		return 0, nil
	}
	return p.ReadNumber()
}

func (p *Parser) lenientNumber64() (int64, error) {
	if !p.strict && (p.ReadNil() || p.negative()) {
		return 0, nil
	}
	return p.readInt64()
}

// negative consumes "-" 1*DIGIT if it comes next.
func (p *Parser) negative() bool {
	i := p.pos
	if i >= len(p.line) || p.line[i] != '-' {
		return false
	}
	j := i + 1
	for j < len(p.line) && '0' <= p.line[j] && p.line[j] <= '9' {
		j++
	}
	if j == i+1 {
		return false
	}
	p.pos = j
	return true
}

// equalFold reports whether s equals the upper-case ASCII t, ignoring
// case.
func equalFold(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != t[i] {
			return false
		}
	}
	return true
}
