package metadata

import (
	"context"
	"errors"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/wire"
)

// ListResult is what LIST with the METADATA return option returned (RFC
// 9590 §3): the mailboxes, and for each the METADATA response that
// followed its LIST response.
type ListResult struct {
	Mailboxes []*wire.ListData
	// Metadata maps a mailbox name to its entries. A mailbox whose
	// annotations the server could not read may be missing (RFC 9590 §3).
	Metadata map[string]*Data
	// LongEntries is the METADATA LONGENTRIES code of the completion, if
	// any (RFC 5464 §4.2.1).
	LongEntries    uint32
	HasLongEntries bool
}

// List runs LIST reference pattern RETURN (METADATA (entries...)) (RFC
// 9590, RFC 5258 §3): the mailboxes matching pattern, each with the
// values of the entries asked for (IsNil where one is not set). It fails
// with an error wrapping client.ErrNotSupported, without sending
// anything, when the server does not advertise LIST-METADATA.
//
// opts, when it sets MaxSize or Depth, adds GETMETADATA's options (RFC
// 5464 §4.2.1, §4.2.2) as the METADATA selection option,
//
//	LIST (METADATA (MAXSIZE 1024 DEPTH 1)) "" "*" RETURN (METADATA (/shared/comment))
//
// which is the form Cyrus 3.6 (the RFC authors' implementation) accepts;
// it answers BAD to options inside or after the return option's list.
// With MaxSize, a mailbox whose values are all too large may get no
// METADATA response at all (Cyrus leaves it out), and ListResult's
// LongEntries tells the size of the largest value left out.
func List(ctx context.Context, c *client.Conn, reference, pattern string, entries []string, opts *GetOptions) (*ListResult, error) {
	if len(entries) == 0 {
		return nil, errors.New("metadata: LIST RETURN (METADATA) needs at least one entry")
	}
	o, err := opts.list()
	if err != nil {
		return nil, err
	}
	if err := extutil.Require(ctx, c, "metadata", "LIST-METADATA"); err != nil {
		return nil, err
	}
	ref, err := mailboxArg(c, reference)
	if err != nil {
		return nil, err
	}
	pat, err := mailboxArg(c, pattern)
	if err != nil {
		return nil, err
	}
	names := make([]wire.Value, 0, len(entries))
	for _, e := range entries {
		if err := checkName(e); err != nil {
			return nil, err
		}
		names = append(names, wire.String(e))
	}
	var args []wire.Value
	if o != nil {
		args = append(args, wire.List(wire.Atom("METADATA"), *o))
	}
	args = append(args, ref, pat, wire.Atom("RETURN"), wire.List(wire.Atom("METADATA"), wire.List(names...)))
	resps, final, err := run.Collect(ctx, c, client.Spec{
		Name:   "LIST",
		Args:   args,
		States: authenticated,
		Claim: func(r *wire.Response) bool {
			if r.Kind != wire.DataResponse {
				return false
			}
			if r.Name == "LIST" {
				return true
			}
			if r.Name != "METADATA" {
				return false
			}
			d, ok := r.Data.(*Data)
			return !ok || d.Changed == nil
		},
	})
	if err != nil {
		return nil, err
	}
	res := &ListResult{Metadata: map[string]*Data{}}
	for _, r := range resps {
		switch d := r.Data.(type) {
		case *wire.ListData:
			res.Mailboxes = append(res.Mailboxes, d)
		case *Data:
			name := d.Mailbox
			if strings.EqualFold(name, "INBOX") {
				name = "INBOX"
			}
			if prev, ok := res.Metadata[name]; ok {
				prev.Entries = append(prev.Entries, d.Entries...)
			} else {
				res.Metadata[name] = d
			}
		default:
			return nil, run.Untyped("metadata", r)
		}
	}
	if code, ok := CodeOf(final); ok && code.Kind == LongEntries {
		res.LongEntries, res.HasLongEntries = code.Num, true
	}
	return res, nil
}
