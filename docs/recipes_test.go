package docs_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/sasl"
)

// redirect dials addr whatever address it is asked for: the recipes name
// the real providers' hosts, and the tests lead them to a stand-in.
type redirect struct{ addr string }

func (r redirect) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, r.addr)
}

// oauthServer is a stand-in for Gmail and Outlook: it accepts TLS
// connections, advertises caps, and accepts an AUTHENTICATE whose initial
// response carries "auth=Bearer "+token. A wrong token gets what the
// providers send: a JSON error as a challenge and, after the client's
// answer, NO [AUTHENTICATIONFAILED]. Each mechanism used, and each answer
// to the JSON challenge, is recorded on log.
func oauthServer(t *testing.T, caps, token string) (addr string, log chan string) {
	t.Helper()
	l, err := tls.Listen("tcp", "127.0.0.1:0", serverTLS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	log = make(chan string, 64)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serveOAuth(c, caps, token, log)
		}
	}()
	return l.Addr().String(), log
}

func serveOAuth(c net.Conn, caps, token string, log chan<- string) {
	defer c.Close()
	br := bufio.NewReader(c)
	c.Write([]byte("* OK [CAPABILITY " + caps + "] stand-in ready\r\n"))
	for range 10 {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return
		}
		tag, name := f[0], strings.ToUpper(f[1])
		switch {
		case name == "CAPABILITY":
			c.Write([]byte("* CAPABILITY " + caps + "\r\n" + tag + " OK done\r\n"))
		case name == "AUTHENTICATE" && len(f) == 4:
			log <- f[2]
			ir, err := base64.StdEncoding.DecodeString(f[3])
			if err == nil && strings.Contains(string(ir), "auth=Bearer "+token+"\x01") {
				c.Write([]byte(tag + " OK authenticated\r\n"))
				continue
			}
			js := `{"status":"401","schemes":"bearer","scope":"mail"}`
			c.Write([]byte("+ " + base64.StdEncoding.EncodeToString([]byte(js)) + "\r\n"))
			answer, err := br.ReadString('\n')
			if err != nil {
				return
			}
			log <- "answer:" + strings.TrimSpace(answer)
			c.Write([]byte(tag + " NO [AUTHENTICATIONFAILED] invalid credentials\r\n"))
		case name == "LOGOUT":
			c.Write([]byte("* BYE bye\r\n" + tag + " OK done\r\n"))
			return
		default:
			c.Write([]byte(tag + " BAD unexpected\r\n"))
		}
	}
}

// TestOAuthRecipes runs the Gmail and Outlook recipes of COOKBOOK.md
// against stand-ins: the mechanism each picks, the answer to a rejection,
// and the refresh of a token the server refused.
func TestOAuthRecipes(t *testing.T) {
	ctx := context.Background()
	for _, r := range []struct {
		name, caps string
		connect    func(ctx context.Context, email string, tokens sasl.TokenSource, opts *client.Options) (*client.Conn, error)
		mech       string
		answer     string // to the JSON challenge: ^A for OAUTHBEARER (RFC 7628 §3.2.3), empty for XOAUTH2
	}{
		{"gmail", "IMAP4rev1 SASL-IR AUTH=OAUTHBEARER AUTH=XOAUTH2", connectGmail, "OAUTHBEARER", "answer:AQ=="},
		{"outlook", "IMAP4rev1 SASL-IR AUTH=XOAUTH2", connectOutlook, "XOAUTH2", "answer:"},
	} {
		addr, log := oauthServer(t, r.caps, "fresh")
		opts := &client.Options{Dialer: redirect{addr}, TLSConfig: tlsConfig}
		fetched := []string{"stale", "fresh"}
		tokens := oauthTokens(func(ctx context.Context) (string, time.Time, error) {
			tok := fetched[0]
			fetched = fetched[1:]
			return tok, time.Now().Add(time.Hour), nil
		})
		c, err := r.connect(ctx, "alice@example.com", tokens, opts)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		want := []string{r.mech, r.answer, r.mech} // refused, answered, refreshed and accepted
		for _, w := range want {
			if got := <-log; got != w {
				t.Errorf("%s: stand-in saw %q, want %q", r.name, got, w)
			}
		}
		if c.State() != client.StateAuthenticated || len(fetched) != 0 {
			t.Errorf("%s: state %v, %d tokens not fetched: want authenticated with the refreshed token", r.name, c.State(), len(fetched))
		}
		if err := c.Logout(ctx); err != nil {
			t.Errorf("%s: logout: %v", r.name, err)
		}

		_, err = r.connect(ctx, "alice@example.com", oauthTokens(func(ctx context.Context) (string, time.Time, error) {
			return "revoked", time.Time{}, nil
		}), opts)
		var oe *sasl.OAuthError // the server's JSON error
		if !errors.As(err, &oe) || oe.Status != "401" {
			t.Errorf("%s with a revoked grant: %v, want the server's OAuth error (status 401)", r.name, err)
		}
	}
}

// TestFastmailRecipe runs the Fastmail recipe against the in-memory
// server.
func TestFastmailRecipe(t *testing.T) {
	ctx := context.Background()
	opts := &client.Options{Dialer: redirect{strings.TrimPrefix(serverURL, "imaps://")}, TLSConfig: tlsConfig}
	c, err := connectFastmail(ctx, user, password, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.IsTLS() || c.State() != client.StateAuthenticated {
		t.Errorf("TLS %v, state %v: want TLS and authenticated", c.IsTLS(), c.State())
	}
	if _, err := connectFastmail(ctx, user, "wrong", opts); err == nil {
		t.Error("a wrong app password logged in")
	}
}

// TestDovecotRecipe runs the Dovecot recipe against the project's
// Dovecot (scripts/servers/dovecot.sh): skipped when it is not running,
// a failure under CI=true.
func TestDovecotRecipe(t *testing.T) {
	addr := os.Getenv("IMAPKIT_DOVECOT_ADDR")
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("IMAPKIT_DOVECOT_ADDR not set under CI=true: start scripts/servers/dovecot.sh")
		}
		t.Skip("no Dovecot: run scripts/servers/dovecot.sh start and eval its env")
	}
	ctx := context.Background()
	c, err := connectDovecot(ctx, addr, os.Getenv("IMAPKIT_DOVECOT_CA"), os.Getenv("IMAPKIT_DOVECOT_USER"), os.Getenv("IMAPKIT_DOVECOT_PASS"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.IsTLS() || c.State() != client.StateAuthenticated {
		t.Errorf("TLS %v, state %v: want TLS and authenticated", c.IsTLS(), c.State())
	}
	if err := c.Logout(ctx); err != nil {
		t.Error(err)
	}
}
