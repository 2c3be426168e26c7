package seqset

import "slices"

// Union returns the set of members in s or t, "*" included: the result is
// exact for every value of "*" (for example "2:*" ∪ "7:*" is "2:6,7:*").
// It costs O(n+m) for sets of n and m ranges.
//
// "$" ∪ "$" and "$" ∪ the empty set are "$"; Union panics if one of s and t
// is "$" and the other is neither (RFC 5182 §3: "$" stands alone).
func (s Set) Union(t Set) Set {
	if u, ok := unionSaved(s, t); ok {
		return u
	}
	u := Set{ranges: unionRanges(s.ranges, t.ranges)}
	u.addDynamic(s)
	u.addDynamic(t)
	return u
}

// AddSet adds the members of t to s, like s = s.Union(t) but in place:
// O(k log n) plus shifts for a t of k ≤ 4 ranges, O(n+k) otherwise.
//
// AddSet panics if s or t is "$" and the other is neither empty nor "$"
// (RFC 5182 §3).
func (s *Set) AddSet(t Set) {
	if u, ok := unionSaved(*s, t); ok {
		*s = u
		return
	}
	if len(t.ranges) <= 4 {
		for _, r := range t.ranges {
			s.ranges = addRange(s.ranges, r.Start, r.Stop)
		}
	} else {
		s.ranges = unionRanges(s.ranges, t.ranges)
	}
	if s.dyn == dynStarRange {
		s.fixAnchor() // t's ranges may reach the anchor
	}
	s.addDynamic(t)
}

// unionSaved returns the union of s and t when one of them is "$".
func unionSaved(s, t Set) (Set, bool) {
	switch {
	case s.dyn != dynSaved && t.dyn != dynSaved:
		return Set{}, false
	case t.IsEmpty() || t.Equal(s):
		return s.Clone(), true
	case s.IsEmpty():
		return t.Clone(), true
	}
	panic(errCombineSaved)
}

// addDynamic adds the "*" members of t to u.
func (u *Set) addDynamic(t Set) {
	switch t.dyn {
	case dynStar:
		u.AddRange(Star, Star)
	case dynStarRange:
		u.addStarRange(t.anchor)
	}
}

// Intersect returns the set of numbers in both s and t. It sees only the
// numbers [Set.Contains] reports, so the result is never dynamic: resolve
// sets that hold "*" first ([Set.Resolve]) to intersect what "*" stands
// for. It costs O(n+m) for sets of n and m ranges.
func (s Set) Intersect(t Set) Set {
	a, b := s.static(), t.static()
	var out []Range
	for i, j := 0, 0; i < len(a) && j < len(b); {
		lo, hi := max(a[i].Start, b[j].Start), min(a[i].Stop, b[j].Stop)
		if lo <= hi {
			out = append(out, Range{lo, hi})
		}
		if a[i].Stop < b[j].Stop {
			i++
		} else {
			j++
		}
	}
	return Set{ranges: out}
}

// Difference returns the set of numbers in s and not in t. It sees only
// the numbers [Set.Contains] reports, so the result is never dynamic:
// resolve sets that hold "*" first ([Set.Resolve]) to include what "*"
// stands for. It costs O(n+m) for sets of n and m ranges.
func (s Set) Difference(t Set) Set {
	a, b := s.static(), t.static()
	var out []Range
	j := 0
	for _, r := range a {
		// Skip the ranges of b entirely below r.
		for j < len(b) && b[j].Stop < r.Start {
			j++
		}
		lo := r.Start
		k := j
		for ; k < len(b) && b[k].Start <= r.Stop; k++ {
			if b[k].Start > lo {
				out = append(out, Range{lo, b[k].Start - 1})
			}
			if b[k].Stop >= r.Stop {
				lo = 0 // r is used up
				break
			}
			lo = b[k].Stop + 1
		}
		if lo != 0 {
			out = append(out, Range{lo, r.Stop})
		}
		// b[k] may reach into the next range of a: keep it.
		j = k
	}
	return Set{ranges: out}
}

// Resolve returns s with "*" replaced by largest, the largest number in
// use (RFC 9051 §9 "seq-number"): the number of messages for message
// sequence numbers, the highest UID for UID sets (RFC 9051 says UIDNEXT
// when the mailbox is empty). "*" becomes largest and "n:*" becomes every
// number between n and largest, in either order (RFC 3501 §6.4.8: "5:*"
// with largest 3 is 3:5). A largest of 0 (an empty mailbox, which has no
// largest number) drops "*" and keeps the numbers [Set.Contains] reports.
//
// The result is static, except for "$", which Resolve returns unchanged:
// only the server knows its numbers (RFC 5182 §2.1).
func (s Set) Resolve(largest uint32) Set {
	switch {
	case s.dyn == dynSaved:
		return SavedResult()
	case s.dyn == dynNone:
		return Set{ranges: s.cloneRanges(0)}
	case largest == 0:
		return Set{ranges: slices.Clone(s.static())}
	case s.dyn == dynStar:
		return Set{ranges: addRange(s.cloneRanges(1), largest, largest)}
	default: // dynStarRange
		lo, hi := min(s.anchor, largest), max(s.anchor, largest)
		return Set{ranges: addRange(s.cloneRanges(1), lo, hi)}
	}
}

// static returns the ranges of the numbers s.Contains reports: s.ranges
// with the anchor of "n:*" added. The result must not be modified.
func (s Set) static() []Range {
	if s.dyn != dynStarRange {
		return s.ranges
	}
	return addRange(s.cloneRanges(1), s.anchor, s.anchor)
}

// cloneRanges returns a copy of s.ranges with room for extra more, or nil
// if that is empty.
func (s Set) cloneRanges(extra int) []Range {
	if len(s.ranges)+extra == 0 {
		return nil
	}
	return append(make([]Range, 0, len(s.ranges)+extra), s.ranges...)
}

// unionRanges returns the union of the normalized ranges a and b, in a new
// slice.
func unionRanges(a, b []Range) []Range {
	out := make([]Range, 0, len(a)+len(b))
	push := func(r Range) {
		if k := len(out); k > 0 && r.Start-1 <= out[k-1].Stop {
			out[k-1].Stop = max(out[k-1].Stop, r.Stop)
			return
		}
		out = append(out, r)
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i].Start <= b[j].Start {
			push(a[i])
			i++
		} else {
			push(b[j])
			j++
		}
	}
	for ; i < len(a); i++ {
		push(a[i])
	}
	for ; j < len(b); j++ {
		push(b[j])
	}
	return out
}
