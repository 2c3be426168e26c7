package seqset

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestZeroValue(t *testing.T) {
	var s Set
	if !s.IsEmpty() || s.Dynamic() || s.IsSavedResult() || s.Count() != 0 || s.String() != "" || s.Contains(1) || s.Contains(Star) {
		t.Errorf("zero Set = %#v; want the empty set", s)
	}
	if !s.Equal(Set{}.Union(Set{})) || !s.Equal(s.Intersect(MustParse("1:*"))) || !s.Equal(s.Resolve(5)) {
		t.Errorf("operations on empty sets are not empty")
	}
	s.Add(3)
	if s.String() != "3" {
		t.Errorf("zero Set after Add(3) = %q; want \"3\"", s.String())
	}
}

func TestAdd(t *testing.T) {
	tests := []struct {
		name string
		adds [][2]uint32 // AddRange(a, b); a == b is Add(a)
		want string
	}{
		{"increasing", [][2]uint32{{1, 1}, {2, 2}, {3, 3}, {5, 5}}, "1:3,5"},
		{"decreasing", [][2]uint32{{5, 5}, {3, 3}, {2, 2}, {1, 1}}, "1:3,5"},
		{"fill a gap", [][2]uint32{{1, 1}, {3, 3}, {2, 2}}, "1:3"},
		{"reversed range", [][2]uint32{{9, 4}}, "4:9"},
		{"range over several", [][2]uint32{{1, 1}, {3, 3}, {5, 6}, {10, 10}, {2, 7}}, "1:7,10"},
		{"range touching both sides", [][2]uint32{{1, 2}, {6, 7}, {3, 5}}, "1:7"},
		{"insert in the middle", [][2]uint32{{1, 1}, {10, 10}, {5, 5}}, "1,5,10"},
		{"top", [][2]uint32{{math.MaxUint32, math.MaxUint32}, {math.MaxUint32 - 1, math.MaxUint32 - 1}}, "4294967294:4294967295"},
		{"everything", [][2]uint32{{7, 7}, {1, math.MaxUint32}, {3, 3}}, "1:4294967295"},
		{"star", [][2]uint32{{Star, Star}}, "*"},
		{"star range", [][2]uint32{{5, Star}}, "5:*"},
		{"reversed star range", [][2]uint32{{Star, 5}}, "5:*"},
		{"star then star range", [][2]uint32{{Star, Star}, {5, Star}}, "5:*"},
		{"star range then star", [][2]uint32{{5, Star}, {Star, Star}}, "5:*"},
		{"two star ranges", [][2]uint32{{7, Star}, {2, Star}}, "2:6,7:*"},
		{"number at anchor", [][2]uint32{{5, Star}, {5, 5}}, "5:*"},
		{"number above anchor", [][2]uint32{{5, Star}, {6, 6}}, "5,6:*"},
		{"number below anchor", [][2]uint32{{5, Star}, {4, 4}}, "4,5:*"},
		{"range over anchor", [][2]uint32{{5, Star}, {1, 10}}, "1:9,10:*"},
		{"range joining anchor", [][2]uint32{{5, Star}, {8, 10}, {6, 7}}, "5:9,10:*"},
		{"anchor at the top", [][2]uint32{{math.MaxUint32, Star}, {1, 1}}, "1,4294967295:*"},
		{"anchor at the top of a run", [][2]uint32{{math.MaxUint32 - 1, math.MaxUint32}, {math.MaxUint32 - 1, Star}}, "4294967294,4294967295:*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Set
			for _, r := range tt.adds {
				if r[0] == r[1] {
					s.Add(r[0])
				} else {
					s.AddRange(r[0], r[1])
				}
			}
			if got := s.String(); got != tt.want {
				t.Errorf("after AddRange %v: %q; want %q", tt.adds, got, tt.want)
			}
			if want := MustParse(tt.want); !s.Equal(want) {
				t.Errorf("after AddRange %v: %#v; want %#v", tt.adds, s, want)
			}
		})
	}
}

