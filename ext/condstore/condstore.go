// Package condstore implements the CONDSTORE extension (RFC 7162 §3.1):
// a mod-sequence for every message, which lets a client fetch only what
// changed since it last looked (FETCH CHANGEDSINCE), search by it (SEARCH
// MODSEQ), and change flags only where nobody else changed them first
// (STORE UNCHANGEDSINCE).
//
// Install registers what CONDSTORE adds to the server's responses: the
// MODSEQ FETCH item (a uint64 in wire.FetchData.Items, read with ModSeq),
// and the HIGHESTMODSEQ (uint64), NOMODSEQ and MODIFIED (seqset.Set)
// response codes, and the reader-side hooks that keep the client's
// Mailbox state: client.Mailbox.HighestModSeq from HIGHESTMODSEQ codes
// and from the MODSEQ of every FETCH and UIDFETCH (those a STORE echoes
// included) by RFC 7162 §6's rule (see InstallHooks),
// client.Mailbox.NoModSeq from NOMODSEQ. The MODSEQ that
// ends a SEARCH response and the MODSEQ of ESEARCH (RFC 7162 §3.1.5,
// §3.1.10) are part of the base protocol's SEARCH and ESEARCH parsers
// (wire.SearchData.ModSeq, wire.ESearchData.ModSeq, and
// client.SearchResult.ModSeq), so Install leaves them alone; so is the
// HIGHESTMODSEQ item of STATUS (wire.StatusHighestModSeq).
//
// The helpers build the arguments CONDSTORE adds to base commands, for
// the fields the client leaves open to extensions:
//
//	SELECT/EXAMINE  client.SelectOptions.Params  SelectParam()
//	FETCH           client.FetchItems.Extra      FetchModSeq()
//	FETCH           client.FetchItems.Modifiers  ChangedSince(n)
//	STORE           client.StoreFlags.Modifiers  UnchangedSince(n)
//	SEARCH          client.SearchCriteria.Keys   ModSeqKey(n)
//
// Store and UIDStore wrap a conditional STORE and report the messages that
// failed its test as a *ModifiedError. AlwaysFetchModSeq is an Extension
// that adds MODSEQ to every FETCH through client.Registry.ModifyCommand.
//
// The package uses only the exported API of client, codec and wire; an
// extension written in another module would look the same.
package condstore

