package client

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// SearchCriteria is a SEARCH key tree (RFC 9051 §6.4.4). Every field that
// is set must match (AND); Not and Or combine sub-trees.
type SearchCriteria struct {
	// SeqNum and UID restrict to message sequence numbers and UIDs.
	SeqNum *seqset.Set
	UID    *seqset.Set

	// Since, Before and On compare the internal date; SentSince,
	// SentBefore and SentOn the Date header (date only, RFC 9051 §6.4.4).
	Since, Before, On             time.Time
	SentSince, SentBefore, SentOn time.Time

	// Substrings of the address and subject fields (FROM, TO, CC, BCC,
	// SUBJECT), of any header field (HEADER name value), of the body and
	// of the whole text (RFC 9051 §6.4.4). Each string is one key.
	From, To, Cc, Bcc, Subject []string
	Header                     []SearchHeader
	Body                       []string
	Text                       []string

	// Flag and NotFlag match flags set and not set (KEYWORD/UNKEYWORD for
	// keywords).
	Flag    []string
	NotFlag []string

	// Larger and Smaller compare RFC822.SIZE; zero is unset.
	Larger, Smaller int64

	Not []SearchCriteria
	Or  [][2]SearchCriteria

	// Keys are further keys as extensions spell them (e.g. MODSEQ n,
	// OLDER n, X-GM-RAW "..."), appended as they are.
	Keys []wire.Value
}

// SearchHeader is a HEADER field-name string key.
type SearchHeader struct {
	Key, Value string
}

const searchDateLayout = "2-Jan-2006"

func searchDate(t time.Time) wire.Value { return wire.Atom(t.Format(searchDateLayout)) }

// Args returns the search keys of c as SEARCH sends them (ALL when c sets
// nothing, or c is nil), for extension commands that take search keys
// (SORT, THREAD, ESORT, MULTISEARCH). nonASCII reports a string that is
// not ASCII: the command then needs CHARSET UTF-8 unless UTF8=ACCEPT is
// enabled.
func (c *SearchCriteria) Args() (keys []wire.Value, nonASCII bool) {
	if c != nil {
		keys = c.args(nil, &nonASCII)
	}
	if len(keys) == 0 {
		keys = []wire.Value{wire.Atom("ALL")}
	}
	return keys, nonASCII
}

// args appends the keys of c; nonASCII reports whether a string needs a
// charset.
func (c *SearchCriteria) args(out []wire.Value, nonASCII *bool) []wire.Value {
	str := func(s string) wire.Value {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				*nonASCII = true
				break
			}
		}
		return wire.String(s)
	}
	if c.SeqNum != nil {
		out = append(out, wire.Raw(c.SeqNum.String()))
	}
	if c.UID != nil {
		out = append(out, wire.Atom("UID"), wire.Raw(c.UID.String()))
	}
	dates := []struct {
		key string
		t   time.Time
	}{{"SINCE", c.Since}, {"BEFORE", c.Before}, {"ON", c.On},
		{"SENTSINCE", c.SentSince}, {"SENTBEFORE", c.SentBefore}, {"SENTON", c.SentOn}}
	for _, d := range dates {
		if !d.t.IsZero() {
			out = append(out, wire.Atom(d.key), searchDate(d.t))
		}
	}
	for _, f := range []struct {
		key  string
		vals []string
	}{{"FROM", c.From}, {"TO", c.To}, {"CC", c.Cc}, {"BCC", c.Bcc}, {"SUBJECT", c.Subject}} {
		for _, v := range f.vals {
			out = append(out, wire.Atom(f.key), str(v))
		}
	}
	for _, h := range c.Header {
		switch k := strings.ToUpper(h.Key); k {
		case "FROM", "TO", "CC", "BCC", "SUBJECT":
			out = append(out, wire.Atom(k), str(h.Value))
		default:
			out = append(out, wire.Atom("HEADER"), str(h.Key), str(h.Value))
		}
	}
	for _, s := range c.Body {
		out = append(out, wire.Atom("BODY"), str(s))
	}
	for _, s := range c.Text {
		out = append(out, wire.Atom("TEXT"), str(s))
	}
	for _, f := range c.Flag {
		out = append(out, flagKey(f, false)...)
	}
	for _, f := range c.NotFlag {
		out = append(out, flagKey(f, true)...)
	}
	if c.Larger > 0 {
		out = append(out, wire.Atom("LARGER"), wire.Number(uint64(c.Larger)))
	}
	if c.Smaller > 0 {
		out = append(out, wire.Atom("SMALLER"), wire.Number(uint64(c.Smaller)))
	}
	for i := range c.Not {
		out = append(out, wire.Atom("NOT"), c.Not[i].group(nonASCII))
	}
	for i := range c.Or {
		out = append(out, wire.Atom("OR"), c.Or[i][0].group(nonASCII), c.Or[i][1].group(nonASCII))
	}
	out = append(out, c.Keys...)
	return out
}

// group returns c as one search key: a parenthesized list, or ALL.
func (c *SearchCriteria) group(nonASCII *bool) wire.Value {
	keys := c.args(nil, nonASCII)
	switch len(keys) {
	case 0:
		return wire.Atom("ALL")
	}
	return wire.List(keys...)
}