func TestContains(t *testing.T) {
	s := MustParse("2:4,8,10:*,20")
	tests := []struct {
		n    uint32
		want bool
	}{
		{1, false}, {2, true}, {3, true}, {4, true}, {5, false}, {8, true},
		{9, false}, {10, true}, {11, false}, {19, false}, {20, true},
		{21, false}, {math.MaxUint32, false}, {Star, true},
	}
	for _, tt := range tests {
		if got := s.Contains(tt.n); got != tt.want {
			t.Errorf("Parse(%q).Contains(%d) = %v; want %v", s, tt.n, got, tt.want)
		}
	}
	if MustParse("1:5").Contains(Star) {
		t.Errorf(`Parse("1:5").Contains(Star) = true; want false`)
	}
	if all := MustParse("1:4294967295"); !all.Contains(1) || !all.Contains(math.MaxUint32) || all.Contains(Star) {
		t.Errorf(`Parse("1:4294967295").Contains is wrong at the edges`)
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		{"1", 1}, {"1:5,10", 6}, {"1:4294967295", math.MaxUint32}, {"*", 0},
		{"5:*", 1}, {"1:3,5:*", 4}, {"2:*,7:*", 6}, {"$", 0},
	}
	for _, tt := range tests {
		if got := MustParse(tt.in).Count(); got != tt.want {
			t.Errorf("Parse(%q).Count() = %d; want %d", tt.in, got, tt.want)
		}
	}
}

func TestDynamic(t *testing.T) {
	for in, want := range map[string]bool{"1": false, "1:5,7": false, "*": true, "5:*": true, "1,*": true, "$": true} {
		if got := MustParse(in).Dynamic(); got != want {
			t.Errorf("Parse(%q).Dynamic() = %v; want %v", in, got, want)
		}
	}
}

func TestAllAndRanges(t *testing.T) {
	tests := []struct {
		in     string
		all    []uint32
		ranges []Range
	}{
		{"1:3,7", []uint32{1, 2, 3, 7}, []Range{{1, 3}, {7, 7}}},
		{"1,3,5:*,9", []uint32{1, 3, 5, 9}, []Range{{1, 1}, {3, 3}, {5, Star}, {9, 9}}},
		{"1:4,5:*", []uint32{1, 2, 3, 4, 5}, []Range{{1, 4}, {5, Star}}},
		{"20:*,1", []uint32{1, 20}, []Range{{1, 1}, {20, Star}}},
		{"1,*", []uint32{1}, []Range{{1, 1}, {Star, Star}}},
		{"*", nil, []Range{{Star, Star}}},
		{"4294967294:4294967295", []uint32{math.MaxUint32 - 1, math.MaxUint32}, []Range{{math.MaxUint32 - 1, math.MaxUint32}}},
	}
	for _, tt := range tests {
		s := MustParse(tt.in)
		if got := slices.Collect(s.All()); !slices.Equal(got, tt.all) {
			t.Errorf("Parse(%q).All() = %v; want %v", tt.in, got, tt.all)
		}
		got := slices.Collect(s.Ranges())
		if !slices.Equal(got, tt.ranges) {
			t.Errorf("Parse(%q).Ranges() = %v; want %v", tt.in, got, tt.ranges)
		}
		var back Set
		for _, r := range got {
			back.AddRange(r.Start, r.Stop)
		}
		if !back.Equal(s) {
			t.Errorf("AddRange of Parse(%q).Ranges() = %v; want the set back", tt.in, back)
		}
	}
	// Stopping early.
	for n := range MustParse("1:1000").All() {
		if n == 3 {
			break
		}
	}
	for r := range MustParse("1,3,5:*,7,*").Ranges() {
		if r.Start == 5 {
			break
		}
	}
}

func TestEqualAndClone(t *testing.T) {
	a := MustParse("1:5,9,20:*")
	b := a.Clone()
	if !a.Equal(b) {
		t.Fatalf("Clone = %v; want %v", b, a)
	}
	b.Add(7)
	if a.String() != "1:5,9,20:*" {
		t.Errorf("adding to a Clone changed the original to %v", a)
	}
	for _, other := range []string{"1:5,9", "1:5,9,*", "1:5,9,20,*", "1:5,9,21:*", "1:5,9,20", "$", "*"} {
		if a.Equal(MustParse(other)) {
			t.Errorf("%v.Equal(%v) = true; want false", a, other)
		}
	}
	if !MustParse("*:20,9,5:1").Equal(a) {
		t.Errorf("sets written differently are not Equal")
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		in      string
		largest uint32
		want    string
	}{
		{"1:5", 3, "1:5"},
		{"*", 7, "7"},
		{"1,*", 7, "1,7"},
		{"5:*", 10, "5:10"},
		{"5:*", 3, "3:5"},
		{"5:*", 5, "5"},
		{"1:*", 1, "1"},
		{"1:4,5:*", 2, "1:5"},
		{"2:6,7:*", 1, "1:7"},
		{"2:6,7:*", 4, "2:7"},
		{"2:6,7:*", 9, "2:9"},
		{"1,10:*", 4294967295, "1,10:4294967295"},
		{"*", 0, ""},
		{"1,*", 0, "1"},
		{"3,5:*", 0, "3,5"},
		{"$", 4, "$"},
	}
	for _, tt := range tests {
		s := MustParse(tt.in)
		got := s.Resolve(tt.largest)
		if got.String() != tt.want {
			t.Errorf("Parse(%q).Resolve(%d) = %q; want %q", tt.in, tt.largest, got, tt.want)
		}
		if got.Dynamic() != got.IsSavedResult() {
			t.Errorf("Parse(%q).Resolve(%d) is dynamic", tt.in, tt.largest)
		}
		if s.String() != MustParse(tt.in).String() {
			t.Errorf("Resolve changed its receiver to %v", s)
		}
	}
}

