package sasl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	gosasl "github.com/emersion/go-sasl"
	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/wire"
)

// OAuthError is the JSON error a server sends as its challenge when it
// rejects a token (RFC 7628 §3.2.2; XOAUTH2 sends the same shape).
type OAuthError struct {
	Status              string `json:"status"`
	Scope               string `json:"scope,omitempty"`
	OpenIDConfiguration string `json:"openid-configuration,omitempty"`
	// Schemes is XOAUTH2's "schemes" member.
	Schemes string `json:"schemes,omitempty"`
}

// Error describes the rejection.
func (e *OAuthError) Error() string {
	return "sasl: OAuth token rejected: status " + strconv.Quote(e.Status)
}

// OAuthClient is an OAUTHBEARER or XOAUTH2 mechanism. After a failed
// exchange, Rejection returns the server's error, if it sent one.
type OAuthClient interface {
	gosasl.Client
	Rejection() *OAuthError
}

// OAuthOptions are the parts of OAUTHBEARER's initial response besides
// the token (RFC 7628 §3.1): the server's host name and port, which let
// it check that the token was meant for it.
type OAuthOptions struct {
	Host string
	Port int
}

type oauth struct {
	mech, user, token string
	opts              OAuthOptions
	rejected          *OAuthError
	answered          bool
}

// NewOAuthBearerClient returns an OAUTHBEARER client (RFC 7628 §3.1):
// the initial response "n,a=user," ^A "host=" ... ^A "auth=Bearer token"
// ^A ^A. On rejection the server sends a JSON error as a challenge; the
// client answers with the dummy response ^A (§3.2.3) and the server ends
// the command with NO; Rejection then holds the error.
func NewOAuthBearerClient(username, token string, opts *OAuthOptions) OAuthClient {
	o := &oauth{mech: OAuthBearer, user: username, token: token}
	if opts != nil {
		o.opts = *opts
	}
	return o
}

// NewXOAuth2Client returns an XOAUTH2 client, the mechanism Gmail and
// Outlook.com documented before OAUTHBEARER: the initial response
// "user=" user ^A "auth=Bearer " token ^A ^A; a rejection is a JSON
// challenge answered with an empty response.
func NewXOAuth2Client(username, token string) OAuthClient {
	return &oauth{mech: XOAuth2, user: username, token: token}
}

// gs2Name escapes a name for a GS2 header (RFC 5801 §4): "," as =2C and
// "=" as =3D.
func gs2Name(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',':
			b = append(b, "=2C"...)
		case '=':
			b = append(b, "=3D"...)
		default:
			b = append(b, s[i])
		}
	}
	return string(b)
}

func (o *oauth) Start() (string, []byte, error) {
	if o.mech == XOAuth2 {
		return o.mech, []byte("user=" + o.user + "\x01auth=Bearer " + o.token + "\x01\x01"), nil
	}
	ir := "n,"
	if o.user != "" {
		ir += "a=" + gs2Name(o.user)
	}
	ir += ",\x01"
	if o.opts.Host != "" {
		ir += "host=" + o.opts.Host + "\x01"
	}
	if o.opts.Port != 0 {
		ir += "port=" + strconv.Itoa(o.opts.Port) + "\x01"
	}
	if o.token != "" {
		ir += "auth=Bearer " + o.token
	} else {
		ir += "auth=" // an empty token asks the server for its scope (§4.3)
	}
	return o.mech, []byte(ir + "\x01\x01"), nil
}

func (o *oauth) Next(challenge []byte) ([]byte, error) {
	if o.answered {
		return nil, errors.New("sasl: " + o.mech + ": unexpected second challenge")
	}
	o.answered = true
	e := &OAuthError{}
	if err := json.Unmarshal(challenge, e); err != nil || e.Status == "" {
		e = &OAuthError{Status: "unparsable server error"}
	}
	o.rejected = e
	if o.mech == XOAuth2 {
		return []byte{}, nil
	}
	return []byte{0x01}, nil
}

func (o *oauth) Rejection() *OAuthError { return o.rejected }

// TokenSource supplies OAuth 2.0 access tokens.
type TokenSource interface {
	// Token returns an access token. refresh asks for a new one: the
	// server rejected the last.
	Token(ctx context.Context, refresh bool) (string, error)
}

// CachedToken is a TokenSource that keeps the token Fetch returns until
// shortly (a minute) before it expires, or until a refresh is asked for.
// It is safe for concurrent use; concurrent callers share one Fetch.
type CachedToken struct {
	// Fetch gets a new token and its expiry (zero: unknown, kept until
	// refused), e.g. with an OAuth 2.0 refresh-token grant.
	Fetch func(ctx context.Context) (token string, expiry time.Time, err error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu     sync.Mutex
	token  string
	expiry time.Time
}

// Token implements TokenSource.
func (c *CachedToken) Token(ctx context.Context, refresh bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	if !refresh && c.token != "" && (c.expiry.IsZero() || now().Add(time.Minute).Before(c.expiry)) {
		return c.token, nil
	}
	tok, exp, err := c.Fetch(ctx)
	if err != nil {
		return "", fmt.Errorf("sasl: fetching an OAuth token: %w", err)
	}
	c.token, c.expiry = tok, exp
	return tok, nil
}

// AuthenticateOAuth authenticates with OAUTHBEARER when the server
// advertises it, else XOAUTH2, using a token from src. When the server
// rejects the token (a JSON error challenge, or a NO with
// AUTHENTICATIONFAILED, RFC 5530), it asks src for a refreshed token and
// tries once more. A final rejection wraps both the server's *OAuthError
// (when it sent one) and its NO, a *client.StatusError, for errors.As. It
// fails with an error wrapping client.ErrNotSupported when the server
// offers neither mechanism.
func AuthenticateOAuth(ctx context.Context, c *client.Conn, username string, src TokenSource, opts *OAuthOptions) error {
	mech := OAuthBearer
	if err := requireMech(ctx, c, OAuthBearer); err != nil {
		if err := requireMech(ctx, c, XOAuth2); err != nil {
			return fmt.Errorf("sasl: server advertises neither AUTH=OAUTHBEARER nor AUTH=XOAUTH2: %w", client.ErrNotSupported)
		}
		mech = XOAuth2
	}
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		var tok string
		tok, err = src.Token(ctx, attempt > 0)
		if err != nil {
			return err
		}
		var m OAuthClient
		if mech == OAuthBearer {
			m = NewOAuthBearerClient(username, tok, opts)
		} else {
			m = NewXOAuth2Client(username, tok)
		}
		err = c.Authenticate(ctx, m)
		if err == nil {
			return nil
		}
		var se *client.StatusError
		if !errors.As(err, &se) || se.Status != wire.StatusNo {
			return err // BAD, a lost connection: not the token's fault
		}
		if rej := m.Rejection(); rej != nil {
			err = fmt.Errorf("%w (%w)", rej, err) // both: errors.As finds *client.StatusError too
		} else if se.CodeName() != "AUTHENTICATIONFAILED" {
			return err
		}
	}
	return err
}
