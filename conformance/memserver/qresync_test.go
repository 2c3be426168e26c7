package memserver

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/qresync"
	"github.com/imapkit/imapkit/seqset"
)

// seedN puts n small messages in the test user's INBOX (UIDs 1..n).
func seedN(t *testing.T, srv *Server, n int) {
	t.Helper()
	var msgs []Message
	for i := 0; i < n; i++ {
		msgs = append(msgs, Message{Raw: testMessage("m")})
	}
	if err := srv.Seed(testUser, "INBOX", msgs...); err != nil {
		t.Fatal(err)
	}
}

// codeNumber returns the number of the response code name in lines
// ("* OK [HIGHESTMODSEQ 12] ..."), failing when it is missing.
func codeNumber(t *testing.T, lines []string, name string) string {
	t.Helper()
	re := regexp.MustCompile(`\[` + name + ` (\d+)\]`)
	for _, l := range lines {
		if m := re.FindStringSubmatch(l); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no %s code in %q", name, lines)
	return ""
}

// grep returns the lines of ls that start with prefix.
func grep(ls []string, prefix string) []string {
	var out []string
	for _, l := range ls {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// TestQResync follows RFC 7162 §3.2: ENABLE, VANISHED in place of
// EXPUNGE (§3.2.10.2), the HIGHESTMODSEQ code after EXPUNGE (§3.2.7),
// UID FETCH (CHANGEDSINCE n VANISHED) (§3.2.6) and SELECT (QRESYNC ...)
// (§3.2.5), with the BAD responses the RFC requires.
func TestQResync(t *testing.T) {
	srv, addr := startServer(t, nil)
	seedN(t, srv, 10)

	a := dialRaw(t, addr)
	a.cmd("a1", `LOGIN alice "secret pass"`)
	// §3.2.5: QRESYNC without ENABLE is BAD.
	a.send("a2 SELECT INBOX (QRESYNC (1 1))")
	if l := a.until("a2 "); !strings.HasPrefix(l[len(l)-1], "a2 BAD") {
		t.Fatalf("SELECT (QRESYNC) before ENABLE: %q", l)
	}
	if got := grep(a.cmd("a3", "ENABLE QRESYNC"), "* ENABLED"); len(got) != 1 || got[0] != "* ENABLED QRESYNC" {
		t.Fatalf("ENABLE QRESYNC: %q", got)
	}
	sel := a.cmd("a4", "SELECT INBOX")
	uidValidity := codeNumber(t, sel, "UIDVALIDITY")
	modSeq0 := codeNumber(t, sel, "HIGHESTMODSEQ")

	// Another session, without QRESYNC, changes and expunges.
	b := dialRaw(t, addr)
	b.cmd("b1", `LOGIN alice "secret pass"`)
	b.cmd("b2", "SELECT INBOX")
	b.cmd("b3", `STORE 2 +FLAGS.SILENT (\Flagged)`)
	b.cmd("b4", `STORE 3,5 +FLAGS.SILENT (\Deleted)`)
	if got := grep(b.cmd("b5", "EXPUNGE"), "* "); len(got) != 2 || got[0] != "* 3 EXPUNGE" || got[1] != "* 4 EXPUNGE" {
		t.Fatalf("EXPUNGE without QRESYNC: %q", got)
	}

	// §3.2.10.2: the QRESYNC session hears VANISHED, not EXPUNGE.
	got := grep(a.cmd("a5", "NOOP"), "* ")
	if len(got) != 2 || got[0] != "* VANISHED 3,5" || !regexp.MustCompile(`^\* 2 FETCH \(UID 2 FLAGS \(\\Flagged \\Recent\) MODSEQ \(\d+\)\)$`).MatchString(got[1]) {
		t.Fatalf("NOOP after the other session's EXPUNGE: %q", got)
	}

	// §3.2.6: VANISHED (EARLIER) before the FETCH responses.
	got = grep(a.cmd("a6", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE "+modSeq0+" VANISHED)"), "* ")
	if len(got) != 2 || got[0] != "* VANISHED (EARLIER) 3,5" || !strings.HasPrefix(got[1], "* 2 FETCH (UID 2 ") {
		t.Fatalf("UID FETCH (CHANGEDSINCE VANISHED): %q", got)
	}
	// Limited to the UID set asked for.
	got = grep(a.cmd("a7", "UID FETCH 4:10 (FLAGS) (CHANGEDSINCE "+modSeq0+" VANISHED)"), "* ")
	if len(got) != 1 || got[0] != "* VANISHED (EARLIER) 5" {
		t.Fatalf("UID FETCH 4:10 (CHANGEDSINCE VANISHED): %q", got)
	}
	for tag, cmd := range map[string]string{
		"a8": "FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)", // not UID FETCH
		"a9": "UID FETCH 1:* (FLAGS) (VANISHED)",            // no CHANGEDSINCE
	} {
		a.send(tag + " " + cmd)
		if l := a.until(tag + " "); !strings.HasPrefix(l[len(l)-1], tag+" BAD") {
			t.Errorf("%s: %q; want BAD (RFC 7162 §3.2.6)", cmd, l)
		}
	}

	// §3.2.7: the session's own EXPUNGE: VANISHED and the new
	// HIGHESTMODSEQ in the tagged OK.
	a.cmd("a10", `UID STORE 1 +FLAGS.SILENT (\Deleted)`)
	exp := a.cmd("a11", "EXPUNGE")
	if got := grep(exp, "* "); len(got) != 1 || got[0] != "* VANISHED 1" {
		t.Fatalf("EXPUNGE with QRESYNC: %q", exp)
	}
	if !regexp.MustCompile(`^a11 OK \[HIGHESTMODSEQ \d+\]`).MatchString(exp[len(exp)-1]) {
		t.Fatalf("EXPUNGE completion %q; want the HIGHESTMODSEQ code", exp[len(exp)-1])
	}

	// §3.2.5.1: a new session resynchronizes with SELECT (QRESYNC ...).
	c := dialRaw(t, addr)
	c.cmd("c1", `LOGIN alice "secret pass"`)
	c.cmd("c2", "ENABLE QRESYNC")
	sel = c.cmd("c3", "SELECT INBOX (QRESYNC ("+uidValidity+" "+modSeq0+"))")
	got = grep(sel, "* VANISHED")
	if len(got) != 1 || got[0] != "* VANISHED (EARLIER) 1,3,5" {
		t.Fatalf("SELECT (QRESYNC): VANISHED %q in %q", got, sel)
	}
	fetches := grep(sel, "* ")
	if last := fetches[len(fetches)-1]; !regexp.MustCompile(`^\* 1 FETCH \(UID 2 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$`).MatchString(last) {
		t.Fatalf("SELECT (QRESYNC): last untagged %q; want the FETCH of UID 2 after VANISHED", last)
	}
	// Known UIDs narrow the report.
	sel = c.cmd("c4", "SELECT INBOX (QRESYNC ("+uidValidity+" "+modSeq0+" 4:10))")
	if got := grep(sel, "* VANISHED"); len(got) != 1 || got[0] != "* VANISHED (EARLIER) 5" {
		t.Fatalf("SELECT (QRESYNC known-uids 4:10): %q", sel)
	}
	if got := grep(sel, "* OK [CLOSED]"); len(got) != 1 {
		t.Fatalf("second SELECT without [CLOSED]: %q", sel)
	}
	// §3.2.5: another UIDVALIDITY: the parameter is ignored.
	sel = c.cmd("c5", "SELECT INBOX (QRESYNC (999 1))")
	if got := append(grep(sel, "* VANISHED"), grep(sel, "* 1 FETCH")...); len(got) != 0 {
		t.Fatalf("SELECT (QRESYNC) with a wrong UIDVALIDITY reported changes: %q", got)
	}
}

// TestVanishedSinceForgotten checks the rule of RFC 7162 §3.2.6 for a
// mod-sequence older than what the server remembers: every UID of the
// set below UIDNEXT that is not in the mailbox is reported.
func TestVanishedSinceForgotten(t *testing.T) {
	mb := &mailbox{uidNext: 12, vanishedFloor: 50, vanished: []vanishedUID{{4, 60}, {7, 70}}}
	for _, u := range []uint32{2, 5, 9} {
		mb.msgs = append(mb.msgs, &message{uid: u})
	}
	for _, tc := range []struct {
		modSeq uint64
		set    string
		want   string
	}{
		{10, "1:*", "1,3:4,6:8,10:11"},
		{10, "2", ""},
		{10, "9:20", "10:11"},
		{10, "3,11", "3,11"},
		{60, "1:*", "7"}, // remembered: only what was expunged after 60
		{50, "1:6", "4"},
		{70, "1:*", ""},
	} {
		got := mb.vanishedSince(tc.modSeq, seqset.MustParse(tc.set).Resolve(mb.uidNext-1))
		if got.String() != tc.want {
			t.Errorf("vanishedSince(%d, %s) = %q; want %q", tc.modSeq, tc.set, got.String(), tc.want)
		}
	}
}

// TestVanishedBounded checks that a mailbox remembers at most maxVanished
// expunges and then answers for older mod-sequences from what is left.
func TestVanishedBounded(t *testing.T) {
	srv := New(nil)
	srv.AddUser(testUser, testPass)
	u := srv.users[testUser]
	mb := u.mailbox("INBOX")
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for i := 0; i < maxVanished+10; i++ {
		mb.add([]byte("x"), nil, time.Now())
	}
	first := mb.modSeq
	mb.expunge(func(m *message) bool { return m.uid != 21 && m.uid != 23 }, nil)
	if len(mb.vanished) > maxVanished || mb.vanishedFloor == 0 {
		t.Fatalf("remembered %d expunges, floor %d", len(mb.vanished), mb.vanishedFloor)
	}
	all := seqset.MustParse("1:*").Resolve(mb.uidNext - 1)
	got := mb.vanishedSince(first-1, all)
	if want := fmt.Sprintf("1:20,22,24:%d", maxVanished+10); got.String() != want {
		t.Fatalf("vanishedSince before the floor = %s; want %s", got.String(), want)
	}
	if got := mb.vanishedSince(mb.modSeq, all); !got.IsEmpty() {
		t.Fatalf("vanishedSince(HIGHESTMODSEQ) = %s; want nothing", got.String())
	}
}

// TestQResyncClient runs ext/qresync's Resync and FetchVanished against
// the server: imapkit's client and server agree on RFC 7162.
func TestQResyncClient(t *testing.T) {
	srv, addr := startServer(t, nil)
	seedN(t, srv, 6)
	opts := &client.Options{Extensions: []client.Extension{qresync.Install}}
	c := dial(t, addr, opts, true)
	ctx := testCtx(t)
	ch, err := qresync.Resync(ctx, c, "INBOX", qresync.Saved{}, false)
	if err != nil || !ch.Stale {
		t.Fatalf("first Resync = %+v, %v; want Stale", ch, err)
	}
	saved := qresync.Saved{UIDValidity: ch.Mailbox.UIDValidity, HighestModSeq: ch.Mailbox.HighestModSeq}

	other := dial(t, addr, nil, true)
	if _, err := other.Select(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	st, err := other.Store(ctx, seqset.MustParse("2,4"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Deleted`}, Silent: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Expunge(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.Mailbox().Exists; got != 4 {
		t.Fatalf("Exists after VANISHED = %d; want 4", got)
	}
	fv, err := qresync.FetchVanished(ctx, c, seqset.MustParse("1:*"), saved.HighestModSeq)
	if err != nil || fv.Vanished.String() != "2,4" {
		t.Fatalf("FetchVanished = %+v, %v; want vanished 2,4", fv, err)
	}
	if err := c.Unselect(ctx); err != nil {
		t.Fatal(err)
	}
	ch, err = qresync.Resync(ctx, c, "INBOX", saved, true)
	if err != nil || ch.Stale || ch.Vanished.String() != "2,4" {
		t.Fatalf("Resync = %+v, %v; want vanished 2,4", ch, err)
	}
}
