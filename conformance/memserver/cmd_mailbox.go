package memserver

import (
	"slices"
	"sort"
	"strings"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Mailbox commands of the authenticated state (RFC 9051 §6.3).

// cmdSelect does SELECT and EXAMINE (RFC 9051 §6.3.2, §6.3.3), with the
// CONDSTORE parameter (RFC 7162 §3.1.8).
func (ss *session) cmdSelect(c *command) error {
	sc, err := codec.ParseSelect(c.wc, ss.typedUTF8(c))
	if err != nil {
		return typedError(err)
	}
	if len(sc.Other) > 0 {
		return bad("unsupported SELECT parameter")
	}
	if sc.QResync != nil && !ss.qresync {
		// RFC 7162 §3.2.5: BAD without ENABLE QRESYNC first.
		return bad("QRESYNC parameter without ENABLE QRESYNC")
	}
	name, condstore := sc.Mailbox, sc.CondStore
	if ss.mbox != nil {
		ss.unselect()
		// RFC 9051 §6.3.2: the previous mailbox is closed.
		ss.status(wire.StatusOK, &wire.Code{Name: "CLOSED"}, "previous mailbox closed")
	}
	if condstore {
		ss.condstore = true
	}
	srv := ss.srv
	srv.mu.Lock()
	mb := ss.user.mailbox(name)
	if mb == nil || mb.noSelect {
		srv.mu.Unlock()
		return no("NONEXISTENT", "no such mailbox: %s", name)
	}
	ss.mbox = mb
	ss.readOnly = c.name == "EXAMINE"
	ss.view = slices.Clone(mb.msgs)
	ss.claimRecent(ss.view)
	recent := ss.recentCount()
	ss.expungePending = false
	ss.seenUID = mb.uidNext - 1
	ss.saved = nil
	mb.sessions[ss] = struct{}{}
	flags := mb.flagList()
	exists := uint32(len(ss.view))
	var unseen uint32
	for i, m := range ss.view {
		if !hasFlag(m.flags, `\Seen`) {
			unseen = uint32(i + 1)
			break
		}
	}
	uidValidity, uidNext, modSeq := mb.uidValidity, mb.uidNext, mb.modSeq
	mbName, special := mb.name, mb.specialUse
	var resync *qresyncResult
	if q := sc.QResync; q != nil && q.UIDValidity == uidValidity {
		resync = ss.qresyncChanges(q)
	}
	srv.mu.Unlock()

	ss.state = stateSelected
	ss.data("FLAGS", flags)
	perm := []string{}
	if !ss.readOnly {
		perm = append(slices.Clone(flags), `\*`)
	}
	ss.status(wire.StatusOK, &wire.Code{Name: "PERMANENTFLAGS", Data: perm}, "limited")
	ss.dataNum(exists, "EXISTS", nil)
	if !ss.rev2 {
		ss.dataNum(recent, "RECENT", nil)
		if unseen > 0 {
			ss.status(wire.StatusOK, &wire.Code{Name: "UNSEEN", Data: unseen}, "first unseen")
		}
	}
	ss.status(wire.StatusOK, &wire.Code{Name: "UIDVALIDITY", Data: uidValidity}, "UIDs valid")
	ss.status(wire.StatusOK, &wire.Code{Name: "UIDNEXT", Data: uidNext}, "predicted next UID")
	if ss.condstore {
		ss.status(wire.StatusOK, &wire.Code{Name: "HIGHESTMODSEQ", Data: modSeq}, "highest")
	}
	if ss.rev2 {
		// RFC 9051 §6.3.2: a LIST response with the mailbox name.
		ld := &wire.ListData{Delim: delim, Mailbox: mbName}
		if special != "" {
			ld.Attrs = []string{special}
		}
		ss.data("LIST", ld)
	}
	if resync != nil {
		resync.send(ss)
	}
	if ss.readOnly {
		ss.okCode = &wire.Code{Name: "READ-ONLY"}
	} else {
		ss.okCode = &wire.Code{Name: "READ-WRITE"}
	}
	ss.okText = c.name + " completed"
	return nil
}

// qresyncResult is what a SELECT with the QRESYNC parameter reports
// beside the usual responses (RFC 7162 §3.2.5.1).
type qresyncResult struct {
	vanished seqset.Set
	changed  []snapshot
}

// qresyncChanges collects the expunges and the flag changes since the
// client's mod-sequence among its known UIDs: what "UID FETCH known-uids
// (FLAGS) (CHANGEDSINCE modseq VANISHED)" would return (RFC 7162
// §3.2.5.1). The seq-match data only lets a server narrow the VANISHED
// response; this server remembers enough expunges not to need it. The
// caller holds Server.mu and has just selected the mailbox.
func (ss *session) qresyncChanges(q *codec.QResyncParam) *qresyncResult {
	mb := ss.mbox
	known := q.KnownUIDs
	if known.IsEmpty() {
		// "as if the client has specified 1:<maxuid>"
		if mb.uidNext > 1 {
			known.AddRange(1, mb.uidNext-1)
		}
	} else {
		known = known.Resolve(mb.uidNext - 1)
	}
	r := &qresyncResult{vanished: mb.vanishedSince(q.ModSeq, known)}
	for i, m := range ss.view {
		if m.modSeq > q.ModSeq && known.Contains(m.uid) {
			r.changed = append(r.changed, snapshot{seq: uint32(i + 1), m: m, flags: ss.flagsOf(m), modSeq: m.modSeq})
		}
	}
	return r
}

// send writes the VANISHED (EARLIER) response, then the FETCH responses;
// VANISHED comes first (RFC 7162 §3.2.6).
func (r *qresyncResult) send(ss *session) {
	if !r.vanished.IsEmpty() {
		ss.data("VANISHED", vanishedEarlier(r.vanished))
	}
	for _, sn := range r.changed {
		fd := &wire.FetchData{Seq: sn.seq, Has: wire.FetchUID | wire.FetchFlags, UID: sn.m.uid, Flags: sn.flags}
		fd.Items = append(fd.Items, modSeqItem(sn.modSeq))
		ss.dataNum(sn.seq, "FETCH", fd)
	}
}

// vanishedEarlier is the data of "VANISHED (EARLIER) uids".
func vanishedEarlier(uids seqset.Set) []wire.Value {
	return []wire.Value{wire.List(wire.Atom("EARLIER")), wire.Atom(uids.String())}
}

// cmdClose does CLOSE (RFC 9051 §6.4.1: expunge silently) and UNSELECT
// (RFC 9051 §6.4.2).
func (ss *session) cmdClose(c *command) error {
	if err := c.end(); err != nil {
		return err
	}
	if c.name == "CLOSE" && !ss.readOnly {
		ss.srv.mu.Lock()
		ss.mbox.expunge(func(m *message) bool { return hasFlag(m.flags, `\Deleted`) }, ss)
		ss.srv.mu.Unlock()
	}
	ss.unselect()
	return nil
}

func (ss *session) cmdCreate(c *command) error {
	name, err := ss.mailboxName(&c.args)
	if err != nil {
		return err
	}
	var use string
	if c.more() {
		// CREATE-SPECIAL-USE (RFC 6154 §3): (USE (\Sent))
		opts := c.list("CREATE parameters")
		if len(opts) != 2 || !strings.EqualFold(opts[0].Text(), "USE") || opts[1].Kind != wire.KindList || len(opts[1].List) != 1 {
			return bad("invalid CREATE parameters")
		}
		use = opts[1].List[0].Text()
		if !slices.ContainsFunc(specialUses, func(s string) bool { return strings.EqualFold(s, use) }) {
			return no("USEATTR", "unknown special use %s", use)
		}
	}
	if err := c.end(); err != nil {
		return err
	}
	if canonical(name) == "INBOX" {
		return no("ALREADYEXISTS", "INBOX exists")
	}
	ss.srv.mu.Lock()
	defer ss.srv.mu.Unlock()
	if _, err := ss.srv.create(ss.user, name, use); err != nil {
		return err
	}
	return nil
}

var specialUses = []string{`\All`, `\Archive`, `\Drafts`, `\Flagged`, `\Junk`, `\Sent`, `\Trash`}

// cmdDelete does DELETE (RFC 9051 §6.3.4).
func (ss *session) cmdDelete(c *command) error {
	name, err := ss.mailboxName(&c.args)
	if err != nil {
		return err
	}
	if err := c.end(); err != nil {
		return err
	}
	if canonical(name) == "INBOX" {
		return no("CANNOT", "INBOX cannot be deleted")
	}
	ss.srv.mu.Lock()
	defer ss.srv.mu.Unlock()
	u := ss.user
	mb := u.mailbox(name)
	if mb == nil {
		return no("NONEXISTENT", "no such mailbox: %s", name)
	}
	hasChildren := u.children(name)
	if mb.noSelect && hasChildren {
		return no("INUSE", "mailbox has children")
	}
	mb.expunge(func(*message) bool { return true }, nil)
	for s := range mb.sessions {
		s.poke()
	}
	if hasChildren {
		mb.noSelect = true
		mb.uidNext, mb.modSeq = 1, 1
		ss.srv.uidValidity++
		mb.uidValidity = ss.srv.uidValidity
		return nil
	}
	mb.deleted = true
	delete(u.mailboxes, canonical(name))
	return nil
}

// cmdRename does RENAME (RFC 9051 §6.3.6), children included; renaming
// INBOX moves its messages to a new mailbox and leaves INBOX empty.
func (ss *session) cmdRename(c *command) error {
	from, err := ss.mailboxName(&c.args)
	if err != nil {
		return err
	}
	to, err := ss.mailboxName(&c.args)
	if err != nil {
		return err
	}
	if err := c.end(); err != nil {
		return err
	}
	to = strings.TrimSuffix(to, string(delim))
	srv := ss.srv
	srv.mu.Lock()
	defer srv.mu.Unlock()
	u := ss.user
	mb := u.mailbox(from)
	if mb == nil {
		return no("NONEXISTENT", "no such mailbox: %s", from)
	}
	if mb2 := u.mailbox(to); mb2 != nil && !mb2.noSelect {
		return no("ALREADYEXISTS", "mailbox exists: %s", to)
	}
	if canonical(to) == "INBOX" || strings.HasPrefix(canonical(to)+string(delim), canonical(from)+string(delim)) {
		return no("CANNOT", "cannot rename %s to %s", from, to)
	}
	if err := validName(to); err != nil {
		return err
	}
	if canonical(from) == "INBOX" {
		dst, err := srv.create(u, to, "")
		if err != nil {
			return err
		}
		for _, m := range mb.msgs {
			dst.add(m.raw, m.flags, m.date)
		}
		mb.expunge(func(*message) bool { return true }, nil)
		return nil
	}
	// Superiors of the new name first, then the mailbox and its children.
	if i := strings.LastIndexByte(to, delim); i > 0 && u.mailbox(to[:i]) == nil {
		if _, err := srv.create(u, to[:i], ""); err != nil {
			return err
		}
	}
	oldKey := canonical(from)
	for k, m := range u.mailboxes {
		if k == oldKey || strings.HasPrefix(k, oldKey+string(delim)) {
			newName := to + m.name[len(from):]
			delete(u.mailboxes, k)
			m.name = newName
			u.mailboxes[canonical(newName)] = m
			if u.subscribed[k] {
				delete(u.subscribed, k)
				u.subscribed[canonical(newName)] = true
			}
		}
	}
	return nil
}

func (ss *session) cmdSubscribe(c *command) error {
	name, err := ss.mailboxName(&c.args)
	if err != nil {
		return err
	}
	if err := c.end(); err != nil {
		return err
	}
	ss.srv.mu.Lock()
	defer ss.srv.mu.Unlock()
	if c.name == "SUBSCRIBE" {
		if ss.user.mailbox(name) == nil {
			return no("NONEXISTENT", "no such mailbox: %s", name)
		}
		if len(ss.user.subscribed) >= maxMailboxes {
			return no("LIMIT", "too many subscriptions")
		}
		ss.user.subscribed[canonical(name)] = true
	} else {
		delete(ss.user.subscribed, canonical(name))
	}
	return nil
}

func (ss *session) cmdNamespace(c *command) error {
	if err := c.end(); err != nil {
		return err
	}
	ss.data("NAMESPACE", &wire.NamespaceData{Personal: []wire.Namespace{{Prefix: "", Delim: delim}}})
	return nil
}

// cmdList does LIST with the extensions of RFC 5258 (selection and
// return options), RFC 5819 (RETURN STATUS) and RFC 6154 (SPECIAL-USE),
// and LSUB (RFC 3501 §6.3.9).
func (ss *session) cmdList(c *command) error {
	var selSubscribed, selSpecial, recursive bool
	lsub := c.name == "LSUB"
	if v, ok := c.peek(); ok && v.Kind == wire.KindList && !lsub {
		c.next("")
		for _, o := range v.List {
			switch strings.ToUpper(o.Text()) {
			case "SUBSCRIBED":
				selSubscribed = true
			case "SPECIAL-USE":
				selSpecial = true
			case "RECURSIVEMATCH":
				recursive = true
			case "REMOTE":
			default:
				return bad("unknown LIST selection option %s", o.GoString())
			}
		}
		if recursive && !selSubscribed {
			return bad("RECURSIVEMATCH needs another selection option")
		}
	}
	ref, err := ss.mailboxName(&c.args)
	if err != nil {
		return err
	}
	var patterns []string
	if v, ok := c.peek(); ok && v.Kind == wire.KindList && !lsub {
		c.next("")
		for _, p := range v.List {
			a := args{v: []wire.Value{p}}
			pat, err := ss.mailboxName(&a)
			if err != nil {
				return err
			}
			patterns = append(patterns, pat)
		}
	} else {
		pat, err := ss.mailboxName(&c.args)
		if err != nil {
			return err
		}
		patterns = []string{pat}
	}
	var retSubscribed, retChildren, retSpecial bool
	var statusItems []string
	if c.more() && !lsub {
		if c.atom("RETURN") != "RETURN" {
			return bad("expected RETURN")
		}
		opts := c.list("return options")
		for i := 0; i < len(opts); i++ {
			switch strings.ToUpper(opts[i].Text()) {
			case "SUBSCRIBED":
				retSubscribed = true
			case "CHILDREN":
				retChildren = true
			case "SPECIAL-USE":
				retSpecial = true
			case "STATUS":
				if i+1 >= len(opts) || opts[i+1].Kind != wire.KindList {
					return bad("STATUS needs a list of items")
				}
				i++
				for _, it := range opts[i].List {
					statusItems = append(statusItems, strings.ToUpper(it.Text()))
				}
				if err := checkStatusItems(statusItems); err != nil {
					return err
				}
			default:
				return bad("unknown LIST return option %s", opts[i].GoString())
			}
		}
	}
	if err := c.end(); err != nil {
		return err
	}
	_ = retChildren // \HasChildren and \HasNoChildren are always sent (CHILDREN)
	_ = retSpecial  // special-use attributes are always sent (RFC 6154 §2)

	if len(patterns) == 1 && patterns[0] == "" && !lsub {
		// RFC 9051 §6.3.9: the delimiter and the root of ref.
		root := ""
		if i := strings.IndexByte(ref, delim); i >= 0 {
			root = ref[:i+1]
		}
		ss.data("LIST", &wire.ListData{Attrs: []string{`\Noselect`}, Delim: delim, Mailbox: root})
		return nil
	}

	type entry struct {
		ld     wire.ListData
		status *wire.StatusData
	}
	var out []entry
	srv := ss.srv
	srv.mu.Lock()
	u := ss.user
	names := make([]string, 0, len(u.mailboxes))
	for _, mb := range u.mailboxes {
		names = append(names, mb.name)
	}
	if selSubscribed || lsub {
		for k := range u.subscribed {
			if u.mailboxes[k] == nil {
				names = append(names, k)
			}
		}
	}
	sort.Strings(names)
	matchAny := func(name string) bool {
		for _, p := range patterns {
			if matchPattern(ref+p, name) {
				return true
			}
		}
		return false
	}
	listed := map[string]bool{}
	for _, name := range names {
		key := canonical(name)
		mb := u.mailboxes[key]
		sub := u.subscribed[key]
		if !matchAny(name) {
			continue
		}
		if (selSubscribed || lsub) && !sub {
			continue
		}
		if selSpecial && (mb == nil || mb.specialUse == "") {
			continue
		}
		var attrs []string
		switch {
		case mb == nil:
			attrs = append(attrs, `\NonExistent`)
		case mb.noSelect:
			attrs = append(attrs, `\Noselect`)
		}
		if mb != nil && !lsub {
			if u.children(name) {
				attrs = append(attrs, `\HasChildren`)
			} else {
				attrs = append(attrs, `\HasNoChildren`)
			}
			if mb.specialUse != "" {
				attrs = append(attrs, mb.specialUse)
			}
		}
		if sub && (retSubscribed || selSubscribed) {
			attrs = append(attrs, `\Subscribed`)
		}
		if attrs == nil {
			attrs = []string{}
		}
		e := entry{ld: wire.ListData{Attrs: attrs, Delim: delim, Mailbox: name}}
		if len(statusItems) > 0 && mb != nil && !mb.noSelect {
			e.status = ss.statusData(mb, statusItems)
		}
		out = append(out, e)
		listed[key] = true
	}
	if recursive {
		// RFC 5258 §3.5: parents of matching subscribed children.
		for k := range u.subscribed {
			for i := strings.LastIndexByte(k, delim); i > 0; i = strings.LastIndexByte(k[:i], delim) {
				parent := k[:i]
				if listed[parent] || !matchAny(parent) || u.subscribed[parent] {
					continue
				}
				listed[parent] = true
				name := parent
				if mb := u.mailboxes[parent]; mb != nil {
					name = mb.name
				}
				out = append(out, entry{ld: wire.ListData{Attrs: []string{}, Delim: delim, Mailbox: name,
					ChildInfo: []string{"SUBSCRIBED"}}})
			}
		}
	}
	srv.mu.Unlock()
	name := "LIST"
	if lsub {
		name = "LSUB"
	}
	for i := range out {
		ss.data(name, &out[i].ld)
		if out[i].status != nil {
			ss.data("STATUS", out[i].status)
		}
	}
	return nil
}

// matchPattern matches a LIST pattern (RFC 9051 §6.3.9): "*" matches
// anything, "%" anything but the delimiter. INBOX matches
// case-insensitively.
func matchPattern(pattern, name string) bool {
	if canonical(name) == "INBOX" || strings.HasPrefix(canonical(name), "INBOX/") {
		if len(pattern) >= 5 && strings.EqualFold(pattern[:5], "INBOX") {
			pattern = "INBOX" + pattern[5:]
		}
		name = canonical(name)
	}
	if len(pattern) > maxNameLength {
		return false
	}
	return match(pattern, name)
}

// match matches pattern p against s in O(len(p)*len(s)).
func match(p, s string) bool {
	prev := make([]bool, len(s)+1)
	cur := make([]bool, len(s)+1)
	prev[0] = true
	for i := 0; i < len(p); i++ {
		clear(cur)
		switch p[i] {
		case '*':
			run := false
			for j := 0; j <= len(s); j++ {
				run = run || prev[j]
				cur[j] = run
			}
		case '%':
			for j := 0; j <= len(s); j++ {
				cur[j] = prev[j] || j > 0 && cur[j-1] && s[j-1] != delim
			}
		default:
			for j := 1; j <= len(s); j++ {
				cur[j] = prev[j-1] && s[j-1] == p[i]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(s)]
}

var statusItemNames = []string{"MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "DELETED", "SIZE", "RECENT", "HIGHESTMODSEQ"}

func checkStatusItems(items []string) error {
	if len(items) == 0 {
		return bad("no STATUS items")
	}
	for _, it := range items {
		if !slices.Contains(statusItemNames, it) {
			return bad("unknown STATUS item %s", it)
		}
	}
	return nil
}

// statusData computes STATUS items; the caller holds srv.mu.
func (ss *session) statusData(mb *mailbox, items []string) *wire.StatusData {
	sd := &wire.StatusData{Mailbox: mb.name}
	for _, it := range items {
		var v uint64
		switch it {
		case "MESSAGES":
			v = uint64(len(mb.msgs))
		case "UIDNEXT":
			v = uint64(mb.uidNext)
		case "UIDVALIDITY":
			v = uint64(mb.uidValidity)
		case "UNSEEN", "DELETED":
			flag, want := `\Seen`, false
			if it == "DELETED" {
				flag, want = `\Deleted`, true
			}
			for _, m := range mb.msgs {
				if hasFlag(m.flags, flag) == want {
					v++
				}
			}
		case "SIZE":
			for _, m := range mb.msgs {
				v += uint64(len(m.raw))
			}
		case "RECENT":
			// Messages no session was told of yet: they will be
			// \Recent for the next one to select the mailbox.
			for _, m := range mb.msgs {
				if m.recent == 0 {
					v++
				}
			}
		case "HIGHESTMODSEQ":
			v = mb.modSeq
			if it == "HIGHESTMODSEQ" {
				ss.condstore = true
			}
		}
		sd.Items = append(sd.Items, wire.StatusItem{Name: it, Value: v})
	}
	return sd
}

// cmdStatus does STATUS (RFC 9051 §6.3.11).
func (ss *session) cmdStatus(c *command) error {
	sc, err := codec.ParseStatus(c.wc, ss.typedUTF8(c))
	if err != nil {
		return typedError(err)
	}
	name, items := sc.Mailbox, sc.Items
	if err := checkStatusItems(items); err != nil {
		return err
	}
	ss.srv.mu.Lock()
	mb := ss.user.mailbox(name)
	if mb == nil || mb.noSelect {
		ss.srv.mu.Unlock()
		return no("NONEXISTENT", "no such mailbox: %s", name)
	}
	sd := ss.statusData(mb, items)
	ss.srv.mu.Unlock()
	ss.data("STATUS", sd)
	return nil
}
