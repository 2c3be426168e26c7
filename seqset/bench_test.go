package seqset

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

const benchRanges = 100_000

// benchInput returns a sequence set of benchRanges ranges "10k+1:10k+5",
// in increasing order or shuffled.
func benchInput(shuffled bool) string {
	parts := make([]string, benchRanges)
	for k := range parts {
		parts[k] = strconv.Itoa(10*k+1) + ":" + strconv.Itoa(10*k+5)
	}
	if shuffled {
		r := rand.New(rand.NewPCG(4, 5))
		r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	}
	return strings.Join(parts, ",")
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name     string
		shuffled bool
	}{{"sorted", false}, {"shuffled", true}} {
		in := benchInput(bc.shuffled)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				s, err := Parse(in)
				if err != nil || len(s.ranges) != benchRanges {
					b.Fatalf("Parse: %d ranges, %v", len(s.ranges), err)
				}
			}
		})
	}
}

func BenchmarkString(b *testing.B) {
	s := MustParse(benchInput(false))
	b.ReportAllocs()
	b.SetBytes(int64(s.formatLen()))
	for b.Loop() {
		_ = s.String()
	}
}

func BenchmarkAppendString(b *testing.B) {
	s := MustParse(benchInput(false))
	buf := make([]byte, 0, s.formatLen())
	b.ReportAllocs()
	b.SetBytes(int64(s.formatLen()))
	for b.Loop() {
		buf = s.AppendString(buf[:0])
	}
}

func BenchmarkUnion(b *testing.B) {
	x := MustParse(benchInput(false))
	var y Set // interleaved with x: every range of y touches one of x
	for k := range uint32(benchRanges) {
		y.AddRange(10*k+6, 10*k+7)
	}
	b.ReportAllocs()
	for b.Loop() {
		if u := x.Union(y); len(u.ranges) != benchRanges {
			b.Fatalf("Union: %d ranges", len(u.ranges))
		}
	}
}

func BenchmarkDifference(b *testing.B) {
	x := MustParse(benchInput(false))
	y := MustParse("3:*").Resolve(10 * benchRanges)
	b.ReportAllocs()
	for b.Loop() {
		_ = x.Difference(y)
	}
}

func BenchmarkContains(b *testing.B) {
	s := MustParse(benchInput(false))
	b.ReportAllocs()
	n := uint32(0)
	for b.Loop() {
		n = (n + 7919) % (10 * benchRanges)
		_ = s.Contains(n + 1)
	}
}

func BenchmarkAddIncreasing(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var s Set
		for k := range uint32(benchRanges) {
			s.AddRange(10*k+1, 10*k+5)
		}
	}
}
