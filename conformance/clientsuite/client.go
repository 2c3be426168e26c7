// Package clientsuite is a client conformance suite: scenarios that drive
// any IMAP client through a small interface (Client) against a real server
// (a Target) and check what the client reports back as plain data.
//
// A client library joins by implementing Client (and, for the scenarios
// that need them, the optional interfaces Mover, UIDExpunger, Idler,
// Compressor, Namespacer and ESearcher) and a Dial function; Run, RunTests
// or Report then run every scenario against every target. A scenario that
// needs a capability the server does not advertise (or an optional
// interface the client does not implement) is "not applicable", never a
// failure. imapkit's own client is the first implementation (package
// imapkitclient).
//
// Sets of messages are given in IMAP syntax ("1:3", "4,7:*"); UIDs are
// used wherever the scenario does not test sequence numbers.
package clientsuite

import (
	"context"
	"crypto/tls"
	"time"
)

// Client is one IMAP connection as a scenario drives it. Every method
// sends the command(s) it names and returns what the server answered;
// a tagged NO or BAD is an error. Implementations need not be safe for
// concurrent use: a scenario that needs two sessions opens two clients.
type Client interface {
	// Capabilities asks the server (CAPABILITY) and returns its
	// capability names as sent.
	Capabilities(ctx context.Context) ([]string, error)
	// StartTLS runs STARTTLS, verifying the server with the TLS
	// configuration of the Target the client was dialed for.
	StartTLS(ctx context.Context) error
	Login(ctx context.Context, user, password string) error
	Logout(ctx context.Context) error
	// Close ends the connection without LOGOUT; it may be called after
	// Logout and more than once.
	Close() error

	// List runs LIST reference pattern, with RETURN options when ret is
	// not empty (RFC 5258). Names are decoded (modified UTF-7 or UTF-8).
	List(ctx context.Context, reference, pattern string, ret []string) ([]ListEntry, error)
	Create(ctx context.Context, name string) error
	Delete(ctx context.Context, name string) error
	Rename(ctx context.Context, from, to string) error
	Subscribe(ctx context.Context, name string) error
	// Lsub runs LSUB reference pattern.
	Lsub(ctx context.Context, reference, pattern string) ([]ListEntry, error)
	// Status runs STATUS name (items) and returns the items the server
	// sent (upper-case names).
	Status(ctx context.Context, name string, items []string) (map[string]uint64, error)
	// Select runs SELECT (EXAMINE when opts.ReadOnly) and returns the
	// mailbox's state as the server reported it.
	Select(ctx context.Context, name string, opts SelectOptions) (*MailboxInfo, error)
	// Append runs APPEND and returns the new message's UID when the
	// server reported it (APPENDUID, RFC 4315), else 0. A zero date
	// sends none.
	Append(ctx context.Context, mailbox string, msg []byte, flags []string, date time.Time) (uint32, error)

	// Fetch runs FETCH (UID FETCH when uid) over set and returns one
	// Message per message, merged when a server splits one message's
	// data over several responses, in the order of their first response.
	Fetch(ctx context.Context, set string, uid bool, req FetchRequest) ([]Message, error)
	// Store runs STORE (UID STORE when uid) with op and flags.
	Store(ctx context.Context, set string, uid bool, op StoreOp, flags []string) error
	// Search runs UID SEARCH and returns the matching UIDs.
	Search(ctx context.Context, q SearchQuery) ([]uint32, error)
	// Copy runs UID COPY and returns the UIDs of the copies in the
	// destination when the server reported them (COPYUID), in the
	// order of the source UIDs; else nil.
	Copy(ctx context.Context, uids string, dest string) ([]uint32, error)
	// Expunge runs EXPUNGE and returns the sequence numbers the server
	// reported, in order.
	Expunge(ctx context.Context) ([]uint32, error)
	// Noop runs NOOP and returns the selected mailbox's state after it
	// (nil when none is selected).
	Noop(ctx context.Context) (*MailboxInfo, error)
	// CloseMailbox runs CLOSE: it leaves the selected mailbox, silently
	// expunging the messages marked \Deleted (RFC 9051 §6.4.1).
	CloseMailbox(ctx context.Context) error
}

// Dial connects a Client to target: to target.Addr in cleartext, or to
// target.TLSAddr with implicit TLS. The client is not logged in.
type Dial func(ctx context.Context, target Target, implicitTLS bool) (Client, error)

// Optional interfaces. A scenario that needs one is not applicable to a
// client that lacks it.

// Mover moves messages (RFC 6851).
type Mover interface {
	// Move runs UID MOVE and returns the destination UIDs (COPYUID) in
	// source order when reported, else nil.
	Move(ctx context.Context, uids string, dest string) ([]uint32, error)
}

// UIDExpunger expunges by UID (RFC 4315).
type UIDExpunger interface {
	UIDExpunge(ctx context.Context, uids string) ([]uint32, error)
}

// Idler waits for mailbox news with IDLE (RFC 2177).
type Idler interface {
	// Idle runs IDLE on the selected mailbox. It calls started once the
	// server accepted IDLE (its "+" continuation), then until with the
	// mailbox state after every change the server pushes; it ends IDLE
	// (DONE) and returns nil once until returns true, or returns an
	// error when ctx ends first.
	Idle(ctx context.Context, started func(), until func(MailboxInfo) bool) error
}

// Compressor switches on COMPRESS=DEFLATE (RFC 4978).
type Compressor interface {
	Compress(ctx context.Context) error
}

// Namespacer runs NAMESPACE (RFC 2342) and returns the first personal
// namespace.
type Namespacer interface {
	Namespace(ctx context.Context) (prefix, delim string, err error)
}

