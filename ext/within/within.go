// Package within implements the WITHIN extension (RFC 5032): the SEARCH
// keys YOUNGER n and OLDER n, which match messages whose internal date is
// within (or beyond) the last n seconds, counted by the server's clock
// (RFC 5032 §2), so a client needs no date arithmetic across time zones.
//
// Keys returns the keys for client.SearchCriteria.Keys, after checking
// that the server advertises WITHIN; Search and UIDSearch run a SEARCH
// with them. The keys combine with every command that takes search
// criteria: SEARCH, SORT and THREAD (package sort), ESORT (package
// esort), MULTISEARCH (package multisearch).
//
// The package uses only the exported API of client and wire.
package within

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/wire"
)

// Window is the interval to match, in whole seconds: messages younger
// than Younger (YOUNGER) and older than Older (OLDER). A zero field is
// not sent; at least one must be set.
type Window struct {
	Younger time.Duration
	Older   time.Duration
}

// maxSeconds is the largest nz-number (RFC 9051 §9: number is below
// 2^32).
const maxSeconds = 1<<32 - 1

func seconds(name string, d time.Duration) (wire.Value, error) {
	s := d / time.Second
	if s < 1 || s > maxSeconds {
		return wire.Value{}, fmt.Errorf("within: %s %v: want 1s to %ds", name, d, maxSeconds)
	}
	return wire.Number(uint64(s)), nil
}

// Keys returns the search keys of w, "YOUNGER n" and/or "OLDER n" (RFC
// 5032 §3), for client.SearchCriteria.Keys. Durations are truncated to
// whole seconds. It fails with an error wrapping client.ErrNotSupported
// when the server does not advertise WITHIN.
func Keys(ctx context.Context, c *client.Conn, w Window) ([]wire.Value, error) {
	if w.Younger == 0 && w.Older == 0 {
		return nil, errors.New("within: empty window")
	}
	var out []wire.Value
	if w.Younger != 0 {
		v, err := seconds("YOUNGER", w.Younger)
		if err != nil {
			return nil, err
		}
		out = append(out, wire.Atom("YOUNGER"), v)
	}
	if w.Older != 0 {
		v, err := seconds("OLDER", w.Older)
		if err != nil {
			return nil, err
		}
		out = append(out, wire.Atom("OLDER"), v)
	}
	if err := extutil.Require(ctx, c, "within", "WITHIN"); err != nil {
		return nil, err
	}
	return out, nil
}

// With returns a copy of criteria (nil for none) with the keys of w
// added.
func With(ctx context.Context, c *client.Conn, w Window, criteria *client.SearchCriteria) (*client.SearchCriteria, error) {
	keys, err := Keys(ctx, c, w)
	if err != nil {
		return nil, err
	}
	var out client.SearchCriteria
	if criteria != nil {
		out = *criteria
	}
	out.Keys = append(append([]wire.Value(nil), out.Keys...), keys...)
	return &out, nil
}

// Search runs SEARCH with criteria and the keys of w (RFC 5032 §3).
func Search(ctx context.Context, c *client.Conn, w Window, criteria *client.SearchCriteria, opts *client.SearchOptions) (*client.SearchResult, error) {
	crit, err := With(ctx, c, w, criteria)
	if err != nil {
		return nil, err
	}
	return c.Search(ctx, crit, opts)
}

// UIDSearch is Search returning UIDs.
func UIDSearch(ctx context.Context, c *client.Conn, w Window, criteria *client.SearchCriteria, opts *client.SearchOptions) (*client.SearchResult, error) {
	crit, err := With(ctx, c, w, criteria)
	if err != nil {
		return nil, err
	}
	return c.UIDSearch(ctx, crit, opts)
}
