package backup

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestInfoFlags(t *testing.T) {
	dir := t.TempDir()
	k, err := loadKeywords(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, dropped, err := k.info([]string{`\Seen`, `\Recent`, `\Answered`, `$Junk`, `\Draft`, `\Flagged`, `\Deleted`, `$Forwarded`, `\Unknown`, `work`, `$junk`}, false)
	if err != nil || dropped != 0 {
		t.Fatal(err, dropped)
	}
	if info != "DFPRSTab" {
		t.Errorf("info = %q; want DFPRSTab", info)
	}
	b, _ := os.ReadFile(filepath.Join(dir, keywordsFile))
	if string(b) != "0 $Junk\n1 work\n" {
		t.Errorf("keywords file = %q", b)
	}
	// Read back by a fresh table, as restore does.
	k2, err := loadKeywords(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := k2.flags(info)
	want := []string{`\Draft`, `\Flagged`, `$Forwarded`, `\Answered`, `\Seen`, `\Deleted`, `$Junk`, `work`}
	if !slices.Equal(got, want) {
		t.Errorf("flags(%q) = %q; want %q", info, got, want)
	}
	// The 27th keyword has no letter.
	for i := 0; i < 30; i++ {
		_, dropped, err = k2.info([]string{fmt.Sprintf("kw%d", i)}, false)
		if err != nil {
			t.Fatal(err)
		}
		if want := i >= 24; (dropped > 0) != want {
			t.Errorf("keyword %d: dropped %d", i, dropped)
		}
	}
	// Keywords that would break the file are ignored.
	if info, _, _ := k2.info([]string{"a b", "x\ny", ""}, false); info != "" {
		t.Errorf("info of invalid keywords = %q", info)
	}
}

func TestMalformedKeywordsFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, keywordsFile), []byte("1 skipped\n"), 0o600)
	if _, err := loadKeywords(dir); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Errorf("loadKeywords = %v; want a malformed-line error", err)
	}
}

func TestMessageName(t *testing.T) {
	n := messageName(42, 7, "FS")
	if n != "U42.V7.imapc:2,FS" {
		t.Errorf("messageName = %q", n)
	}
	for _, tt := range []struct {
		name      string
		uid, uidv uint32
		info      string
		ok        bool
	}{
		{n, 42, 7, "FS", true},
		{"U42.V7.imapc", 42, 7, "", true},
		{"U4294967295.V4294967295.imapc:2,", 4294967295, 4294967295, "", true},
		{"U0.V7.imapc:2,", 0, 0, "", false},
		{"U4294967296.V7.imapc:2,", 0, 0, "", false},
		{"1700000000.M1P2.host:2,S", 0, 0, "", false},
		{"U1.V2.other:2,S", 0, 0, "", false},
		{"Ux.V2.imapc", 0, 0, "", false},
	} {
		uid, uidv, info, ok := parseMessageName(tt.name)
		if uid != tt.uid || uidv != tt.uidv || info != tt.info || ok != tt.ok {
			t.Errorf("parseMessageName(%q) = %d, %d, %q, %v", tt.name, uid, uidv, info, ok)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	for _, s := range []string{"one", "two"} {
		if err := writeFileAtomic(p, []byte(s), true); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(p); string(b) != s {
			t.Errorf("file = %q; want %q", b, s)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("%d entries left; want only the file", len(ents))
	}
}
