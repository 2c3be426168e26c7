package codec

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

// Typed command arguments: helpers that turn Go values into the
// wire.Value a command builder puts in wire.Command.Args. They format
// their text once, when the command is built; the encoder then writes it
// without allocating.

// SeqSet returns s as a sequence-set argument (RFC 9051 §9
// "sequence-set"), in canonical form, e.g. 1:4,7,10:*. The empty set has
// no IMAP syntax: the encoder rejects the argument with ErrInvalidAtom.
func SeqSet(s seqset.Set) wire.Value {
	var buf [64]byte
	return wire.Atom(string(s.AppendString(buf[:0])))
}

// DateLayout is the time layout of an RFC 9051 "date" (SEARCH BEFORE, ON,
// SINCE, SENTBEFORE, SENTON, SENTSINCE): d-Mon-yyyy.
const DateLayout = "2-Jan-2006"

// DateTimeLayout is the time layout of an RFC 9051 "date-time" (APPEND,
// INTERNALDATE) without its quotes: dd-Mon-yyyy hh:mm:ss +zzzz.
const DateTimeLayout = "02-Jan-2006 15:04:05 -0700"

var errInvalidUTF8 = errors.New("codec: mailbox name is not valid UTF-8")

// Date returns t's calendar date, in t's location, as a search date
// argument (RFC 9051 §9 "date"), e.g. 1-Feb-1994. Convert t first to the
// zone the search should use; servers compare dates in their own zone
// (RFC 9051 §6.4.4).
func Date(t time.Time) wire.Value {
	var buf [16]byte
	return wire.Atom(string(t.AppendFormat(buf[:0], DateLayout)))
}

// DateTime returns t as a date-time argument (RFC 9051 §9 "date-time"),
// e.g. "17-Jul-1996 02:44:25 -0700", for APPEND. The zone is t's offset
// from UTC, rounded down to the minute.
func DateTime(t time.Time) wire.Value {
	var buf [32]byte
	return wire.Quoted(string(t.AppendFormat(buf[:0], DateTimeLayout)))
}

// ParseDateTime parses an RFC 9051 date-time without its quotes; the day
// may be padded with a space or a zero ("date-day-fixed").
func ParseDateTime(s string) (time.Time, error) {
	if len(s) > 0 && s[0] == ' ' {
		s = "0" + s[1:]
	}
	return time.Parse(DateTimeLayout, s)
}

// FlagList returns the flags as a parenthesized list of atoms (RFC 9051
// §9 "flag-list"), e.g. (\Seen $Forwarded). Each flag must be an atom,
// optionally preceded by "\"; the encoder rejects others with
// ErrInvalidAtom.
func FlagList(flags ...string) wire.Value {
	return AtomList(flags...)
}

// AtomList returns a parenthesized list of atoms, such as FETCH items
// (UID FLAGS BODY.PEEK[HEADER]) or STATUS items (MESSAGES UIDNEXT).
func AtomList(atoms ...string) wire.Value {
	vs := make([]wire.Value, len(atoms))
	for i, a := range atoms {
		vs[i] = wire.Atom(a)
	}
	return wire.Value{Kind: wire.KindList, List: vs}
}

// Atoms returns the atoms as separate arguments, for a command whose
// arguments are a space-separated series (ENABLE, CAPABILITY lists).
func Atoms(atoms ...string) []wire.Value {
	vs := make([]wire.Value, len(atoms))
	for i, a := range atoms {
		vs[i] = wire.Atom(a)
	}
	return vs
}

// Mailbox returns a mailbox name argument (RFC 9051 §9 "mailbox"): INBOX
// in any case becomes INBOX (RFC 9051 §5.1), and other names are encoded
// to modified UTF-7 (RFC 3501 §5.1.3) unless utf8Names says UTF8=ACCEPT is
// enabled or the connection speaks IMAP4rev2 (RFC 9051 §5.1), in which
// case they are sent as UTF-8. It fails if name is not valid UTF-8.
func Mailbox(name string, utf8Names bool) (wire.Value, error) {
	if strings.EqualFold(name, "INBOX") {
		return wire.String("INBOX"), nil
	}
	if utf8Names {
		if !utf8.ValidString(name) {
			return wire.Value{}, errInvalidUTF8
		}
		return wire.String(name), nil
	}
	enc, err := utf7.Encode(name)
	if err != nil {
		return wire.Value{}, err
	}
	return wire.String(enc), nil
}

// BodySection returns the FETCH item BODY[section] (BODY.PEEK[section]
// with peek), with the partial <offset.count> when count > 0 (RFC 9051
// §6.4.5), as one atom, e.g. BODY.PEEK[1.HEADER.FIELDS (DATE FROM)]<0.512>.
func BodySection(peek bool, s wire.Section, offset, count uint64) wire.Value {
	item := "BODY"
	if peek {
		item = "BODY.PEEK"
	}
	return sectionAtom(item, s.String(), offset, count)
}

// BinarySection returns the FETCH item BINARY[part] (BINARY.PEEK[part]
// with peek), with the partial <offset.count> when count > 0 (RFC 9051
// §6.4.5).
func BinarySection(peek bool, part []int, offset, count uint64) wire.Value {
	item := "BINARY"
	if peek {
		item = "BINARY.PEEK"
	}
	return sectionAtom(item, wire.Section{Part: part}.String(), offset, count)
}

// BinarySizeItem returns the FETCH item BINARY.SIZE[part] (RFC 9051
// §6.4.5).
func BinarySizeItem(part []int) wire.Value {
	return sectionAtom("BINARY.SIZE", wire.Section{Part: part}.String(), 0, 0)
}

func sectionAtom(item, section string, offset, count uint64) wire.Value {
	b := make([]byte, 0, len(item)+len(section)+44)
	b = append(b, item...)
	b = append(b, '[')
	b = append(b, section...)
	b = append(b, ']')
	if count > 0 {
		b = append(b, '<')
		b = strconv.AppendUint(b, offset, 10)
		b = append(b, '.')
		b = strconv.AppendUint(b, count, 10)
		b = append(b, '>')
	}
	return wire.Atom(string(b))
}
