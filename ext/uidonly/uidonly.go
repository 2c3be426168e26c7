// Package uidonly implements the UIDONLY extension (RFC 9586): once a
// client enables it (ENABLE UIDONLY), the server refers to messages by
// UID only. It sends UIDFETCH responses, numbered by UID, where it would
// send FETCH,
//
//	S: * 25996 UIDFETCH (FLAGS (\Flagged \Answered))
//
// VANISHED (RFC 7162 §3.2.10) where it would send EXPUNGE, even without
// QRESYNC, and refuses every command that uses message sequence numbers
// with BAD [UIDREQUIRED] (RFC 9586 §3).
//
// Install makes a connection behave accordingly once UIDONLY is enabled:
//
//   - FETCH, STORE, SEARCH, COPY, MOVE, SORT and THREAD (the forms
//     without UID), and any command whose Spec says it uses sequence
//     numbers (a UID SEARCH with a sequence set among its keys), are
//     refused before anything is sent, with an error wrapping
//     ErrSeqNums (a client.CommandCheck): Conn.Fetch, Conn.Store,
//     Conn.Copy, ... fail at once. EXPUNGE takes no sequence numbers
//     and stays allowed; its results come as VANISHED.
//   - UIDFETCH is parsed into a *wire.FetchData whose UID is the
//     response's number and whose Seq is 0, and UID FETCH and UID STORE
//     claim it: Conn.UIDFetch and Conn.UIDStore work unchanged.
//   - VANISHED is applied to the selected mailbox by the hook ext/qresync
//     installs (qresync.InstallVanished, shared when both are
//     installed): Mailbox.Exists shrinks by the number of UIDs, and a
//     client.MailboxEvent of kind client.EventExtension, Name
//     "VANISHED", Data *qresync.Vanished, reports them in place of
//     EventExpunge (which carries a sequence number).
//   - With condstore.Install (or qresync.Install) as well, the MODSEQ
//     of UIDFETCH responses keeps Mailbox.HighestModSeq as FETCH's does
//     (condstore.InstallHooks).
//
// Enable sends ENABLE UIDONLY. Check is the same refusal for code that
// wants to ask first; IsUIDRequired recognizes the server's refusal.
//
// No server on the test machine offers UIDONLY (Dovecot 2.3 and Cyrus
// 3.6 predate it); the tests replay transcripts reconstructed from RFC
// 9586's examples (see docs/EXTENSIONS.md).
//
// The package uses only the exported API of client, codec and wire.
package uidonly

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"weak"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/qresync"
	"github.com/imapkit/imapkit/wire"
)

// Capability is the capability and the ENABLE argument (RFC 9586 §3).
const Capability = "UIDONLY"

// UIDRequired is the response code of a command refused for using
// message sequence numbers (RFC 9586 §3).
const UIDRequired = "UIDREQUIRED"

// ErrSeqNums is the error of Check for a command that uses message
// sequence numbers on a connection with UIDONLY enabled.
var ErrSeqNums = errors.New("uidonly: message sequence numbers may not be used once UIDONLY is enabled (RFC 9586 §3); use the UID form of the command")

// Install registers the UIDFETCH parser and encoder, makes UID FETCH and
// UID STORE claim UIDFETCH responses once UIDONLY is enabled, refuses
// sequence-number commands then (client.Registry.CheckCommand), and
// installs the VANISHED parser and hook (qresync.InstallVanished). Use
// it as a client.Extension.
func Install(r *client.Registry) {
	r.Codec().Data("UIDFETCH", parseUIDFetch)
	r.Codec().EncodeData("UIDFETCH", encodeUIDFetch)
	qresync.InstallVanished(r)
	for _, name := range []string{"UID FETCH", "UID STORE"} {
		r.ModifyCommand(name, claimUIDFetch)
	}
	r.CheckCommand("", checkSeqNums)
}

// RegisterCodec registers the UIDFETCH parser and encoder into a codec
// registry, and VANISHED's (qresync.RegisterCodec), which a UIDONLY
// server sends in place of EXPUNGE.
func RegisterCodec(r *codec.Registry) {
	qresync.RegisterCodec(r)
	r.Data("UIDFETCH", parseUIDFetch)
	r.EncodeData("UIDFETCH", encodeUIDFetch)
}

// checkSeqNums refuses, once UIDONLY is enabled, a command that uses
// message sequence numbers (RFC 9586 §3: the client MUST NOT use them).
// It runs on the caller's goroutine before the command is sent.
func checkSeqNums(v *client.CommandView, s *client.Spec) error {
	if !v.Enabled(Capability) {
		return nil
	}
	return seqNumsError(s.Name, s.UsesSeqNums)
}

