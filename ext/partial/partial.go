// Package partial implements the PARTIAL extension (RFC 9394): paged
// SEARCH results (the PARTIAL return option and return data) and the
// PARTIAL FETCH modifier, which return one window of the matching
// messages, counted from the first match or, with negative numbers, from
// the last. RFC 9394 updates the PARTIAL of RFC 5267 §4.4 (CONTEXT=SEARCH,
// CONTEXT=SORT), which had positive ranges only.
//
// Search and UIDSearch run SEARCH RETURN (PARTIAL range); Of reads the
// PARTIAL return data of any ESEARCH response (also of an ESORT, package
// esort); FetchModifier builds the FETCH modifier for
// client.FetchItems.Modifiers. No server on this project's test machine
// offers PARTIAL (Dovecot 2.3, Cyrus 3.6 and Courier do not): the tests
// replay the RFC's examples.
//
// The package uses only the exported API of client and wire.
package partial

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/esearch"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Range is a partial-range (RFC 9394 §3.1): First and Last count from
// the first match (1:100 is the first hundred) or, both negative, from
// the last (-1:-100 is the last hundred). A range is unordered: 100:1 is
// 1:100.
type Range struct {
	First, Last int32
}

// First returns the range of the n matches starting at the from-th
// (1-based).
func First(from, n int32) Range { return Range{from, from + n - 1} }

// Last returns the range of the last n matches.
func Last(n int32) Range { return Range{-1, -n} }

// Valid reports whether r is a partial-range: both numbers positive, or
// both negative (RFC 9394 §4, partial-range-first / partial-range-last).
func (r Range) Valid() bool {
	return r.First > 0 && r.Last > 0 || r.First < 0 && r.Last < 0 && r.First > -1<<31 && r.Last > -1<<31
}

// String formats r as sent, e.g. "1:100" or "-1:-100".
func (r Range) String() string { return fmt.Sprintf("%d:%d", r.First, r.Last) }

// ParseRange parses a partial-range.
func ParseRange(s string) (Range, error) {
	a, b, ok := strings.Cut(s, ":")
	x, err1 := strconv.ParseInt(a, 10, 32)
	y, err2 := strconv.ParseInt(b, 10, 32)
	r := Range{int32(x), int32(y)}
	if !ok || err1 != nil || err2 != nil || !r.Valid() || strings.HasPrefix(a, "+") || strings.HasPrefix(b, "+") {
		return Range{}, fmt.Errorf("partial: %q is not a partial-range", s)
	}
	return r, nil
}

// Result is the PARTIAL return data of an ESEARCH response (RFC 9394
// §3.1): the range asked for and the matching message numbers in it.
type Result struct {
	Range Range
	// Set are the numbers; None reports NIL (no match in the range).
	Set  seqset.Set
	None bool
	// Nums are the numbers in the order sent (the sort order after an
	// ESORT, RFC 5267 §4.4); nil when there are more than 1<<22.
	Nums []uint32
}

// Of returns the PARTIAL return data of d.
func Of(d *wire.ESearchData) (*Result, bool) {
	if d == nil {
		return nil, false
	}
	for i := 0; i+1 < len(d.Extensions); i += 2 {
		if !strings.EqualFold(d.Extensions[i].Text(), "PARTIAL") {
			continue
		}
		r, err := fromValue(d.Extensions[i+1])
		return r, err == nil
	}
	return nil, false
}

// fromValue reads "(" partial-range SP partial-results ")" from its
// generic tree.
func fromValue(v wire.Value) (*Result, error) {
	if v.Kind != wire.KindList || len(v.List) != 2 {
		return nil, fmt.Errorf("partial: PARTIAL data %v: want (range results)", v)
	}
	rng, err := ParseRange(v.List[0].Text())
	if err != nil {
		return nil, err
	}
	res := &Result{Range: rng}
	switch r := v.List[1]; r.Kind {
	case wire.KindNil:
		res.None = true
	case wire.KindAtom, wire.KindNumber, wire.KindRaw:
		if res.Set, err = seqset.Parse(r.Text()); err != nil {
			return nil, err
		}
		res.Nums = esearch.Ordered(r.Text())
	default:
		return nil, fmt.Errorf("partial: PARTIAL results %v: want a sequence-set or NIL", r)
	}
	return res, nil
}

