// Package esearch holds what packages esort, partial and multisearch
// share about ESEARCH results: the numbers of a sequence-set in the order
// the server wrote them (ESORT returns them in sort order, RFC 5267
// §3.2). The ESEARCH response itself, with its MAILBOX and UIDVALIDITY
// correlator (RFC 7377 §2.1) and ALL in the order sent, is the base
// protocol's wire.ESearchData.
package esearch

import (
	"strconv"
	"strings"

	"github.com/imapkit/imapkit/wire"
)

// MaxOrdered bounds the numbers an ordered ALL is expanded to.
const MaxOrdered = 1 << 22

// AllOf returns the numbers of d's ALL in the order sent, nil when there
// are more than MaxOrdered of them.
func AllOf(d *wire.ESearchData) []uint32 {
	var total uint64
	if d.AllOrder == nil {
		total = d.All.Count()
	} else {
		for _, r := range d.AllOrder {
			total += uint64(max(r.Start, r.Stop)-min(r.Start, r.Stop)) + 1
		}
	}
	if total > MaxOrdered {
		return nil
	}
	out := make([]uint32, 0, total)
	for n := range d.AllInOrder() {
		out = append(out, n)
	}
	return out
}

// Ordered expands a sequence-set text into its numbers in the order
// written; each range runs upwards, 12:10 as 10,11,12 (RFC 5267 §3.2). It
// returns nil when the text is not a set of numbers or holds more than
// MaxOrdered of them.
func Ordered(s string) []uint32 {
	var total uint64
	type rng struct{ a, b uint64 }
	var rs []rng
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		a, err := strconv.ParseUint(lo, 10, 32)
		if err != nil || a == 0 {
			return nil
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(hi, 10, 32); err != nil || b == 0 {
				return nil
			}
		}
		total += max(a, b) - min(a, b) + 1
		if total > MaxOrdered {
			return nil
		}
		rs = append(rs, rng{min(a, b), max(a, b)})
	}
	out := make([]uint32, 0, total)
	for _, r := range rs {
		for n := r.a; n <= r.b; n++ {
			out = append(out, uint32(n))
		}
	}
	return out
}
