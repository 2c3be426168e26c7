// Package extutil holds what the extension packages share. It uses only
// the exported API of client, utf7 and wire, as an extension written
// outside this repository would.
package extutil

import (
	"context"
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

// Selected is the state list of commands valid only with a mailbox
// selected.
var Selected = []client.State{client.StateSelected}

// Require returns nil when the server advertises one of caps, asking for
// the capabilities first when the connection does not know them. Otherwise
// it returns an error, prefixed with pkg, that wraps
// client.ErrNotSupported.
func Require(ctx context.Context, c *client.Conn, pkg string, caps ...string) error {
	if err := c.Require(ctx, caps...); err != nil {
		return fmt.Errorf("%s: %w", pkg, err)
	}
	return nil
}

// MailboxArg encodes a mailbox name as the client does for its own
// commands (RFC 3501 §5.1.3): modified UTF-7, or UTF-8 once UTF8=ACCEPT or
// IMAP4rev2 is enabled (RFC 6855 §3, RFC 9051 §5.1); INBOX in any case is
// sent as INBOX. The encoder chooses atom, quoted string or literal.
func MailboxArg(c *client.Conn, name string) (wire.Value, error) {
	if strings.EqualFold(name, "INBOX") {
		return wire.String("INBOX"), nil
	}
	if c.Enabled("UTF8=ACCEPT") || c.Enabled("IMAP4REV2") {
		return wire.String(name), nil
	}
	enc, err := utf7.Encode(name)
	if err != nil {
		return wire.Value{}, err
	}
	return wire.String(enc), nil
}

// IsExpunge reports whether r is an EXPUNGE response (RFC 9051 §7.5.1).
func IsExpunge(r *wire.Response) bool {
	return r.Kind == wire.DataResponse && r.Name == "EXPUNGE"
}

// CodeName returns the name of r's response code, "" when r has none.
func CodeName(r *wire.Response) string {
	if r == nil || r.Code == nil {
		return ""
	}
	return r.Code.Name
}
