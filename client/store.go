package client

import (
	"context"
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// StoreMode says how STORE changes the flags (RFC 9051 §6.4.6).
type StoreMode uint8

const (
	StoreReplace StoreMode = iota // FLAGS
	StoreAdd                      // +FLAGS
	StoreRemove                   // -FLAGS
)

// StoreFlags describes a flag change.
type StoreFlags struct {
	Mode   StoreMode
	Flags  []string
	Silent bool // .SILENT: the server does not echo the new flags
	// Modifiers are store modifiers (RFC 4466 §2.5), e.g. UNCHANGEDSINCE n.
	Modifiers []wire.Value
}

func (s *StoreFlags) args(set seqset.Set) []wire.Value {
	item := [...]string{"FLAGS", "+FLAGS", "-FLAGS"}[s.Mode]
	if s.Silent {
		item += ".SILENT"
	}
	args := []wire.Value{wire.Raw(set.String())}
	if len(s.Modifiers) > 0 {
		args = append(args, wire.List(s.Modifiers...))
	}
	return append(args, wire.Atom(item), atomList(s.Flags))
}

// Store changes flags of the messages in set (RFC 9051 §6.4.6) and returns
// a FetchCommand carrying the FETCH responses that echo the new flags.
func (c *Conn) Store(ctx context.Context, set seqset.Set, flags *StoreFlags) (*FetchCommand, error) {
	return c.store(ctx, false, set, flags)
}

// UIDStore is Store with UIDs (RFC 9051 §6.4.9).
func (c *Conn) UIDStore(ctx context.Context, uids seqset.Set, flags *StoreFlags) (*FetchCommand, error) {
	return c.store(ctx, true, uids, flags)
}

func (c *Conn) store(ctx context.Context, uid bool, set seqset.Set, flags *StoreFlags) (*FetchCommand, error) {
	name := "STORE"
	if uid {
		name = "UID STORE"
	}
	cmd, err := c.Start(ctx, Spec{
		Name: name, Args: flags.args(set), States: selected,
		UsesSeqNums: !uid, NoExpunge: !uid,
		Claim: claimFetch(uid, set), claimsByUID: uid,
	})
	if err != nil {
		return nil, err
	}
	return &FetchCommand{cmd}, nil
}

// Copy copies messages to a mailbox (RFC 9051 §6.4.7) and returns the
// COPYUID data of its completion (RFC 4315 §3, part of IMAP4rev2), or nil
// when the server sent none.
func (c *Conn) Copy(ctx context.Context, set seqset.Set, mailbox string) (*wire.CopyUID, error) {
	res, err := c.copyMove(ctx, "COPY", set, mailbox)
	return res.CopyUID, err
}

// UIDCopy is Copy with UIDs.
func (c *Conn) UIDCopy(ctx context.Context, uids seqset.Set, mailbox string) (*wire.CopyUID, error) {
	res, err := c.copyMove(ctx, "UID COPY", uids, mailbox)
	return res.CopyUID, err
}

// MoveResult is what a MOVE reported.
type MoveResult struct {
	// CopyUID is the COPYUID data (RFC 6851 §4.3): the UIDVALIDITY of the
	// target mailbox, the UIDs moved and the UIDs they got there, in the
	// same order; nil when the server sent none (no UIDPLUS, or a target
	// that cannot keep UIDs, UIDNOTSTICKY).
	CopyUID *wire.CopyUID
	// Expunged are the message sequence numbers of the EXPUNGE responses,
	// in the order received; each is relative to the mailbox after the
	// ones before it (RFC 9051 §7.5.1). The mailbox state follows them.
	// With QRESYNC enabled the server sends VANISHED instead (RFC 7162
	// §3.2.10) and Expunged is empty. An EXPUNGE another session causes
	// while the MOVE runs is counted too: IMAP does not say which command
	// an EXPUNGE answers.
	Expunged []uint32
}

// Move moves messages to a mailbox (RFC 9051 §6.4.8, RFC 6851 §3.1). It
// fails with an error wrapping ErrNotSupported, without sending
// anything, when the server advertises neither MOVE nor IMAP4rev2, and
// with a *StatusError when the server refuses (e.g. [TRYCREATE]). MOVE
// uses sequence numbers, so it is sent only once no command that may
// expunge is in flight (RFC 9051 §5.5).
func (c *Conn) Move(ctx context.Context, set seqset.Set, mailbox string) (*MoveResult, error) {
	return c.move(ctx, "MOVE", set, mailbox)
}

// UIDMove is Move with UIDs (RFC 6851 §3.2).
func (c *Conn) UIDMove(ctx context.Context, uids seqset.Set, mailbox string) (*MoveResult, error) {
	return c.move(ctx, "UID MOVE", uids, mailbox)
}

func (c *Conn) move(ctx context.Context, name string, set seqset.Set, mailbox string) (*MoveResult, error) {
	if set.IsEmpty() {
		return nil, ErrEmptySet
	}
	if err := c.Require(ctx, "MOVE", "IMAP4rev2"); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c.copyMove(ctx, name, set, mailbox)
}

func (c *Conn) copyMove(ctx context.Context, name string, set seqset.Set, mailbox string) (*MoveResult, error) {
	res := &MoveResult{}
	if set.IsEmpty() {
		return res, ErrEmptySet
	}
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return res, err
	}
	uid := name[0] == 'U'
	isMove := strings.HasSuffix(name, "MOVE")
	cmd, err := c.Start(ctx, Spec{
		Name: name, Args: []wire.Value{wire.Raw(set.String()), mb}, States: selected,
		UsesSeqNums: !uid,
		// MOVE reports COPYUID in an untagged OK before its EXPUNGEs
		// (RFC 6851 §4.3); the EXPUNGEs are its own too.
		Claim: func(r *wire.Response) bool {
			if isMove && r.Kind == wire.DataResponse && r.Name == "EXPUNGE" {
				return true
			}
			return r.Kind == wire.StatusResponse && r.Code != nil && r.Code.Name == "COPYUID"
		},
	})
	if err != nil {
		return res, err
	}
	resps, final, err := cmd.Collect(ctx)
	if err != nil {
		return res, err
	}
	// A server may put COPYUID in the tagged OK instead, as for COPY.
	for _, r := range append(resps, final) {
		if r.Name == "EXPUNGE" {
			res.Expunged = append(res.Expunged, r.Num)
		} else if cu, ok := CopyUIDOf(r); ok && res.CopyUID == nil {
			res.CopyUID = cu
		}
	}
	return res, nil
}

