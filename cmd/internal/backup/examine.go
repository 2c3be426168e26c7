package backup

import (
	"context"
	"errors"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

// examine opens the mailbox name (as LIST gave it) read-only.
//
// A name the server sent in invalid modified UTF-7 (RFC 3501 §5.1.3) is
// kept by the codec as it came, and client.Select would encode it again
// ("&" becomes "&-"), naming another mailbox. The codec cannot say which
// names it kept raw: a name that is not itself valid modified UTF-7 is
// either a decoded name holding "&" or a raw one. So Select is tried
// first, and when the server answers NO for such a name, EXAMINE is sent
// again with the name exactly as the server sent it.
func examine(ctx context.Context, c *client.Conn, name string, sel *client.SelectOptions) (*client.Mailbox, error) {
	mb, err := c.Select(ctx, name, sel)
	var se *client.StatusError
	if err == nil || !errors.As(err, &se) || se.Status != wire.StatusNo || !rawCandidate(name) {
		return mb, err
	}
	args := []wire.Value{wire.String(name)}
	if len(sel.Params) > 0 {
		args = append(args, wire.List(sel.Params...))
	}
	verb := "SELECT"
	if sel.ReadOnly {
		verb = "EXAMINE"
	}
	cmd, rerr := c.Start(ctx, client.Spec{
		Name:   verb,
		Args:   args,
		States: []client.State{client.StateAuthenticated, client.StateSelected},
		Alone:  true,
		// As client.Select: SELECT's untagged data goes to the mailbox
		// state, not to the unclaimed queue.
		Claim: func(r *wire.Response) bool {
			switch r.Name {
			case "EXISTS", "RECENT", "FLAGS":
				return true
			}
			return r.Kind == wire.StatusResponse && r.Status == wire.StatusOK && r.Code != nil
		},
	})
	if rerr != nil {
		return nil, err
	}
	if _, rerr := cmd.Wait(ctx); rerr != nil {
		// The first answer is the one that names the mailbox as the
		// user knows it.
		return nil, err
	}
	return c.Mailbox(), nil
}

// rawCandidate reports whether name may be a mailbox name the codec kept
// raw: ASCII (modified UTF-7 is) and not valid modified UTF-7 itself.
func rawCandidate(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return false
		}
	}
	_, err := utf7.Decode(name)
	return err != nil
}
