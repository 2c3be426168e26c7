// Package sort implements the SORT and THREAD extensions (RFC 5256) and
// SORT=DISPLAY (RFC 5957): the server sorts the messages that match
// search criteria, or groups them into conversation threads.
//
// Install registers the parsers of the SORT response (RFC 5256 §4.1,
// with the MODSEQ of RFC 7162 §3.1.5) and of the THREAD response (RFC
// 5256 §4.2), a tree of Thread values whose nesting is bounded by the
// decoder's MaxDepth. Sort and UIDSort run SORT and UID SORT; Threads and
// UIDThreads run THREAD and UID THREAD with any algorithm the server
// lists as THREAD=<algorithm> (Algorithms). Each checks the capability
// first and fails with an error wrapping client.ErrNotSupported, without
// sending anything, when the server lacks it: SORT, SORT=DISPLAY for the
// DISPLAYFROM and DISPLAYTO keys, THREAD=<algorithm>.
//
// The search criteria are a client.SearchCriteria, as for SEARCH. Unlike
// SEARCH, SORT and THREAD always name a charset (RFC 5256 §5,
// "search-criteria = charset 1*(SP search-key)"): US-ASCII when every
// string is ASCII, UTF-8 otherwise or once UTF8=ACCEPT is enabled (RFC
// 6855 §3), or Options.Charset.
//
// ESORT (RFC 5267) is package esort.
//
// The package uses only the exported API of client, codec and wire.
package sort

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/wire"
)

// Key is a sort key (RFC 5256 §3, RFC 5957 §3).
type Key string

// The sort keys of RFC 5256 §3 and RFC 5957 §3.
const (
	Arrival Key = "ARRIVAL" // internal date and time
	Cc      Key = "CC"      // addr-mailbox of the first Cc address
	Date    Key = "DATE"    // sent date, the internal date when there is none
	From    Key = "FROM"    // addr-mailbox of the first From address
	Size    Key = "SIZE"    // RFC822.SIZE
	Subject Key = "SUBJECT" // base subject (RFC 5256 §2.1)
	To      Key = "TO"      // addr-mailbox of the first To address
	// DisplayFrom and DisplayTo sort by the display name of the first
	// address, or its address when it has none (RFC 5957 §3); they need
	// SORT=DISPLAY.
	DisplayFrom Key = "DISPLAYFROM"
	DisplayTo   Key = "DISPLAYTO"
)

// Criterion is one sort-criterion: a key, and whether to reverse it
// (RFC 5256 §5).
type Criterion struct {
	Key     Key
	Reverse bool
}

// By returns the criteria for keys in order, none reversed.
func By(keys ...Key) []Criterion {
	out := make([]Criterion, len(keys))
	for i, k := range keys {
		out[i] = Criterion{Key: k}
	}
	return out
}

// Data is a SORT response (RFC 5256 §4.1): message numbers in sorted
// order, and the highest mod-sequence of the matches when the criteria
// held a MODSEQ key (RFC 7162 §3.1.5).
type Data struct {
	Nums   []uint32
	ModSeq uint64
}

// Thread is one thread-list of a THREAD response (RFC 5256 §4.2, §5):
// Nums are messages each the only child of the one before (the first is
// the root of this thread or sub-thread) and Children are the replies to
// the last of Nums, each a sub-thread. Nums is empty for a parent the
// algorithm inferred but that is not in the mailbox (REFERENCES, RFC 5256
// §4.2 "((3)(5))"): the Children are then siblings.
type Thread struct {
	Nums     []uint32
	Children []Thread
}

// Walk calls fn for each message of t, depth first in the server's
// order, with the number of its parent (0 for a root, or for a child of
// a missing parent) and its depth (0 for a root). It stops when fn
// returns false and reports whether it went through.
func (t *Thread) Walk(fn func(num, parent uint32, depth int) bool) bool {
	return t.walk(0, 0, fn)
}

func (t *Thread) walk(parent uint32, depth int, fn func(num, parent uint32, depth int) bool) bool {
	for _, n := range t.Nums {
		if !fn(n, parent, depth) {
			return false
		}
		parent = n
		depth++
	}
	if len(t.Nums) == 0 && depth > 0 {
		// The children of a missing parent are siblings at its depth.
		depth--
	}
	for i := range t.Children {
		if !t.Children[i].walk(parent, depth, fn) {
			return false
		}
	}
	return true
}

