// Package specialuse implements the special-use mailbox extensions (RFC
// 6154): Create makes a mailbox for a given use (CREATE-SPECIAL-USE, RFC
// 6154 §3), and Mailboxes finds the mailboxes the server marks for each
// use (SPECIAL-USE, RFC 6154 §2, with the LIST return option of §5.2).
//
// The attributes are the mailbox attributes of RFC 6154 §2 (All, Archive,
// Drafts, Flagged, Junk, Sent, Trash). The /private/specialuse entry of
// RFC 6154 §4 is read and written with package metadata. The USEATTR
// response code (RFC 6154 §6) has no arguments, so the base protocol's
// generic code carries it; IsUseAttr tests for it.
//
// The package uses only the exported API of client and wire.
package specialuse

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/wire"
)

// The special-use attributes of RFC 6154 §2.
const (
	All     = `\All`
	Archive = `\Archive`
	Drafts  = `\Drafts`
	Flagged = `\Flagged`
	Junk    = `\Junk`
	Sent    = `\Sent`
	Trash   = `\Trash`
)

// Uses lists the attributes of RFC 6154 §2, in its order.
var Uses = []string{All, Archive, Drafts, Flagged, Junk, Sent, Trash}

// Create creates mailbox for the special uses given (RFC 6154 §3):
// CREATE mailbox (USE (uses...)). A server that cannot give the mailbox
// one of them answers NO, usually with the USEATTR code (IsUseAttr).
// It fails with an error wrapping client.ErrNotSupported, without sending
// anything, when the server does not advertise CREATE-SPECIAL-USE.
func Create(ctx context.Context, c *client.Conn, mailbox string, uses ...string) error {
	if len(uses) == 0 {
		return errors.New("specialuse: CREATE with USE needs at least one attribute")
	}
	list := make([]wire.Value, 0, len(uses))
	for _, u := range uses {
		if !strings.HasPrefix(u, `\`) || !run.IsAtom(u[1:]) {
			return fmt.Errorf(`specialuse: %q is not a mailbox attribute (\Name)`, u)
		}
		list = append(list, wire.Atom(u))
	}
	if err := extutil.Require(ctx, c, "specialuse", "CREATE-SPECIAL-USE"); err != nil {
		return err
	}
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return err
	}
	_, _, err = run.Collect(ctx, c, client.Spec{
		Name: "CREATE",
		// create-param = "USE" SP "(" [use-attr *(SP use-attr)] ")"
		// (RFC 6154 §6, in the create-params of RFC 4466 §2.2).
		Args:   []wire.Value{mb, wire.List(wire.Atom("USE"), wire.List(list...))},
		States: []client.State{client.StateAuthenticated, client.StateSelected},
	})
	return err
}

// IsUseAttr reports whether err is a NO with the USEATTR code (RFC 6154
// §3): the server cannot give a mailbox the special use asked for.
func IsUseAttr(err error) bool {
	var se *client.StatusError
	return errors.As(err, &se) && se.CodeName() == "USEATTR"
}

// Mailboxes returns, for each special-use attribute, the mailboxes that
// carry it (RFC 6154 §2), e.g. m[specialuse.Sent] = ["Sent Messages"].
// With SPECIAL-USE advertised it asks LIST "" "*" RETURN (SPECIAL-USE)
// (RFC 6154 §5.1); without it, a plain LIST, whose attributes some
// servers fill in anyway (RFC 6154 §1).
func Mailboxes(ctx context.Context, c *client.Conn) (map[string][]string, error) {
	var opts *client.ListOptions
	su, err := c.Has(ctx, "SPECIAL-USE")
	if err != nil {
		return nil, err
	}
	if su {
		if err := c.Require(ctx, "LIST-EXTENDED", "IMAP4REV2"); err == nil {
			opts = &client.ListOptions{Return: client.ListOptionNames("SPECIAL-USE")}
		} else if !errors.Is(err, client.ErrNotSupported) {
			return nil, err
		}
	}
	res, err := c.List(ctx, "", []string{"*"}, opts)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, l := range res.Mailboxes {
		for _, a := range l.Attrs {
			for _, u := range Uses {
				if strings.EqualFold(a, u) {
					out[u] = append(out[u], l.Mailbox)
				}
			}
		}
	}
	return out, nil
}
