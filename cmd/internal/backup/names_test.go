package backup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile are mailbox names a server might send to escape the backup
// folder or to collide with the Maildir's own files.
var hostile = []struct {
	name  string
	delim rune
}{
	{"..", '/'},
	{"../../etc/passwd", '/'},
	{"/etc/passwd", '/'},
	{"/", '/'},
	{"a//b", '/'},
	{"a/", '/'},
	{".", 0},
	{"..", 0},
	{"../x", 0},
	{"a/../../b", 0},
	{`..\..\windows`, '.'},
	{"a\x00b", '/'},
	{"\x00", 0},
	{"x\r\ny", '/'},
	{"cur", '/'},
	{"INBOX/cur", '/'},
	{"INBOX/New", '/'},
	{"INBOX/TMP", '/'},
	{".imapc-state", '/'},
	{"INBOX/.imapc-expunged", '/'},
	{"INBOX.dovecot-keywords", '.'},
	{"", '/'},
	{"%2E%2E", '/'},
	{"C:\\x", 0},
	{"\xff\xfe..", '/'},
	{"Entwürfe/日本語", '/'},
	{strings.Repeat("é", 300), '/'},
	{strings.Repeat("%", 300), '/'},
	{strings.Repeat("a", 1000) + "/" + strings.Repeat("b", 1000), '/'},
}

func TestMailboxPathHostile(t *testing.T) {
	base := t.TempDir()
	seen := map[string]string{}
	for _, h := range hostile {
		rel := mailboxPath(h.name, h.delim)
		if !within(rel) {
			t.Errorf("mailboxPath(%q) = %q: not within the base", h.name, rel)
			continue
		}
		for _, p := range strings.Split(filepath.ToSlash(rel), "/") {
			if len(p) > 255 || p == "" || p == "." || p == ".." || strings.ContainsAny(p, "\x00\\:") || !utf8.ValidString(p) {
				t.Errorf("mailboxPath(%q) has component %q", h.name, p)
			}
			if l := strings.ToLower(p); l == "cur" || l == "new" || l == "tmp" || strings.HasPrefix(p, ".") || l == keywordsFile {
				t.Errorf("mailboxPath(%q) has component %q, which collides with the Maildir's own", h.name, p)
			}
		}
		key := h.name
		if h.delim != 0 {
			key = strings.Join(strings.Split(h.name, string(h.delim)), "\x00")
		}
		if other, ok := seen[rel]; ok && other != key {
			t.Errorf("%q and %q both map to %q", other, key, rel)
		}
		seen[rel] = key
		// Created for real, the folder is inside base.
		dir := filepath.Join(base, rel)
		if err := makeMaildir(dir); err != nil {
			t.Errorf("makeMaildir(%q): %v", rel, err)
			continue
		}
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(real, base+string(filepath.Separator)) {
			t.Errorf("mailbox %q landed at %q, outside %q", h.name, real, base)
		}
	}
	// Nothing was created beside base.
	ents, _ := os.ReadDir(filepath.Dir(base))
	for _, e := range ents {
		if e.Name() == "etc" || e.Name() == "x" || e.Name() == "b" {
			t.Errorf("a name escaped: %s exists beside the base", e.Name())
		}
	}
}

func TestEscapeComponent(t *testing.T) {
	for in, want := range map[string]string{
		"INBOX":            "INBOX",
		"Entwürfe":         "Entwürfe",
		"":                 "%",
		".":                "%2E",
		"..":               "%2E.",
		".hidden":          "%2Ehidden",
		"a.b":              "a.b",
		"cur":              "%63ur",
		"Tmp":              "%54mp",
		"Dovecot-Keywords": "%44ovecot-Keywords",
		"current":          "current",
		"50%":              "50%25",
		"a/b":              "a%2Fb",
		"a\x00b":           "a%00b",
		"a:b":              "a%3Ab",
		"\xff":             "%FF",
	} {
		if got := escapeComponent(in); got != want {
			t.Errorf("escapeComponent(%q) = %q; want %q", in, got, want)
		}
	}
}

func FuzzEscapeComponent(f *testing.F) {
	for _, h := range hostile {
		f.Add(h.name, "x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ea, eb := escapeComponent(a), escapeComponent(b)
		if !within(ea) || strings.ContainsAny(ea, "/\\\x00") || len(ea) > 255 || strings.HasPrefix(ea, ".") {
			t.Fatalf("escapeComponent(%q) = %q: unsafe", a, ea)
		}
		if a != b && ea == eb && len(ea) <= maxComponent-17 {
			t.Fatalf("%q and %q both escape to %q", a, b, ea)
		}
	})
}
