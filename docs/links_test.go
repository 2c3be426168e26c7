package docs_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// ownGuides are the pages whose links TestLinks checks: the README and
// the guides of this module (the other pages of docs/ have owners of
// their own).
var ownGuides = []string{
	"../README.md", "TUTORIAL.md", "COOKBOOK.md", "MIGRATING.md",
	"CONCURRENCY.md", "SECURITY.md", "DESIGN.md",
}

var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestLinks checks that the README and the guides link only inside the
// repository (no http or https address at all), that every linked file
// exists, and that every #anchor names a heading of its page.
func TestLinks(t *testing.T) {
	for _, page := range ownGuides {
		src, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "http://") || strings.Contains(string(src), "https://") {
			t.Errorf("%s: holds an http(s) address; link only inside the repository", page)
		}
		for _, m := range mdLink.FindAllStringSubmatch(string(src), -1) {
			target := m[1]
			file, anchor, _ := strings.Cut(target, "#")
			path := page
			if file != "" {
				path = filepath.Join(filepath.Dir(page), file)
				if _, err := os.Stat(path); err != nil {
					t.Errorf("%s: link %q: %v", page, target, err)
					continue
				}
			}
			if anchor != "" && !hasAnchor(t, path, anchor) {
				t.Errorf("%s: link %q: no heading with anchor #%s in %s", page, target, anchor, path)
			}
		}
	}
}

// hasAnchor reports whether the Markdown file at path has a heading whose
// anchor, as GitHub spells it, is anchor.
func hasAnchor(t *testing.T, path, anchor string) bool {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(src)) {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		if slug(strings.TrimLeft(strings.TrimSpace(line), "# ")) == anchor {
			return true
		}
	}
	return false
}

// slug is GitHub's heading anchor: lower case, spaces to hyphens, and
// everything but letters, digits, hyphens and underscores dropped.
func slug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
