// Package esort implements ESORT and CONTEXT=SEARCH / CONTEXT=SORT (RFC
// 5267): SORT with ESEARCH results (RETURN options MIN, MAX, COUNT, ALL,
// PARTIAL), and search contexts the server keeps up to date (UPDATE),
// announcing changes with ADDTO and REMOVEFROM until CANCELUPDATE.
//
// Install registers the NOUPDATE response code (RFC 5267 §4.3), a
// string. The base protocol's ESEARCH parser keeps the order of ALL,
// which ESORT sends in sort order (RFC 5267 §3.2), in
// wire.ESearchData.AllOrder.
//
// Sort and UIDSort run SORT RETURN (...) (RFC 5267 §3); Search and
// UIDSearch run SEARCH RETURN (...) with CONTEXT and UPDATE (§4.1, §4.2);
// UpdateOf reads the ADDTO/REMOVEFROM updates of a context (§4.3), which
// come after the command completed and so reach client.Options.Unilateral
// and client.Conn.Unclaimed; CancelUpdate ends them (§4.5). PARTIAL is
// package partial's Range (RFC 9394 updates RFC 5267 §4.4).
//
// The package uses only the exported API of client, codec and wire.
package esort

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/esearch"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/ext/partial"
	"github.com/imapkit/imapkit/ext/sort"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Install registers the NOUPDATE code parser into a connection's
// registry. Use it as a client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the NOUPDATE code's parser and encoder into a
// codec registry.
func RegisterCodec(r *codec.Registry) {
	r.Code("NOUPDATE", parseNoUpdate)
	r.EncodeCode("NOUPDATE", encodeNoUpdate)
}

// encodeNoUpdate writes the NOUPDATE code's tag, a quoted string.
func encodeNoUpdate(w *codec.Writer, c *wire.Code) error {
	tag, ok := c.Data.(string)
	if !ok {
		return fmt.Errorf("esort: NOUPDATE code %T: %w", c.Data, codec.ErrUnsupportedData)
	}
	w.SP()
	w.Quoted(tag)
	return nil
}

// parseNoUpdate parses "NOUPDATE" SP quoted (RFC 5267 §5): the tag of
// the command whose context will not be updated.
func parseNoUpdate(p *codec.Parser, _ string) (any, error) {
	return p.ReadString()
}

// Options are the return options of an extended SORT or SEARCH.
type Options struct {
	// Return are MIN, MAX, COUNT, ALL (RFC 4731 §3.1, RFC 5267 §3.1).
	// With none (and no Partial) an extended SORT sends RETURN (), which
	// means ALL (RFC 5267 §3.3).
	Return []string
	// Partial asks for one window of the results (RFC 5267 §4.4, RFC
	// 9394).
	Partial *partial.Range
	// Context hints that the client will ask for more from this result
	// (CONTEXT, RFC 5267 §4.1); Update asks the server to announce
	// changes to the result (UPDATE, RFC 5267 §4.2). Both need
	// CONTEXT=SEARCH (for SEARCH) or CONTEXT=SORT (for SORT).
	Context bool
	Update  bool
	// Charset of the search criteria, as for package sort.
	Charset string
}

// Result is what an extended SORT or SEARCH returned.
type Result struct {
	// Tag is the command's tag: it names the context of an UPDATE in
	// later updates (Update.Tag) and in CancelUpdate.
	Tag string
	UID bool
	// Has says which of Min, Max, Count, All and ModSeq the server sent.
	// After a SORT, Min and Max are the first and the last message in
	// sort order, not the lowest and highest numbers (RFC 5267 §3.1).
	Has             wire.ESearchAttrs
	Min, Max, Count uint32
	ModSeq          uint64
	// All are the matching numbers, in sort order after a SORT (nil
	// when more than 1<<22); AllSet is the same as a set.
	All    []uint32
	AllSet seqset.Set
	// Partial is the PARTIAL return data.
	Partial *partial.Result
	// NoUpdate reports the NOUPDATE code: the server will not keep this
	// context up to date (RFC 5267 §4.2).
	NoUpdate bool
	// ESearch is the ESEARCH response, nil when there was none.
	ESearch *wire.ESearchData
}

func returnOpts(opts *Options) ([]wire.Value, error) {
	if opts == nil {
		return nil, nil
	}
	ret, err := run.ReturnOptions("esort", opts.Return)
	if err != nil {
		return nil, err
	}
	if opts.Context {
		ret = append(ret, wire.Atom("CONTEXT"))
	}
	if opts.Update {
		ret = append(ret, wire.Atom("UPDATE"))
	}
	if opts.Partial != nil {
		if !opts.Partial.Valid() {
			return nil, fmt.Errorf("esort: %v is not a partial-range", *opts.Partial)
		}
		ret = append(ret, partial.ReturnOption(*opts.Partial)...)
	}
	return ret, nil
}

