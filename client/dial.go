package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/imapkit/imapkit/transport"
)

// Dial connects to the server at address and waits for its greeting.
// address is "host:port", "host" (implicit TLS on 993), or an imap:// or
// imaps:// URL, as transport.ParseAddress reads it: imaps:// and port 993
// mean implicit TLS (RFC 8314), verified with opts.TLSConfig; imap:// is
// cleartext until StartTLS, which Dial runs itself under
// opts.RequireTLS. opts.ConnectTimeout bounds the dial, the handshakes and
// the greeting; errors name the step and the host.
func Dial(ctx context.Context, address string, opts *Options) (*Conn, error) {
	if opts == nil {
		opts = &Options{}
	}
	a, err := transport.ParseAddress(address)
	if err != nil {
		return nil, err
	}
	cctx, cancel := opts.connectContext(ctx)
	defer cancel()
	d := transport.Dialer{TLSConfig: opts.TLSConfig, ContextDialer: opts.Dialer}
	nc, err := d.Dial(cctx, address)
	if err != nil {
		step := "connecting to"
		if a.TLS {
			step = "connecting with TLS to"
		}
		return nil, fmt.Errorf("client: %s %s: %w", step, a.Host, timeoutErr(err, cctx))
	}
	c := newConn(nc, opts)
	c.host = a.Host
	if err := c.waitGreeting(cctx); err != nil {
		return nil, err
	}
	if opts.RequireTLS && !c.IsTLS() {
		if err := c.requiredStartTLS(cctx); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// requiredStartTLS runs STARTTLS right after the greeting of a connection
// that must be protected.
func (c *Conn) requiredStartTLS(ctx context.Context) error {
	if _, err := c.Caps(ctx); err != nil {
		return fmt.Errorf("client: asking %s for its capabilities: %w", c.host, timeoutErr(err, ctx))
	}
	if !c.hasCap("STARTTLS") {
		return fmt.Errorf("client: %s does not offer STARTTLS: %w", c.host, ErrTLSRequired)
	}
	if err := c.StartTLS(ctx); err != nil {
		return fmt.Errorf("client: STARTTLS with %s: %w", c.host, timeoutErr(err, ctx))
	}
	return nil
}

// timeoutErr adds ErrTimeout to err when ctx's deadline caused it.
func timeoutErr(err error, ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.Is(err, ErrTimeout) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}
