package memserver

import (
	"bytes"
	"mime"
	"net/mail"
	"strings"
	"time"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// SEARCH (RFC 9051 §6.4.4) with ESEARCH return options (RFC 4731,
// RFC 9051 §6.4.4), SEARCHRES (RFC 5182) and MODSEQ (RFC 7162 §3.1.5).

// searchKey reports whether the message at view index i matches; it runs
// with srv.mu held.
type searchKey func(i int, m *message) bool

type searchParser struct {
	ss     *session
	a      *args
	modSeq bool // a MODSEQ key was used
}

const maxSearchDepth = 64

func (p *searchParser) keys(vs []wire.Value, depth int) (searchKey, error) {
	sub := &searchParser{ss: p.ss, a: &args{v: vs}}
	var ks []searchKey
	for sub.a.more() {
		k, err := sub.key(depth + 1)
		if err != nil {
			return nil, err
		}
		ks = append(ks, k)
	}
	p.modSeq = p.modSeq || sub.modSeq
	if len(ks) == 0 {
		return nil, bad("empty search key list")
	}
	return and(ks), nil
}

func and(ks []searchKey) searchKey {
	if len(ks) == 1 {
		return ks[0]
	}
	return func(i int, m *message) bool {
		for _, k := range ks {
			if !k(i, m) {
				return false
			}
		}
		return true
	}
}

func flagKey(f string, want bool) searchKey {
	return func(_ int, m *message) bool { return hasFlag(m.flags, f) == want }
}

func (p *searchParser) key(depth int) (searchKey, error) {
	if depth > maxSearchDepth {
		return nil, bad("search keys nested too deep")
	}
	a := p.a
	v := a.next("search key")
	if a.err != nil {
		return nil, a.err
	}
	if v.Kind == wire.KindList {
		return p.keys(v.List, depth)
	}
	if isSeqSet(v) {
		set := a.toSeqSet(v, "sequence set")
		if a.err != nil {
			return nil, a.err
		}
		return p.setKey(set, false)
	}
	if v.Kind != wire.KindAtom {
		return nil, bad("invalid search key %s", v.GoString())
	}
	name := strings.ToUpper(v.Str)
	switch name {
	case "ALL":
		return func(int, *message) bool { return true }, nil
	case "ANSWERED", "DELETED", "DRAFT", "FLAGGED", "SEEN":
		return flagKey(`\`+name[:1]+strings.ToLower(name[1:]), true), nil
	case "UNANSWERED", "UNDELETED", "UNDRAFT", "UNFLAGGED", "UNSEEN":
		n := name[2:]
		return flagKey(`\`+n[:1]+strings.ToLower(n[1:]), false), nil
	case "RECENT", "OLD":
		// RFC 3501 §6.4.4; the keys stay in IMAP4rev2 (§6.4.4 there)
		// though the flag does not.
		id, want := p.ss.id, name == "RECENT"
		return func(_ int, m *message) bool { return (m.recent == id) == want }, nil
	case "NEW":
		id := p.ss.id
		return func(_ int, m *message) bool { return m.recent == id && !hasFlag(m.flags, `\Seen`) }, nil
	case "KEYWORD", "UNKEYWORD":
		a.atom("keyword")
		if a.err != nil {
			return nil, a.err
		}
		return flagKey(a.v[a.i-1].Str, name == "KEYWORD"), nil
	case "BCC", "CC", "FROM", "TO", "SUBJECT":
		s := a.astring(name)
		if a.err != nil {
			return nil, a.err
		}
		return headerKey(name, s), nil
	case "HEADER":
		f := a.astring("header field")
		s := a.astring("header value")
		if a.err != nil {
			return nil, a.err
		}
		return headerKey(f, s), nil
	case "BODY", "TEXT":
		s := strings.ToLower(a.astring(name))
		if a.err != nil {
			return nil, a.err
		}
		needle := []byte(s)
		return func(_ int, m *message) bool {
			e := m.parsed()
			hay := e.body
			if name == "TEXT" {
				hay = m.raw
			}
			return containsFold(hay, needle)
		}, nil
	case "BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE":
		d, err := parseDate(a.astring("date"))
		if a.err != nil {
			return nil, a.err
		}
		if err != nil {
			return nil, bad("invalid date for %s", name)
		}
		sent := strings.HasPrefix(name, "SENT")
		op := strings.TrimPrefix(name, "SENT")
		return func(_ int, m *message) bool {
			t := m.date
			if sent {
				var err error
				if t, err = mail.ParseDate(m.parsed().get("Date")); err != nil {
					return false
				}
			}
			day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			switch op {
			case "BEFORE":
				return day.Before(d)
			case "ON":
				return day.Equal(d)
			}
			return !day.Before(d)
		}, nil
	case "LARGER", "SMALLER":
		n := a.number(name)
		if a.err != nil {
			return nil, a.err
		}
		return func(_ int, m *message) bool {
			if name == "LARGER" {
				return uint64(len(m.raw)) > n
			}
			return uint64(len(m.raw)) < n
		}, nil
	case "NOT":
		k, err := p.key(depth + 1)
		if err != nil {
			return nil, err
		}
		return func(i int, m *message) bool { return !k(i, m) }, nil
	case "OR":
		k1, err := p.key(depth + 1)
		if err != nil {
			return nil, err
		}
		k2, err := p.key(depth + 1)
		if err != nil {
			return nil, err
		}
		return func(i int, m *message) bool { return k1(i, m) || k2(i, m) }, nil
	case "UID":
		set := a.seqSet("UID set")
		if a.err != nil {
			return nil, a.err
		}
		return p.setKey(set, true)
	case "MODSEQ":
		// MODSEQ [entry-name entry-type-req] mod-sequence-valzer
		v := a.next("mod-sequence")
		if v.Kind == wire.KindString || v.Kind == wire.KindAtom && !isDigits(v.Str) {
			a.atom("entry type")
			v = a.next("mod-sequence")
		}
		n := a.toNumber(v, "mod-sequence")
		if a.err != nil {
			return nil, a.err
		}
		p.modSeq = true
		p.ss.condstore = true
		return func(_ int, m *message) bool { return m.modSeq >= n }, nil
	}
	return nil, bad("unknown search key %s", name)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// setKey matches message numbers or UIDs in set; "$" is the saved result.
func (p *searchParser) setKey(set seqset.Set, uid bool) (searchKey, error) {
	ss := p.ss
	if set.IsSavedResult() {
		saved := make(map[uint32]bool, len(ss.saved))
		for _, u := range ss.saved {
			saved[u] = true
		}
		return func(_ int, m *message) bool { return saved[m.uid] }, nil
	}
	if uid {
		largest := uint32(0)
		if n := len(ss.view); n > 0 {
			largest = ss.view[n-1].uid
		}
		r := set.Resolve(largest)
		return func(_ int, m *message) bool { return r.Contains(m.uid) }, nil
	}
	r := set.Resolve(uint32(len(ss.view)))
	return func(i int, _ *message) bool { return r.Contains(uint32(i + 1)) }, nil
}

var wordDecoder = &mime.WordDecoder{}

// headerKey matches messages whose header field name contains s,
// case-insensitively, raw or with RFC 2047 words decoded.
func headerKey(name, s string) searchKey {
	needle := []byte(strings.ToLower(s))
	return func(_ int, m *message) bool {
		for _, f := range m.parsed().fields {
			if !strings.EqualFold(f.name, name) {
				continue
			}
			if containsFold([]byte(f.value), needle) {
				return true
			}
			if dec, err := wordDecoder.DecodeHeader(f.value); err == nil && containsFold([]byte(dec), needle) {
				return true
			}
		}
		return false
	}
}

// containsFold reports whether hay holds needle (lower case), ignoring
// ASCII case.
func containsFold(hay, needle []byte) bool {
	if len(needle) == 0 {
		return true
	}
	first := needle[0]
	for i := 0; i+len(needle) <= len(hay); i++ {
		c := hay[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != first {
			continue
		}
		if bytes.EqualFold(hay[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}

// cmdSearch does SEARCH and UID SEARCH.
func (ss *session) cmdSearch(c *command) error {
	var ret []string
	esearch := false
	if v, ok := c.peek(); ok && v.Kind == wire.KindAtom && strings.EqualFold(v.Str, "RETURN") {
		c.next("")
		esearch = true
		for _, o := range c.list("return options") {
			opt := strings.ToUpper(o.Text())
			switch opt {
			case "MIN", "MAX", "ALL", "COUNT", "SAVE":
				ret = append(ret, opt)
			default:
				return bad("unknown SEARCH return option %s", o.GoString())
			}
		}
	}
	if v, ok := c.peek(); ok && v.Kind == wire.KindAtom && strings.EqualFold(v.Str, "CHARSET") {
		c.next("")
		cs := strings.ToUpper(c.astring("charset"))
		if c.err == nil && cs != "UTF-8" && cs != "US-ASCII" {
			return &respError{code: "BADCHARSET", args: []wire.Value{wire.List(wire.Atom("UTF-8"), wire.Atom("US-ASCII"))},
				text: "unsupported charset " + cs}
		}
	}
	if c.err != nil {
		return c.err
	}
	if !c.more() {
		return bad("SEARCH needs a search key")
	}
	p := &searchParser{ss: ss, a: &c.args}
	var ks []searchKey
	for c.more() {
		k, err := p.key(0)
		if err != nil {
			return err
		}
		ks = append(ks, k)
	}
	if err := c.end(); err != nil {
		return err
	}
	key := and(ks)

	ss.srv.mu.Lock()
	var nums []uint32
	var uids []uint32
	var maxMod uint64
	for i, m := range ss.view {
		if m.expunged || !key(i, m) {
			continue
		}
		uids = append(uids, m.uid)
		if c.uid {
			nums = append(nums, m.uid)
		} else {
			nums = append(nums, uint32(i+1))
		}
		maxMod = max(maxMod, m.modSeq)
	}
	ss.srv.mu.Unlock()
	if !p.modSeq {
		maxMod = 0
	}

	has := func(o string) bool {
		for _, r := range ret {
			if r == o {
				return true
			}
		}
		return false
	}
	if esearch && (len(ret) == 0 || len(ret) == 1 && ret[0] == "SAVE") {
		if len(ret) == 0 {
			ret = []string{"ALL"}
		} else {
			ret = append(ret, "ALL")
			esearch = false // RETURN (SAVE) alone returns nothing (RFC 5182 §2.1)
		}
	}
	if has("SAVE") {
		// RFC 5182 §2.4: with only MIN and/or MAX, those are saved.
		switch {
		case len(uids) == 0:
			ss.saved = nil
		case !has("ALL") && !has("COUNT") && (has("MIN") || has("MAX")):
			ss.saved = nil
			if has("MIN") {
				ss.saved = append(ss.saved, uids[0])
			}
			if has("MAX") && (len(uids) > 1 || !has("MIN")) {
				ss.saved = append(ss.saved, uids[len(uids)-1])
			}
		default:
			ss.saved = uids
		}
		if len(ret) == 2 && has("ALL") && !esearch {
			return nil
		}
	}
	if !esearch && !ss.rev2 {
		ss.data("SEARCH", &wire.SearchData{Nums: nums, ModSeq: maxMod})
		return nil
	}
	if !esearch {
		ret = []string{"ALL"}
	}
	ed := &wire.ESearchData{Tag: c.tag, UID: c.uid}
	if len(nums) > 0 {
		if has("MIN") || !esearch {
			ed.Has |= wire.ESearchMin
			ed.Min = nums[0]
		}
		if has("MAX") {
			ed.Has |= wire.ESearchMax
			ed.Max = nums[len(nums)-1]
		}
		if has("ALL") || !esearch {
			ed.Has |= wire.ESearchAll
			for _, n := range nums {
				ed.All.Add(n)
			}
		}
		if maxMod > 0 {
			ed.Has |= wire.ESearchModSeq
			ed.ModSeq = maxMod
		}
	}
	if !esearch {
		ed.Has &^= wire.ESearchMin
	}
	if has("COUNT") {
		ed.Has |= wire.ESearchCount
		ed.Count = uint32(len(nums))
	}
	ss.data("ESEARCH", ed)
	return nil
}
