package condstore

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/wire"
)

// ErrSelected is returned by Enable while a mailbox is selected: ENABLE
// is valid only in the authenticated state (RFC 5161 §3.1, RFC 9051
// §6.3.1).
var ErrSelected = errors.New("condstore: ENABLE is not allowed with a mailbox selected")

// Enable sends ENABLE CONDSTORE (RFC 5161, RFC 7162 §3.1): the server
// then includes MODSEQ in every FETCH response and HIGHESTMODSEQ (or
// NOMODSEQ) in every SELECT for the rest of the connection. It does
// nothing when CONDSTORE is already enabled, and fails with an error
// wrapping client.ErrNotSupported, without sending anything, when the
// server advertises no CONDSTORE or no ENABLE. SelectParam does the same
// for one SELECT and needs no ENABLE.
func Enable(ctx context.Context, c *client.Conn) error {
	return extutil.Enable(ctx, c, "condstore", "CONDSTORE", ErrSelected)
}

// AlwaysFetchModSeq is an Extension that installs CONDSTORE (Install)
// and adds the MODSEQ item to every FETCH and UID FETCH the connection
// sends — those of client.Conn.Fetch and those of the raw path alike —
// so that a client keeping a cache gets every message's mod-sequence
// without asking each time. A macro (ALL, FAST, FULL) is expanded into
// its items, since a macro cannot be combined with other items.
//
// Use it only with a server known to support CONDSTORE: a server answers
// BAD to FETCH MODSEQ without it. In a mailbox that reported NOMODSEQ
// (RFC 7162 §3.1.2.2) the item is left out.
func AlwaysFetchModSeq(r *client.Registry) {
	Install(r)
	r.ModifyCommand("FETCH", addModSeq)
	r.ModifyCommand("UID FETCH", addModSeq)
}

// fetchMacros are the FETCH macros of RFC 9051 §6.4.5.
var fetchMacros = map[string][]string{
	"ALL":  {"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"},
	"FAST": {"FLAGS", "INTERNALDATE", "RFC822.SIZE"},
	"FULL": {"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"},
}

// addModSeq adds MODSEQ to the items of a FETCH: "FETCH" SP sequence-set
// SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP
// fetch-att) ")") [fetch-modifiers] (RFC 9051 §6.4.5, RFC 4466 §2.4). The
// caller's arguments are never modified in place.
func addModSeq(c *client.Conn, s *client.Spec) {
	if len(s.Args) < 2 {
		return
	}
	if c != nil {
		if m := c.Mailbox(); m != nil && m.NoModSeq {
			return
		}
	}
	items := s.Args[1]
	var list []wire.Value
	switch items.Kind {
	case wire.KindList:
		for _, v := range items.List {
			if (v.Kind == wire.KindAtom || v.Kind == wire.KindRaw) && strings.EqualFold(v.Str, "MODSEQ") {
				return
			}
		}
		list = append(slices.Clip(items.List), FetchModSeq())
	case wire.KindAtom, wire.KindRaw:
		if strings.EqualFold(items.Str, "MODSEQ") {
			return
		}
		if m, ok := fetchMacros[strings.ToUpper(items.Str)]; ok {
			for _, name := range m {
				list = append(list, wire.Atom(name))
			}
		} else {
			list = []wire.Value{items}
		}
		list = append(list, FetchModSeq())
	default:
		return
	}
	args := slices.Clone(s.Args)
	args[1] = wire.List(list...)
	s.Args = args
}
