package seqset

import (
	"testing"
)

// FuzzSetAlgebra: for any two sets (resolved against a fuzzed largest
// number, so that the laws hold for numbers), Union, Intersect and
// Difference obey the laws of sets, Count agrees with them, membership
// agrees at the edges of every range, and every result formats to a
// canonical string that parses back to itself.
func FuzzSetAlgebra(f *testing.F) {
	for _, s := range [][2]string{
		{"1:5", "3:9"}, {"1,3,5", "2,4,6"}, {"1:4294967295", "7"}, {"5:*", "1:3"},
		{"*", "1"}, {"1:2,4:8,10", "2:4,8:10"}, {"4294967295", "4294967294:4294967295"},
	} {
		f.Add(s[0], s[1], uint32(10))
	}
	f.Fuzz(func(t *testing.T, x, y string, largest uint32) {
		a, err1 := Parse(x)
		b, err2 := Parse(y)
		if err1 != nil || err2 != nil || a.IsSavedResult() || b.IsSavedResult() {
			return
		}
		a, b = a.Resolve(largest), b.Resolve(largest)
		u, i, d := a.Union(b), a.Intersect(b), a.Difference(b)
		if u.Dynamic() || i.Dynamic() || d.Dynamic() {
			t.Fatalf("%q, %q: an operation on static sets is dynamic", x, y)
		}
		if !u.Equal(b.Union(a)) || !i.Equal(b.Intersect(a)) {
			t.Fatalf("%q, %q: Union or Intersect not commutative", x, y)
		}
		if !d.Intersect(b).IsEmpty() {
			t.Fatalf("%q, %q: (a-b) ∩ b = %v", x, y, d.Intersect(b))
		}
		if !d.Union(i).Equal(a) {
			t.Fatalf("%q, %q: (a-b) ∪ (a∩b) = %v; want a = %v", x, y, d.Union(i), a)
		}
		if u.Count() != a.Count()+b.Count()-i.Count() {
			t.Fatalf("%q, %q: |a∪b| = %d; want %d+%d-%d", x, y, u.Count(), a.Count(), b.Count(), i.Count())
		}
		if !u.Difference(a).Equal(b.Difference(a)) {
			t.Fatalf("%q, %q: (a∪b)-a ≠ b-a", x, y)
		}
		// Membership at the edges of every range of a and b.
		for _, s := range []Set{a, b} {
			for r := range s.Ranges() {
				for _, n := range []uint32{r.Start - 1, r.Start, r.Stop, r.Stop + 1} {
					if n == 0 {
						continue
					}
					ina, inb := a.Contains(n), b.Contains(n)
					if u.Contains(n) != (ina || inb) || i.Contains(n) != (ina && inb) || d.Contains(n) != (ina && !inb) {
						t.Fatalf("%q, %q: membership of %d: a %v b %v; ∪ %v ∩ %v - %v", x, y, n, ina, inb, u.Contains(n), i.Contains(n), d.Contains(n))
					}
				}
			}
		}
		for _, s := range []Set{u, i, d} {
			if s.IsEmpty() {
				continue
			}
			str := s.String()
			checkCanonical(t, str)
			back, err := Parse(str)
			if err != nil || !back.Equal(s) {
				t.Fatalf("Parse(%q) = %v, %v", str, back, err)
			}
		}
	})
}