// requireContext checks what the options need beyond the command itself:
// CONTEXT=<kind> for CONTEXT and UPDATE, and for PARTIAL either PARTIAL
// (RFC 9394) or, for a positive range, CONTEXT=<kind> (RFC 5267 §4.4).
func requireContext(ctx context.Context, c *client.Conn, kind string, opts *Options) error {
	if opts == nil {
		return nil
	}
	if opts.Context || opts.Update {
		if err := extutil.Require(ctx, c, "esort", "CONTEXT="+kind); err != nil {
			return err
		}
	}
	if opts.Partial != nil {
		caps := []string{"PARTIAL"}
		if opts.Partial.First > 0 {
			caps = append(caps, "CONTEXT="+kind)
		}
		return extutil.Require(ctx, c, "esort", caps...)
	}
	return nil
}

// Sort runs SORT RETURN (options) (criteria) charset keys (RFC 5267 §3)
// and returns message sequence numbers. It fails with an error wrapping
// client.ErrNotSupported, without sending anything, when the server does
// not advertise ESORT, or CONTEXT=SORT where the options need it.
func Sort(ctx context.Context, c *client.Conn, criteria []sort.Criterion, search *client.SearchCriteria, opts *Options) (*Result, error) {
	return sortCmd(ctx, c, false, criteria, search, opts)
}

// UIDSort is Sort with UIDs (UID SORT).
func UIDSort(ctx context.Context, c *client.Conn, criteria []sort.Criterion, search *client.SearchCriteria, opts *Options) (*Result, error) {
	return sortCmd(ctx, c, true, criteria, search, opts)
}

func sortCmd(ctx context.Context, c *client.Conn, uid bool, criteria []sort.Criterion, search *client.SearchCriteria, opts *Options) (*Result, error) {
	ret, err := returnOpts(opts)
	if err != nil {
		return nil, err
	}
	if err := extutil.Require(ctx, c, "esort", "ESORT"); err != nil {
		return nil, err
	}
	if err := requireContext(ctx, c, "SORT", opts); err != nil {
		return nil, err
	}
	var sopts *sort.Options
	if opts != nil && opts.Charset != "" {
		sopts = &sort.Options{Charset: opts.Charset}
	}
	args, seq, err := sort.SortArgs(ctx, c, criteria, search, sopts)
	if err != nil {
		return nil, err
	}
	args = append([]wire.Value{wire.Atom("RETURN"), wire.List(ret...)}, args...)
	name := "SORT"
	if uid {
		name = "UID SORT"
	}
	return collect(ctx, c, client.Spec{
		Name: name, Args: args, States: []client.State{client.StateSelected},
		UsesSeqNums: !uid || seq, NoExpunge: !uid,
	})
}

// Search runs SEARCH RETURN (options) keys (RFC 4731, RFC 5267 §4) and
// returns message sequence numbers. It needs ESEARCH (or IMAP4rev2), and
// CONTEXT=SEARCH for Context and Update; without them it fails with an
// error wrapping client.ErrNotSupported, without sending anything.
func Search(ctx context.Context, c *client.Conn, search *client.SearchCriteria, opts *Options) (*Result, error) {
	return searchCmd(ctx, c, false, search, opts)
}

// UIDSearch is Search with UIDs (UID SEARCH).
func UIDSearch(ctx context.Context, c *client.Conn, search *client.SearchCriteria, opts *Options) (*Result, error) {
	return searchCmd(ctx, c, true, search, opts)
}

func searchCmd(ctx context.Context, c *client.Conn, uid bool, search *client.SearchCriteria, opts *Options) (*Result, error) {
	ret, err := returnOpts(opts)
	if err != nil {
		return nil, err
	}
	if err := extutil.Require(ctx, c, "esort", "ESEARCH", "IMAP4REV2", "CONTEXT=SEARCH"); err != nil {
		return nil, err
	}
	if err := requireContext(ctx, c, "SEARCH", opts); err != nil {
		return nil, err
	}
	var charset string
	if opts != nil {
		charset = opts.Charset
	}
	args := append([]wire.Value{wire.Atom("RETURN"), wire.List(ret...)}, run.SearchKeys(c, search, charset)...)
	name := "SEARCH"
	if uid {
		name = "UID SEARCH"
	}
	return collect(ctx, c, client.Spec{
		Name: name, Args: args, States: []client.State{client.StateSelected},
		UsesSeqNums: !uid || search.UsesSeqNums(), NoExpunge: !uid,
	})
}

func collect(ctx context.Context, c *client.Conn, spec client.Spec) (*Result, error) {
	spec.Claim = func(r *wire.Response) bool {
		if r.Kind == wire.DataResponse {
			switch r.Name {
			case "SORT", "SEARCH":
				return true
			case "ESEARCH":
				// Ours names our tag and reached us before any Claim
				// ran; one naming another tag is an update of an
				// earlier context (RFC 5267 §4.3), not ours.
				d, ok := r.Data.(*wire.ESearchData)
				return ok && d.Tag == ""
			}
			return false
		}
		// An untagged NO [NOUPDATE "tag"] while the command runs (RFC
		// 5267 §4.2).
		return r.Kind == wire.StatusResponse && extutil.CodeName(r) == "NOUPDATE"
	}
	cmd, err := c.Start(ctx, spec)
	if err != nil {
		return nil, err
	}
	res := &Result{Tag: cmd.Tag()}
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return res, err
		}
		switch d := r.Data.(type) {
		case *wire.ESearchData:
			res.fill(d)
		case *wire.SearchData: // a server that ignored RETURN
			res.All = append(res.All, d.Nums...)
			for _, n := range d.Nums {
				res.AllSet.Add(n)
			}
			res.Has |= wire.ESearchAll
		default:
			if r.Kind == wire.StatusResponse {
				if tag := noUpdateTag(r.Code); tag == "" || tag == res.Tag {
					res.NoUpdate = true
				}
			}
		}
	}
	return res, nil
}

