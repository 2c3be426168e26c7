package sasl

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/faketest"
)

const greetingIR = "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=CRAM-MD5 AUTH=SCRAM-SHA-1 AUTH=SCRAM-SHA-256 AUTH=OAUTHBEARER AUTH=XOAUTH2] ready"

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func dial(t *testing.T, greeting string) (*client.Conn, *faketest.Server) {
	return faketest.New(t, greeting, &client.Options{InsecureAuth: true})
}

// RFC 2195 §2's example: challenge, user tim, password tanstaaftanstaaf.
func TestRFC2195_CRAMMD5(t *testing.T) {
	c, s := dial(t, greetingIR)
	done := faketest.Go(func() (struct{}, error) {
		return struct{}{}, c.Authenticate(faketest.Ctx(t), NewCRAMMD5Client("tim", "tanstaaftanstaaf"))
	})
	s.Expect("A1 AUTHENTICATE CRAM-MD5")
	s.Send("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+")
	s.Expect("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw") // "tim b913a602c7eda7a495b4e6e7334d3890"
	s.Send("A1 OK CRAM authentication successful")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	if c.State() != client.StateAuthenticated {
		t.Fatalf("state = %v", c.State())
	}
}

// scramTranscript runs a SCRAM exchange from an RFC's example.
type scramStep struct{ server, client string }

func runSCRAM(t *testing.T, mech, nonce, clientFirst string, steps []scramStep, final string) error {
	c, s := dial(t, greetingIR)
	m, err := NewSCRAMClient(mech, "user", "pencil", &SCRAMOptions{nonce: func() string { return nonce }})
	if err != nil {
		t.Fatal(err)
	}
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, AuthenticateSCRAM(faketest.Ctx(t), c, m) })
	s.Expect("A1 AUTHENTICATE " + mech + " " + b64(clientFirst))
	for _, st := range steps {
		s.Send("+ " + b64(st.server))
		got := s.Line()
		if st.client == "*" {
			if got != "*" {
				t.Fatalf("client sent %q; want the cancel *", got)
			}
			continue
		}
		dec, _ := base64.StdEncoding.DecodeString(got)
		if string(dec) != st.client {
			t.Fatalf("client sent %q; want %q", dec, st.client)
		}
	}
	s.Send(final)
	_, err = done()
	return err
}

// RFC 5802 §5 (SCRAM-SHA-1) and RFC 7677 §3 (SCRAM-SHA-256): user "user",
// password "pencil".
func TestRFC5802_SCRAMSHA1(t *testing.T) {
	err := runSCRAM(t, SCRAMSHA1, "fyko+d2lbbFgONRv9qkxdawL", "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", []scramStep{
		{"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
			"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="},
		{"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", ""},
	}, "A1 OK done")
	if err != nil {
		t.Fatal(err)
	}
}

func TestRFC7677_SCRAMSHA256(t *testing.T) {
	err := runSCRAM(t, SCRAMSHA256, "rOprNGfwEbeRWgbNEkqO", "n,,n=user,r=rOprNGfwEbeRWgbNEkqO", []scramStep{
		{"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
			"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="},
		{"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", ""},
	}, "A1 OK done")
	if err != nil {
		t.Fatal(err)
	}
}

// A server that says OK without the server-final-message has not proved
// it knows the password: refused, connection closed.
func TestSCRAMServerNotVerified(t *testing.T) {
	err := runSCRAM(t, SCRAMSHA256, "rOprNGfwEbeRWgbNEkqO", "n,,n=user,r=rOprNGfwEbeRWgbNEkqO", []scramStep{
		{"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
			"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="},
	}, "A1 OK trust me")
	if !errors.Is(err, ErrServerNotVerified) {
		t.Fatalf("err = %v; want ErrServerNotVerified", err)
	}
}

// A wrong server signature: the client cancels (RFC 9051 §6.2.2 "*").
func TestSCRAMBadServerSignature(t *testing.T) {
	err := runSCRAM(t, SCRAMSHA256, "rOprNGfwEbeRWgbNEkqO", "n,,n=user,r=rOprNGfwEbeRWgbNEkqO", []scramStep{
		{"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
			"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="},
		{"v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", "*"},
	}, "A1 BAD cancelled")
	var se *client.StatusError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v; want the BAD", err)
	}
}

// A hostile iteration count is refused before any PBKDF2 work.
func TestSCRAMIterationBound(t *testing.T) {
	for _, i := range []string{"999999999", "0", "-1", "x"} {
		err := runSCRAM(t, SCRAMSHA1, "fyko+d2lbbFgONRv9qkxdawL", "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", []scramStep{
			{"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=" + i, "*"},
		}, "A1 BAD cancelled")
		if err == nil {
			t.Fatalf("i=%s accepted", i)
		}
	}
}