// Expunge removes messages marked \Deleted (RFC 9051 §6.4.3) and returns
// the sequence numbers the server reported, in order.
func (c *Conn) Expunge(ctx context.Context) ([]uint32, error) {
	return c.expunge(ctx, nil)
}

// UIDExpunge removes the messages marked \Deleted among uids (RFC 9051
// §6.4.9, RFC 4315 §2.1), leaving other \Deleted messages alone, and
// returns the sequence numbers of the EXPUNGE responses in order. It
// fails with an error wrapping ErrNotSupported, without sending
// anything, when the server advertises neither UIDPLUS nor IMAP4rev2.
// With QRESYNC enabled the server reports VANISHED instead (RFC 7162
// §3.2.10) and the list is empty.
func (c *Conn) UIDExpunge(ctx context.Context, uids seqset.Set) ([]uint32, error) {
	if uids.IsEmpty() {
		return nil, ErrEmptySet
	}
	if err := c.Require(ctx, "UIDPLUS", "IMAP4rev2"); err != nil {
		return nil, fmt.Errorf("UID EXPUNGE: %w", err)
	}
	return c.expunge(ctx, &uids)
}

func (c *Conn) expunge(ctx context.Context, uids *seqset.Set) ([]uint32, error) {
	spec := Spec{Name: "EXPUNGE", States: selected, Claim: claimName("EXPUNGE")}
	if uids != nil {
		spec.Name = "UID EXPUNGE"
		spec.Args = []wire.Value{wire.Raw(uids.String())}
	}
	cmd, err := c.Start(ctx, spec)
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

// Check requests a checkpoint (RFC 3501 §6.4.1; removed by RFC 9051).
func (c *Conn) Check(ctx context.Context) error {
	return c.simple(ctx, Spec{Name: "CHECK", States: selected})
}
