package run_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/wire"
)

func atoms(vs []wire.Value) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Str)
	}
	return out
}

func TestReturnOptions(t *testing.T) {
	got, err := run.ReturnOptions("pkg", []string{"min", "Count", "X-OPT"})
	if err != nil {
		t.Fatal(err)
	}
	if a := atoms(got); !slices.Equal(a, []string{"MIN", "COUNT", "X-OPT"}) {
		t.Errorf("got %q", a)
	}
	if _, err := run.ReturnOptions("pkg", []string{"MIN", "A B"}); err == nil || err.Error() != `pkg: return option "A B" is not an atom` {
		t.Errorf("got %v, want the error naming the option", err)
	}
	if got, err := run.ReturnOptions("pkg", nil); err != nil || len(got) != 0 {
		t.Errorf("no options: got %v, %v", got, err)
	}
}

func TestSearchKeys(t *testing.T) {
	c, s := faketest.New(t, faketest.Greeting, nil)
	ascii := &client.SearchCriteria{Body: []string{"hello"}}
	utf8 := &client.SearchCriteria{Body: []string{"héllo"}}
	check := func(name string, got []wire.Value, wantHead ...string) {
		t.Helper()
		a := atoms(got)
		if len(a) < len(wantHead) || !slices.Equal(a[:len(wantHead)], wantHead) || (len(wantHead) == 0 && len(a) > 0 && a[0] == "CHARSET") {
			t.Errorf("%s: got %q, want it to start with %q", name, a, wantHead)
		}
	}
	check("ascii", run.SearchKeys(c, ascii, ""))
	check("non-ASCII", run.SearchKeys(c, utf8, ""), "CHARSET", "UTF-8")
	check("given charset", run.SearchKeys(c, ascii, "ISO-8859-1"), "CHARSET", "ISO-8859-1")
	if got := run.SearchKeys(c, nil, ""); !slices.Equal(atoms(got), []string{"ALL"}) {
		t.Errorf("nil search: got %q, want ALL", atoms(got))
	}

	// Once UTF8=ACCEPT is enabled, strings are UTF-8 without CHARSET.
	done := faketest.Go(func() ([]string, error) { return c.Enable(faketest.Ctx(t), "UTF8=ACCEPT") })
	s.Expect("A1 ENABLE UTF8=ACCEPT")
	s.Send("* ENABLED UTF8=ACCEPT", "A1 OK enabled")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	check("non-ASCII after ENABLE", run.SearchKeys(c, utf8, ""))
}

func TestTyped(t *testing.T) {
	resps := []*wire.Response{
		{Kind: wire.DataResponse, Name: "A", Data: 1},
		{Kind: wire.DataResponse, Name: "B", Data: "not an int"},
		{Kind: wire.DataResponse, Name: "A", Data: 2},
	}
	got, err := run.Typed[int]("pkg", "A", resps)
	if err != nil || !slices.Equal(got, []int{1, 2}) {
		t.Errorf("Typed A = %v, %v; want [1 2]", got, err)
	}
	if _, err := run.Typed[int]("pkg", "", resps); err == nil || !strings.Contains(err.Error(), "pkg: B response was not decoded") {
		t.Errorf("Typed of all = %v; want the Untyped error for B", err)
	}
}
