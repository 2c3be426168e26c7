package codec

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

// This file reads the generic arguments of a decoded command
// (wire.Command.Args, as a CommandDecoder returns them) for the typed
// command parsers of command_typed.go.

// CommandError reports command arguments that do not follow the
// grammar of the command (RFC 9051 §9), as a typed command parser found
// them in the generic arguments. A server answers it with BAD.
type CommandError struct {
	// Command is the command name, e.g. "UID FETCH".
	Command string
	// Arg is the 1-based index of the argument at fault (counted in
	// Args), or len(Args)+1 when one is missing.
	Arg int
	// Expected names what the grammar wanted there.
	Expected string
}

// Error returns a message such as
//
//	codec: FETCH argument 2: expected fetch-att
func (e *CommandError) Error() string {
	return "codec: " + e.Command + " argument " + strconv.Itoa(e.Arg) + ": expected " + e.Expected
}

// argReader walks the arguments of one command.
type argReader struct {
	cmd  string
	args []wire.Value
	i    int
	utf8 bool
}

func newArgReader(cmd *wire.Command, utf8 bool) *argReader {
	return &argReader{cmd: cmd.Name, args: cmd.Args, utf8: utf8}
}

func (r *argReader) fail(expected string) error {
	return &CommandError{Command: r.cmd, Arg: r.i + 1, Expected: expected}
}

func (r *argReader) more() bool { return r.i < len(r.args) }

// peek returns the next argument, or nil at the end.
func (r *argReader) peek() *wire.Value {
	if r.i < len(r.args) {
		return &r.args[r.i]
	}
	return nil
}

func (r *argReader) next(expected string) (*wire.Value, error) {
	if r.i >= len(r.args) {
		return nil, r.fail(expected)
	}
	r.i++
	return &r.args[r.i-1], nil
}

// end fails if arguments are left.
func (r *argReader) end() error {
	if r.more() {
		return r.fail("end of command")
	}
	return nil
}

// peekAtom reports whether the next argument is the atom name (in any
// case).
func (r *argReader) peekAtom(name string) bool {
	v := r.peek()
	return v != nil && v.Kind == wire.KindAtom && strings.EqualFold(v.Str, name)
}

// atom reads an atom and returns it upper-cased.
func (r *argReader) atom(expected string) (string, error) {
	v, err := r.next(expected)
	if err != nil {
		return "", err
	}
	if v.Kind != wire.KindAtom {
		r.i--
		return "", r.fail(expected)
	}
	return strings.ToUpper(v.Str), nil
}

// valueText returns the text of an astring-like value: an atom, a
// number's digits, a string. ok is false for NIL, lists and streamed
// literals.
func valueText(v *wire.Value) (string, bool) {
	switch v.Kind {
	case wire.KindAtom:
		return v.Str, true
	case wire.KindNumber:
		return strconv.FormatUint(v.Num, 10), true
	case wire.KindString:
		return v.Str, !v.Streamed
	}
	return "", false
}

// astring reads an astring (RFC 9051 §9).
func (r *argReader) astring(expected string) (string, error) {
	v, err := r.next(expected)
	if err != nil {
		return "", err
	}
	s, ok := valueText(v)
	if !ok || (v.Kind == wire.KindAtom && !isAStringAtom(s)) {
		r.i--
		return "", r.fail(expected)
	}
	return s, nil
}

// isAStringAtom reports whether s is 1*ASTRING-CHAR.
func isAStringAtom(s string) bool {
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&cAString == 0 {
			return false
		}
	}
	return s != ""
}

// mailbox reads a mailbox name (astring; list-mailbox when list) and
// decodes it from modified UTF-7 unless UTF-8 is on. INBOX in any case is
// INBOX (RFC 9051 §5.1).
func (r *argReader) mailbox(list bool) (string, error) {
	v, err := r.next("mailbox")
	if err != nil {
		return "", err
	}
	s, ok := valueText(v)
	if ok && v.Kind == wire.KindAtom {
		class := uint8(cAString)
		if list {
			class = cList
		}
		for i := 0; i < len(s); i++ {
			if charClass[s[i]]&class == 0 {
				ok = false
			}
		}
	}
	if !ok {
		r.i--
		return "", r.fail("mailbox")
	}
	name, err := decodeMailboxName(s, r.utf8, list)
	if err != nil {
		r.i--
		return "", r.fail("mailbox (" + err.Error() + ")")
	}
	return name, nil
}

