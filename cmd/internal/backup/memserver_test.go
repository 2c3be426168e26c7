package backup

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/conformance/memserver"
	"github.com/imapkit/imapkit/seqset"
)

// memDial starts an in-memory server on 127.0.0.1 and returns it with a
// Dial function that logs in to it.
func memDial(t *testing.T) (*memserver.Server, func(context.Context) (*client.Conn, error)) {
	t.Helper()
	srv := memserver.New(&memserver.Options{Users: map[string]string{"u": "p"}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	addr := ln.Addr().String()
	return srv, func(ctx context.Context) (*client.Conn, error) {
		c, err := client.Dial(ctx, "imap://"+addr, &client.Options{InsecureAuth: true})
		if err != nil {
			return nil, err
		}
		if err := c.Login(ctx, "u", "p"); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
}

func seedMessages(from, n int) []memserver.Message {
	var out []memserver.Message
	for i := from; i < from+n; i++ {
		size := 200 + 131*i
		if i%7 == 3 {
			size = 90 << 10 // streamed
		}
		flags := [][]string{nil, {`\Seen`}, {`\Seen`, `\Answered`, `$Forwarded`, `$Label1`}, {`\Flagged`, `\Draft`, `todo`}}[i%4]
		out = append(out, memserver.Message{Raw: message(i, size), Flags: flags,
			Date: time.Date(2019+i%5, time.Month(1+i%12), 1+i%28, i%24, 0, 0, 0, time.UTC)})
	}
	return out
}

// TestMemserverBackup runs the whole cycle against the in-memory server:
// hostile mailbox names, an interrupted run resumed, changes, a
// UIDVALIDITY change — each step verified file by file.
func TestMemserverBackup(t *testing.T) {
	srv, dial := memDial(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	boxes := []string{"INBOX", "Work", "Work/Projects", "cur", "Work/..", "..", ".hidden", "dovecot-keywords", `a\b`, "x:y", "Entwürfe"}
	var created []string
	for _, b := range boxes {
		if b != "INBOX" {
			if err := srv.CreateMailbox("u", b, ""); err != nil {
				t.Logf("the server refuses mailbox %q: %v", b, err)
				continue
			}
		}
		created = append(created, b)
	}
	if len(created) < 8 {
		t.Fatalf("only %q could be created", created)
	}
	total := 0
	for i, b := range created {
		n := 3 + i%4
		if b == "INBOX" {
			n = 25
		}
		if err := srv.Seed("u", b, seedMessages(i*100, n)...); err != nil {
			t.Fatal(err)
		}
		total += n
	}
	c, err := dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	base := t.TempDir()
	dir := filepath.Join(base, "backup")
	opts := func(cnt *counter) Options {
		return Options{Dir: dir, Dial: dial, Jobs: 3, Compress: true, BatchMessages: 3, BatchBytes: 64 << 10, Pipeline: 3, Progress: cnt.event}
	}
	check := func() {
		t.Helper()
		for _, b := range created {
			verify(t, ctx, c, dir, b, '/')
		}
		// Nothing outside dir.
		ents, _ := os.ReadDir(base)
		if len(ents) != 1 {
			t.Errorf("the backup wrote beside its folder: %v", ents)
		}
	}

	rctx, rcancel := context.WithCancel(ctx)
	cnt := &counter{onMsg: func(n int) {
		if n == 10 {
			rcancel()
		}
	}}
	if _, err := Run(rctx, opts(cnt)); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v; want context.Canceled", err)
	}
	rcancel()
	saved := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(filepath.Dir(p)) == "cur" {
			saved++
		}
		return nil
	})
	if saved < 10 || saved >= total {
		t.Fatalf("interrupted run saved %d of %d", saved, total)
	}
	cnt = &counter{}
	sum, err := Run(ctx, opts(cnt))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Messages != total-saved || len(cnt.warnings) > 0 {
		t.Errorf("resumed run: %+v, warnings %q; want %d messages", sum, cnt.warnings, total-saved)
	}
	check()

	// Flags, an expunge, a new message, and a UIDVALIDITY change.
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		set   string
		mode  client.StoreMode
		flags []string
	}{{"1:2", client.StoreAdd, []string{`\Flagged`, "$Work"}}, {"3", client.StoreRemove, []string{`\Seen`, `\Answered`}}, {"4", client.StoreAdd, []string{`\Deleted`}}} {
		f, err := c.UIDStore(ctx, seqset.MustParse(st.set), &client.StoreFlags{Mode: st.mode, Flags: st.flags, Silent: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.CollectMessages(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Expunge(ctx); err != nil {
		t.Fatal(err)
	}
	c.Unselect(ctx)
	if err := srv.Seed("u", "INBOX", seedMessages(9000, 1)...); err != nil {
		t.Fatal(err)
	}
	oldState, _ := readState(filepath.Join(dir, mailboxPath("Work/Projects", '/')))
	if err := c.Delete(ctx, "Work/Projects"); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, "Work/Projects"); err != nil {
		t.Fatal(err)
	}
	srv.Seed("u", "Work/Projects", seedMessages(500, 2)...)
	cnt = &counter{}
	if sum, err = Run(ctx, opts(cnt)); err != nil {
		t.Fatal(err)
	}
	if sum.Messages != 3 || sum.Expunged != 1 || sum.FlagUpdates != 3 || sum.Restarted != 1 {
		t.Errorf("incremental run: %+v; want 3 messages, 3 flag changes, 1 expunged, 1 restarted", sum)
	}
	check()
	aside := filepath.Join(dir, mailboxPath("Work/Projects", '/'), asideName(oldState.UIDValidity))
	if ents, _ := os.ReadDir(filepath.Join(aside, "cur")); len(ents) == 0 {
		t.Errorf("the old copy is not in %s", aside)
	}
	// A run with nothing new changes nothing.
	if sum, err = Run(ctx, opts(&counter{})); err != nil || sum.Messages+sum.FlagUpdates+sum.Expunged != 0 {
		t.Errorf("no-change run: %+v, %v", sum, err)
	}

	// Restore into a fresh server gives the same mailboxes back.
	srv2, dial2 := memDial(t)
	_ = srv2
	rs, err := Restore(ctx, RestoreOptions{Dir: dir, Dial: dial2, Window: 4})
	if err != nil {
		t.Fatal(err)
	}
	if rs.Mailboxes != len(created) || rs.Skipped != 0 {
		t.Errorf("restore: %+v", rs)
	}
	dir2 := filepath.Join(t.TempDir(), "again")
	if _, err := Run(ctx, Options{Dir: dir2, Dial: dial2}); err != nil {
		t.Fatal(err)
	}
	for _, b := range created {
		a := localSet(t, filepath.Join(dir, mailboxPath(b, '/')), false) // what was expunged is not restored
		z := localSet(t, filepath.Join(dir2, mailboxPath(b, '/')), false)
		if strings.Join(a, "\n") != strings.Join(z, "\n") {
			t.Errorf("%s: restored copy differs:\nbefore %q\nafter  %q", b, a, z)
		}
	}
}