// parseUIDFetch parses uidfetch-resp = uniqueid SP "UIDFETCH" SP msg-att
// (RFC 9586 §6): msg-att as in FETCH. The result is a *wire.FetchData
// with UID (and the FetchUID bit) set from the number, Seq 0: the
// sequence number is not known in UIDONLY mode.
func parseUIDFetch(p *codec.Parser, resp *wire.Response) (any, error) {
	if !resp.HasNum || resp.Num == 0 {
		return nil, p.SyntaxError("UID before UIDFETCH")
	}
	fd, err := p.ReadMsgAtt(resp)
	if err != nil {
		return nil, err
	}
	fd.Seq = 0
	if fd.Has&wire.FetchUID != 0 && fd.UID != resp.Num && p.Strict() {
		return nil, p.SyntaxError(fmt.Sprintf("UID item %d equal to the UIDFETCH number %d", fd.UID, resp.Num))
	}
	if fd.Has&wire.FetchUID != 0 {
		markUIDItem(fd)
	}
	fd.UID = resp.Num
	fd.Has |= wire.FetchUID
	return fd, nil
}

// encodeUIDFetch writes msg-att of a UIDFETCH response. The UID item is
// written only where the decoder met one (the number carries the UID).
func encodeUIDFetch(w *codec.Writer, r *wire.Response) error {
	fd, ok := r.Data.(*wire.FetchData)
	if !ok {
		return fmt.Errorf("uidonly: UIDFETCH data %T: %w", r.Data, codec.ErrUnsupportedData)
	}
	cp := *fd
	if !hadUIDItem(fd) {
		cp.Has &^= wire.FetchUID
	}
	w.MsgAtt(&cp)
	return nil
}

// uidItems remembers the parsed UIDFETCH data that carried a UID item of
// their own, keyed by a weak pointer and dropped with the data, so that
// the encoder writes the item back only where it was.
var uidItems sync.Map // weak.Pointer[wire.FetchData] -> struct{}

func markUIDItem(fd *wire.FetchData) {
	wp := weak.Make(fd)
	uidItems.Store(wp, struct{}{})
	runtime.AddCleanup(fd, func(k weak.Pointer[wire.FetchData]) { uidItems.Delete(k) }, wp)
}

func hadUIDItem(fd *wire.FetchData) bool {
	_, ok := uidItems.Load(weak.Make(fd))
	return ok
}

// claimUIDFetch lets UID FETCH and UID STORE claim the UIDFETCH
// responses that stand for their FETCH responses once UIDONLY is on
// (RFC 9586 §3.3): the command's own claim decides, as for a FETCH
// response with that UID.
func claimUIDFetch(c *client.Conn, s *client.Spec) {
	if !c.Enabled(Capability) || s.Claim == nil {
		return
	}
	orig := s.Claim
	s.Claim = func(r *wire.Response) bool {
		if r.Kind == wire.DataResponse && r.Name == "UIDFETCH" {
			as := *r
			as.Name = "FETCH"
			return orig(&as)
		}
		return orig(r)
	}
}

// Enable sends ENABLE UIDONLY (RFC 9586 §3). It fails with an error
// wrapping client.ErrNotSupported, without sending anything, when the
// server does not advertise UIDONLY, and with an error when the server
// does not confirm it in its ENABLED response.
func Enable(ctx context.Context, c *client.Conn) error {
	if err := extutil.Require(ctx, c, "uidonly", Capability); err != nil {
		return err
	}
	if c.Enabled(Capability) {
		return nil
	}
	if _, err := c.Enable(ctx, Capability); err != nil {
		return err
	}
	if !c.Enabled(Capability) {
		return fmt.Errorf("uidonly: ENABLE UIDONLY: the server did not list UIDONLY in ENABLED")
	}
	return nil
}

// seqCommands are the commands that take message sequence numbers or
// return them (RFC 9051 §6.4; SORT and THREAD, RFC 5256) and that RFC
// 9586 §3 refuses in UIDONLY mode. EXPUNGE is not among them: it takes
// no sequence numbers, and its results come as VANISHED.
var seqCommands = []string{"FETCH", "STORE", "SEARCH", "COPY", "MOVE", "SORT", "THREAD"}

// Check returns ErrSeqNums, wrapped with the command's name, when c has
// UIDONLY enabled and a command named name (e.g. "FETCH", "UID SEARCH")
// would use message sequence numbers: the non-UID forms always, and a
// UID form when usesSeqNums (a UID SEARCH with a sequence set among its
// keys). A connection with Install refuses such commands by itself;
// Check lets code ask before building one.
func Check(c *client.Conn, name string, usesSeqNums bool) error {
	if !c.Enabled(Capability) {
		return nil
	}
	return seqNumsError(name, usesSeqNums)
}

func seqNumsError(name string, usesSeqNums bool) error {
	up := strings.ToUpper(strings.TrimSpace(name))
	if !strings.HasPrefix(up, "UID ") {
		for _, s := range seqCommands {
			if up == s {
				return fmt.Errorf("%s not sent: %w", up, ErrSeqNums)
			}
		}
	}
	if usesSeqNums {
		return fmt.Errorf("%s not sent: %w", up, ErrSeqNums)
	}
	return nil
}

// IsUIDRequired reports whether err is a server's refusal of a command
// for using sequence numbers (BAD [UIDREQUIRED], RFC 9586 §3).
func IsUIDRequired(err error) bool {
	var se *client.StatusError
	return errors.As(err, &se) && se.CodeName() == UIDRequired
}