func decodeMailboxName(s string, utf8Names, pattern bool) (string, error) {
	if !pattern && strings.EqualFold(s, "INBOX") {
		return "INBOX", nil
	}
	if utf8Names {
		if !utf8.ValidString(s) {
			return "", errInvalidUTF8
		}
		return s, nil
	}
	if strings.IndexByte(s, '&') < 0 {
		return s, nil
	}
	return utf7.Decode(s)
}

// encodeMailbox returns a mailbox argument: INBOX, modified UTF-7 or
// UTF-8. A pattern keeps "INBOX" as given.
func encodeMailbox(name string, utf8Names bool) (wire.Value, error) {
	return Mailbox(name, utf8Names)
}

// seqSet reads a sequence-set (RFC 9051 §9): an atom or a number.
func (r *argReader) seqSet(expected string) (seqset.Set, error) {
	v, err := r.next(expected)
	if err != nil {
		return seqset.Set{}, err
	}
	var s string
	switch v.Kind {
	case wire.KindAtom:
		s = v.Str
	case wire.KindNumber:
		s = strconv.FormatUint(v.Num, 10)
	default:
		r.i--
		return seqset.Set{}, r.fail(expected)
	}
	set, err := seqset.Parse(s)
	if err != nil {
		r.i--
		return seqset.Set{}, r.fail(expected)
	}
	return set, nil
}

// number reads a number no larger than max.
func (r *argReader) number(max uint64, expected string) (uint64, error) {
	v, err := r.next(expected)
	if err != nil {
		return 0, err
	}
	if v.Kind != wire.KindNumber || v.Num > max {
		r.i--
		return 0, r.fail(expected)
	}
	return v.Num, nil
}

// list reads a parenthesized list and returns its members.
func (r *argReader) list(expected string) ([]wire.Value, error) {
	v, err := r.next(expected)
	if err != nil {
		return nil, err
	}
	if v.Kind != wire.KindList {
		r.i--
		return nil, r.fail(expected)
	}
	return v.List, nil
}

// flags returns the members of a flag-list as flags: atoms, optionally
// after "\" (RFC 9051 §9 "flag").
func flagsOf(vs []wire.Value) ([]string, bool) {
	out := make([]string, 0, len(vs))
	for i := range vs {
		f, ok := flagOf(&vs[i])
		if !ok {
			return nil, false
		}
		out = append(out, f)
	}
	return out, true
}

func flagOf(v *wire.Value) (string, bool) {
	if v.Kind != wire.KindAtom {
		return "", false
	}
	s := strings.TrimPrefix(v.Str, `\`)
	if !isAtom(s) {
		return "", false
	}
	return v.Str, true
}

// date reads a search date (RFC 9051 §9 "date": date-text or DQUOTE
// date-text DQUOTE), e.g. 1-Feb-1994, in UTC.
func (r *argReader) date() (time.Time, error) {
	v, err := r.next("date")
	if err != nil {
		return time.Time{}, err
	}
	s, ok := valueText(v)
	if ok {
		var t time.Time
		if t, ok = parseSearchDate(s); ok {
			return t, nil
		}
	}
	r.i--
	return time.Time{}, r.fail("date")
}

// parseSearchDate parses date-text: date-day "-" date-month "-"
// date-year, the month in any case.
func parseSearchDate(s string) (time.Time, bool) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[0]) < 1 || len(parts[0]) > 2 || len(parts[1]) != 3 || len(parts[2]) != 4 {
		return time.Time{}, false
	}
	day, err1 := strconv.Atoi(parts[0])
	year, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || day < 1 || day > 31 {
		return time.Time{}, false
	}
	month := 0
	for i, m := range months {
		if strings.EqualFold(parts[1], m) {
			month = i + 1
		}
	}
	if month == 0 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, false // 31-Feb
	}
	return t, true
}
