// Package move implements the MOVE extension (RFC 6851): MOVE and UID
// MOVE, which move messages to another mailbox atomically instead of
// COPY, STORE \Deleted and EXPUNGE.
//
// It is built on the client's raw path (client.Conn.Start) and uses only
// the exported API of client and wire, as an extension written in another
// module would. MOVE adds no response of its own: the COPYUID code
// (RFC 4315, registered by the base protocol and by package uidplus) and
// EXPUNGE responses carry its results, and this package claims them for
// the command.
package move

import (
	"context"
	"errors"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/uidplus"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// ErrEmptySet is returned for a MOVE of no messages, which has no
// syntax.
var ErrEmptySet = errors.New("move: empty set")

// Result is what a MOVE reported.
type Result struct {
	// CopyUID is the COPYUID data (RFC 6851 §4.3): the UIDVALIDITY of
	// the target mailbox, the UIDs moved and the UIDs they got there, in
	// the same order. HasCopyUID is false when the server sent none (no
	// UIDPLUS, or a target that cannot keep UIDs, UIDNOTSTICKY).
	CopyUID    wire.CopyUID
	HasCopyUID bool
	// Expunged are the message sequence numbers of the EXPUNGE responses,
	// in the order received; each is relative to the mailbox after the
	// ones before it (RFC 9051 §7.5.1). The client's mailbox state
	// follows them. With QRESYNC enabled the server sends VANISHED
	// instead (RFC 7162 §3.2.10) and Expunged is empty.
	Expunged []uint32
}

// Move moves the messages with sequence numbers in set to mailbox
// (RFC 6851 §3.1). It fails with an error wrapping client.ErrNotSupported,
// without sending anything, when the server advertises neither MOVE nor
// IMAP4rev2; and with a *client.StatusError when the server refuses
// (e.g. [TRYCREATE] for a missing mailbox).
//
// An EXPUNGE that another session causes while the MOVE runs is counted
// too: IMAP does not say which command an EXPUNGE answers. Sequence
// numbers in set must not change while the command is queued, so the
// client sends it only once no command that may expunge is in flight
// (RFC 9051 §5.5).
func Move(ctx context.Context, c *client.Conn, set seqset.Set, mailbox string) (*Result, error) {
	return move(ctx, c, false, set, mailbox)
}

// UIDMove is Move with UIDs (RFC 6851 §3.2).
func UIDMove(ctx context.Context, c *client.Conn, uids seqset.Set, mailbox string) (*Result, error) {
	return move(ctx, c, true, uids, mailbox)
}

func move(ctx context.Context, c *client.Conn, uid bool, set seqset.Set, mailbox string) (*Result, error) {
	if set.IsEmpty() {
		return nil, ErrEmptySet
	}
	if err := extutil.Require(ctx, c, "move", "MOVE", "IMAP4REV2"); err != nil {
		return nil, err
	}
	mb, err := extutil.MailboxArg(c, mailbox)
	if err != nil {
		return nil, err
	}
	name := "MOVE"
	if uid {
		name = "UID MOVE"
	}
	cmd, err := c.Start(ctx, client.Spec{
		Name:   name,
		Args:   []wire.Value{wire.Raw(set.String()), mb},
		States: extutil.Selected,
		// MOVE refers to sequence numbers and causes EXPUNGE; UID MOVE
		// only causes EXPUNGE (RFC 9051 §5.5).
		UsesSeqNums: !uid,
		Claim:       claim,
	})
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return res, err
		}
		if extutil.IsExpunge(r) {
			res.Expunged = append(res.Expunged, r.Num)
		} else if cu, ok := uidplus.CopyUID(r); ok && !res.HasCopyUID {
			res.CopyUID, res.HasCopyUID = cu, true
		}
	}
	// A server may put COPYUID in the tagged OK instead, as for COPY.
	if cu, ok := uidplus.CopyUID(cmd.Final()); ok && !res.HasCopyUID {
		res.CopyUID, res.HasCopyUID = cu, true
	}
	return res, nil
}

// claim takes the responses MOVE causes: the untagged OK with COPYUID
// that comes before the EXPUNGEs (RFC 6851 §4.3), and the EXPUNGEs.
func claim(r *wire.Response) bool {
	if extutil.IsExpunge(r) {
		return true
	}
	return r.Kind == wire.StatusResponse && r.Status == wire.StatusOK && extutil.CodeName(r) == "COPYUID"
}
