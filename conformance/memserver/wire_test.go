package memserver

import (
	"bufio"
	"bytes"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Exact wire exchanges: the rules of RFC 9051 that a client library
// would hide.

// TestRFC9051_7_5_1_NoExpungeDuringFetch: an EXPUNGE made by another
// session is not sent during FETCH, STORE or SEARCH, and is sent at the
// next NOOP; sequence numbers stay valid until then.
func TestRFC9051_7_5_1_NoExpungeDuringFetch(t *testing.T) {
	srv, addr := startServer(t, nil)
	srv.Seed(testUser, "INBOX", Message{Raw: testMessage("a")}, Message{Raw: testMessage("b")}, Message{Raw: testMessage("c")})
	a := dialRaw(t, addr)
	a.cmd("a1", `LOGIN alice "secret pass"`)
	a.cmd("a2", "SELECT INBOX")
	b := dialRaw(t, addr)
	b.cmd("b1", `LOGIN alice "secret pass"`)
	b.cmd("b2", "SELECT INBOX")
	b.cmd("b3", `STORE 2 +FLAGS.SILENT (\Deleted)`)
	if ls := b.cmd("b4", "EXPUNGE"); !slices.Contains(ls, "* 2 EXPUNGE") {
		t.Fatalf("EXPUNGE: %q", ls)
	}
	ls := a.cmd("a3", "FETCH 3 (UID)")
	for _, l := range ls {
		if strings.Contains(l, "EXPUNGE") {
			t.Errorf("EXPUNGE during FETCH: %q", ls)
		}
	}
	if !slices.Contains(ls, "* 3 FETCH (UID 3)") {
		t.Errorf("FETCH 3 after a pending expunge of 2: %q; want message 3 still UID 3", ls)
	}
	if ls := a.cmd("a4", "SEARCH ALL"); slices.ContainsFunc(ls, func(l string) bool { return strings.Contains(l, "EXPUNGE") }) {
		t.Errorf("EXPUNGE during SEARCH: %q", ls)
	}
	ls = a.cmd("a5", "NOOP")
	if !slices.Contains(ls, "* 2 EXPUNGE") {
		t.Errorf("NOOP: %q; want * 2 EXPUNGE", ls)
	}
	if ls := a.cmd("a6", "FETCH 2 (UID)"); !slices.Contains(ls, "* 2 FETCH (UID 3)") {
		t.Errorf("after the EXPUNGE: %q", ls)
	}
	// UID FETCH may carry it (RFC 9051 §7.5.1).
	b.cmd("b5", `STORE 1 +FLAGS.SILENT (\Deleted)`)
	b.cmd("b6", "EXPUNGE")
	if ls := a.cmd("a7", "UID FETCH 1:* (FLAGS)"); !slices.Contains(ls, "* 1 EXPUNGE") {
		t.Errorf("UID FETCH: %q; want * 1 EXPUNGE", ls)
	}
}

// TestExpungeOrder: several EXPUNGEs are numbered as each applies
// (RFC 9051 §7.4.1, the example in §8 style).
func TestExpungeOrder(t *testing.T) {
	srv, addr := startServer(t, nil)
	var msgs []Message
	for i := 0; i < 11; i++ {
		m := Message{Raw: testMessage("m")}
		if i == 2 || i == 3 || i == 6 || i == 10 {
			m.Flags = []string{`\Deleted`}
		}
		msgs = append(msgs, m)
	}
	srv.Seed(testUser, "INBOX", msgs...)
	a := dialRaw(t, addr)
	a.cmd("a1", `LOGIN alice "secret pass"`)
	a.cmd("a2", "SELECT INBOX")
	ls := a.cmd("a3", "EXPUNGE")
	want := []string{"* 3 EXPUNGE", "* 3 EXPUNGE", "* 5 EXPUNGE", "* 8 EXPUNGE"}
	if !slices.Equal(ls[:len(ls)-1], want) {
		t.Errorf("EXPUNGE: %q; want %q", ls, want)
	}
}

func TestLiterals(t *testing.T) {
	_, addr := startServer(t, nil)
	a := dialRaw(t, addr)
	a.send("a1 LOGIN {5}")
	if l := a.line(); !strings.HasPrefix(l, "+ ") {
		t.Fatalf("continuation: %q", l)
	}
	a.send(`alice "secret pass"`)
	a.until("a1 OK")
	// LITERAL+: no continuation.
	msg := string(testMessage("lit"))
	a.send("a2 APPEND INBOX (\\Seen) {" + strconv.Itoa(len(msg)) + "+}\r\n" + msg)
	ls := a.until("a2 ")
	if !strings.HasPrefix(ls[len(ls)-1], "a2 OK [APPENDUID ") {
		t.Errorf("APPEND with LITERAL+: %q", ls)
	}
	for _, l := range ls {
		if strings.HasPrefix(l, "+") {
			t.Errorf("continuation for a {n+} literal: %q", ls)
		}
	}
	// RFC 6855 §4: APPEND with UTF8 (~{n}).
	utf := "Subject: café\r\n\r\nx\r\n"
	a.send("a3 APPEND INBOX UTF8 (~{" + strconv.Itoa(len(utf)) + "+}\r\n" + utf + ")")
	if ls := a.until("a3 "); !strings.HasPrefix(ls[len(ls)-1], "a3 OK [APPENDUID ") {
		t.Errorf("APPEND UTF8: %q", ls)
	}
	a.cmd("a4", "SELECT INBOX")
	if ls := a.cmd("a5", "SEARCH SUBJECT café"); !slices.Contains(ls, "* SEARCH 2") {
		t.Errorf("SEARCH for the UTF8 message: %q", ls)
	}
}

func TestBadInput(t *testing.T) {
	_, addr := startServer(t, &Options{MaxLineLength: 1000, MaxLiteralSize: 1000})
	a := dialRaw(t, addr)
	for _, tc := range []struct{ in, want string }{
		{"x1 FOO", "x1 BAD"},
		{"x2 FETCH 1 (FLAGS)", "x2 BAD"}, // not selected
		{"x3 LOGIN", "x3 BAD"},
		{"x4 SELECT (", "x4 BAD"},
		{"x5 NOOP", "x5 OK"},
		{"x6 UID NOOP", "x6 BAD"},
	} {
		a.send(tc.in)
		if ls := a.until("x"); !strings.HasPrefix(ls[len(ls)-1], tc.want) {
			t.Errorf("%q: %q; want %s", tc.in, ls, tc.want)
		}
	}
	a.cmd("a1", `LOGIN alice "secret pass"`)
	a.cmd("a2", "SELECT INBOX")
	for _, tc := range []struct{ in, want string }{
		{"y1 FETCH 5 (FLAGS)", "y1 BAD"}, // no message 5
		{"y2 FETCH 1:* (BODY[1.MIME]<1.2.3>)", "y2 BAD"},
		{"y3 SEARCH FOO", "y3 BAD"},
		{"y4 STORE 1 +FLAGS (\\Recent)", "y4 BAD"},
		{"y5 UID FETCH 1:* (FLAGS)", "y5 OK"},
		{"y6 SEARCH CHARSET KOI8-R ALL", "y6 NO [BADCHARSET"},
	} {
		a.send(tc.in)
		if ls := a.until("y"); !strings.HasPrefix(ls[len(ls)-1], tc.want) {
			t.Errorf("%q: %q; want %s", tc.in, ls, tc.want)
		}
	}
	// A literal beyond the limit ends the connection with BYE.
	a.send("z1 APPEND INBOX {5000}")
	if l := a.line(); !strings.HasPrefix(l, "* BYE [TOOBIG]") {
		t.Errorf("oversized literal: %q", l)
	}
	b := dialRaw(t, addr)
	b.send("z2 NOOP " + strings.Repeat("x", 2000))
	if l := b.line(); !strings.HasPrefix(l, "* BYE [TOOBIG]") {
		t.Errorf("long line: %q", l)
	}
}

// TestCloseEndsSessions: Close returns with sessions in IDLE and in the
// middle of a literal, which get BYE (RFC 9051 §7.1.5) and are closed.
func TestCloseEndsSessions(t *testing.T) {
	srv := New(&Options{Users: map[string]string{testUser: testPass}})
	l, err := netListen(t)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	a := dialRaw(t, l.Addr().String())
	a.cmd("a1", `LOGIN alice "secret pass"`)
	a.cmd("a2", "SELECT INBOX")
	a.send("a3 IDLE")
	if line := a.line(); !strings.HasPrefix(line, "+ ") {
		t.Fatalf("IDLE: %q", line)
	}
	b := dialRaw(t, l.Addr().String())
	b.cmd("b1", `LOGIN alice "secret pass"`)
	b.send("b2 APPEND INBOX {100}")
	if line := b.line(); !strings.HasPrefix(line, "+ ") {
		t.Fatalf("APPEND: %q", line)
	}
	srv.Close()
	if err := <-done; err != ErrServerClosed {
		t.Errorf("Serve = %v", err)
	}
	for _, c := range []*rawConn{a, b} {
		if l, _ := c.br.ReadString('\n'); !strings.HasPrefix(l, "* BYE ") {
			t.Errorf("after Close: %q; want * BYE", l)
		}
		if _, err := c.br.ReadString('\n'); err == nil {
			t.Error("connection still open after Close")
		}
	}
}

// TestPreauth: ServePreauth greets with PREAUTH and starts authenticated.
func TestPreauth(t *testing.T) {
	srv := New(&Options{Users: map[string]string{testUser: testPass}})
	defer srv.Close()
	if err := srv.ServePreauth(&pipeConn{r: bytes.NewReader(nil)}, "nobody"); err == nil {
		t.Error("ServePreauth of an unknown user succeeded")
	}
	cc, sc := net.Pipe()
	defer cc.Close()
	go srv.ServePreauth(sc, testUser)
	r := &rawConn{t: t, c: cc, br: bufio.NewReader(cc)}
	if l := r.line(); !strings.HasPrefix(l, "* PREAUTH [CAPABILITY IMAP4rev1 ") {
		t.Fatalf("greeting %q", l)
	}
	r.cmd("a1", "SELECT INBOX")
	r.cmd("a2", "LOGOUT")
}

// TestMaxConnections: a connection beyond the limit gets BYE.
func TestMaxConnections(t *testing.T) {
	_, addr := startServer(t, &Options{MaxConnections: 1})
	a := dialRaw(t, addr)
	a.cmd("a1", "NOOP")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	l, _ := bufio.NewReader(c).ReadString('\n')
	if l != "* BYE too many connections\r\n" {
		t.Errorf("second connection: %q", l)
	}
}
