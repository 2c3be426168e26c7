package codec

import (
	"strings"
	"time"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// SearchCommand is [UID] SEARCH (RFC 9051 §6.4.4), with the return
// options of ESEARCH (RFC 4731, RFC 9051) and a typed tree of search
// keys.
type SearchCommand struct {
	UID bool
	// Return holds the search-return-opts; HasReturn says RETURN was
	// given (RETURN () asks for ALL).
	Return    []SearchReturnOption
	HasReturn bool
	// Charset is the CHARSET argument, "" when absent.
	Charset string
	// Keys are the search keys, all of which must match (an AND).
	Keys []SearchKey
}

// SearchReturnOption is one search-return-opt: MIN, MAX, ALL, COUNT,
// SAVE, or an extension's option with an optional value (PARTIAL 1:100
// of RFC 9394).
type SearchReturnOption struct {
	Name     string
	Value    wire.Value
	HasValue bool
}

// SearchKey is one search-key (RFC 9051 §9, RFC 3501 §6.4.4), as a tree.
// Name is the upper-cased key, and the fields it uses hold its
// arguments:
//
//	ALL ANSWERED DELETED DRAFT FLAGGED SEEN UNANSWERED UNDELETED
//	UNDRAFT UNFLAGGED UNSEEN NEW OLD RECENT UNRECENT  (none)
//	BCC BODY CC FROM SUBJECT TEXT TO                  Str
//	KEYWORD UNKEYWORD                                 Str (a flag-keyword)
//	HEADER                                            Str (field name), Str2 (value)
//	BEFORE ON SINCE SENTBEFORE SENTON SENTSINCE       Date (UTC)
//	LARGER SMALLER                                    Num
//	OLDER YOUNGER (RFC 5032)                          Num
//	UID                                               Set
//	SEQ (a bare sequence-set)                         Set
//	NOT                                               Keys (one)
//	OR                                                Keys (two)
//	AND (a parenthesized list)                        Keys
//	MODSEQ (RFC 7162 §3.1.5)                          Num; Str and Str2 the entry name and type (Str2 "" without them)
//	EMAILID THREADID (RFC 8474)                       Str
type SearchKey struct {
	Name string
	Str  string
	Str2 string
	Date time.Time
	Num  uint64
	Set  seqset.Set
	Keys []SearchKey
}

// search key arities.
const (
	skNone = iota
	skAString
	skKeyword
	skHeader
	skDate
	skNumber64
	skNZNumber
	skSet
	skNot
	skOr
	skModSeq
	skAtom
)

var searchKeys = map[string]uint8{
	"ALL": skNone, "ANSWERED": skNone, "DELETED": skNone, "DRAFT": skNone, "FLAGGED": skNone,
	"SEEN": skNone, "UNANSWERED": skNone, "UNDELETED": skNone, "UNDRAFT": skNone,
	"UNFLAGGED": skNone, "UNSEEN": skNone, "NEW": skNone, "OLD": skNone, "RECENT": skNone,
	"UNRECENT": skNone,
	"BCC":      skAString, "BODY": skAString, "CC": skAString, "FROM": skAString,
	"SUBJECT": skAString, "TEXT": skAString, "TO": skAString,
	"KEYWORD": skKeyword, "UNKEYWORD": skKeyword,
	"HEADER": skHeader,
	"BEFORE": skDate, "ON": skDate, "SINCE": skDate, "SENTBEFORE": skDate, "SENTON": skDate,
	"SENTSINCE": skDate,
	"LARGER":    skNumber64, "SMALLER": skNumber64,
	"OLDER": skNZNumber, "YOUNGER": skNZNumber,
	"UID": skSet,
	"NOT": skNot, "OR": skOr,
	"MODSEQ":  skModSeq,
	"EMAILID": skAtom, "THREADID": skAtom,
}

// maxSearchDepth bounds the nesting of search keys a parser follows.
const maxSearchDepth = 100

// ParseSearch parses [UID] SEARCH: [search-return-opts SP]
// ["CHARSET" SP charset SP] search-key *(SP search-key).
func ParseSearch(cmd *wire.Command) (*SearchCommand, error) {
	r := newArgReader(cmd, false)
	c := &SearchCommand{UID: isUID(cmd.Name)}
	if r.peekAtom("RETURN") && r.i+1 < len(r.args) && r.args[r.i+1].Kind == wire.KindList {
		r.i++
		opts, _ := r.list("search-return-opts")
		c.HasReturn = true
		for i := 0; i < len(opts); i++ {
			if opts[i].Kind != wire.KindAtom {
				r.i--
				return nil, r.fail("search-return-opt")
			}
			o := SearchReturnOption{Name: strings.ToUpper(opts[i].Str)}
			switch o.Name {
			case "MIN", "MAX", "ALL", "COUNT", "SAVE":
			default:
				// search-ret-opt-ext = search-modifier-name [SP
				// search-mod-params]: a value that is not an option name.
				if i+1 < len(opts) && !isOptionName(&opts[i+1]) {
					i++
					o.Value, o.HasValue = opts[i], true
				}
			}
			c.Return = append(c.Return, o)
		}
	}
	if r.peekAtom("CHARSET") {
		r.i++
		v, err := r.next("charset")
		if err != nil {
			return nil, err
		}
		s, ok := valueText(v)
		if !ok || v.Kind == wire.KindNumber {
			r.i--
			return nil, r.fail("charset")
		}
		c.Charset = s
	}
	if !r.more() {
		return nil, r.fail("search-key")
	}
	for r.more() {
		k, err := r.searchKey(0)
		if err != nil {
			return nil, err
		}
		c.Keys = append(c.Keys, k)
	}
	return c, nil
}

// isOptionName reports whether v is an atom of letters, digits and "-"
// that starts with a letter: the name of another return option.
func isOptionName(v *wire.Value) bool {
	if v.Kind != wire.KindAtom || v.Str == "" {
		return false
	}
	for i := 0; i < len(v.Str); i++ {
		c := v.Str[i] | 0x20
		if !(c >= 'a' && c <= 'z') && !(i > 0 && (v.Str[i] == '-' || ('0' <= v.Str[i] && v.Str[i] <= '9'))) {
			return false
		}
	}
	return true
}

// searchKey reads one search key.
func (r *argReader) searchKey(depth int) (SearchKey, error) {
	var k SearchKey
	if depth >= maxSearchDepth {
		return k, r.fail("search-key (nested too deep)")
	}
	v, err := r.next("search-key")
	if err != nil {
		return k, err
	}
	switch v.Kind {
	case wire.KindList:
		if len(v.List) == 0 {
			r.i--
			return k, r.fail("search-key")
		}
		sub := &argReader{cmd: r.cmd, args: v.List, utf8: r.utf8}
		k.Name = "AND"
		for sub.more() {
			c, err := sub.searchKey(depth + 1)
			if err != nil {
				// Report the argument of the list.
				return k, &CommandError{Command: r.cmd, Arg: r.i, Expected: err.(*CommandError).Expected}
			}
			k.Keys = append(k.Keys, c)
		}
		return k, nil
	case wire.KindNumber:
		r.i--
		k.Name = "SEQ"
		k.Set, err = r.seqSet("sequence-set")
		return k, err
	case wire.KindAtom:
	default:
		r.i--
		return k, r.fail("search-key")
	}
	name := strings.ToUpper(v.Str)
	arity, ok := searchKeys[name]
	if !ok {
		r.i--
		if set, err := seqset.Parse(v.Str); err == nil {
			r.i++
			return SearchKey{Name: "SEQ", Set: set}, nil
		}
		return k, r.fail("search-key")
	}
	k.Name = name
	switch arity {
	case skAString:
		k.Str, err = r.astring("astring")
	case skKeyword:
		var a *wire.Value
		if a, err = r.next("flag-keyword"); err == nil {
			if a.Kind != wire.KindAtom || !isAtom(a.Str) {
				r.i--
				err = r.fail("flag-keyword")
			}
			k.Str = a.Str
		}
	case skHeader:
		if k.Str, err = r.astring("header-fld-name"); err == nil {
			k.Str2, err = r.astring("astring")
		}
	case skDate:
		k.Date, err = r.date()
	case skNumber64:
		k.Num, err = r.number(1<<63-1, "number64")
	case skNZNumber:
		k.Num, err = r.number(0xffffffff, "nz-number")
		if err == nil && k.Num == 0 {
			r.i--
			err = r.fail("nz-number")
		}
	case skSet:
		k.Set, err = r.seqSet("sequence-set")
	case skNot:
		var c SearchKey
		c, err = r.searchKey(depth + 1)
		k.Keys = []SearchKey{c}
	case skOr:
		var a, b SearchKey
		if a, err = r.searchKey(depth + 1); err == nil {
			b, err = r.searchKey(depth + 1)
		}
		k.Keys = []SearchKey{a, b}
	case skModSeq:
		// "MODSEQ" [search-modsequence-ext] SP mod-sequence-valzer, with
		// search-modsequence-ext = SP entry-name SP entry-type-req.
		if a := r.peek(); a != nil && a.Kind == wire.KindString {
			r.i++
			k.Str = a.Str
			var t string
			if t, err = r.atom("entry-type-req"); err == nil {
				switch strings.ToLower(t) {
				case "priv", "shared", "all":
					k.Str2 = strings.ToLower(t)
				default:
					r.i--
					err = r.fail("entry-type-req")
				}
			}
		}
		if err == nil {
			k.Num, err = r.number(1<<63-1, "mod-sequence-valzer")
		}
	case skAtom:
		var a *wire.Value
		if a, err = r.next("objectid"); err == nil {
			if a.Kind != wire.KindAtom {
				r.i--
				err = r.fail("objectid")
			}
			k.Str = a.Str
		}
	}
	return k, err
}

// Command returns c as a command with the given tag.
func (c *SearchCommand) Command(tag string) (*wire.Command, error) {
	cmd := &wire.Command{Tag: tag, Name: uidPrefix(c.UID) + "SEARCH"}
	if c.HasReturn || len(c.Return) > 0 {
		var opts []wire.Value
		for _, o := range c.Return {
			opts = append(opts, wire.Atom(o.Name))
			if o.HasValue {
				opts = append(opts, o.Value)
			}
		}
		cmd.Args = append(cmd.Args, wire.Atom("RETURN"), wire.List(opts...))
	}
	if c.Charset != "" {
		cmd.Args = append(cmd.Args, wire.Atom("CHARSET"), wire.String(c.Charset))
	}
	if len(c.Keys) == 0 {
		return nil, &EncodeError{Command: cmd.Name, Field: "keys", Err: ErrInvalidAtom}
	}
	for i := range c.Keys {
		var err error
		if cmd.Args, err = c.Keys[i].appendArgs(cmd.Args, 0); err != nil {
			return nil, &EncodeError{Command: cmd.Name, Field: "keys", Err: err}
		}
	}
	return cmd, nil
}

// appendArgs appends k as command arguments.
func (k *SearchKey) appendArgs(dst []wire.Value, depth int) ([]wire.Value, error) {
	if depth >= maxSearchDepth {
		return nil, errArgTooDeep
	}
	switch k.Name {
	case "AND":
		var l []wire.Value
		for i := range k.Keys {
			var err error
			if l, err = k.Keys[i].appendArgs(l, depth+1); err != nil {
				return nil, err
			}
		}
		if len(l) == 0 {
			return nil, ErrInvalidAtom
		}
		return append(dst, wire.List(l...)), nil
	case "SEQ":
		return append(dst, SeqSet(k.Set)), nil
	}
	arity, ok := searchKeys[k.Name]
	if !ok {
		return nil, ErrInvalidAtom
	}
	dst = append(dst, wire.Atom(k.Name))
	switch arity {
	case skAString:
		dst = append(dst, wire.String(k.Str))
	case skKeyword, skAtom:
		dst = append(dst, wire.Atom(k.Str))
	case skHeader:
		dst = append(dst, wire.String(k.Str), wire.String(k.Str2))
	case skDate:
		dst = append(dst, Date(k.Date))
	case skNumber64, skNZNumber:
		dst = append(dst, wire.Number(k.Num))
	case skSet:
		dst = append(dst, SeqSet(k.Set))
	case skNot, skOr:
		want := 1
		if arity == skOr {
			want = 2
		}
		if len(k.Keys) != want {
			return nil, ErrInvalidAtom
		}
		for i := range k.Keys {
			var err error
			if dst, err = k.Keys[i].appendArgs(dst, depth+1); err != nil {
				return nil, err
			}
		}
	case skModSeq:
		if k.Str2 != "" { // the entry type is there when the entry is
			dst = append(dst, wire.Quoted(k.Str), wire.Atom(k.Str2))
		}
		dst = append(dst, wire.Number(k.Num))
	}
	return dst, nil
}
