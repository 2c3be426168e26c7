package memserver

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
)

const (
	testUser = "alice"
	testPass = "secret pass"
)

// startServer runs a server with testUser on 127.0.0.1 and returns it
// with its address; it stops with the test.
func startServer(t testing.TB, opts *Options) (*Server, string) {
	t.Helper()
	srv := New(opts)
	srv.AddUser(testUser, testPass)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; err != ErrServerClosed {
			t.Errorf("Serve = %v; want ErrServerClosed", err)
		}
	})
	return srv, l.Addr().String()
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// dial connects imapkit's client and logs in unless login is false.
func dial(t testing.TB, addr string, opts *client.Options, login bool) *client.Conn {
	t.Helper()
	if opts == nil {
		opts = &client.Options{}
	}
	opts.InsecureAuth = true
	c, err := client.Dial(testCtx(t), "imap://"+addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if login {
		if err := c.Login(testCtx(t), testUser, testPass); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// rawConn is a line-level connection for checking exact wire exchanges.
type rawConn struct {
	t  testing.TB
	c  net.Conn
	br *bufio.Reader
}

func dialRaw(t testing.TB, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(60 * time.Second))
	t.Cleanup(func() { c.Close() })
	r := &rawConn{t: t, c: c, br: bufio.NewReader(c)}
	if l := r.line(); !strings.HasPrefix(l, "* OK ") {
		t.Fatalf("greeting %q", l)
	}
	return r
}

func (r *rawConn) send(s string) {
	r.t.Helper()
	if _, err := r.c.Write([]byte(s + "\r\n")); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawConn) line() string {
	r.t.Helper()
	l, err := r.br.ReadString('\n')
	if err != nil {
		r.t.Fatalf("reading: %v (got %q)", err, l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// until reads lines up to the one starting with prefix and returns them
// all, that one included.
func (r *rawConn) until(prefix string) []string {
	r.t.Helper()
	var ls []string
	for {
		l := r.line()
		ls = append(ls, l)
		if strings.HasPrefix(l, prefix) {
			return ls
		}
	}
}

// cmd sends a command with tag and returns the responses up to its
// completion, which must be OK.
func (r *rawConn) cmd(tag, text string) []string {
	r.t.Helper()
	r.send(tag + " " + text)
	ls := r.until(tag + " ")
	if last := ls[len(ls)-1]; !strings.HasPrefix(last, tag+" OK") {
		r.t.Fatalf("%s %s: %q", tag, text, ls)
	}
	return ls
}

// selfSigned returns a server TLS config with a fresh certificate for
// 127.0.0.1 and a client config that trusts it.
func selfSigned(t testing.TB) (server, clientCfg *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "memserver test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	clientCfg = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	return server, clientCfg
}

// testMessage returns a small message with subject s.
func testMessage(s string) []byte {
	return []byte("From: Bob <bob@example.com>\r\nTo: alice@example.com\r\nSubject: " + s +
		"\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <" + strings.ReplaceAll(s, " ", ".") + "@example.com>\r\n\r\nHello " + s + ".\r\n")
}

func netListen(t testing.TB) (net.Listener, error) {
	return net.Listen("tcp", "127.0.0.1:0")
}
