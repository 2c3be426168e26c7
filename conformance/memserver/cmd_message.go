package memserver

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Message commands of the selected state (RFC 9051 §6.4) and APPEND.

// selectMsgs returns the view indices of set, ascending; the caller
// holds srv.mu. Message numbers beyond the mailbox are an error
// (RFC 9051 §9 "seq-number"); UIDs that do not exist are skipped.
func (ss *session) selectMsgs(set seqset.Set, uid bool) ([]int, error) {
	n := len(ss.view)
	var idx []int
	if set.IsSavedResult() {
		for _, u := range ss.saved {
			if i := indexUID(ss.view, u); i >= 0 {
				idx = append(idx, i)
			}
		}
		return idx, nil
	}
	if uid {
		largest := uint32(0)
		if n > 0 {
			largest = ss.view[n-1].uid
		}
		for r := range set.Resolve(largest).Ranges() {
			i := sort.Search(n, func(i int) bool { return ss.view[i].uid >= r.Start })
			for ; i < n && ss.view[i].uid <= r.Stop; i++ {
				idx = append(idx, i)
			}
		}
		return idx, nil
	}
	for r := range set.Resolve(uint32(n)).Ranges() {
		if r.Start == seqset.Star || int64(r.Stop) > int64(n) {
			return nil, bad("invalid message sequence number (%d messages)", n)
		}
		for i := r.Start; i <= r.Stop; i++ {
			idx = append(idx, int(i-1))
		}
	}
	return idx, nil
}

// cmdAppend does APPEND (RFC 9051 §6.3.12) and MULTIAPPEND (RFC 3502):
// each message is [flags] [date-time] literal.
func (ss *session) cmdAppend(c *command) error {
	name, err := ss.mailboxName(&c.args)
	if err != nil {
		return err
	}
	type msg struct {
		raw   []byte
		flags []string
		date  time.Time
	}
	var msgs []msg
	for c.more() || len(msgs) == 0 {
		var m msg
		v := c.next("message")
		if v.Kind == wire.KindList {
			fs, err := flagValues(v.List)
			if err != nil {
				return err
			}
			m.flags = fs
			v = c.next("message")
		}
		if v.Kind == wire.KindString && v.Form == wire.FormQuoted {
			d, err := parseDateTime(v.Str)
			if err != nil {
				return bad("invalid date-time %q", v.Str)
			}
			m.date = d
			v = c.next("message")
		}
		if v.Kind == wire.KindAtom && strings.EqualFold(v.Str, "UTF8") {
			// RFC 6855 §4: UTF8 (literal8), a message with UTF-8 headers.
			l := c.list("UTF8 message")
			if len(l) != 1 {
				return bad("APPEND UTF8: expected one literal8 in parentheses")
			}
			v = l[0]
		}
		if c.err != nil {
			return c.err
		}
		if v.Kind != wire.KindString || v.Form != wire.FormLiteral && v.Form != wire.FormLiteral8 {
			return bad("APPEND: expected the message as a literal")
		}
		if m.date.IsZero() {
			m.date = ss.srv.opts.Now()
		}
		m.raw = []byte(v.Str)
		msgs = append(msgs, m)
	}
	if err := c.end(); err != nil {
		return err
	}
	srv := ss.srv
	srv.mu.Lock()
	defer srv.mu.Unlock()
	mb := ss.user.mailbox(name)
	if mb == nil || mb.noSelect {
		return no("TRYCREATE", "no such mailbox: %s", name)
	}
	var total int64
	for _, m := range msgs {
		total += msgCost(len(m.raw))
	}
	if err := srv.checkQuota(ss.user, total); err != nil {
		return err
	}
	var uids seqset.Set
	for _, m := range msgs {
		nm := mb.add(m.raw, m.flags, m.date)
		uids.Add(nm.uid)
	}
	mb.notify(ss, nil)
	ss.okCode = &wire.Code{Name: "APPENDUID", Data: wire.AppendUID{UIDValidity: mb.uidValidity, UIDs: uids}}
	ss.okText = "APPEND completed"
	return nil
}

