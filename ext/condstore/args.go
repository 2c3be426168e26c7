package condstore

import "github.com/imapkit/imapkit/wire"

// SelectParam returns the CONDSTORE select parameter (RFC 7162 §3.1.8),
// for client.SelectOptions.Params: the server then reports HIGHESTMODSEQ
// (in client.Mailbox.HighestModSeq) and includes MODSEQ in every FETCH
// response from then on.
//
// A mailbox without mod-sequences answers NOMODSEQ instead (RFC 7162
// §3.1.2.2); the client's Select claims that response and keeps no trace
// of it, so HighestModSeq stays 0 — which is how to tell.
func SelectParam() wire.Value { return wire.Atom("CONDSTORE") }

// FetchModSeq returns the MODSEQ fetch item (RFC 7162 §3.1.4.2), for
// client.FetchItems.Extra. Read the result with ModSeq.
func FetchModSeq() wire.Value { return wire.Atom("MODSEQ") }

// ChangedSince returns the CHANGEDSINCE fetch modifier (RFC 7162
// §3.1.4.1), for client.FetchItems.Modifiers: the FETCH then returns only
// messages whose mod-sequence is greater than modseq, each with its
// MODSEQ. modseq is a mod-sequence-value, at least 1.
func ChangedSince(modseq uint64) []wire.Value {
	return []wire.Value{wire.Atom("CHANGEDSINCE"), wire.Number(modseq)}
}

// UnchangedSince returns the UNCHANGEDSINCE store modifier (RFC 7162
// §3.1.3), for client.StoreFlags.Modifiers: the STORE changes only the
// messages whose mod-sequence is at most modseq, and reports the others
// in a MODIFIED response code (see Store, Modified and ModifiedSet).
// With modseq 0 it changes nothing and reports every message that exists.
func UnchangedSince(modseq uint64) []wire.Value {
	return []wire.Value{wire.Atom("UNCHANGEDSINCE"), wire.Number(modseq)}
}

// ModSeqKey returns the MODSEQ search key (RFC 7162 §3.1.5), for
// client.SearchCriteria.Keys: messages whose mod-sequence is at least
// modseq. The SEARCH result then carries the highest mod-sequence of the
// matches (client.SearchResult.ModSeq).
func ModSeqKey(modseq uint64) []wire.Value {
	return []wire.Value{wire.Atom("MODSEQ"), wire.Number(modseq)}
}

// EntryType says which mod-sequence of a flag a MODSEQ search key
// compares (RFC 7162 §3.1.5, "entry-type-req").
type EntryType string

const (
	EntryPrivate EntryType = "priv"
	EntryShared  EntryType = "shared"
	EntryAll     EntryType = "all"
)

// ModSeqFlagKey returns the MODSEQ search key restricted to the
// mod-sequence of one flag (RFC 7162 §3.1.5, "search-modseq-ext"), e.g.
// ModSeqFlagKey(`\Draft`, EntryAll, 620162338) for
// MODSEQ "/flags/\\draft" all 620162338. Servers that keep one
// mod-sequence per message ignore the flag.
func ModSeqFlagKey(flag string, typ EntryType, modseq uint64) []wire.Value {
	return []wire.Value{
		wire.Atom("MODSEQ"),
		entryFlagName(flag),
		wire.Atom(string(typ)),
		wire.Number(modseq),
	}
}

// entryFlagName returns DQUOTE "/flags/" attr-flag DQUOTE with the "\"
// of a system flag escaped (RFC 7162 §7, "entry-flag-name"). The grammar
// asks for a quoted string, which the codec's encoder never writes for a
// string holding "\" (it sends a literal), so a valid flag is written as
// raw text; anything else is left to the encoder as a string, which
// cannot inject syntax and which the server may refuse.
func entryFlagName(flag string) wire.Value {
	name := flag
	system := len(name) > 0 && name[0] == '\\'
	if system {
		name = name[1:]
	}
	ok := name != ""
	for i := 0; i < len(name) && ok; i++ {
		ok = wire.IsAtomChar(name[i])
	}
	if !ok {
		return wire.Quoted("/flags/" + flag)
	}
	if system {
		return wire.Raw(`"/flags/\\` + name + `"`)
	}
	return wire.Raw(`"/flags/` + name + `"`)
}
