package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// liveURL returns the project's Dovecot as an imap:// URL with the test
// user, and sets IMAPC_PASSWORD. Without it the test skips, except under
// CI=true, where a missing server fails.
func liveURL(t *testing.T) (url, ca string) {
	t.Helper()
	addr := os.Getenv("IMAPKIT_DOVECOT_ADDR")
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("live Dovecot not configured (IMAPKIT_DOVECOT_ADDR unset) under CI=true")
		}
		t.Skip("live Dovecot not configured: run scripts/servers/dovecot.sh start and eval its env")
	}
	t.Setenv("IMAPC_PASSWORD", os.Getenv("IMAPKIT_DOVECOT_PASS"))
	return "imap://" + os.Getenv("IMAPKIT_DOVECOT_USER") + "@" + addr, os.Getenv("IMAPKIT_DOVECOT_CA")
}

func runImapc(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return out.String(), errb.String(), code
}

func TestHoistConnFlags(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"-url", "U", "list", "x"}, []string{"list", "-url", "U", "x"}},
		{[]string{"-trace", "-url=U", "fetch"}, []string{"fetch", "-trace", "-url=U"}},
		{[]string{"list", "-url", "U"}, []string{"list", "-url", "U"}},
		{[]string{"-h"}, []string{"-h"}},
		{nil, nil},
	}
	for _, tt := range tests {
		if got := hoistConnFlags(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("hoistConnFlags(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestLiveImapc(t *testing.T) {
	url, ca := liveURL(t)
	// STARTTLS with the test CA: the default path for imap:// URLs.
	out, errs, code := runImapc(t, "", "-url", url, "-ca", ca, "capabilities")
	if code != 0 || !strings.Contains(out, "\nIDLE\n") || strings.Contains(out, "STARTTLS") {
		t.Fatalf("capabilities: code %d, out %q, err %q", code, out, errs)
	}
	// Without -ca the self-signed certificate is refused, with a hint.
	if _, errs, code := runImapc(t, "", "capabilities", "-url", url); code != 1 || !strings.Contains(errs, "-ca FILE") {
		t.Errorf("capabilities with an untrusted certificate: exit %d, stderr %q; want 1 and a hint at -ca", code, errs)
	}
	// -no-starttls: the error names the CLI flags, not a Go option.
	if _, errs, code := runImapc(t, "", "capabilities", "-url", url, "-no-starttls"); code != 1 ||
		!strings.Contains(errs, "-no-starttls") || !strings.Contains(errs, "-insecure-auth") || strings.Contains(errs, "Options.") {
		t.Errorf("capabilities -no-starttls: exit %d, stderr %q", code, errs)
	}
	dir := t.TempDir()
	msg := "From: Demo <demo@example.com>\r\nSubject: imapc test\r\n\r\nhello\r\n"
	file := filepath.Join(dir, "m.eml")
	os.WriteFile(file, []byte(msg), 0o644)
	out, errs, code = runImapc(t, "", "append", "-url", url, "-ca", ca, "-mailbox", "INBOX", file)
	if code != 0 || !strings.HasPrefix(out, file+"\tUID ") {
		t.Fatalf("append FILE: code %d, out %q, err %q", code, out, errs)
	}
	out, errs, code = runImapc(t, msg, "append", "-url", url, "-ca", ca, "-flags", `\Seen`, "-")
	if code != 0 || !strings.Contains(out, "UID ") {
		t.Fatalf("append from stdin: code %d, out %q, err %q", code, out, errs)
	}
	out, errs, code = runImapc(t, "", "list", "-url", url, "-ca", ca)
	if code != 0 || !strings.Contains(out, "INBOX") || !strings.Contains(out, "messages") {
		t.Fatalf("list: code %d, out %q, err %q", code, out, errs)
	}
	out, errs, code = runImapc(t, "", "fetch", "-url", url, "-ca", ca)
	if code != 0 || !strings.Contains(out, "imapc test") || !strings.Contains(out, "Demo <demo@example.com>") || !strings.HasPrefix(out, "UID ") {
		t.Fatalf("fetch: code %d, out %q, err %q", code, out, errs)
	}
	save := filepath.Join(dir, "backup")
	_, errs, code = runImapc(t, "", "fetch", "-url", url, "-ca", ca, "-o", save)
	if code != 0 {
		t.Fatalf("fetch -o: code %d, err %q", code, errs)
	}
	files, _ := filepath.Glob(filepath.Join(save, "*.eml"))
	found := false
	for _, f := range files {
		if b, _ := os.ReadFile(f); string(b) == msg {
			found = true
		}
	}
	if !found {
		t.Errorf("fetch -o saved %d files, none of them the appended message", len(files))
	}
	// A second -o into the same folder refuses to overwrite, unless -force.
	os.WriteFile(files[0], []byte("mine"), 0o644)
	if _, errs, code := runImapc(t, "", "fetch", "-url", url, "-ca", ca, "-o", save); code != 1 || !strings.Contains(errs, "-force") {
		t.Errorf("fetch -o into a full folder: exit %d, stderr %q; want 1 and a hint at -force", code, errs)
	}
	if b, _ := os.ReadFile(files[0]); string(b) != "mine" {
		t.Errorf("fetch -o overwrote %s", files[0])
	}
	if _, errs, code := runImapc(t, "", "fetch", "-url", url, "-ca", ca, "-o", save, "-force"); code != 0 {
		t.Errorf("fetch -o -force: exit %d, stderr %q", code, errs)
	}
	if b, _ := os.ReadFile(files[0]); string(b) == "mine" {
		t.Errorf("fetch -o -force did not overwrite %s", files[0])
	}
	if parts, _ := filepath.Glob(filepath.Join(save, ".*.part")); len(parts) != 0 {
		t.Errorf("fetch -o left %q", parts)
	}
	out, errs, code = runImapc(t, "", "idle", "-url", url, "-ca", ca, "-for", "300ms")
	if code != 0 || !strings.Contains(out, "idling") {
		t.Fatalf("idle: code %d, out %q, err %q", code, out, errs)
	}
}
