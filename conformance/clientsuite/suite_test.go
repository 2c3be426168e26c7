package clientsuite

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestRemoved(t *testing.T) {
	for _, tc := range []struct {
		n    int
		ex   []uint32
		want []int
		err  bool
	}{
		{5, []uint32{2, 3}, []int{2, 4}, false}, // ascending: 2, then old 4 is now 3
		{5, []uint32{4, 2}, []int{2, 4}, false}, // descending
		{5, []uint32{2, 2}, []int{2, 3}, false}, // old 2, then old 3
		{3, []uint32{1, 1, 1}, []int{1, 2, 3}, false},
		{2, []uint32{3}, nil, true},
		{2, []uint32{0}, nil, true},
		{1, []uint32{1, 1}, nil, true},
	} {
		got, err := removed(tc.n, tc.ex)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("removed(%d, %v) = %v, %v; want %v (error %v)", tc.n, tc.ex, got, err, tc.want, tc.err)
		}
	}
}

func TestSectionKey(t *testing.T) {
	for _, tc := range []struct {
		s    Section
		want string
	}{
		{Section{}, ""},
		{Section{Count: 10}, ""},
		{Section{Part: "1"}, "1"},
		{Section{Specifier: "HEADER"}, "HEADER"},
		{Section{Part: "1.2", Specifier: "TEXT"}, "1.2.TEXT"},
		{Section{Specifier: "HEADER.FIELDS", Fields: []string{"Subject", "from"}}, "HEADER.FIELDS (SUBJECT FROM)"},
	} {
		if got := tc.s.Key(); got != tc.want {
			t.Errorf("%+v.Key() = %q, want %q", tc.s, got, tc.want)
		}
	}
}

// runVerdict runs a scenario whose body is fn through runOne.
func runVerdict(t *testing.T, target Target, s Scenario) (Outcome, string) {
	t.Helper()
	pre := capSet([]string{"IMAP4rev1", "STARTTLS"})
	post := capSet([]string{"IMAP4rev1", "MOVE"})
	return runOne(context.Background(), target, nil, s, pre, post, "", "/")
}

func TestVerdicts(t *testing.T) {
	target := Target{Name: "X", Deviations: map[string]string{"declared": "known bug"}}
	ok := func(context.Context, *Env) error { return nil }
	for _, tc := range []struct {
		name string
		s    Scenario
		want Outcome
		in   string // in the detail
	}{
		{"pass", Scenario{Name: "a", Run: ok}, Pass, ""},
		{"fail", Scenario{Name: "a", Run: func(context.Context, *Env) error { return errors.New("boom") }}, Fail, "boom"},
		{"panic", Scenario{Name: "a", Run: func(context.Context, *Env) error { panic("oops") }}, Fail, "panic: oops"},
		{"needs met", Scenario{Name: "a", Needs: []string{"move"}, NeedsPre: []string{"STARTTLS"}, Run: ok}, Pass, ""},
		{"needs missing", Scenario{Name: "a", Needs: []string{"MOVE", "CONDSTORE"}, Run: ok}, NotApplicable, "CONDSTORE"},
		{"needs pre missing", Scenario{Name: "a", NeedsPre: []string{"MOVE"}, Run: ok}, NotApplicable, "before login"},
		{"client n/a", Scenario{Name: "a", Run: func(context.Context, *Env) error { return NotApplicablef("no IDLE") }}, NotApplicable, "no IDLE"},
		{"undeclared deviation", Scenario{Name: "a", Run: func(context.Context, *Env) error { return Deviationf("bad") }}, Fail, "undeclared"},
		{"declared deviation", Scenario{Name: "declared", Run: func(context.Context, *Env) error { return Deviationf("bad") }}, Deviation, "bad"},
		{"declared deviation absent", Scenario{Name: "declared", Run: ok}, Fail, "did not happen"},
		{"declared but other failure", Scenario{Name: "declared", Run: func(context.Context, *Env) error { return errors.New("client bug") }}, Fail, "client bug"},
	} {
		got, detail := runVerdict(t, target, tc.s)
		if got != tc.want || !strings.Contains(detail, tc.in) {
			t.Errorf("%s: %s %q, want %s containing %q", tc.name, got, detail, tc.want, tc.in)
		}
	}
}

func TestScenarioNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Scenarios() {
		if s.Name == "" || s.Doc == "" || s.Run == nil || seen[s.Name] {
			t.Errorf("scenario %q: empty name/doc/run or duplicate", s.Name)
		}
		seen[s.Name] = true
	}
	for _, sv := range Servers {
		for name := range sv.Deviations {
			if !seen[name] {
				t.Errorf("%s declares a deviation for unknown scenario %q", sv.Name, name)
			}
		}
	}
}

func TestTableAndSplice(t *testing.T) {
	scs := []Scenario{{Name: "one", NeedsPre: []string{"STARTTLS"}}, {Name: "two", Needs: []string{"MOVE"}}}
	res := []Result{
		{Target: "A", Scenario: "one", Outcome: Pass},
		{Target: "A", Scenario: "two", Outcome: Fail, Detail: "bad | news\nhere"},
		{Target: "B", Scenario: "one", Outcome: Deviation, Detail: "server bug"},
		{Target: "B", Scenario: "two", Outcome: NotApplicable, Detail: "server lacks MOVE"},
	}
	tab := Table(scs, []string{"A", "B"}, res, map[string]Caps{"A": {Pre: []string{"STARTTLS"}, Post: []string{"IMAP4rev1", "MOVE"}}, "B": {Post: []string{"IMAP4rev1"}}})
	for _, want := range []string{
		"| `one` | STARTTLS | pass | server bug |",
		"| `two` | MOVE | **FAIL** | n/a |",
		"1 pass, 1 fail, 0 n/a, 0 server bug",
		`bad \| news\nhere`,
		"| MOVE | yes | no |",
		"| STARTTLS (before login) | yes | ? |",
	} {
		if !strings.Contains(tab, want) {
			t.Errorf("table lacks %q:\n%s", want, tab)
		}
	}

	doc := []byte("# T\n\nprose\n" + BeginMarker + "\nold\n" + EndMarker + "\nafter\n")
	out, err := Splice(doc, "new table\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "# T\n\nprose\n" + BeginMarker + "\nnew table\n" + EndMarker + "\nafter\n"; string(out) != want {
		t.Errorf("Splice = %q, want %q", out, want)
	}
	for _, bad := range []string{
		"no markers",
		EndMarker + BeginMarker,
		BeginMarker + BeginMarker + EndMarker,
	} {
		if _, err := Splice([]byte(bad), "x"); err == nil {
			t.Errorf("Splice(%q) succeeded", bad)
		}
	}
}
