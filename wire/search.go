package wire

import (
	"iter"

	"github.com/imapkit/imapkit/seqset"
)

// SearchData is a SEARCH response (RFC 3501 §7.2.5), with the MODSEQ of
// RFC 7162 §3.1.5 when the server sent one.
type SearchData struct {
	Nums   []uint32
	ModSeq uint64
}

// ESearchAttrs is a set of the ESEARCH return data present.
type ESearchAttrs uint8

const (
	ESearchMin ESearchAttrs = 1 << iota
	ESearchMax
	ESearchAll
	ESearchCount
	ESearchModSeq
)

// ESearchData is an ESEARCH response (RFC 9051 §7.3.4, RFC 4731 §3.1).
type ESearchData struct {
	// Tag is the tag of the command the response answers (the
	// "search-correlator"), "" when absent.
	Tag string
	// Mailbox and UIDValidity are the MAILBOX and UIDVALIDITY of the
	// correlator (RFC 7377 §2.1): the mailbox a MULTISEARCH result is
	// from. UIDValidity is 0 when they are absent (it is an nz-number);
	// the mailbox name is decoded as ListData.Mailbox is. MailboxForm is
	// how the name was sent (FormAuto: an atom, or as the encoder
	// chooses; the encoder otherwise quotes it where it can).
	Mailbox     string
	UIDValidity uint32
	MailboxForm StringForm
	// UID reports that the numbers are UIDs.
	UID bool
	// Has says which of the fields below were present.
	Has ESearchAttrs
	Min uint32
	Max uint32
	// All is the ALL set. AllOrder is ALL as the server sent it, each
	// range with its ends in the order written, when that differs from
	// All's canonical form: ESORT returns ALL in sort order, not
	// ascending (RFC 5267 §3.2). nil when All's form is what was sent;
	// see AllInOrder.
	All      seqset.Set
	AllOrder []seqset.Range
	Count    uint32
	ModSeq   uint64
	// Extensions holds other "search-return-data" pairs, name then value.
	Extensions []Value
	// Order holds the names of the return data items (upper-cased, each
	// extension's by its name) in the order the server sent them, when it
	// differs from the encoder's order: MIN, MAX, ALL, COUNT, MODSEQ, then
	// Extensions. nil otherwise.
	Order []string
}

// HasMailbox reports whether the correlator carried MAILBOX and
// UIDVALIDITY (RFC 7377 §2.1).
func (d *ESearchData) HasMailbox() bool { return d.UIDValidity != 0 }

// AllInOrder yields the numbers of ALL in the order the server sent
// them (each range upwards, 12:10 as 10, 11, 12, RFC 5267 §3.2), or in
// ascending order when AllOrder is nil. "*" (never sent in an ESEARCH
// result) is skipped.
func (d *ESearchData) AllInOrder() iter.Seq[uint32] {
	if d.AllOrder == nil {
		return d.All.All()
	}
	return func(yield func(uint32) bool) {
		for _, r := range d.AllOrder {
			lo, hi := min(r.Start, r.Stop), max(r.Start, r.Stop)
			if lo == seqset.Star {
				continue
			}
			for n := lo; ; n++ {
				if !yield(n) {
					return
				}
				if n == hi {
					break
				}
			}
		}
	}
}

// AppendUID is the APPENDUID response code (RFC 4315 §3, RFC 9051 §7.1).
type AppendUID struct {
	UIDValidity uint32
	UIDs        seqset.Set
}

// CopyUID is the COPYUID response code (RFC 4315 §3, RFC 9051 §7.1).
type CopyUID struct {
	UIDValidity uint32
	Source      seqset.Set
	Dest        seqset.Set
}
