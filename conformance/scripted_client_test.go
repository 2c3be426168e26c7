package conformance_test

// These tests drive imapkit's own client against the scripted server: the
// pattern a third party follows to test an extension or a client against
// byte-exact server behaviour and faults, and the proof that the scripted
// server covers what the client's private fake (client/fake_test.go) did.

import (
	"context"
	"crypto/tls"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/conformance/scripted"
	"github.com/imapkit/imapkit/transport"
)

// dial starts a client on the scripted server's pipe; the script must
// begin with the greeting.
func dial(t *testing.T, s *scripted.Server, opts *client.Options) *client.Conn {
	t.Helper()
	if opts == nil {
		opts = &client.Options{InsecureAuth: true}
	}
	c, err := client.New(context.Background(), s.Client(), opts)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestClientLoginSelectByteAtATime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := scripted.New(t, &scripted.Options{WriteChunk: 1})
		s.Script(`
S: * OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] ready
C> LOGIN fred {7+}
C= "pa ss\"w\r\n"
S: ${tag} OK [CAPABILITY IMAP4rev1 MOVE] logged in
C> SELECT INBOX
S: * 172 EXISTS
S: * OK [UIDVALIDITY 3857529045] UIDs valid
S: * OK [UIDNEXT 4392] Predicted next UID
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S: ${tag} OK [READ-WRITE] SELECT completed
`)
		c := dial(t, s, nil)
		ctx := context.Background()
		if err := c.Login(ctx, "fred", "pa ss\"w"); err != nil {
			t.Fatalf("Login: %v", err)
		}
		m, err := c.Select(ctx, "INBOX", nil)
		if err != nil {
			t.Fatalf("Select: %v", err)
		}
		if m.Exists != 172 || m.UIDValidity != 3857529045 || m.UIDNext != 4392 {
			t.Errorf("mailbox %+v", m)
		}
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
	})
}

// Every fault ends the pending command with an error: no hang (synctest
// would report the deadlock), no panic.
func TestClientAgainstFaults(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(s *scripted.Server)
		check func(error) bool
	}{
		{"literal bomb", func(s *scripted.Server) { s.LiteralBomb("* 1 FETCH (BODY[] ", 1<<16) }, nil},
		{"deep nesting", func(s *scripted.Server) { s.DeepNesting("* 1 FETCH (X ", 100000, ")") }, nil},
		{"endless line", func(s *scripted.Server) { s.EndlessLine("* OK ", 8<<20) }, nil},
		{"drop mid-literal", func(s *scripted.Server) { s.DropMidLiteral("* 1 FETCH (BODY[] ", 100, 10) }, nil},
		{"BYE mid-command", func(s *scripted.Server) { s.Bye("shutting down") }, func(err error) bool {
			var be *client.ByeError
			return errors.As(err, &be) && be.Text == "shutting down"
		}},
		{"stall", func(s *scripted.Server) { s.StallForever() }, func(err error) bool { return errors.Is(err, client.ErrTimeout) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := scripted.New(t, nil)
				s.SendLine("* PREAUTH [CAPABILITY IMAP4rev1] hi")
				s.ExpectCmd("NOOP")
				tc.fault(s)
				c := dial(t, s, &client.Options{InactivityTimeout: time.Minute})
				start := time.Now()
				err := c.Noop(context.Background())
				if err == nil || (tc.check != nil && !tc.check(err)) {
					t.Fatalf("Noop = %v", err)
				}
				if tc.name == "stall" && time.Since(start) != time.Minute {
					t.Errorf("timed out after %v of fake time; want the InactivityTimeout", time.Since(start))
				}
			})
		})
	}
}

// The client switches to DEFLATE at the OK (klauspost on its side,
// compress/flate on the server's), and fails cleanly on a corrupt stream.
func TestClientCompressThenBadDeflate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := scripted.New(t, nil)
		s.Script(`
S: * PREAUTH [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] hi
C> COMPRESS DEFLATE
S: ${tag} OK DEFLATE active
! compress
C> NOOP
S: * 3 EXISTS
S: ${tag} OK compressed NOOP
C> NOOP
! bad-deflate
`)
		c := dial(t, s, nil)
		ctx := context.Background()
		if err := c.Compress(ctx, nil, -1); err != nil {
			t.Fatalf("Compress: %v", err)
		}
		if err := c.Noop(ctx); err != nil {
			t.Fatalf("Noop inside DEFLATE: %v", err)
		}
		if err := c.Noop(ctx); !errors.Is(err, transport.ErrDeflate) {
			t.Fatalf("Noop over a corrupt stream = %v; want transport.ErrDeflate", err)
		}
	})
}

func TestClientSTARTTLS(t *testing.T) {
	srvCfg, cliCfg := selfSigned(t)
	t.Run("clean", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := scripted.New(t, nil)
			s.SendLine("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] hi")
			s.ExpectCmd("STARTTLS")
			s.Reply("OK Begin TLS negotiation now")
			s.StartTLS(srvCfg)
			s.ExpectCmd("CAPABILITY")
			s.SendLine("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
			s.Reply("OK done")
			c := dial(t, s, &client.Options{TLSConfig: cliCfg})
			ctx := context.Background()
			if err := c.StartTLS(ctx); err != nil {
				t.Fatalf("StartTLS: %v", err)
			}
			if c.Require(ctx, "AUTH=PLAIN") != nil {
				t.Error("capabilities not refreshed inside TLS")
			}
			if _, ok := c.TLSConnectionState(); !ok {
				t.Error("no TLS state")
			}
			if err := s.Wait(); err != nil {
				t.Fatal(err)
			}
		})
	})
	t.Run("garbage after OK", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := scripted.New(t, nil)
			s.SendLine("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi")
			s.GarbageAfterSTARTTLS("")
			c := dial(t, s, &client.Options{TLSConfig: cliCfg})
			if err := c.StartTLS(context.Background()); !errors.Is(err, transport.ErrBufferedAfterStartTLS) {
				t.Fatalf("StartTLS after injected bytes = %v; want ErrBufferedAfterStartTLS", err)
			}
		})
	})
}

// selfSigned returns a server config and a client config trusting it.
func selfSigned(t *testing.T) (*tls.Config, *tls.Config) {
	t.Helper()
	srv, cli, err := scripted.SelfSignedTLS()
	if err != nil {
		t.Fatal(err)
	}
	return srv, cli
}
