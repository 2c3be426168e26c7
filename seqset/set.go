package seqset

import (
	"iter"
	"math"
	"slices"
)

// Star stands for "*", the largest number in use (RFC 9051 §9
// "seq-number"), wherever this package takes or yields a number. It is 0,
// which is never a valid number (RFC 9051 §9 "nz-number").
const Star uint32 = 0

// Range is the inclusive range Start:Stop (RFC 9051 §9 "seq-range").
//
// [Set.Ranges] yields Start <= Stop for a range of numbers, Range{n, Star}
// for "n:*" and Range{Star, Star} for "*".
type Range struct {
	Start, Stop uint32
}

// dynKind says which symbolic member a Set holds, besides its numbers.
type dynKind uint8

const (
	dynNone      dynKind = iota
	dynStar              // bare "*"
	dynStarRange         // "anchor:*"
	dynSaved             // "$", alone
)

// Set is a sequence set or UID set (RFC 9051 §9 "sequence-set"): numbers
// from 1 to 4294967295, optionally "*" or a range "n:*", or else the saved
// search result "$" (RFC 5182). The zero Set is empty and ready to use.
//
// See the package documentation for the meaning of "*" and "$" and for
// copying.
type Set struct {
	// ranges is sorted by Start, each Start <= Stop, and no two ranges
	// overlap or touch (r[i].Stop+1 < r[i+1].Start).
	ranges []Range
	dyn    dynKind
	// anchor is n of "n:*" when dyn is dynStarRange, else 0. It is the
	// highest number of its run in ranges ∪ {anchor}: anchor and anchor+1
	// are never in ranges (anchor-1 may be). Every anchor in a run means
	// the same set, so this choice makes the representation canonical.
	anchor uint32
}

// SavedResult returns the set "$", the result saved by the last
// SEARCH RETURN (SAVE) command (RFC 5182 §2.1, §3 "seq-last-command").
func SavedResult() Set {
	return Set{dyn: dynSaved}
}

// IsSavedResult reports whether s is "$" (RFC 5182 §3).
func (s Set) IsSavedResult() bool {
	return s.dyn == dynSaved
}

// Dynamic reports whether s contains "*" (in any form) or is "$": members
// whose numbers depend on the mailbox (RFC 9051 §9 "seq-number",
// RFC 5182 §3).
func (s Set) Dynamic() bool {
	return s.dyn != dynNone
}

// IsEmpty reports whether s has no members at all: no numbers, no "*", and
// is not "$". The empty set has no IMAP syntax; its String is "".
func (s Set) IsEmpty() bool {
	return len(s.ranges) == 0 && s.dyn == dynNone
}

// Contains reports whether n is in s whatever the value of "*": n is
// listed, or s holds "n:*", which includes n and "*" and all numbers
// between them (RFC 9051 §9 "seq-range"). It is false for numbers that
// only "*" might reach; use [Set.Resolve] first to test those. "$" contains
// no known number.
//
// Contains(Star) reports whether s holds "*", bare or in a range.
// Contains uses binary search: O(log n) for n ranges.
func (s Set) Contains(n uint32) bool {
	if n == Star {
		return s.dyn == dynStar || s.dyn == dynStarRange
	}
	if s.dyn == dynStarRange && n == s.anchor {
		return true
	}
	return containsNum(s.ranges, n)
}

// Count returns how many numbers [Set.Contains] reports, at most
// 4294967295; "*" itself is not counted.
func (s Set) Count() uint64 {
	var c uint64
	for _, r := range s.ranges {
		c += uint64(r.Stop-r.Start) + 1
	}
	if s.dyn == dynStarRange {
		c++
	}
	return c
}

// Equal reports whether s and t are the same set. Because the
// representation is canonical, two sets that are equal for every value of
// "*" are Equal.
func (s Set) Equal(t Set) bool {
	return s.dyn == t.dyn && s.anchor == t.anchor && slices.Equal(s.ranges, t.ranges)
}

// Clone returns a copy of s that shares no storage with it.
func (s Set) Clone() Set {
	s.ranges = slices.Clone(s.ranges)
	return s
}

// All returns an iterator over the numbers [Set.Contains] reports, in
// increasing order. It yields nothing for "*" or "$".
func (s Set) All() iter.Seq[uint32] {
	return func(yield func(uint32) bool) {
		pending := s.dyn == dynStarRange
		for _, r := range s.ranges {
			if pending && s.anchor < r.Start {
				pending = false
				if !yield(s.anchor) {
					return
				}
			}
			for n := r.Start; ; n++ {
				if !yield(n) {
					return
				}
				if n == r.Stop {
					break
				}
			}
		}
		if pending {
			yield(s.anchor)
		}
	}
}

