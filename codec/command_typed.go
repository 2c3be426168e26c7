package codec

import (
	"strings"
	"time"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Typed commands, for servers and proxies: each type is parsed from the
// generic arguments a [CommandDecoder] returns (ParseCommand or the
// Parse function of its command) and turned back into a wire.Command
// with its Command method, which the [Encoder] writes. utf8 says whether
// mailbox names are UTF-8 (UTF8=ACCEPT enabled, or IMAP4rev2) rather
// than modified UTF-7; the typed values hold decoded names.

// ParseCommand parses the arguments of cmd into the typed command for
// its name: *SelectCommand (SELECT, EXAMINE), *FetchCommand ([UID]
// FETCH), *SearchCommand ([UID] SEARCH), *StoreCommand ([UID] STORE),
// *AppendCommand (APPEND), *ListCommand (LIST, LSUB), *StatusCommand
// (STATUS). For other names it returns nil, nil: their arguments stay
// generic. Errors are [*CommandError]s.
func ParseCommand(cmd *wire.Command, utf8 bool) (any, error) {
	switch strings.ToUpper(cmd.Name) {
	case "SELECT", "EXAMINE":
		return ParseSelect(cmd, utf8)
	case "FETCH", "UID FETCH":
		return ParseFetch(cmd)
	case "SEARCH", "UID SEARCH":
		return ParseSearch(cmd)
	case "STORE", "UID STORE":
		return ParseStore(cmd)
	case "APPEND":
		return ParseAppend(cmd, utf8)
	case "LIST", "LSUB":
		return ParseList(cmd, utf8)
	case "STATUS":
		return ParseStatus(cmd, utf8)
	}
	return nil, nil
}

// uidPrefix returns "UID " when uid is set.
func uidPrefix(uid bool) string {
	if uid {
		return "UID "
	}
	return ""
}

// isUID reports whether name starts with "UID ".
func isUID(name string) bool { return len(name) > 4 && strings.EqualFold(name[:4], "UID ") }

// SelectCommand is SELECT or EXAMINE (RFC 9051 §6.3.2, §6.3.3) with
// its select-params (RFC 4466 §2.1): CONDSTORE (RFC 7162 §3.1.8),
// QRESYNC (RFC 7162 §3.2.5) and others as generic values.
type SelectCommand struct {
	// Examine is set for EXAMINE (read-only).
	Examine bool
	Mailbox string
	// CondStore is the CONDSTORE parameter.
	CondStore bool
	// QResync is the QRESYNC parameter, nil when absent.
	QResync *QResyncParam
	// Other holds other parameters: each name (an atom), then its value
	// when it has one (a value that is not an atom).
	Other []wire.Value
}

// QResyncParam is the QRESYNC select parameter: "(" uidvalidity SP
// mod-sequence-value [SP known-uids] [SP seq-match-data] ")".
type QResyncParam struct {
	UIDValidity uint32
	ModSeq      uint64
	// KnownUIDs is empty when absent.
	KnownUIDs seqset.Set
	// KnownSeqs and MatchUIDs are the seq-match-data, empty when absent.
	KnownSeqs, MatchUIDs seqset.Set
}

// ParseSelect parses SELECT or EXAMINE: mailbox [SP "(" select-param
// *(SP select-param) ")"].
func ParseSelect(cmd *wire.Command, utf8 bool) (*SelectCommand, error) {
	r := newArgReader(cmd, utf8)
	c := &SelectCommand{Examine: strings.EqualFold(cmd.Name, "EXAMINE")}
	var err error
	if c.Mailbox, err = r.mailbox(false); err != nil {
		return nil, err
	}
	if r.more() {
		params, err := r.list("select-params")
		if err != nil {
			return nil, err
		}
		if len(params) == 0 {
			r.i--
			return nil, r.fail("select-param")
		}
		for i := 0; i < len(params); i++ {
			p := &params[i]
			if p.Kind != wire.KindAtom {
				r.i--
				return nil, r.fail("select-param-name")
			}
			switch strings.ToUpper(p.Str) {
			case "CONDSTORE":
				c.CondStore = true
			case "QRESYNC":
				if i+1 >= len(params) || params[i+1].Kind != wire.KindList {
					r.i--
					return nil, r.fail("QRESYNC parameters")
				}
				i++
				q, ok := parseQResync(params[i].List)
				if !ok {
					r.i--
					return nil, r.fail("QRESYNC parameters")
				}
				c.QResync = q
			default:
				c.Other = append(c.Other, *p)
				if i+1 < len(params) && params[i+1].Kind != wire.KindAtom {
					i++
					c.Other = append(c.Other, params[i])
				}
			}
		}
	}
	return c, r.end()
}

func parseQResync(vs []wire.Value) (*QResyncParam, bool) {
	if len(vs) < 2 || len(vs) > 4 || vs[0].Kind != wire.KindNumber || vs[0].Num == 0 || vs[0].Num > 0xffffffff ||
		vs[1].Kind != wire.KindNumber || vs[1].Num == 0 || vs[1].Num > 1<<63-1 {
		return nil, false
	}
	q := &QResyncParam{UIDValidity: uint32(vs[0].Num), ModSeq: vs[1].Num}
	rest := vs[2:]
	if len(rest) > 0 && rest[0].Kind != wire.KindList {
		s, ok := setOf(&rest[0])
		if !ok {
			return nil, false
		}
		q.KnownUIDs = s
		rest = rest[1:]
	}
	if len(rest) == 1 {
		l := rest[0].List
		if rest[0].Kind != wire.KindList || len(l) != 2 {
			return nil, false
		}
		var ok1, ok2 bool
		q.KnownSeqs, ok1 = setOf(&l[0])
		q.MatchUIDs, ok2 = setOf(&l[1])
		if !ok1 || !ok2 {
			return nil, false
		}
		rest = nil
	}
	return q, len(rest) == 0
}

// setOf returns the sequence set a value spells.
func setOf(v *wire.Value) (seqset.Set, bool) {
	s, ok := valueText(v)
	if !ok || v.Kind == wire.KindString {
		return seqset.Set{}, false
	}
	set, err := seqset.Parse(s)
	return set, err == nil
}

// Command returns c as a command with the given tag.
func (c *SelectCommand) Command(tag string, utf8 bool) (*wire.Command, error) {
	name := "SELECT"
	if c.Examine {
		name = "EXAMINE"
	}
	mb, err := encodeMailbox(c.Mailbox, utf8)
	if err != nil {
		return nil, err
	}
	cmd := &wire.Command{Tag: tag, Name: name, Args: []wire.Value{mb}}
	var params []wire.Value
	if c.CondStore {
		params = append(params, wire.Atom("CONDSTORE"))
	}
	if q := c.QResync; q != nil {
		l := []wire.Value{wire.Number(uint64(q.UIDValidity)), wire.Number(q.ModSeq)}
		if !q.KnownUIDs.IsEmpty() {
			l = append(l, SeqSet(q.KnownUIDs))
		}
		if !q.KnownSeqs.IsEmpty() {
			l = append(l, wire.List(SeqSet(q.KnownSeqs), SeqSet(q.MatchUIDs)))
		}
		params = append(params, wire.Atom("QRESYNC"), wire.List(l...))
	}
	params = append(params, c.Other...)
	if len(params) > 0 {
		cmd.Args = append(cmd.Args, wire.List(params...))
	}
	return cmd, nil
}

// FetchCommand is [UID] FETCH (RFC 9051 §6.4.5), with the fetch
// modifiers of RFC 4466 §2.4: CHANGEDSINCE and VANISHED (RFC 7162).
type FetchCommand struct {
	UID bool
	Set seqset.Set
	// Macro is "ALL", "FAST" or "FULL" when the command named a macro
	// instead of items; Items is then empty.
	Macro string
	// Items are the fetch-att items in the order given.
	Items []FetchAttr
	// ChangedSince is the CHANGEDSINCE modifier's value, 0 when absent.
	ChangedSince uint64
	// Vanished is the VANISHED modifier (RFC 7162 §3.2.6).
	Vanished bool
	// OtherModifiers holds other modifiers: each name, then its value
	// when it has one.
	OtherModifiers []wire.Value
}

// FetchAttr is one fetch-att (RFC 9051 §9): a simple item such as FLAGS
// or MODSEQ, or a section item with its section and partial.
type FetchAttr struct {
	// Name is the upper-cased item name without ".PEEK" and the section:
	// "FLAGS", "BODY", "BINARY", "BINARY.SIZE", "X-GM-LABELS", ...
	Name string
	// Peek is set for BODY.PEEK[...] and BINARY.PEEK[...].
	Peek bool
	// HasSection says that a section in brackets followed the name
	// (BODY[] has one, BODY has none).
	HasSection bool
	Section    wire.Section
	// HasPartial says that <offset.count> followed the section.
	HasPartial    bool
	Offset, Count uint32
}

// String returns the item as a command spells it, e.g.
// BODY.PEEK[1.HEADER.FIELDS (DATE)]<0.100>.
func (a *FetchAttr) String() string {
	if !a.HasSection {
		return a.Name
	}
	name := a.Name
	if a.Peek {
		name += ".PEEK"
	}
	count := uint64(0)
	if a.HasPartial {
		count = uint64(a.Count)
	}
	return sectionAtom(name, a.Section.String(), uint64(a.Offset), count).Str
}

// ParseFetch parses [UID] FETCH: sequence-set SP ("ALL" / "FULL" /
// "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")") [SP "("
// fetch-modifier *(SP fetch-modifier) ")"].
func ParseFetch(cmd *wire.Command) (*FetchCommand, error) {
	r := newArgReader(cmd, false)
	c := &FetchCommand{UID: isUID(cmd.Name)}
	var err error
	if c.Set, err = r.seqSet("sequence-set"); err != nil {
		return nil, err
	}
	v, err := r.next("fetch-att")
	if err != nil {
		return nil, err
	}
	var atts []wire.Value
	switch {
	case v.Kind == wire.KindList && len(v.List) > 0:
		atts = v.List
	case v.Kind == wire.KindAtom:
		switch m := strings.ToUpper(v.Str); m {
		case "ALL", "FAST", "FULL":
			c.Macro = m
		default:
			atts = r.args[r.i-1 : r.i]
		}
	default:
		r.i--
		return nil, r.fail("fetch-att")
	}
	for i := range atts {
		a, ok := parseFetchAttr(&atts[i])
		if !ok {
			r.i--
			return nil, r.fail("fetch-att")
		}
		c.Items = append(c.Items, a)
	}
	if r.more() {
		mods, err := r.list("fetch-modifier")
		if err != nil {
			return nil, err
		}
		for i := 0; i < len(mods); i++ {
			m := &mods[i]
			if m.Kind != wire.KindAtom {
				r.i--
				return nil, r.fail("fetch-modifier")
			}
			switch strings.ToUpper(m.Str) {
			case "CHANGEDSINCE":
				if i+1 >= len(mods) || mods[i+1].Kind != wire.KindNumber || mods[i+1].Num == 0 || mods[i+1].Num > 1<<63-1 {
					r.i--
					return nil, r.fail("mod-sequence-value")
				}
				i++
				c.ChangedSince = mods[i].Num
			case "VANISHED":
				c.Vanished = true
			default:
				c.OtherModifiers = append(c.OtherModifiers, *m)
				if i+1 < len(mods) && mods[i+1].Kind != wire.KindAtom {
					i++
					c.OtherModifiers = append(c.OtherModifiers, mods[i])
				}
			}
		}
	}
	return c, r.end()
}

// parseFetchAttr parses one fetch-att from its atom.
func parseFetchAttr(v *wire.Value) (FetchAttr, bool) {
	var a FetchAttr
	if v.Kind != wire.KindAtom {
		return a, false
	}
	s := v.Str
	i := strings.IndexByte(s, '[')
	name := s
	if i >= 0 {
		name = s[:i]
	}
	name = strings.ToUpper(name)
	if !isAtom(name) {
		return a, false
	}
	if i < 0 {
		switch name {
		case "BODY.PEEK", "BINARY", "BINARY.PEEK", "BINARY.SIZE":
			return a, false // need a section
		}
		a.Name = name
		return a, true
	}
	switch name {
	case "BODY.PEEK", "BINARY.PEEK":
		a.Peek = true
		name = strings.TrimSuffix(name, ".PEEK")
	}
	a.Name, a.HasSection = name, true
	binary := name == "BINARY" || name == "BINARY.SIZE"
	p := subParser(s[i:])
	var err error
	if name == "BODY" || binary {
		if a.Section, err = p.section(binary); err != nil {
			return a, false
		}
	} else {
		// An extension's item with a section: kept as sent, with any
		// partial, in Name.
		if _, err := p.skipBracket(0); err != nil {
			return a, false
		}
		a.Name = strings.ToUpper(s[:i]) + s[i:]
		a.HasSection = false
		return a, true
	}
	if p.Consume('<') {
		if name == "BINARY.SIZE" {
			return a, false
		}
		off, err := p.ReadNumber()
		if err != nil || !p.Consume('.') {
			return a, false
		}
		n, err := p.ReadNZNumber()
		if err != nil || !p.Consume('>') {
			return a, false
		}
		a.HasPartial, a.Offset, a.Count = true, off, n
	}
	return a, p.AtEnd()
}

// subParser returns a strict parser over s alone, for syntax inside one
// atom (a FETCH item's section).
func subParser(s string) *Parser {
	p := &Parser{line: []byte(s), strict: true}
	p.opt.MaxDepth, p.opt.MaxListItems = DefaultMaxDepth, DefaultMaxListItems
	return p
}

// Command returns c as a command with the given tag.
func (c *FetchCommand) Command(tag string) (*wire.Command, error) {
	cmd := &wire.Command{Tag: tag, Name: uidPrefix(c.UID) + "FETCH", Args: []wire.Value{SeqSet(c.Set)}}
	switch {
	case c.Macro != "":
		cmd.Args = append(cmd.Args, wire.Atom(c.Macro))
	case len(c.Items) == 1:
		cmd.Args = append(cmd.Args, wire.Atom(c.Items[0].String()))
	default:
		l := make([]wire.Value, len(c.Items))
		for i := range c.Items {
			l[i] = wire.Atom(c.Items[i].String())
		}
		cmd.Args = append(cmd.Args, wire.List(l...))
	}
	var mods []wire.Value
	if c.ChangedSince != 0 {
		mods = append(mods, wire.Atom("CHANGEDSINCE"), wire.Number(c.ChangedSince))
	}
	if c.Vanished {
		mods = append(mods, wire.Atom("VANISHED"))
	}
	mods = append(mods, c.OtherModifiers...)
	if len(mods) > 0 {
		cmd.Args = append(cmd.Args, wire.List(mods...))
	}
	return cmd, nil
}

// StoreCommand is [UID] STORE (RFC 9051 §6.4.6) with the UNCHANGEDSINCE
// modifier (RFC 7162 §3.1.3).
type StoreCommand struct {
	UID bool
	Set seqset.Set
	// UnchangedSince is the UNCHANGEDSINCE modifier's value;
	// HasUnchangedSince says whether it was given (0 is a valid value).
	UnchangedSince    uint64
	HasUnchangedSince bool
	// Op is '+' to add the flags, '-' to remove them, 0 to replace them.
	Op byte
	// Silent is set for FLAGS.SILENT.
	Silent bool
	Flags  []string
	// FlagList says the flags were in parentheses (they may also be a
	// series of flags).
	FlagList bool
}

// ParseStore parses [UID] STORE: sequence-set [SP store-modifiers] SP
// store-att-flags.
func ParseStore(cmd *wire.Command) (*StoreCommand, error) {
	r := newArgReader(cmd, false)
	c := &StoreCommand{UID: isUID(cmd.Name)}
	var err error
	if c.Set, err = r.seqSet("sequence-set"); err != nil {
		return nil, err
	}
	if v := r.peek(); v != nil && v.Kind == wire.KindList {
		mods := v.List
		r.i++
		if len(mods) != 2 || mods[0].Kind != wire.KindAtom || !strings.EqualFold(mods[0].Str, "UNCHANGEDSINCE") ||
			mods[1].Kind != wire.KindNumber || mods[1].Num > 1<<63-1 {
			r.i--
			return nil, r.fail("store-modifier")
		}
		c.UnchangedSince, c.HasUnchangedSince = mods[1].Num, true
	}
	att, err := r.atom("store-att-flags")
	if err != nil {
		return nil, err
	}
	if att[0] == '+' || att[0] == '-' {
		c.Op = att[0]
		att = att[1:]
	}
	switch att {
	case "FLAGS":
	case "FLAGS.SILENT":
		c.Silent = true
	default:
		r.i--
		return nil, r.fail("store-att-flags")
	}
	if v := r.peek(); v != nil && v.Kind == wire.KindList {
		r.i++
		var ok bool
		if c.Flags, ok = flagsOf(v.List); !ok {
			r.i--
			return nil, r.fail("flag")
		}
		c.FlagList = true
		return c, r.end()
	}
	for r.more() {
		f, ok := flagOf(r.peek())
		if !ok {
			return nil, r.fail("flag")
		}
		c.Flags = append(c.Flags, f)
		r.i++
	}
	if len(c.Flags) == 0 {
		return nil, r.fail("flag")
	}
	return c, nil
}

// Command returns c as a command with the given tag.
func (c *StoreCommand) Command(tag string) (*wire.Command, error) {
	cmd := &wire.Command{Tag: tag, Name: uidPrefix(c.UID) + "STORE", Args: []wire.Value{SeqSet(c.Set)}}
	if c.HasUnchangedSince {
		cmd.Args = append(cmd.Args, wire.List(wire.Atom("UNCHANGEDSINCE"), wire.Number(c.UnchangedSince)))
	}
	att := "FLAGS"
	if c.Op != 0 {
		att = string(c.Op) + att
	}
	if c.Silent {
		att += ".SILENT"
	}
	cmd.Args = append(cmd.Args, wire.Atom(att))
	if c.FlagList || len(c.Flags) == 0 {
		cmd.Args = append(cmd.Args, FlagList(c.Flags...))
	} else {
		cmd.Args = append(cmd.Args, Atoms(c.Flags...)...)
	}
	return cmd, nil
}

// AppendCommand is APPEND (RFC 9051 §6.3.12), with the several messages
// of MULTIAPPEND (RFC 3502).
type AppendCommand struct {
	Mailbox  string
	Messages []AppendMessage
}

// AppendMessage is one message of an APPEND.
type AppendMessage struct {
	// Flags is nil when the command gave no flag list (HasFlags false).
	Flags    []string
	HasFlags bool
	// Date is the zero time when the command gave no date-time.
	Date time.Time
	// Data is the message literal as the decoder read it (a literal8 for
	// BINARY, RFC 3516 §4.4), possibly Streamed; for Command, a literal
	// value such as wire.Literal or wire.LiteralReader.
	Data wire.Value
}

// ParseAppend parses APPEND: mailbox 1*(SP [flag-list SP] [date-time SP]
// literal).
func ParseAppend(cmd *wire.Command, utf8 bool) (*AppendCommand, error) {
	r := newArgReader(cmd, utf8)
	c := &AppendCommand{}
	var err error
	if c.Mailbox, err = r.mailbox(false); err != nil {
		return nil, err
	}
	for {
		var m AppendMessage
		if v := r.peek(); v != nil && v.Kind == wire.KindList {
			r.i++
			var ok bool
			if m.Flags, ok = flagsOf(v.List); !ok {
				r.i--
				return nil, r.fail("flag-list")
			}
			m.HasFlags = true
		}
		if v := r.peek(); v != nil && v.Kind == wire.KindString && v.Form == wire.FormQuoted {
			r.i++
			if m.Date, err = ParseDateTime(v.Str); err != nil {
				r.i--
				return nil, r.fail("date-time")
			}
		}
		v, err := r.next("literal")
		if err != nil {
			return nil, err
		}
		if v.Kind != wire.KindString || (v.Form != wire.FormLiteral && v.Form != wire.FormLiteral8) {
			r.i--
			return nil, r.fail("literal")
		}
		m.Data = *v
		c.Messages = append(c.Messages, m)
		if !r.more() {
			return c, nil
		}
	}
}

// Command returns c as a command with the given tag.
func (c *AppendCommand) Command(tag string, utf8 bool) (*wire.Command, error) {
	mb, err := encodeMailbox(c.Mailbox, utf8)
	if err != nil {
		return nil, err
	}
	cmd := &wire.Command{Tag: tag, Name: "APPEND", Args: []wire.Value{mb}}
	for _, m := range c.Messages {
		if m.HasFlags || len(m.Flags) > 0 {
			cmd.Args = append(cmd.Args, FlagList(m.Flags...))
		}
		if !m.Date.IsZero() {
			cmd.Args = append(cmd.Args, DateTime(m.Date))
		}
		d := m.Data
		if d.Form != wire.FormLiteral8 {
			d.Form = wire.FormLiteral
		}
		cmd.Args = append(cmd.Args, d)
	}
	return cmd, nil
}

// ListCommand is LIST or LSUB (RFC 9051 §6.3.9, RFC 3501 §6.3.9), with
// the selection and return options of LIST-EXTENDED (RFC 5258, RFC 9051)
// and LIST-STATUS (RFC 5819).
type ListCommand struct {
	// LSub is set for LSUB.
	LSub bool
	// Selection holds the selection options, upper-cased (SUBSCRIBED,
	// REMOTE, RECURSIVEMATCH, SPECIAL-USE, ...); HasSelection says the
	// command had the list, possibly empty.
	Selection    []string
	HasSelection bool
	Reference    string
	// Patterns are the mailbox patterns; several only in parentheses.
	Patterns []string
	// PatternList says the patterns were in parentheses.
	PatternList bool
	// Return holds the return options, upper-cased, but for STATUS whose
	// items are in ReturnStatus; HasReturn says RETURN was given.
	Return       []string
	ReturnStatus []string
	HasReturn    bool
}

// ParseList parses LIST or LSUB: [list-select-opts SP] mailbox SP
// mbox-or-pat [SP list-return-opts].
func ParseList(cmd *wire.Command, utf8 bool) (*ListCommand, error) {
	r := newArgReader(cmd, utf8)
	c := &ListCommand{LSub: strings.EqualFold(cmd.Name, "LSUB")}
	if v := r.peek(); !c.LSub && v != nil && v.Kind == wire.KindList {
		r.i++
		c.HasSelection = true
		for i := range v.List {
			if v.List[i].Kind != wire.KindAtom {
				r.i--
				return nil, r.fail("list-select-opt")
			}
			c.Selection = append(c.Selection, strings.ToUpper(v.List[i].Str))
		}
	}
	var err error
	if c.Reference, err = r.mailbox(false); err != nil {
		return nil, err
	}
	if c.Reference == "INBOX" && !r.args[r.i-1].IsNil() {
		// The reference is a prefix, not a mailbox: keep its spelling.
		c.Reference, _ = valueText(&r.args[r.i-1])
	}
	if v := r.peek(); !c.LSub && v != nil && v.Kind == wire.KindList {
		r.i++
		c.PatternList = true
		for i := range v.List {
			s, ok := valueText(&v.List[i])
			if !ok {
				r.i--
				return nil, r.fail("list-mailbox")
			}
			if s, err = decodeMailboxName(s, utf8, true); err != nil {
				r.i--
				return nil, r.fail("list-mailbox")
			}
			c.Patterns = append(c.Patterns, s)
		}
		if len(c.Patterns) == 0 {
			r.i--
			return nil, r.fail("list-mailbox")
		}
	} else {
		s, err := r.mailbox(true)
		if err != nil {
			return nil, err
		}
		c.Patterns = []string{s}
	}
	if r.more() && !c.LSub {
		if _, err := r.atom(`"RETURN"`); err != nil || !strings.EqualFold(r.args[r.i-1].Str, "RETURN") {
			if err == nil {
				r.i--
				err = r.fail(`"RETURN"`)
			}
			return nil, err
		}
		opts, err := r.list("list-return-opts")
		if err != nil {
			return nil, err
		}
		c.HasReturn = true
		for i := 0; i < len(opts); i++ {
			if opts[i].Kind != wire.KindAtom {
				r.i--
				return nil, r.fail("return-option")
			}
			name := strings.ToUpper(opts[i].Str)
			if name == "STATUS" {
				if i+1 >= len(opts) || opts[i+1].Kind != wire.KindList {
					r.i--
					return nil, r.fail("status-att-list")
				}
				i++
				for j := range opts[i].List {
					if opts[i].List[j].Kind != wire.KindAtom {
						r.i--
						return nil, r.fail("status-att")
					}
					c.ReturnStatus = append(c.ReturnStatus, strings.ToUpper(opts[i].List[j].Str))
				}
				continue
			}
			c.Return = append(c.Return, name)
		}
	}
	return c, r.end()
}

// Command returns c as a command with the given tag.
func (c *ListCommand) Command(tag string, utf8 bool) (*wire.Command, error) {
	name := "LIST"
	if c.LSub {
		name = "LSUB"
	}
	cmd := &wire.Command{Tag: tag, Name: name}
	if c.HasSelection || len(c.Selection) > 0 {
		cmd.Args = append(cmd.Args, AtomList(c.Selection...))
	}
	ref, err := encodePattern(c.Reference, utf8)
	if err != nil {
		return nil, err
	}
	cmd.Args = append(cmd.Args, ref)
	pats := make([]wire.Value, len(c.Patterns))
	for i, p := range c.Patterns {
		if pats[i], err = encodePattern(p, utf8); err != nil {
			return nil, err
		}
	}
	if c.PatternList || len(pats) != 1 {
		cmd.Args = append(cmd.Args, wire.List(pats...))
	} else {
		cmd.Args = append(cmd.Args, pats[0])
	}
	if c.HasReturn || len(c.Return) > 0 || len(c.ReturnStatus) > 0 {
		opts := Atoms(c.Return...)
		if len(c.ReturnStatus) > 0 {
			opts = append(opts, wire.Atom("STATUS"), AtomList(c.ReturnStatus...))
		}
		cmd.Args = append(cmd.Args, wire.Atom("RETURN"), wire.List(opts...))
	}
	return cmd, nil
}

// encodePattern returns a list-mailbox argument: an atom of list-chars
// where possible (so that "%" and "*" stay wildcards), else a string.
func encodePattern(p string, utf8Names bool) (wire.Value, error) {
	v, err := Mailbox(p, utf8Names)
	if err != nil {
		return v, err
	}
	if strings.EqualFold(p, "INBOX") {
		v.Str = p
	}
	s := v.Str
	ok := s != "" && !isNIL(s) && !nonCanonicalNumber(s)
	for i := 0; i < len(s) && ok; i++ {
		ok = charClass[s[i]]&cList != 0
	}
	if ok {
		return wire.Atom(s), nil
	}
	return v, nil
}

// StatusCommand is STATUS (RFC 9051 §6.3.11).
type StatusCommand struct {
	Mailbox string
	// Items are the status-att names, upper-cased.
	Items []string
}

// ParseStatus parses STATUS: mailbox SP "(" status-att *(SP status-att)
// ")".
func ParseStatus(cmd *wire.Command, utf8 bool) (*StatusCommand, error) {
	r := newArgReader(cmd, utf8)
	c := &StatusCommand{}
	var err error
	if c.Mailbox, err = r.mailbox(false); err != nil {
		return nil, err
	}
	atts, err := r.list("status-att-list")
	if err != nil {
		return nil, err
	}
	if len(atts) == 0 {
		r.i--
		return nil, r.fail("status-att")
	}
	for i := range atts {
		if atts[i].Kind != wire.KindAtom {
			r.i--
			return nil, r.fail("status-att")
		}
		c.Items = append(c.Items, strings.ToUpper(atts[i].Str))
	}
	return c, r.end()
}

// Command returns c as a command with the given tag.
func (c *StatusCommand) Command(tag string, utf8 bool) (*wire.Command, error) {
	mb, err := encodeMailbox(c.Mailbox, utf8)
	if err != nil {
		return nil, err
	}
	return &wire.Command{Tag: tag, Name: "STATUS", Args: []wire.Value{mb, AtomList(c.Items...)}}, nil
}
