package memserver

import (
	"slices"
	"strings"
	"testing"
)

// TestRecent follows RFC 3501 §2.3.2: \Recent belongs to the first
// session told of a message; EXAMINE does not take it (§6.3.2); STATUS
// RECENT counts what the next session will get; an IMAP4rev2 session
// sees neither the flag nor the RECENT response (RFC 9051 Appendix E).
func TestRecent(t *testing.T) {
	srv, addr := startServer(t, nil)
	seedN(t, srv, 3)
	login := func(tag string) *rawConn {
		c := dialRaw(t, addr)
		c.cmd(tag, `LOGIN alice "secret pass"`)
		return c
	}
	has := func(ls []string, want string) bool { return slices.Contains(ls, want) }

	x := login("x1")
	if ls := x.cmd("x2", "EXAMINE INBOX"); !has(ls, "* 3 RECENT") {
		t.Fatalf("EXAMINE before any SELECT: %q; want * 3 RECENT", ls)
	}
	if ls := x.cmd("x3", "FETCH 1 (FLAGS)"); !has(ls, "* 1 FETCH (FLAGS ())") {
		t.Fatalf("FETCH in EXAMINE: %q; want no \\Recent", ls)
	}
	if ls := x.cmd("x4", "STATUS INBOX (RECENT)"); !has(ls, "* STATUS INBOX (RECENT 3)") {
		t.Fatalf("STATUS after EXAMINE: %q; want RECENT 3 (EXAMINE keeps \\Recent)", ls)
	}

	a := login("a1")
	if ls := a.cmd("a2", "SELECT INBOX"); !has(ls, "* 3 RECENT") {
		t.Fatalf("first SELECT: %q; want * 3 RECENT", ls)
	}
	if ls := a.cmd("a3", "FETCH 1 (FLAGS)"); !has(ls, `* 1 FETCH (FLAGS (\Recent))`) {
		t.Fatalf("FETCH after the first SELECT: %q", ls)
	}
	b := login("b1")
	if ls := b.cmd("b2", "SELECT INBOX"); !has(ls, "* 0 RECENT") {
		t.Fatalf("second SELECT: %q; want * 0 RECENT", ls)
	}
	if ls := b.cmd("b3", "SEARCH RECENT"); !has(ls, "* SEARCH") {
		t.Fatalf("SEARCH RECENT in the second session: %q; want none", ls)
	}
	if ls := b.cmd("b4", "STATUS INBOX (RECENT)"); !has(ls, "* STATUS INBOX (RECENT 0)") {
		t.Fatalf("STATUS after SELECT: %q; want RECENT 0", ls)
	}
	// \Recent cannot be stored (RFC 3501 §2.3.2), nor lost by a store.
	b.send(`b5 STORE 1 +FLAGS (\Recent)`)
	if ls := b.until("b5 "); !strings.HasPrefix(ls[len(ls)-1], "b5 BAD") {
		t.Fatalf("STORE \\Recent: %q; want BAD", ls)
	}
	a.cmd("a4", `STORE 1 FLAGS (\Seen)`)
	if ls := a.cmd("a5", "FETCH 1 (FLAGS)"); !has(ls, `* 1 FETCH (FLAGS (\Seen \Recent))`) {
		t.Fatalf("FETCH after STORE FLAGS: %q", ls)
	}
	if ls := a.cmd("a6", "SEARCH NEW"); !has(ls, "* SEARCH 2 3") {
		t.Fatalf("SEARCH NEW: %q; want 2 3", ls)
	}

	// A new message is recent for the one session that hears of it first.
	b.cmd("b6", "APPEND INBOX {1+}\r\nx")
	b.cmd("b7", "NOOP")
	la := a.cmd("a7", "NOOP")
	lb := b.cmd("b8", "NOOP")
	if !has(la, "* 4 EXISTS") {
		t.Fatalf("a after APPEND: %q", la)
	}
	if ls := b.cmd("b9", "SEARCH RECENT"); !has(ls, "* SEARCH 4") {
		t.Fatalf("b heard of message 4 first: SEARCH RECENT %q (NOOPs %q)", ls, lb)
	}
	if ls := a.cmd("a8", "SEARCH RECENT"); !has(ls, "* SEARCH 1 2 3") {
		t.Fatalf("a: SEARCH RECENT %q; want 1 2 3", ls)
	}

	// IMAP4rev2: no RECENT response, no \Recent flag.
	r := login("r1")
	r.cmd("r2", "ENABLE IMAP4rev2")
	srv.Seed(testUser, "INBOX", Message{Raw: testMessage("new")})
	ls := r.cmd("r3", "SELECT INBOX")
	for _, l := range ls {
		if strings.HasSuffix(l, " RECENT") {
			t.Fatalf("IMAP4rev2 SELECT sent %q", l)
		}
	}
	if ls := r.cmd("r4", "FETCH 5 (FLAGS)"); !has(ls, "* 5 FETCH (FLAGS ())") {
		t.Fatalf("IMAP4rev2 FETCH: %q; want no \\Recent", ls)
	}
}
