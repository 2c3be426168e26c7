package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/cmd/internal/backup"
)

func TestProgressJSONAndSummary(t *testing.T) {
	var out, errOut bytes.Buffer
	p := newProgress(&env{Stdout: &out, Stderr: &errOut}, "backup", true)
	if p.bar != nil {
		t.Fatal("a progress bar on a buffer")
	}
	p.event(backup.Event{Kind: backup.EventMailbox, Mailbox: "INBOX", Messages: 2, Bytes: 3000})
	p.event(backup.Event{Kind: backup.EventMessage, Mailbox: "INBOX", Messages: 1, Bytes: 1000})
	p.event(backup.Event{Kind: backup.EventWarning, Mailbox: "INBOX", Text: "a <warning>"})
	p.finish(&backup.Summary{Mailboxes: 1, Messages: 2, Bytes: 3 << 20, Elapsed: 2 * time.Second})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"mailbox", "message", "warning", "summary"}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines:\n%s", len(lines), out.String())
	}
	for i, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil || v["event"] != want[i] {
			t.Errorf("line %d = %s (%v); want event %q", i, l, err, want[i])
		}
		if i == 3 && (v["bytes_per_second"] != float64(3<<20)/2 || v["seconds"] != 2.0) {
			t.Errorf("summary = %s", l)
		}
	}
	if !strings.Contains(lines[2], "a <warning>") || errOut.Len() != 0 {
		t.Errorf("warning line %s, stderr %q", lines[2], errOut.String())
	}

	// Without -json and no terminal: warnings and the summary on stderr.
	out.Reset()
	errOut.Reset()
	p = newProgress(&env{Stdout: &out, Stderr: &errOut}, "backup", false)
	p.event(backup.Event{Kind: backup.EventMessage, Mailbox: "INBOX", Messages: 1, Bytes: 10})
	p.event(backup.Event{Kind: backup.EventWarning, Mailbox: "INBOX", Text: "skipped"})
	p.finish(&backup.Summary{Mailboxes: 3, Messages: 7, Bytes: 5 << 20, Elapsed: time.Second, Restarted: 1})
	got := errOut.String()
	for _, w := range []string{"imapc backup: INBOX: skipped\n", "3 mailboxes, 7 messages, 5.0 MiB in 1s (5.0 MiB/s)", "1 restarted"} {
		if !strings.Contains(got, w) {
			t.Errorf("stderr lacks %q:\n%s", w, got)
		}
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q", out.String())
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[float64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1.5 * (1 << 30): "1.5 GiB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%v) = %q; want %q", n, got, want)
		}
	}
}
