// Package livetest connects the extension packages' live tests to the
// project's private Dovecot (scripts/servers/dovecot.sh start; eval
// "$(scripts/servers/dovecot.sh env)"). Without it the tests skip, except
// under CI=true, where a missing server is a failure.
package livetest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
)

// Env is where the live server is and who to log in as.
type Env struct {
	Addr, User, Pass string
}

// Get returns the live server's settings, skipping the test when there
// is none (failing it under CI=true).
func Get(t testing.TB) Env {
	t.Helper()
	e := Env{
		Addr: os.Getenv("IMAPKIT_DOVECOT_ADDR"),
		User: os.Getenv("IMAPKIT_DOVECOT_USER"),
		Pass: os.Getenv("IMAPKIT_DOVECOT_PASS"),
	}
	if e.Addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("live Dovecot not configured (IMAPKIT_DOVECOT_ADDR unset) under CI=true")
		}
		t.Skip("live Dovecot not configured: run scripts/servers/dovecot.sh start and eval its env")
	}
	return e
}

// Courier returns the settings of the project's private Courier
// (scripts/servers/courier.sh env), which offers UTF8=ACCEPT, logging in
// as its UTF-8 user; the test skips without it (fails under CI=true).
func Courier(t testing.TB) Env {
	t.Helper()
	e := Env{
		Addr: os.Getenv("IMAPKIT_COURIER_ADDR"),
		User: os.Getenv("IMAPKIT_COURIER_UTF8_USER"),
		Pass: os.Getenv("IMAPKIT_COURIER_UTF8_PASS"),
	}
	if e.User == "" {
		e.User, e.Pass = os.Getenv("IMAPKIT_COURIER_USER"), os.Getenv("IMAPKIT_COURIER_PASS")
	}
	if e.Addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("live Courier not configured (IMAPKIT_COURIER_ADDR unset) under CI=true")
		}
		t.Skip("live Courier not configured: run scripts/servers/courier.sh start and eval its env")
	}
	return e
}

// Ctx returns a context that ends with the test or after 30 s.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Login dials the plain port with opts (nil for none) and logs in. The
// connection is closed when the test ends.
func (e Env) Login(t testing.TB, opts *client.Options) *client.Conn {
	t.Helper()
	if opts == nil {
		opts = &client.Options{}
	}
	o := *opts
	o.InsecureAuth = true // 127.0.0.1 only
	c, err := client.Dial(Ctx(t), "imap://"+e.Addr, &o)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(Ctx(t), e.User, e.Pass); err != nil {
		t.Fatalf("Login: %v", err)
	}
	return c
}

// Mailbox creates an empty mailbox named name (which must start with
// "imapkit-ext-") plus the process id, and deletes it when the test ends,
// through a connection of its own so that the test's connection may be
// in any state by then. It returns the name it created: the process id
// keeps concurrent runs of the same tests (other checkouts against the
// shared server) from creating, filling and deleting the same mailbox.
func (e Env) Mailbox(t testing.TB, c *client.Conn, name string) string {
	t.Helper()
	if !strings.HasPrefix(name, "imapkit-ext-") {
		t.Fatalf("test mailbox %q must start with imapkit-ext-", name)
	}
	name = fmt.Sprintf("%s-p%d", name, os.Getpid())
	ctx := Ctx(t)
	c.Delete(ctx, name) // left over from an earlier run, or absent
	if err := c.Create(ctx, name); err != nil {
		t.Fatalf("Create %q: %v", name, err)
	}
	t.Cleanup(func() {
		c2, err := client.Dial(context.Background(), "imap://"+e.Addr, &client.Options{InsecureAuth: true})
		if err != nil {
			t.Errorf("cleanup: Dial: %v", err)
			return
		}
		defer c2.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c2.Login(ctx, e.User, e.Pass); err != nil {
			t.Errorf("cleanup: Login: %v", err)
			return
		}
		if err := c2.Delete(ctx, name); err != nil {
			t.Errorf("cleanup: Delete %q: %v", name, err)
		}
		c2.Logout(ctx)
	})
	return name
}

// Message returns a small RFC 5322 message numbered i.
func Message(i int) string {
	return fmt.Sprintf("From: Sender <sender@example.com>\r\nTo: rcpt@example.org\r\n"+
		"Subject: imapkit ext test %d\r\nDate: Mon, 2 Jan 2006 15:04:05 +0000\r\n"+
		"Message-ID: <ext%d@example.com>\r\n\r\nbody %d\r\n", i, i, i)
}

// Append appends n messages to mailbox and fails the test on error.
func Append(t testing.TB, c *client.Conn, mailbox string, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		msg := Message(i)
		if _, err := c.Append(Ctx(t), mailbox, strings.NewReader(msg), int64(len(msg)), nil); err != nil {
			t.Fatalf("APPEND %d to %s: %v", i, mailbox, err)
		}
	}
}
