// Package sasl provides the SASL mechanisms (RFC 4422) that
// client.Conn.Authenticate takes and go-sasl does not carry, or carries
// without what IMAP users need:
//
//   - SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677) and their -PLUS
//     variants with channel binding (tls-exporter, RFC 9266; tls-unique and
//     tls-server-end-point, RFC 5929), built on github.com/xdg-go/scram;
//     the server's final message is verified (mutual authentication);
//   - CRAM-MD5 (RFC 2195), for old servers;
//   - OAUTHBEARER (RFC 7628) and XOAUTH2 (Google's and Microsoft's), which
//     keep the server's JSON error, and AuthenticateOAuth, which takes a
//     TokenSource and retries once with a refreshed token when the server
//     rejects the token it has.
//
// Every constructor returns a github.com/emersion/go-sasl Client, so the
// mechanisms plug into client.Conn.Authenticate like go-sasl's own.
// Authenticate and AuthenticateOAuth also check that the server
// advertises the mechanism (AUTH=name, RFC 9051 §6.2.2) and fail with an
// error wrapping client.ErrNotSupported otherwise.
package sasl

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	gosasl "github.com/emersion/go-sasl"
	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/extutil"
)

// Mechanism names.
const (
	CRAMMD5         = "CRAM-MD5"
	SCRAMSHA1       = "SCRAM-SHA-1"
	SCRAMSHA256     = "SCRAM-SHA-256"
	SCRAMSHA1Plus   = "SCRAM-SHA-1-PLUS"
	SCRAMSHA256Plus = "SCRAM-SHA-256-PLUS"
	OAuthBearer     = "OAUTHBEARER"
	XOAuth2         = "XOAUTH2"
)

// ErrServerNotVerified is returned when the server completed a SCRAM
// authentication with OK without proving that it knows the password
// (no valid server-final-message, RFC 5802 §3): the connection may be
// talking to an impostor, so Authenticate closes it.
var ErrServerNotVerified = errors.New("sasl: the server did not prove its knowledge of the credentials")

// requireMech checks that the server advertises AUTH=mech.
func requireMech(ctx context.Context, c *client.Conn, mech string) error {
	return extutil.Require(ctx, c, "sasl", "AUTH="+mech)
}

// cramMD5 is CRAM-MD5 (RFC 2195 §2).
type cramMD5 struct{ user, pass string }

// NewCRAMMD5Client returns a CRAM-MD5 client (RFC 2195): the server sends
// a challenge, the client answers with its user name and the keyed MD5
// digest (HMAC-MD5, RFC 2104) of the challenge under the password. The
// password never crosses the wire, but CRAM-MD5 is weak against an
// eavesdropper's dictionary attack; use it only where SCRAM is missing.
func NewCRAMMD5Client(username, password string) gosasl.Client {
	return &cramMD5{username, password}
}

func (m *cramMD5) Start() (string, []byte, error) { return CRAMMD5, nil, nil }

func (m *cramMD5) Next(challenge []byte) ([]byte, error) {
	if len(challenge) == 0 {
		return nil, errors.New("sasl: CRAM-MD5: empty challenge")
	}
	h := hmac.New(md5.New, []byte(m.pass))
	h.Write(challenge)
	return []byte(m.user + " " + hex.EncodeToString(h.Sum(nil))), nil
}

// Authenticate authenticates c with username and password using the
// strongest mechanism both sides have: SCRAM-SHA-256-PLUS,
// SCRAM-SHA-1-PLUS (on TLS: opts.TLS, else c.TLSConnectionState()),
// SCRAM-SHA-256,
// SCRAM-SHA-1, then CRAM-MD5 only if opts.AllowCRAMMD5, and PLAIN (RFC
// 4616) last. It fails with an error wrapping client.ErrNotSupported when
// none is advertised. It returns the mechanism used.
func Authenticate(ctx context.Context, c *client.Conn, username, password string, opts *SCRAMOptions) (string, error) {
	if opts == nil {
		opts = &SCRAMOptions{}
	}
	if opts.TLS == nil {
		if st, ok := c.TLSConnectionState(); ok {
			o := *opts
			o.TLS = &st
			opts = &o
		}
	}
	if _, err := c.Caps(ctx); err != nil {
		return "", err
	}
	order := []string{}
	if opts.TLS != nil {
		order = append(order, SCRAMSHA256Plus, SCRAMSHA1Plus)
	}
	order = append(order, SCRAMSHA256, SCRAMSHA1)
	if opts.AllowCRAMMD5 {
		order = append(order, CRAMMD5)
	}
	order = append(order, "PLAIN")
	for _, mech := range order {
		if ok, err := c.Has(ctx, "AUTH="+mech); err != nil {
			return "", err
		} else if !ok {
			continue
		}
		switch mech {
		case CRAMMD5:
			return mech, c.Authenticate(ctx, NewCRAMMD5Client(username, password))
		case "PLAIN":
			return mech, c.Authenticate(ctx, gosasl.NewPlainClient(opts.AuthzID, username, password))
		}
		o := *opts
		if !strings.HasSuffix(mech, "-PLUS") {
			o.TLS = nil
			// RFC 5802 §6: a client able to bind, facing a server that
			// offers no -PLUS mechanism, says so ("y"), so that a server
			// that does support binding detects the downgrade.
			o.clientSupportsBinding = opts.TLS != nil
		}
		m, err := NewSCRAMClient(mech, username, password, &o)
		if err != nil {
			return mech, err
		}
		return mech, AuthenticateSCRAM(ctx, c, m)
	}
	return "", fmt.Errorf("sasl: server advertises none of AUTH=%s: %w", strings.Join(order, " AUTH="), client.ErrNotSupported)
}