// ESearcher runs UID SEARCH RETURN (...) (RFC 4731).
type ESearcher interface {
	ESearch(ctx context.Context, q SearchQuery, ret []string) (*ESearchResult, error)
}

// Resyncer resynchronizes a mailbox with QRESYNC (RFC 7162 §3.2): ENABLE
// QRESYNC when not done yet, then SELECT name (QRESYNC (uidValidity
// modSeq)), which leaves the mailbox selected.
type Resyncer interface {
	Resync(ctx context.Context, name string, uidValidity uint32, modSeq uint64) (*ResyncResult, error)
}

// ResyncResult is what a QRESYNC SELECT reported.
type ResyncResult struct {
	Mailbox MailboxInfo
	// Vanished are the UIDs of the VANISHED (EARLIER) responses.
	Vanished []uint32
	// Changed are the UIDs of the FETCH responses (flags changed or new
	// since modSeq).
	Changed []uint32
}

// ListEntry is one LIST or LSUB response.
type ListEntry struct {
	Name  string
	Delim string // "" for NIL
	Attrs []string
}

// SelectOptions are the variants of SELECT.
type SelectOptions struct {
	ReadOnly  bool // EXAMINE
	CondStore bool // SELECT name (CONDSTORE), RFC 7162 §3.1.8
}

// MailboxInfo is the state of a selected mailbox.
type MailboxInfo struct {
	Exists, Recent uint32
	UIDValidity    uint32
	UIDNext        uint32 // 0 when the server did not report it
	HighestModSeq  uint64 // 0 when not reported
	Flags          []string
	PermanentFlags []string
	ReadOnly       bool
}

// FetchRequest says which items to fetch.
type FetchRequest struct {
	UID, Flags, InternalDate, Size, Envelope, BodyStructure, ModSeq bool
	// Sections are fetched with BODY.PEEK (BODY when Mark).
	Sections []Section
	Mark     bool
}

// Section is a body section: Part ("" for the whole message, "1", "1.2"),
// Specifier ("", "HEADER", "HEADER.FIELDS", "TEXT", "MIME"), Fields for
// HEADER.FIELDS, and a partial range when Count > 0.
type Section struct {
	Part          string
	Specifier     string
	Fields        []string
	Offset, Count uint32
}

// Key returns the key of the section in Message.Sections: the section
// text as in "BODY[1.HEADER]" without the item name and brackets, e.g.
// "", "1", "HEADER", "HEADER.FIELDS (SUBJECT)" (field names upper-case,
// unquoted), "1.TEXT". A partial fetch has the same key as a whole one.
func (s Section) Key() string {
	k := s.Specifier
	if s.Part != "" {
		if k != "" {
			k = s.Part + "." + k
		} else {
			k = s.Part
		}
	}
	if len(s.Fields) > 0 {
		k += " ("
		for i, f := range s.Fields {
			if i > 0 {
				k += " "
			}
			k += upper(f)
		}
		k += ")"
	}
	return k
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// Message is what FETCH returned for one message.
type Message struct {
	Seq, UID     uint32
	Flags        []string
	HasFlags     bool
	InternalDate time.Time
	Size         int64
	Envelope     *Envelope
	Body         *Part
	ModSeq       uint64
	// Sections maps Section.Key() to the bytes returned.
	Sections map[string][]byte
}

// Envelope is the part of ENVELOPE the scenarios check.
type Envelope struct {
	Date, Subject, MessageID string
	From, To                 []string // "mailbox@host"
}

// Part is a BODYSTRUCTURE, lower-cased type names.
type Part struct {
	Type, Subtype string
	Params        map[string]string // lower-case names
	Encoding      string
	Size          uint32
	Parts         []Part
}

// StoreOp is the kind of STORE.
type StoreOp int

const (
	StoreReplace StoreOp = iota // FLAGS
	StoreAdd                    // +FLAGS
	StoreRemove                 // -FLAGS
)

// SearchQuery is the subset of SEARCH the scenarios use; every field set
// must match (AND).
type SearchQuery struct {
	UIDs     string   // UID set; "" for all
	Subject  string   // SUBJECT substring
	Body     string   // BODY substring
	Flags    []string // has each flag (`\Seen`, `\Flagged`, a keyword)
	NotFlags []string // has none of these flags
	Larger   int64    // LARGER n when > 0
}

// ESearchResult is an ESEARCH response.
type ESearchResult struct {
	Min, Max, Count uint32
	All             string // the ALL set, "" when absent
	HasMin, HasMax  bool
	HasCount        bool
}

// Target is a server the suite runs against, and how to reach it.
type Target struct {
	// Name is the column heading in reports ("Dovecot 2.3").
	Name string
	// Addr is host:port for cleartext + STARTTLS; TLSAddr for implicit
	// TLS ("" when none).
	Addr, TLSAddr string
	// TLSConfig verifies the server's certificate.
	TLSConfig *tls.Config
	// User/Pass and User2/Pass2 are two different accounts; UTF8User
	// and UTF8Pass one whose password is not ASCII ("" when none).
	User, Pass, User2, Pass2 string
	UTF8User, UTF8Pass       string
	// Expect lists capabilities the server must advertise after login,
	// Lacks those it must not (its known profile); checked by the
	// "capabilities" scenario so that every "not applicable" verdict is
	// a checked fact. Both may be empty.
	Expect, Lacks []string
	// Deviations maps a scenario name to a server bug it is known to
	// hit (documented with its wire bytes in docs/CONFORMANCE.md); the
	// scenario then reports Deviation instead of Fail, and fails if the
	// deviation does not happen.
	Deviations map[string]string
}