// ReturnOption returns the PARTIAL search return option for r (RFC 9394
// §3.1), for search commands built elsewhere (e.g. package esort).
func ReturnOption(r Range) []wire.Value {
	return []wire.Value{wire.Atom("PARTIAL"), wire.Atom(r.String())}
}

// FetchModifier returns the PARTIAL fetch modifier (RFC 9394 §3.2), for
// client.FetchItems.Modifiers: the FETCH returns only the messages of set
// in range r (counted among the messages of set, from the lowest or,
// negative, from the highest). It is meant for UID FETCH.
func FetchModifier(r Range) []wire.Value { return ReturnOption(r) }

// Options are the optional parts of Search.
type Options struct {
	// Count also asks for COUNT, the number of all matches (RFC 9394
	// §3.1 allows it with PARTIAL), in Reply.Count.
	Count bool
}

// Reply is what Search returned.
type Reply struct {
	*Result
	// Count is the number of all matches when Options.Count was set.
	Count    uint32
	HasCount bool
	ESearch  *wire.ESearchData
}

// Search runs SEARCH RETURN (PARTIAL r) with search (RFC 9394 §3.1) and
// returns the window of message sequence numbers. It fails with an error
// wrapping client.ErrNotSupported, without sending anything, when the
// server does not advertise PARTIAL (or, for a positive range,
// CONTEXT=SEARCH, whose PARTIAL RFC 9394 updates).
func Search(ctx context.Context, c *client.Conn, search *client.SearchCriteria, r Range, opts *Options) (*Reply, error) {
	return searchCmd(ctx, c, false, search, r, opts)
}

// UIDSearch is Search with UIDs (UID SEARCH), the form RFC 9394 §1 has in
// mind for paging through a large mailbox.
func UIDSearch(ctx context.Context, c *client.Conn, search *client.SearchCriteria, r Range, opts *Options) (*Reply, error) {
	return searchCmd(ctx, c, true, search, r, opts)
}

func searchCmd(ctx context.Context, c *client.Conn, uid bool, search *client.SearchCriteria, r Range, opts *Options) (*Reply, error) {
	if !r.Valid() {
		return nil, fmt.Errorf("partial: %v is not a partial-range", r)
	}
	caps := []string{"PARTIAL"}
	if r.First > 0 {
		caps = append(caps, "CONTEXT=SEARCH")
	}
	if err := extutil.Require(ctx, c, "partial", caps...); err != nil {
		return nil, err
	}
	ret := ReturnOption(r)
	if opts != nil && opts.Count {
		ret = append(ret, wire.Atom("COUNT"))
	}
	args := append([]wire.Value{wire.Atom("RETURN"), wire.List(ret...)}, run.SearchKeys(c, search, "")...)
	name := "SEARCH"
	if uid {
		name = "UID SEARCH"
	}
	resps, _, err := run.Collect(ctx, c, client.Spec{
		Name: name, Args: args, States: []client.State{client.StateSelected},
		UsesSeqNums: !uid || search.UsesSeqNums(),
		NoExpunge:   !uid,
		Claim:       run.Data("ESEARCH"),
	})
	if err != nil {
		return nil, err
	}
	rep := &Reply{Result: &Result{Range: r, None: true}}
	for _, resp := range resps {
		d, ok := resp.Data.(*wire.ESearchData)
		if !ok {
			continue // a SEARCH from a server that ignored RETURN
		}
		rep.ESearch = d
		if d.Has&wire.ESearchCount != 0 {
			rep.Count, rep.HasCount = d.Count, true
		}
		if p, ok := Of(d); ok {
			rep.Result = p
		}
	}
	return rep, nil
}
