package client

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/imapkit/imapkit/wire"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestAuthenticateSASLIR(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] hi", nil)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- c.Authenticate(ctx, sasl.NewPlainClient("", "fred", "pw")) }()
	s.expect("A1 AUTHENTICATE PLAIN " + b64("\x00fred\x00pw"))
	s.send("A1 OK [CAPABILITY IMAP4rev1 MOVE] authenticated")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c.State() != StateAuthenticated || !c.hasCap("MOVE") {
		t.Errorf("after AUTHENTICATE: state %v caps %v", c.State(), c.capList())
	}
}

func TestAuthenticateWithoutSASLIR(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi", nil)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- c.Authenticate(ctx, sasl.NewPlainClient("", "fred", "pw")) }()
	s.expect("A1 AUTHENTICATE PLAIN")
	s.send("+ ")
	s.expect(b64("\x00fred\x00pw"))
	s.send("A1 OK done")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Capabilities were not in the OK: they are forgotten and asked again.
	go func() { _, err := c.Caps(ctx); done <- err }()
	s.expect("A2 CAPABILITY")
	s.send("* CAPABILITY IMAP4rev1 IDLE", "A2 OK")
	if err := <-done; err != nil || !c.hasCap("IDLE") || c.hasCap("AUTH=PLAIN") {
		t.Errorf("capabilities after AUTHENTICATE: %v, %v", c.capList(), err)
	}
}

func TestAuthenticateLoginChallenges(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1 AUTH=LOGIN] hi", nil)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- c.Authenticate(ctx, sasl.NewLoginClient("fred", "pw")) }()
	s.expect("A1 AUTHENTICATE LOGIN")
	s.send("+ " + b64("Username:"))
	s.expect(b64("fred"))
	s.send("+ " + b64("Password:"))
	s.expect(b64("pw"))
	s.send("A1 NO [AUTHENTICATIONFAILED] bad")
	var se *StatusError
	if err := <-done; !errors.As(err, &se) || se.CodeName() != "AUTHENTICATIONFAILED" {
		t.Fatalf("Authenticate = %v; want NO [AUTHENTICATIONFAILED]", err)
	}
	if c.State() != StateNotAuthenticated {
		t.Errorf("state after failed AUTHENTICATE = %v", c.State())
	}
}

func TestAuthenticateBadChallengeCancels(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1 AUTH=LOGIN] hi", nil)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- c.Authenticate(ctx, sasl.NewLoginClient("fred", "pw")) }()
	s.expect("A1 AUTHENTICATE LOGIN")
	s.send("+ " + b64("Username:"))
	s.expect(b64("fred")) // go-sasl's LOGIN sends the user name as its initial response
	s.send("+ not base64!")
	s.expect("*")
	s.send("A1 BAD cancelled")
	var se *StatusError
	if err := <-done; !errors.As(err, &se) || se.Status != wire.StatusBad {
		t.Fatalf("Authenticate = %v; want BAD", err)
	}
}

func TestAuthenticateInsecure(t *testing.T) {
	c, _ := newFake(t, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi", &Options{})
	if err := c.Authenticate(testCtx(t), sasl.NewPlainClient("", "u", "p")); !errors.Is(err, ErrInsecureAuth) {
		t.Errorf("AUTHENTICATE PLAIN without TLS = %v; want ErrInsecureAuth", err)
	}
}

func TestXOAuth2(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi", nil)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- c.Authenticate(ctx, NewXOAuth2Client("me@example.com", "tok")) }()
	s.expect("A1 AUTHENTICATE XOAUTH2 " + b64("user=me@example.com\x01auth=Bearer tok\x01\x01"))
	s.send("+ " + b64(`{"status":"401"}`))
	s.expect("")
	s.send("A1 NO [AUTHENTICATIONFAILED] invalid credentials")
	if err := <-done; err == nil {
		t.Fatal("XOAUTH2 failure not reported")
	}
}

func TestDeferHandsResponsesOver(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	ctx := testCtx(t)
	cmd, err := c.Start(ctx, Spec{Name: "X-LIST", Claim: claimName("XDATA")})
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A1 X-LIST")
	s.send("* XDATA 1", "* XDATA 2")
	for {
		cmd.mu.Lock()
		n := len(cmd.queue)
		cmd.mu.Unlock()
		if n == 2 {
			break
		}
	}
	cmd.Defer()
	s.send("* XDATA 3", "A1 OK")
	if _, err := cmd.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		r, err := c.Unclaimed(ctx)
		if err != nil || r.Name != "XDATA" {
			t.Fatalf("Unclaimed #%d = %v, %v", i, r, err)
		}
		if d, ok := r.Data.([]wire.Value); !ok || len(d) != 1 || d[0].Num != uint64(i) {
			t.Errorf("Unclaimed #%d data = %#v", i, r.Data)
		}
	}
}

func TestAppendMultiWire(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 MULTIAPPEND LITERAL+ UIDPLUS] hi", nil)
	ctx := testCtx(t)
	type result struct {
		r   *AppendMultiResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := c.AppendMulti(ctx, "Sent", []AppendMessage{
			{Body: strings.NewReader("a\r\n"), Size: 3, AppendOptions: AppendOptions{Flags: []string{wire.FlagSeen}}},
			{Body: strings.NewReader("bc\r\n"), Size: 4},
		})
		done <- result{r, err}
	}()
	s.expect(`A1 APPEND Sent (\Seen) {3+}`)
	s.expect("a")
	s.expect(" {4+}")
	s.expect("bc")
	s.expect("")
	s.send("A1 OK [APPENDUID 7 10:11] done")
	r := <-done
	if r.err != nil || r.r.UIDValidity != 7 || len(r.r.UIDs) != 2 || r.r.UIDs[1] != 11 {
		t.Fatalf("AppendMulti = %+v, %v", r.r, r.err)
	}
	c2, _ := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1] hi", nil)
	if _, err := c2.AppendMulti(ctx, "Sent", nil); !errors.Is(err, ErrNotSupported) {
		t.Errorf("AppendMulti without MULTIAPPEND = %v; want ErrNotSupported", err)
	}
}