// Messages returns every message number of t, depth first.
func (t *Thread) Messages() []uint32 {
	var out []uint32
	t.Walk(func(n, _ uint32, _ int) bool { out = append(out, n); return true })
	return out
}

// String formats t as the server sends it, e.g. "(3 6 (4 23)(44 7 96))".
func (t *Thread) String() string {
	var b strings.Builder
	t.format(&b)
	return b.String()
}

func (t *Thread) format(b *strings.Builder) {
	b.WriteByte('(')
	for i, n := range t.Nums {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(b, n)
	}
	if len(t.Nums) > 0 && len(t.Children) > 0 {
		b.WriteByte(' ')
	}
	for i := range t.Children {
		t.Children[i].format(b)
	}
	b.WriteByte(')')
}

// Install registers the SORT and THREAD parsers into a connection's
// registry. Use it as a client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the same parsers into a codec registry.
func RegisterCodec(r *codec.Registry) {
	r.Data("SORT", parseSort)
	r.Data("THREAD", parseThread)
	r.EncodeData("SORT", encodeSort)
	r.EncodeData("THREAD", encodeThread)
}

// encodeSort writes a *Data as parseSort reads it.
func encodeSort(w *codec.Writer, r *wire.Response) error {
	d, ok := r.Data.(*Data)
	if !ok {
		return fmt.Errorf("sort: SORT data %T: %w", r.Data, codec.ErrUnsupportedData)
	}
	for _, n := range d.Nums {
		if n == 0 {
			return fmt.Errorf("sort: SORT number 0: %w", codec.ErrInvalidAtom)
		}
		w.SP()
		w.Number(uint64(n))
	}
	if d.ModSeq != 0 {
		w.SP()
		w.List(func() {
			w.Atom("MODSEQ")
			w.SP()
			w.Number(d.ModSeq)
		})
	}
	return nil
}

// encodeThread writes a []Thread as parseThread reads it (RFC 5256 §5).
func encodeThread(w *codec.Writer, r *wire.Response) error {
	th, ok := r.Data.([]Thread)
	if !ok {
		return fmt.Errorf("sort: THREAD data %T: %w", r.Data, codec.ErrUnsupportedData)
	}
	if len(th) == 0 {
		return nil
	}
	var b strings.Builder
	for i := range th {
		if err := th[i].check(0); err != nil {
			return err
		}
		th[i].format(&b)
	}
	w.SP()
	w.Raw(b.String())
	return nil
}

// maxEncodeDepth bounds the nesting encodeThread writes, as the decoder
// bounds what it reads.
const maxEncodeDepth = 1000

