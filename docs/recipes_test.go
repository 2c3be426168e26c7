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

	"github.com/imapkit/imapkit/client"
)

// redirect dials addr whatever address it is asked for: the recipes name
// the real providers' hosts, and the tests lead them to a stand-in.
type redirect struct{ addr string }

func (r redirect) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, r.addr)
}

// oauthServer is a stand-in for Gmail and Outlook: it accepts TLS
// connections and an AUTHENTICATE whose initial response carries
// "auth=Bearer "+token, and records the mechanisms it was offered.
func oauthServer(t *testing.T, token string) (addr string, mechs chan string) {
	t.Helper()
	l, err := tls.Listen("tcp", "127.0.0.1:0", serverTLS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	mechs = make(chan string, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serveOAuth(c, token, mechs)
		}
	}()
	return l.Addr().String(), mechs
}

func serveOAuth(c net.Conn, token string, mechs chan<- string) {
	defer c.Close()
	const caps = "IMAP4rev1 SASL-IR AUTH=OAUTHBEARER AUTH=XOAUTH2"
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
			mechs <- f[2]
			ir, err := base64.StdEncoding.DecodeString(f[3])
			if err != nil || !strings.Contains(string(ir), "auth=Bearer "+token+"\x01") {
				c.Write([]byte(tag + " NO [AUTHENTICATIONFAILED] invalid token\r\n"))
				continue
			}
			c.Write([]byte(tag + " OK authenticated\r\n"))
		case name == "LOGOUT":
			c.Write([]byte("* BYE bye\r\n" + tag + " OK done\r\n"))
			return
		default:
			c.Write([]byte(tag + " BAD unexpected\r\n"))
		}
	}
}

// TestOAuthRecipes runs the Gmail and Outlook recipes of COOKBOOK.md
// against a stand-in that checks the token and records the mechanism.
func TestOAuthRecipes(t *testing.T) {
	addr, mechs := oauthServer(t, "ya29.token")
	opts := &client.Options{Dialer: redirect{addr}, TLSConfig: tlsConfig}
	ctx := context.Background()
	for _, r := range []struct {
		name    string
		connect func(ctx context.Context, email, token string, opts *client.Options) (*client.Conn, error)
		mech    string
	}{{"gmail", connectGmail, "OAUTHBEARER"}, {"outlook", connectOutlook, "XOAUTH2"}} {
		c, err := r.connect(ctx, "alice@example.com", "ya29.token", opts)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		if got := <-mechs; got != r.mech {
			t.Errorf("%s: mechanism %s, want %s", r.name, got, r.mech)
		}
		if c.State() != client.StateAuthenticated {
			t.Errorf("%s: state %v after the recipe", r.name, c.State())
		}
		if err := c.Logout(ctx); err != nil {
			t.Errorf("%s: logout: %v", r.name, err)
		}
		_, err = r.connect(ctx, "alice@example.com", "expired", opts)
		var se *client.StatusError
		if !errors.As(err, &se) || se.CodeName() != "AUTHENTICATIONFAILED" {
			t.Errorf("%s with a bad token: %v, want NO [AUTHENTICATIONFAILED]", r.name, err)
		}
		<-mechs
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
