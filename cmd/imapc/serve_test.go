package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
)

// startServe runs "imapc serve args" until the test ends and returns
// the addresses it printed.
func startServe(t *testing.T, args ...string) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	old := serveContext
	serveContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	pr, pw := io.Pipe()
	var errOut strings.Builder
	done := make(chan int, 1)
	go func() {
		code := run(append([]string{"serve"}, args...), &env{Stdin: strings.NewReader(""), Stdout: pw, Stderr: &errOut})
		pw.Close()
		done <- code
	}()
	var addrs []string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		l := sc.Text()
		if a, ok := strings.CutPrefix(l, "listening on "); ok {
			addrs = append(addrs, a)
		}
		if strings.HasPrefix(l, "user ") {
			break
		}
	}
	if len(addrs) == 0 {
		cancel()
		t.Fatalf("serve printed no address; stderr %q, exit %d", errOut.String(), <-done)
	}
	go io.Copy(io.Discard, pr)
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exit %d; stderr %q", code, errOut.String())
		}
		serveContext = old
	})
	return addrs
}

func TestServeSample(t *testing.T) {
	addrs := startServe(t, "-listen", "127.0.0.1:0", "-user", "demo", "-password", "pw")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.Dial(ctx, addrs[0], &client.Options{InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, "demo", "pw"); err != nil {
		t.Fatal(err)
	}
	mb, err := c.Select(ctx, "INBOX", nil)
	if err != nil || mb.Exists != 300 {
		t.Fatalf("INBOX: %+v, %v", mb, err)
	}
	lr, err := c.List(ctx, "", []string{"*"}, nil)
	if err != nil || len(lr.Mailboxes) != 8 {
		t.Errorf("LIST: %d mailboxes, %v", len(lr.Mailboxes), err)
	}
}

func TestServeEmptyWithTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := writeCert(t, dir)
	addrs := startServe(t, "-listen", "127.0.0.1:0", "-user", "demo", "-password", "pw", "-empty", "-tls-cert", certFile, "-tls-key", keyFile)
	if len(addrs) != 2 || !strings.HasPrefix(addrs[1], "imaps://") {
		t.Fatalf("addresses %q; want imap:// and imaps://", addrs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	c, err := client.Dial(ctx, addrs[0], &client.Options{TLSConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.StartTLS(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx, "demo", "pw"); err != nil {
		t.Fatal(err)
	}
	if mb, err := c.Select(ctx, "INBOX", nil); err != nil || mb.Exists != 0 {
		t.Errorf("INBOX with -empty: %+v, %v", mb, err)
	}
	tc, err := client.Dial(ctx, addrs[1], &client.Options{TLSConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	if err := tc.Login(ctx, "demo", "pw"); err != nil {
		t.Fatal(err)
	}
}

// TestServeStdio: -stdio serves one PREAUTH session on stdin/stdout.
func TestServeStdio(t *testing.T) {
	r := imapc("a1 SELECT INBOX\r\na2 LOGOUT\r\n", "serve", "-stdio", "-user", "demo")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "* PREAUTH [CAPABILITY ") ||
		!strings.Contains(r.stdout, "* 300 EXISTS\r\n") || !strings.Contains(r.stdout, "a2 OK ") {
		t.Errorf("serve -stdio: %v", r)
	}
}

func TestServeUsage(t *testing.T) {
	for _, args := range [][]string{
		{"serve"},
		{"serve", "-user", "x"},
		{"serve", "-user", "x", "-password", "y", "-tls-cert", "c"},
		{"serve", "-user", "x", "-password", "y", "extra"},
		{"serve", "-stdio"},
		{"serve", "-stdio", "-user", "x", "-password", "y"},
	} {
		if r := imapc("", args...); r.code != 2 {
			t.Errorf("%q: %v; want exit 2", args, r)
		}
	}
	if r := imapc("", "serve", "-user", "x", "-password", "y", "-tls-cert", "/nonexistent", "-tls-key", "/nonexistent"); r.code != 1 {
		t.Errorf("missing certificate: %v; want exit 1", r)
	}
}

func writeCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "imapc serve test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
