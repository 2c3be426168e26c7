package docs_test

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
	"os"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/conformance/memserver"
)

// The guides' examples use these variables. In a program of yours they
// are your server's address ("imaps://imap.example.com"), nil (the
// system's certificate roots) and your credentials; here they point at
// the in-memory server that TestMain starts on 127.0.0.1.
var (
	serverURL   string      // implicit TLS: "imaps://127.0.0.1:PORT"
	starttlsURL string      // cleartext until STARTTLS: "imap://127.0.0.1:PORT"
	silentURL   string      // a server that accepts connections and never greets
	tlsConfig   *tls.Config // trusts the test server's certificate
	user        = "alice"
	password    = "secret"
)

// server is the in-memory server behind serverURL and starttlsURL;
// serverTLS is its TLS configuration (a certificate that tlsConfig
// trusts, also valid for the hosts the cookbook's recipes name).
var (
	server    *memserver.Server
	serverTLS *tls.Config
)

// bigSize is the size of the message with an attachment (INBOX 5).
var bigSize int

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "docs: starting the test server:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	srvTLS, clientTLS, err := selfSigned()
	if err != nil {
		return 0, err
	}
	tlsConfig, serverTLS = clientTLS, srvTLS
	server = memserver.New(&memserver.Options{TLSConfig: srvTLS, Users: map[string]string{user: password}})
	defer server.Close()
	if err := seed(server); err != nil {
		return 0, err
	}

	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	implicit, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer silent.Close()
	go server.Serve(plain)
	go server.ServeTLS(implicit)
	go func() { // accept, say nothing, close when the client gives up
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Read(make([]byte, 1)) // returns when the client closes
			}()
		}
	}()
	starttlsURL = "imap://" + plain.Addr().String()
	serverURL = "imaps://" + implicit.Addr().String()
	silentURL = "imap://" + silent.Addr().String()
	return m.Run(), nil
}

// seed fills alice's mailboxes: five messages in INBOX (the fifth with a
// large attachment, streamed by the examples), and empty Archive, Drafts
// and Sent.
func seed(s *memserver.Server) error {
	for _, mb := range []struct{ name, use string }{{"Archive", `\Archive`}, {"Drafts", `\Drafts`}, {"Sent", `\Sent`}} {
		if err := s.CreateMailbox(user, mb.name, mb.use); err != nil {
			return err
		}
	}
	date := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	msg := func(i int, from, subject, body string, flags ...string) memserver.Message {
		d := date.Add(time.Duration(i) * time.Hour)
		raw := "From: " + from + "\r\nTo: Alice <alice@example.com>\r\nSubject: " + subject +
			"\r\nDate: " + d.Format(time.RFC1123Z) + "\r\nMessage-ID: <" + fmt.Sprint(i) + "@example.com>\r\n\r\n" + body + "\r\n"
		return memserver.Message{Raw: []byte(raw), Flags: flags, Date: d}
	}
	attachment := strings.Repeat("UEsDBBQAAAAIAAAAIQBmb28gYmFyIGJheiBxdXV4IGNvcmdlIGdyYXVsdA==\r\n", 5000)
	big := "From: Carol <carol@example.com>\r\nTo: Alice <alice@example.com>\r\nSubject: Holiday photos\r\n" +
		"Date: " + date.Add(5*time.Hour).Format(time.RFC1123Z) + "\r\nMessage-ID: <5@example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe photos.\r\n" +
		"--b\r\nContent-Type: application/zip; name=photos.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		attachment + "--b--\r\n"
	bigSize = len(big)
	return s.Seed(user, "INBOX",
		msg(1, "Bob <bob@example.com>", "Welcome to imapkit", "Hello Alice.", `\Seen`),
		msg(2, "Carol <carol@example.com>", "Lunch on Friday?", "Noon?", `\Seen`),
		msg(3, "Bob <bob@example.com>", "Quarterly report", "Attached soon."),
		msg(4, "Billing <billing@example.net>", "Your invoice", "Amount due: 12 EUR."),
		memserver.Message{Raw: []byte(big), Date: date.Add(5 * time.Hour)},
	)
}

// selfSigned makes a certificate for 127.0.0.1 and a client configuration
// that trusts it.
func selfSigned() (srv, cli *tls.Config, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "imapkit docs test server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost", "imap.gmail.com", "outlook.office365.com", "imap.fastmail.com"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	srv = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
	return srv, &tls.Config{RootCAs: pool}, nil
}
