package sasl

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/xdg-go/scram"
)

func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, SignatureAlgorithm: x509.ECDSAWithSHA256,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// plusServer is an IMAP server on TLS that runs the server side of
// SCRAM-SHA-256-PLUS with xdg-go/scram, binding to its own view of the
// TLS channel, and reports how the authentication ended.
func plusServer(t *testing.T, conn *tls.Conn, cert tls.Certificate, binding Binding, result chan<- error) {
	scramServer(t, conn, cert, binding, true, result)
}

// scramServer is plusServer, or with plus false a server that offers
// SCRAM-SHA-256 only and records the client's GS2 flag in gs2.
func scramServer(t *testing.T, conn *tls.Conn, cert tls.Certificate, binding Binding, plus bool, result chan<- error) {
	defer conn.Close()
	fail := func(err error) { result <- err }
	if err := conn.Handshake(); err != nil {
		fail(err)
		return
	}
	st := conn.ConnectionState()
	if binding == TLSServerEndPoint {
		// The server hashes its own certificate, which its
		// ConnectionState does not list as a peer's.
		leaf, _ := x509.ParseCertificate(cert.Certificate[0])
		st.PeerCertificates = []*x509.Certificate{leaf}
	}
	cb, err := ChannelBinding(&st, binding)
	if err != nil {
		fail(err)
		return
	}
	cl, _ := scram.SHA256.NewClient("user", "pencil", "")
	kf := scram.KeyFactors{Salt: "QSXCR+Q6sek8bf92", Iters: 4096}
	creds := cl.GetStoredCredentials(kf)
	srv, _ := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) { return creds, nil })
	conv := srv.NewConversationWithChannelBinding(cb)
	mech := "SCRAM-SHA-256-PLUS"
	caps := "AUTH=SCRAM-SHA-256 AUTH=SCRAM-SHA-256-PLUS"
	if !plus {
		conv = srv.NewConversation()
		mech, caps = "SCRAM-SHA-256", "AUTH=SCRAM-SHA-256"
	}
	br := bufio.NewReader(conn)
	fmt.Fprintf(conn, "* OK [CAPABILITY IMAP4rev1 SASL-IR %s] ready\r\n", caps)
	line, err := br.ReadString('\n')
	if err != nil {
		fail(err)
		return
	}
	f := strings.Fields(line)
	if len(f) != 4 || f[1] != "AUTHENTICATE" || f[2] != mech {
		fail(fmt.Errorf("unexpected command %q", line))
		return
	}
	msg, _ := base64.StdEncoding.DecodeString(f[3])
	if !plus && !strings.HasPrefix(string(msg), "y,,") {
		fmt.Fprintf(conn, "%s NO want y\r\n", f[0])
		fail(fmt.Errorf("client-first-message %q does not say the client could bind (y)", msg))
		return
	}
	for !conv.Done() {
		out, err := conv.Step(string(msg))
		if conv.Done() && err != nil && out == "" {
			fmt.Fprintf(conn, "%s NO %v\r\n", f[0], err)
			fail(err)
			return
		}
		fmt.Fprintf(conn, "+ %s\r\n", base64.StdEncoding.EncodeToString([]byte(out)))
		resp, rerr := br.ReadString('\n')
		if rerr != nil {
			fail(rerr)
			return
		}
		resp = strings.TrimSpace(resp)
		if resp == "*" {
			fmt.Fprintf(conn, "%s BAD cancelled\r\n", f[0])
			fail(fmt.Errorf("client cancelled (server error %v)", err))
			return
		}
		msg, _ = base64.StdEncoding.DecodeString(resp)
	}
	if !conv.Valid() {
		fmt.Fprintf(conn, "%s NO invalid\r\n", f[0])
		fail(fmt.Errorf("the server found the client's proof invalid"))
		return
	}
	fmt.Fprintf(conn, "%s OK authenticated\r\n", f[0])
	result <- nil
	br.ReadString('\n') // until the client closes
}