// A server nonce that does not extend the client's is refused.
func TestSCRAMNonceMismatch(t *testing.T) {
	err := runSCRAM(t, SCRAMSHA1, "fyko+d2lbbFgONRv9qkxdawL", "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", []scramStep{
		{"r=somethingelse,s=QSXCR+Q6sek8bf92,i=4096", "*"},
	}, "A1 BAD cancelled")
	if err == nil {
		t.Fatal("a foreign nonce was accepted")
	}
}

// RFC 7628 §4.1: the initial response byte for byte.
func TestRFC7628_4_1_OAuthBearer(t *testing.T) {
	c, s := dial(t, greetingIR)
	m := NewOAuthBearerClient("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", &OAuthOptions{Host: "server.example.com", Port: 143})
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, c.Authenticate(faketest.Ctx(t), m) })
	s.Expect("A1 AUTHENTICATE OAUTHBEARER bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB")
	s.Send("A1 OK SASL authentication succeeded")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
}

// RFC 7628 §4.3: the failed exchange; the client's dummy response AQ==.
func TestRFC7628_4_3_Failed(t *testing.T) {
	c, s := dial(t, greetingIR)
	m := NewOAuthBearerClient("user@example.com", "", &OAuthOptions{Host: "server.example.com", Port: 143})
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, c.Authenticate(faketest.Ctx(t), m) })
	s.Expect("A1 AUTHENTICATE OAUTHBEARER bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9AQE=")
	s.Send("+ eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=")
	s.Expect("AQ==")
	s.Send("A1 NO SASL authentication failed")
	if _, err := done(); err == nil {
		t.Fatal("no error")
	}
	rej := m.Rejection()
	if rej == nil || rej.Status != "invalid_token" || rej.Scope != "example_scope" || rej.OpenIDConfiguration != "https://example.com/.well-known/openid-configuration" {
		t.Fatalf("Rejection = %+v", rej)
	}
}

// Google's XOAUTH2 protocol page: the initial response and the 401 error.
func TestXOAuth2Google(t *testing.T) {
	c, s := dial(t, "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] Gimap ready")
	m := NewXOAuth2Client("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg")
	done := faketest.Go(func() (struct{}, error) { return struct{}{}, c.Authenticate(faketest.Ctx(t), m) })
	s.Expect("A1 AUTHENTICATE XOAUTH2 dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2cBAQ==")
	s.Send("+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIG1hYyIsInNjb3BlIjoiaHR0cHM6Ly9tYWlsLmdvb2dsZS5jb20vIn0K")
	s.Expect("")
	s.Send("A1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)")
	if _, err := done(); err == nil {
		t.Fatal("no error")
	}
	if rej := m.Rejection(); rej == nil || rej.Status != "401" || rej.Schemes != "bearer mac" {
		t.Fatalf("Rejection = %+v", rej)
	}
}

type countingSource struct {
	tokens   []string
	calls    int
	refreshs int
}

func (c *countingSource) Token(_ context.Context, refresh bool) (string, error) {
	if refresh {
		c.refreshs++
	}
	t := c.tokens[min(c.calls, len(c.tokens)-1)]
	c.calls++
	return t, nil
}

// A rejected token is refreshed once and the authentication retried.
func TestAuthenticateOAuthRefresh(t *testing.T) {
	c, s := dial(t, greetingIR)
	src := &countingSource{tokens: []string{"old", "new"}}
	done := faketest.Go(func() (struct{}, error) {
		return struct{}{}, AuthenticateOAuth(faketest.Ctx(t), c, "u@example.com", src, nil)
	})
	s.Expect("A1 AUTHENTICATE OAUTHBEARER " + b64("n,a=u@example.com,\x01auth=Bearer old\x01\x01"))
	s.Send("+ " + b64(`{"status":"invalid_token"}`))
	s.Expect("AQ==")
	s.Send("A1 NO expired")
	s.Expect("A2 AUTHENTICATE OAUTHBEARER " + b64("n,a=u@example.com,\x01auth=Bearer new\x01\x01"))
	s.Send("A2 OK welcome")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
	if src.calls != 2 || src.refreshs != 1 {
		t.Fatalf("token source: %d calls, %d refreshes", src.calls, src.refreshs)
	}
}