func TestSetOperations(t *testing.T) {
	tests := []struct {
		a, b                      string
		union, intersect, aMinusB string
	}{
		{"1:5", "3:8", "1:8", "3:5", "1:2"},
		{"1:5", "6:8", "1:8", "", "1:5"},
		{"1:10", "3,5,7", "1:10", "3,5,7", "1:2,4,6,8:10"},
		{"3,5,7", "1:10", "1:10", "3,5,7", ""},
		{"1:3,10:12,20", "2:11", "1:12,20", "2:3,10:11", "1,12,20"},
		{"1:4294967295", "4294967295", "1:4294967295", "4294967295", "1:4294967294"},
		{"1", "4294967295", "1,4294967295", "", "1"},
		// "*" and "n:*": Union is exact, Intersect and Difference see
		// the numbers Contains reports.
		{"2:*", "7:*", "2:6,7:*", "", "2"},
		{"1,*", "5:*", "1,5:*", "", "1"},
		{"*", "*", "*", "", ""},
		{"1:10", "5:*", "1:9,10:*", "5", "1:4,6:10"},
		{"1:4,5:*", "3", "1:4,5:*", "3", "1:2,4:5"},
		{"$", "", "$", "", ""},
		{"$", "$", "$", "", ""},
	}
	for _, tt := range tests {
		a, b := parseOrEmpty(tt.a), parseOrEmpty(tt.b)
		check := func(op, got, want string) {
			t.Helper()
			if got != want {
				t.Errorf("%q %s %q = %q; want %q", tt.a, op, tt.b, got, want)
			}
		}
		check("Union", a.Union(b).String(), tt.union)
		check("Union (reversed)", b.Union(a).String(), tt.union)
		check("Intersect", a.Intersect(b).String(), tt.intersect)
		check("Intersect (reversed)", b.Intersect(a).String(), tt.intersect)
		check("Difference", a.Difference(b).String(), tt.aMinusB)
		c := a.Clone()
		c.AddSet(b)
		check("AddSet", c.String(), tt.union)
		if a.String() != tt.a || b.String() != tt.b {
			t.Errorf("operations changed their operands: %q, %q", a, b)
		}
	}
}

func parseOrEmpty(s string) Set {
	if s == "" {
		return Set{}
	}
	return MustParse(s)
}

func TestSavedResultCannotBeCombined(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			t.Helper()
			r := recover()
			if msg, ok := r.(string); !ok || !strings.Contains(msg, `"$"`) {
				t.Errorf("%s: recovered %v; want a panic about \"$\"", name, r)
			}
		}()
		f()
	}
	mustPanic("Add", func() { s := SavedResult(); s.Add(1) })
	mustPanic("Add(Star)", func() { s := SavedResult(); s.Add(Star) })
	mustPanic("AddRange", func() { s := SavedResult(); s.AddRange(1, 4) })
	mustPanic("Union", func() { SavedResult().Union(MustParse("1")) })
	mustPanic("Union reversed", func() { MustParse("*").Union(SavedResult()) })
	mustPanic("AddSet", func() { s := MustParse("1"); s.AddSet(SavedResult()) })

	var s Set
	s.AddSet(SavedResult())
	if !s.IsSavedResult() {
		t.Errorf("empty set after AddSet(\"$\") = %v; want \"$\"", s)
	}
	s.AddSet(Set{})
	s.AddSet(SavedResult())
	if !s.IsSavedResult() {
		t.Errorf("\"$\" after AddSet of empty and \"$\" = %v; want \"$\"", s)
	}
}

// TestSharedStorage checks that returned sets do not share storage with
// the operands.
func TestSharedStorage(t *testing.T) {
	a := MustParse("1,3,5,7,9:*")
	b := MustParse("2,4,6")
	results := []Set{a.Union(b), a.Intersect(b), a.Difference(b), a.Resolve(20), a.Clone(), a.Union(Set{}), Set{}.Union(a)}
	for i := range results {
		results[i].AddRange(1, 30)
	}
	if a.String() != "1,3,5,7,9:*" || b.String() != "2,4,6" {
		t.Errorf("modifying results changed the operands: %v, %v", a, b)
	}
}
