package docs_test

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGuides checks that every Go block of a guide marked
// "<!-- example: NAME -->" is, character for character, the body of the
// Example function NAME of this package's tests (or, for a name that is
// not an Example, the whole function), and that every Example appears in
// some guide: the code the guides show is the code go test runs.
func TestGuides(t *testing.T) {
	funcs := testFuncs(t)
	guides, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	guides = append(guides, "../README.md")
	shown := map[string]bool{}
	for _, g := range guides {
		blocks, err := markedBlocks(g)
		if err != nil {
			t.Fatalf("%s: %v", g, err)
		}
		for _, b := range blocks {
			want, ok := funcs[b.name]
			if !ok {
				t.Errorf("%s:%d: example %s: no such function in docs/*_test.go", g, b.line, b.name)
				continue
			}
			shown[b.name] = true
			if b.code != want {
				t.Errorf("%s:%d: example %s differs from its test:\n--- guide\n%s\n--- test\n%s", g, b.line, b.name, b.code, want)
			}
		}
	}
	for name := range funcs {
		if strings.HasPrefix(name, "Example") && !shown[name] {
			t.Errorf("%s is in no guide", name)
		}
	}
	if len(shown) == 0 {
		t.Fatal("no marked examples found in the guides")
	}
}

// testFuncs returns the code of each top-level function of the package's
// test files: an Example's body (one tab of indentation removed), any
// other function whole.
func testFuncs(t *testing.T) map[string]string {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil {
				continue
			}
			off := func(p token.Pos) int { return fset.Position(p).Offset }
			if !strings.HasPrefix(fn.Name.Name, "Example") {
				out[fn.Name.Name] = string(src[off(fn.Pos()):off(fn.End())])
				continue
			}
			body := string(src[off(fn.Body.Lbrace)+1 : off(fn.Body.Rbrace)])
			body = strings.Trim(body, "\n")
			lines := strings.Split(body, "\n")
			for i, l := range lines {
				lines[i] = strings.TrimPrefix(l, "\t")
			}
			out[fn.Name.Name] = strings.Join(lines, "\n")
		}
	}
	return out
}

type block struct {
	name string
	line int
	code string
}

// markedBlocks returns the fenced Go blocks that follow an
// "<!-- example: NAME -->" line.
func markedBlocks(path string) ([]block, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []block
	sc := bufio.NewScanner(bytes.NewReader(src))
	n := 0
	var cur *block
	var code []string
	inCode := false
	for sc.Scan() {
		n++
		l := sc.Text()
		switch {
		case inCode && l == "```":
			cur.code = strings.Join(code, "\n")
			out = append(out, *cur)
			cur, code, inCode = nil, nil, false
		case inCode:
			code = append(code, l)
		case strings.HasPrefix(l, "<!-- example: ") && strings.HasSuffix(l, " -->"):
			cur = &block{name: strings.TrimSuffix(strings.TrimPrefix(l, "<!-- example: "), " -->"), line: n}
		case cur != nil && l == "```go":
			inCode = true
		case cur != nil && strings.TrimSpace(l) != "":
			return nil, &markError{cur.name, n}
		}
	}
	if cur != nil {
		return nil, &markError{cur.name, n}
	}
	return out, sc.Err()
}

type markError struct {
	name string
	line int
}

func (e *markError) Error() string {
	return "line " + strconv.Itoa(e.line) + ": example " + e.name + " is not followed by a ```go block"
}
