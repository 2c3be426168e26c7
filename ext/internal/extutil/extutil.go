// Package extutil holds what the extension packages share. It uses only
// the exported API of client, utf7 and wire, as an extension written
// outside this repository would.
package extutil

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/imapkit/imapkit/client"
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

// Enable sends ENABLE name for package pkg (RFC 5161) unless it is
// enabled already: it checks first that the server advertises name and
// ENABLE (or IMAP4rev2), failing with an error wrapping
// client.ErrNotSupported and sending nothing otherwise, and that no
// mailbox is selected (errSelected), since ENABLE is valid only in the
// authenticated state (RFC 5161 §3.1, RFC 9051 §6.3.1). It fails when the
// server's ENABLED does not list name.
func Enable(ctx context.Context, c *client.Conn, pkg, name string, errSelected error) error {
	if c.Enabled(name) {
		return nil
	}
	if err := Require(ctx, c, pkg, name); err != nil {
		return err
	}
	if err := Require(ctx, c, pkg, "ENABLE", "IMAP4REV2"); err != nil {
		return err
	}
	if c.State() == client.StateSelected {
		return errSelected
	}
	enabled, err := c.Enable(ctx, name)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(enabled, func(s string) bool { return strings.EqualFold(s, name) }) {
		return fmt.Errorf("%s: the server did not enable %s (ENABLED %v)", pkg, name, enabled)
	}
	return nil
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
