package client

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/imapkit/imapkit/transport"
	"github.com/imapkit/imapkit/wire"
)

// StartTLS upgrades the connection to TLS (RFC 9051 §6.2.1): it sends
// STARTTLS and, on the server's OK, does the TLS handshake before reading
// anything more, verifying the certificate with Options.TLSConfig. Bytes
// the server sent after its OK and before the handshake are never parsed:
// their presence ends the connection (transport.ErrBufferedAfterStartTLS,
// the response injection of CVE-2011-0411). The capabilities learnt before
// are discarded (RFC 9051 §6.2.1).
func (c *Conn) StartTLS(ctx context.Context) error {
	if c.IsTLS() {
		return errors.New("client: STARTTLS on a connection that already uses TLS")
	}
	cmd, err := c.Start(ctx, Spec{
		Name:   "STARTTLS",
		States: notAuth,
		Alone:  true,
		onOK: func(c *Conn) error {
			// Options.ConnectTimeout bounds the handshake too.
			hctx, cancel := c.opts.connectContext(ctx)
			defer cancel()
			tc, err := transport.StartTLS(hctx, c.rawConn, c.br.Buffered(), c.host, c.opts.TLSConfig)
			if err != nil {
				err = fmt.Errorf("client: TLS handshake with %s after STARTTLS: %w", c.hostName(), timeoutErr(err, hctx))
			}
			if err != nil {
				return err
			}
			c.swapLayer(tc)
			c.mu.Lock()
			c.isTLS = true
			c.tlsConn = tc
			c.mu.Unlock()
			c.forgetCaps()
			return nil
		},
	})
	if err != nil {
		return err
	}
	_, err = cmd.Wait(ctx)
	return err
}

// Compress turns on COMPRESS=DEFLATE (RFC 4978): it sends COMPRESS DEFLATE
// and, on the server's OK, switches both directions to raw DEFLATE at the
// exact response boundary. f chooses the implementation (nil:
// transport.Klauspost); level is a compress/flate level (-1 default).
func (c *Conn) Compress(ctx context.Context, f transport.Flate, level int) error {
	if err := c.Require(ctx, "COMPRESS=DEFLATE"); err != nil {
		return err
	}
	cmd, err := c.Start(ctx, Spec{
		Name:   "COMPRESS",
		Args:   []wire.Value{wire.Atom("DEFLATE")},
		States: anyState,
		Alone:  true,
		onOK: func(c *Conn) error {
			// Whatever the reader holds beyond the OK is already compressed.
			buffered, _ := c.br.Peek(c.br.Buffered())
			zc, err := transport.Compress(c.rawConn, buffered, f, level)
			if err != nil {
				return err
			}
			c.swapLayer(zc)
			return nil
		},
	})
	if err != nil {
		return err
	}
	_, err = cmd.Wait(ctx)
	return err
}

// swapLayer installs a new top layer; it runs on the reader goroutine
// between two responses, while the command that switches layers is alone
// on the wire.
func (c *Conn) swapLayer(nc net.Conn) {
	c.setConn(nc)
}
