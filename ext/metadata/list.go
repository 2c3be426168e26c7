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
// 9590 §3, RFC 5258 §3): the mailboxes matching pattern, each with the
// values of the entries asked for (IsNil where one is not set). It fails
// with an error wrapping client.ErrNotSupported, without sending
// anything, when the server does not advertise LIST-METADATA.
//
// Only the entries-list form of the return option is sent; the
// GETMETADATA options (MAXSIZE, DEPTH) are not.
func List(ctx context.Context, c *client.Conn, reference, pattern string, entries []string) (*ListResult, error) {
	if len(entries) == 0 {
		return nil, errors.New("metadata: LIST RETURN (METADATA) needs at least one entry")
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
	resps, final, err := run.Collect(ctx, c, client.Spec{
		Name: "LIST",
		Args: []wire.Value{ref, pat, wire.Atom("RETURN"),
			wire.List(wire.Atom("METADATA"), wire.List(names...))},
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
