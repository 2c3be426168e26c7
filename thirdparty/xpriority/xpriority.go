// Package xpriority is an example of an IMAP extension written outside
// the imapkit repository, against its exported API only (see
// docs/EXTENDING.md). It adds a made-up FETCH item, X-PRIORITY n (a
// number 1 to 5), with its parser and encoder, a reader-side hook that
// counts urgent messages seen on the connection, and a command helper
// that refuses without the X-PRIORITY capability.
package xpriority

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Item is the FETCH item name.
const Item = "X-PRIORITY"

// Counter counts FETCH responses with priority 1 (urgent). Install
// keeps it up to date from the reader goroutine.
type Counter struct{ urgent atomic.Int64 }

// Urgent returns how many urgent messages were reported.
func (c *Counter) Urgent() int64 { return c.urgent.Load() }

// Install returns the client.Extension: the codec part and the hook.
func Install(cnt *Counter) client.Extension {
	return func(r *client.Registry) {
		RegisterCodec(r.Codec())
		r.OnUntagged("FETCH", func(h *client.Hook, resp *wire.Response) {
			if f, ok := resp.Data.(*wire.FetchData); ok && cnt != nil {
				if p, ok := Priority(f); ok && p == 1 {
					cnt.urgent.Add(1)
				}
			}
		})
	}
}

// RegisterCodec registers the parser and the encoder of X-PRIORITY, for
// a client's registry or a proxy's.
func RegisterCodec(r *codec.Registry) {
	r.FetchItem(Item, func(p *codec.Parser, _ string) (any, error) {
		n, err := p.ReadNumber()
		if err != nil {
			return nil, err
		}
		if n < 1 || n > 5 {
			return nil, p.SyntaxError("priority 1-5")
		}
		return n, nil
	})
	r.EncodeFetchItem(Item, func(w *codec.Writer, _ string, v any) error {
		n, ok := v.(uint32)
		if !ok {
			return fmt.Errorf("xpriority: %T: %w", v, codec.ErrUnsupportedData)
		}
		w.Number(uint64(n))
		return w.Err()
	})
}

// Priority returns the X-PRIORITY item of f.
func Priority(f *wire.FetchData) (uint32, bool) {
	v, ok := f.Item(Item)
	if !ok {
		return 0, false
	}
	n, ok := v.(uint32)
	return n, ok
}

// Fetch fetches X-PRIORITY of the messages in uids. It fails with an
// error wrapping client.ErrNotSupported, sending nothing, when the server
// does not advertise X-PRIORITY.
func Fetch(ctx context.Context, c *client.Conn, uids seqset.Set) (map[uint32]uint32, error) {
	if err := c.Require(ctx, "X-PRIORITY"); err != nil {
		return nil, fmt.Errorf("xpriority: %w", err)
	}
	fc, err := c.UIDFetch(ctx, uids, &client.FetchItems{Extra: []wire.Value{wire.Atom(Item)}}, nil)
	if err != nil {
		return nil, err
	}
	msgs, err := fc.CollectMessages(ctx)
	if err != nil {
		return nil, err
	}
	out := map[uint32]uint32{}
	for _, m := range client.MergeFetch(msgs) {
		if p, ok := Priority(m); ok {
			out[m.UID] = p
		}
	}
	return out, nil
}
