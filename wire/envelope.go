package wire

// Envelope is the ENVELOPE of a message (RFC 9051 §7.5.2, "envelope").
// Strings are as the server sent them: RFC 2047 encoded words are not
// decoded, and NIL is "" (Empty tells an empty string from NIL).
type Envelope struct {
	Date      string
	Subject   string
	From      []Address
	Sender    []Address
	ReplyTo   []Address
	To        []Address
	Cc        []Address
	Bcc       []Address
	InReplyTo string
	MessageID string
	// Empty says which of Date, Subject, InReplyTo and MessageID that
	// are "" were sent as the empty string rather than NIL.
	Empty EnvelopeFields
	// Literal says which of them were sent as literals, so that an
	// encoder writes them back the same way; the others are quoted
	// strings where their contents allow.
	Literal EnvelopeFields
}

// EnvelopeFields is a set of the string fields of an Envelope.
type EnvelopeFields uint8

// The string fields of an Envelope, for Envelope.Empty.
const (
	EnvelopeDate EnvelopeFields = 1 << iota
	EnvelopeSubject
	EnvelopeInReplyTo
	EnvelopeMessageID
)

// Address is one address of an envelope (RFC 9051 §9, "address").
// Each field is an nstring: "" with its bit clear in Empty is NIL, and ""
// with its bit set is the empty string the server sent, so that what a
// server sent is kept (Courier sends ((NIL NIL "" NIL)(NIL NIL "" NIL))).
//
// RFC 822 group syntax is spelled with two markers (RFC 3501 §7.4.2, RFC
// 9051 §7.5.2): a group starts with an address whose host is NIL and
// whose mailbox is not NIL (the group name), and ends with one whose host
// and mailbox are both NIL.
type Address struct {
	// Name is the personal name ("addr-name").
	Name string
	// ADL is the source route ("addr-adl"), obsolete and usually NIL.
	ADL string
	// Mailbox is the local part ("addr-mailbox"), or the group name.
	Mailbox string
	// Host is the domain ("addr-host").
	Host string
	// Empty says which fields that are "" were sent as the empty string
	// rather than NIL. The zero value writes every "" field as NIL.
	Empty AddressFields
	// Literal says which fields were sent as literals, so that an
	// encoder writes them back the same way; the others are quoted
	// strings where their contents allow.
	Literal AddressFields
}

// AddressFields is a set of the fields of an Address.
type AddressFields uint8

// The fields of an Address, for Address.Empty.
const (
	AddressName AddressFields = 1 << iota
	AddressADL
	AddressMailbox
	AddressHost
)

// IsNil reports whether field f of a is NIL: "" and not marked in Empty.
func (a Address) IsNil(f AddressFields) bool {
	var s string
	switch f {
	case AddressName:
		s = a.Name
	case AddressADL:
		s = a.ADL
	case AddressMailbox:
		s = a.Mailbox
	case AddressHost:
		s = a.Host
	default:
		return false
	}
	return s == "" && a.Empty&f == 0
}

// IsGroupStart reports whether a starts an RFC 822 group: its host is
// NIL and its mailbox (the group name, possibly "") is not.
func (a Address) IsGroupStart() bool {
	return a.IsNil(AddressHost) && !a.IsNil(AddressMailbox)
}

// IsGroupEnd reports whether a ends an RFC 822 group: its host and its
// mailbox are NIL.
func (a Address) IsGroupEnd() bool {
	return a.IsNil(AddressHost) && a.IsNil(AddressMailbox)
}

// Addr returns mailbox@host, or "" for a group marker.
func (a Address) Addr() string {
	if a.IsNil(AddressHost) {
		return ""
	}
	return a.Mailbox + "@" + a.Host
}
