// Package livetest connects the extension packages' live tests to the
// project's private servers: Dovecot, Cyrus and Courier
// (scripts/servers/NAME.sh start; eval "$(scripts/servers/NAME.sh env)").
// A server whose IMAPKIT_NAME_ADDR is unset is skipped, except under
// CI=true, where a missing server is a failure.
package livetest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
)

// Names are the servers the live tests know, in the order Servers and
// Run visit them.
var Names = []string{"dovecot", "cyrus", "courier"}

// Env is where a live server is and who to log in as.
type Env struct {
	// Name is the server's name in Names ("dovecot", "cyrus", "courier").
	Name string
	// Addr is the plain (STARTTLS-capable) port, TLSAddr the implicit
	// TLS port, CA the PEM file of the certificate TLSAddr presents.
	Addr, TLSAddr, CA string
	// User and Pass log in; User2 and Pass2 are a second account.
	User, Pass, User2, Pass2 string
	// Prefix is put before test mailbox names: "INBOX." on Courier,
	// whose personal namespace is ("INBOX." "."), empty elsewhere.
	Prefix string
}

func envName(name, key string) string {
	return "IMAPKIT_" + strings.ToUpper(name) + "_" + key
}

// lookup reads server name's settings; ok is false when its address is
// unset.
func lookup(name string) (e Env, ok bool) {
	get := func(k string) string { return os.Getenv(envName(name, k)) }
	e = Env{
		Name: name, Addr: get("ADDR"), TLSAddr: get("TLS_ADDR"), CA: get("CA"),
		User: get("USER"), Pass: get("PASS"), User2: get("USER2"), Pass2: get("PASS2"),
	}
	if name == "courier" {
		e.Prefix = "INBOX."
	}
	return e, e.Addr != ""
}

func missing(t testing.TB, name string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("live %s not configured (%s unset) under CI=true", name, envName(name, "ADDR"))
	}
	t.Skipf("live %s not configured: run scripts/servers/%s.sh start and eval its env", name, name)
}

// Get returns the live Dovecot's settings, skipping the test when there
// is none (failing it under CI=true).
func Get(t testing.TB) Env {
	t.Helper()
	return Server(t, "dovecot")
}

// Server returns the settings of the server called name (one of Names),
// skipping the test when it is not configured (failing it under
// CI=true).
func Server(t testing.TB, name string) Env {
	t.Helper()
	e, ok := lookup(name)
	if !ok {
		missing(t, name)
	}
	return e
}

// Courier returns the settings of the project's private Courier, which
// offers UTF8=ACCEPT, logging in as its UTF-8 user when one is configured
// (IMAPKIT_COURIER_UTF8_USER); the test skips without Courier (fails
// under CI=true).
func Courier(t testing.TB) Env {
	t.Helper()
	e := Server(t, "courier")
	if u := os.Getenv(envName("courier", "UTF8_USER")); u != "" {
		e.User, e.Pass = u, os.Getenv(envName("courier", "UTF8_PASS"))
	}
	return e
}

// Servers returns the configured servers in the order of Names. Under
// CI=true every one of them must be configured; otherwise the missing
// ones are left out, and the test is skipped when none is.
func Servers(t testing.TB) []Env {
	t.Helper()
	var out []Env
	var absent []string
	for _, n := range Names {
		if e, ok := lookup(n); ok {
			out = append(out, e)
		} else {
			absent = append(absent, n)
		}
	}
	if len(absent) > 0 && os.Getenv("CI") == "true" {
		t.Fatalf("live servers %v not configured under CI=true", absent)
	}
	if len(out) == 0 {
		t.Skip("no live server configured: run scripts/servers/{dovecot,cyrus,courier}.sh start and eval their env")
	}
	return out
}

// Run runs f as a subtest named after each configured server (see
// Servers), with a connection logged in with opts (nil for none). A
// server that does not advertise every capability in caps after login is
// not applicable: its subtest is skipped and says so, whatever CI says.
func Run(t *testing.T, opts *client.Options, caps []string, f func(t *testing.T, e Env, c *client.Conn)) {
	t.Helper()
	for _, e := range Servers(t) {
		t.Run(e.Name, func(t *testing.T) {
			c := e.Login(t, opts)
			e.RequireCaps(t, c, caps...)
			f(t, e, c)
		})
	}
}

