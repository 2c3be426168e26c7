package harness

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary act as imapbench's child process, as the
// imapbench binary does: the harness re-executes os.Executable().
func TestMain(m *testing.M) {
	if os.Getenv(ChildEnv) != "" {
		RunChild()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSmallMode runs `imapbench -small` against the project's Dovecot:
// every case with every client, tiny mailboxes, one iteration. It needs a
// running Dovecot (scripts/servers/dovecot.sh start) and python3; without
// the server it skips, except under CI=true, where it fails.
func TestSmallMode(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("-short")
	}
	repo, err := findRepo()
	if err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("bash", filepath.Join(repo, "scripts", "servers", "dovecot.sh"), "status").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the project's Dovecot is not running (scripts/servers/dovecot.sh start): %v", err)
		}
		t.Skipf("the project's Dovecot is not running: %v", err)
	}
	out := filepath.Join(t.TempDir(), "PERFORMANCE.md")
	if code := Main([]string{"-small", "-out", out}); code != 0 {
		b, _ := os.ReadFile(out)
		t.Fatalf("imapbench -small exited %d\n%s", code, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	report := string(b)
	for _, want := range []string{"## Full download", "## Metadata", "## Latency", "## COMPRESS=DEFLATE", "## APPEND",
		"| raw socket (lower bound) |", "| imapkit, streaming |", "| go-imap v2, Collect |", "| Python imaplib |",
		"| imapkit, pipelined |", "| imapkit, streaming, klauspost flate |", "| raw socket, MULTIAPPEND |",
		"## Backup: full", "## Backup: re-run, nothing new", "| imapc backup |", "| imapc backup -compress=false |"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// mbsync (Debian's isync) is optional here: without it its rows say
	// so ("not available: mbsync is not installed").
	if _, err := exec.LookPath("mbsync"); err == nil && !strings.Contains(report, "| mbsync (isync)") {
		t.Errorf("mbsync is installed but the report has no mbsync row")
	}
	if strings.Contains(report, "failed") {
		t.Errorf("report has failed runs:\n%s", report)
	}
	if testing.Verbose() {
		t.Log(report)
	}
}
