package wire

import "strings"

// ListData is one LIST or LSUB response (RFC 9051 §7.3.1, "mailbox-list";
// RFC 5258 §9 for the extended items).
type ListData struct {
	// Attrs are the mailbox attributes as sent, e.g. \HasNoChildren.
	Attrs []string
	// Delim is the hierarchy delimiter, 0 for NIL (a flat name).
	Delim rune
	// Mailbox is the mailbox name, decoded from modified UTF-7 unless the
	// server sent UTF-8 (UTF8=ACCEPT).
	Mailbox string
	// OldName is the OLDNAME extended item (RFC 9051 §7.3.1).
	OldName string
	// ChildInfo holds the CHILDINFO extended item (RFC 5258 §4).
	ChildInfo []string
	// Extended holds the other extended items ("mbox-list-extended"),
	// tag first and then its value, as generic values.
	Extended []Value
}

// HasAttr reports whether the mailbox has attribute attr (compared
// case-insensitively, RFC 9051 §7.3.1).
func (l *ListData) HasAttr(attr string) bool {
	for _, a := range l.Attrs {
		if strings.EqualFold(a, attr) {
			return true
		}
	}
	return false
}

// StatusItem is one item of a STATUS response (RFC 9051 §7.3.2,
// "status-att-val").
type StatusItem struct {
	// Name is the upper-cased item name, e.g. "MESSAGES".
	Name string
	// Value is the item's number; NIL (for example APPENDLIMIT NIL) is
	// reported with Nil set.
	Value uint64
	Nil   bool
	// Data holds the typed value of an item whose parser an extension
	// registered (codec.Registry.StatusItem), such as MAILBOXID
	// (F2212ea87) (RFC 8474 §4.2); nil otherwise.
	Data any
	// Other holds a value that is neither a number nor NIL, as a generic
	// tree: the value of an item no parser is registered for, or, in a
	// lenient decoder, of an item whose parser failed (Response.ParseErr
	// says why).
	Other *Value
}

// StatusData is a STATUS response (RFC 9051 §7.3.2).
type StatusData struct {
	Mailbox string
	// Items are in the order the server sent them.
	Items []StatusItem
}

// Get returns the value of item name (compared case-insensitively) and
// whether it was present and not NIL.
func (s *StatusData) Get(name string) (uint64, bool) {
	for _, it := range s.Items {
		if strings.EqualFold(it.Name, name) {
			return it.Value, !it.Nil
		}
	}
	return 0, false
}

// Item returns the item name (compared case-insensitively), nil when
// absent.
func (s *StatusData) Item(name string) *StatusItem {
	for i := range s.Items {
		if strings.EqualFold(s.Items[i].Name, name) {
			return &s.Items[i]
		}
	}
	return nil
}

// STATUS item names (RFC 9051 §6.3.11; SIZE RFC 8438; HIGHESTMODSEQ
// RFC 7162; APPENDLIMIT RFC 7889; RECENT RFC 3501 only).
const (
	StatusMessages      = "MESSAGES"
	StatusUIDNext       = "UIDNEXT"
	StatusUIDValidity   = "UIDVALIDITY"
	StatusUnseen        = "UNSEEN"
	StatusDeleted       = "DELETED"
	StatusSize          = "SIZE"
	StatusRecent        = "RECENT"
	StatusHighestModSeq = "HIGHESTMODSEQ"
	StatusAppendLimit   = "APPENDLIMIT"
)

// NamespaceData is a NAMESPACE response (RFC 9051 §7.3.4, RFC 2342 §5).
type NamespaceData struct {
	Personal []Namespace
	Other    []Namespace
	Shared   []Namespace
}

// Namespace is one namespace description ("namespace-descr").
type Namespace struct {
	Prefix string
	// Delim is the hierarchy delimiter, 0 for NIL.
	Delim rune
	// Extensions holds "namespace-response-extensions" as generic values.
	Extensions []Value
}
