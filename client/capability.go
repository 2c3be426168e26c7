package client

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/imapkit/imapkit/wire"
)

// claimOnce is claimName for a command that gets exactly one such
// response (CAPABILITY, NAMESPACE, ID, SEARCH): it claims the first only,
// so that pipelined commands of the same kind each get their own.
func claimOnce(names ...string) func(*wire.Response) bool {
	match := claimName(names...)
	done := false
	return func(r *wire.Response) bool {
		if done || !match(r) {
			return false
		}
		done = true
		return true
	}
}

func claimName(names ...string) func(*wire.Response) bool {
	return func(r *wire.Response) bool {
		if r.Kind != wire.DataResponse {
			return false
		}
		for _, n := range names {
			if r.Name == n {
				return true
			}
		}
		return false
	}
}

// Capability asks the server for its capabilities (RFC 9051 §6.1.1) and
// returns them as the server spelled them, sorted. Capability names are
// case-insensitive: compare with Has.
func (c *Conn) Capability(ctx context.Context) ([]string, error) {
	cmd, err := c.Start(ctx, Spec{Name: "CAPABILITY", Claim: claimOnce("CAPABILITY")})
	if err != nil {
		return nil, err
	}
	if _, err := cmd.Wait(ctx); err != nil {
		return nil, err
	}
	return c.capList(), nil
}

func (c *Conn) capList() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := slices.Clone(c.capNames)
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToUpper(a), strings.ToUpper(b)) })
	return slices.Compact(out)
}

// Caps returns the server's capabilities, asking for them first when they
// are not known (after STARTTLS and after authentication, RFC 9051 §6.2.1
// and §6.2.2 require a client to forget what it knew).
func (c *Conn) Caps(ctx context.Context) ([]string, error) {
	c.mu.Lock()
	known := c.capsKnown
	c.mu.Unlock()
	if known {
		return c.capList(), nil
	}
	return c.Capability(ctx)
}

// Has reports whether the server advertises capability name (e.g.
// "IDLE", "AUTH=PLAIN"), asking for the capabilities first when they are
// not known; the error is that of asking.
func (c *Conn) Has(ctx context.Context, name string) (bool, error) {
	if _, err := c.Caps(ctx); err != nil {
		return false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.caps[strings.ToUpper(name)], nil
}

// Require returns nil when the server advertises at least one of names
// (e.g. "MOVE", "IMAP4rev2"), asking for the capabilities first when they
// are not known. Otherwise it returns an error wrapping ErrNotSupported
// that names them, or the error of asking. Every command of an extension
// checks with it before sending anything.
func (c *Conn) Require(ctx context.Context, names ...string) error {
	if _, err := c.Caps(ctx); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range names {
		if c.caps[strings.ToUpper(n)] {
			return nil
		}
	}
	return &NotSupportedError{Caps: names}
}

// NotSupportedError is the error of Require: the server advertises none
// of Caps. It wraps ErrNotSupported.
type NotSupportedError struct {
	Caps []string
}

func (e *NotSupportedError) Error() string {
	return "client: the server does not advertise " + strings.Join(e.Caps, " or ")
}

func (e *NotSupportedError) Unwrap() error { return ErrNotSupported }

// hasCap reports a capability from what is known, without a round trip.
func (c *Conn) hasCap(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.caps[name]
}

// forgetCaps discards the capabilities (after STARTTLS, after
// authentication).
func (c *Conn) forgetCaps() {
	c.mu.Lock()
	c.caps = map[string]bool{}
	c.capNames = nil
	c.capsKnown = false
	c.updateEncoderLocked()
	c.mu.Unlock()
}

// Noop sends NOOP (RFC 9051 §6.1.2), which lets the server report
// mailbox changes; they reach the mailbox state and the handlers.
func (c *Conn) Noop(ctx context.Context) error {
	return c.simple(ctx, Spec{Name: "NOOP"})
}

// simple runs a command that returns nothing but its completion.
func (c *Conn) simple(ctx context.Context, spec Spec) error {
	cmd, err := c.Start(ctx, spec)
	if err != nil {
		return err
	}
	_, err = cmd.Wait(ctx)
	return err
}

// Logout sends LOGOUT (RFC 9051 §6.1.3), waits for the server's BYE and
// completion, and closes the connection. A server that closes the
// connection after its BYE without the tagged OK has logged out too: that
// returns nil. Afterwards Err returns ErrClosed, whatever the order in
// which the server's BYE, its OK and the end of the stream arrived.
func (c *Conn) Logout(ctx context.Context) error {
	cmd, err := c.Start(ctx, Spec{Name: "LOGOUT", Alone: true})
	if err != nil {
		c.Close()
		return err
	}
	_, err = cmd.Wait(ctx)
	c.mu.Lock()
	bye := c.bye != nil
	c.mu.Unlock()
	var ce *ConnError
	if bye && errors.As(err, &ce) {
		err = nil
	}
	c.Close()
	return err
}
