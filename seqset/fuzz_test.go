package seqset

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// refParse is an independent, naive reading of the grammar of Parse
// (RFC 9051 §9 "sequence-set", RFC 5182 §3): it splits on "," and ":" and
// returns the members as written, Star for "*". saved is set for "$".
func refParse(s string) (elems [][2]uint32, saved, ok bool) {
	if s == "$" {
		return nil, true, true
	}
	if s == "" {
		return nil, false, false
	}
	for _, el := range strings.Split(s, ",") {
		parts := strings.Split(el, ":")
		if len(parts) > 2 {
			return nil, false, false
		}
		var e [2]uint32
		for i, p := range parts {
			if p == "*" {
				e[i] = Star
				continue
			}
			if p == "" || p[0] < '1' || p[0] > '9' {
				return nil, false, false
			}
			n, err := strconv.ParseUint(p, 10, 32) // also rejects signs and spaces
			if err != nil {
				return nil, false, false
			}
			e[i] = uint32(n)
		}
		if len(parts) == 1 {
			e[1] = e[0]
		}
		elems = append(elems, e)
	}
	return elems, false, true
}

// checkCanonical checks that s is in the form String promises: members in
// increasing order, merged, a:b with a < b, "n:*" rather than "*:n", and
// "*" last and only without "n:*".
func checkCanonical(t *testing.T, s string) {
	t.Helper()
	elems, saved, ok := refParse(s)
	if !ok || saved {
		t.Fatalf("String() = %q, which is not a set of numbers", s)
	}
	parts := strings.Split(s, ",")
	var prevStop uint64 // 0: none yet
	hasStar, bare := false, false
	for i, e := range elems {
		if bare {
			t.Fatalf("String() = %q: members after \"*\"", s)
		}
		switch {
		case e == [2]uint32{Star, Star}:
			if hasStar || parts[i] != "*" {
				t.Fatalf("String() = %q: \"*\" not alone or with \"n:*\"", s)
			}
			bare, hasStar = true, true
			continue
		case e[0] == Star:
			t.Fatalf("String() = %q: \"*:n\" is not canonical", s)
		case e[1] == Star:
			if hasStar {
				t.Fatalf("String() = %q: two \"*\" members", s)
			}
			hasStar = true
			// "n:*" may follow a range that ends at n-1.
			if prevStop != 0 && uint64(e[0]) <= prevStop {
				t.Fatalf("String() = %q: %q out of order", s, parts[i])
			}
			prevStop = uint64(e[0]) // the next member must not touch n
			continue
		case e[0] > e[1] || e[0] == e[1] && strings.Contains(parts[i], ":"):
			t.Fatalf("String() = %q: %q is not canonical", s, parts[i])
		}
		if prevStop != 0 && uint64(e[0]) <= prevStop+1 {
			t.Fatalf("String() = %q: %q out of order or not merged", s, parts[i])
		}
		prevStop = uint64(e[1])
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"1", "1:5", "5:3", "1,3,5", "1:3,4", "10,1:5", "1:4294967295",
		"4294967295", "*", "*:*", "5:*", "*:5", "1:4,5:*", "5:*,6", "2:*,7:*",
		"1,*", "$", "2,4:7,9,12:*", "*:4,5:7",
		"", "0", "01", "4294967296", "+1", "-1", "1,,2", ",1", "1,", "1:", ":1",
		"1:2:3", "1 2", "$,1", "1,$", "$$", "1:$", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		set, err := Parse(in)
		elems, saved, ok := refParse(in)
		if (err == nil) != ok {
			t.Fatalf("Parse(%q) = %v, %v; the reference grammar says valid = %v", in, set, err, ok)
		}
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Input != in || se.Offset < 0 || se.Offset > len(in) {
				t.Fatalf("Parse(%q) error = %#v; want a *SyntaxError within the input", in, err)
			}
			if !strings.HasPrefix(err.Error(), "seqset: invalid sequence set at offset "+strconv.Itoa(se.Offset)+": ") {
				t.Fatalf("Parse(%q) error message %q", in, err)
			}
			if !set.IsEmpty() {
				t.Fatalf("Parse(%q) = %v with an error; want the empty set", in, set)
			}
			return
		}
		if saved {
			if !set.IsSavedResult() || set.String() != "$" {
				t.Fatalf(`Parse("$") = %#v; want SavedResult()`, set)
			}
			return
		}

		// parse(format(parse(x))) == parse(x), and the format is
		// canonical.
		str := set.String()
		if set.IsEmpty() || str == "" {
			t.Fatalf("Parse(%q) = %#v, an empty set", in, set)
		}
		checkCanonical(t, str)
		again, err := Parse(str)
		if err != nil || !again.Equal(set) || again.String() != str {
			t.Fatalf("Parse(%q) = %v, %v; want %q back", str, again, err, str)
		}
		if got := string(set.AppendString([]byte("x"))); got != "x"+str {
			t.Fatalf("AppendString = %q; want %q", got, "x"+str)
		}

		// Every member as written is there, numbers and "*" alike.
		hasStar := false
		for _, e := range elems {
			switch {
			case e[0] == Star && e[1] == Star:
				hasStar = true
			case e[0] == Star || e[1] == Star:
				hasStar = true
				if !set.Contains(max(e[0], e[1])) {
					t.Fatalf("Parse(%q).Contains(%d) = false", in, max(e[0], e[1]))
				}
			default:
				if !set.Contains(e[0]) || !set.Contains(e[1]) {
					t.Fatalf("Parse(%q) misses %d or %d", in, e[0], e[1])
				}
			}
		}
		if set.Contains(Star) != hasStar || set.Dynamic() != hasStar {
			t.Fatalf("Parse(%q).Contains(Star) = %v; want %v", in, set.Contains(Star), hasStar)
		}

		// Small sets: compare with the model for a few values of "*".
		for _, e := range elems {
			if e[0] > 64 || e[1] > 64 {
				return
			}
		}
		for _, largest := range []uint32{1, 2, 17, 40, 64, 70} {
			m := newBitmap(0, 80)
			for _, e := range elems {
				a, b := e[0], e[1]
				if a == Star {
					a = largest
				}
				if b == Star {
					b = largest
				}
				m.addRange(a, b)
			}
			if got := set.Resolve(largest).String(); got != m.String() {
				t.Fatalf("Parse(%q).Resolve(%d) = %q; want %q", in, largest, got, m.String())
			}
		}
	})
}
