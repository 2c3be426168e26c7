package seqset

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// SyntaxError reports a string that is not a sequence set
// (RFC 9051 §9 "sequence-set", RFC 5182 §3).
type SyntaxError struct {
	Offset int    // byte offset in Input of the first wrong byte; len(Input) if it ended too early
	Input  string // the string given to Parse
	Reason string // what is wrong, e.g. `empty element`
}

// Error returns a message such as
//
//	seqset: invalid sequence set at offset 2: empty element (near "1,,2")
func (e *SyntaxError) Error() string {
	if e.Input == "" {
		return fmt.Sprintf("seqset: invalid sequence set at offset %d: %s", e.Offset, e.Reason)
	}
	const before, after = 8, 8
	lo, hi := max(e.Offset-before, 0), min(e.Offset+after, len(e.Input))
	near := e.Input[lo:hi]
	if lo > 0 {
		near = "…" + near
	}
	if hi < len(e.Input) {
		near += "…"
	}
	return fmt.Sprintf("seqset: invalid sequence set at offset %d: %s (near %q)", e.Offset, e.Reason, near)
}

// MustParse is like [Parse] but panics on an error. It is meant for sets
// written in the program, not for input.
func MustParse(s string) Set {
	set, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return set
}

// Parse parses a sequence set (RFC 9051 §9 "sequence-set"):
//
//	sequence-set = (seq-number / seq-range) ["," sequence-set] / "$"
//	seq-range    = seq-number ":" seq-number
//	seq-number   = nz-number / "*"
//	nz-number    = digit-nz *DIGIT   ; 1 to 4294967295, no leading zero
//
// Ranges may be written in either order ("5:3" is "3:5", "*:5" is "5:*"),
// and members may overlap and come in any order. No space is allowed
// anywhere. "$" (RFC 5182 §3) is accepted only on its own. The empty
// string is an error. Errors are of type [*SyntaxError].
//
// Parse costs O(n) for members given in increasing order and
// O(n log n) otherwise.
func Parse(s string) (Set, error) {
	if s == "" {
		return Set{}, &SyntaxError{0, s, "empty sequence set"}
	}
	if s[0] == '$' {
		if len(s) > 1 {
			return Set{}, &SyntaxError{1, s, savedAlone}
		}
		return SavedResult(), nil
	}
	rs := make([]Range, 0, strings.Count(s, ",")+1)
	sorted := true
	var (
		set                Set
		hasAnchor          bool
		anchorLo, anchorHi uint32
	)
	for i := 0; ; i++ {
		a, next, err := parseSeqNumber(s, i, "")
		if err != nil {
			return Set{}, err
		}
		i = next
		b, isRange := a, false
		if i < len(s) && s[i] == ':' {
			isRange = true
			b, next, err = parseSeqNumber(s, i+1, ` after ":"`)
			if err != nil {
				return Set{}, err
			}
			i = next
		}
		switch {
		case a == Star && b == Star:
			if set.dyn == dynNone {
				set.dyn = dynStar
			}
		case a == Star || b == Star:
			n := max(a, b)
			if !hasAnchor {
				hasAnchor, anchorLo, anchorHi = true, n, n
			}
			anchorLo, anchorHi = min(anchorLo, n), max(anchorHi, n)
		default:
			r := Range{min(a, b), max(a, b)}
			k := len(rs)
			if k > 0 && r.Start >= rs[k-1].Start && r.Start-1 <= rs[k-1].Stop {
				// Overlaps or touches the last range: merge now, so
				// that sorted input needs no second pass.
				rs[k-1].Stop = max(rs[k-1].Stop, r.Stop)
			} else {
				if k > 0 && r.Start < rs[k-1].Start {
					sorted = false
				}
				rs = append(rs, r)
			}
		}
		if i == len(s) {
			break
		}
		if s[i] != ',' {
			want := `expected ","`
			if !isRange {
				want = `expected "," or ":"`
			}
			if s[i] == '$' {
				return Set{}, &SyntaxError{i, s, savedAlone}
			}
			return Set{}, &SyntaxError{i, s, fmt.Sprintf("unexpected %q, %s", s[i:i+1], want)}
		}
	}
	if !sorted {
		rs = normalize(rs)
	}
	if len(rs) == 0 {
		rs = nil
	} else if len(rs) < cap(rs)/4 {
		rs = slices.Clip(slices.Clone(rs)) // give back what merging saved
	}
	set.ranges = rs
	if hasAnchor {
		if anchorLo < anchorHi {
			set.ranges = addRange(set.ranges, anchorLo, anchorHi)
		}
		set.addStarRange(anchorHi)
	}
	return set, nil
}

const savedAlone = `"$" must stand alone (RFC 5182 §3)`

// parseSeqNumber parses a seq-number (RFC 9051 §9) at s[i:] and returns
// it (Star for "*") and the offset after it. where is added to the
// reason of an error.
func parseSeqNumber(s string, i int, where string) (uint32, int, error) {
	if i == len(s) {
		if where == "" {
			return 0, i, &SyntaxError{i, s, "empty element"}
		}
		return 0, i, &SyntaxError{i, s, `expected nz-number or "*"` + where}
	}
	switch c := s[i]; {
	case c == '*':
		return Star, i + 1, nil
	case '1' <= c && c <= '9':
		var v uint64
		j := i
		for ; j < len(s) && '0' <= s[j] && s[j] <= '9'; j++ {
			v = v*10 + uint64(s[j]-'0')
			if v > math.MaxUint32 {
				return 0, i, &SyntaxError{i, s, "number greater than 4294967295"}
			}
		}
		return uint32(v), j, nil
	case c == '0':
		if i+1 < len(s) && '0' <= s[i+1] && s[i+1] <= '9' {
			return 0, i, &SyntaxError{i, s, "leading zero (nz-number)"}
		}
		return 0, i, &SyntaxError{i, s, "0 is not a valid number (nz-number)"}
	case c == '$':
		return 0, i, &SyntaxError{i, s, savedAlone}
	case c == ',' && where == "":
		return 0, i, &SyntaxError{i, s, "empty element"}
	default:
		return 0, i, &SyntaxError{i, s, fmt.Sprintf(`unexpected %q, expected nz-number or "*"%s`, s[i:i+1], where)}
	}
}

// normalize sorts rs by Start and merges the ranges that overlap or
// touch, in place.
func normalize(rs []Range) []Range {
	slices.SortFunc(rs, func(a, b Range) int { return cmp.Compare(a.Start, b.Start) })
	out := rs[:0]
	for _, r := range rs {
		if k := len(out); k > 0 && r.Start-1 <= out[k-1].Stop {
			out[k-1].Stop = max(out[k-1].Stop, r.Stop)
			continue
		}
		out = append(out, r)
	}
	return out
}
