// Package utf8 implements the APPEND side of UTF8=ACCEPT (RFC 6855):
// ENABLE UTF8=ACCEPT (§3), after which mailbox names and quoted strings
// are UTF-8 (the client's codec follows, see client.Conn.Enable), and
// APPEND of a message with UTF-8 headers (RFC 6532) in the UTF8 data
// item, "UTF8" SP "(" literal8 ")" (§4).
//
// Of the servers on the project's test machine only Courier offers
// UTF8=ACCEPT, without BINARY: the UTF8 data item's literal8 is part of
// UTF8=ACCEPT itself (RFC 6855 §4), and the client's encoder sends it
// once UTF8=ACCEPT is enabled (codec.EncoderOptions.UTF8). The live test
// appends to Courier; the others are scripted transcripts.
package utf8

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/appendutil"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/wire"
)

// Capability is the capability name, and what ENABLE turns on.
const Capability = "UTF8=ACCEPT"

// ErrSelected is returned by Enable while a mailbox is selected: ENABLE
// is valid only in the authenticated state (RFC 5161 §3.1), and RFC 6855
// §3 requires it before SELECT.
var ErrSelected = errors.New("utf8: ENABLE UTF8=ACCEPT is not allowed with a mailbox selected")

// ErrNotEnabled is returned by Append before Enable succeeded.
var ErrNotEnabled = errors.New("utf8: UTF8=ACCEPT is not enabled (RFC 6855 §4)")

// ErrNoLiteral8 was returned by Append to servers without BINARY or
// IMAP4rev2.
//
// Deprecated: Append sends literal8 to every server with UTF8=ACCEPT
// enabled (RFC 6855 §4) and no longer returns it.
var ErrNoLiteral8 = errors.New("utf8: the client sends literal8 only to servers with BINARY or IMAP4rev2")

// Enable sends ENABLE UTF8=ACCEPT (RFC 6855 §3). It does nothing when
// already enabled, and fails with an error wrapping
// client.ErrNotSupported when the server does not advertise it.
func Enable(ctx context.Context, c *client.Conn) error {
	if c.Enabled(Capability) {
		return nil
	}
	if err := extutil.Require(ctx, c, "utf8", Capability); err != nil {
		return err
	}
	if c.State() == client.StateSelected {
		return ErrSelected
	}
	got, err := c.Enable(ctx, Capability)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(got, func(s string) bool { return strings.EqualFold(s, Capability) }) {
		return fmt.Errorf("utf8: the server did not enable %s (ENABLED %v)", Capability, got)
	}
	return nil
}

// Append appends a message with UTF-8 headers of size octets read from
// r to mailbox, in the UTF8 data item as a literal8 (RFC 6855 §4: "UTF8"
// SP "(" literal8 ")", with or without BINARY), and returns its APPENDUID
// when the server sent one. Without UTF8=ACCEPT advertised it fails with
// an error wrapping client.ErrNotSupported, before Enable with
// ErrNotEnabled, sending nothing either way.
func Append(ctx context.Context, c *client.Conn, mailbox string, r io.Reader, size int64, opts *client.AppendOptions) (*client.AppendResult, error) {
	if err := extutil.Require(ctx, c, "utf8", Capability); err != nil {
		return nil, err
	}
	if !c.Enabled(Capability) {
		return nil, ErrNotEnabled
	}
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return nil, err
	}
	args := appendutil.Options([]wire.Value{mb}, opts)
	args = append(args, wire.Atom("UTF8"), wire.List(appendutil.Literal8(r, size)))
	res, _, err := appendutil.Run(ctx, c, client.Spec{Name: "APPEND", Args: args})
	return res, err
}
