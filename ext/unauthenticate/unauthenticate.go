// Package unauthenticate implements the UNAUTHENTICATE extension (RFC
// 8437): a command that returns an authenticated connection to the not
// authenticated state, keeping the TLS layer, so that an administrative
// client can log in as another user without a new connection.
//
// After the OK the server has reset every state except TLS (RFC 8437 §3,
// §4.1): the selected mailbox (without expunge events), ENABLEd
// extensions, NOTIFY, CONTEXT updates, SEARCHRES's saved result, a SASL
// or COMPRESS layer. Install makes the client follow (a completion hook,
// client.Hook.SetState): the connection state goes back to
// client.StateNotAuthenticated, the selected mailbox is dropped
// (client.EventClosed), what ENABLE enabled is forgotten (Conn.Enabled
// is false again, UTF8=ACCEPT's UTF-8 mailbox names end), and the
// capabilities are asked again before they are next needed (the server
// may offer others before authentication), unless the OK carried them in
// a CAPABILITY code. Login and Authenticate then work as on a new
// connection.
//
// Unauthenticate refuses on a connection with COMPRESS active: the
// client's compression would have to end right after the command's CRLF
// (§4.1), and the client has no way to do that. The client has no SASL
// security layers, so that case does not arise.
//
// No server on the test machine offers UNAUTHENTICATE (Dovecot 2.3 and
// Cyrus 3.6 lack it, before and after login); the tests replay
// transcripts built from RFC 8437 §3.
//
// The package uses only the exported API of client and wire.
package unauthenticate

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/wire"
)

// Capability is the capability name (RFC 8437 §3).
const Capability = "UNAUTHENTICATE"

// ErrNotInstalled is returned by Unauthenticate on a connection without
// Install among its Options.Extensions: the server would reset its state
// and the client would not.
var ErrNotInstalled = errors.New("unauthenticate: Install is not among the connection's Options.Extensions, so the client's state would not follow the server's")

// ErrCompressed is the refusal of UNAUTHENTICATE on a connection with
// COMPRESS=DEFLATE active (RFC 8437 §4.1).
var ErrCompressed = errors.New("unauthenticate: COMPRESS is active: RFC 8437 §4.1 ends the compression layer with UNAUTHENTICATE, which the client cannot do")

// state is what Install keeps per connection.
type state struct {
	compressed atomic.Bool // set on the reader goroutine, read by the check
}

type key struct{}

// Install makes the connection follow the server's reset after a
// successful UNAUTHENTICATE (see the package comment), and refuses
// UNAUTHENTICATE, before sending it, once COMPRESS is active. Use it as
// a client.Extension.
func Install(r *client.Registry) {
	st := &state{}
	r.SetValue(key{}, st)
	r.OnCompletion("COMPRESS", func(h *client.Hook, resp *wire.Response) {
		if resp.Status == wire.StatusOK {
			st.compressed.Store(true)
		}
	})
	r.OnCompletion("UNAUTHENTICATE", func(h *client.Hook, resp *wire.Response) {
		// RFC 8437 §3: OK means the server is in the not authenticated
		// state; a BAD changed nothing (a NO is not permitted).
		if resp.Status == wire.StatusOK {
			h.SetState(client.StateNotAuthenticated)
		}
	})
	r.CheckCommand("UNAUTHENTICATE", func(v *client.CommandView, s *client.Spec) error {
		if st.compressed.Load() {
			return ErrCompressed
		}
		return nil
	})
}

// Unauthenticate sends UNAUTHENTICATE (RFC 8437 §3) and, on its OK,
// leaves the connection in the not authenticated state (see the package
// comment). It requires Install (ErrNotInstalled otherwise). A server
// may advertise UNAUTHENTICATE only once authenticated (§3): the
// capabilities it judges by are those of the authenticated state (the
// client forgets the earlier ones on authentication and asks again when
// the completion carried none). Without UNAUTHENTICATE the error wraps
// client.ErrNotSupported and nothing is sent. A NO is not permitted by the RFC; BAD and a BYE (a server
// unable to reset) are returned as errors.
//
// The command runs alone: RFC 8437 §3 lets a client pipeline a
// following AUTHENTICATE only without a SASL security layer, which the
// client cannot tell from here, so nothing is pipelined with it.
func Unauthenticate(ctx context.Context, c *client.Conn) error {
	if _, ok := c.Value(key{}).(*state); !ok {
		return ErrNotInstalled
	}
	if st := c.State(); st != client.StateAuthenticated && st != client.StateSelected {
		return fmt.Errorf("unauthenticate: UNAUTHENTICATE is only valid when authenticated (state %v)", st)
	}
	// RFC 8437 §3 lets a server advertise UNAUTHENTICATE only once
	// authenticated: the connection's capabilities are those of the
	// authenticated state here, since the client forgets the earlier ones
	// on authentication (RFC 9051 §6.2.2) and a PREAUTH greeting's are
	// already the authenticated state's.
	if err := extutil.Require(ctx, c, "unauthenticate", Capability); err != nil {
		return err
	}
	_, _, err := run.Collect(ctx, c, client.Spec{
		Name:   "UNAUTHENTICATE",
		States: []client.State{client.StateAuthenticated, client.StateSelected},
		Alone:  true,
	})
	return err
}
