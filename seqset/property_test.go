package seqset

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// bitmap is the naive model of a static set: bits[i] says whether
// base+1+i is in it.
type bitmap struct {
	base uint32
	bits []bool
}

func newBitmap(base uint32, size int) bitmap {
	return bitmap{base, make([]bool, size)}
}

func (m bitmap) num(i int) uint32 { return m.base + 1 + uint32(i) }

func (m bitmap) addRange(a, b uint32) {
	for n := min(a, b); ; n++ {
		m.bits[n-m.base-1] = true
		if n == max(a, b) {
			break
		}
	}
}

func (m bitmap) clone() bitmap {
	return bitmap{m.base, slices.Clone(m.bits)}
}

func (m bitmap) op(o bitmap, f func(x, y bool) bool) bitmap {
	r := m.clone()
	for i := range r.bits {
		r.bits[i] = f(m.bits[i], o.bits[i])
	}
	return r
}

func (m bitmap) count() uint64 {
	var c uint64
	for _, b := range m.bits {
		if b {
			c++
		}
	}
	return c
}

func (m bitmap) numbers() []uint32 {
	var ns []uint32
	for i, b := range m.bits {
		if b {
			ns = append(ns, m.num(i))
		}
	}
	return ns
}

// String formats m the way Set.String must, found the slow way: runs of
// set bits.
func (m bitmap) String() string {
	var parts []string
	for i := 0; i < len(m.bits); i++ {
		if !m.bits[i] {
			continue
		}
		j := i
		for j+1 < len(m.bits) && m.bits[j+1] {
			j++
		}
		if i == j {
			parts = append(parts, strconv.FormatUint(uint64(m.num(i)), 10))
		} else {
			parts = append(parts, strconv.FormatUint(uint64(m.num(i)), 10)+":"+strconv.FormatUint(uint64(m.num(j)), 10))
		}
		i = j
	}
	return strings.Join(parts, ",")
}

// set returns m as a Set, built one number at a time.
func (m bitmap) set() Set {
	var s Set
	for _, n := range m.numbers() {
		s.Add(n)
	}
	return s
}

// randomElems returns up to max random members between lo and hi, as
// [2]uint32 pairs written in random order (a single number has a == b).
func randomElems(r *rand.Rand, lo, hi uint32, maxElems int) [][2]uint32 {
	elems := make([][2]uint32, r.IntN(maxElems+1))
	for i := range elems {
		a := lo + r.Uint32N(hi-lo+1)
		b := a
		if r.IntN(2) == 0 {
			// Mostly short ranges, sometimes long ones.
			span := uint32(4)
			if r.IntN(4) == 0 {
				span = hi - lo + 1
			}
			b = uint32(min(max(int64(lo), int64(a)+int64(r.Uint32N(span))-int64(span/2)), int64(hi)))
		}
		elems[i] = [2]uint32{a, b}
	}
	return elems
}

// elemsString writes elems as a sequence-set, "*" sometimes as "*:*".
func elemsString(r *rand.Rand, elems [][2]uint32) string {
	parts := make([]string, len(elems))
	for i, e := range elems {
		parts[i] = string(appendSeqNumber(nil, e[0]))
		if e[0] != e[1] || e[0] == Star && r.IntN(2) == 0 {
			parts[i] += ":" + string(appendSeqNumber(nil, e[1]))
		}
	}
	return strings.Join(parts, ",")
}

// build makes a Set of elems in one of several ways, picked by r.
func build(t *testing.T, r *rand.Rand, elems [][2]uint32) Set {
	t.Helper()
	var s Set
	switch r.IntN(4) {
	case 0: // Parse
		if len(elems) == 0 {
			return s
		}
		if r.IntN(2) == 0 {
			// In increasing order, for the fast path of Parse.
			elems = slices.Clone(elems)
			slices.SortFunc(elems, func(x, y [2]uint32) int {
				return int(int64(min(x[0], x[1])) - int64(min(y[0], y[1])))
			})
		}
		in := elemsString(r, elems)
		p, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q) error: %v", in, err)
		}
		return p
	case 1: // Add and AddRange
		for _, e := range elems {
			if e[0] == e[1] {
				s.Add(e[0])
			} else {
				s.AddRange(e[0], e[1])
			}
		}
	case 2: // AddSet, one member at a time
		for _, e := range elems {
			var one Set
			one.AddRange(e[0], e[1])
			s.AddSet(one)
		}
	case 3: // Union of two halves
		h := len(elems) / 2
		return build(t, r, elems[:h]).Union(build(t, r, elems[h:]))
	}
	return s
}

