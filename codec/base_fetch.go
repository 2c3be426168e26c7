package codec

import (
	"time"

	"github.com/imapkit/imapkit/wire"
)

// parseFetch parses nz-number SP "FETCH" SP msg-att (RFC 9051 §7.5.2).
// The base items go to the fields of the *wire.FetchData; an item with a
// parser of its own in the registry goes to Items with the parser's
// result, and an unknown item to Items as a generic wire.Value, so that
// an unknown extension item never fails the response.
func parseFetch(p *Parser, resp *wire.Response) (any, error) {
	if !resp.HasNum || (resp.Num == 0 && p.strict) {
		// message-data = nz-number SP "FETCH" ...; leniently 0 passes,
		// like every nz-number.
		return nil, p.SyntaxError("message number before FETCH")
	}
	f := &wire.FetchData{Seq: resp.Num}
	// What is parsed so far shows to OnLiteral (LiteralInfo.Response), so
	// that a client can route a streamed literal by the UID before it.
	resp.Data = f
	if err := p.open(); err != nil {
		return nil, err
	}
	if err := p.Enter(); err != nil {
		return nil, err
	}
	defer p.Leave()
	if p.Consume(')') {
		// "()": msg-att needs one item; accepted leniently.
		if p.strict {
			return nil, p.errAt(p.pos-1, "msg-att")
		}
		return f, nil
	}
	// Leniently, the items may come in extra parentheses,
	// "((UID 1 FLAGS ()))" (seen from production servers).
	extra := 0
	for !p.strict && extra < 2 {
		if c, _ := p.PeekByte(); c != '(' {
			break
		}
		if err := p.open(); err != nil {
			return nil, err
		}
		extra++
	}
	end := func() bool {
		if !p.Consume(')') {
			return false
		}
		for ; extra > 0; extra-- {
			if !p.Consume(')') {
				return false
			}
		}
		return true
	}
	ordered := true
	for n := 1; ; n++ {
		if n > p.opt.MaxListItems {
			return nil, p.limitErr(ErrTooManyItems)
		}
		has, secs, sizes, items := f.Has, len(f.Sections), len(f.BinarySizes), len(f.Items)
		if err := p.fetchItem(f); err != nil {
			return nil, err
		}
		if ordered {
			// Record where the item went, for an encoder to keep the order.
			var kind uint8
			switch {
			case f.Has != has:
				for kind = wire.FetchOrderUID; f.Has&^has != 1<<(kind-1); kind++ {
				}
			case len(f.Sections) != secs:
				kind = wire.FetchOrderSection
			case len(f.BinarySizes) != sizes:
				kind = wire.FetchOrderBinarySize
			case len(f.Items) != items:
				kind = wire.FetchOrderItem
			}
			if f.Order, ordered = f.Order.Append(kind); !ordered {
				f.Order = 0
			}
		}
		if c, _ := p.PeekByte(); c == ')' {
			if !end() {
				return nil, p.SyntaxError(`")"`)
			}
			f.Order = canonicalOrder(f.Order)
			return f, nil
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		if c, _ := p.PeekByte(); c == ')' && !p.strict {
			if !end() {
				return nil, p.SyntaxError(`")"`)
			}
			f.Order = canonicalOrder(f.Order)
			return f, nil
		}
	}
}

// canonicalOrder returns 0 for an order that is the canonical one (the
// kinds never decrease), o otherwise.
func canonicalOrder(o wire.FetchOrder) wire.FetchOrder {
	prev := uint8(0)
	for i := 0; i < 16; i++ {
		k := o.At(i)
		if k == 0 {
			break
		}
		if k < prev {
			return o
		}
		prev = k
	}
	return 0
}

// fetchItemParser returns the FetchItemParser under which a base item is
// registered: what it returns when called directly (by an extension that
// wraps a base item, say) is the item's value alone: uint32 for UID,
// []string for FLAGS, time.Time, int64 for RFC822.SIZE, *wire.Envelope,
// *wire.BodyStructure, *wire.SectionData, *wire.BinarySize. The item
// name must then include the section, as in the FetchItemParser
// contract.
func fetchItemParser(kind baseItem) FetchItemParser {
	return func(p *Parser, item string) (any, error) {
		var f wire.FetchData
		if err := p.baseItemValue(&f, kind, item); err != nil {
			return nil, err
		}
		switch kind {
		case itemUID:
			return f.UID, nil
		case itemFlags:
			return f.Flags, nil
		case itemInternalDate:
			return f.InternalDate, nil
		case itemRFC822Size:
			return f.RFC822Size, nil
		case itemEnvelope:
			return f.Envelope, nil
		case itemBinarySize:
			if len(f.BinarySizes) > 0 {
				return &f.BinarySizes[0], nil
			}
		}
		if len(f.Sections) > 0 {
			return &f.Sections[0], nil
		}
		return f.BodyStructure, nil
	}
}

// baseItemValue parses the value of a base item for a FetchItemParser
// call, where the name (item) has been read already.
func (p *Parser) baseItemValue(f *wire.FetchData, kind baseItem, item string) error {
	var sec wire.Section
	var sd wire.SectionData
	switch kind {
	case itemBody, itemBinary, itemBinarySize:
		if i := indexByte(item, '['); i >= 0 {
			sub := &Parser{opt: p.opt, strict: p.strict, line: []byte(item), pos: i}
			var err error
			if sec, err = sub.section(kind != itemBody); err != nil {
				return err
			}
			if sub.Consume('<') {
				o, err := sub.ReadNumber()
				if err != nil {
					return err
				}
				sd.Origin, sd.HasOrigin = o, true
			}
			item = item[:i]
			if kind == itemBinarySize {
				n, err := p.ReadNumber()
				f.BinarySizes = append(f.BinarySizes, wire.BinarySize{Part: sec.Part, Size: n})
				return err
			}
			sd.Item, sd.Section = item, sec
			return p.sectionValue(f, sd, kind == itemBinary)
		}
	case itemRFC822:
		sd.Item = item
		return p.sectionValue(f, sd, false)
	}
	return p.fetchValue(f, kind)
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// fetchItem reads one msg-att item into f. When the item's parser
// fails, a lenient decoder keeps the item in f.Items as a generic value
// with the parser's error (see canRecover).
func (p *Parser) fetchItem(f *wire.FetchData) error {
	start, gen := p.pos, p.lineGen
	has, secs, sizes, items := f.Has, len(f.Sections), len(f.BinarySizes), len(f.Items)
	err := p.typedFetchItem(f)
	if err == nil || !p.canRecover(err, gen) {
		return err
	}
	// Undo what the failed parser stored.
	if added := f.Has &^ has; added != 0 {
		f.Has = has
		clearFetchFields(f, added)
	}
	f.Sections, f.BinarySizes, f.Items = f.Sections[:secs], f.BinarySizes[:sizes], f.Items[:items]
	p.seek(gen, start)
	name, gerr := p.genericItemName()
	if gerr == nil {
		gerr = p.ReadSP()
	}
	if gerr != nil {
		return err
	}
	p.itemStr = name
	v, gerr := p.value(false)
	p.itemStr = ""
	if gerr != nil {
		return err
	}
	f.Items = append(f.Items, wire.FetchItem{Name: name, Data: v, ParseErr: p.recovered("FETCH item", name, err)})
	return nil
}

// clearFetchFields zeroes the fields of the base items in attrs.
func clearFetchFields(f *wire.FetchData, attrs wire.FetchAttrs) {
	if attrs&wire.FetchUID != 0 {
		f.UID = 0
	}
	if attrs&wire.FetchFlags != 0 {
		f.Flags = nil
	}
	if attrs&wire.FetchInternalDate != 0 {
		f.InternalDate = time.Time{}
	}
	if attrs&wire.FetchRFC822Size != 0 {
		f.RFC822Size = 0
	}
	if attrs&wire.FetchEnvelope != 0 {
		f.Envelope = nil
	}
	if attrs&(wire.FetchBody|wire.FetchBodyStructure) != 0 && f.Has&(wire.FetchBody|wire.FetchBodyStructure) == 0 {
		f.BodyStructure = nil
	}
}

// genericItemName reads a FETCH item name with its section and origin,
// as an unknown item's: the base name upper-cased, the rest as sent.
func (p *Parser) genericItemName() (string, error) {
	name, err := p.readName(cAtom, '[')
	if err != nil {
		return "", err
	}
	if p.pos < len(p.line) && p.line[p.pos] == '[' {
		nameEnd := p.pos
		if _, err := p.genericAtom(false); err != nil {
			return "", err
		}
		p.scratch = append(append(p.scratch[:0], name...), p.line[nameEnd:p.pos]...)
		upper(p.scratch[:len(name)])
		return p.str(p.scratch), nil
	}
	if entry, ok := p.reg.items[string(name)]; ok {
		return entry.name, nil
	}
	return p.intern(name), nil
}

// typedFetchItem reads one msg-att item into f with its parser.
func (p *Parser) typedFetchItem(f *wire.FetchData) error {
	start := p.pos
	name, err := p.readName(cAtom, '[')
	if err != nil {
		return err
	}
	if !p.strict && p.itemWithoutValue() {
		// "(UID 1 FLAGS)": an item without a value before ")" (seen from
		// production servers) says nothing; it is skipped.
		return nil
	}
	entry, ok := p.reg.items[string(name)]
	hasSection := p.pos < len(p.line) && p.line[p.pos] == '['
	// The item a literal in the value belongs to (LiteralInfo.Item).
	p.markItem(start)
	if ok && entry.base != itemOther {
		switch entry.base {
		case itemBody, itemBinary, itemBinarySize:
			if hasSection {
				return p.sectionItem(f, entry, start)
			}
			if entry.base != itemBody {
				return p.SyntaxError(`"["`)
			}
		case itemRFC822:
			p.markItem(start)
			if err := p.ReadSP(); err != nil {
				return err
			}
			return p.sectionValue(f, wire.SectionData{Item: entry.name}, false)
		}
		if hasSection {
			return p.SyntaxError("SP")
		}
		if err := p.ReadSP(); err != nil {
			return err
		}
		return p.fetchValue(f, entry.base)
	}
	// An extension's item, or an unknown one: the name with its section
	// and origin as sent, the base name upper-cased.
	var itemName string
	if hasSection {
		nameEnd := p.pos
		if _, err := p.genericAtom(false); err != nil {
			return err
		}
		p.scratch = append(append(p.scratch[:0], name...), p.line[nameEnd:p.pos]...)
		upper(p.scratch[:len(name)])
		itemName = p.str(p.scratch)
	} else if ok {
		itemName = entry.name
	} else {
		itemName = p.intern(name)
	}
	p.markItem(start)
	if err := p.ReadSP(); err != nil {
		return err
	}
	var data any
	if ok {
		data, err = entry.parse(p, itemName)
	} else {
		data, err = p.value(false)
	}
	if err != nil {
		return err
	}
	f.Items = append(f.Items, wire.FetchItem{Name: itemName, Data: data})
	return nil
}

// itemWithoutValue reports whether the item name just read (with its
// section and origin, if any) is followed by ")" instead of SP and a
// value, and if so consumes the section and origin.
func (p *Parser) itemWithoutValue() bool {
	i := p.pos
	if i < len(p.line) && p.line[i] == '[' {
		j, err := p.skipBracket(i)
		if err != nil {
			return false
		}
		i = j
		if i < len(p.line) && p.line[i] == '<' {
			for i < len(p.line) && p.line[i] != '>' && p.line[i] != ' ' && p.line[i] != ')' {
				i++
			}
			if i < len(p.line) && p.line[i] == '>' {
				i++
			}
		}
	}
	for i < len(p.line) && p.line[i] == ' ' {
		i++ // "(UID 1 FLAGS )"
	}
	if i < len(p.line) && p.line[i] == ')' {
		p.pos = i
		return true
	}
	return false
}

// fetchValue reads the value of a base item without a section.
func (p *Parser) fetchValue(f *wire.FetchData, kind baseItem) error {
	var err error
	switch kind {
	case itemUID:
		f.UID, err = p.ReadNZNumber()
		f.Has |= wire.FetchUID
	case itemFlags:
		f.Flags, err = p.fetchFlags()
		f.Has |= wire.FetchFlags
	case itemInternalDate:
		f.InternalDate, err = p.ReadDateTime()
		f.Has |= wire.FetchInternalDate
	case itemRFC822Size:
		f.RFC822Size, err = p.readInt64()
		f.Has |= wire.FetchRFC822Size
	case itemEnvelope:
		f.Envelope, err = p.envelope()
		f.Has |= wire.FetchEnvelope
	case itemBody, itemBodyStructure:
		if !p.strict && p.ReadNil() {
			// BODYSTRUCTURE NIL (seen from production servers): nothing
			// known about the structure.
			f.BodyStructure = nil
		} else {
			f.BodyStructure = &wire.BodyStructure{}
			err = p.body(f.BodyStructure)
		}
		if kind == itemBody {
			f.Has |= wire.FetchBody
		} else {
			f.Has |= wire.FetchBodyStructure
		}
	default:
		return p.SyntaxError("msg-att")
	}
	return err
}

// fetchFlags reads "(" [flag-fetch *(SP flag-fetch)] ")" (RFC 9051 §9).
// An empty list is an empty, non-nil slice.
func (p *Parser) fetchFlags() ([]string, error) {
	if !p.strict && p.ReadNil() {
		// FLAGS NIL: seen from production servers; no flags.
		return []string{}, nil
	}
	if err := p.open(); err != nil {
		return nil, err
	}
	var buf [8]string
	flags := buf[:0]
	if !p.Consume(')') {
		for {
			f, err := p.ReadFlag()
			if err != nil {
				return nil, err
			}
			if len(flags) >= p.opt.MaxListItems {
				return nil, p.limitErr(ErrTooManyItems)
			}
			flags = append(flags, f)
			if p.Consume(')') {
				break
			}
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
			if !p.strict && p.Consume(')') {
				break
			}
		}
	}
	if len(flags) == 0 {
		return []string{}, nil
	}
	return p.strSlab.take(flags, 256), nil
}

// sectionItem reads BODY[section]<origin>, BINARY[section]<origin> or
// BINARY.SIZE[section] and its value.
func (p *Parser) sectionItem(f *wire.FetchData, entry itemEntry, start int) error {
	binary := entry.base != itemBody
	sec, err := p.section(binary)
	if err != nil {
		return err
	}
	if entry.base == itemBinarySize {
		if err := p.ReadSP(); err != nil {
			return err
		}
		n, err := p.ReadNumber()
		if err != nil {
			return err
		}
		f.BinarySizes = append(f.BinarySizes, wire.BinarySize{Part: sec.Part, Size: n})
		return nil
	}
	sd := wire.SectionData{Item: entry.name, Section: sec}
	if p.Consume('<') {
		o, err := p.ReadNumber()
		if err != nil {
			return err
		}
		if !p.strict && p.Consume('.') {
			// "<origin.length>" echoed back: RFC 9051 wants only the
			// origin (Courier echoes <0> correctly).
			if _, err := p.ReadNumber(); err != nil {
				return err
			}
		}
		if err := p.Expect('>'); err != nil {
			return err
		}
		sd.Origin, sd.HasOrigin = o, true
	}
	p.markItem(start)
	if err := p.ReadSP(); err != nil {
		return err
	}
	return p.sectionValue(f, sd, binary)
}

// sectionValue reads the nstring (or, for BINARY, literal8) value of a
// section item and appends it to f.Sections.
func (p *Parser) sectionValue(f *wire.FetchData, sd wire.SectionData, binary bool) error {
	c, _ := p.PeekByte()
	switch {
	case c == '"':
		b, err := p.quotedBytes()
		if err != nil {
			return err
		}
		sd.Data = append([]byte{}, b...)
		sd.Size = int64(len(b))
		sd.Form = wire.FormQuoted
	case c == '{' || (c == '~' && binary):
		data, size, bin, streamed, err := p.literal()
		if err != nil {
			return err
		}
		sd.Data, sd.Size, sd.Binary, sd.Streamed = data, size, bin, streamed
		sd.Form = wire.FormLiteral
		if bin {
			sd.Form = wire.FormLiteral8
		}
	case p.ReadNil():
		sd.Nil = true
	default:
		return p.SyntaxError("nstring")
	}
	f.Sections = append(f.Sections, sd)
	return nil
}

// section reads "[" [section-spec] "]" (RFC 9051 §9, "section"), or
// "[" [section-part] "]" ("section-binary") when binary is set.
func (p *Parser) section(binary bool) (wire.Section, error) {
	var s wire.Section
	if err := p.Expect('['); err != nil {
		return s, err
	}
	if p.Consume(']') {
		return s, nil
	}
	var partBuf [8]int
	parts := partBuf[:0]
	for {
		c, _ := p.PeekByte()
		if c < '0' || c > '9' {
			break
		}
		n, err := p.ReadNZNumber()
		if err != nil {
			return s, err
		}
		if len(parts) >= p.opt.MaxDepth {
			return s, p.limitErr(ErrTooDeep)
		}
		parts = append(parts, int(n))
		if !p.Consume('.') {
			break
		}
		if c, _ := p.PeekByte(); c < '0' || c > '9' {
			if binary {
				return s, p.SyntaxError("nz-number")
			}
			break // section-text follows
		}
	}
	if len(parts) > 0 {
		s.Part = append([]int(nil), parts...)
	}
	if len(parts) == 0 || p.line[p.pos-1] == '.' {
		// section-msgtext, or section-text after "part."
		if binary {
			return s, p.SyntaxError(`"]"`)
		}
		start := p.pos
		if c, _ := p.PeekByte(); c|0x20 < 'a' || c|0x20 > 'z' {
			return s, p.SyntaxError("section-text")
		}
		spec, err := p.readName(cAtom, 0)
		if err != nil {
			return s, err
		}
		switch string(spec) {
		case wire.SectionHeader:
			s.Specifier = wire.SectionHeader
		case wire.SectionText:
			s.Specifier = wire.SectionText
		case wire.SectionMIME:
			if len(parts) == 0 {
				return s, p.errAt(start, "section-msgtext")
			}
			s.Specifier = wire.SectionMIME
		case wire.SectionHeaderFields, wire.SectionHeaderFieldsNot:
			s.Specifier = wire.SectionHeaderFields
			if len(spec) == len(wire.SectionHeaderFieldsNot) {
				s.Specifier = wire.SectionHeaderFieldsNot
			}
			if err := p.ReadSP(); err != nil {
				return s, err
			}
			err := p.ReadList(func(p *Parser) error {
				// header-fld-name is an astring, but a literal would split
				// the item name over two lines; no server sends one.
				if c, _ := p.PeekByte(); c == '{' || p.literal8Next() {
					return p.SyntaxError("header-fld-name")
				}
				f, err := p.ReadAString()
				s.Fields = append(s.Fields, f)
				return err
			})
			if err != nil {
				return s, err
			}
			if len(s.Fields) == 0 && p.strict {
				return s, p.errAt(p.pos-1, "header-fld-name")
			}
		default:
			return s, p.errAt(start, "section-text")
		}
	}
	if err := p.Expect(']'); err != nil {
		return s, err
	}
	return s, nil
}

var months = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// ReadDateTime reads a date-time (RFC 9051 §9):
// DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone
// DQUOTE. Leniently, a one-digit day without the leading space is
// accepted.
func (p *Parser) ReadDateTime() (time.Time, error) {
	start := p.pos
	line := p.line
	fail := func(what string) (time.Time, error) { return time.Time{}, p.errAt(start, what) }
	if !p.Consume('"') {
		return fail("date-time")
	}
	i := p.pos
	// "dd-Mon-yyyy hh:mm:ss +zzzz" is 26 bytes, then DQUOTE.
	if i < len(line) && line[i] == ' ' {
		i++
	}
	d0 := i
	for i < len(line) && i-d0 < 2 && '0' <= line[i] && line[i] <= '9' {
		i++
	}
	day := 0
	switch i - d0 {
	case 2:
		day = int(line[d0]-'0')*10 + int(line[d0+1]-'0')
	case 1:
		if d0 == p.pos && p.strict { // "1-Jan-..." without the space
			return fail("date-day-fixed")
		}
		day = int(line[d0] - '0')
	default:
		return fail("date-day-fixed")
	}
	if len(line)-i < 25 {
		return fail("date-time")
	}
	b := line[i : i+25] // -Mon-yyyy hh:mm:ss +zzzz"
	if b[0] != '-' || b[4] != '-' || b[9] != ' ' || b[12] != ':' || b[15] != ':' || b[18] != ' ' || b[24] != '"' {
		return fail("date-time")
	}
	month := 0
	for m, name := range months {
		if b[1]|0x20 == name[0] && b[2]|0x20 == name[1] && b[3]|0x20 == name[2] {
			month = m + 1
			break
		}
	}
	if month == 0 {
		return fail("date-month")
	}
	year, hh, mm, ss := digits(b[5:9]), digits(b[10:12]), digits(b[13:15]), digits(b[16:18])
	zh, zm := digits(b[20:22]), digits(b[22:24])
	if year < 0 || hh < 0 || mm < 0 || ss < 0 || zh < 0 || zm < 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 || zm > 59 {
		return fail("date-time")
	}
	var sign int
	switch b[19] {
	case '+':
		sign = 1
	case '-':
		sign = -1
	default:
		return fail("zone")
	}
	offset := sign * (zh*3600 + zm*60)
	p.pos = i + 25
	return time.Date(year, time.Month(month), day, hh, mm, ss, 0, p.zones.get(offset)), nil
}

// digits returns the value of the decimal digits s, or -1.
func digits(s []byte) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// zoneCache keeps the few time zones a server uses, so that dates do not
// allocate a *time.Location each.
type zoneCache struct {
	offsets [4]int
	locs    [4]*time.Location
	next    int
}

func (z *zoneCache) get(offset int) *time.Location {
	for i, l := range z.locs {
		if l != nil && z.offsets[i] == offset {
			return l
		}
	}
	l := time.FixedZone("", offset)
	z.offsets[z.next], z.locs[z.next] = offset, l
	z.next = (z.next + 1) % len(z.locs)
	return l
}
