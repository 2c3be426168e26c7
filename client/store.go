package client

import (
	"context"

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

// CopyResult is the COPYUID data of COPY or MOVE (RFC 4315 §3), when the
// server sent it.
type CopyResult struct {
	UIDValidity uint32
	Source      seqset.Set
	Dest        seqset.Set
}

// Copy copies messages to a mailbox (RFC 9051 §6.4.7).
func (c *Conn) Copy(ctx context.Context, set seqset.Set, mailbox string) (*CopyResult, error) {
	return c.copyMove(ctx, "COPY", set, mailbox)
}

// UIDCopy is Copy with UIDs.
func (c *Conn) UIDCopy(ctx context.Context, uids seqset.Set, mailbox string) (*CopyResult, error) {
	return c.copyMove(ctx, "UID COPY", uids, mailbox)
}

// Move moves messages to a mailbox (RFC 9051 §6.4.8, RFC 6851). The
// EXPUNGE responses it causes update the mailbox state.
func (c *Conn) Move(ctx context.Context, set seqset.Set, mailbox string) (*CopyResult, error) {
	return c.copyMove(ctx, "MOVE", set, mailbox)
}

// UIDMove is Move with UIDs.
func (c *Conn) UIDMove(ctx context.Context, uids seqset.Set, mailbox string) (*CopyResult, error) {
	return c.copyMove(ctx, "UID MOVE", uids, mailbox)
}

func (c *Conn) copyMove(ctx context.Context, name string, set seqset.Set, mailbox string) (*CopyResult, error) {
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return nil, err
	}
	uid := name[0] == 'U'
	cmd, err := c.Start(ctx, Spec{
		Name: name, Args: []wire.Value{wire.Raw(set.String()), mb}, States: selected,
		UsesSeqNums: !uid,
		// MOVE reports COPYUID in an untagged OK before its EXPUNGEs
		// (RFC 6851 §4.3).
		Claim: func(r *wire.Response) bool {
			return r.Kind == wire.StatusResponse && r.Code != nil && r.Code.Name == "COPYUID"
		},
	})
	if err != nil {
		return nil, err
	}
	resps, final, err := cmd.Collect(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range append(resps, final) {
		if r.Code != nil {
			if cu, ok := r.Code.Data.(wire.CopyUID); ok {
				return &CopyResult{cu.UIDValidity, cu.Source, cu.Dest}, nil
			}
			if cu, ok := r.Code.Data.(*wire.CopyUID); ok {
				return &CopyResult{cu.UIDValidity, cu.Source, cu.Dest}, nil
			}
		}
	}
	return &CopyResult{}, nil
}

// Expunge removes messages marked \Deleted (RFC 9051 §6.4.3) and returns
// the sequence numbers the server reported, in order.
func (c *Conn) Expunge(ctx context.Context) ([]uint32, error) {
	return c.expunge(ctx, nil)
}

// UIDExpunge removes the messages marked \Deleted among uids (RFC 9051
// §6.4.9, RFC 4315 §2.1).
func (c *Conn) UIDExpunge(ctx context.Context, uids seqset.Set) ([]uint32, error) {
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
