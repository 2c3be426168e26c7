package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls buf until it contains want, for at most 20 s.
func waitFor(t *testing.T, buf *syncBuffer, want string) {
	t.Helper()
	for range 400 {
		if strings.Contains(buf.String(), want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no %q in:\n%s", want, buf.String())
}

func TestLiveWatchRawBackupRestore(t *testing.T) {
	url, ca := liveURL(t)
	box := fmt.Sprintf("imapkit-imapc-cmd-%d-%d", time.Now().UnixNano(), rand.Uint64())
	raw := func(cmds ...string) string {
		t.Helper()
		out, errs, code := runImapc(t, "", append([]string{"raw", "-url", url, "-ca", ca}, cmds...)...)
		if code != 0 {
			t.Fatalf("raw %q: exit %d: %s", cmds, code, errs)
		}
		return out
	}
	out := raw("CREATE " + box)
	t.Cleanup(func() { runImapc(t, "", "raw", "-url", url, "-ca", ca, "DELETE "+box) })
	var done map[string]any
	if err := json.Unmarshal([]byte(out), &done); err != nil || done["kind"] != "done" || done["status"] != "OK" {
		t.Fatalf("raw CREATE printed %q (%v)", out, err)
	}
	// raw: a bad command exits 1 after printing its completion.
	out, _, code := runImapc(t, "", "raw", "-url", url, "-ca", ca, "FROBNICATE")
	if code != 1 || !strings.Contains(out, `"status":"BAD"`) {
		t.Errorf("raw FROBNICATE: exit %d, %q", code, out)
	}
	if _, _, code := runImapc(t, "", "raw", "-url", url, "NOOP\r\nA LOGOUT"); code != 2 {
		t.Errorf("raw with CRLF in the command: exit %d; want 2", code)
	}

	// watch, while another connection appends, flags and expunges.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wout, werr syncBuffer
	wdone := make(chan int, 1)
	go func() {
		wdone <- run([]string{"watch", "-url", url, "-ca", ca, "-mailbox", box}, &env{Stdin: strings.NewReader(""), Stdout: &wout, Stderr: &werr, Ctx: ctx})
	}()
	waitFor(t, &wout, `"event":"watching"`)
	dir := t.TempDir()
	msg := "From: Watcher <w@example.com>\r\nSubject: =?UTF-8?q?gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <w1@imapc.test>\r\n\r\nhi\r\n"
	file := filepath.Join(dir, "m.eml")
	os.WriteFile(file, []byte(msg), 0o644)
	for range 2 {
		if _, errs, code := runImapc(t, "", "append", "-url", url, "-ca", ca, "-mailbox", box, file); code != 0 {
			t.Fatalf("append: %s", errs)
		}
	}
	waitFor(t, &wout, `"event":"arrived","uid":2`)
	raw("SELECT "+box, `UID STORE 2 +FLAGS (\Flagged)`)
	waitFor(t, &wout, `"event":"flags","uid":2`)
	raw("SELECT "+box, `UID STORE 1 +FLAGS (\Deleted)`, "EXPUNGE")
	waitFor(t, &wout, `"event":"expunged","uid":1`)
	cancel()
	if code := <-wdone; code != 0 {
		t.Errorf("watch exited %d: %s", code, werr.String())
	}
	for _, want := range []string{`"from":"Watcher <w@example.com>"`, `"subject":"grüße"`} {
		if !strings.Contains(wout.String(), want) {
			t.Errorf("watch output lacks %s:\n%s", want, wout.String())
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(wout.String()), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil || v["time"] == nil {
			t.Errorf("watch line %q is not a JSON event (%v)", line, err)
		}
	}

	// backup -json, then a re-run with nothing new, then restore.
	bdir := filepath.Join(dir, "backup")
	out, errs, code := runImapc(t, "", "backup", "-url", url, "-ca", ca, "-mailbox", box, "-json", bdir)
	if code != 0 || !strings.Contains(out, `"event":"summary","messages":1,`) {
		t.Fatalf("backup: exit %d, out %q, err %q", code, out, errs)
	}
	files, _ := filepath.Glob(filepath.Join(bdir, box, "cur", "U2.V*.imapc:2,F"))
	if len(files) != 1 {
		t.Fatalf("backup wrote %v; want one message with flag F", files)
	}
	if b, _ := os.ReadFile(files[0]); string(b) != msg {
		t.Errorf("backed-up message = %q", b)
	}
	_, errs, code = runImapc(t, "", "backup", "-url", url, "-ca", ca, "-mailbox", box, bdir)
	if code != 0 || !strings.Contains(errs, "1 mailboxes, 0 messages") {
		t.Errorf("second backup: exit %d, stderr %q", code, errs)
	}
	raw("SELECT "+box, `UID STORE 2 +FLAGS (\Deleted)`, "EXPUNGE")
	out, errs, code = runImapc(t, "", "restore", bdir, "-url", url, "-ca", ca, "-json")
	if code != 0 || !strings.Contains(out, `"event":"summary","messages":1,`) {
		t.Fatalf("restore: exit %d, out %q, err %q", code, out, errs)
	}
	out = raw("EXAMINE "+box, "FETCH 1:* (FLAGS BODY.PEEK[])")
	if !strings.Contains(out, `\\Flagged`) || !strings.Contains(out, "Subject: =?UTF-8?q?gr=C3=BC=C3=9Fe?=") {
		t.Errorf("restored message: %s", out)
	}
	if _, errs, code := runImapc(t, "", "restore", "-url", url, "-ca", ca, t.TempDir()); code != 1 || !strings.Contains(errs, "no mailbox backup") {
		t.Errorf("restore of a folder without a backup: exit %d, %q", code, errs)
	}
}
