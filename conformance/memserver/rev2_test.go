package memserver

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestIMAP4rev2Session: after ENABLE IMAP4rev2 the server answers SEARCH
// with ESEARCH (RFC 9051 §6.4.4), sends no RECENT, and mailbox names
// travel as UTF-8 (RFC 9051 §5.1).
func TestIMAP4rev2Session(t *testing.T) {
	srv, addr := startServer(t, nil)
	srv.Seed(testUser, "Café/Été", Message{Raw: testMessage("x")})
	a := dialRaw(t, addr)
	a.cmd("a1", `LOGIN alice "secret pass"`)
	if ls := a.cmd("a2", `LIST "" "Caf&AOk-/*"`); !slices.Contains(ls, `* LIST (\HasNoChildren) "/" Caf&AOk-/&AMk-t&AOk-`) {
		t.Errorf("modified UTF-7 LIST: %q", ls)
	}
	if ls := a.cmd("a3", "ENABLE IMAP4rev2"); !slices.Contains(ls, "* ENABLED IMAP4rev2") {
		t.Errorf("ENABLE: %q", ls)
	}
	ls := a.cmd("a4", `SELECT "Café/Été"`)
	for _, l := range ls {
		if strings.HasSuffix(l, "RECENT") {
			t.Errorf("RECENT under IMAP4rev2: %q", ls)
		}
	}
	if !slices.Contains(ls, `* LIST () "/" "Café/Été"`) {
		t.Errorf("SELECT under IMAP4rev2 lacks the LIST response: %q", ls)
	}
	if ls := a.cmd("a5", "SEARCH ALL"); !slices.Contains(ls, `* ESEARCH (TAG "a5") ALL 1`) {
		t.Errorf("SEARCH under IMAP4rev2: %q", ls)
	}
	if ls := a.cmd("a6", "UID SEARCH RETURN (SAVE) ALL"); len(ls) != 1 {
		t.Errorf("SEARCH RETURN (SAVE): %q; want no result", ls)
	}
	if ls := a.cmd("a7", "FETCH $ (UID)"); !slices.Contains(ls, "* 1 FETCH (UID 1)") {
		t.Errorf("FETCH $: %q", ls)
	}
}

// TestTrace: Options.Trace shows both directions and hides the password.
func TestTrace(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	_, addr := startServer(t, &Options{Trace: lockedBuffer{&mu, &buf}})
	c := dial(t, addr, nil, true)
	if err := c.Logout(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	c.Close()
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if strings.Contains(out, "secret") {
		t.Errorf("trace shows the password:\n%s", out)
	}
	for _, want := range []string{"[1] C: ", "LOGIN alice ****", "[1] S: * OK [CAPABILITY", "LOGOUT"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}

type lockedBuffer struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (l lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
