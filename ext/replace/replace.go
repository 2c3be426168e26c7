// Package replace implements REPLACE (RFC 8508): replace a message by a
// new version atomically — APPEND of the new one and expunge of the old
// one in a single command — as a client editing a draft needs.
//
// REPLACE and UID REPLACE take the message to replace (sequence number
// or UID) and the same arguments as APPEND (RFC 8508 §3), including
// CATENATE's (RFC 8508 §3.3, ReplaceCatenate). The results are the new
// message's APPENDUID, which the server sends in an untagged OK before
// the EXPUNGE (RFC 8508 §3.4), and the EXPUNGE itself; the client's
// mailbox state follows both.
//
// No server on the project's test machine offers REPLACE (Dovecot 2.3
// does not; 2.4 does): the tests replay RFC 8508's examples.
package replace

import (
	"context"
	"io"
	"strconv"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/catenate"
	"github.com/imapkit/imapkit/ext/internal/appendutil"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/wire"
)

// Result is what a REPLACE reported.
type Result struct {
	// AppendUID is the new message's UIDVALIDITY and UID (zero when the
	// server has no UIDPLUS).
	AppendUID client.AppendResult
	// Expunged are the sequence numbers of the EXPUNGE responses (the
	// replaced message, when the target is the selected mailbox or the
	// old message was in it).
	Expunged []uint32
}

// Replace replaces the message with sequence number seq in the selected
// mailbox by a message of size octets read from r, saved to mailbox
// (RFC 8508 §3.1). It fails with an error wrapping client.ErrNotSupported,
// sending nothing, when the server does not advertise REPLACE.
func Replace(ctx context.Context, c *client.Conn, seq uint32, mailbox string, r io.Reader, size int64, opts *client.AppendOptions) (*Result, error) {
	return run(ctx, c, false, seq, mailbox, func(args []wire.Value) ([]wire.Value, error) {
		args = appendutil.Options(args, opts)
		return append(args, wire.LiteralReader(r, size)), nil
	})
}

// UIDReplace is Replace by UID (RFC 8508 §3.2).
func UIDReplace(ctx context.Context, c *client.Conn, uid uint32, mailbox string, r io.Reader, size int64, opts *client.AppendOptions) (*Result, error) {
	return run(ctx, c, true, uid, mailbox, func(args []wire.Value) ([]wire.Value, error) {
		args = appendutil.Options(args, opts)
		return append(args, wire.LiteralReader(r, size)), nil
	})
}

// ReplaceCatenate replaces a message (by UID when uid is set) by one the
// server assembles from parts (RFC 8508 §3.3, RFC 4469). It needs
// CATENATE as well as REPLACE.
func ReplaceCatenate(ctx context.Context, c *client.Conn, uid bool, num uint32, mailbox string, parts []catenate.Part, opts *client.AppendOptions) (*Result, error) {
	if err := extutil.Require(ctx, c, "replace", "REPLACE"); err != nil {
		return nil, err
	}
	args, err := catenate.Args(ctx, c, mailbox, parts, opts)
	if err != nil {
		return nil, err
	}
	return run(ctx, c, uid, num, "", func([]wire.Value) ([]wire.Value, error) { return args, nil })
}

func run(ctx context.Context, c *client.Conn, uid bool, num uint32, mailbox string, build func([]wire.Value) ([]wire.Value, error)) (*Result, error) {
	if err := extutil.Require(ctx, c, "replace", "REPLACE"); err != nil {
		return nil, err
	}
	var args []wire.Value
	if mailbox != "" {
		mb, err := c.MailboxArg(mailbox)
		if err != nil {
			return nil, err
		}
		args = []wire.Value{mb}
	}
	args, err := build(args)
	if err != nil {
		return nil, err
	}
	name := "REPLACE"
	if uid {
		name = "UID REPLACE"
	}
	au, exp, err := appendutil.Run(ctx, c, client.Spec{
		Name:   name,
		Args:   append([]wire.Value{wire.Raw(strconv.FormatUint(uint64(num), 10))}, args...),
		States: extutil.Selected,
		// REPLACE names a message by number and expunges; UID REPLACE
		// only expunges (RFC 9051 §5.5, as MOVE).
		UsesSeqNums: !uid,
		Claim: func(r *wire.Response) bool {
			if extutil.IsExpunge(r) {
				return true
			}
			return r.Kind == wire.StatusResponse && r.Status == wire.StatusOK && extutil.CodeName(r) == "APPENDUID"
		},
	})
	if err != nil {
		return nil, err
	}
	return &Result{AppendUID: *au, Expunged: exp}, nil
}