// cmdExpunge does EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (§6.4.9).
func (ss *session) cmdExpunge(c *command) error {
	var set seqset.Set
	if c.uid {
		set = c.seqSet("UID set")
	}
	if err := c.end(); err != nil {
		return err
	}
	if ss.readOnly {
		return no("READ-ONLY", "mailbox is read-only")
	}
	ss.srv.mu.Lock()
	defer ss.srv.mu.Unlock()
	var only map[*message]bool
	if c.uid {
		idx, err := ss.selectMsgs(set, true)
		if err != nil {
			return err
		}
		only = make(map[*message]bool, len(idx))
		for _, i := range idx {
			only[ss.view[i]] = true
		}
	}
	gone := ss.mbox.expunge(func(m *message) bool {
		return hasFlag(m.flags, `\Deleted`) && (only == nil || only[m])
	}, ss)
	if len(gone) > 0 && ss.qresync {
		// RFC 7162 §3.2.7: the new HIGHESTMODSEQ in the tagged OK.
		ss.okCode = &wire.Code{Name: "HIGHESTMODSEQ", Data: ss.mbox.modSeq}
	}
	return nil
}

// snapshot is what FETCH and STORE read of a message under the lock.
type snapshot struct {
	seq     uint32
	m       *message
	flags   []string
	modSeq  uint64
	seenSet bool // FETCH set \Seen just now
}

// cmdFetch does FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.9), with
// CHANGEDSINCE (RFC 7162 §3.1.4).
func (ss *session) cmdFetch(c *command) error {
	set := c.seqSet("sequence set")
	items, err := fetchItems(c.next("data items"))
	if c.err != nil {
		return c.err
	}
	if err != nil {
		return err
	}
	var changedSince uint64
	hasCS, vanished := false, false
	if c.more() {
		mods := c.list("FETCH modifiers")
		for i := 0; i < len(mods); i++ {
			switch strings.ToUpper(mods[i].Text()) {
			case "CHANGEDSINCE":
				if i+1 >= len(mods) {
					return bad("CHANGEDSINCE needs a mod-sequence")
				}
				i++
				changedSince, hasCS = c.toNumber(mods[i], "CHANGEDSINCE"), true
			case "VANISHED":
				vanished = true
			default:
				return bad("unknown FETCH modifier %s", mods[i].GoString())
			}
		}
	}
	if err := c.end(); err != nil {
		return err
	}
	if vanished {
		// RFC 7162 §3.2.6: UID FETCH only, after ENABLE QRESYNC, and
		// with CHANGEDSINCE; BAD otherwise.
		switch {
		case !c.uid:
			return bad("VANISHED is a UID FETCH modifier")
		case !ss.qresync:
			return bad("VANISHED without ENABLE QRESYNC")
		case !hasCS:
			return bad("VANISHED without CHANGEDSINCE")
		}
	}
	want := map[string]bool{}
	setSeen := false
	for _, it := range items {
		want[it.name] = true
		if !it.peek && (it.name == "BODY" && it.bracket || it.name == "BINARY" || it.name == "RFC822" || it.name == "RFC822.TEXT") {
			setSeen = true
		}
	}
	if c.uid {
		want["UID"] = true
	}
	if hasCS {
		want["MODSEQ"] = true
	}
	if want["MODSEQ"] {
		ss.condstore = true
	}
	setSeen = setSeen && !ss.readOnly

	srv := ss.srv
	srv.mu.Lock()
	idx, err := ss.selectMsgs(set, c.uid)
	if err != nil {
		srv.mu.Unlock()
		return err
	}
	var gone seqset.Set
	if vanished && !set.IsSavedResult() {
		gone = ss.mbox.vanishedSince(changedSince, set.Resolve(ss.mbox.uidNext-1))
	}
	snaps := make([]snapshot, 0, len(idx))
	for _, i := range idx {
		m := ss.view[i]
		if hasCS && m.modSeq <= changedSince {
			continue
		}
		seenSet := false
		if setSeen && !m.expunged && !hasFlag(m.flags, `\Seen`) {
			m.flags = append(slices.Clone(m.flags), `\Seen`)
			m.modSeq = ss.mbox.nextModSeq()
			ss.mbox.notify(ss, m)
			seenSet = true
		}
		snaps = append(snaps, snapshot{uint32(i + 1), m, ss.flagsOf(m), m.modSeq, seenSet})
	}
	srv.mu.Unlock()

	if !gone.IsEmpty() {
		// Before any FETCH (RFC 7162 §3.2.6).
		ss.data("VANISHED", vanishedEarlier(gone))
	}
	for _, sn := range snaps {
		fd, extra, err := ss.fetchData(sn, items, want)
		if err != nil {
			return err
		}
		ss.dataNum(sn.seq, "FETCH", fd)
		if extra != nil {
			ss.dataNum(sn.seq, "FETCH", extra)
		}
		if ss.werr != nil {
			return ss.werr
		}
	}
	return nil
}

