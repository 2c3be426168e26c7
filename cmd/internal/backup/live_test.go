package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// liveDial returns a Dial function for the project's Dovecot
// (scripts/servers/dovecot.sh start; eval "$(scripts/servers/dovecot.sh
// env)"). Without it the test skips, except under CI=true, where it fails.
func liveDial(t *testing.T) func(context.Context) (*client.Conn, error) {
	t.Helper()
	addr := os.Getenv("IMAPKIT_DOVECOT_ADDR")
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("live Dovecot not configured (IMAPKIT_DOVECOT_ADDR unset) under CI=true")
		}
		t.Skip("live Dovecot not configured: run scripts/servers/dovecot.sh start and eval its env")
	}
	user, pass := os.Getenv("IMAPKIT_DOVECOT_USER"), os.Getenv("IMAPKIT_DOVECOT_PASS")
	return func(ctx context.Context) (*client.Conn, error) {
		c, err := client.Dial(ctx, "imap://"+addr, &client.Options{InsecureAuth: true}) // 127.0.0.1 only
		if err != nil {
			return nil, err
		}
		if err := c.Login(ctx, user, pass); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	}
}

// deleteBoxes deletes the test's mailboxes, children first, over a
// connection of its own (the test's is closed by then).
func deleteBoxes(t *testing.T, dial func(context.Context) (*client.Conn, error), boxes ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := dial(ctx)
	if err != nil {
		t.Logf("cleanup: %v; mailboxes %q left on the server", err, boxes)
		return
	}
	defer c.Close()
	slices.Sort(boxes)
	for _, b := range slices.Backward(boxes) {
		if err := c.Delete(ctx, b); err != nil {
			t.Logf("cleanup: DELETE %s: %v", b, err)
		}
	}
	c.Logout(ctx)
}

// counter counts a run's events.
type counter struct {
	mu       sync.Mutex
	messages int
	warnings []string
	onMsg    func(n int)
}

func (c *counter) event(ev Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ev.Kind {
	case EventMessage:
		c.messages++
		if c.onMsg != nil {
			c.onMsg(c.messages)
		}
	case EventWarning:
		c.warnings = append(c.warnings, ev.Mailbox+": "+ev.Text)
	}
}

func message(i, size int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Sender %d <s%d@example.com>\r\nSubject: backup test %d\r\nMessage-ID: <%d.%d@imapc.test>\r\n\r\n", i, i, i, i, time.Now().UnixNano())
	for b.Len() < size {
		fmt.Fprintf(&b, "line %d of message %d, padding padding padding\r\n", b.Len(), i)
	}
	return b.Bytes()
}