// A second rejection is final; a NO without a JSON error nor
// AUTHENTICATIONFAILED is not retried.
func TestAuthenticateOAuthGivesUp(t *testing.T) {
	c, s := dial(t, "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] ready")
	src := &countingSource{tokens: []string{"a", "b", "c"}}
	done := faketest.Go(func() (struct{}, error) {
		return struct{}{}, AuthenticateOAuth(faketest.Ctx(t), c, "u", src, nil)
	})
	for i, tok := range []string{"a", "b"} {
		tag := []string{"A1", "A2"}[i]
		s.Expect(tag + " AUTHENTICATE XOAUTH2 " + b64("user=u\x01auth=Bearer "+tok+"\x01\x01"))
		s.Send("+ " + b64(`{"status":"401","schemes":"bearer"}`))
		s.Expect("")
		s.Send(tag + " NO [AUTHENTICATIONFAILED] Invalid credentials")
	}
	_, err := done()
	var rej *OAuthError
	if !errors.As(err, &rej) || rej.Status != "401" || src.calls != 2 {
		t.Fatalf("err = %v, calls %d", err, src.calls)
	}
	// Not retried: a NO that is not about the token.
	done = faketest.Go(func() (struct{}, error) {
		return struct{}{}, AuthenticateOAuth(faketest.Ctx(t), c, "u", src, nil)
	})
	s.Expect("A3 AUTHENTICATE XOAUTH2 " + b64("user=u\x01auth=Bearer c\x01\x01"))
	s.Send("A3 NO [UNAVAILABLE] try later")
	if _, err := done(); err == nil {
		t.Fatal("no error")
	}
	s.Quiet(50 * time.Millisecond)
}

func TestNotSupported(t *testing.T) {
	c, s := dial(t, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")
	if err := AuthenticateOAuth(faketest.Ctx(t), c, "u", &countingSource{tokens: []string{"x"}}, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("AuthenticateOAuth: %v", err)
	}
	m, _ := NewSCRAMClient(SCRAMSHA256, "u", "p", nil)
	if err := AuthenticateSCRAM(faketest.Ctx(t), c, m); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("AuthenticateSCRAM: %v", err)
	}
	s.Quiet(50 * time.Millisecond)
	if _, err := NewSCRAMClient("SCRAM-MD5", "u", "p", nil); err == nil {
		t.Fatal("unknown SCRAM hash accepted")
	}
	if _, err := NewSCRAMClient(SCRAMSHA256Plus, "u", "p", nil); err == nil {
		t.Fatal("-PLUS without a TLS state accepted")
	}
}

func TestCachedToken(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	ct := &CachedToken{
		Fetch: func(context.Context) (string, time.Time, error) {
			n++
			return string(rune('a' + n - 1)), now.Add(10 * time.Minute), nil
		},
		Now: func() time.Time { return now },
	}
	ctx := context.Background()
	if tok, _ := ct.Token(ctx, false); tok != "a" {
		t.Fatal(tok)
	}
	if tok, _ := ct.Token(ctx, false); tok != "a" || n != 1 {
		t.Fatalf("cached: %q after %d fetches", tok, n)
	}
	now = now.Add(9*time.Minute + 30*time.Second) // within the minute before expiry
	if tok, _ := ct.Token(ctx, false); tok != "b" {
		t.Fatalf("near expiry: %q", tok)
	}
	if tok, _ := ct.Token(ctx, true); tok != "c" {
		t.Fatalf("refresh: %q", tok)
	}
}

// The server's challenges are hostile input: no panic, and a SCRAM
// exchange never completes as verified on garbage.
func FuzzChallenges(f *testing.F) {
	f.Add([]byte("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"), []byte("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="))
	f.Add([]byte(`{"status":"invalid_token","scope":"x"}`), []byte("e=other-error"))
	f.Add([]byte("r=fyko+d2lbbFgONRv9qkxdawL,s=,i=999999999999"), []byte{})
	f.Fuzz(func(t *testing.T, first, final []byte) {
		// A low bound keeps the fuzzer from timing PBKDF2.
		m, err := NewSCRAMClient(SCRAMSHA1, "user", "pencil", &SCRAMOptions{MaxIterations: 8192, nonce: func() string { return "fyko+d2lbbFgONRv9qkxdawL" }})
		if err != nil {
			t.Fatal(err)
		}
		m.Start()
		if _, err := m.Next(first); err == nil {
			m.Next(final)
		}
		if m.Verified() && !strings.HasPrefix(string(final), "v=") {
			t.Fatalf("verified on %q", final)
		}
		for _, o := range []OAuthClient{NewOAuthBearerClient("u", "t", nil), NewXOAuth2Client("u", "t")} {
			o.Start()
			o.Next(first)
			if o.Rejection() == nil {
				t.Fatal("no rejection recorded")
			}
			if _, err := o.Next(final); err == nil {
				t.Fatal("a second challenge was answered")
			}
		}
		c := NewCRAMMD5Client("tim", "x")
		c.Start()
		c.Next(first)
	})
}
