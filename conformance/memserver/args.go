package memserver

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// This file is the seam between the codec's command decoder and the
// command handlers: it reads typed arguments out of the generic value
// trees that codec.CommandDecoder returns. SELECT, EXAMINE, STATUS
// and STORE use the codec's typed command parsers (codec.ParseSelect,
// ParseStatus, ParseStore); FETCH, SEARCH, APPEND and LIST still read
// here and can switch to codec.ParseFetch, ParseSearch, ParseAppend and
// ParseList one at a time.

// respError is a command's failure: the tagged NO (or BAD) it gets.
type respError struct {
	bad  bool
	code string
	args []wire.Value
	text string
}

func (e *respError) Error() string { return e.text }

func bad(format string, a ...any) *respError {
	return &respError{bad: true, text: fmt.Sprintf(format, a...)}
}

func no(code, format string, a ...any) *respError {
	return &respError{code: code, text: fmt.Sprintf(format, a...)}
}

// args reads the arguments of one command in order.
type args struct {
	v   []wire.Value
	i   int
	err *respError
}

func (a *args) more() bool { return a.err == nil && a.i < len(a.v) }

func (a *args) fail(format string, x ...any) {
	if a.err == nil {
		a.err = bad(format, x...)
	}
}

// next returns the next value, or fails naming what was expected.
func (a *args) next(what string) wire.Value {
	if a.err != nil {
		return wire.Value{}
	}
	if a.i >= len(a.v) {
		a.fail("missing %s", what)
		return wire.Value{}
	}
	a.i++
	return a.v[a.i-1]
}

// peek returns the next value without consuming it.
func (a *args) peek() (wire.Value, bool) {
	if !a.more() {
		return wire.Value{}, false
	}
	return a.v[a.i], true
}

// astring reads an astring (RFC 9051 §9): atom, number or string.
func (a *args) astring(what string) string {
	v := a.next(what)
	switch v.Kind {
	case wire.KindAtom, wire.KindString, wire.KindNumber:
		return v.Text()
	}
	a.fail("%s: expected a string", what)
	return ""
}

// atom reads an atom, upper-cased.
func (a *args) atom(what string) string {
	v := a.next(what)
	if v.Kind != wire.KindAtom {
		a.fail("%s: expected an atom", what)
		return ""
	}
	return strings.ToUpper(v.Str)
}

// list reads a parenthesized list.
func (a *args) list(what string) []wire.Value {
	v := a.next(what)
	if v.Kind != wire.KindList {
		a.fail("%s: expected a list", what)
		return nil
	}
	return v.List
}

// number reads a number.
func (a *args) number(what string) uint64 {
	v := a.next(what)
	return a.toNumber(v, what)
}

func (a *args) toNumber(v wire.Value, what string) uint64 {
	switch v.Kind {
	case wire.KindNumber:
		return v.Num
	case wire.KindAtom, wire.KindString:
		n, err := strconv.ParseUint(v.Str, 10, 64)
		if err == nil {
			return n
		}
	}
	a.fail("%s: expected a number", what)
	return 0
}

// seqSet reads a sequence set (RFC 9051 §9 "sequence-set").
func (a *args) seqSet(what string) seqset.Set {
	v := a.next(what)
	return a.toSeqSet(v, what)
}

func (a *args) toSeqSet(v wire.Value, what string) seqset.Set {
	if a.err != nil {
		return seqset.Set{}
	}
	var text string
	switch v.Kind {
	case wire.KindNumber:
		text = strconv.FormatUint(v.Num, 10)
	case wire.KindAtom:
		text = v.Str
	default:
		a.fail("%s: expected a sequence set", what)
		return seqset.Set{}
	}
	s, err := seqset.Parse(text)
	if err != nil {
		a.fail("%s: %v", what, err)
	}
	return s
}

// end fails if arguments are left.
func (a *args) end() error {
	if a.err == nil && a.i < len(a.v) {
		a.fail("unexpected argument %s", a.v[a.i].GoString())
	}
	if a.err != nil {
		return a.err
	}
	return nil
}

// isSeqSet reports whether v looks like a sequence set.
func isSeqSet(v wire.Value) bool {
	if v.Kind == wire.KindNumber {
		return v.Num > 0
	}
	if v.Kind != wire.KindAtom || v.Str == "" {
		return false
	}
	for i := 0; i < len(v.Str); i++ {
		c := v.Str[i]
		if !(c >= '0' && c <= '9' || c == ':' || c == ',' || c == '*' || c == '$') {
			return false
		}
	}
	return true
}

// flagList reads flags: a parenthesized list, or (STORE) bare flags.
func flagValues(vs []wire.Value) ([]string, error) {
	var fs []string
	if len(vs) > maxFlags {
		return nil, bad("too many flags")
	}
	for _, v := range vs {
		if v.Kind != wire.KindAtom || v.Str == "" {
			return nil, bad("invalid flag %s", v.GoString())
		}
		f := v.Str
		if strings.HasPrefix(f, `\`) {
			if !isSystemFlag(f) {
				if strings.EqualFold(f, `\Recent`) {
					return nil, bad(`\Recent cannot be set`)
				}
				return nil, bad("unknown system flag %s", f)
			}
			for _, sf := range systemFlags {
				if strings.EqualFold(sf, f) {
					f = sf
				}
			}
		}
		fs, _ = addFlag(fs, f)
	}
	return fs, nil
}

// parseDate reads a search date: d-mon-yyyy (RFC 9051 §9 "date").
func parseDate(s string) (time.Time, error) {
	s = strings.Trim(s, `"`)
	return time.Parse("2-Jan-2006", s)
}

// parseDateTime reads an APPEND date-time (RFC 9051 §9 "date-time").
func parseDateTime(s string) (time.Time, error) {
	return codec.ParseDateTime(s)
}
