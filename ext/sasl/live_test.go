package sasl

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
)

// liveConn dials the live Dovecot's plain port.
func liveConn(t *testing.T, env livetest.Env) *client.Conn {
	t.Helper()
	c, err := client.Dial(livetest.Ctx(t), "imap://"+env.Addr, &client.Options{InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestLiveMechanisms(t *testing.T) {
	env := livetest.Get(t)
	for _, mech := range []string{CRAMMD5, SCRAMSHA1, SCRAMSHA256} {
		t.Run(mech, func(t *testing.T) {
			c := liveConn(t, env)
			ctx := livetest.Ctx(t)
			var err error
			if mech == CRAMMD5 {
				if c.Require(ctx, "AUTH=CRAM-MD5") != nil {
					t.Fatal("Dovecot does not advertise AUTH=CRAM-MD5")
				}
				err = c.Authenticate(ctx, NewCRAMMD5Client(env.User, env.Pass))
			} else {
				m, merr := NewSCRAMClient(mech, env.User, env.Pass, nil)
				if merr != nil {
					t.Fatal(merr)
				}
				err = AuthenticateSCRAM(ctx, c, m)
				if err == nil && !m.Verified() {
					t.Fatal("the server's signature was not verified")
				}
			}
			if err != nil {
				t.Fatalf("%s: %v", mech, err)
			}
			if c.State() != client.StateAuthenticated {
				t.Fatalf("state %v", c.State())
			}
			if _, err := c.Select(ctx, "INBOX", nil); err != nil {
				t.Fatal(err)
			}
		})
	}
	// No wrong-password case here: Dovecot's auth penalty delays every
	// login from 127.0.0.1 after a failure, which would slow the other
	// suites sharing the server. The offline tests cover rejections.
}

// Over implicit TLS, Authenticate picks SCRAM-SHA-256 (Dovecot 2.3 has
// no -PLUS) and says it could bind ("y", RFC 5802 §6).
func TestLiveAuthenticateTLS(t *testing.T) {
	env := livetest.Get(t)
	addr, caFile := os.Getenv("IMAPKIT_DOVECOT_TLS_ADDR"), os.Getenv("IMAPKIT_DOVECOT_CA")
	if addr == "" || caFile == "" {
		t.Fatal("IMAPKIT_DOVECOT_TLS_ADDR / IMAPKIT_DOVECOT_CA not set with IMAPKIT_DOVECOT_ADDR")
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	raw, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	tc := tls.Client(raw, &tls.Config{RootCAs: pool, ServerName: "localhost"})
	if err := tc.HandshakeContext(ctx); err != nil {
		t.Fatal(err)
	}
	st := tc.ConnectionState()
	c, err := client.New(ctx, tc, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mech, err := Authenticate(ctx, c, env.User, env.Pass, nil) // binding data from c.TLSConnectionState()
	if cst, ok := c.TLSConnectionState(); !ok || cst.Version != st.Version {
		t.Fatalf("TLSConnectionState = %v", ok)
	}
	if err != nil || mech != SCRAMSHA256 {
		t.Fatalf("Authenticate = %s, %v", mech, err)
	}
	if c.State() != client.StateAuthenticated {
		t.Fatalf("state %v", c.State())
	}
}
