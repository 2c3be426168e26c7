// Package interop runs imapkit against an independent IMAP implementation,
// github.com/emersion/go-imap/v2, in both directions: imapkit's client
// against go-imap's server (imapserver with imapmemserver), and go-imap's
// client against imapkit's in-memory server (conformance/memserver).
//
// It is a module of its own, like bench, so that no peer library ever
// enters a library module's go.mod. Where the peer departs from the RFCs,
// the tests pin the wire bytes it sends and docs/INTEROP.md lists them;
// imapkit copes with them without a workaround of its own.
package interop