// fetchData builds the FETCH data of one message. BODY and
// BODYSTRUCTURE share one field of wire.FetchData: when both are asked
// for, BODY goes in a second response (RFC 9051 §7.5.2 allows a
// message's data to be split).
func (ss *session) fetchData(sn snapshot, items []fetchItem, want map[string]bool) (*wire.FetchData, *wire.FetchData, error) {
	m := sn.m
	fd := &wire.FetchData{Seq: sn.seq}
	var extra *wire.FetchData
	if want["UID"] {
		fd.Has |= wire.FetchUID
		fd.UID = m.uid
	}
	// RFC 9051 §6.4.5: \Seen set by this FETCH shows in FLAGS.
	if want["FLAGS"] || sn.seenSet {
		fd.Has |= wire.FetchFlags
		fd.Flags = sn.flags
		if fd.Flags == nil {
			fd.Flags = []string{}
		}
	}
	if want["INTERNALDATE"] {
		fd.Has |= wire.FetchInternalDate
		fd.InternalDate = m.date
	}
	if want["RFC822.SIZE"] {
		fd.Has |= wire.FetchRFC822Size
		fd.RFC822Size = int64(len(m.raw))
	}
	root := m.parsed()
	if want["ENVELOPE"] {
		fd.Has |= wire.FetchEnvelope
		fd.Envelope = root.envelope()
	}
	bodyPlain := false
	for _, it := range items {
		if it.name == "BODY" && !it.bracket {
			bodyPlain = true
		}
	}
	if want["BODYSTRUCTURE"] {
		fd.Has |= wire.FetchBodyStructure
		fd.BodyStructure = root.structure()
		if bodyPlain {
			extra = &wire.FetchData{Seq: sn.seq, Has: wire.FetchBody, BodyStructure: plain(fd.BodyStructure)}
		}
	} else if bodyPlain {
		fd.Has |= wire.FetchBody
		fd.BodyStructure = plain(root.structure())
	}
	for _, it := range items {
		switch it.name {
		case "RFC822":
			fd.Sections = append(fd.Sections, wire.SectionData{Item: "RFC822", Data: m.raw, Size: int64(len(m.raw))})
		case "RFC822.HEADER":
			fd.Sections = append(fd.Sections, wire.SectionData{Item: "RFC822.HEADER", Data: root.header, Size: int64(len(root.header))})
		case "RFC822.TEXT":
			fd.Sections = append(fd.Sections, wire.SectionData{Item: "RFC822.TEXT", Data: root.body, Size: int64(len(root.body))})
		case "BODY":
			if !it.bracket {
				continue
			}
			data, ok := root.section(it.section)
			sd := wire.SectionData{Item: "BODY", Section: it.section}
			if !ok {
				sd.Nil = true
			} else {
				sd.Data = partial(data, it)
				sd.Size = int64(len(sd.Data))
				sd.HasOrigin, sd.Origin = it.partial, it.origin
				if bytes.IndexByte(sd.Data, 0) >= 0 {
					// BODY[] cannot carry NUL (RFC 9051 §4.3); such a
					// message was APPENDed with literal8. Replace it.
					sd.Data = bytes.ReplaceAll(sd.Data, []byte{0}, []byte{'?'})
				}
			}
			fd.Sections = append(fd.Sections, sd)
		case "BINARY", "BINARY.SIZE":
			p := root.part(it.section.Part)
			if p == nil {
				return nil, nil, no("NONEXISTENT", "no part %s", it.section.String())
			}
			var data []byte
			switch {
			case len(it.section.Part) == 0:
				data = m.raw
			case p.typ == "MULTIPART" || p.encl != nil:
				data = p.body
			default:
				var ok bool
				if data, ok = p.decoded(); !ok {
					return nil, nil, no("UNKNOWN-CTE", "unknown content transfer encoding in part %s", it.section.String())
				}
			}
			if it.name == "BINARY.SIZE" {
				fd.BinarySizes = append(fd.BinarySizes, wire.BinarySize{Part: it.section.Part, Size: uint32(min(len(data), 1<<32-1))})
				continue
			}
			sd := wire.SectionData{Item: "BINARY", Section: wire.Section{Part: it.section.Part}}
			sd.Data = partial(data, it)
			sd.Size = int64(len(sd.Data))
			sd.HasOrigin, sd.Origin = it.partial, it.origin
			sd.Binary = bytes.IndexByte(sd.Data, 0) >= 0
			fd.Sections = append(fd.Sections, sd)
		}
	}
	if want["MODSEQ"] {
		fd.Items = append(fd.Items, modSeqItem(sn.modSeq))
	}
	return fd, extra, nil
}

