package seqset

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"number", "1", "1"},
		{"max number", "4294967295", "4294967295"},
		{"range", "1:5", "1:5"},
		{"reversed range", "5:3", "3:5"},
		{"one-number range", "7:7", "7"},
		{"full range is one range", "1:4294967295", "1:4294967295"},
		{"list", "1,3,5", "1,3,5"},
		{"unsorted", "10,1:5", "1:5,10"},
		{"adjacent numbers merge", "1,2,3", "1:3"},
		{"adjacent ranges merge", "1:3,4", "1:4"},
		{"adjacent reversed", "4,3:1", "1:4"},
		{"overlap", "1:5,3:8", "1:8"},
		{"contained", "1:10,3:4", "1:10"},
		{"duplicates", "5,5,5", "5"},
		{"unsorted merge", "20:30,1:5,6:9,31", "1:9,20:31"},
		{"unsorted overlapping", "9,3:7,1:4,8", "1:9"},
		{"top adjacent", "4294967294,4294967295", "4294967294:4294967295"},
		{"star", "*", "*"},
		{"star range", "*:*", "*"},
		{"star twice", "*,*", "*"},
		{"star with number", "*,1", "1,*"},
		{"n:*", "5:*", "5:*"},
		{"*:n", "*:5", "5:*"},
		{"1:*", "1:*", "1:*"},
		{"bare star absorbed", "*,5:*", "5:*"},
		{"bare star absorbed after", "5:*,*", "5:*"},
		{"numbers and n:*", "1,3,5:*", "1,3,5:*"},
		{"n:* after its run", "1:4,5:*", "1:4,5:*"},
		{"n:* inside a run moves to its top", "3:5,5:*", "3:4,5:*"},
		{"n:* below a run moves to its top", "5:*,6", "5,6:*"},
		{"n:* below a longer run", "5:*,6:10", "5:9,10:*"},
		{"n:* in the middle", "1:3,5:*,20", "1:3,5:*,20"},
		{"two n:* collapse", "2:*,7:*", "2:6,7:*"},
		{"two n:* reversed", "*:7,2:*", "2:6,7:*"},
		{"n:* at the top", "4294967295:*", "4294967295:*"},
		{"run to the top", "4294967290:*,4294967291:4294967295", "4294967290:4294967294,4294967295:*"},
		{"saved result", "$", "$"},
		{"RFC 9051 §9 example", "2,4:7,9,12:*", "2,4:7,9,12:*"},
		{"RFC 9051 §9 example 2", "*:4,5:7", "4:6,7:*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if got := s.String(); got != tt.want {
				t.Errorf("Parse(%q).String() = %q; want %q", tt.in, got, tt.want)
			}
			again, err := Parse(s.String())
			if err != nil || !again.Equal(s) {
				t.Errorf("Parse(%q) = %v, %v; want a set Equal to the first", s.String(), again, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		offset int
		reason string // a part of the reason
	}{
		{"empty string", "", 0, "empty sequence set"},
		{"zero", "0", 0, "0 is not"},
		{"zero in range", "1:0", 2, "0 is not"},
		{"leading zero", "01", 0, "leading zero"},
		{"leading zero later", "1,007", 2, "leading zero"},
		{"too large", "4294967296", 0, "greater than 4294967295"},
		{"too large in range", "1:99999999999", 2, "greater than 4294967295"},
		{"very long number", "1," + strings.Repeat("9", 1000), 2, "greater than 4294967295"},
		{"plus", "+1", 0, `unexpected "+"`},
		{"minus", "-1", 0, `unexpected "-"`},
		{"minus in range", "1:-2", 2, `unexpected "-"`},
		{"double comma", "1,,2", 2, "empty element"},
		{"leading comma", ",1", 0, "empty element"},
		{"trailing comma", "1,", 2, "empty element"},
		{"only a comma", ",", 0, "empty element"},
		{"open range", "1:", 2, `after ":"`},
		{"open range then comma", "1:,2", 2, `after ":"`},
		{"no start", ":1", 0, `unexpected ":"`},
		{"two colons", "1:2:3", 3, `unexpected ":", expected ","`},
		{"double colon", "1::2", 2, `unexpected ":"`},
		{"space", "1 2", 1, `unexpected " "`},
		{"leading space", " 1", 0, `unexpected " "`},
		{"trailing space", "1:5 ", 3, `unexpected " "`},
		{"space after comma", "1, 2", 2, `unexpected " "`},
		{"tab", "1\t", 1, `unexpected "\t"`},
		{"letter", "1a", 1, `unexpected "a"`},
		{"star star", "**", 1, `unexpected "*"`},
		{"star digit", "*1", 1, `unexpected "1"`},
		{"digit star", "1*", 1, `unexpected "*"`},
		{"8-bit byte", "1,\xff", 2, `unexpected "\xff"`},
		{"NUL", "1\x00", 1, `unexpected "\x00"`},
		{"saved with number after", "$,1", 1, `"$" must stand alone`},
		{"saved with number before", "1,$", 2, `"$" must stand alone`},
		{"saved in range", "1:$", 2, `"$" must stand alone`},
		{"saved range", "$:1", 1, `"$" must stand alone`},
		{"saved twice", "$$", 1, `"$" must stand alone`},
		{"saved after number", "1$", 1, `"$" must stand alone`},
		{"parenthesis", "(1)", 0, `unexpected "("`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, %v; want a *SyntaxError", tt.in, s, err)
			}
			if se.Offset != tt.offset || se.Input != tt.in || !strings.Contains(se.Reason, tt.reason) {
				t.Errorf("Parse(%q) error = %+v; want offset %d, reason containing %q", tt.in, *se, tt.offset, tt.reason)
			}
			if !s.IsEmpty() {
				t.Errorf("Parse(%q) set = %v; want the empty set with an error", tt.in, s)
			}
			prefix := "seqset: invalid sequence set at offset " + strconv.Itoa(tt.offset) + ": "
			if msg := err.Error(); !strings.HasPrefix(msg, prefix) {
				t.Errorf("Parse(%q) error message %q; want prefix %q", tt.in, msg, prefix)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `seqset: invalid sequence set at offset 0: empty sequence set`},
		{"1,,2", `seqset: invalid sequence set at offset 2: empty element (near "1,,2")`},
		{"1:2,3:4,5:6,7x8,9:10,11:12", `seqset: invalid sequence set at offset 13: unexpected "x", expected "," or ":" (near "…:4,5:6,7x8,9:10,…")`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v; want %s", tt.in, err, tt.want)
		}
	}
}

