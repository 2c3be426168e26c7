package sasl

import (
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
	"github.com/imapkit/imapkit/conformance/scripted"
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

// plusServer scripts an IMAP server on TLS that runs the server side of
// SCRAM-SHA-256-PLUS with xdg-go/scram, binding to its own view of the
// TLS channel, and reports how the authentication ended. It returns the
// client's end of the connection, on which the client starts TLS.
func plusServer(t *testing.T, cfg *tls.Config, binding Binding, result chan<- error) net.Conn {
	return scramServer(t, cfg, binding, true, result)
}

// scramServer is plusServer, or with plus false a server that offers
// SCRAM-SHA-256 only and checks that the client's GS2 flag is "y".
func scramServer(t *testing.T, cfg *tls.Config, binding Binding, plus bool, result chan<- error) net.Conn {
	s := scripted.New(t, &scripted.Options{Timeout: 10 * time.Second})
	reported := false
	report := func(err error) { // the first outcome only
		if !reported {
			reported = true
			result <- err
		}
	}
	mech := "SCRAM-SHA-256-PLUS"
	caps := "AUTH=SCRAM-SHA-256 AUTH=SCRAM-SHA-256-PLUS"
	if !plus {
		mech, caps = "SCRAM-SHA-256", "AUTH=SCRAM-SHA-256"
	}
	var (
		conv    *scram.ServerConversation
		tag     string
		stepErr error
	)
	// advance answers msg from the client: a challenge while the
	// conversation goes on, the completion at its end.
	advance := func(msg string) ([]string, bool) {
		if conv.Done() {
			if !conv.Valid() {
				report(fmt.Errorf("the server found the client's proof invalid"))
				return []string{tag + " NO invalid"}, false
			}
			report(nil)
			return []string{tag + " OK authenticated"}, true // then what comes until the client closes
		}
		out, err := conv.Step(msg)
		stepErr = err
		if conv.Done() && err != nil && out == "" {
			report(err)
			return []string{fmt.Sprintf("%s NO %v", tag, err)}, false
		}
		return []string{"+ " + base64.StdEncoding.EncodeToString([]byte(out))}, true
	}
	s.StartTLS(cfg)
	s.SendLine(fmt.Sprintf("* OK [CAPABILITY IMAP4rev1 SASL-IR %s] ready", caps))
	s.Respond(func(line string) ([]string, bool) {
		if reported {
			return nil, true // after the completion
		}
		if conv == nil { // the AUTHENTICATE command
			f := strings.Fields(line)
			if len(f) != 4 || f[1] != "AUTHENTICATE" || f[2] != mech {
				report(fmt.Errorf("unexpected command %q", line))
				return nil, false
			}
			tag = f[0]
			st, ok := s.TLSConnectionState()
			if !ok {
				report(fmt.Errorf("no TLS"))
				return nil, false
			}
			if binding == TLSServerEndPoint {
				// The server hashes its own certificate, which its
				// ConnectionState does not list as a peer's.
				leaf, _ := x509.ParseCertificate(cfg.Certificates[0].Certificate[0])
				st.PeerCertificates = []*x509.Certificate{leaf}
			}
			cb, err := ChannelBinding(&st, binding)
			if err != nil {
				report(err)
				return nil, false
			}
			cl, _ := scram.SHA256.NewClient("user", "pencil", "")
			kf := scram.KeyFactors{Salt: "QSXCR+Q6sek8bf92", Iters: 4096}
			creds := cl.GetStoredCredentials(kf)
			srv, _ := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) { return creds, nil })
			conv = srv.NewConversationWithChannelBinding(cb)
			if !plus {
				conv = srv.NewConversation()
			}
			msg, _ := base64.StdEncoding.DecodeString(f[3])
			if !plus && !strings.HasPrefix(string(msg), "y,,") {
				report(fmt.Errorf("client-first-message %q does not say the client could bind (y)", msg))
				return []string{tag + " NO want y"}, false
			}
			return advance(string(msg))
		}
		if resp := strings.TrimSpace(line); resp == "*" {
			report(fmt.Errorf("client cancelled (server error %v)", stepErr))
			return []string{tag + " BAD cancelled"}, false
		}
		msg, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(line))
		return advance(string(msg))
	})
	s.Call(func() { report(fmt.Errorf("the client closed the connection before the end of the authentication")) })
	s.Drop()
	return s.Client()
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
			result := make(chan error, 1)
			serverBinding := tc.binding
			if serverBinding == "" {
				serverBinding = TLSExporter
			}
			cc := plusServer(t, &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: tc.maxVersion}, serverBinding, result)
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
	result := make(chan error, 1)
	cc := plusServer(t, &tls.Config{Certificates: []tls.Certificate{cert}}, TLSExporter, result)
	tc2 := tls.Client(cc, &tls.Config{InsecureSkipVerify: true})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tc2.HandshakeContext(ctx); err != nil {
		t.Fatal(err)
	}
	// The state of a different TLS session.
	osrv := scripted.New(t, &scripted.Options{Timeout: 10 * time.Second})
	osrv.StartTLS(&tls.Config{Certificates: []tls.Certificate{cert}})
	other := tls.Client(osrv.Client(), &tls.Config{InsecureSkipVerify: true})
	if err := other.HandshakeContext(ctx); err != nil {
		t.Fatal(err)
	}
	st := other.ConnectionState()
	osrv.Close()
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
	result := make(chan error, 1)
	cc := scramServer(t, &tls.Config{Certificates: []tls.Certificate{cert}}, TLSExporter, false, result)
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
