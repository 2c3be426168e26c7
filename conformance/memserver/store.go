package memserver

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/imapkit/imapkit/seqset"
)

// The store: users, their mailboxes and messages. Everything in it is
// guarded by Server.mu; a message's contents (raw, parsed) never change
// after it is stored, so they are read without the lock.

// delim is the hierarchy delimiter of every mailbox name (RFC 9051 §5.1).
const delim = '/'

type user struct {
	name, pass string
	mailboxes  map[string]*mailbox // by canonical name (INBOX upper-cased)
	subscribed map[string]bool     // canonical names, whether or not they exist
	size       int64               // octets of all messages, for Options.MaxUserBytes
}

type mailbox struct {
	name        string // as created (UTF-8); "INBOX" for the inbox
	specialUse  string // RFC 6154 attribute, e.g. \Sent, or ""
	noSelect    bool   // kept as a placeholder for its children (RFC 9051 §6.3.4)
	uidValidity uint32
	uidNext     uint32
	modSeq      uint64     // HIGHESTMODSEQ (RFC 7162 §3.1.1)
	msgs        []*message // live messages, ascending UID
	keywords    []string   // keywords ever used, for FLAGS
	sessions    map[*session]struct{}
	deleted     bool

	// vanished remembers the UID and the mod-sequence of the latest
	// expunges, oldest first, for QRESYNC (RFC 7162 §3.2.7: "for each
	// permanently removed message, the server MUST remember the
	// incremented mod-sequence and corresponding UID"). It is bounded
	// by maxVanished; vanishedFloor is the mod-sequence of the newest
	// expunge forgotten (0 when none was).
	vanished      []vanishedUID
	vanishedFloor uint64
	owner         *user
}

// message is one stored message. raw, date and part are immutable;
// flags, modSeq, expunged and recent are guarded by Server.mu.
type message struct {
	uid      uint32
	raw      []byte
	date     time.Time
	flags    []string
	modSeq   uint64
	expunged bool
	// recent is the id of the session for which the message is \Recent
	// (RFC 3501 §2.3.2: the first session to be told of it), 0 while
	// no session has been.
	recent uint64

	once sync.Once
	root *entity
}

// parsed returns the MIME structure of m, parsing it once.
func (m *message) parsed() *entity {
	m.once.Do(func() { m.root = parseMessage(m.raw) })
	return m.root
}

// canonical returns the key of a mailbox name: INBOX is case-insensitive
// (RFC 9051 §5.1), every other name is case-sensitive.
func canonical(name string) string {
	if strings.EqualFold(name, "INBOX") {
		return "INBOX"
	}
	if len(name) > 6 && strings.EqualFold(name[:6], "INBOX/") {
		return "INBOX" + name[5:]
	}
	return name
}

// hasFlag reports whether flags holds f, compared case-insensitively
// (RFC 9051 §2.3.2).
func hasFlag(flags []string, f string) bool {
	for _, g := range flags {
		if strings.EqualFold(g, f) {
			return true
		}
	}
	return false
}

func addFlag(flags []string, f string) ([]string, bool) {
	if hasFlag(flags, f) {
		return flags, false
	}
	return append(flags, f), true
}

func removeFlag(flags []string, f string) ([]string, bool) {
	i := slices.IndexFunc(flags, func(g string) bool { return strings.EqualFold(g, f) })
	if i < 0 {
		return flags, false
	}
	return slices.Delete(slices.Clone(flags), i, i+1), true
}

// sameFlags reports whether a and b hold the same flags.
func sameFlags(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, f := range a {
		if !hasFlag(b, f) {
			return false
		}
	}
	return true
}

// systemFlags are the flags of RFC 9051 §2.3.2 a client may set.
var systemFlags = []string{`\Answered`, `\Flagged`, `\Deleted`, `\Seen`, `\Draft`}

func isSystemFlag(f string) bool { return hasFlag(systemFlags, f) }

