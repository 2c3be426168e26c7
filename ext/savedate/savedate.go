// Package savedate implements SAVEDATE (RFC 8514): the date and time a
// message was saved into its current mailbox (by APPEND, COPY or MOVE),
// which unlike INTERNALDATE changes when a message moves.
//
// Install registers the parser of the SAVEDATE FETCH item (RFC 8514
// §4.1): msg-att-dynamic =/ "SAVEDATE" SP (date-time / nil), into a
// Date. The SEARCH keys SAVEDBEFORE, SAVEDON, SAVEDSINCE and
// SAVEDATESUPPORTED (§4.2) are built by the Key functions for
// client.SearchCriteria.Keys. SAVEDATE needs no ENABLE.
package savedate

import (
	"context"
	"fmt"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Item is the FETCH item's name.
const Item = "SAVEDATE"

// Date is a parsed SAVEDATE item. Nil reports a mailbox that does not
// keep save dates (RFC 8514 §4.1: the server returns NIL; SEARCH
// SAVEDATESUPPORTED tells in advance).
type Date struct {
	Time time.Time
	Nil  bool
}

// Install registers the SAVEDATE FETCH item parser into a connection's
// registry. Use it as a client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the same parser into a codec registry.
func RegisterCodec(r *codec.Registry) {
	r.FetchItem(Item, parseItem)
	r.EncodeFetchItem(Item, encodeItem)
}

// encodeItem writes a Date: NIL, or the quoted date-time (with a
// two-digit day, as RFC 9051's date-day-fixed allows and servers send).
func encodeItem(w *codec.Writer, item string, v any) error {
	d, ok := v.(Date)
	if !ok {
		return fmt.Errorf("savedate: %s value %T: %w", item, v, codec.ErrUnsupportedData)
	}
	if d.Nil {
		w.NIL()
	} else {
		w.DateTime(d.Time)
	}
	return w.Err()
}

func parseItem(p *codec.Parser, _ string) (any, error) {
	if p.ReadNil() {
		return Date{Nil: true}, nil
	}
	t, err := p.ReadDateTime()
	if err != nil {
		return nil, err
	}
	return Date{Time: t}, nil
}

// Get returns the SAVEDATE of f, parsed by Install's parser or left as
// a generic tree.
func Get(f *wire.FetchData) (Date, bool) {
	if f == nil {
		return Date{}, false
	}
	v, ok := f.Item(Item)
	if !ok {
		return Date{}, false
	}
	switch d := v.(type) {
	case Date:
		return d, true
	case wire.Value:
		switch d.Kind {
		case wire.KindNil:
			return Date{Nil: true}, true
		case wire.KindString:
			t, err := time.Parse("_2-Jan-2006 15:04:05 -0700", d.Str)
			if err == nil {
				return Date{Time: t}, true
			}
		}
	}
	return Date{}, false
}

// searchDate formats a SEARCH date (RFC 9051 §9 "date"): the day only,
// in t's own location.
func searchDate(t time.Time) wire.Value { return wire.Atom(t.Format("2-Jan-2006")) }

// BeforeKey is SAVEDBEFORE date: saved before the day of t (RFC 8514
// §4.2). The Key functions are for client.SearchCriteria.Keys.
func BeforeKey(t time.Time) []wire.Value {
	return []wire.Value{wire.Atom("SAVEDBEFORE"), searchDate(t)}
}

// OnKey is SAVEDON date: saved on the day of t.
func OnKey(t time.Time) []wire.Value { return []wire.Value{wire.Atom("SAVEDON"), searchDate(t)} }

// SinceKey is SAVEDSINCE date: saved on or after the day of t.
func SinceKey(t time.Time) []wire.Value {
	return []wire.Value{wire.Atom("SAVEDSINCE"), searchDate(t)}
}

// SupportedKey is SAVEDATESUPPORTED: every message when the mailbox
// keeps save dates, none otherwise (RFC 8514 §4.2).
func SupportedKey() []wire.Value { return []wire.Value{wire.Atom("SAVEDATESUPPORTED")} }

// Require returns nil when the server advertises SAVEDATE, else an error
// wrapping client.ErrNotSupported.
func Require(ctx context.Context, c *client.Conn) error {
	return extutil.Require(ctx, c, "savedate", "SAVEDATE")
}

// Result is the save date of one message.
type Result struct {
	Seq, UID uint32
	Date
}

// Fetch fetches the SAVEDATE (and UID) of the messages in set; UIDs when
// uid is set.
func Fetch(ctx context.Context, c *client.Conn, set seqset.Set, uid bool) ([]Result, error) {
	if err := Require(ctx, c); err != nil {
		return nil, err
	}
	data, err := run.Fetch(ctx, c, set, uid, []wire.Value{wire.Atom(Item)})
	out := make([]Result, 0, len(data))
	for _, d := range data {
		if sd, ok := Get(d); ok {
			out = append(out, Result{Seq: d.Seq, UID: d.UID, Date: sd})
		}
	}
	return out, err
}

// Supported reports whether the selected mailbox keeps save dates, with
// SEARCH SAVEDATESUPPORTED (RFC 8514 §4.2): the search matches every
// message when it does, so an empty mailbox reports false.
func Supported(ctx context.Context, c *client.Conn) (bool, error) {
	if err := Require(ctx, c); err != nil {
		return false, err
	}
	res, err := c.UIDSearch(ctx, &client.SearchCriteria{Keys: SupportedKey()}, nil)
	if err != nil {
		return false, err
	}
	return len(res.Nums) > 0, nil
}