// verify compares the Maildir of mailbox in dir with the server, file by
// file: the same UIDs, contents, flags and dates; nothing left in tmp/.
func verify(t *testing.T, ctx context.Context, c *client.Conn, dir, mailbox string, delim rune) {
	t.Helper()
	mdir := filepath.Join(dir, mailboxPath(mailbox, delim))
	mb, err := c.Select(ctx, mailbox, &client.SelectOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("EXAMINE %s: %v", mailbox, err)
	}
	server := map[uint32]*wire.FetchData{}
	if mb.Exists > 0 {
		msgs, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{UID: true, Flags: true, InternalDate: true, Sections: []client.FetchSection{{}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		all, err := msgs.CollectMessages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range all {
			server[d.UID] = d
		}
	}
	kw, err := loadKeywords(mdir)
	if err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(filepath.Join(mdir, "cur"))
	if err != nil {
		t.Fatal(err)
	}
	local := map[uint32]bool{}
	for _, e := range ents {
		uid, uidv, info, ok := parseMessageName(e.Name())
		if !ok {
			t.Errorf("%s: stray file %s", mailbox, e.Name())
			continue
		}
		if uidv != mb.UIDValidity {
			t.Errorf("%s: file %s of UIDVALIDITY %d, server has %d", mailbox, e.Name(), uidv, mb.UIDValidity)
		}
		local[uid] = true
		d := server[uid]
		if d == nil {
			t.Errorf("%s: file %s for UID %d, which the server does not have", mailbox, e.Name(), uid)
			continue
		}
		path := filepath.Join(mdir, "cur", e.Name())
		body, _ := os.ReadFile(path)
		if len(d.Sections) != 1 || !bytes.Equal(body, d.Sections[0].Data) {
			t.Errorf("%s: UID %d: file contents differ from the server's (%d vs %d octets)", mailbox, uid, len(body), len(d.Sections[0].Data))
		}
		var want []string
		for _, f := range d.Flags {
			if !strings.EqualFold(f, `\Recent`) {
				want = append(want, strings.ToLower(f))
			}
		}
		var got []string
		for _, f := range kw.flags(info) {
			got = append(got, strings.ToLower(f))
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: UID %d: flags %q in the name, server has %q", mailbox, uid, got, want)
		}
		fi, _ := os.Stat(path)
		if !fi.ModTime().Equal(d.InternalDate) {
			t.Errorf("%s: UID %d: mtime %v, INTERNALDATE %v", mailbox, uid, fi.ModTime(), d.InternalDate)
		}
	}
	for uid := range server {
		if !local[uid] {
			t.Errorf("%s: UID %d is not in the backup", mailbox, uid)
		}
	}
	if tmp, _ := os.ReadDir(filepath.Join(mdir, "tmp")); len(tmp) != 0 {
		t.Errorf("%s: %d files left in tmp/", mailbox, len(tmp))
	}
	st, err := readState(mdir)
	if err != nil || st == nil {
		t.Fatalf("%s: state: %v", mailbox, err)
	}
	if st.UIDValidity != mb.UIDValidity || (mb.UIDNext > 0 && st.LastUID+1 < mb.UIDNext && len(server) > 0) || st.Mailbox != mailbox {
		t.Errorf("%s: state %+v; server UIDVALIDITY %d UIDNEXT %d", mailbox, st, mb.UIDValidity, mb.UIDNext)
	}
}

func TestLiveBackup(t *testing.T) {
	dial := liveDial(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	root := fmt.Sprintf("imapkit-imapc-backup-%d-%d", time.Now().UnixNano(), rand.Uint64())
	child := root + "/Entwürfe"
	hostileName := root + "/cur"
	boxes := []string{root, child, hostileName}
	t.Cleanup(func() { deleteBoxes(t, dial, boxes...) })
	for _, b := range boxes {
		if err := c.Create(ctx, b); err != nil {
			t.Fatalf("CREATE %s: %v", b, err)
		}
	}
	appendMsgs := func(mailbox string, from, n int) {
		t.Helper()
		for i := from; i < from+n; i++ {
			size := 500 + i*97
			if i%10 == 3 {
				size = 200 << 10 // over the stream threshold: streamed to tmp/
			}
			flags := []string{}
			switch i % 4 {
			case 1:
				flags = []string{`\Seen`}
			case 2:
				flags = []string{`\Seen`, `\Answered`, `$Forwarded`, `$Label1`}
			case 3:
				flags = []string{`\Flagged`, `\Draft`, `project-x`}
			}
			m := message(i, size)
			date := time.Date(2020+i%4, time.Month(1+i%12), 1+i%28, i%24, i%60, 0, 0, time.FixedZone("", 3600))
			if _, err := c.Append(ctx, mailbox, bytes.NewReader(m), int64(len(m)), &client.AppendOptions{Flags: flags, Date: date}); err != nil {
				t.Fatalf("APPEND: %v", err)
			}
		}
	}
	appendMsgs(root, 0, 30)
	appendMsgs(child, 100, 5)
	appendMsgs(hostileName, 200, 2)
	total := 37

	dirs := map[string]bool{filepath.Join(t.TempDir(), "condstore"): false, filepath.Join(t.TempDir(), "plain"): true}
	opts := func(dir string, noCS bool, cnt *counter) Options {
		return Options{Dir: dir, Patterns: []string{root + "*"}, Dial: dial, Jobs: 2, Compress: true, Fsync: true,
			BatchMessages: 4, Pipeline: 3, NoCondStore: noCS, Progress: cnt.event}
	}
	check := func(dir string) {
		t.Helper()
		for _, b := range boxes {
			verify(t, ctx, c, dir, b, '/')
		}
	}

	for dir, noCS := range dirs {
		// Interrupted after 7 messages...
		rctx, rcancel := context.WithCancel(ctx)
		cnt := &counter{onMsg: func(n int) {
			if n == 7 {
				rcancel()
			}
		}}
		_, err := Run(rctx, opts(dir, noCS, cnt))
		rcancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted run: err = %v; want context.Canceled", err)
		}
		saved := 0
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Base(filepath.Dir(p)) == "cur" {
				saved++
			}
			return nil
		})
		if saved < 7 || saved >= total {
			t.Fatalf("interrupted run saved %d files; want 7 to %d", saved, total-1)
		}
		// ... and re-run: only the rest is fetched.
		cnt = &counter{}
		sum, err := Run(ctx, opts(dir, noCS, cnt))
		if err != nil {
			t.Fatalf("resumed run: %v", err)
		}
		if cnt.messages != total-saved || sum.Messages != total-saved {
			t.Errorf("resumed run fetched %d messages (summary %d); want %d", cnt.messages, sum.Messages, total-saved)
		}
		if len(cnt.warnings) > 0 {
			t.Errorf("warnings: %q", cnt.warnings)
		}
		check(dir)
		// A run with nothing new fetches nothing and renames nothing.
		cnt = &counter{}
		sum, err = Run(ctx, opts(dir, noCS, cnt))
		if err != nil || sum.Messages != 0 || sum.FlagUpdates != 0 || sum.Expunged != 0 || sum.Mailboxes != 3 {
			t.Errorf("no-change run: %+v, %v", sum, err)
		}
	}

	// Changes on the server: flags, an expunge, new messages.
	if _, err := c.Select(ctx, root, nil); err != nil {
		t.Fatal(err)
	}
	store := func(set string, mode client.StoreMode, flags ...string) {
		t.Helper()
		f, err := c.UIDStore(ctx, seqset.MustParse(set), &client.StoreFlags{Mode: mode, Flags: flags, Silent: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.CollectMessages(ctx); err != nil {
			t.Fatal(err)
		}
	}
	store("1:3", client.StoreAdd, `\Flagged`, `$Work`)
	store("6", client.StoreRemove, `\Seen`)
	store("5", client.StoreAdd, `\Deleted`)
	if _, err := c.Expunge(ctx); err != nil {
		t.Fatal(err)
	}
	appendMsgs(root, 30, 2)
	// A UIDVALIDITY change: the child is deleted and made anew.
	c.Unselect(ctx)
	oldV := map[string]uint32{}
	for dir := range dirs {
		st, _ := readState(filepath.Join(dir, mailboxPath(child, '/')))
		oldV[dir] = st.UIDValidity
	}
	// Dovecot may answer CREATE with ALREADYEXISTS right after DELETE
	// when a session of the backup that had the mailbox selected is
	// still closing (it writes its index files back into the folder):
	// delete again, a bounded number of times.
	for try := 1; ; try++ {
		if err := c.Delete(ctx, child); err != nil {
			t.Fatal(err)
		}
		err := c.Create(ctx, child)
		if err == nil {
			break
		}
		if try == 5 || !strings.Contains(err.Error(), "ALREADYEXISTS") {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	appendMsgs(child, 300, 3)

	for dir, noCS := range dirs {
		cnt := &counter{}
		sum, err := Run(ctx, opts(dir, noCS, cnt))
		if err != nil {
			t.Fatalf("incremental run: %v", err)
		}
		if sum.Messages != 5 || sum.Expunged != 1 || sum.FlagUpdates != 4 || sum.Restarted != 1 {
			t.Errorf("incremental run (NoCondStore %v): %+v; want 5 messages, 4 flag changes, 1 expunged, 1 restarted", noCS, sum)
		}
		check(dir)
		rootDir := filepath.Join(dir, mailboxPath(root, '/'))
		if ents, _ := os.ReadDir(filepath.Join(rootDir, ".imapc-expunged", "cur")); len(ents) != 1 || !strings.HasPrefix(ents[0].Name(), "U5.") {
			t.Errorf("expunged folder holds %v; want UID 5", ents)
		}
		aside := filepath.Join(dir, mailboxPath(child, '/'), asideName(oldV[dir]))
		if ents, _ := os.ReadDir(filepath.Join(aside, "cur")); len(ents) != 5 {
			t.Errorf("old copy %s holds %d messages; want 5", aside, len(ents))
		}
		if st, err := readState(aside); err != nil || st == nil || st.UIDValidity != oldV[dir] {
			t.Errorf("old copy's state: %+v, %v", st, err)
		}
	}
}

func TestLiveRestore(t *testing.T) {
	dial := liveDial(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	root := fmt.Sprintf("imapkit-imapc-restore-%d-%d", time.Now().UnixNano(), rand.Uint64())
	child := root + "/sub"
	t.Cleanup(func() { deleteBoxes(t, dial, root, child) })
	for _, b := range []string{root, child} {
		if err := c.Create(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 12 {
		size := 300 + 50*i
		if i == 5 {
			size = 150 << 10
		}
		m := message(i, size)
		flags := [][]string{nil, {`\Seen`}, {`\Answered`, `$Forwarded`, `$Label2`}}[i%3]
		date := time.Date(2021, 3, 1+i, 10, 0, 0, 0, time.UTC)
		if _, err := c.Append(ctx, root, bytes.NewReader(m), int64(len(m)), &client.AppendOptions{Flags: flags, Date: date}); err != nil {
			t.Fatal(err)
		}
	}
	m := message(99, 400)
	if _, err := c.Append(ctx, child, bytes.NewReader(m), int64(len(m)), nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Run(ctx, Options{Dir: dir, Patterns: []string{root + "*"}, Dial: dial}); err != nil {
		t.Fatal(err)
	}
	// The server loses 4 messages of root and the whole child.
	if _, err := c.Select(ctx, root, nil); err != nil {
		t.Fatal(err)
	}
	f, err := c.UIDStore(ctx, seqset.MustParse("2,5:6,9"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Deleted`}, Silent: true})
	if err != nil {
		t.Fatal(err)
	}
	f.Collect(ctx)
	if _, err := c.Expunge(ctx); err != nil {
		t.Fatal(err)
	}
	c.Unselect(ctx)
	if err := c.Delete(ctx, child); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		key   msgKey
		flags string
	}
	serverMsgs := func(mailbox string) []seen {
		t.Helper()
		if _, err := c.Select(ctx, mailbox, &client.SelectOptions{ReadOnly: true}); err != nil {
			t.Fatal(err)
		}
		defer c.Unselect(ctx)
		f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{Flags: true, RFC822Size: true, InternalDate: true, Sections: []client.FetchSection{{}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		all, err := f.CollectMessages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []seen
		for _, d := range all {
			var fl []string
			for _, x := range d.Flags {
				if !strings.EqualFold(x, `\Recent`) {
					fl = append(fl, strings.ToLower(x))
				}
			}
			slices.Sort(fl)
			out = append(out, seen{msgKey{headerMessageID(d.Sections[0].Data), d.RFC822Size, d.InternalDate.Unix()}, strings.Join(fl, " ")})
		}
		slices.SortFunc(out, func(a, b seen) int { return strings.Compare(a.key.messageID, b.key.messageID) })
		return out
	}
	expunge := func(set string) {
		t.Helper()
		if _, err := c.Select(ctx, root, nil); err != nil {
			t.Fatal(err)
		}
		f, err := c.UIDStore(ctx, seqset.MustParse(set), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Deleted`}, Silent: true})
		if err != nil {
			t.Fatal(err)
		}
		f.Collect(ctx)
		if _, err := c.Expunge(ctx); err != nil {
			t.Fatal(err)
		}
		c.Unselect(ctx)
	}
	for i, tt := range []struct {
		window  int
		noMulti bool
		before  func()
		want    RestoreSummary
	}{
		{3, true, nil, RestoreSummary{Mailboxes: 2, Messages: 5, Skipped: 8}},                            // pipelined APPENDs
		{2, false, func() { expunge("1,3:4,7") }, RestoreSummary{Mailboxes: 2, Messages: 4, Skipped: 9}}, // MULTIAPPEND
		{0, false, nil, RestoreSummary{Mailboxes: 2, Messages: 0, Skipped: 13}},                          // nothing to do
	} {
		if tt.before != nil {
			tt.before()
		}
		var events int
		sum, err := Restore(ctx, RestoreOptions{Dir: dir, Dial: dial, Window: tt.window, NoMultiAppend: tt.noMulti, Progress: func(ev Event) {
			if ev.Kind == EventMessage {
				events++
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Mailboxes != tt.want.Mailboxes || sum.Messages != tt.want.Messages || sum.Skipped != tt.want.Skipped || events != tt.want.Messages {
			t.Errorf("Restore %d = %+v, %d events; want %+v", i, sum, events, tt.want)
		}
	}
	got := serverMsgs(root)
	if len(got) != 12 {
		t.Fatalf("root holds %d messages after restore; want 12", len(got))
	}
	for i, s := range got {
		if s.key.messageID == "" || (i > 0 && s.key == got[i-1].key) {
			t.Errorf("message %d: key %+v (empty or repeated)", i, s.key)
		}
	}
	// The restored messages carry their flags and dates: the Maildir
	// backup of the restored mailbox equals the first one's.
	dir2 := t.TempDir()
	if _, err := Run(ctx, Options{Dir: dir2, Patterns: []string{root + "*"}, Dial: dial}); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{root, child} {
		a := localSet(t, filepath.Join(dir, mailboxPath(b, '/')), true)
		z := localSet(t, filepath.Join(dir2, mailboxPath(b, '/')), true)
		if !slices.Equal(a, z) {
			t.Errorf("%s: restored messages differ:\nbefore %q\nafter  %q", b, a, z)
		}
	}
}

// localSet describes the messages of a Maildir by Message-ID, size, date
// and flags, sorted; with aside, the expunged ones moved aside too.
func localSet(t *testing.T, mdir string, aside bool) []string {
	t.Helper()
	var out []string
	subs := []string{"cur"}
	if aside {
		subs = append(subs, ".imapc-expunged/cur")
	}
	for _, sub := range subs {
		kw, _ := loadKeywords(filepath.Dir(filepath.Join(mdir, sub)))
		ents, _ := os.ReadDir(filepath.Join(mdir, sub))
		for _, e := range ents {
			_, _, info, _ := parseMessageName(e.Name())
			p := filepath.Join(mdir, sub, e.Name())
			fi, _ := os.Stat(p)
			id, _ := fileMessageID(p)
			fl := kw.flags(info)
			for i := range fl {
				fl[i] = strings.ToLower(fl[i])
			}
			slices.Sort(fl)
			out = append(out, fmt.Sprintf("%s %d %d %s", id, fi.Size(), fi.ModTime().Unix(), strings.Join(fl, " ")))
		}
	}
	slices.Sort(out)
	return out
}