// check reports a Thread that has no wire form: a 0 message number, a
// list with neither numbers nor children, or nesting beyond
// maxEncodeDepth.
func (t *Thread) check(depth int) error {
	if depth > maxEncodeDepth {
		return fmt.Errorf("sort: THREAD nested deeper than %d: %w", maxEncodeDepth, codec.ErrUnsupportedData)
	}
	if len(t.Nums) == 0 && len(t.Children) == 0 {
		return fmt.Errorf("sort: empty thread-list: %w", codec.ErrUnsupportedData)
	}
	for _, n := range t.Nums {
		if n == 0 {
			return fmt.Errorf("sort: THREAD number 0: %w", codec.ErrInvalidAtom)
		}
	}
	for i := range t.Children {
		if err := t.Children[i].check(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

// parseSort parses sort-data = "SORT" *(SP nz-number) (RFC 5256 §5),
// with [SP "(" "MODSEQ" SP mod-sequence-value ")"] (RFC 7162 §7).
// Leniently, a trailing space is accepted.
func parseSort(p *codec.Parser, _ *wire.Response) (any, error) {
	d := &Data{}
	for !p.AtEnd() {
		if c, _ := p.PeekByte(); c == '(' {
			p.Expect('(')
			name, err := p.ReadAtom()
			if err != nil {
				return nil, err
			}
			if !strings.EqualFold(name, "MODSEQ") {
				return nil, p.SyntaxError(`"MODSEQ"`)
			}
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
			if d.ModSeq, err = p.ReadNumber64(); err != nil {
				return nil, err
			}
			if err := p.Expect(')'); err != nil {
				return nil, err
			}
			if !p.AtEnd() {
				return nil, p.SyntaxError("end of SORT after MODSEQ")
			}
			break
		}
		n, err := p.ReadNZNumber()
		if err != nil {
			return nil, err
		}
		d.Nums = append(d.Nums, n)
		if p.AtEnd() {
			break
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		if p.AtEnd() && p.Strict() {
			return nil, p.SyntaxError("nz-number")
		}
	}
	return d, nil
}

// parseThread parses thread-data = "THREAD" [SP 1*thread-list] (RFC 5256
// §5) into []Thread.
func parseThread(p *codec.Parser, _ *wire.Response) (any, error) {
	var out []Thread
	for {
		c, ok := p.PeekByte()
		if !ok || c != '(' {
			break
		}
		t, err := readThreadList(p)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if !p.AtEnd() {
		if p.Strict() {
			return nil, p.SyntaxError("thread-list")
		}
		p.ReadSP() // a trailing space
		if !p.AtEnd() {
			return nil, p.SyntaxError("thread-list")
		}
	}
	if out == nil {
		out = []Thread{}
	}
	return out, nil
}

// readThreadList reads thread-list = "(" (thread-members /
// thread-nested) ")", thread-members = nz-number *(SP nz-number) [SP
// thread-nested], thread-nested = 2*thread-list (RFC 5256 §5). Each
// level counts against the decoder's MaxDepth. Leniently, a
// thread-nested of one list is accepted.
func readThreadList(p *codec.Parser) (Thread, error) {
	var t Thread
	if err := p.Enter(); err != nil {
		return t, err
	}
	defer p.Leave()
	if err := p.Expect('('); err != nil {
		return t, err
	}
	if c, _ := p.PeekByte(); c != '(' {
		for {
			n, err := p.ReadNZNumber()
			if err != nil {
				return t, err
			}
			t.Nums = append(t.Nums, n)
			if p.Consume(')') {
				return t, nil
			}
			if err := p.ReadSP(); err != nil {
				return t, err
			}
			if c, _ := p.PeekByte(); c == '(' {
				break
			}
		}
	}
	for {
		c, _ := p.PeekByte()
		if c != '(' {
			break
		}
		child, err := readThreadList(p)
		if err != nil {
			return t, err
		}
		t.Children = append(t.Children, child)
	}
	if len(t.Children) < 2 && p.Strict() {
		return t, p.SyntaxError("thread-nested of 2 or more thread-lists")
	}
	if len(t.Children) == 0 {
		return t, p.SyntaxError("thread-list")
	}
	return t, p.Expect(')')
}

// Options are the optional parts of SORT and THREAD.
type Options struct {
	// Charset of the strings in the search criteria; by default
	// US-ASCII when they are ASCII, else UTF-8 (and UTF-8 once
	// UTF8=ACCEPT is enabled).
	Charset string
}

var selected = []client.State{client.StateSelected}

// charset chooses the charset argument (RFC 5256 §5).
func charset(c *client.Conn, opts *Options, nonASCII bool) string {
	switch {
	case opts != nil && opts.Charset != "":
		return opts.Charset
	case nonASCII || c.Enabled("UTF8=ACCEPT") || c.Enabled("IMAP4REV2"):
		return "UTF-8"
	}
	return "US-ASCII"
}

// SortArgs returns the arguments of SORT after its name: the sort
// criteria, the charset and the search keys, and whether they refer to
// sequence numbers. Package esort builds ESORT on it.
func SortArgs(ctx context.Context, c *client.Conn, criteria []Criterion, search *client.SearchCriteria, opts *Options) ([]wire.Value, bool, error) {
	if len(criteria) == 0 {
		return nil, false, errors.New("sort: SORT needs at least one criterion")
	}
	if err := extutil.Require(ctx, c, "sort", "SORT"); err != nil {
		return nil, false, err
	}
	crit := make([]wire.Value, 0, 2*len(criteria))
	for _, cr := range criteria {
		k := Key(strings.ToUpper(string(cr.Key)))
		switch k {
		case Arrival, Cc, Date, From, Size, Subject, To:
		case DisplayFrom, DisplayTo:
			if err := extutil.Require(ctx, c, "sort", "SORT=DISPLAY"); err != nil {
				return nil, false, err
			}
		default:
			if !run.IsAtom(string(k)) {
				return nil, false, fmt.Errorf("sort: sort key %q is not an atom", cr.Key)
			}
		}
		if cr.Reverse {
			crit = append(crit, wire.Atom("REVERSE"))
		}
		crit = append(crit, wire.Atom(string(k)))
	}
	keys, nonASCII := search.Args()
	args := append([]wire.Value{wire.List(crit...), wire.Atom(charset(c, opts, nonASCII))}, keys...)
	return args, search.UsesSeqNums(), nil
}

// Sort returns the sequence numbers of the messages that match search,
// sorted by criteria (RFC 5256 §3): SORT (criteria) charset keys. A nil
// search matches ALL.
func Sort(ctx context.Context, c *client.Conn, criteria []Criterion, search *client.SearchCriteria, opts *Options) (*Data, error) {
	return sortCmd(ctx, c, false, criteria, search, opts)
}

// UIDSort is Sort returning UIDs (RFC 5256 §3, UID SORT).
func UIDSort(ctx context.Context, c *client.Conn, criteria []Criterion, search *client.SearchCriteria, opts *Options) (*Data, error) {
	return sortCmd(ctx, c, true, criteria, search, opts)
}

func sortCmd(ctx context.Context, c *client.Conn, uid bool, criteria []Criterion, search *client.SearchCriteria, opts *Options) (*Data, error) {
	args, seq, err := SortArgs(ctx, c, criteria, search, opts)
	if err != nil {
		return nil, err
	}
	name := "SORT"
	if uid {
		name = "UID SORT"
	}
	resps, _, err := run.Collect(ctx, c, client.Spec{
		Name: name, Args: args, States: selected,
		// Like SEARCH (RFC 9051 §5.5).
		UsesSeqNums: !uid || seq,
		NoExpunge:   !uid,
		Claim:       run.Data("SORT"),
	})
	if err != nil {
		return nil, err
	}
	ds, err := run.Typed[*Data]("sort", "", resps)
	if err != nil {
		return nil, err
	}
	out := &Data{}
	for _, d := range ds {
		out.Nums = append(out.Nums, d.Nums...)
		out.ModSeq = max(out.ModSeq, d.ModSeq)
	}
	return out, nil
}

// The threading algorithms of RFC 5256 §3 and the REFS algorithm of
// draft-ietf-morg-inthread (offered by Dovecot).
const (
	OrderedSubject = "ORDEREDSUBJECT"
	References     = "REFERENCES"
	Refs           = "REFS"
)

// Algorithms returns the threading algorithms the server offers, from its
// THREAD=<algorithm> capabilities (RFC 5256 §3).
func Algorithms(ctx context.Context, c *client.Conn) ([]string, error) {
	out, err := run.CapValues(ctx, c, "THREAD=")
	for i := range out {
		out[i] = strings.ToUpper(out[i])
	}
	return out, err
}

// Threads returns the messages that match search grouped into threads by
// the algorithm alg (RFC 5256 §3): THREAD alg charset keys, with message
// sequence numbers. A nil search matches ALL.
func Threads(ctx context.Context, c *client.Conn, alg string, search *client.SearchCriteria, opts *Options) ([]Thread, error) {
	return threadCmd(ctx, c, false, alg, search, opts)
}

// UIDThreads is Threads with UIDs (RFC 5256 §3, UID THREAD).
func UIDThreads(ctx context.Context, c *client.Conn, alg string, search *client.SearchCriteria, opts *Options) ([]Thread, error) {
	return threadCmd(ctx, c, true, alg, search, opts)
}

func threadCmd(ctx context.Context, c *client.Conn, uid bool, alg string, search *client.SearchCriteria, opts *Options) ([]Thread, error) {
	alg = strings.ToUpper(alg)
	if !run.IsAtom(alg) {
		return nil, fmt.Errorf("sort: threading algorithm %q is not an atom", alg)
	}
	if err := extutil.Require(ctx, c, "sort", "THREAD="+alg); err != nil {
		return nil, err
	}
	keys, nonASCII := search.Args()
	args := append([]wire.Value{wire.Atom(alg), wire.Atom(charset(c, opts, nonASCII))}, keys...)
	name := "THREAD"
	if uid {
		name = "UID THREAD"
	}
	resps, _, err := run.Collect(ctx, c, client.Spec{
		Name: name, Args: args, States: selected,
		UsesSeqNums: !uid || search.UsesSeqNums(),
		NoExpunge:   !uid,
		Claim:       run.Data("THREAD"),
	})
	if err != nil {
		return nil, err
	}
	out := []Thread{}
	for _, r := range resps {
		if r.Data == nil {
			continue // "* THREAD" with no thread: the generic form of none
		}
		d, ok := r.Data.([]Thread)
		if !ok {
			return nil, run.Untyped("sort", r)
		}
		out = append(out, d...)
	}
	return out, nil
}