// Ranges returns an iterator over the members of s in the order String
// prints them: ranges of numbers in increasing order with Start <= Stop,
// Range{n, Star} for "n:*" in its place among them, and Range{Star, Star}
// for "*" last. It yields nothing for "$" or the empty set.
//
// Adding every yielded range to an empty Set with AddRange gives s back.
func (s Set) Ranges() iter.Seq[Range] {
	return func(yield func(Range) bool) {
		pending := s.dyn == dynStarRange
		for _, r := range s.ranges {
			if pending && s.anchor < r.Start {
				pending = false
				if !yield(Range{s.anchor, Star}) {
					return
				}
			}
			if !yield(r) {
				return
			}
		}
		switch {
		case pending:
			yield(Range{s.anchor, Star})
		case s.dyn == dynStar:
			yield(Range{Star, Star})
		}
	}
}

// Add adds n to s; Add(Star) adds "*". Adding to a sorted end of s costs
// O(1) amortized, elsewhere O(log n) plus the shift of the ranges after n.
//
// Add panics if s is "$" (RFC 5182 §3: "$" stands alone).
func (s *Set) Add(n uint32) {
	s.AddRange(n, n)
}

// AddRange adds every number between start and stop inclusive, in either
// order, as the range "start:stop" does (RFC 9051 §9 "seq-range").
// Either bound may be Star: AddRange(5, Star) adds "5:*", and
// AddRange(Star, Star) adds "*".
//
// AddRange panics if s is "$" (RFC 5182 §3: "$" stands alone).
func (s *Set) AddRange(start, stop uint32) {
	if s.dyn == dynSaved {
		panic(errCombineSaved)
	}
	switch {
	case start == Star && stop == Star:
		if s.dyn == dynNone {
			s.dyn = dynStar
		}
	case start == Star || stop == Star:
		s.addStarRange(max(start, stop))
	default:
		lo, hi := min(start, stop), max(start, stop)
		s.ranges = addRange(s.ranges, lo, hi)
		if s.dyn == dynStarRange {
			s.fixAnchor() // in case lo:hi reaches the anchor
		}
	}
}

// errCombineSaved is the panic value for adding members to "$".
const errCombineSaved = `seqset: "$" cannot be combined with other members (RFC 5182 §3)`

// addStarRange adds "n:*".
func (s *Set) addStarRange(n uint32) {
	if s.dyn == dynStarRange {
		// "a:*" and "n:*" together are every number between a and n,
		// plus either of them with "*" (see the package documentation).
		lo, hi := min(n, s.anchor), max(n, s.anchor)
		s.ranges = addRange(s.ranges, lo, hi)
		n = hi
	}
	s.dyn = dynStarRange
	s.anchor = n
	s.fixAnchor()
}

// fixAnchor restores the invariant on s.anchor after s.ranges changed
// near it: it moves the anchor to the top of its run.
func (s *Set) fixAnchor() {
	if !containsNum(s.ranges, s.anchor) && (s.anchor == math.MaxUint32 || !containsNum(s.ranges, s.anchor+1)) {
		return // already at the top of its run
	}
	s.ranges = addRange(s.ranges, s.anchor, s.anchor)
	i := search(s.ranges, s.anchor)
	r := &s.ranges[i]
	s.anchor = r.Stop
	if r.Start == r.Stop {
		s.ranges = slices.Delete(s.ranges, i, i+1)
	} else {
		r.Stop--
	}
}

// search returns the index of the first range with Stop >= n, or
// len(rs) if there is none.
func search(rs []Range, n uint32) int {
	lo, hi := 0, len(rs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if rs[m].Stop < n {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// containsNum reports whether a range of rs contains n.
func containsNum(rs []Range, n uint32) bool {
	i := search(rs, n)
	return i < len(rs) && rs[i].Start <= n
}

// addRange adds lo:hi (lo <= hi) to the normalized ranges rs and returns
// the result, merging the ranges it overlaps or touches. It modifies rs in
// place.
func addRange(rs []Range, lo, hi uint32) []Range {
	// Fast path: append past the end, as when building in order.
	if k := len(rs); k == 0 || rs[k-1].Stop < lo-1 {
		return append(rs, Range{lo, hi})
	}
	// First range that overlaps or touches lo:hi (Stop >= lo-1; lo >= 1).
	i := search(rs, lo-1)
	// First range after i that starts beyond hi+1.
	j := i
	for j < len(rs) && uint64(rs[j].Start) <= uint64(hi)+1 {
		j++
	}
	if i == j {
		return slices.Insert(rs, i, Range{lo, hi})
	}
	merged := Range{min(lo, rs[i].Start), max(hi, rs[j-1].Stop)}
	return slices.Replace(rs, i, j, merged)
}
