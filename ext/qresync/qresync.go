// Package qresync implements the QRESYNC extension (RFC 7162 §3.2): quick
// resynchronization of a cached mailbox in one round trip. A client that
// saved a mailbox's UIDVALIDITY and HIGHESTMODSEQ selects it with the
// QRESYNC parameter and learns, before the SELECT completes, which
// messages vanished (VANISHED (EARLIER)) and which changed (FETCH with
// MODSEQ).
//
// Install registers, on top of condstore.Install (QRESYNC includes
// CONDSTORE, RFC 7162 §3.2.3):
//
//   - the VANISHED response (parser and encoder; Data is *Vanished);
//   - a reader-side hook that applies VANISHED to the selected mailbox:
//     a plain VANISHED removes the messages (Mailbox.Exists shrinks, RFC
//     7162 §3.2.10) and is reported as a client.MailboxEvent of kind
//     client.EventExtension, Name "VANISHED", Data *Vanished; VANISHED
//     (EARLIER) reports messages already gone (Exists unchanged) and
//     belongs to the command that asked for it.
//
// The CLOSED response code (RFC 7162 §3.2.11) is part of IMAP4rev2 and
// is kept by the client itself (client.EventClosed).
//
// Enable sends ENABLE QRESYNC; SelectParam builds the SELECT/EXAMINE
// parameter; FetchVanished runs UID FETCH (CHANGEDSINCE n VANISHED);
// Resync does the whole resynchronization of a cached mailbox.
//
// The package uses only the exported API of client, codec and wire.
package qresync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/condstore"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Vanished is the data of a VANISHED response (RFC 7162 §3.2.10):
// "VANISHED" [SP "(EARLIER)"] SP known-uids.
type Vanished struct {
	// Earlier is set for VANISHED (EARLIER): the messages were expunged
	// before this response, they are not in the mailbox's message count.
	Earlier bool
	// UIDs are the expunged messages' UIDs.
	UIDs seqset.Set
}

// Install registers QRESYNC's parsers, encoders and hooks (and
// CONDSTORE's, condstore.Install). Use it as a client.Extension.
func Install(r *client.Registry) {
	RegisterCodec(r.Codec())
	condstore.InstallHooks(r)
	InstallVanished(r)
}

// vanishedKey marks a registry whose VANISHED hook is installed.
type vanishedKey struct{}

// InstallVanished registers the VANISHED parser, encoder and the hook
// that applies VANISHED to the selected mailbox (see the package
// comment), once per connection however many extensions ask for it:
// QRESYNC (RFC 7162 §3.2.10) and UIDONLY (RFC 9586 §3, where VANISHED
// replaces EXPUNGE without QRESYNC) share it.
func InstallVanished(r *client.Registry) {
	if r.Value(vanishedKey{}) != nil {
		return
	}
	r.SetValue(vanishedKey{}, true)
	r.Codec().Data("VANISHED", parseVanished)
	r.Codec().EncodeData("VANISHED", encodeVanished)
	r.OnUntagged("VANISHED", onVanished)
}

// RegisterCodec registers the VANISHED parser and encoder, and
// CONDSTORE's, into a codec registry (a proxy, a test server).
func RegisterCodec(r *codec.Registry) {
	condstore.RegisterCodec(r)
	r.Data("VANISHED", parseVanished)
	r.EncodeData("VANISHED", encodeVanished)
}

