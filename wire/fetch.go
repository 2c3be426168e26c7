package wire

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FetchAttrs is a set of the base FETCH items present in a FetchData.
type FetchAttrs uint16

const (
	FetchUID FetchAttrs = 1 << iota
	FetchFlags
	FetchInternalDate
	FetchRFC822Size
	FetchEnvelope
	FetchBody          // BODY (structure without extension data)
	FetchBodyStructure // BODYSTRUCTURE
)

// FetchData is the data of one FETCH response (RFC 9051 §7.5.2). A server
// may split one message's data over several FETCH responses; each
// FetchData holds what one response carried.
type FetchData struct {
	// Seq is the message sequence number.
	Seq uint32
	// Has says which of the fields below were present.
	Has FetchAttrs

	UID          uint32
	Flags        []string
	InternalDate time.Time
	RFC822Size   int64
	Envelope     *Envelope
	// BodyStructure is the BODY or BODYSTRUCTURE item; its Extended field
	// says whether extension data came with it.
	BodyStructure *BodyStructure

	// Sections holds BODY[...], BINARY[...], RFC822, RFC822.HEADER and
	// RFC822.TEXT items, in the order sent.
	Sections []SectionData
	// BinarySizes holds BINARY.SIZE[...] items (RFC 9051 §7.5.2).
	BinarySizes []BinarySize
	// Items holds every other item: those of extensions (MODSEQ, EMAILID,
	// X-GM-LABELS, ...), typed by the parser registered for the name or as
	// a generic value.
	Items []FetchItem

	// Order is the order in which a decoder met the items, so that an
	// encoder can write them back in that order. The zero Order is the
	// canonical order (UID, FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE,
	// BODY, BODYSTRUCTURE, then Sections, BinarySizes and Items).
	Order FetchOrder
}

// FetchOrder records the order of up to 16 FETCH items, 4 bits each,
// first item in the lowest bits: FetchOrderUID ... FetchOrderItem, 0
// ending the sequence. A response with more items, or the same base item
// twice, has the zero (canonical) order.
type FetchOrder uint64

// The entries of a FetchOrder: one per base item, and one each for the
// next element of Sections, BinarySizes and Items.
const (
	FetchOrderUID uint8 = 1 + iota
	FetchOrderFlags
	FetchOrderInternalDate
	FetchOrderRFC822Size
	FetchOrderEnvelope
	FetchOrderBody
	FetchOrderBodyStructure
	FetchOrderSection
	FetchOrderBinarySize
	FetchOrderItem
)

// Len returns the number of entries in o.
func (o FetchOrder) Len() int {
	n := 0
	for ; o != 0; o >>= 4 {
		n++
	}
	return n
}

// At returns entry i of o (0 past the end).
func (o FetchOrder) At(i int) uint8 {
	if i < 0 || i >= 16 {
		return 0
	}
	return uint8(o>>(4*i)) & 0xf
}

// Append returns o with entry e added, and false when o is full (16
// entries).
func (o FetchOrder) Append(e uint8) (FetchOrder, bool) {
	n := o.Len()
	if n >= 16 || e == 0 || e > 0xf {
		return o, false
	}
	return o | FetchOrder(e)<<(4*n), true
}

// Item returns the extension item named name (upper case) and whether
// it was present.
func (f *FetchData) Item(name string) (any, bool) {
	for _, it := range f.Items {
		if it.Name == name {
			return it.Data, true
		}
	}
	return nil, false
}

// Clone returns a copy of f that shares no mutable memory with it: its
// Sections (with their contents), Flags, BinarySizes and Items are copies
// (the Envelope, BodyStructure and item values, which decoders never
// reuse, are shared). The FetchData a client iterator yields may be valid
// only until the next iteration (imapkit's FetchCommand.Messages); Clone
// keeps one.
func (f *FetchData) Clone() *FetchData {
	if f == nil {
		return nil
	}
	c := *f
	c.Flags = slices.Clone(f.Flags)
	c.BinarySizes = slices.Clone(f.BinarySizes)
	c.Items = slices.Clone(f.Items)
	c.Sections = slices.Clone(f.Sections)
	for i := range c.Sections {
		c.Sections[i].Data = bytes.Clone(c.Sections[i].Data)
	}
	return &c
}

