package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Default ports (RFC 3501 §2.1, RFC 8314 §3.3).
const (
	PortIMAP  = "143"
	PortIMAPS = "993"
)

// ContextDialer makes the network connection under a [Dialer]. It is
// satisfied by *net.Dialer and by the dialers of golang.org/x/net/proxy
// (SOCKS5); tests can return one end of a net.Pipe.
type ContextDialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Dialer connects to IMAP servers over TCP, with implicit TLS (RFC 8314)
// where the address asks for it. The zero value is ready to use.
type Dialer struct {
	// TLSConfig is the TLS configuration for implicit TLS. Nil means the
	// defaults: the certificate is verified against the system roots. It
	// is cloned, never modified; when its ServerName is empty, the clone's
	// is the host of the address.
	TLSConfig *tls.Config

	// Timeout bounds the whole dial, TLS handshake included. Zero means
	// no limit other than the context's.
	Timeout time.Duration

	// KeepAlive is the TCP keep-alive period of the default dialer, as in
	// net.Dialer: zero means the default (15 s), negative turns keep-alive
	// off. It is not used when ContextDialer is set.
	KeepAlive time.Duration

	// ContextDialer makes the connection; nil means a net.Dialer with
	// KeepAlive. Set it to go through a proxy, or to an in-memory dialer.
	ContextDialer ContextDialer
}

// Dial connects to address with a zero [Dialer]: see [Dialer.Dial].
func Dial(ctx context.Context, address string) (net.Conn, error) {
	var d Dialer
	return d.Dial(ctx, address)
}

// Dial connects to the IMAP server at address, which [ParseAddress]
// reads. For implicit TLS (an "imaps" address) it completes the TLS
// handshake, verifying the certificate unless d.TLSConfig says otherwise,
// before it returns; the connection is then a *tls.Conn. Otherwise it is the
// connection of the ContextDialer, not wrapped. The context bounds the dial
// and the handshake only.
//
// A user name in a URL address is ignored: it is for the caller, see
// [ParseAddress].
func (d *Dialer) Dial(ctx context.Context, address string) (net.Conn, error) {
	a, err := ParseAddress(address)
	if err != nil {
		return nil, err
	}
	if d.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d.Timeout)
		defer cancel()
	}
	nd := d.ContextDialer
	if nd == nil {
		nd = &net.Dialer{KeepAlive: d.KeepAlive}
	}
	hostport := a.HostPort()
	conn, err := nd.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return nil, fmt.Errorf("transport: dial %s: %w", a, err)
	}
	if !a.TLS {
		return conn, nil
	}
	tc := tls.Client(conn, tlsConfigFor(d.TLSConfig, a.Host))
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("transport: tls handshake with %s: %w", a, err)
	}
	return tc, nil
}

// tlsConfigFor returns a clone of cfg (or a new config) whose ServerName is
// host when cfg has none.
func tlsConfigFor(cfg *tls.Config, host string) *tls.Config {
	if cfg == nil {
		cfg = &tls.Config{}
	} else {
		cfg = cfg.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	return cfg
}

// Address is an IMAP server address, as read by [ParseAddress].
type Address struct {
	// TLS is true for implicit TLS (imaps, RFC 8314), false for a
	// cleartext connection (imap) that STARTTLS may upgrade.
	TLS bool
	// Host is a host name or an IP address, without brackets.
	Host string
	// Port is never empty.
	Port string
	// User is the user information of a URL address, or nil. Dial
	// ignores it; a client may use it as the default login name.
	User *url.Userinfo
	// Path is the path of a URL address ("/INBOX"), or empty. Dial ignores
	// it.
	Path string
}

// HostPort returns "host:port", with brackets around an IPv6 address.
func (a Address) HostPort() string {
	return net.JoinHostPort(a.Host, a.Port)
}

// String returns the address as a URL without its user information:
// "imaps://host:993".
func (a Address) String() string {
	scheme := "imap"
	if a.TLS {
		scheme = "imaps"
	}
	return scheme + "://" + a.HostPort() + a.Path
}

// ParseAddress reads an IMAP server address. It may be:
//
//   - an "imap://" or "imaps://" URL (RFC 5092): imap://host[:port] is a
//     cleartext connection, port 143 by default; imaps://host[:port] is
//     implicit TLS, port 993 by default. User information and a path are
//     allowed and returned in the Address;
//   - "host:port": implicit TLS, except that port 143 means cleartext;
//   - "host": implicit TLS on port 993, as RFC 8314 recommends.
//
// An IPv6 host is written in brackets where a port follows ("[::1]:993"),
// and may be bare without a port ("::1").
func ParseAddress(s string) (Address, error) {
	if s == "" {
		return Address{}, errors.New("transport: empty address")
	}
	if scheme, _, ok := strings.Cut(s, "://"); ok {
		return parseURL(s, scheme)
	}
	a := Address{TLS: true, Port: PortIMAPS}
	host, port, err := net.SplitHostPort(s)
	switch {
	case err == nil:
		a.Host, a.Port = host, port
		a.TLS = port != PortIMAP
	case net.ParseIP(s) != nil:
		a.Host = s // a bare IPv6 address
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		a.Host = s[1 : len(s)-1]
	case !strings.Contains(s, ":"):
		a.Host = s
	default:
		return Address{}, fmt.Errorf("transport: address %q: %w", s, err)
	}
	return a, checkHostPort(s, a)
}

func parseURL(s, scheme string) (Address, error) {
	var a Address
	switch strings.ToLower(scheme) {
	case "imap":
		a.Port = PortIMAP
	case "imaps":
		a.TLS, a.Port = true, PortIMAPS
	default:
		return Address{}, fmt.Errorf("transport: address %q: unknown scheme %q (want imap or imaps)", s, scheme)
	}
	u, err := url.Parse(s)
	if err != nil {
		return Address{}, fmt.Errorf("transport: address %q: %w", s, err)
	}
	if u.Opaque != "" || u.RawQuery != "" || u.Fragment != "" {
		return Address{}, fmt.Errorf("transport: address %q: not an imap URL of a server", s)
	}
	a.Host = u.Hostname()
	if p := u.Port(); p != "" {
		a.Port = p
	}
	a.User = u.User
	if u.Path != "/" {
		a.Path = u.Path
	}
	return a, checkHostPort(s, a)
}

func checkHostPort(s string, a Address) error {
	if a.Host == "" {
		return fmt.Errorf("transport: address %q: no host", s)
	}
	if strings.ContainsAny(a.Host, " /?#@") {
		return fmt.Errorf("transport: address %q: invalid host %q", s, a.Host)
	}
	if p, err := strconv.ParseUint(a.Port, 10, 16); err != nil || p == 0 {
		return fmt.Errorf("transport: address %q: invalid port %q", s, a.Port)
	}
	return nil
}