func flagKey(flag string, not bool) []wire.Value {
	if strings.HasPrefix(flag, `\`) {
		name := strings.ToUpper(flag[1:])
		switch name {
		case "SEEN", "ANSWERED", "FLAGGED", "DELETED", "DRAFT", "RECENT":
			if not {
				if name == "RECENT" {
					return []wire.Value{wire.Atom("OLD")}
				}
				return []wire.Value{wire.Atom("UN" + name)}
			}
			return []wire.Value{wire.Atom(name)}
		}
	}
	if not {
		return []wire.Value{wire.Atom("UNKEYWORD"), wire.Atom(flag)}
	}
	return []wire.Value{wire.Atom("KEYWORD"), wire.Atom(flag)}
}

// UsesSeqNums reports whether c refers to message sequence numbers (RFC
// 9051 §5.5), at any depth: a SeqNum set, or a key in Keys that looks
// like a sequence set (or "$"). A command that sends c's keys must then
// set Spec.UsesSeqNums, UID forms included.
func (c *SearchCriteria) UsesSeqNums() bool {
	if c == nil {
		return false
	}
	if c.SeqNum != nil {
		return true
	}
	for _, k := range c.Keys {
		if (k.Kind == wire.KindRaw || k.Kind == wire.KindAtom) && looksLikeSet(k.Text()) {
			return true
		}
	}
	for i := range c.Not {
		if c.Not[i].UsesSeqNums() {
			return true
		}
	}
	for i := range c.Or {
		if c.Or[i][0].UsesSeqNums() || c.Or[i][1].UsesSeqNums() {
			return true
		}
	}
	return false
}

func looksLikeSet(s string) bool {
	if s == "" || s == "$" {
		return s == "$"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || c == ':' || c == ',' || c == '*') {
			return false
		}
	}
	return true
}

// SearchOptions are the optional parts of SEARCH.
type SearchOptions struct {
	// Return asks for ESEARCH results (RFC 4731, RFC 9051 §6.4.4): any of
	// MIN, MAX, ALL, COUNT, SAVE.
	Return []string
	// Charset overrides the charset; by default it is UTF-8 when a string
	// is not ASCII (and UTF8=ACCEPT is not enabled), else none.
	Charset string
}

// SearchResult is the result of SEARCH: the plain list of numbers, or the
// ESEARCH data when the server answered with ESEARCH.
type SearchResult struct {
	// Nums are the matching numbers (sequence numbers or UIDs), from a
	// SEARCH response or an ESEARCH ALL.
	Nums []uint32
	// ESearch is the ESEARCH response, nil when the server sent SEARCH.
	ESearch *wire.ESearchData
	// ModSeq is the highest mod-sequence of the matches (RFC 7162 §3.1.5).
	ModSeq uint64
}

// Search searches the selected mailbox (RFC 9051 §6.4.4) and returns
// message sequence numbers.
func (c *Conn) Search(ctx context.Context, criteria *SearchCriteria, opts *SearchOptions) (*SearchResult, error) {
	return c.search(ctx, false, criteria, opts)
}

// UIDSearch is Search returning UIDs (RFC 9051 §6.4.9).
func (c *Conn) UIDSearch(ctx context.Context, criteria *SearchCriteria, opts *SearchOptions) (*SearchResult, error) {
	return c.search(ctx, true, criteria, opts)
}

func (c *Conn) search(ctx context.Context, uid bool, criteria *SearchCriteria, opts *SearchOptions) (*SearchResult, error) {
	if criteria == nil {
		criteria = &SearchCriteria{}
	}
	if opts == nil {
		opts = &SearchOptions{}
	}
	keys, nonASCII := criteria.Args()
	var args []wire.Value
	if len(opts.Return) > 0 {
		args = append(args, wire.Atom("RETURN"), atomList(opts.Return))
	}
	charset := opts.Charset
	if charset == "" && nonASCII && !c.utf8Names() {
		charset = "UTF-8"
	}
	if charset != "" {
		args = append(args, wire.Atom("CHARSET"), wire.Atom(charset))
	}
	args = append(args, keys...)
	name := "SEARCH"
	if uid {
		name = "UID SEARCH"
	}
	cmd, err := c.Start(ctx, Spec{
		Name: name, Args: args, States: selected,
		UsesSeqNums: !uid || criteria.UsesSeqNums(),
		NoExpunge:   !uid,
		// An ESEARCH with a correlator reaches the command of that tag
		// before any Claim runs (see Conn.claimer).
		Claim: claimOnce("SEARCH", "ESEARCH"),
	})
	if err != nil {
		return nil, err
	}
	res := &SearchResult{}
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return res, err
		}
		switch d := r.Data.(type) {
		case *wire.SearchData:
			res.Nums = append(res.Nums, d.Nums...)
			res.ModSeq = max(res.ModSeq, d.ModSeq)
		case *wire.ESearchData:
			res.ESearch = d
			res.ModSeq = d.ModSeq
			// Expand ALL only where that costs what the server sent, not
			// what it claims: 1:4294967295 stays in ESearch.All.
			if d.Has&wire.ESearchAll != 0 && d.All.Count() <= maxExpandedSearch {
				for n := range d.All.All() {
					res.Nums = append(res.Nums, n)
				}
			}
		}
	}
	return res, nil
}

// maxExpandedSearch bounds the numbers an ESEARCH ALL is expanded to in
// SearchResult.Nums.
const maxExpandedSearch = 1 << 22

// formatUint is strconv.FormatUint for uint32.
func formatUint(n uint32) string { return strconv.FormatUint(uint64(n), 10) }