// FetchItem is one FETCH item that the base protocol does not define,
// or a base item whose parser failed in a lenient decoder.
type FetchItem struct {
	// Name is the upper-cased item name, with its section and origin as
	// sent (X-THING[a b]<3>).
	Name string
	// Data is the registered parser's result, or a Value.
	Data any
	// ParseErr is the error of the item's parser when it failed and a
	// lenient decoder kept the value as a generic Value instead.
	ParseErr error
}

// BinarySize is a BINARY.SIZE[part] item.
type BinarySize struct {
	Part []int
	Size uint32
}

// SectionData is the contents of one body section (RFC 9051 §7.5.2:
// BODY[section]<origin>, BINARY[section-binary]<origin>, and the IMAP4rev1
// items RFC822, RFC822.HEADER and RFC822.TEXT).
type SectionData struct {
	// Item is "BODY", "BINARY", "RFC822", "RFC822.HEADER" or
	// "RFC822.TEXT".
	Item string
	// Section is the section inside the brackets.
	Section Section
	// Origin is the start octet of a partial fetch; HasOrigin says
	// whether <origin> was present.
	Origin    uint32
	HasOrigin bool
	// Data is the section's contents. It is nil for NIL and when the
	// contents were streamed.
	Data []byte
	// Nil reports that the server sent NIL.
	Nil bool
	// Size is the number of octets of the section.
	Size int64
	// Streamed reports that the contents were handed to a stream consumer
	// as they arrived instead of being stored in Data.
	Streamed bool
	// Binary reports a literal8 (~{n}) (RFC 9051 §4.3.1).
	Binary bool
	// Form is how the contents were sent, FormQuoted or FormLiteral (or
	// FormLiteral8 with Binary), so that an encoder can send them the
	// same way; FormAuto lets the encoder choose.
	Form StringForm
}

// Section is a body section specification (RFC 9051 §6.4.5, "section").
// The zero Section is the whole message (BODY[]).
type Section struct {
	// Part is the part number path, e.g. [1 2] for "1.2".
	Part []int
	// Specifier is "", "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT",
	// "TEXT" or "MIME".
	Specifier string
	// Fields are the header field names of HEADER.FIELDS and
	// HEADER.FIELDS.NOT.
	Fields []string
}

// Section specifiers (RFC 9051 §6.4.5).
const (
	SectionHeader          = "HEADER"
	SectionHeaderFields    = "HEADER.FIELDS"
	SectionHeaderFieldsNot = "HEADER.FIELDS.NOT"
	SectionText            = "TEXT"
	SectionMIME            = "MIME"
)

// String returns the section as written inside the brackets of
// BODY[...], e.g. "1.2.HEADER.FIELDS (DATE FROM)". Field names that are
// not atoms are quoted.
func (s Section) String() string {
	var b strings.Builder
	for i, p := range s.Part {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(p))
	}
	if s.Specifier != "" {
		if len(s.Part) > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.Specifier)
	}
	if s.Specifier == SectionHeaderFields || s.Specifier == SectionHeaderFieldsNot {
		b.WriteString(" (")
		for i, f := range s.Fields {
			if i > 0 {
				b.WriteByte(' ')
			}
			if isAtom(f) {
				b.WriteString(f)
			} else {
				b.WriteString(strconv.Quote(f))
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// isAtom reports whether s is a non-empty atom (RFC 9051 §9, "atom").
func isAtom(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !IsAtomChar(s[i]) {
			return false
		}
	}
	return true
}

// IsAtomChar reports whether c is an ATOM-CHAR (RFC 9051 §9): any CHAR
// except "(", ")", "{", SP, CTL, "%", "*", DQUOTE, "\" and "]".
func IsAtomChar(c byte) bool {
	if c <= 0x20 || c >= 0x7f {
		return false
	}
	switch c {
	case '(', ')', '{', '%', '*', '"', '\\', ']':
		return false
	}
	return true
}