// partial applies <origin.count> (RFC 9051 §6.4.5).
func partial(data []byte, it fetchItem) []byte {
	if !it.partial {
		return data
	}
	if int64(it.origin) >= int64(len(data)) {
		return []byte{}
	}
	end := min(int64(it.origin)+int64(it.count), int64(len(data)))
	return data[it.origin:end]
}

// cmdStore does STORE and UID STORE (RFC 9051 §6.4.6), with
// UNCHANGEDSINCE (RFC 7162 §3.1.3).
func (ss *session) cmdStore(c *command) error {
	sc, err := codec.ParseStore(c.wc)
	if err != nil {
		return typedError(err)
	}
	set := sc.Set
	unchangedSince, hasUS := sc.UnchangedSince, sc.HasUnchangedSince
	item := map[byte]string{0: "FLAGS", '+': "+FLAGS", '-': "-FLAGS"}[sc.Op]
	silent := sc.Silent
	if item == "" {
		return bad("unknown STORE operation")
	}
	flagVals := make([]wire.Value, len(sc.Flags))
	for i, f := range sc.Flags {
		flagVals[i] = wire.Atom(f)
	}
	flags, rerr := flagValues(flagVals)
	if rerr != nil {
		return rerr
	}
	if ss.readOnly {
		return no("READ-ONLY", "mailbox is read-only")
	}
	if hasUS {
		ss.condstore = true
	}
	srv := ss.srv
	srv.mu.Lock()
	idx, err := ss.selectMsgs(set, c.uid)
	if err != nil {
		srv.mu.Unlock()
		return err
	}
	mb := ss.mbox
	nkw := len(mb.keywords)
	var modified seqset.Set
	var snaps []snapshot
	for _, i := range idx {
		m := ss.view[i]
		if m.expunged {
			continue
		}
		if hasUS && m.modSeq > unchangedSince {
			if c.uid {
				modified.Add(m.uid)
			} else {
				modified.Add(uint32(i + 1))
			}
			continue
		}
		nf := slices.Clone(m.flags)
		switch item {
		case "FLAGS":
			nf = slices.Clone(flags)
		case "+FLAGS":
			for _, f := range flags {
				nf, _ = addFlag(nf, f)
			}
		case "-FLAGS":
			for _, f := range flags {
				nf, _ = removeFlag(nf, f)
			}
		}
		if len(nf) > maxFlags {
			nf = nf[:maxFlags]
		}
		changed := !sameFlags(nf, m.flags)
		if changed || hasUS {
			// RFC 7162 §3.1.3: a STORE with UNCHANGEDSINCE bumps the
			// mod-sequence even when the flags stay the same.
			m.flags = nf
			m.modSeq = mb.nextModSeq()
			mb.noteKeywords(nf)
			mb.notify(ss, m)
		}
		if !silent || changed && ss.condstore && hasUS {
			snaps = append(snaps, snapshot{seq: uint32(i + 1), m: m, flags: ss.flagsOf(m), modSeq: m.modSeq})
		}
	}
	newFlags := len(mb.keywords) != nkw
	flagList := mb.flagList()
	srv.mu.Unlock()
	if newFlags {
		ss.data("FLAGS", flagList)
	}
	for _, sn := range snaps {
		fd := &wire.FetchData{Seq: sn.seq, Has: wire.FetchFlags, Flags: sn.flags}
		if fd.Flags == nil {
			fd.Flags = []string{}
		}
		if c.uid {
			fd.Has |= wire.FetchUID
			fd.UID = sn.m.uid
		}
		if ss.condstore {
			fd.Items = append(fd.Items, modSeqItem(sn.modSeq))
		}
		ss.dataNum(sn.seq, "FETCH", fd)
	}
	if !modified.IsEmpty() {
		ss.okCode = &wire.Code{Name: "MODIFIED", Args: []wire.Value{wire.Atom(modified.String())}}
		ss.okText = "conditional STORE failed for some messages"
	}
	return nil
}

