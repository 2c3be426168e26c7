package codec

import (
	"bytes"
	"math/bits"
	"strconv"
	"unicode/utf8"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// parseList parses a LIST or LSUB response (RFC 9051 §7.3.1,
// "mailbox-list", with the extended items of RFC 5258 §9):
// "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP
// mailbox [SP mbox-list-extended].
func parseList(p *Parser, resp *wire.Response) (any, error) {
	l := &wire.ListData{}
	var err error
	if l.Attrs, err = p.ReadFlagList(); err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if l.Delim, err = p.delimiter(); err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if l.Mailbox, err = p.ReadMailbox(); err != nil {
		return nil, err
	}
	if p.AtEnd() || p.line[p.pos] != ' ' || p.pos+1 >= len(p.line) {
		return l, nil
	}
	p.pos++
	// mbox-list-extended = "(" [mbox-list-extended-item
	// *(SP mbox-list-extended-item)] ")"
	odd := false
	var tag string
	err = p.ReadList(func(p *Parser) error {
		odd = !odd
		if odd {
			b, err := p.astringBytes()
			if err != nil {
				return err
			}
			tag = p.intern(b)
			return nil
		}
		mark, gen := p.pos, p.lineGen
		var err error
		switch {
		case equalFold(tag, "OLDNAME"):
			// oldname-extended-item = "OLDNAME" SP "(" mailbox ")"
			err = p.ReadList(func(p *Parser) error {
				var err error
				l.OldName, err = p.ReadMailbox()
				return err
			})
		case equalFold(tag, "CHILDINFO"):
			// childinfo-extended-item = "CHILDINFO" SP "("
			// list-select-base-opt-quoted *(SP ...) ")"
			n := len(l.ChildInfo)
			err = p.ReadList(func(p *Parser) error {
				s, err := p.ReadAString()
				l.ChildInfo = append(l.ChildInfo, s)
				return err
			})
			if err != nil {
				l.ChildInfo = l.ChildInfo[:n]
			}
		default:
			v, err := p.value(false)
			l.Extended = append(l.Extended, wire.Atom(tag), v)
			return err
		}
		if err == nil {
			return nil
		}
		v, pe, err := p.recoverValue(err, mark, gen, "LIST item", upperString(tag))
		if err != nil {
			return err
		}
		if equalFold(tag, "OLDNAME") {
			l.OldName = ""
		}
		if resp.ParseErr == nil {
			resp.ParseErr = pe
		}
		l.Extended = append(l.Extended, wire.Atom(tag), v)
		return nil
	})
	if err == nil && odd {
		return nil, p.errAt(p.pos-1, "tagged-ext-val")
	}
	return l, err
}

// delimiter reads DQUOTE QUOTED-CHAR DQUOTE / nil; 0 for NIL.
func (p *Parser) delimiter() (rune, error) {
	if p.ReadNil() {
		return 0, nil
	}
	start := p.pos
	if c, _ := p.PeekByte(); c != '"' {
		return 0, p.SyntaxError("delimiter")
	}
	b, err := p.quotedBytes()
	if err != nil {
		return 0, err
	}
	if len(b) == 0 {
		// "" : seen from production servers for a flat hierarchy; read
		// leniently as NIL.
		if p.strict {
			return 0, p.errAt(start+1, "QUOTED-CHAR")
		}
		return 0, nil
	}
	r, n := utf8.DecodeRune(b)
	if n != len(b) && p.strict {
		return 0, p.errAt(start, "QUOTED-CHAR")
	}
	return r, nil
}

// parseStatus parses "STATUS" SP mailbox SP "(" [status-att-list] ")"
// (RFC 9051 §7.3.2). Every item is a name and a number64 or NIL (for
// APPENDLIMIT, RFC 7889), or a value of an extension's syntax: typed by
// the parser registered for the item (Registry.StatusItem), else a
// generic tree.
func parseStatus(p *Parser, resp *wire.Response) (any, error) {
	s := &wire.StatusData{}
	var err error
	if s.Mailbox, err = p.ReadMailbox(); err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	var buf [8]wire.StatusItem
	items := buf[:0]
	err = p.ReadList(func(p *Parser) error {
		name, err := p.readName(cAtom, 0)
		if err != nil {
			return err
		}
		it := wire.StatusItem{Name: statusName(name, p)}
		if err := p.ReadSP(); err != nil {
			return err
		}
		parse := p.reg.status[it.Name]
		if knownStatusItem(it.Name) {
			parse = nil
		}
		switch c, _ := p.PeekByte(); {
		case parse != nil:
			mark, gen := p.pos, p.lineGen
			if it.Data, err = parse(p, it.Name); err != nil {
				// An extension's item whose value its parser rejects.
				v, pe, err := p.recoverValue(err, mark, gen, "STATUS item", it.Name)
				if err != nil {
					return err
				}
				it.Data, it.Other = nil, &v
				if resp.ParseErr == nil {
					resp.ParseErr = pe
				}
			}
		case p.ReadNil():
			it.Nil = true
		case '0' <= c && c <= '9' || knownStatusItem(it.Name):
			mark, gen := p.pos, p.lineGen
			if it.Value, err = p.ReadNumber64(); err != nil {
				// A known item whose value is not a number64.
				v, pe, err := p.recoverValue(err, mark, gen, "STATUS item", it.Name)
				if err != nil {
					return err
				}
				it.Value, it.Other = 0, &v
				if resp.ParseErr == nil {
					resp.ParseErr = pe
				}
			}
		default:
			// An extension's item with a value of its own syntax, such as
			// MAILBOXID (F2212ea87) (RFC 8474 §4.2): a generic tree.
			v, err := p.value(false)
			if err != nil {
				return err
			}
			it.Other = &v
		}
		items = append(items, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Items = make([]wire.StatusItem, len(items))
	copy(s.Items, items)
	return s, nil
}

// knownStatusItem reports whether name is a STATUS item whose value is
// a number (RFC 9051 §7.3.2 and the extensions named there).
func knownStatusItem(name string) bool {
	switch name {
	case wire.StatusMessages, wire.StatusUIDNext, wire.StatusUIDValidity, wire.StatusUnseen,
		wire.StatusDeleted, wire.StatusSize, wire.StatusRecent, wire.StatusHighestModSeq,
		wire.StatusAppendLimit:
		return true
	}
	return false
}

func statusName(b []byte, p *Parser) string {
	switch string(b) {
	case wire.StatusMessages:
		return wire.StatusMessages
	case wire.StatusUIDNext:
		return wire.StatusUIDNext
	case wire.StatusUIDValidity:
		return wire.StatusUIDValidity
	case wire.StatusUnseen:
		return wire.StatusUnseen
	case wire.StatusDeleted:
		return wire.StatusDeleted
	case wire.StatusSize:
		return wire.StatusSize
	case wire.StatusRecent:
		return wire.StatusRecent
	case wire.StatusHighestModSeq:
		return wire.StatusHighestModSeq
	case wire.StatusAppendLimit:
		return wire.StatusAppendLimit
	}
	return p.str(b)
}

// parseSearch parses "SEARCH" *(SP nz-number) (RFC 3501 §7.2.5), with
// the trailing SP "(" "MODSEQ" SP mod-sequence-value ")" of RFC 7162
// §3.1.5.
func parseSearch(p *Parser, _ *wire.Response) (any, error) {
	s := &wire.SearchData{}
	var buf [64]uint32
	nums := buf[:0]
	for !p.AtEnd() {
		if p.Consume('(') {
			name, err := p.readName(cAtom, 0)
			if err != nil {
				return nil, err
			}
			if string(name) != "MODSEQ" {
				return nil, p.SyntaxError("MODSEQ")
			}
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
			if s.ModSeq, err = p.ReadNumber64(); err != nil {
				return nil, err
			}
			if err := p.Expect(')'); err != nil {
				return nil, err
			}
			break
		}
		if len(nums) >= p.opt.MaxListItems {
			return nil, p.limitErr(ErrTooManyItems)
		}
		n, err := p.ReadNZNumber()
		if err != nil {
			return nil, err
		}
		nums = append(nums, n)
		if p.AtEnd() {
			break
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		p.skipTrailingSpace()
		if p.AtEnd() && p.strict {
			return nil, p.SyntaxError("nz-number")
		}
	}
	if len(nums) > 0 {
		s.Nums = append([]uint32(nil), nums...)
	}
	return s, nil
}

// parseESearch parses "ESEARCH" [search-correlator] [SP "UID"]
// *(SP search-return-data) (RFC 9051 §7.3.4, RFC 4731 §3.1, with MODSEQ
// of RFC 7162 §3.1.5), the correlator with the MAILBOX and UIDVALIDITY
// of RFC 7377 §2.1. ALL keeps the order it was sent in (RFC 5267 §3.2)
// in AllOrder, and the items their order in Order, when either differs
// from what the encoder writes.
func parseESearch(p *Parser, resp *wire.Response) (any, error) {
	e := &wire.ESearchData{}
	if c, _ := p.PeekByte(); c == '(' {
		// search-correlator = SP "(" "TAG" SP tag-string
		//     [SP "MAILBOX" SP mailbox SP "UIDVALIDITY" SP nz-number] ")"
		p.pos++
		if err := p.correlatorName("TAG"); err != nil {
			return nil, err
		}
		var err error
		if e.Tag, err = p.ReadAString(); err != nil {
			return nil, err
		}
		if c, _ := p.PeekByte(); c == ' ' {
			p.pos++
			if err := p.correlatorName("MAILBOX"); err != nil {
				return nil, err
			}
			e.MailboxForm = peekForm(p)
			if e.Mailbox, err = p.ReadMailbox(); err != nil {
				return nil, err
			}
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
			if err := p.correlatorName("UIDVALIDITY"); err != nil {
				return nil, err
			}
			mark := p.pos
			if e.UIDValidity, err = p.ReadNZNumber(); err != nil {
				return nil, err
			}
			if e.UIDValidity == 0 {
				// Even leniently: 0 would read as no MAILBOX at all.
				return nil, p.errAt(mark, "nz-number")
			}
		}
		if err := p.Expect(')'); err != nil {
			return nil, err
		}
		if p.AtEnd() {
			return e, nil
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
	}
	first := true
	var order []string
	recovered := false
	for n := 0; !p.AtEnd(); n++ {
		if n >= p.opt.MaxListItems {
			return nil, p.limitErr(ErrTooManyItems)
		}
		start := p.pos
		name, err := p.readName(cAtom, 0)
		if err != nil {
			return nil, err
		}
		if first && string(name) == "UID" {
			e.UID = true
		} else {
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
			mark, gen := p.pos, p.lineGen
			var tag string
			switch string(name) {
			case "MIN":
				e.Min, err = p.ReadNZNumber()
				e.Has |= wire.ESearchMin
			case "MAX":
				e.Max, err = p.ReadNZNumber()
				e.Has |= wire.ESearchMax
			case "COUNT":
				e.Count, err = p.ReadNumber()
				e.Has |= wire.ESearchCount
			case "ALL":
				e.All, err = p.ReadSeqSet()
				if err == nil {
					e.AllOrder = sentOrder(p.line[mark:p.pos], e.All)
				}
				e.Has |= wire.ESearchAll
			case "MODSEQ":
				e.ModSeq, err = p.ReadNumber64()
				e.Has |= wire.ESearchModSeq
			default:
				// search-ret-data-ext = search-modifier-name SP
				// search-return-value
				tag = upperString(p.str(p.line[start : start+len(name)]))
				var v wire.Value
				v, err = p.value(false)
				e.Extensions = append(e.Extensions, wire.Atom(tag), v)
			}
			if err != nil {
				// A known item whose value does not parse: a generic value
				// among the extensions, in lenient mode.
				v, pe, rerr := p.recoverValue(err, mark, gen, "ESEARCH item", string(name))
				if rerr != nil {
					return nil, rerr
				}
				e.Has &^= esearchAttr(string(name))
				if string(name) == "ALL" {
					e.AllOrder = nil
				}
				tag, recovered = string(name), true
				e.Extensions = append(e.Extensions, wire.Atom(tag), v)
				if resp.ParseErr == nil {
					resp.ParseErr = pe
				}
			}
			if tag == "" {
				tag = esearchName(esearchAttr(string(name)))
			}
			order = append(order, tag)
		}
		first = false
		if p.AtEnd() {
			break
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		p.skipTrailingSpace()
	}
	// A recovered item is among the extensions under a known name: only
	// Order keeps its place.
	if recovered || !canonicalESearchOrder(order) {
		e.Order = order
	}
	return e, nil
}

// correlatorName reads name (case-insensitively) and the SP after it, in
// a search-correlator.
func (p *Parser) correlatorName(name string) error {
	got, err := p.readName(cAtom, 0)
	if err != nil || string(got) != name {
		return p.SyntaxError(`"` + name + `"`)
	}
	return p.ReadSP()
}

// peekForm returns the form of the string at the parser's position:
// FormQuoted, FormLiteral (or FormLiteral8), FormAuto for an atom.
func peekForm(p *Parser) wire.StringForm {
	switch c, _ := p.PeekByte(); c {
	case '"':
		return wire.FormQuoted
	case '{':
		return wire.FormLiteral
	case '~':
		return wire.FormLiteral8
	}
	return wire.FormAuto
}

// sentOrder returns the ranges of a sequence-set text as written, nil
// when set's canonical form is that text.
func sentOrder(text []byte, set seqset.Set) []seqset.Range {
	if set.IsSavedResult() || string(text) == set.String() {
		return nil
	}
	out := make([]seqset.Range, 0, bytes.Count(text, []byte{','})+1)
	for part := range bytes.SplitSeq(text, []byte{','}) {
		lo, hi, isRange := bytes.Cut(part, []byte{':'})
		a, ok1 := seqNumber(lo)
		b := a
		ok2 := true
		if isRange {
			b, ok2 = seqNumber(hi)
		}
		if !ok1 || !ok2 {
			return nil
		}
		out = append(out, seqset.Range{Start: a, Stop: b})
	}
	return out
}

// seqNumber reads a seq-number: a number, or "*" (seqset.Star).
func seqNumber(b []byte) (uint32, bool) {
	if string(b) == "*" {
		return seqset.Star, true
	}
	n, err := strconv.ParseUint(string(b), 10, 32)
	return uint32(n), err == nil && n != 0
}

// esearchName is the name of an ESearchAttrs bit.
func esearchName(a wire.ESearchAttrs) string {
	switch a {
	case wire.ESearchMin:
		return "MIN"
	case wire.ESearchMax:
		return "MAX"
	case wire.ESearchAll:
		return "ALL"
	case wire.ESearchCount:
		return "COUNT"
	case wire.ESearchModSeq:
		return "MODSEQ"
	}
	return ""
}

// canonicalESearchOrder reports whether the return data names come in
// the encoder's order: MIN, MAX, ALL, COUNT, MODSEQ, each at most once,
// then the extensions.
func canonicalESearchOrder(names []string) bool {
	last := 0
	for _, n := range names {
		r := 6
		if a := esearchAttr(n); a != 0 {
			r = bits.TrailingZeros8(uint8(a)) + 1
		}
		if r < last || r == last && r < 6 {
			return false
		}
		last = r
	}
	return true
}

// esearchAttr returns the ESearchAttrs bit of a search-return-data name.
func esearchAttr(name string) wire.ESearchAttrs {
	switch name {
	case "MIN":
		return wire.ESearchMin
	case "MAX":
		return wire.ESearchMax
	case "ALL":
		return wire.ESearchAll
	case "COUNT":
		return wire.ESearchCount
	case "MODSEQ":
		return wire.ESearchModSeq
	}
	return 0
}

func upperString(s string) string {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			b := []byte(s)
			upper(b)
			return string(b)
		}
	}
	return s
}

// parseNamespace parses "NAMESPACE" SP namespace SP namespace SP
// namespace (RFC 9051 §7.3.5, RFC 2342 §5). Prefixes are decoded like
// mailbox names.
func parseNamespace(p *Parser, _ *wire.Response) (any, error) {
	n := &wire.NamespaceData{}
	lists := [3]*[]wire.Namespace{&n.Personal, &n.Other, &n.Shared}
	for i, l := range lists {
		if i > 0 {
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
		}
		var err error
		if *l, err = p.namespaces(); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// namespaces reads namespace = nil / "(" 1*namespace-descr ")".
// Leniently, spaces between the descriptions are accepted.
func (p *Parser) namespaces() ([]wire.Namespace, error) {
	if p.ReadNil() {
		return nil, nil
	}
	if err := p.open(); err != nil {
		return nil, err
	}
	if err := p.Enter(); err != nil {
		return nil, err
	}
	defer p.Leave()
	var out []wire.Namespace
	for {
		c, _ := p.PeekByte()
		if c == ')' && len(out) > 0 {
			p.pos++
			return out, nil
		}
		if c == ' ' && len(out) > 0 && !p.strict {
			p.pos++
			continue
		}
		if len(out) >= p.opt.MaxListItems {
			return nil, p.limitErr(ErrTooManyItems)
		}
		ns, err := p.namespaceDescr()
		if err != nil {
			return nil, err
		}
		out = append(out, ns)
	}
}

// namespaceDescr reads "(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil)
// [namespace-response-extensions] ")".
func (p *Parser) namespaceDescr() (wire.Namespace, error) {
	var ns wire.Namespace
	if err := p.open(); err != nil {
		return ns, err
	}
	start := p.pos
	b, err := p.stringBytes()
	if err != nil {
		return ns, err
	}
	if ns.Prefix, err = p.mailbox(b, start); err != nil {
		return ns, err
	}
	if err := p.ReadSP(); err != nil {
		return ns, err
	}
	if ns.Delim, err = p.delimiter(); err != nil {
		return ns, err
	}
	// namespace-response-extension = SP string SP "(" string *(SP
	// string) ")"
	for !p.Consume(')') {
		if err := p.ReadSP(); err != nil {
			return ns, err
		}
		if len(ns.Extensions) >= p.opt.MaxListItems {
			return ns, p.limitErr(ErrTooManyItems)
		}
		v, err := p.value(false)
		if err != nil {
			return ns, err
		}
		ns.Extensions = append(ns.Extensions, v)
	}
	return ns, nil
}