// checkStatic compares s with its model m.
func checkStatic(t *testing.T, what string, s Set, m bitmap) {
	t.Helper()
	if got, want := s.String(), m.String(); got != want {
		t.Fatalf("%s: String() = %q; want %q", what, got, want)
	}
	for i, b := range m.bits {
		if s.Contains(m.num(i)) != b {
			t.Fatalf("%s = %v: Contains(%d) = %v; want %v", what, s, m.num(i), !b, b)
		}
	}
	if s.Contains(Star) || m.base > 0 && s.Contains(m.base) || m.num(len(m.bits)-1) < math.MaxUint32 && s.Contains(m.num(len(m.bits))) {
		t.Fatalf("%s = %v: Contains is true outside the model", what, s)
	}
	if got, want := s.Count(), m.count(); got != want {
		t.Fatalf("%s = %v: Count() = %d; want %d", what, s, got, want)
	}
	if got, want := slices.Collect(s.All()), m.numbers(); !slices.Equal(got, want) {
		t.Fatalf("%s = %v: All() = %v; want %v", what, s, got, want)
	}
	if s.Dynamic() || s.IsEmpty() != (m.count() == 0) {
		t.Fatalf("%s = %v: Dynamic() or IsEmpty() is wrong", what, s)
	}
	if !s.Equal(m.set()) {
		t.Fatalf("%s = %#v; not Equal to the same set built number by number", what, s)
	}
	if !s.IsEmpty() {
		back, err := Parse(s.String())
		if err != nil || !back.Equal(s) {
			t.Fatalf("%s: Parse(%q) = %v, %v; want the set back", what, s.String(), back, err)
		}
	}
}

// TestStaticAgainstBitmap checks sets of numbers against the bitmap
// model, at the bottom and at the top of the number space.
func TestStaticAgainstBitmap(t *testing.T) {
	const size = 200
	for _, base := range []uint32{0, math.MaxUint32 - size} {
		r := rand.New(rand.NewPCG(1, uint64(base)))
		random := func() (Set, bitmap) {
			elems := randomElems(r, base+1, base+size, 12)
			m := newBitmap(base, size)
			for _, e := range elems {
				m.addRange(e[0], e[1])
			}
			return build(t, r, elems), m
		}
		for i := range 3000 {
			a, ma := random()
			b, mb := random()
			checkStatic(t, "a", a, ma)
			checkStatic(t, "b", b, mb)
			as, bs := a.String(), b.String()
			checkStatic(t, as+" ∪ "+bs, a.Union(b), ma.op(mb, func(x, y bool) bool { return x || y }))
			checkStatic(t, as+" ∩ "+bs, a.Intersect(b), ma.op(mb, func(x, y bool) bool { return x && y }))
			checkStatic(t, as+" − "+bs, a.Difference(b), ma.op(mb, func(x, y bool) bool { return x && !y }))
			checkStatic(t, bs+" − "+as, b.Difference(a), mb.op(ma, func(x, y bool) bool { return x && !y }))
			checkStatic(t, as+" resolved", a.Resolve(r.Uint32()), ma)
			if a.String() != as || b.String() != bs {
				t.Fatalf("iteration %d: operations changed their operands %q, %q to %v, %v", i, as, bs, a, b)
			}
			c := a.Clone()
			c.AddSet(b)
			checkStatic(t, as+" AddSet "+bs, c, ma.op(mb, func(x, y bool) bool { return x || y }))
		}
	}
}

// dynModel is the naive model of a set with "*": its numbers, its "n:*"
// anchors as written (not collapsed), and a bare "*".
type dynModel struct {
	nums    bitmap
	anchors []uint32
	bare    bool
}

// dynSize is the universe of the dynamic model, kept tiny so that random
// sets often turn out equal.
const dynSize = 7

// horizon is the largest "*" to try: beyond it nothing new happens, since
// every number and anchor is at most dynSize (see TestDynamicAgainstModel).
const horizon = dynSize + 2

// resolve returns the numbers of d when "*" is largest, the RFC 9051 §9
// way: each "n:*" is every number between n and largest.
func (d dynModel) resolve(largest uint32) bitmap {
	m := newBitmap(0, horizon)
	copy(m.bits, d.nums.bits)
	for _, a := range d.anchors {
		m.addRange(a, largest)
	}
	if d.bare {
		m.addRange(largest, largest)
	}
	return m
}

// certain returns the numbers of d whatever "*" is.
func (d dynModel) certain() bitmap {
	c := d.resolve(1)
	for largest := uint32(2); largest <= horizon; largest++ {
		c = c.op(d.resolve(largest), func(x, y bool) bool { return x && y })
	}
	return c
}

func (d dynModel) union(o dynModel) dynModel {
	return dynModel{
		nums:    d.nums.op(o.nums, func(x, y bool) bool { return x || y }),
		anchors: append(slices.Clone(d.anchors), o.anchors...),
		bare:    d.bare || o.bare,
	}
}

