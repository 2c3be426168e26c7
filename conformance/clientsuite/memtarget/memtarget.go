// Package memtarget starts conformance/memserver in-process on 127.0.0.1
// as a client suite Target (cleartext + STARTTLS and implicit TLS, with a
// throw-away certificate and the same test users as the real servers).
package memtarget

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"time"

	"github.com/imapkit/imapkit/conformance/clientsuite"
	"github.com/imapkit/imapkit/conformance/memserver"
)

// Name is the report column of the in-memory server.
const Name = "memserver"

// Profile is what memserver advertises after login.
var Profile = clientsuite.Server{
	Key: "MEMSERVER", Name: Name,
	Expect: []string{"IMAP4rev1", "IMAP4rev2", "IDLE", "UIDPLUS", "MOVE", "CONDSTORE", "ESEARCH", "NAMESPACE",
		"SPECIAL-USE", "LIST-EXTENDED", "COMPRESS=DEFLATE", "LITERAL+", "ENABLE", "UNSELECT", "UTF8=ACCEPT"},
}

// Start starts a memserver with users testuser/testpass,
// testuser2/testpass2 and utf8user/pässwörd, each with Sent and Trash
// (special-use), and returns its Target and a function that stops it.
func Start() (clientsuite.Target, func(), error) {
	cert, pool, err := selfSigned()
	if err != nil {
		return clientsuite.Target{}, nil, err
	}
	users := map[string]string{"testuser": "testpass", "testuser2": "testpass2", "utf8user": "pässwörd"}
	srv := memserver.New(&memserver.Options{
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
		Users:     users,
	})
	for u := range users {
		for name, use := range map[string]string{"Sent": `\Sent`, "Trash": `\Trash`, "Drafts": `\Drafts`} {
			if err := srv.CreateMailbox(u, name, use); err != nil {
				return clientsuite.Target{}, nil, fmt.Errorf("memserver: CreateMailbox %s %s: %w", u, name, err)
			}
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return clientsuite.Target{}, nil, err
	}
	lt, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		l.Close()
		return clientsuite.Target{}, nil, err
	}
	done := make(chan error, 2)
	go func() { done <- srv.Serve(l) }()
	go func() { done <- srv.ServeTLS(lt) }()
	// Close stops both listeners; Serve and ServeTLS then return.
	stop := func() {
		srv.Close()
		<-done
		<-done
	}
	t := clientsuite.Target{
		Name: Name, Addr: l.Addr().String(), TLSAddr: lt.Addr().String(),
		TLSConfig: &tls.Config{RootCAs: pool, ServerName: "localhost"},
		User:      "testuser", Pass: "testpass", User2: "testuser2", Pass2: "testpass2",
		UTF8User: "utf8user", UTF8Pass: "pässwörd",
		Expect: Profile.Expect, Lacks: Profile.Lacks, Deviations: Profile.Deviations,
	}
	return t, stop, nil
}

func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "localhost"},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
