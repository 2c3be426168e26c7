package utf8_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/utf8"
)

const msg = "Subject: Grüße aus Köln\r\nFrom: Jürgen <jürgen@example.de>\r\n\r\nHallo\r\n"

func enable(t *testing.T, c *client.Conn, s *faketest.Server) {
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, utf8.Enable(faketest.Ctx(t), c) })
	s.Expect("A1 ENABLE UTF8=ACCEPT")
	s.Send("* ENABLED UTF8=ACCEPT", "A1 OK Enabled")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	if !c.Enabled("UTF8=ACCEPT") {
		t.Fatal("Enabled(UTF8=ACCEPT) is false after ENABLE")
	}
}

// RFC 6855 §3 (ENABLE) and §4: APPEND mailbox UTF8 (literal8), to a
// mailbox with a UTF-8 name sent as such once enabled.
func TestRFC6855_4_Append(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT BINARY LITERAL+ UIDPLUS] ready", nil)
	enable(t, c, s)
	done := faketest.Go(func() (*client.AppendResult, error) {
		return utf8.Append(faketest.Ctx(t), c, "Entwürfe", strings.NewReader(msg), int64(len(msg)), &client.AppendOptions{Flags: []string{`\Draft`}})
	})
	s.Expect(`A2 APPEND "Entwürfe" (\Draft) UTF8 (~{` + strconv.Itoa(len(msg)) + "+}")
	s.Expect("Subject: Grüße aus Köln")
	s.Expect("From: Jürgen <jürgen@example.de>")
	s.Expect("")
	s.Expect("Hallo")
	s.Expect(")")
	s.Send("A2 OK [APPENDUID 1 7] APPEND completed")
	if res, err := done(); err != nil || res.UID != 7 {
		t.Fatalf("Append = %+v, %v", res, err)
	}
	// Enable again: nothing sent.
	if err := utf8.Enable(faketest.Ctx(t), c); err != nil {
		t.Fatal(err)
	}
	s.Quiet(50e6)
}

func TestErrors(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT LITERAL+] ready", nil)
	if _, err := utf8.Append(faketest.Ctx(t), c, "INBOX", strings.NewReader("x"), 1, nil); !errors.Is(err, utf8.ErrNotEnabled) {
		t.Fatalf("before ENABLE: %v", err)
	}
	enable(t, c, s)
	// Courier's case: UTF8=ACCEPT without BINARY still takes literal8
	// in the UTF8 data item (RFC 6855 §4).
	done := faketest.Go(func() (*client.AppendResult, error) {
		return utf8.Append(faketest.Ctx(t), c, "INBOX", strings.NewReader("x"), 1, nil)
	})
	s.Expect("A2 APPEND INBOX UTF8 (~{1+}")
	s.Expect("x)")
	s.Send("A2 OK APPEND completed")
	if _, err := done(); err != nil {
		t.Fatalf("without BINARY: %v", err)
	}
	c2, s2 := faketest.New(t, faketest.Greeting, nil)
	if err := utf8.Enable(faketest.Ctx(t), c2); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Enable without UTF8=ACCEPT: %v", err)
	}
	s.Quiet(50e6)
	s2.Quiet(10e6)
}
