package sasl

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
)

// liveMechs are the mechanisms each server offers on its plain port,
// besides PLAIN.
var liveMechs = map[string][]string{
	"dovecot": {CRAMMD5, SCRAMSHA1, SCRAMSHA256},
	"cyrus":   {CRAMMD5, SCRAMSHA1, SCRAMSHA256},
	"courier": {},
}

func TestLiveMechanisms(t *testing.T) {
	for _, env := range livetest.Servers(t) {
		for _, mech := range []string{CRAMMD5, SCRAMSHA1, SCRAMSHA256} {
			t.Run(env.Name+"/"+mech, func(t *testing.T) {
				c := env.Dial(t, nil)
				ctx := livetest.Ctx(t)
				if ok, err := c.Has(ctx, "AUTH="+mech); err != nil {
					t.Fatal(err)
				} else if ok != slices.Contains(liveMechs[env.Name], mech) {
					t.Fatalf("%s advertises AUTH=%s: %v; want %v", env.Name, mech, ok, !ok)
				} else if !ok {
					t.Skipf("n/a: %s does not advertise AUTH=%s", env.Name, mech)
				}
				var err error
				if mech == CRAMMD5 {
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
	}
	// No wrong-password case here: Dovecot's auth penalty delays every
	// login from 127.0.0.1 after a failure, which would slow the other
	// suites sharing the server. The offline tests cover rejections.
}

// liveTLSMech is the mechanism Authenticate picks on each server's TLS
// port: Dovecot 2.3 has no -PLUS, Cyrus 3.6 has SCRAM-SHA-256-PLUS,
// Courier 5.0 only PLAIN.
var liveTLSMech = map[string]string{
	"dovecot": SCRAMSHA256,
	"cyrus":   SCRAMSHA256Plus,
	"courier": "PLAIN",
}

// Over implicit TLS, Authenticate picks the strongest mechanism, with
// channel binding where the server offers -PLUS, and otherwise says it
// could bind ("y", RFC 5802 §6).
func TestLiveAuthenticateTLS(t *testing.T) {
	for _, env := range livetest.Servers(t) {
		t.Run(env.Name, func(t *testing.T) {
			cfg := env.TLSConfig(t)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			raw, err := (&net.Dialer{}).DialContext(ctx, "tcp", env.TLSAddr)
			if err != nil {
				t.Fatal(err)
			}
			tc := tls.Client(raw, cfg)
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
			if env.Name == "cyrus" {
				// Cyrus 3.6 binds to tls-unique only, which TLS 1.3 does
				// not have; the tls-exporter binding Authenticate sends is
				// refused (TestLiveCyrusPlus binds over TLS 1.2):
				//   S: A1 NO bad protocol / cancel
				var se *client.StatusError
				if st.Version != tls.VersionTLS13 || mech != SCRAMSHA256Plus || !errors.As(err, &se) {
					t.Fatalf("Authenticate over TLS %x = %s, %v; want %s refused", st.Version, mech, err, SCRAMSHA256Plus)
				}
				return
			}
			if err != nil || mech != liveTLSMech[env.Name] {
				t.Fatalf("Authenticate = %s, %v; want %s", mech, err, liveTLSMech[env.Name])
			}
			if c.State() != client.StateAuthenticated {
				t.Fatalf("state %v", c.State())
			}
		})
	}
}

// Cyrus 3.6 offers SCRAM-SHA-1-PLUS and SCRAM-SHA-256-PLUS on its TLS
// port with the tls-unique binding (RFC 5929 §3), so over TLS 1.2 both
// work, and Authenticate picks SCRAM-SHA-256-PLUS when told the binding.
func TestLiveCyrusPlus(t *testing.T) {
	env := livetest.Server(t, "cyrus")
	dial := func(t *testing.T) (*client.Conn, *tls.ConnectionState) {
		cfg := env.TLSConfig(t)
		cfg.MaxVersion = tls.VersionTLS12
		c, err := client.Dial(livetest.Ctx(t), "imaps://"+env.TLSAddr, &client.Options{TLSConfig: cfg})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		st, ok := c.TLSConnectionState()
		if !ok || st.Version != tls.VersionTLS12 || len(st.TLSUnique) == 0 {
			t.Fatalf("TLS state %v: version %x, tls-unique %x", ok, st.Version, st.TLSUnique)
		}
		return c, &st
	}
	for _, mech := range []string{SCRAMSHA1Plus, SCRAMSHA256Plus} {
		t.Run(mech, func(t *testing.T) {
			c, st := dial(t)
			m, err := NewSCRAMClient(mech, env.User, env.Pass, &SCRAMOptions{TLS: st, Binding: TLSUnique})
			if err != nil {
				t.Fatal(err)
			}
			if err := AuthenticateSCRAM(livetest.Ctx(t), c, m); err != nil {
				t.Fatalf("%s with tls-unique: %v", mech, err)
			}
			if !m.Verified() || c.State() != client.StateAuthenticated {
				t.Fatalf("verified %v, state %v", m.Verified(), c.State())
			}
		})
	}
	t.Run("Authenticate", func(t *testing.T) {
		c, _ := dial(t)
		mech, err := Authenticate(livetest.Ctx(t), c, env.User, env.Pass, &SCRAMOptions{Binding: TLSUnique})
		if err != nil || mech != SCRAMSHA256Plus {
			t.Fatalf("Authenticate = %s, %v; want %s", mech, err, SCRAMSHA256Plus)
		}
	})
	// With another binding the server refuses, and the client does not
	// fall back to a mechanism without binding (that would undo what
	// binding is for).
	t.Run("tls-server-end-point", func(t *testing.T) {
		c, st := dial(t)
		m, err := NewSCRAMClient(SCRAMSHA256Plus, env.User, env.Pass, &SCRAMOptions{TLS: st, Binding: TLSServerEndPoint})
		if err != nil {
			t.Fatal(err)
		}
		var se *client.StatusError
		if err := AuthenticateSCRAM(livetest.Ctx(t), c, m); !errors.As(err, &se) {
			t.Fatalf("tls-server-end-point: %v; want NO", err)
		}
	})
}
