package sasl

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/faketest"
)

// The final rejection wraps both the server's JSON error and its NO, so
// errors.As finds the *client.StatusError with its response code.
func TestAuthenticateOAuthWrapsStatusError(t *testing.T) {
	c, s := dial(t, "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] ready")
	src := &countingSource{tokens: []string{"a", "b"}}
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
	var se *client.StatusError
	if !errors.As(err, &se) || se.CodeName() != "AUTHENTICATIONFAILED" {
		t.Fatalf("err = %v; want one wrapping the NO [AUTHENTICATIONFAILED] *client.StatusError", err)
	}
	var rej *OAuthError
	if !errors.As(err, &rej) || rej.Status != "401" {
		t.Fatalf("err = %v; want one wrapping the *OAuthError too", err)
	}
}
