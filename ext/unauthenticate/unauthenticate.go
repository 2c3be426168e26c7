// Package unauthenticate implements the UNAUTHENTICATE extension (RFC
// 8437): a command that returns an authenticated connection to the not
// authenticated state, keeping the TLS layer, so that an administrative
// client can log in as another user without a new connection.
//
// After the OK the server has reset every state except TLS (RFC 8437 §3,
// §4.1): the selected mailbox (without expunge events), ENABLEd
// extensions, NOTIFY, CONTEXT updates, SEARCHRES's saved result, a SASL
// or COMPRESS layer. Do not use it on a connection with COMPRESS active:
// the client's compression would have to end right after the command's
// CRLF (§4.1), and client exports no way to do that.
//
// Limitation until client exports completion hooks: the client's own
// view (Conn.State, Conn.Enabled, Conn.Mailbox) is not reset by the OK,
// so the client still refuses LOGIN and AUTHENTICATE afterwards.
//
// No server on the test machine offers UNAUTHENTICATE (Dovecot 2.3 does
// not); the tests replay transcripts built from RFC 8437 §3.
//
// The package uses only the exported API of client and wire.
package unauthenticate

import (
	"context"
	"fmt"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/run"
)

// Capability is the capability name (RFC 8437 §3).
const Capability = "UNAUTHENTICATE"

// Unauthenticate sends UNAUTHENTICATE (RFC 8437 §3). A server may
// advertise UNAUTHENTICATE only once authenticated (§3), so when the
// capabilities the connection knows lack it, they are asked for again
// first; without it the error wraps client.ErrNotSupported and nothing
// is sent. A NO is not permitted by the RFC; BAD and a BYE (a server
// unable to reset) are returned as errors.
//
// The command runs alone: RFC 8437 §3 lets a client pipeline a
// following AUTHENTICATE only without a SASL security layer, which the
// client cannot tell from here, so nothing is pipelined with it.
func Unauthenticate(ctx context.Context, c *client.Conn) error {
	if st := c.State(); st != client.StateAuthenticated && st != client.StateSelected {
		return fmt.Errorf("unauthenticate: UNAUTHENTICATE is only valid when authenticated (state %v)", st)
	}
	has, err := c.Has(ctx, Capability)
	if err != nil {
		return err
	}
	if !has {
		// RFC 8437 §3: maybe advertised only after authentication.
		if _, err := c.Capability(ctx); err != nil {
			return err
		}
		if has, err = c.Has(ctx, Capability); err != nil {
			return err
		}
		if !has {
			return fmt.Errorf("unauthenticate: server does not advertise %s: %w", Capability, client.ErrNotSupported)
		}
	}
	_, _, err = run.Collect(ctx, c, client.Spec{
		Name:   "UNAUTHENTICATE",
		States: []client.State{client.StateAuthenticated, client.StateSelected},
		Alone:  true,
	})
	return err
}