// noteKeywords records the keywords of flags in mb.keywords.
func (mb *mailbox) noteKeywords(flags []string) {
	for _, f := range flags {
		if !strings.HasPrefix(f, `\`) && !hasFlag(mb.keywords, f) && len(mb.keywords) < maxKeywords {
			mb.keywords = append(mb.keywords, f)
		}
	}
}

// flagList is the FLAGS of a mailbox (RFC 9051 §7.3.5).
func (mb *mailbox) flagList() []string {
	return append(slices.Clone(systemFlags), mb.keywords...)
}

// indexUID returns the index in msgs of the message with UID uid, or -1.
func indexUID(msgs []*message, uid uint32) int {
	i := sort.Search(len(msgs), func(i int) bool { return msgs[i].uid >= uid })
	if i < len(msgs) && msgs[i].uid == uid {
		return i
	}
	return -1
}

// nextModSeq bumps and returns the mailbox's mod-sequence.
func (mb *mailbox) nextModSeq() uint64 {
	mb.modSeq++
	return mb.modSeq
}

// add stores a new message in mb and returns it. The caller holds
// Server.mu and notifies the sessions.
func (mb *mailbox) add(raw []byte, flags []string, date time.Time) *message {
	m := &message{uid: mb.uidNext, raw: raw, date: date, modSeq: mb.nextModSeq()}
	for _, f := range flags {
		m.flags, _ = addFlag(m.flags, f)
	}
	mb.uidNext++
	mb.msgs = append(mb.msgs, m)
	mb.owner.size += msgCost(len(raw))
	mb.noteKeywords(m.flags)
	return m
}

// expunge removes the messages for which del is true and tells the
// selected sessions but origin. It returns the removed messages.
func (mb *mailbox) expunge(del func(*message) bool, origin *session) []*message {
	var gone []*message
	kept := mb.msgs[:0]
	for _, m := range mb.msgs {
		if del(m) {
			m.expunged = true
			mb.owner.size -= msgCost(len(m.raw))
			gone = append(gone, m)
			continue
		}
		kept = append(kept, m)
	}
	clear(mb.msgs[len(kept):])
	mb.msgs = kept
	if len(gone) > 0 {
		ms := mb.nextModSeq()
		for _, m := range gone {
			mb.vanished = append(mb.vanished, vanishedUID{m.uid, ms})
		}
		if over := len(mb.vanished) - maxVanished; over > 0 {
			mb.vanishedFloor = mb.vanished[over-1].modSeq
			mb.vanished = slices.Delete(mb.vanished, 0, over)
		}
		for s := range mb.sessions {
			s.expungePending = true
		}
		mb.notify(origin, nil)
	}
	return gone
}

// maxVanished bounds the expunges a mailbox remembers for QRESYNC.
const maxVanished = 100_000

type vanishedUID struct {
	uid    uint32
	modSeq uint64
}

// vanishedSince returns the UIDs of set (a UID set, already resolved)
// that were expunged with a mod-sequence above modSeq (RFC 7162 §3.2.6).
// When modSeq is older than what mb remembers, it returns every UID of
// set below UIDNEXT that is not in the mailbox, as §3.2.6 requires of a
// server that does not remember that far back. The caller holds
// Server.mu.
func (mb *mailbox) vanishedSince(modSeq uint64, set seqset.Set) seqset.Set {
	var out seqset.Set
	if modSeq < mb.vanishedFloor {
		last := mb.uidNext - 1
		for r := range set.Ranges() {
			lo, hi := r.Start, min(r.Stop, last)
			if lo == 0 || lo > hi {
				continue
			}
			i := sort.Search(len(mb.msgs), func(i int) bool { return mb.msgs[i].uid >= lo })
			for ; lo <= hi; i++ {
				next := hi + 1 // the next live UID in [lo, hi], or past it
				if i < len(mb.msgs) && mb.msgs[i].uid <= hi {
					next = mb.msgs[i].uid
				}
				if next > lo {
					out.AddRange(lo, next-1)
				}
				if next > hi || next == ^uint32(0) {
					break
				}
				lo = next + 1
			}
		}
		return out
	}
	i := sort.Search(len(mb.vanished), func(i int) bool { return mb.vanished[i].modSeq > modSeq })
	for _, v := range mb.vanished[i:] {
		if set.Contains(v.uid) {
			out.Add(v.uid)
		}
	}
	return out
}

// notify tells the sessions selected on mb, but origin, that something
// changed; changed, if not nil, is a message whose flags changed.
func (mb *mailbox) notify(origin *session, changed *message) {
	for s := range mb.sessions {
		if s == origin {
			continue
		}
		if changed != nil {
			if s.pendingFlags == nil {
				s.pendingFlags = make(map[*message]struct{})
			}
			s.pendingFlags[changed] = struct{}{}
		}
		s.poke()
	}
}

// children reports whether u has mailboxes below name.
func (u *user) children(name string) bool {
	prefix := canonical(name) + string(delim)
	for k := range u.mailboxes {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func (u *user) mailbox(name string) *mailbox {
	return u.mailboxes[canonical(name)]
}

// create makes mailbox name and any missing superiors (RFC 9051 §6.3.4).
func (s *Server) create(u *user, name, specialUse string) (*mailbox, error) {
	name = strings.TrimSuffix(name, string(delim))
	if err := validName(name); err != nil {
		return nil, err
	}
	if mb := u.mailbox(name); mb != nil {
		if mb.noSelect {
			mb.noSelect = false
			mb.specialUse = specialUse
			return mb, nil
		}
		return nil, &respError{code: "ALREADYEXISTS", text: "mailbox exists: " + name}
	}
	if len(u.mailboxes) >= maxMailboxes {
		return nil, &respError{code: "LIMIT", text: "too many mailboxes"}
	}
	parts := strings.Split(name, string(delim))
	for i := 1; i < len(parts); i++ {
		sup := strings.Join(parts[:i], string(delim))
		if u.mailbox(sup) == nil {
			u.mailboxes[canonical(sup)] = s.newMailbox(u, sup, "")
		}
	}
	mb := s.newMailbox(u, name, specialUse)
	u.mailboxes[canonical(name)] = mb
	return mb, nil
}

func (s *Server) newMailbox(u *user, name, specialUse string) *mailbox {
	if canonical(name) == "INBOX" {
		name = "INBOX"
	}
	s.uidValidity++
	return &mailbox{name: name, specialUse: specialUse, uidValidity: s.uidValidity, uidNext: 1, modSeq: 1,
		sessions: make(map[*session]struct{}), owner: u}
}

// msgOverhead is what a message costs in memory besides its octets; it
// counts toward Options.MaxUserBytes so that empty messages are not free.
const msgOverhead = 512

func msgCost(n int) int64 { return int64(n) + msgOverhead }

// checkQuota fails when adding n octets to u's mail would pass the
// server's limit.
func (s *Server) checkQuota(u *user, n int64) error {
	if max := s.opts.MaxUserBytes; max > 0 && u.size+n > max {
		return no("OVERQUOTA", "the mailboxes of %s would exceed %d octets", u.name, max)
	}
	return nil
}

// validName checks a mailbox name: not empty, no empty level, no
// control characters, bounded length.
func validName(name string) error {
	if name == "" || len(name) > maxNameLength {
		return &respError{code: "CANNOT", text: "invalid mailbox name"}
	}
	for _, p := range strings.Split(name, string(delim)) {
		if p == "" {
			return &respError{code: "CANNOT", text: "empty level in mailbox name"}
		}
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '*' || r == '%' {
			return &respError{code: "CANNOT", text: "invalid character in mailbox name"}
		}
	}
	return nil
}

// Limits on what one user can create.
const (
	maxMailboxes  = 1000
	maxNameLength = 1000
	maxKeywords   = 1000
	maxFlags      = 100
)
