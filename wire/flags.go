package wire

// System flags (RFC 9051 §2.3.2). Flags are compared case-insensitively
// (RFC 9051 §2.3.2: "flags are case-insensitive" for system flags).
const (
	FlagSeen     = `\Seen`
	FlagAnswered = `\Answered`
	FlagFlagged  = `\Flagged`
	FlagDeleted  = `\Deleted`
	FlagDraft    = `\Draft`
	// FlagRecent exists in IMAP4rev1 only (RFC 3501 §2.3.2); RFC 9051
	// removed it.
	FlagRecent = `\Recent`
	// FlagWildcard in PERMANENTFLAGS means new keywords may be created
	// (RFC 9051 §7.1, PERMANENTFLAGS).
	FlagWildcard = `\*`
)

// Keywords registered by RFC 9051 §2.3.2 and the IANA registry.
const (
	KeywordForwarded = "$Forwarded"
	KeywordMDNSent   = "$MDNSent"
	KeywordJunk      = "$Junk"
	KeywordNotJunk   = "$NotJunk"
	KeywordPhishing  = "$Phishing"
)

// Mailbox name attributes of LIST responses (RFC 9051 §7.3.1) and the
// special-use attributes of RFC 6154 §2, which RFC 9051 folded in.
const (
	AttrNoInferiors   = `\NoInferiors`
	AttrNoSelect      = `\NoSelect`
	AttrMarked        = `\Marked`
	AttrUnmarked      = `\Unmarked`
	AttrNonExistent   = `\NonExistent`
	AttrSubscribed    = `\Subscribed`
	AttrRemote        = `\Remote`
	AttrHasChildren   = `\HasChildren`
	AttrHasNoChildren = `\HasNoChildren`

	AttrAll     = `\All`
	AttrArchive = `\Archive`
	AttrDrafts  = `\Drafts`
	AttrFlagged = `\Flagged`
	AttrJunk    = `\Junk`
	AttrSent    = `\Sent`
	AttrTrash   = `\Trash`
)
