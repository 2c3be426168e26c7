package client

import (
	"context"

	"github.com/imapkit/imapkit/transport"
)

// Dial connects to the server at address and waits for its greeting.
// address is "host:port", "host" (implicit TLS on 993), or an imap:// or
// imaps:// URL, as transport.ParseAddress reads it: imaps:// and port 993
// mean implicit TLS (RFC 8314), verified with opts.TLSConfig; imap:// is
// cleartext until StartTLS.
func Dial(ctx context.Context, address string, opts *Options) (*Conn, error) {
	if opts == nil {
		opts = &Options{}
	}
	a, err := transport.ParseAddress(address)
	if err != nil {
		return nil, err
	}
	d := transport.Dialer{TLSConfig: opts.TLSConfig, ContextDialer: opts.Dialer}
	nc, err := d.Dial(ctx, address)
	if err != nil {
		return nil, err
	}
	c, err := New(ctx, nc, opts)
	if err != nil {
		return nil, err
	}
	c.host = a.Host
	return c, nil
}