import (
	"errors"
	"fmt"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Install registers the MODSEQ FETCH item parser and the HIGHESTMODSEQ,
// NOMODSEQ and MODIFIED response-code parsers into a connection's
// registry. Use it as a client.Extension:
//
//	client.Dial(ctx, addr, &client.Options{Extensions: []client.Extension{condstore.Install}})
func Install(r *client.Registry) {
	RegisterCodec(r.Codec())
	InstallHooks(r)
}

// InstallHooks registers only the reader-side hooks that keep
// client.Mailbox.HighestModSeq and NoModSeq; Install includes it. It is
// for an extension (QRESYNC, UIDONLY) that installs the parsers itself.
// The hooks are installed once per connection however often it is
// called.
//
// The rule is RFC 7162 §6's (§3.1.2.1 defines HIGHESTMODSEQ, §3.1.4.2
// the MODSEQ item): a HIGHESTMODSEQ response code, in an
// untagged OK or in a command's completion (OK or NO), sets
// HighestModSeq at once, even below a MODSEQ seen before it. The MODSEQ
// of FETCH responses (a STORE's echo, §3.1.3; a flag change someone
// else made, §3.1.4.2) and of UIDFETCH responses (RFC 9586 §3.3) is
// collected until the next completion of any command: then, unless a
// HIGHESTMODSEQ code came meanwhile, the highest of them raises
// HighestModSeq when above it. A server need not send MODSEQs in
// increasing order and may delay the EXPUNGE or VANISHED of a lower
// mod-sequence (§6), so a value taken on the spot could make a resync
// from it miss changes. Consequently a MODSEQ seen during IDLE counts
// when the IDLE ends. The MODSEQs seen during a SELECT or EXAMINE belong
// to it and its HIGHESTMODSEQ code decides. Each change is reported as
// client.EventModSeq once the mailbox is selected.
func InstallHooks(r *client.Registry) {
	if r.Value(hooksKey{}) != nil {
		return
	}
	t := &modSeqTracker{}
	r.SetValue(hooksKey{}, t)
	r.OnCode("HIGHESTMODSEQ", t.onHighestModSeq)
	r.OnCode("NOMODSEQ", onNoModSeq)
	r.OnUntagged("FETCH", t.onFetch)
	r.OnUntagged("UIDFETCH", t.onFetch)
	r.OnCompletion("", t.onCompletion)
}

// hooksKey marks a registry whose hooks are installed.
type hooksKey struct{}

// modSeqTracker is one connection's account of the MODSEQs seen since
// the last completion. Its hooks run on the reader goroutine with the
// connection's lock held, one at a time, so it needs no lock of its own.
type modSeqTracker struct {
	pending uint64 // highest MODSEQ of a FETCH or UIDFETCH since the last completion
	code    bool   // a HIGHESTMODSEQ code came since the last completion
}

// onHighestModSeq takes the mailbox's HIGHESTMODSEQ (RFC 7162 §3.1.2.1)
// as the server states it, even below a MODSEQ seen before (§6).
func (t *modSeqTracker) onHighestModSeq(h *client.Hook, resp *wire.Response) {
	m := h.Mailbox()
	if m == nil || resp.Status == wire.StatusBye {
		return
	}
	n, ok := HighestModSeq(resp)
	if !ok {
		return
	}
	t.code = true
	setHighestModSeq(h, m, n)
}

// onNoModSeq records that the mailbox keeps no mod-sequences (RFC 7162
// §3.1.2.2).
func onNoModSeq(h *client.Hook, resp *wire.Response) {
	if m := h.Mailbox(); m != nil && resp.Status != wire.StatusBye {
		m.NoModSeq = true
	}
}

// onFetch notes the MODSEQ of a FETCH or UIDFETCH response: the
// mailbox's HIGHESTMODSEQ is the highest mod-sequence of all its
// messages (RFC 7162 §3.1.2.1), so it is at least this one; onCompletion
// applies it.
func (t *modSeqTracker) onFetch(h *client.Hook, resp *wire.Response) {
	if h.Mailbox() == nil {
		return
	}
	f, ok := resp.Data.(*wire.FetchData)
	if !ok {
		return
	}
	if n, ok := ModSeq(f); ok && n > t.pending {
		t.pending = n
	}
}

// onCompletion applies the MODSEQs seen since the last completion, unless
// a HIGHESTMODSEQ code came meanwhile (RFC 7162 §6), and starts over.
func (t *modSeqTracker) onCompletion(h *client.Hook, _ *wire.Response) {
	n, code := t.pending, t.code
	t.pending, t.code = 0, false
	m := h.Mailbox()
	if m == nil || code || m.NoModSeq || h.Selecting() || n <= m.HighestModSeq {
		return
	}
	setHighestModSeq(h, m, n)
}

func setHighestModSeq(h *client.Hook, m *client.Mailbox, n uint64) {
	if n == m.HighestModSeq {
		return
	}
	m.HighestModSeq = n
	if !h.Selecting() {
		h.Emit(client.MailboxEvent{Kind: client.EventModSeq})
	}
}

// RegisterCodec registers the parsers, and the encoders that write their
// results back byte for byte, into a codec registry: a proxy or a test
// server uses the codec without a client. (HIGHESTMODSEQ's uint64 and
// NOMODSEQ's nil need no encoder of their own.)
func RegisterCodec(r *codec.Registry) {
	r.FetchItem("MODSEQ", parseModSeqItem)
	r.Code("HIGHESTMODSEQ", parseHighestModSeq)
	r.Code("NOMODSEQ", parseNoModSeq)
	r.Code("MODIFIED", parseModified)
	r.EncodeFetchItem("MODSEQ", encodeModSeqItem)
	r.EncodeCode("MODIFIED", encodeModified)
}

// encodeModSeqItem writes "(" permsg-modsequence ")" (RFC 7162 §7).
func encodeModSeqItem(w *codec.Writer, _ string, v any) error {
	n, ok := v.(uint64)
	if !ok {
		return fmt.Errorf("condstore: MODSEQ item %T: %w", v, codec.ErrUnsupportedData)
	}
	w.List(func() { w.Number(n) })
	return w.Err()
}

// encodeModified writes SP sequence-set (RFC 7162 §3.1.3).
func encodeModified(w *codec.Writer, c *wire.Code) error {
	switch d := c.Data.(type) {
	case seqset.Set:
		w.SP()
		w.SeqSet(d)
	case *seqset.Set:
		if d == nil {
			return errors.New("condstore: nil MODIFIED set")
		}
		w.SP()
		w.SeqSet(*d)
	default:
		return fmt.Errorf("condstore: MODIFIED code %T: %w", c.Data, codec.ErrUnsupportedData)
	}
	return w.Err()
}

// parseModSeqItem parses the value of fetch-mod-resp, "MODSEQ" SP "("
// permsg-modsequence ")" (RFC 7162 §7), into a uint64.
func parseModSeqItem(p *codec.Parser, _ string) (any, error) {
	if err := p.Expect('('); err != nil {
		return nil, err
	}
	n, err := readModSeq(p)
	if err != nil {
		return nil, err
	}
	if err := p.Expect(')'); err != nil {
		return nil, err
	}
	return n, nil
}

// parseHighestModSeq parses "HIGHESTMODSEQ" SP mod-sequence-value
// (RFC 7162 §3.1.2.1) into a uint64.
func parseHighestModSeq(p *codec.Parser, _ string) (any, error) {
	return readModSeq(p)
}

// parseNoModSeq parses "NOMODSEQ" (RFC 7162 §3.1.2.2), which has no
// arguments.
func parseNoModSeq(p *codec.Parser, _ string) (any, error) {
	if c, _ := p.PeekByte(); c != ']' {
		return nil, p.SyntaxError(`"]"`)
	}
	return nil, nil
}

// parseModified parses "MODIFIED" SP sequence-set (RFC 7162 §3.1.3) into
// a seqset.Set: message numbers after STORE, UIDs after UID STORE.
func parseModified(p *codec.Parser, _ string) (any, error) {
	return p.ReadSeqSet()
}

// readModSeq reads a mod-sequence-value (RFC 7162 §7): 1 to 2^63-1.
// Leniently, 0 and values up to 2^64-1 (servers that count in uint64)
// are accepted.
func readModSeq(p *codec.Parser) (uint64, error) {
	n, err := p.ReadNumber64()
	if err == nil && n == 0 && p.Strict() {
		return 0, p.SyntaxError("mod-sequence-value")
	}
	return n, err
}

// ModSeq returns the MODSEQ item of f (RFC 7162 §3.1.4.2), which the
// server sends when asked (FetchModSeq, ChangedSince), after a conditional
// STORE, and in every FETCH once CONDSTORE is enabled. It reads the
// parser's uint64 and, when Install was not used, the generic value
// "(n)".
func ModSeq(f *wire.FetchData) (uint64, bool) {
	if f == nil {
		return 0, false
	}
	d, ok := f.Item("MODSEQ")
	if !ok {
		return 0, false
	}
	switch v := d.(type) {
	case uint64:
		return v, true
	case wire.Value:
		// A generic tree (no parser registered, or the parser's fallback):
		// the same rule, mod-sequence-value = 1*DIGIT below 2^63
		// (RFC 7162 §7).
		if v.Kind == wire.KindList && len(v.List) == 1 && v.List[0].Kind == wire.KindNumber && v.List[0].Num < 1<<63 {
			return v.List[0].Num, true
		}
	}
	return 0, false
}

// HighestModSeq returns the HIGHESTMODSEQ code of resp (RFC 7162
// §3.1.2.1): an untagged OK during SELECT, after the first CONDSTORE
// enabling command, or after a MOVE or an EXPUNGE.
func HighestModSeq(resp *wire.Response) (uint64, bool) {
	if resp == nil || resp.Code == nil || resp.Code.Name != "HIGHESTMODSEQ" {
		return 0, false
	}
	if n, ok := resp.Code.Data.(uint64); ok {
		return n, true
	}
	if a := resp.Code.Args; len(a) == 1 && a[0].Kind == wire.KindNumber {
		return a[0].Num, true
	}
	return 0, false
}

// NoModSeq reports whether resp carries the NOMODSEQ code (RFC 7162
// §3.1.2.2): the selected mailbox keeps no mod-sequences.
func NoModSeq(resp *wire.Response) bool {
	return resp != nil && resp.Code != nil && resp.Code.Name == "NOMODSEQ"
}

// ModifiedSet returns the set of the MODIFIED code of resp (RFC 7162
// §3.1.3), the completion of a conditional STORE: the messages that
// failed the UNCHANGEDSINCE test, by sequence number after STORE and by
// UID after UID STORE.
func ModifiedSet(resp *wire.Response) (seqset.Set, bool) {
	if resp == nil || resp.Code == nil || resp.Code.Name != "MODIFIED" {
		return seqset.Set{}, false
	}
	switch d := resp.Code.Data.(type) {
	case seqset.Set:
		return d, true
	case *seqset.Set:
		if d != nil {
			return *d, true
		}
	}
	if a := resp.Code.Args; len(a) == 1 && (a[0].Kind == wire.KindNumber || a[0].Kind == wire.KindAtom) {
		if s, err := seqset.Parse(a[0].Text()); err == nil {
			return s, true
		}
	}
	return seqset.Set{}, false
}
