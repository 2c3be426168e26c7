// Package multisearch implements the MULTISEARCH extension (RFC 7377):
// one ESEARCH command searches several mailboxes, chosen by the mailbox
// filters of NOTIFY (RFC 5465 §6), and the server answers with one
// ESEARCH response per mailbox, its correlator naming the mailbox and its
// UIDVALIDITY (RFC 7377 §2.1). The results are UIDs.
//
// The base protocol's ESEARCH parser reads that correlator into
// wire.ESearchData.Mailbox and UIDValidity; Install registers nothing and
// is kept so that existing extension lists compile.
//
// No server on this project's test machine offers MULTISEARCH (Dovecot
// 2.3, Cyrus 3.6 and Courier do not): the tests replay RFC 7377's
// examples.
//
// The package uses only the exported API of client, codec and wire.
package multisearch

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Install does nothing: the base protocol's ESEARCH parser reads the
// MULTISEARCH correlator. It is kept for client.Extension lists.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec does nothing: the base protocol's ESEARCH parser and
// encoder handle the correlator of RFC 7377 §2.1.
func RegisterCodec(*codec.Registry) {}

// The mailbox filters of RFC 5465 §6 that RFC 7377 §2 uses as sources.
const (
	Selected   = "selected"    // the selected mailbox
	Inboxes    = "inboxes"     // every mailbox where new mail is delivered
	Personal   = "personal"    // every mailbox of the user's personal namespace
	Subscribed = "subscribed"  // every subscribed mailbox
	Subtree    = "subtree"     // the mailboxes named and all below them
	SubtreeOne = "subtree-one" // the mailboxes named and their children
	Mailboxes  = "mailboxes"   // the mailboxes named
)

// Source is one filter-mailboxes of the IN clause (RFC 7377 §2, RFC 5465
// §6): a filter, with mailbox names for Subtree, SubtreeOne and
// Mailboxes.
type Source struct {
	Filter    string
	Mailboxes []string
}

// Options are the optional parts of the ESEARCH command.
type Options struct {
	// Return are the return options: MIN, MAX, COUNT, ALL (RFC 4731);
	// none means ALL.
	Return []string
}

// Result is the ESEARCH response of one mailbox.
type Result struct {
	Mailbox     string
	UIDValidity uint32
	// The results are UIDs (RFC 7377 §2.1); Has says which were sent.
	Has             wire.ESearchAttrs
	Min, Max, Count uint32
	All             seqset.Set
	ModSeq          uint64
	ESearch         *wire.ESearchData
}

// Search runs ESEARCH IN (sources) [RETURN (...)] keys (RFC 7377 §2) and
// returns one Result per mailbox that the server reported, in the order
// received (a mailbox without matches may be left out when only ALL is
// asked for). A nil search matches ALL. It fails with an error wrapping
// client.ErrNotSupported, without sending anything, when the server does
// not advertise MULTISEARCH.
func Search(ctx context.Context, c *client.Conn, sources []Source, search *client.SearchCriteria, opts *Options) ([]*Result, error) {
	if len(sources) == 0 {
		return nil, errors.New("multisearch: ESEARCH needs at least one source")
	}
	var src []wire.Value
	for _, s := range sources {
		f := strings.ToLower(s.Filter)
		switch f {
		case Selected, "selected-delayed", Inboxes, Personal, Subscribed:
			if len(s.Mailboxes) != 0 {
				return nil, fmt.Errorf("multisearch: filter %s takes no mailboxes", f)
			}
			src = append(src, wire.Atom(f))
		case Subtree, SubtreeOne, Mailboxes:
			if len(s.Mailboxes) == 0 {
				return nil, fmt.Errorf("multisearch: filter %s needs mailboxes", f)
			}
			mbs := make([]wire.Value, 0, len(s.Mailboxes))
			for _, m := range s.Mailboxes {
				v, err := c.MailboxArg(m)
				if err != nil {
					return nil, err
				}
				mbs = append(mbs, v)
			}
			mb := wire.List(mbs...)
			if len(mbs) == 1 {
				mb = mbs[0]
			}
			src = append(src, wire.Atom(f), mb)
		default:
			return nil, fmt.Errorf("multisearch: unknown mailbox filter %q", s.Filter)
		}
	}
	if err := extutil.Require(ctx, c, "multisearch", "MULTISEARCH"); err != nil {
		return nil, err
	}
	args := []wire.Value{wire.Atom("IN"), wire.List(src...)}
	if opts != nil && len(opts.Return) > 0 {
		ret, err := run.ReturnOptions("multisearch", opts.Return)
		if err != nil {
			return nil, err
		}
		args = append(args, wire.Atom("RETURN"), wire.List(ret...))
	}
	args = append(args, run.SearchKeys(c, search, "")...)
	cmd, err := c.Start(ctx, client.Spec{
		Name: "ESEARCH", Args: args,
		States: []client.State{client.StateAuthenticated, client.StateSelected},
		// With the selected mailbox among the sources the keys may name
		// sequence numbers.
		UsesSeqNums: search.UsesSeqNums(),
		// The responses carry this command's tag and reach it before any
		// Claim runs; claim nothing else.
	})
	if err != nil {
		return nil, err
	}
	var out []*Result
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return out, err
		}
		d, ok := r.Data.(*wire.ESearchData)
		if !ok {
			continue
		}
		res := &Result{Has: d.Has, Min: d.Min, Max: d.Max, Count: d.Count, All: d.All, ModSeq: d.ModSeq, ESearch: d}
		if d.HasMailbox() {
			res.Mailbox, res.UIDValidity = d.Mailbox, d.UIDValidity
		} else if m := c.Mailbox(); m != nil {
			// A response without MAILBOX is about the selected mailbox.
			res.Mailbox, res.UIDValidity = m.Name, m.UIDValidity
		}
		out = append(out, res)
	}
	return out, nil
}

// MailboxOf returns the MAILBOX and UIDVALIDITY of an ESEARCH response's
// correlator (RFC 7377 §2.1): d.Mailbox and d.UIDValidity, ok when
// d.HasMailbox.
func MailboxOf(d *wire.ESearchData) (mailbox string, uidValidity uint32, ok bool) {
	if d == nil || !d.HasMailbox() {
		return "", 0, false
	}
	return d.Mailbox, d.UIDValidity, true
}
