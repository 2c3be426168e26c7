package condstore

import (
	"context"
	"errors"
	"slices"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// ModifiedError reports a conditional STORE that left some messages
// alone because their metadata had changed since the UNCHANGEDSINCE
// mod-sequence (RFC 7162 §3.1.3). The other messages were changed: the
// server usually completes such a STORE with OK [MODIFIED set], and only
// sometimes with NO [MODIFIED set] when it also refused messages for
// another reason (RFC 7162 §3.1.3, Example 11).
type ModifiedError struct {
	// Set holds the messages that failed the test: sequence numbers after
	// STORE, UIDs after UID STORE.
	Set seqset.Set
	// Resp is the tagged response that carried the MODIFIED code.
	Resp *wire.Response
	// Err is the *client.StatusError of a NO completion, nil after OK.
	Err error
}

func (e *ModifiedError) Error() string {
	return "condstore: conditional STORE failed for " + e.Set.String() + ": " + e.Resp.Text
}

func (e *ModifiedError) Unwrap() error { return e.Err }

// Modified returns the messages that failed the UNCHANGEDSINCE test of a
// conditional STORE, from the error of Store or UIDStore (a
// *ModifiedError), or from the *client.StatusError of a STORE sent another
// way that ended in NO [MODIFIED set]. A STORE sent with client.Conn.Store
// that ended in OK [MODIFIED set] returns no error: read its
// FetchCommand.Final() with ModifiedSet.
func Modified(err error) (seqset.Set, bool) {
	var me *ModifiedError
	if errors.As(err, &me) {
		return me.Set, true
	}
	var se *client.StatusError
	if errors.As(err, &se) {
		return ModifiedSet(&wire.Response{Code: se.Code})
	}
	return seqset.Set{}, false
}

// Store changes the flags of the messages in set (sequence numbers) whose
// mod-sequence is at most unchangedSince (RFC 7162 §3.1.3), and returns
// the FETCH data the server sent: with each changed message's new MODSEQ,
// even under .SILENT, and often the current flags of those that failed.
// When some messages failed the test the error is a *ModifiedError
// (see Modified), and the data is returned too.
//
// It fails with an error wrapping client.ErrNotSupported, without sending
// anything, when the server does not advertise CONDSTORE.
func Store(ctx context.Context, c *client.Conn, set seqset.Set, flags *client.StoreFlags, unchangedSince uint64) ([]*wire.FetchData, error) {
	return store(ctx, c, false, set, flags, unchangedSince)
}

// UIDStore is Store with UIDs; the MODIFIED set holds UIDs.
func UIDStore(ctx context.Context, c *client.Conn, uids seqset.Set, flags *client.StoreFlags, unchangedSince uint64) ([]*wire.FetchData, error) {
	return store(ctx, c, true, uids, flags, unchangedSince)
}

func store(ctx context.Context, c *client.Conn, uid bool, set seqset.Set, flags *client.StoreFlags, since uint64) ([]*wire.FetchData, error) {
	if flags == nil {
		return nil, errors.New("condstore: nil StoreFlags")
	}
	if err := extutil.Require(ctx, c, "condstore", "CONDSTORE"); err != nil {
		return nil, err
	}
	f := *flags
	f.Modifiers = append(slices.Clip(f.Modifiers), UnchangedSince(since)...)
	var fc *client.FetchCommand
	var err error
	if uid {
		fc, err = c.UIDStore(ctx, set, &f)
	} else {
		fc, err = c.Store(ctx, set, &f)
	}
	if err != nil {
		return nil, err
	}
	data, err := fc.CollectMessages(ctx)
	if final := fc.Final(); final != nil {
		if m, ok := ModifiedSet(final); ok {
			return data, &ModifiedError{Set: m, Resp: final, Err: err}
		}
	}
	return data, err
}
