package seqset

import (
	"math/bits"
	"strconv"
	"strings"
)

// String returns s in canonical form (RFC 9051 §9 "sequence-set"): members
// in increasing order, merged, ranges written low:high, single numbers
// without a colon, "n:*" in its place among them and "*" last; "$" for the
// saved result (RFC 5182 §3) and "" for the empty set, which has no IMAP
// syntax. For example "1:4,7,10:*".
//
// Parse(s.String()) is Equal to s for every set but the empty one.
func (s Set) String() string {
	if s.IsEmpty() {
		return ""
	}
	var b strings.Builder
	b.Grow(s.formatLen())
	var buf [512]byte // formatted here, written to b in chunks
	p := buf[:0]
	sep := false
	for r := range s.Ranges() {
		if len(p) > len(buf)-maxRangeLen {
			b.Write(p)
			p = buf[:0]
		}
		p = appendRange(p, r, sep)
		sep = true
	}
	if s.dyn == dynSaved {
		p = append(p, '$')
	}
	b.Write(p)
	return b.String()
}

// AppendString appends the canonical form of s, as returned by
// [Set.String], to dst and returns the extended buffer. It does not
// allocate when dst has room.
func (s Set) AppendString(dst []byte) []byte {
	if s.dyn == dynSaved {
		return append(dst, '$')
	}
	sep := false
	for r := range s.Ranges() {
		dst = appendRange(dst, r, sep)
		sep = true
	}
	return dst
}

// maxRangeLen is the longest output of appendRange:
// ",4294967295:4294967295".
const maxRangeLen = 1 + 10 + 1 + 10

// appendRange appends r as a member of a sequence set, preceded by a comma
// if sep is set.
func appendRange(dst []byte, r Range, sep bool) []byte {
	if sep {
		dst = append(dst, ',')
	}
	dst = appendSeqNumber(dst, r.Start)
	if r.Stop != r.Start {
		dst = append(dst, ':')
		dst = appendSeqNumber(dst, r.Stop)
	}
	return dst
}

// appendSeqNumber appends n as a seq-number (RFC 9051 §9): "*" for Star.
func appendSeqNumber(dst []byte, n uint32) []byte {
	if n == Star {
		return append(dst, '*')
	}
	return strconv.AppendUint(dst, uint64(n), 10)
}

// formatLen returns len(s.String()).
func (s Set) formatLen() int {
	if s.dyn == dynSaved {
		return 1
	}
	n := 0
	for r := range s.Ranges() {
		n += 1 + seqNumberLen(r.Start)
		if r.Stop != r.Start {
			n += 1 + seqNumberLen(r.Stop)
		}
	}
	return max(n-1, 0) // no comma before the first member
}

// seqNumberLen returns the length of n formatted by appendSeqNumber.
func seqNumberLen(n uint32) int {
	// 1233/4096 ≈ log10(2): d is the number of digits or one less.
	d := bits.Len32(n) * 1233 >> 12
	if n >= pow10[d] {
		d++
	}
	return max(d, 1)
}

var pow10 = [...]uint32{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}
