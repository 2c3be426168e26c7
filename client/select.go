package client

import (
	"context"

	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

// SelectOptions are the optional parameters of SELECT and EXAMINE.
type SelectOptions struct {
	// ReadOnly sends EXAMINE instead of SELECT (RFC 9051 §6.3.3).
	ReadOnly bool
	// Params are select parameters (RFC 4466 §2.2), e.g. CONDSTORE or
	// QRESYNC (...), as extensions build them.
	Params []wire.Value
	// Data, when set, receives in arrival order the data responses of the
	// SELECT other than the mailbox state (EXISTS, RECENT, FLAGS): the
	// VANISHED (EARLIER) and FETCH responses of a QRESYNC SELECT (RFC 7162
	// §3.2.5), on the goroutine that called Select, before it returns.
	// Select claims them either way, so they never reach the unclaimed
	// queue as news.
	Data func(*wire.Response)
}

// Select opens a mailbox (RFC 9051 §6.3.2; EXAMINE §6.3.3 when
// opts.ReadOnly) and returns its state. The untagged responses of SELECT
// update the connection's Mailbox; a failed SELECT leaves no mailbox
// selected (RFC 9051 §6.3.2).
func (c *Conn) Select(ctx context.Context, name string, opts *SelectOptions) (*Mailbox, error) {
	arg, err := c.MailboxArg(name)
	if err != nil {
		return nil, err
	}
	verb := "SELECT"
	args := []wire.Value{arg}
	if opts != nil {
		if opts.ReadOnly {
			verb = "EXAMINE"
		}
		if len(opts.Params) > 0 {
			args = append(args, wire.List(opts.Params...))
		}
	}
	cmd, err := c.Start(ctx, Spec{
		Name:   verb,
		Args:   args,
		States: authState,
		Alone:  true,
		// SELECT's untagged responses go to the mailbox state; the
		// command claims them so that they do not reach the unclaimed
		// queue as news.
		// SELECT is alone on the wire, so the VANISHED (EARLIER) and
		// FETCH responses of a QRESYNC SELECT (RFC 7162 §3.2.5.1) are
		// its own as well.
		Claim: func(r *wire.Response) bool {
			switch r.Name {
			case "EXISTS", "RECENT", "FLAGS", "VANISHED", "FETCH":
				return true
			}
			return r.Kind == wire.StatusResponse && r.Status == wire.StatusOK && r.Code != nil
		},
	})
	if err != nil {
		return nil, err
	}
	resps, _, err := cmd.Collect(ctx)
	if err != nil {
		return nil, err
	}
	if opts != nil && opts.Data != nil {
		for _, r := range resps {
			switch r.Name {
			case "EXISTS", "RECENT", "FLAGS":
				continue
			}
			if r.Kind == wire.DataResponse {
				opts.Data(r)
			}
		}
	}
	return c.Mailbox(), nil
}

// selectDone applies the completion of a SELECT or EXAMINE, whether sent by
// Select or through the raw path (reader goroutine): on OK the mailbox is
// selected; on NO or BAD none is (RFC 9051 §6.3.2).
//
// The mailbox selected before, if any, is closed either way (RFC 9051
// §6.3.2: SELECT deselects first); unless the server said so with
// [CLOSED] already, EventClosed reports it now.
func (c *Conn) selectDone(cmd *Command, resp *wire.Response) {
	c.mu.Lock()
	prev := c.prevMbox
	c.prevMbox = nil
	if prev != nil {
		defer c.events.mailbox([]MailboxEvent{{Kind: EventClosed, Mailbox: prev}})
	}
	defer c.mu.Unlock()
	if resp.Status != wire.StatusOK || c.mbox == nil {
		c.mbox = nil
		c.state = StateAuthenticated
		return
	}
	if len(cmd.spec.Args) > 0 {
		name := cmd.spec.Args[0].Text()
		if dec, err := utf7.Decode(name); err == nil && !(c.enabled["UTF8=ACCEPT"] || c.enabled["IMAP4REV2"]) {
			name = dec
		}
		c.mbox.Name = name
	}
	if cmd.spec.Name == "EXAMINE" {
		c.mbox.ReadOnly = true
	}
	if resp.Code != nil && (resp.Code.Name == "READ-ONLY" || resp.Code.Name == "READ-WRITE") {
		c.mbox.ReadOnly = resp.Code.Name == "READ-ONLY"
	}
	c.state = StateSelected
}

// Close closes the selected mailbox, expunging messages marked \Deleted
// (RFC 9051 §6.4.1). It is CloseMailbox because Close ends the connection.
func (c *Conn) CloseMailbox(ctx context.Context) error {
	return c.simple(ctx, Spec{Name: "CLOSE", States: selected, Alone: true, onDone: deselect})
}

// Unselect closes the selected mailbox without expunging (RFC 9051
// §6.4.2, RFC 3691).
func (c *Conn) Unselect(ctx context.Context) error {
	if err := c.Require(ctx, "UNSELECT", "IMAP4rev2"); err != nil {
		return err
	}
	return c.simple(ctx, Spec{Name: "UNSELECT", States: selected, Alone: true, onDone: deselect})
}

func deselect(c *Conn, resp *wire.Response) {
	if resp.Status != wire.StatusOK {
		return
	}
	c.mu.Lock()
	m := c.mbox
	c.mbox = nil
	c.state = StateAuthenticated
	c.mu.Unlock()
	if m != nil {
		c.events.mailbox([]MailboxEvent{{Kind: EventClosed, Mailbox: m}})
	}
}
