package sasl_test

import (
	"context"
	"log"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/sasl"
)

// Log in with the strongest password mechanism the server offers,
// binding SCRAM to the TLS channel where the server has -PLUS.
func ExampleAuthenticate() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imaps://imap.example.com", nil)
	if err != nil {
		log.Fatal(err)
	}
	// On TLS, the channel binding comes from c.TLSConnectionState().
	mech, err := sasl.Authenticate(ctx, c, "alice", "secret", nil)
	if err != nil {
		log.Fatal(err)
	}
	log.Println("authenticated with", mech)
}

// Authenticate to Gmail or Outlook with an OAuth 2.0 access token that
// is refreshed when it expires or the server refuses it.
func ExampleAuthenticateOAuth() {
	ctx := context.Background()
	c, err := client.Dial(ctx, "imap.gmail.com", nil)
	if err != nil {
		log.Fatal(err)
	}
	src := &sasl.CachedToken{Fetch: func(ctx context.Context) (string, time.Time, error) {
		// e.g. golang.org/x/oauth2's TokenSource.Token()
		return "ya29.token", time.Now().Add(time.Hour), nil
	}}
	if err := sasl.AuthenticateOAuth(ctx, c, "alice@gmail.com", src, &sasl.OAuthOptions{Host: "imap.gmail.com", Port: 993}); err != nil {
		log.Fatal(err)
	}
}
