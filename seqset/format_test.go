package seqset

import (
	"math"
	"strings"
	"testing"
)

func TestSeqNumberLen(t *testing.T) {
	check := func(n uint32) {
		t.Helper()
		if got, want := seqNumberLen(n), len(appendSeqNumber(nil, n)); got != want {
			t.Errorf("seqNumberLen(%d) = %d; want %d", n, got, want)
		}
	}
	check(Star)
	check(math.MaxUint32)
	for p := uint64(1); p <= math.MaxUint32; p *= 10 {
		for _, n := range []uint64{p - 1, p, p + 1, 2 * p, 9*p + p - 1} {
			if n >= 1 && n <= math.MaxUint32 {
				check(uint32(n))
			}
		}
	}
	for i := range 1 << 20 {
		check(uint32(i))
	}
}

func TestAppendStringAllocs(t *testing.T) {
	s := MustParse("1:5,7,9:20,100:*,4294967295")
	buf := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(100, func() {
		buf = s.AppendString(buf[:0])
	})
	if allocs != 0 || string(buf) != s.String() {
		t.Errorf("AppendString: %v allocations, %q; want 0 and %q", allocs, buf, s.String())
	}
	if got := string(s.AppendString([]byte("UID FETCH "))); got != "UID FETCH 1:5,7,9:20,100:*,4294967295" {
		t.Errorf("AppendString appended %q", got)
	}
	if allocs := testing.AllocsPerRun(100, func() { _ = s.String() }); allocs != 1 {
		t.Errorf("String: %v allocations; want 1", allocs)
	}
}

func TestStringLong(t *testing.T) {
	// Long enough for String to write several chunks.
	var s Set
	var want strings.Builder
	for i := uint32(0); i < 1000; i++ {
		s.AddRange(math.MaxUint32-10*i-3, math.MaxUint32-10*i)
	}
	for i := 999; i >= 0; i-- {
		if i != 999 {
			want.WriteByte(',')
		}
		lo, hi := uint32(math.MaxUint32-10*i-3), uint32(math.MaxUint32-10*i)
		want.WriteString(string(appendRange(nil, Range{lo, hi}, false)))
	}
	if got := s.String(); got != want.String() {
		t.Errorf("String of 1000 ranges differs from the expected text")
	}
	if got := string(s.AppendString(nil)); got != want.String() {
		t.Errorf("AppendString of 1000 ranges differs from the expected text")
	}
}
