package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
)

// ErrBufferedAfterStartTLS is returned by [StartTLS] when bytes the server
// sent after its tagged OK to STARTTLS were already read. A server does not
// send anything there before the TLS handshake; such bytes were most likely
// injected by an attacker on the path, to be taken as if they had come over
// TLS (the response-injection attack of CVE-2011-0411). The connection must
// be closed.
var ErrBufferedAfterStartTLS = errors.New("transport: starttls: data received after the server's OK and before the TLS handshake (possible response injection, CVE-2011-0411); the connection must be closed")

// StartTLS upgrades conn to TLS after the server's tagged OK to STARTTLS
// (RFC 3501 §6.2.1, RFC 9051 §6.2.1); the client sends the command and reads
// the OK itself.
//
// buffered is the number of bytes the client has read from conn beyond the
// CRLF of that OK and not yet used: for a bufio.Reader over conn, its
// Buffered(). If it is not zero, StartTLS fails with
// [ErrBufferedAfterStartTLS] without a handshake; the client must then
// close conn, and never parse those bytes.
//
// The handshake verifies the server's certificate unless config says
// otherwise. config (nil means the defaults) is cloned, never modified; when
// its ServerName is empty, the clone's is host, which may carry a port
// ("imap.example.com:143"). ctx bounds the handshake only.
//
// On error conn is left open, and unusable: the caller closes it.
func StartTLS(ctx context.Context, conn net.Conn, buffered int, host string, config *tls.Config) (*tls.Conn, error) {
	if buffered != 0 {
		return nil, ErrBufferedAfterStartTLS
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	cfg := tlsConfigFor(config, host)
	if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
		return nil, errors.New("transport: starttls: no server name to verify the certificate against")
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, fmt.Errorf("transport: starttls: tls handshake: %w", err)
	}
	return tc, nil
}