func noUpdateTag(code *wire.Code) string {
	if code == nil {
		return ""
	}
	if s, ok := code.Data.(string); ok {
		return s
	}
	if len(code.Args) == 1 {
		return strings.Trim(code.Args[0].Text(), `"`)
	}
	return ""
}

func (res *Result) fill(d *wire.ESearchData) {
	res.ESearch = d
	res.UID = d.UID
	res.Has = d.Has
	res.Min, res.Max, res.Count, res.ModSeq = d.Min, d.Max, d.Count, d.ModSeq
	if d.Has&wire.ESearchAll != 0 {
		res.AllSet = d.All
		res.All = esearch.AllOf(d)
	}
	if p, ok := partial.Of(d); ok {
		res.Partial = p
	}
}

// Change is one context-position and sequence-set pair of ADDTO or
// REMOVEFROM (RFC 5267 §4.3): the messages added at (or removed from)
// Position of a sorted result; 0 for an unsorted SEARCH result.
type Change struct {
	Position uint32
	Set      seqset.Set
	// Nums are the numbers of Set in the order sent.
	Nums []uint32
}

// Update is an ESEARCH update of a context (RFC 5267 §4.3).
type Update struct {
	// Tag names the context: the tag of the command that asked UPDATE.
	Tag        string
	UID        bool
	AddTo      []Change
	RemoveFrom []Change
}

// UpdateOf returns the ADDTO and REMOVEFROM data of an ESEARCH response,
// false when it has none.
func UpdateOf(resp *wire.Response) (*Update, bool) {
	if resp == nil {
		return nil, false
	}
	d, ok := resp.Data.(*wire.ESearchData)
	if !ok {
		return nil, false
	}
	u := &Update{Tag: d.Tag, UID: d.UID}
	for i := 0; i+1 < len(d.Extensions); i += 2 {
		name := strings.ToUpper(d.Extensions[i].Text())
		if name != "ADDTO" && name != "REMOVEFROM" {
			continue
		}
		ch, err := changes(d.Extensions[i+1])
		if err != nil {
			return nil, false
		}
		if name == "ADDTO" {
			u.AddTo = append(u.AddTo, ch...)
		} else {
			u.RemoveFrom = append(u.RemoveFrom, ch...)
		}
	}
	if u.AddTo == nil && u.RemoveFrom == nil {
		return nil, false
	}
	return u, true
}

// changes reads "(" context-position SP sequence-set *(SP
// context-position SP sequence-set) ")" (RFC 5267 §5) from its generic
// tree.
func changes(v wire.Value) ([]Change, error) {
	if v.Kind != wire.KindList || len(v.List) == 0 || len(v.List)%2 != 0 {
		return nil, errors.New("esort: ADDTO/REMOVEFROM: want (position set ...)")
	}
	out := make([]Change, 0, len(v.List)/2)
	for i := 0; i < len(v.List); i += 2 {
		pos, set := v.List[i], v.List[i+1]
		if pos.Kind != wire.KindNumber || pos.Num > 1<<32-1 {
			return nil, fmt.Errorf("esort: context-position %v", pos)
		}
		if set.Kind != wire.KindNumber && set.Kind != wire.KindAtom {
			return nil, fmt.Errorf("esort: sequence-set %v", set)
		}
		s, err := seqset.Parse(set.Text())
		if err != nil {
			return nil, err
		}
		out = append(out, Change{Position: uint32(pos.Num), Set: s, Nums: esearch.Ordered(set.Text())})
	}
	return out, nil
}

// CancelUpdate ends the updates of the contexts named by tags, the tags
// of the commands that asked for UPDATE (RFC 5267 §4.5): CANCELUPDATE
// "tag"... It needs CONTEXT=SEARCH or CONTEXT=SORT.
func CancelUpdate(ctx context.Context, c *client.Conn, tags ...string) error {
	if len(tags) == 0 {
		return errors.New("esort: CANCELUPDATE needs at least one tag")
	}
	if err := extutil.Require(ctx, c, "esort", "CONTEXT=SEARCH", "CONTEXT=SORT"); err != nil {
		return err
	}
	args := make([]wire.Value, len(tags))
	for i, t := range tags {
		args[i] = wire.Quoted(t) // 1*(SP quoted) (RFC 5267 §5)
	}
	_, _, err := run.Collect(ctx, c, client.Spec{Name: "CANCELUPDATE", Args: args, States: []client.State{client.StateSelected}})
	return err
}
