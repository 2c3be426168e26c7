package uidplus

import (
	"context"
	"errors"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// ErrEmptySet is returned for a UID EXPUNGE of no messages, which has no
// syntax.
var ErrEmptySet = errors.New("uidplus: empty UID set")

// UIDExpunge permanently removes the messages among uids that have the
// \Deleted flag (RFC 4315 §2.1), leaving other \Deleted messages alone,
// and returns the message sequence numbers of the EXPUNGE responses in
// the order received (each relative to the mailbox after the ones before
// it, RFC 9051 §7.5.1). The client's mailbox state follows them.
//
// It fails with an error wrapping client.ErrNotSupported, without
// sending anything, when the server advertises neither UIDPLUS nor
// IMAP4rev2. With QRESYNC enabled the server reports VANISHED instead of
// EXPUNGE (RFC 7162 §3.2.10), and the list is empty. An EXPUNGE caused
// by another session while the command runs is claimed too: IMAP does not
// say which command an EXPUNGE answers.
func UIDExpunge(ctx context.Context, c *client.Conn, uids seqset.Set) ([]uint32, error) {
	if uids.IsEmpty() {
		return nil, ErrEmptySet
	}
	if err := extutil.Require(ctx, c, "uidplus", "UIDPLUS", "IMAP4REV2"); err != nil {
		return nil, err
	}
	cmd, err := c.Start(ctx, client.Spec{
		Name:   "UID EXPUNGE",
		Args:   []wire.Value{wire.Raw(uids.String())},
		States: extutil.Selected,
		// UIDs only, and it may cause EXPUNGE: the zero values say so.
		Claim: extutil.IsExpunge,
	})
	if err != nil {
		return nil, err
	}
	var out []uint32
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return out, err
		}
		out = append(out, r.Num)
	}
	return out, nil
}