// SCRAM-SHA-256-PLUS over real TLS (TLS 1.3 and 1.2): the client and
// xdg-go's server compute the channel binding each from its own end of
// the connection, so success proves both see the same channel.
func TestSCRAMPlusOverTLS(t *testing.T) {
	for _, tc := range []struct {
		name       string
		maxVersion uint16
		binding    Binding
	}{
		{"tls13-exporter", tls.VersionTLS13, TLSExporter},
		{"tls13-default", tls.VersionTLS13, ""},
		{"tls13-server-end-point", tls.VersionTLS13, TLSServerEndPoint},
		{"tls12-unique", tls.VersionTLS12, TLSUnique},
		{"tls12-exporter", tls.VersionTLS12, TLSExporter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cert := selfSigned(t)
			cc, sc := net.Pipe()
			result := make(chan error, 1)
			serverBinding := tc.binding
			if serverBinding == "" {
				serverBinding = TLSExporter
			}
			go plusServer(t, tls.Server(sc, &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: tc.maxVersion}), cert, serverBinding, result)
			pool := x509.NewCertPool()
			leaf, _ := x509.ParseCertificate(cert.Certificate[0])
			pool.AddCert(leaf)
			tc2 := tls.Client(cc, &tls.Config{RootCAs: pool, ServerName: "localhost", MaxVersion: tc.maxVersion})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := tc2.HandshakeContext(ctx); err != nil {
				t.Fatal(err)
			}
			st := tc2.ConnectionState()
			c, err := client.New(ctx, tc2, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			// The state from the connection (Conn.TLSConnectionState)
			// must be the one the handshake gave.
			cst, ok := c.TLSConnectionState()
			if !ok || string(cst.TLSUnique) != string(st.TLSUnique) || cst.Version != st.Version {
				t.Fatalf("TLSConnectionState = %v, %v", cst.Version, ok)
			}
			mech, err := Authenticate(ctx, c, "user", "pencil", &SCRAMOptions{Binding: tc.binding})
			if err != nil {
				t.Fatalf("Authenticate: %v (server: %v)", err, <-result)
			}
			if mech != SCRAMSHA256Plus {
				t.Fatalf("mechanism %s", mech)
			}
			if err := <-result; err != nil {
				t.Fatalf("server: %v", err)
			}
		})
	}
}

// A channel binding computed for another connection (a man in the
// middle relaying SCRAM between two TLS sessions) fails.
func TestSCRAMPlusWrongChannel(t *testing.T) {
	cert := selfSigned(t)
	cc, sc := net.Pipe()
	result := make(chan error, 1)
	go plusServer(t, tls.Server(sc, &tls.Config{Certificates: []tls.Certificate{cert}}), cert, TLSExporter, result)
	tc2 := tls.Client(cc, &tls.Config{InsecureSkipVerify: true})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tc2.HandshakeContext(ctx); err != nil {
		t.Fatal(err)
	}
	// The state of a different TLS session.
	oc, os := net.Pipe()
	go tls.Server(os, &tls.Config{Certificates: []tls.Certificate{cert}}).Handshake()
	other := tls.Client(oc, &tls.Config{InsecureSkipVerify: true})
	if err := other.HandshakeContext(ctx); err != nil {
		t.Fatal(err)
	}
	st := other.ConnectionState()
	oc.Close() // the raw pipe: a TLS close_notify would wait for a reader
	os.Close()
	c, err := client.New(ctx, tc2, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m, err := NewSCRAMClient(SCRAMSHA256Plus, "user", "pencil", &SCRAMOptions{TLS: &st})
	if err != nil {
		t.Fatal(err)
	}
	if err := AuthenticateSCRAM(ctx, c, m); err == nil {
		t.Fatal("authentication over the wrong channel succeeded")
	}
	if err := <-result; err == nil {
		t.Fatal("server accepted the wrong channel binding")
	}
}

// On TLS facing a server without -PLUS, the client says it could bind
// ("y", RFC 5802 §6) so that a downgrade is detectable.
func TestSCRAMAdvertisesBinding(t *testing.T) {
	cert := selfSigned(t)
	cc, sc := net.Pipe()
	result := make(chan error, 1)
	go scramServer(t, tls.Server(sc, &tls.Config{Certificates: []tls.Certificate{cert}}), cert, TLSExporter, false, result)
	tc := tls.Client(cc, &tls.Config{InsecureSkipVerify: true})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.New(ctx, tc, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mech, err := Authenticate(ctx, c, "user", "pencil", nil)
	if err != nil || mech != SCRAMSHA256 {
		t.Fatalf("Authenticate = %s, %v (server: %v)", mech, err, <-result)
	}
	if err := <-result; err != nil {
		t.Fatalf("server: %v", err)
	}
}
