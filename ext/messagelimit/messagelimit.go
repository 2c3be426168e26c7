// Package messagelimit implements the MESSAGELIMIT extension (RFC 9738):
// a server's limit on the number of messages one FETCH, SEARCH, STORE,
// COPY, MOVE (or their UID forms), APPEND or UID EXPUNGE may act on.
//
// The server announces the limit as the capability MESSAGELIMIT=<n>
// (and SAVELIMIT=<n> for SEARCH RETURN (SAVE)); Limit and SaveLimit read
// them. A command over the limit either acts on the first n messages and
// completes with OK [MESSAGELIMIT n] (partial results), or is refused
// with NO [MESSAGELIMIT n]. Install registers the code's parser (a
// uint32) and encoder; Partial and OfError read it; Rest computes what
// is left of a UID set after the highest UID processed, and UIDFetchAll
// runs UID FETCH rounds until the whole set is fetched.
//
// No server on the test machine offers MESSAGELIMIT; the tests replay
// transcripts reconstructed from RFC 9738's examples (see
// docs/EXTENSIONS.md).
//
// The package uses only the exported API of client, codec, seqset and
// wire.
package messagelimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Name is the response code's (and capability's) name.
const Name = "MESSAGELIMIT"

// Install registers the MESSAGELIMIT code's parser and encoder into a
// connection's registry. Use it as a client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the same into a codec registry.
func RegisterCodec(r *codec.Registry) {
	r.Code(Name, func(p *codec.Parser, _ string) (any, error) {
		// "MESSAGELIMIT" SP nz-number (RFC 9738 §5).
		n, err := p.ReadNZNumber()
		if err != nil {
			return nil, err
		}
		return n, nil
	})
	r.EncodeCode(Name, func(w *codec.Writer, c *wire.Code) error {
		n, ok := c.Data.(uint32)
		if !ok {
			return fmt.Errorf("messagelimit: MESSAGELIMIT code %T: %w", c.Data, codec.ErrUnsupportedData)
		}
		w.SP()
		w.Number(uint64(n))
		return nil
	})
}

// capValue returns the value of the capability name=<n>.
func capValue(ctx context.Context, c *client.Conn, name string) (uint32, bool, error) {
	caps, err := c.Caps(ctx)
	if err != nil {
		return 0, false, err
	}
	prefix := name + "="
	for _, cp := range caps {
		if len(cp) > len(prefix) && strings.EqualFold(cp[:len(prefix)], prefix) {
			n, err := strconv.ParseUint(cp[len(prefix):], 10, 32)
			if err != nil || n == 0 {
				return 0, false, fmt.Errorf("messagelimit: capability %q: the limit is not a positive 32-bit number", cp)
			}
			return uint32(n), true, nil
		}
	}
	return 0, false, nil
}

// Limit returns the server's MESSAGELIMIT=<n> capability value (RFC 9738
// §3); false when the server announces no limit.
func Limit(ctx context.Context, c *client.Conn) (uint32, bool, error) {
	return capValue(ctx, c, "MESSAGELIMIT")
}

// SaveLimit returns the server's SAVELIMIT=<n> capability value (RFC
// 9738 §4): the most messages a SEARCH RETURN (SAVE) result keeps.
func SaveLimit(ctx context.Context, c *client.Conn) (uint32, bool, error) {
	return capValue(ctx, c, "SAVELIMIT")
}

// OfCode returns the limit a response code carries.
func OfCode(code *wire.Code) (uint32, bool) {
	if code == nil || code.Name != Name {
		return 0, false
	}
	n, ok := code.Data.(uint32)
	return n, ok
}

// Partial reports whether a completion says the command acted on only
// the first n messages (OK [MESSAGELIMIT n]), and n.
func Partial(final *wire.Response) (uint32, bool) {
	if final == nil || final.Status != wire.StatusOK {
		return 0, false
	}
	return OfCode(final.Code)
}

// OfError returns the limit of a command refused as over it (NO
// [MESSAGELIMIT n], a *client.StatusError).
func OfError(err error) (uint32, bool) {
	var se *client.StatusError
	if errors.As(err, &se) {
		return OfCode(se.Code)
	}
	return 0, false
}

// Rest returns the members of the UID set requested greater than last:
// what is left to do after a partial result whose highest UID was last.
// A "n:*" member keeps its open end ("last+1:*"), so the server resolves
// it; a bare "*" is kept while nothing larger than last is known to be
// left (it may stand for a UID above last).
func Rest(requested seqset.Set, last uint32) seqset.Set {
	var out seqset.Set
	for r := range requested.Ranges() {
		switch {
		case r.Start == seqset.Star && r.Stop == seqset.Star:
			out.Add(seqset.Star)
		case r.Stop == seqset.Star:
			if last == 1<<32-1 {
				continue
			}
			out.AddRange(max(r.Start, last+1), seqset.Star)
		case r.Stop > last:
			out.AddRange(max(r.Start, last+1), r.Stop)
		}
	}
	return out
}

// MaxRounds bounds UIDFetchAll: a server that keeps answering partially
// with no progress, or a set too large for this many rounds, ends it
// with an error.
const MaxRounds = 100000

// UIDFetchAll runs UID FETCH of uids with items, calling fn with each
// message in arrival order, and, while the server completes with OK
// [MESSAGELIMIT n], runs it again for the UIDs above the highest one
// received (RFC 9738 §3.1: the server processes the lowest UIDs first —
// the helper checks that each round makes progress). items.UID is set:
// UID FETCH returns UIDs anyway (RFC 9051 §6.4.9).
func UIDFetchAll(ctx context.Context, c *client.Conn, uids seqset.Set, items *client.FetchItems, fn func(*wire.FetchData) error) error {
	it := client.FetchItems{}
	if items != nil {
		it = *items
	}
	it.UID = true
	set := uids
	var last uint32
	for round := 0; round < MaxRounds; round++ {
		cmd, err := c.UIDFetch(ctx, set, &it, nil)
		if err != nil {
			return err
		}
		high := last
		for fd, err := range cmd.Messages(ctx) {
			if err != nil {
				return err
			}
			if fd.UID > high {
				high = fd.UID
			}
			if err := fn(fd); err != nil {
				cmd.Wait(ctx) // let the command end before returning
				return err
			}
		}
		if _, err := cmd.Wait(ctx); err != nil {
			return err
		}
		if _, partial := Partial(cmd.Final()); !partial {
			return nil
		}
		if high <= last {
			return fmt.Errorf("messagelimit: UID FETCH %s completed with [MESSAGELIMIT] but returned no UID above %d: no progress", set, last)
		}
		last = high
		set = Rest(uids, last)
		if set.IsEmpty() {
			return nil
		}
	}
	return fmt.Errorf("messagelimit: UID FETCH %s: still partial after %d rounds", uids, MaxRounds)
}
