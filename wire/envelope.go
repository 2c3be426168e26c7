package wire

// Envelope is the ENVELOPE of a message (RFC 9051 §7.5.2, "envelope").
// Strings are as the server sent them: RFC 2047 encoded words are not
// decoded, and NIL is "".
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
}

// Address is one address of an envelope (RFC 9051 §9, "address"). RFC 822
// group syntax is spelled with two markers: a group starts with an address
// whose Host is "" and whose Mailbox is the group name, and ends with one
// whose Mailbox and Host are both "" (RFC 9051 §7.5.2).
type Address struct {
	// Name is the personal name ("addr-name").
	Name string
	// ADL is the source route ("addr-adl"), obsolete and usually "".
	ADL string
	// Mailbox is the local part ("addr-mailbox"), or the group name.
	Mailbox string
	// Host is the domain ("addr-host").
	Host string
}

// IsGroupStart reports whether a starts an RFC 822 group.
func (a Address) IsGroupStart() bool { return a.Host == "" && a.Mailbox != "" }

// IsGroupEnd reports whether a ends an RFC 822 group.
func (a Address) IsGroupEnd() bool { return a.Host == "" && a.Mailbox == "" }

// Addr returns mailbox@host, or "" for a group marker.
func (a Address) Addr() string {
	if a.Host == "" {
		return ""
	}
	return a.Mailbox + "@" + a.Host
}