// RequireCaps skips the test as not applicable unless the server behind
// c advertises every one of caps.
func (e Env) RequireCaps(t testing.TB, c *client.Conn, caps ...string) {
	t.Helper()
	for _, name := range caps {
		ok, err := c.Has(Ctx(t), name)
		if err != nil {
			t.Fatalf("%s: CAPABILITY: %v", e.Name, err)
		}
		if !ok {
			t.Skipf("n/a: %s does not advertise %s", e.Name, name)
		}
	}
}

// Ctx returns a context that ends with the test or after 30 s.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Dial connects to the plain port with opts (nil for none) without
// logging in. The connection is closed when the test ends.
func (e Env) Dial(t testing.TB, opts *client.Options) *client.Conn {
	t.Helper()
	if opts == nil {
		opts = &client.Options{}
	}
	o := *opts
	o.InsecureAuth = true // 127.0.0.1 only
	c, err := client.Dial(Ctx(t), "imap://"+e.Addr, &o)
	if err != nil {
		t.Fatalf("%s: Dial: %v", e.Name, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TLSConfig returns a configuration that trusts the server's certificate
// (CA) for the name "localhost".
func (e Env) TLSConfig(t testing.TB) *tls.Config {
	t.Helper()
	if e.TLSAddr == "" || e.CA == "" {
		t.Fatalf("%s: %s / %s not set with %s", e.Name, envName(e.Name, "TLS_ADDR"), envName(e.Name, "CA"), envName(e.Name, "ADDR"))
	}
	pem, err := os.ReadFile(e.CA)
	if err != nil {
		t.Fatalf("%s: %v", e.Name, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s: no certificate in %s", e.Name, e.CA)
	}
	return &tls.Config{RootCAs: pool, ServerName: "localhost"}
}

// Login dials the plain port with opts (nil for none) and logs in. The
// connection is closed when the test ends.
func (e Env) Login(t testing.TB, opts *client.Options) *client.Conn {
	t.Helper()
	c := e.Dial(t, opts)
	if err := c.Login(Ctx(t), e.User, e.Pass); err != nil {
		t.Fatalf("%s: Login: %v", e.Name, err)
	}
	return c
}

// Mailbox creates an empty mailbox named name (which must start with
// "imapkit-ext-") plus the process id, below Prefix, and deletes it when
// the test ends, through a connection of its own so that the test's
// connection may be in any state by then. It returns the name it
// created: the process id keeps concurrent runs of the same tests (other
// checkouts against the shared server) from creating, filling and
// deleting the same mailbox.
func (e Env) Mailbox(t testing.TB, c *client.Conn, name string) string {
	t.Helper()
	if !strings.HasPrefix(name, "imapkit-ext-") {
		t.Fatalf("test mailbox %q must start with imapkit-ext-", name)
	}
	name = fmt.Sprintf("%s%s-p%d", e.Prefix, name, os.Getpid())
	ctx := Ctx(t)
	c.Delete(ctx, name) // left over from an earlier run, or absent
	if err := c.Create(ctx, name); err != nil {
		t.Fatalf("%s: Create %q: %v", e.Name, name, err)
	}
	t.Cleanup(func() { e.remove(t, name, true) })
	return name
}

// MailboxName returns name (which must start with "imapkit-ext-") plus
// the process id, below Prefix, as Mailbox does, for a test that creates
// the mailbox itself; the mailbox is deleted when the test ends.
func (e Env) MailboxName(t testing.TB, name string) string {
	t.Helper()
	if !strings.HasPrefix(name, "imapkit-ext-") {
		t.Fatalf("test mailbox %q must start with imapkit-ext-", name)
	}
	name = fmt.Sprintf("%s%s-p%d", e.Prefix, name, os.Getpid())
	e.remove(t, name, false) // left over from an earlier run, or absent
	t.Cleanup(func() { e.remove(t, name, false) })
	return name
}

// remove deletes mailbox name through a connection of its own; unless
// mustExist, a NO (no such mailbox) is not an error.
func (e Env) remove(t testing.TB, name string, mustExist bool) {
	c2, err := client.Dial(context.Background(), "imap://"+e.Addr, &client.Options{InsecureAuth: true})
	if err != nil {
		t.Errorf("%s: cleanup: Dial: %v", e.Name, err)
		return
	}
	defer c2.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c2.Login(ctx, e.User, e.Pass); err != nil {
		t.Errorf("%s: cleanup: Login: %v", e.Name, err)
		return
	}
	var se *client.StatusError
	if err := c2.Delete(ctx, name); err != nil && (mustExist || !errors.As(err, &se)) {
		t.Errorf("%s: cleanup: Delete %q: %v", e.Name, name, err)
	}
	c2.Logout(ctx)
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