// parseVanished parses what follows "VANISHED" SP: ["(EARLIER)" SP]
// known-uids (RFC 7162 §7, expunged-resp).
func parseVanished(p *codec.Parser, _ *wire.Response) (any, error) {
	v := &Vanished{}
	if p.Consume('(') {
		a, err := p.ReadAtom()
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(a, "EARLIER") {
			return nil, p.SyntaxError(`"EARLIER"`)
		}
		if err := p.Expect(')'); err != nil {
			return nil, err
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		v.Earlier = true
	}
	set, err := p.ReadSeqSet()
	if err != nil {
		return nil, err
	}
	if set.Dynamic() {
		// known-uids = sequence-set without "*" (RFC 7162 §7).
		return nil, p.SyntaxError("known-uids without *")
	}
	v.UIDs = set
	return v, nil
}

// encodeVanished writes SP ["(EARLIER)" SP] known-uids.
func encodeVanished(w *codec.Writer, resp *wire.Response) error {
	v, ok := resp.Data.(*Vanished)
	if !ok || v == nil {
		return fmt.Errorf("qresync: VANISHED data %T: %w", resp.Data, codec.ErrUnsupportedData)
	}
	w.SP()
	if v.Earlier {
		w.Raw("(EARLIER)")
		w.SP()
	}
	w.SeqSet(v.UIDs)
	return w.Err()
}

// VanishedOf returns the VANISHED data of resp, typed or from the generic
// tree a connection without Install keeps.
func VanishedOf(resp *wire.Response) (*Vanished, bool) {
	if resp == nil || resp.Kind != wire.DataResponse || resp.Name != "VANISHED" {
		return nil, false
	}
	switch d := resp.Data.(type) {
	case *Vanished:
		return d, d != nil
	case []wire.Value:
		v := &Vanished{}
		if len(d) == 2 && d[0].Kind == wire.KindList && len(d[0].List) == 1 && strings.EqualFold(d[0].List[0].Text(), "EARLIER") {
			v.Earlier = true
			d = d[1:]
		}
		if len(d) != 1 {
			return nil, false
		}
		set, err := seqset.Parse(d[0].Text())
		if err != nil || set.Dynamic() {
			return nil, false
		}
		v.UIDs = set
		return v, true
	}
	return nil, false
}

// onVanished applies a VANISHED response to the selected mailbox (reader
// goroutine, see client.UntaggedHook). A plain VANISHED stands for one
// EXPUNGE per UID (RFC 7162 §3.2.10): the message count shrinks by their
// number (Count walks the parsed ranges, it does not enumerate them),
// bounded by the count, since a server may name UIDs it already
// reported. VANISHED (EARLIER) changes no count.
func onVanished(h *client.Hook, resp *wire.Response) {
	m := h.Mailbox()
	v, ok := VanishedOf(resp)
	if m == nil || !ok {
		return
	}
	if !v.Earlier {
		m.Exists -= uint32(min(uint64(m.Exists), v.UIDs.Count()))
	}
	if !h.Selecting() {
		h.Emit(client.MailboxEvent{Kind: client.EventExtension, Name: "VANISHED", Data: v})
	}
}

// ErrSelected is returned by Enable while a mailbox is selected: ENABLE
// is valid only in the authenticated state (RFC 5161 §3.1).
var ErrSelected = errors.New("qresync: ENABLE is not allowed with a mailbox selected")

// Enable sends ENABLE QRESYNC (RFC 7162 §3.2.3), which also enables
// CONDSTORE. It does nothing when QRESYNC is already enabled and fails
// with an error wrapping client.ErrNotSupported, without sending
// anything, when the server does not advertise QRESYNC.
func Enable(ctx context.Context, c *client.Conn) error {
	return extutil.Enable(ctx, c, "qresync", "QRESYNC", ErrSelected)
}

// SeqMatch is the optional (known-sequence-set known-uid-set) pair of the
// QRESYNC parameter (RFC 7162 §3.2.5): message numbers and the UIDs the
// client knows for them, which lets the server tell which were expunged
// when it does not remember every expunge.
type SeqMatch struct {
	Seqs, UIDs seqset.Set
}

// Params are the QRESYNC select parameter's values (RFC 7162 §3.2.5).
type Params struct {
	UIDValidity uint32
	ModSeq      uint64
	// KnownUIDs, when not empty, limits the report to these UIDs.
	KnownUIDs seqset.Set
	// SeqMatch is optional.
	SeqMatch *SeqMatch
}

// SelectParam returns the select parameter "QRESYNC" SP "(" uidvalidity
// SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")" (RFC
// 7162 §7) for client.SelectOptions.Params. It requires ENABLE QRESYNC
// first (Enable).
func SelectParam(p Params) []wire.Value {
	l := []wire.Value{wire.Number(uint64(p.UIDValidity)), wire.Number(p.ModSeq)}
	if !p.KnownUIDs.IsEmpty() {
		l = append(l, wire.Raw(p.KnownUIDs.String()))
	}
	if p.SeqMatch != nil {
		l = append(l, wire.List(wire.Raw(p.SeqMatch.Seqs.String()), wire.Raw(p.SeqMatch.UIDs.String())))
	}
	return []wire.Value{wire.Atom("QRESYNC"), wire.List(l...)}
}

// FetchModifiers returns the fetch modifiers (CHANGEDSINCE modseq
// VANISHED) of RFC 7162 §3.2.6 for client.FetchItems.Modifiers; valid
// on UID FETCH only, with QRESYNC enabled.
func FetchModifiers(modseq uint64) []wire.Value {
	return append(condstore.ChangedSince(modseq), wire.Atom("VANISHED"))
}

// Changes is what changed in a mailbox since a saved state.
type Changes struct {
	// Mailbox is the mailbox's state now.
	Mailbox *client.Mailbox
	// Stale is set when the saved UIDVALIDITY is not the mailbox's (or
	// none was saved): every cached UID is meaningless and the cache must
	// be rebuilt (RFC 7162 §3.2.5.2, RFC 9051 §2.3.1.1). Vanished and
	// Changed are then empty.
	Stale bool
	// Vanished are the UIDs expunged since (VANISHED (EARLIER)).
	Vanished seqset.Set
	// Changed are the messages added or changed since, with UID, FLAGS
	// and MODSEQ.
	Changed []*wire.FetchData
}

// FetchVanished runs UID FETCH uids (UID FLAGS MODSEQ) (CHANGEDSINCE
// modseq VANISHED) (RFC 7162 §3.2.6) in the selected mailbox and returns
// the messages changed since modseq and the UIDs expunged since, taken
// from the VANISHED (EARLIER) responses the command claims. It requires
// QRESYNC enabled (ErrNotSupported otherwise, nothing sent).
func FetchVanished(ctx context.Context, c *client.Conn, uids seqset.Set, modseq uint64) (*Changes, error) {
	if !c.Enabled("QRESYNC") {
		return nil, fmt.Errorf("qresync: FETCH VANISHED needs ENABLE QRESYNC first: %w", client.ErrNotSupported)
	}
	fc, err := c.UIDFetch(ctx, uids, &client.FetchItems{Flags: true, Extra: []wire.Value{condstore.FetchModSeq()}, Modifiers: FetchModifiers(modseq)},
		&client.FetchOptions{Claim: func(r *wire.Response) bool {
			v, ok := VanishedOf(r)
			return ok && v.Earlier
		}})
	if err != nil {
		return nil, err
	}
	ch := &Changes{}
	for resp, err := range fc.Responses(ctx) {
		if err != nil {
			return ch, err
		}
		ch.add(resp)
	}
	ch.Mailbox = c.Mailbox()
	return ch, nil
}

func (ch *Changes) add(resp *wire.Response) {
	if v, ok := VanishedOf(resp); ok {
		ch.Vanished.AddSet(v.UIDs)
		return
	}
	if f, ok := resp.Data.(*wire.FetchData); ok {
		ch.Changed = append(ch.Changed, f)
	}
}

// Saved is what a client keeps of a mailbox between sessions to
// resynchronize it.
type Saved struct {
	UIDValidity   uint32
	HighestModSeq uint64
	// KnownUIDs, optional, are the UIDs the cache holds.
	KnownUIDs seqset.Set
}

// Resync selects the mailbox name with the QRESYNC parameter built from
// saved (RFC 7162 §3.2.5) and returns what changed since: the UIDs that
// vanished and the messages whose flags changed or that are new. ENABLE
// QRESYNC is sent first when needed (which requires the authenticated
// state); without QRESYNC on the server it fails with an error wrapping
// client.ErrNotSupported and sends nothing. readOnly uses EXAMINE. A
// saved state without UIDVALIDITY or HIGHESTMODSEQ selects plainly and
// reports Stale.
func Resync(ctx context.Context, c *client.Conn, name string, saved Saved, readOnly bool) (*Changes, error) {
	if err := Enable(ctx, c); err != nil {
		return nil, err
	}
	ch := &Changes{}
	opts := &client.SelectOptions{ReadOnly: readOnly, Data: ch.add}
	if saved.UIDValidity != 0 && saved.HighestModSeq != 0 {
		opts.Params = SelectParam(Params{UIDValidity: saved.UIDValidity, ModSeq: saved.HighestModSeq, KnownUIDs: saved.KnownUIDs})
	}
	m, err := c.Select(ctx, name, opts)
	if err != nil {
		return nil, err
	}
	ch.Mailbox = m
	if opts.Params == nil || m == nil || m.UIDValidity != saved.UIDValidity {
		// The server ignores the parameter when UIDVALIDITY differs (RFC
		// 7162 §3.2.5.2); whatever it sent is not relative to the cache.
		return &Changes{Mailbox: m, Stale: true}, nil
	}
	return ch, nil
}
