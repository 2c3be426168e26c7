// Package memserver is an IMAP server that holds its mail in memory, for
// tests, demos and the examples of imapkit. It speaks IMAP4rev1
// (RFC 3501) and IMAP4rev2 (RFC 9051) with UIDPLUS, MOVE, IDLE, LITERAL+,
// ENABLE, COMPRESS=DEFLATE, STARTTLS, CONDSTORE, QRESYNC, SASL
// PLAIN with SASL-IR, ESEARCH, SEARCHRES, SPECIAL-USE, LIST-EXTENDED,
// LIST-STATUS, BINARY, MULTIAPPEND, ID, NAMESPACE, UNSELECT and
// UTF8=ACCEPT.
//
// It is built on imapkit's codec in the server direction: commands are
// read by codec.CommandDecoder and responses written by
// codec.ResponseEncoder, so it is also a worked example of a server (or
// proxy) on the codec.
//
// # Sessions and the store
//
// All sessions share one store under one lock. Each session keeps its
// own view of the selected mailbox (its message sequence numbers), as
// RFC 9051 §7.5.1 requires: messages that another session expunges stay
// in the view, their contents still readable, until a command during
// which an EXPUNGE may be sent (any command but FETCH, STORE and SEARCH;
// their UID forms allow it) or an IDLE; new messages (EXISTS) and flag
// changes of other sessions (FETCH FLAGS, with MODSEQ once CONDSTORE is
// on) are sent at the end of every command and at once during IDLE.
// Commands are answered in the order received, so pipelined commands
// (RFC 9051 §5.5) work as a client expects.
//
// Messages are parsed with the standard library (mime, net/mail) for
// ENVELOPE, BODYSTRUCTURE and body sections; parsing never fails, a
// malformed message degrades to text/plain.
//
// # Limits
//
// Input is treated as hostile: command lines and literals are bounded
// (Options.MaxLineLength, Options.MaxLiteralSize; beyond them the
// connection ends with BYE [TOOBIG]), as are list nesting, search key
// nesting, MIME depth and part counts, mailboxes and flags per user, and
// the octets of a user's mail (Options.MaxUserBytes, NO [OVERQUOTA]). A
// syntax error is answered with a tagged BAD when the tag could be read.
// [Server.Close] says BYE to every session before closing it.
//
// # Commands
//
// SELECT, EXAMINE, STATUS and STORE are read with the codec's typed command
// parsers; the other commands' arguments are read from the codec's
// generic value trees through one small seam (args.go), to move to the
// typed parsers one by one. [Server.Seed] and [Server.SeedSample] fill
// mailboxes; the sample is the mail of "imapc serve".
//
// QRESYNC (RFC 7162 §3.2) remembers the latest 100,000 expunges of each
// mailbox; for an older mod-sequence it reports every missing UID.
//
// \Recent (RFC 3501 §2.3.2) belongs to the first read-write session told
// of a message, and shows to IMAP4rev1 sessions only.
//
// Not implemented: NOTIFY, ACLs, quotas,
// and persistence.
package memserver
