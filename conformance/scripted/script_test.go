package scripted

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"
)

func TestParseScript(t *testing.T) {
	src := "# greeting\r\nS: * OK ready ${x}\n\nC> NOOP\nC: A2 IDLE\nC~ (?P<tag>\\S+) DONE\nC= \"abc\\x00\"\nC# 12\nS= `raw\\n`\n" +
		"! eof\n!drop\n! bye going away\n! stall\n! quiet\n! compress\n! bad-deflate\n! stray now\n! unknown-tag\n! unknown-tag Q9\n! sleep 90s\n"
	sc, err := ParseScript(src)
	if err != nil {
		t.Fatal(err)
	}
	want := "S: * OK ready ${x}\nC> NOOP\nC: A2 IDLE\nC~ (?P<tag>\\S+) DONE\nC= \"abc\\x00\"\nC# 12\nS= \"raw\\\\n\"\n" +
		"! eof\n! drop\n! bye going away\n! stall\n! quiet\n! compress\n! bad-deflate\n! stray now\n! unknown-tag\n! unknown-tag Q9\n! sleep 1m30s\n"
	if sc.String() != want {
		t.Errorf("String() =\n%s\nwant\n%s", sc.String(), want)
	}
	if sc.Len() != 18 {
		t.Errorf("Len = %d", sc.Len())
	}
	again, err := ParseScript(sc.String())
	if err != nil || again.String() != want {
		t.Errorf("reparse: %v\n%s", err, again)
	}
}

func TestParseScriptErrors(t *testing.T) {
	for _, tc := range []struct{ src, msg string }{
		{"S: ok\nX: what", `line 2 "X: what": unknown prefix "X:"`},
		{"C~ (", "line 1"},
		{"S= abc", "Go string literal"},
		{"C= \"\"", "at least one byte"},
		{"C# -1", "number of octets"},
		{"C>", "needs the command"},
		{"! sleep soon", "duration"},
		{"! eof now", "takes no argument"},
		{"! fly", `unknown directive "fly"`},
		{"! unknown-tag a+b", "one tag"},
		{"S:x", "prefix"},
		{"C~ \r\r\n", "a CR in the text"},
		{"S: a\rb", "a CR in the text"},
		{"C> NOOP\r\r", "a CR in the text"},
		{"! bye a\rb", "a CR in the text"},
	} {
		_, err := ParseScript(tc.src)
		var se *ScriptError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseScript(%q) = %v; want an error with %q", tc.src, err, tc.msg)
		}
	}
}

// A syntax error given to Server.Script is reported with its line, and
// adds no step.
func TestServerScriptError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, nil)
		s.Script("S: fine\nC? bad")
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
		tb.end()
		if errs := tb.reported(); len(errs) != 1 || !strings.Contains(errs[0], "script line 2") {
			t.Fatalf("reported %q", errs)
		}
	})
}

// A failing step of a script names the script's line.
func TestScriptStepLocation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, nil)
		s.Script("S: * OK\n\nC> LOGIN a b\n")
		p := newPeer(t, s.Client())
		p.want("* OK")
		p.write("A1 LOGIN a c\r\n")
		err := s.Wait()
		if err == nil || !strings.Contains(err.Error(), "script_test.go:") || !strings.Contains(err.Error(), "script line 3") {
			t.Fatalf("Wait = %v", err)
		}
		tb.end()
	})
}

// FuzzParseScript: no input makes the parser panic; an error names a line
// of the input; a parsed script prints in a canonical form that parses
// back to itself.
func FuzzParseScript(f *testing.F) {
	for _, s := range []string{
		"S: * OK\nC> LOGIN a b\nS: ${tag} OK\n! eof\n",
		"C= \"a\\r\\n\"\nC# 3\nS= `x`\n! sleep 1s\n! unknown-tag Z1\n",
		"C~ (?P<tag>\\S+) (NOOP|IDLE)\n# comment\n\n! bye x\n",
		"! stray\n! compress\n! bad-deflate\n! quiet\n! stall\n! drop\n",
		"S:", "!", "C# 99999999999999999999", "S= \"\\xff\"", "C~ [",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		sc, err := ParseScript(src)
		if err != nil {
			var se *ScriptError
			if !errors.As(err, &se) || se.Line < 1 || se.Line > strings.Count(src, "\n")+1 {
				t.Fatalf("ParseScript(%q): %#v", src, err)
			}
			return
		}
		canon := sc.String()
		again, err := ParseScript(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, src, err)
		}
		if again.String() != canon || again.Len() != sc.Len() {
			t.Fatalf("canonical form not stable:\n%q\n%q", canon, again.String())
		}
	})
}
