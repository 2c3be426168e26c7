package client

import (
	"context"

	"github.com/imapkit/imapkit/wire"
)

// checkCredentials enforces the rules for sending credentials: never in
// clear text unless the caller opted in.
func (c *Conn) checkCredentials() error {
	if !c.IsTLS() && !c.opts.InsecureAuth {
		return ErrInsecureAuth
	}
	return nil
}

// Login authenticates with a user name and password (RFC 9051 §6.2.3). It
// refuses while the server advertises LOGINDISABLED, and without TLS
// unless Options.InsecureAuth is set. The user name and password are sent
// as strings the encoder chooses the syntax of (quoted, or literal for
// 8-bit), so they cannot inject protocol syntax.
func (c *Conn) Login(ctx context.Context, user, password string) error {
	if _, err := c.Caps(ctx); err != nil {
		return err
	}
	if c.hasCap("LOGINDISABLED") {
		return ErrLoginDisabled
	}
	if err := c.checkCredentials(); err != nil {
		return err
	}
	cmd, err := c.Start(ctx, Spec{
		Name:   "LOGIN",
		Args:   []wire.Value{wire.String(user), wire.String(password)},
		States: notAuth,
		Alone:  true,
		Claim:  claimName("CAPABILITY"),
		onDone: authenticated,
	})
	if err != nil {
		return err
	}
	_, err = cmd.Wait(ctx)
	return err
}

// authenticated moves the connection to the authenticated state after a
// successful LOGIN or AUTHENTICATE and forgets the pre-login capabilities
// unless the completion carried new ones (RFC 9051 §6.2.2, §6.2.3).
func authenticated(c *Conn, resp *wire.Response) {
	if resp.Status != wire.StatusOK {
		return
	}
	if resp.Code == nil || resp.Code.Name != "CAPABILITY" {
		c.forgetCaps()
	}
	c.mu.Lock()
	c.state = StateAuthenticated
	c.mu.Unlock()
}