func TestMustParse(t *testing.T) {
	if got := MustParse("3,1:2").String(); got != "1:3" {
		t.Errorf(`MustParse("3,1:2") = %q; want "1:3"`, got)
	}
	defer func() {
		if _, ok := recover().(*SyntaxError); !ok {
			t.Errorf(`MustParse("x") did not panic with a *SyntaxError`)
		}
	}()
	MustParse("x")
}

// TestRFC9051_9_SequenceSetExamples checks the examples given with
// "sequence-set" in RFC 9051 §9.
func TestRFC9051_9_SequenceSetExamples(t *testing.T) {
	tests := []struct {
		in    string
		max   uint32
		numbs string
	}{
		// "a message sequence number set of 2,4:7,9,12:* for a mailbox
		// with 15 messages is equivalent to 2,4,5,6,7,9,12,13,14,15"
		{"2,4:7,9,12:*", 15, "2,4,5,6,7,9,12,13,14,15"},
		// "*:4,5:7 for a mailbox with 10 messages is equivalent to
		// 10,9,8,7,6,5,4,5,6,7 and MAY be reordered and overlap
		// coalesced to be 4,5,6,7,8,9,10."
		{"*:4,5:7", 10, "4,5,6,7,8,9,10"},
		// seq-range: "2:4 and 4:2 are equivalent and indicate values 2, 3,
		// and 4."
		{"4:2", 100, "2,3,4"},
		// "a unique identifier sequence range of 3291:* includes the UID
		// of the last message in the mailbox, even if that value is less
		// than 3291."
		{"3291:*", 3000, "3000:3291"},
	}
	for _, tt := range tests {
		got := MustParse(tt.in).Resolve(tt.max)
		if want := MustParse(tt.numbs); !got.Equal(want) {
			t.Errorf("Parse(%q).Resolve(%d) = %v; want %v", tt.in, tt.max, got, want)
		}
	}
}

// TestRFC3501_6_4_8_UIDRangeWithStar checks the note of RFC 3501 §6.4.8:
// "a UID range of 559:* always includes the UID of the last message in
// the mailbox, even if 559 is higher than any assigned UID value."
func TestRFC3501_6_4_8_UIDRangeWithStar(t *testing.T) {
	s := MustParse("559:*")
	for _, last := range []uint32{1, 100, 558, 559, 560, 100000} {
		r := s.Resolve(last)
		if !r.Contains(last) || !r.Contains(559) {
			t.Errorf("Parse(\"559:*\").Resolve(%d) = %v; want both %d and 559 in it", last, r, last)
		}
	}
	if r := s.Resolve(0); r.String() != "559" {
		t.Errorf(`Parse("559:*").Resolve(0) = %v; want 559`, r)
	}
}

// TestRFC5182_3_SavedResult checks "$" (RFC 5182 §3 "seq-last-command").
func TestRFC5182_3_SavedResult(t *testing.T) {
	s, err := Parse("$")
	if err != nil {
		t.Fatalf(`Parse("$") error: %v`, err)
	}
	if !s.Equal(SavedResult()) || !s.IsSavedResult() || !s.Dynamic() || s.IsEmpty() {
		t.Errorf(`Parse("$") = %#v; want SavedResult()`, s)
	}
	if s.String() != "$" || string(s.AppendString([]byte("x "))) != "x $" {
		t.Errorf(`Parse("$").String() = %q; want "$"`, s.String())
	}
	if s.Contains(1) || s.Contains(Star) || s.Count() != 0 {
		t.Errorf(`"$" Contains or Counts numbers; want none`)
	}
	for range s.All() {
		t.Errorf(`"$".All() yielded a number`)
	}
	for range s.Ranges() {
		t.Errorf(`"$".Ranges() yielded a range`)
	}
	if !s.Resolve(10).IsSavedResult() {
		t.Errorf(`"$".Resolve(10) = %v; want "$"`, s.Resolve(10))
	}
	if MustParse("1").IsSavedResult() || (Set{}).IsSavedResult() {
		t.Errorf("IsSavedResult is true for a set that is not \"$\"")
	}
}
