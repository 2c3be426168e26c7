package client

import (
	"context"
	"strings"

	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

// utf8Names reports whether mailbox names travel as UTF-8 (UTF8=ACCEPT or
// IMAP4rev2 enabled, RFC 6855 §3, RFC 9051 §5.1) rather than modified
// UTF-7.
func (c *Conn) utf8Names() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.enabled["UTF8=ACCEPT"] || c.enabled["IMAP4REV2"]
}

// MailboxArg encodes a mailbox name for the wire: modified UTF-7 (RFC 3501
// §5.1.3), or UTF-8 once UTF8=ACCEPT or IMAP4rev2 is enabled. INBOX is
// case-insensitive and always sent as INBOX. Extensions that build
// commands with mailbox arguments use it.
func (c *Conn) MailboxArg(name string) (wire.Value, error) {
	if strings.EqualFold(name, "INBOX") {
		return wire.String("INBOX"), nil
	}
	if c.utf8Names() {
		return wire.String(name), nil
	}
	enc, err := utf7.Encode(name)
	if err != nil {
		return wire.Value{}, err
	}
	return wire.String(enc), nil
}

// Create creates a mailbox (RFC 9051 §6.3.4).
func (c *Conn) Create(ctx context.Context, name string) error {
	return c.mailboxCommand(ctx, "CREATE", name)
}

// Delete deletes a mailbox (RFC 9051 §6.3.5).
func (c *Conn) Delete(ctx context.Context, name string) error {
	return c.mailboxCommand(ctx, "DELETE", name)
}

// Subscribe adds a mailbox to the subscription list (RFC 9051 §6.3.7).
func (c *Conn) Subscribe(ctx context.Context, name string) error {
	return c.mailboxCommand(ctx, "SUBSCRIBE", name)
}

// Unsubscribe removes a mailbox from the subscription list (RFC 9051 §6.3.8).
func (c *Conn) Unsubscribe(ctx context.Context, name string) error {
	return c.mailboxCommand(ctx, "UNSUBSCRIBE", name)
}

func (c *Conn) mailboxCommand(ctx context.Context, verb, name string) error {
	arg, err := c.MailboxArg(name)
	if err != nil {
		return err
	}
	return c.simple(ctx, Spec{Name: verb, Args: []wire.Value{arg}, States: authState})
}

// Rename renames a mailbox (RFC 9051 §6.3.6).
func (c *Conn) Rename(ctx context.Context, from, to string) error {
	a, err := c.MailboxArg(from)
	if err != nil {
		return err
	}
	b, err := c.MailboxArg(to)
	if err != nil {
		return err
	}
	return c.simple(ctx, Spec{Name: "RENAME", Args: []wire.Value{a, b}, States: authState})
}
