package client

import (
	"slices"

	"github.com/imapkit/imapkit/wire"
)

// Mailbox is the state of the selected mailbox as the server reported it
// (RFC 9051 §6.3.2, §7.1, §7.3-7.4), kept up to date from SELECT's
// responses and from unilateral data alike.
type Mailbox struct {
	// Name is the mailbox name as given to Select (UTF-8).
	Name string
	// ReadOnly reports EXAMINE or a [READ-ONLY] response code.
	ReadOnly    bool
	Exists      uint32
	Recent      uint32 // IMAP4rev1 only
	Unseen      uint32 // the [UNSEEN n] code of IMAP4rev1: first unseen message
	UIDValidity uint32
	UIDNext     uint32
	// HighestModSeq (RFC 7162 §3.1.2.1) and NoModSeq (the NOMODSEQ code,
	// §3.1.2.2: the mailbox keeps no mod-sequences) are kept by the
	// ext/condstore hooks (condstore.Install); they stay zero without.
	HighestModSeq  uint64
	NoModSeq       bool
	Flags          []string
	PermanentFlags []string
}

func (m *Mailbox) clone() *Mailbox {
	if m == nil {
		return nil
	}
	c := *m
	c.Flags = slices.Clone(m.Flags)
	c.PermanentFlags = slices.Clone(m.PermanentFlags)
	return &c
}

// MailboxEventKind says what changed in a MailboxEvent.
type MailboxEventKind uint8

const (
	// EventExists: the number of messages changed (* n EXISTS).
	EventExists MailboxEventKind = iota
	// EventExpunge: message Num was expunged and later messages renumbered.
	EventExpunge
	// EventRecent: * n RECENT.
	EventRecent
	// EventFlags: the mailbox's defined flags changed (* FLAGS).
	EventFlags
	// EventUIDValidity: UIDVALIDITY changed while the mailbox was
	// selected; every cached UID is now meaningless (RFC 9051 §2.3.1.1).
	EventUIDValidity
	// EventAccess: the access mode changed mid-session (READ-ONLY ↔
	// READ-WRITE).
	EventAccess
	// EventClosed: the selected mailbox was closed, and Mailbox is its
	// last state. It fires once per closed mailbox: on the OK of CLOSE or
	// UNSELECT; on a SELECT or EXAMINE while a mailbox is selected, at
	// the [CLOSED] response code (RFC 7162 §3.2.11) when the server sends
	// one, else at the command's completion, whether it succeeded or
	// failed (a failed SELECT leaves no mailbox selected, RFC 9051
	// §6.3.2).
	EventClosed
	// EventModSeq: HIGHESTMODSEQ advanced (kept by ext/condstore).
	EventModSeq
	// EventExtension: news an extension's hook emitted (Hook.Emit); Name
	// says what it is (e.g. "VANISHED") and Data carries it, as the
	// extension documents.
	EventExtension
)

// MailboxEvent is one change of the selected mailbox's state.
type MailboxEvent struct {
	Kind MailboxEventKind
	// Num is the new count (EventExists, EventRecent), the expunged
	// message's sequence number (EventExpunge), or the new UIDVALIDITY.
	Num uint32
	// Old is the previous UIDVALIDITY of an EventUIDValidity.
	Old uint32
	// Name and Data describe an EventExtension.
	Name string
	Data any
	// Mailbox is a copy of the state after the change.
	Mailbox *Mailbox
}

// codeUint returns a response code's single number argument, typed or
// generic.
func codeUint(code *wire.Code) (uint64, bool) {
	switch d := code.Data.(type) {
	case uint32:
		return uint64(d), true
	case uint64:
		return d, true
	case int64:
		return uint64(d), d >= 0
	}
	if len(code.Args) == 1 && code.Args[0].Kind == wire.KindNumber {
		return code.Args[0].Num, true
	}
	return 0, false
}

// codeStrings returns a response code's list of atoms (PERMANENTFLAGS,
// CAPABILITY), typed or generic.
func codeStrings(code *wire.Code) []string {
	if s, ok := code.Data.([]string); ok {
		return s
	}
	var out []string
	var add func(vs []wire.Value)
	add = func(vs []wire.Value) {
		for _, v := range vs {
			if v.Kind == wire.KindList {
				add(v.List)
			} else if t := v.Text(); t != "" {
				out = append(out, t)
			}
		}
	}
	add(code.Args)
	return out
}

// dataStrings returns the atoms of a data response such as FLAGS or
// CAPABILITY, typed or generic.
func dataStrings(data any) []string {
	switch d := data.(type) {
	case []string:
		return d
	case []wire.Value:
		return codeStrings(&wire.Code{Args: d})
	}
	return nil
}
