package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/imapkit/imapkit/client"
)

// applyPolicy sets the connection policy of the flags on opts: the
// inactivity timeout (-timeout, which a running IDLE does not count), the
// connect, TLS and greeting deadline (-connect-timeout), and whether the
// connection must be TLS (imap:// without -allow-cleartext or
// -no-starttls: Dial then runs STARTTLS itself, and a cleartext PREAUTH
// is refused).
func (f *connFlags) applyPolicy(opts *client.Options, requireTLS bool) {
	opts.InactivityTimeout = orNone(f.timeout)
	opts.ConnectTimeout = orNone(f.connTimeout)
	opts.RequireTLS = requireTLS
}

// orNone maps the flags' "0: never" to the client's "negative: none".
func orNone(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}

// tlsRequiredError explains a refusal of RequireTLS in the flags' terms.
func tlsRequiredError(err error) error {
	if !errors.Is(err, client.ErrTLSRequired) {
		return err
	}
	return fmt.Errorf("%w (imap:// requires TLS through STARTTLS: use imaps://, or -allow-cleartext to accept cleartext)", err)
}

// timeoutHint names the flag behind a client timeout.
func timeoutHint(err error, flag string) error {
	if errors.Is(err, client.ErrTimeout) {
		return fmt.Errorf("%w (%s)", err, flag)
	}
	return err
}