// cmdCopy does COPY and MOVE (RFC 9051 §6.4.7, §6.4.8) and their UID
// forms, with COPYUID (RFC 4315 §3).
func (ss *session) cmdCopy(c *command) error {
	set := c.seqSet("sequence set")
	name, err := ss.mailboxName(&c.args)
	if err != nil {
		return err
	}
	if err := c.end(); err != nil {
		return err
	}
	move := c.name == "MOVE"
	if move && ss.readOnly {
		return no("READ-ONLY", "mailbox is read-only")
	}
	srv := ss.srv
	srv.mu.Lock()
	idx, rerr := ss.selectMsgs(set, c.uid)
	if rerr != nil {
		srv.mu.Unlock()
		return rerr
	}
	dst := ss.user.mailbox(name)
	if dst == nil || dst.noSelect {
		srv.mu.Unlock()
		return no("TRYCREATE", "no such mailbox: %s", name)
	}
	if !move || dst.owner != ss.mbox.owner {
		var total int64
		for _, i := range idx {
			total += msgCost(len(ss.view[i].raw))
		}
		if err := srv.checkQuota(ss.user, total); err != nil {
			srv.mu.Unlock()
			return err
		}
	}
	var src, dest seqset.Set
	moved := map[*message]bool{}
	for _, i := range idx {
		m := ss.view[i]
		if m.expunged {
			continue
		}
		nm := dst.add(m.raw, m.flags, m.date)
		src.Add(m.uid)
		dest.Add(nm.uid)
		moved[m] = true
	}
	uv := dst.uidValidity
	if len(moved) > 0 {
		dst.notify(ss, nil)
		if move {
			ss.mbox.expunge(func(m *message) bool { return moved[m] }, ss)
		}
	}
	srv.mu.Unlock()
	if len(moved) == 0 {
		return nil
	}
	code := &wire.Code{Name: "COPYUID", Data: wire.CopyUID{UIDValidity: uv, Source: src, Dest: dest}}
	if move {
		// RFC 9051 §6.4.8: COPYUID in an untagged OK before the EXPUNGEs.
		ss.status(wire.StatusOK, code, "moved")
		return nil
	}
	ss.okCode = code
	ss.okText = "COPY completed"
	return nil
}
