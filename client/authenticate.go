package client

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/imapkit/imapkit/wire"
)

// Authenticate authenticates with a SASL mechanism (RFC 9051 §6.2.2),
// sending the initial response on the command line when the server offers
// SASL-IR (RFC 4959). Mechanisms come from github.com/emersion/go-sasl
// (sasl.NewPlainClient, sasl.NewOAuthBearerClient, sasl.NewExternalClient,
// sasl.NewAnonymousClient, sasl.NewLoginClient) or NewXOAuth2Client; any
// sasl.Client works. A mechanism the server does not advertise as
// AUTH=<name> is refused with ErrNotSupported, without sending anything
// (the capabilities are fetched first when not known yet). Mechanisms
// other than EXTERNAL and ANONYMOUS are refused without TLS unless
// Options.InsecureAuth is set.
func (c *Conn) Authenticate(ctx context.Context, mech sasl.Client) error {
	name, ir, err := mech.Start()
	if err != nil {
		return fmt.Errorf("client: sasl %s: %w", name, err)
	}
	name = strings.ToUpper(name)
	if _, err := c.Caps(ctx); err != nil {
		return err
	}
	// RFC 9051 §6.2.2: the client uses a mechanism the server advertises
	// as AUTH=<mechanism>.
	if !c.hasCap("AUTH=" + name) {
		return fmt.Errorf("client: AUTHENTICATE %s not sent: the server does not advertise AUTH=%s: %w", name, name, ErrNotSupported)
	}
	if name != "EXTERNAL" && name != "ANONYMOUS" {
		if err := c.checkCredentials(); err != nil {
			return err
		}
	}
	args := []wire.Value{wire.Atom(name)}
	sentIR := false
	if ir != nil && c.hasCap("SASL-IR") {
		args = append(args, wire.Raw(encodeIR(ir)))
		sentIR = true
	}
	cmd, err := c.start(ctx, Spec{
		Name: "AUTHENTICATE", Args: args, States: notAuth, Alone: true,
		Claim: claimName("CAPABILITY"), onDone: authenticated, expectCont: true,
	}, func(cmd *Command) error {
		return c.saslExchange(ctx, cmd, mech, ir, sentIR)
	})
	if err != nil {
		if cmd != nil {
			if werr := cmd.Err(); werr != nil {
				return werr
			}
		}
		return err
	}
	_, err = cmd.Wait(ctx)
	return err
}

// encodeIR encodes an initial response; an empty one is "=" (RFC 4959 §3).
func encodeIR(ir []byte) string {
	if len(ir) == 0 {
		return "="
	}
	return base64.StdEncoding.EncodeToString(ir)
}

// saslExchange answers the server's challenges until it completes the
// command.
func (c *Conn) saslExchange(ctx context.Context, cmd *Command, mech sasl.Client, ir []byte, sentIR bool) error {
	first := true
	for {
		resp, err := c.awaitContinuation(ctx, cmd)
		if err != nil {
			var se *StatusError
			if errors.As(err, &se) || cmd.Err() != nil {
				return nil // completed: the caller's Wait reports it
			}
			var pe *ProtocolError
			if errors.As(err, &pe) {
				return nil
			}
			return err
		}
		select {
		case <-cmd.done:
			// The server completed the command along with its "+": an
			// answer now would be read as a command.
			return nil
		default:
		}
		var out []byte
		if first && !sentIR && ir != nil {
			// The server's first challenge is empty; answer it with the
			// initial response (RFC 4422 §5).
			out = ir
		} else {
			challenge, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(resp.Text))
			if derr != nil {
				c.writeLine(ctx, cmd, []byte("*"), true) // cancel (RFC 9051 §6.2.2)
				continue
			}
			out, err = mech.Next(challenge)
			if err != nil {
				c.writeLine(ctx, cmd, []byte("*"), true)
				continue
			}
		}
		first = false
		if err := c.writeLine(ctx, cmd, []byte(base64.StdEncoding.EncodeToString(out)), true); err != nil {
			return err
		}
	}
}

// xoauth2 is the XOAUTH2 mechanism that Gmail and Outlook require: an
// initial response "user=U^Aauth=Bearer T^A^A"; on failure the server sends
// a JSON error as a challenge, answered with an empty response.
type xoauth2 struct {
	user, token string
}

// NewXOAuth2Client returns a SASL client for XOAUTH2, the OAuth 2.0
// mechanism of Google and Microsoft that go-sasl does not carry (it
// predates and differs from OAUTHBEARER, RFC 7628).
func NewXOAuth2Client(user, token string) sasl.Client { return &xoauth2{user, token} }

func (x *xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

func (x *xoauth2) Next(challenge []byte) ([]byte, error) {
	// The challenge is the server's JSON error; an empty answer lets it
	// send the tagged NO.
	return []byte{}, nil
}