func (d dynModel) hasStar() bool { return d.bare || len(d.anchors) > 0 }

func randomDyn(t *testing.T, r *rand.Rand) (Set, dynModel, string) {
	t.Helper()
	elems := randomElems(r, 1, dynSize, 4)
	for range r.IntN(3) {
		e := [2]uint32{Star, 1 + r.Uint32N(dynSize)}
		if r.IntN(3) == 0 {
			e[1] = Star
		}
		if r.IntN(2) == 0 {
			e[0], e[1] = e[1], e[0]
		}
		elems = slices.Insert(elems, r.IntN(len(elems)+1), e)
	}
	d := dynModel{nums: newBitmap(0, horizon)}
	for _, e := range elems {
		switch {
		case e[0] == Star && e[1] == Star:
			d.bare = true
		case e[0] == Star || e[1] == Star:
			d.anchors = append(d.anchors, max(e[0], e[1]))
		default:
			d.nums.addRange(e[0], e[1])
		}
	}
	return build(t, r, elems), d, elemsString(r, elems)
}

// checkDynamic compares s with its model d for every value of "*".
func checkDynamic(t *testing.T, what string, s Set, d dynModel) {
	t.Helper()
	for largest := uint32(1); largest <= horizon; largest++ {
		want := d.resolve(largest)
		checkStatic(t, what+" resolved to "+strconv.Itoa(int(largest)), s.Resolve(largest), want)
	}
	c := d.certain()
	if got := slices.Collect(s.All()); !slices.Equal(got, c.numbers()) {
		t.Fatalf("%s = %v: All() = %v; want %v", what, s, got, c.numbers())
	}
	for n := uint32(1); n <= horizon; n++ {
		if s.Contains(n) != c.bits[n-1] {
			t.Fatalf("%s = %v: Contains(%d) = %v; want %v", what, s, n, !c.bits[n-1], c.bits[n-1])
		}
	}
	if s.Contains(Star) != d.hasStar() || s.Dynamic() != d.hasStar() {
		t.Fatalf("%s = %v: Contains(Star) or Dynamic() = %v; want %v", what, s, s.Contains(Star), d.hasStar())
	}
	if s.Count() != c.count() {
		t.Fatalf("%s = %v: Count() = %d; want %d", what, s, s.Count(), c.count())
	}
	checkStatic(t, what+" resolved to 0", s.Resolve(0), c)
	if !s.IsEmpty() {
		back, err := Parse(s.String())
		if err != nil || !back.Equal(s) || back.String() != s.String() {
			t.Fatalf("%s: Parse(%q) = %v, %v; want the set back", what, s.String(), back, err)
		}
	}
	var back Set
	for r := range s.Ranges() {
		back.AddRange(r.Start, r.Stop)
	}
	if !back.Equal(s) {
		t.Fatalf("%s = %v: AddRange of its Ranges gives %v", what, s, back)
	}
}

// TestDynamicAgainstModel checks sets with "*" and "n:*" against a model
// that resolves every member as written, for every value of "*" that can
// make a difference; and that the representation is canonical: sets are
// Equal, and print the same, exactly when they are the same for every
// value of "*".
func TestDynamicAgainstModel(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	equalPairs := 0
	for range 20000 {
		a, da, ra := randomDyn(t, r)
		b, db, rb := randomDyn(t, r)
		checkDynamic(t, ra, a, da)
		checkDynamic(t, rb, b, db)
		as, bs := a.String(), b.String()

		checkDynamic(t, ra+" ∪ "+rb, a.Union(b), da.union(db))
		c := a.Clone()
		c.AddSet(b)
		checkDynamic(t, ra+" AddSet "+rb, c, da.union(db))

		ca, cb := da.certain(), db.certain()
		checkStatic(t, ra+" ∩ "+rb, a.Intersect(b), ca.op(cb, func(x, y bool) bool { return x && y }))
		checkStatic(t, ra+" − "+rb, a.Difference(b), ca.op(cb, func(x, y bool) bool { return x && !y }))

		same := true
		for largest := uint32(1); largest <= horizon; largest++ {
			if da.resolve(largest).String() != db.resolve(largest).String() {
				same = false
			}
		}
		if same {
			equalPairs++
		}
		if a.Equal(b) != same || (as == bs) != same {
			t.Fatalf("%q (%q) and %q (%q): Equal = %v, same String = %v; want %v", ra, as, rb, bs, a.Equal(b), as == bs, same)
		}
		if a.String() != as || b.String() != bs {
			t.Fatalf("operations changed their operands %q, %q to %v, %v", as, bs, a, b)
		}
	}
	if equalPairs < 100 {
		t.Errorf("only %d random pairs were equal sets; the canonical form is hardly tested", equalPairs)
	}
}
