// Package searchkeys encodes a client.SearchCriteria into search keys for
// the commands that take search criteria besides SEARCH (SORT, THREAD,
// ESORT, MULTISEARCH, CONTEXT updates). The client encodes the criteria
// of its own SEARCH with an unexported method; this package follows the
// same rules (RFC 9051 §6.4.4) on the exported fields only.
package searchkeys

import (
	"strings"
	"unicode/utf8"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/wire"
)

const dateLayout = "2-Jan-2006"

// Keys returns the search keys of c, ALL when c sets nothing; nonASCII
// reports whether a string key holds non-ASCII text (a charset is then
// needed unless UTF-8 is enabled).
func Keys(c *client.SearchCriteria) (keys []wire.Value, nonASCII bool) {
	if c != nil {
		keys = appendKeys(nil, c, &nonASCII)
	}
	if len(keys) == 0 {
		keys = []wire.Value{wire.Atom("ALL")}
	}
	return keys, nonASCII
}

func appendKeys(out []wire.Value, c *client.SearchCriteria, nonASCII *bool) []wire.Value {
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
		ok  bool
		v   string
	}{
		{"SINCE", !c.Since.IsZero(), c.Since.Format(dateLayout)},
		{"BEFORE", !c.Before.IsZero(), c.Before.Format(dateLayout)},
		{"ON", !c.On.IsZero(), c.On.Format(dateLayout)},
		{"SENTSINCE", !c.SentSince.IsZero(), c.SentSince.Format(dateLayout)},
		{"SENTBEFORE", !c.SentBefore.IsZero(), c.SentBefore.Format(dateLayout)},
		{"SENTON", !c.SentOn.IsZero(), c.SentOn.Format(dateLayout)},
	}
	for _, d := range dates {
		if d.ok {
			out = append(out, wire.Atom(d.key), wire.Atom(d.v))
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
		out = append(out, wire.Atom("NOT"), group(&c.Not[i], nonASCII))
	}
	for i := range c.Or {
		out = append(out, wire.Atom("OR"), group(&c.Or[i][0], nonASCII), group(&c.Or[i][1], nonASCII))
	}
	for _, k := range c.Keys {
		if k.Kind == wire.KindString {
			str(k.Str)
		}
		out = append(out, k)
	}
	return out
}

func group(c *client.SearchCriteria, nonASCII *bool) wire.Value {
	keys := appendKeys(nil, c, nonASCII)
	if len(keys) == 0 {
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
// 9051 §5.5): a sequence set, at any depth, or a raw key in Keys that
// looks like one.
func UsesSeqNums(c *client.SearchCriteria) bool {
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
		if UsesSeqNums(&c.Not[i]) {
			return true
		}
	}
	for i := range c.Or {
		if UsesSeqNums(&c.Or[i][0]) || UsesSeqNums(&c.Or[i][1]) {
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
