// Package notify implements the NOTIFY extension (RFC 5465): the client
// tells the server which events it wants to hear about, in the selected
// mailbox and in others, and the server sends them as they happen,
// without IDLE or polling.
//
// Set sends NOTIFY SET with event groups (a mailbox filter and its
// events, RFC 5465 §3.1, §6); None sends NOTIFY NONE. Both check the
// rules of RFC 5465 §5 before sending (MessageNew and MessageExpunge
// together, FlagChange and AnnotationChange only with both, FETCH
// attributes and message events only where allowed) and fail with an
// error wrapping client.ErrNotSupported when the server does not
// advertise NOTIFY.
//
// The notifications are ordinary responses that no command claims: STATUS
// for message events in other mailboxes (§5.1-5.3), LIST for mailbox
// names, subscriptions and access (§5.4, §5.5, §5.9), METADATA (§5.6,
// §5.7), EXISTS, EXPUNGE, FETCH (and VANISHED under QRESYNC) for the
// selected mailbox, and OK [NOTIFICATIONOVERFLOW] (§5.8). Decode turns
// one into a typed Event; Watch does so for client.Options.Unilateral;
// Next reads the next one from client.Conn.Unclaimed. The client applies
// EXISTS, EXPUNGE and FETCH FLAGS to the selected mailbox's state itself
// (client.Options.MailboxUpdate), whether NOTIFY or a command caused
// them.
//
// Install registers the parsers and encoders of the BADEVENT code (the
// events the server supports, on a refused NOTIFY, §3.1) and the
// NOTIFICATIONOVERFLOW code; BadEvents reads the first from an error.
//
// The package uses only the exported API of client, codec and wire.
package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/wire"
)

// Event names (RFC 5465 §5, "message-event", "mailbox-event",
// "user-event").
const (
	MessageNew            = "MessageNew"
	MessageExpunge        = "MessageExpunge"
	FlagChange            = "FlagChange"
	AnnotationChange      = "AnnotationChange"
	MailboxName           = "MailboxName"
	SubscriptionChange    = "SubscriptionChange"
	MailboxMetadataChange = "MailboxMetadataChange"
	ServerMetadataChange  = "ServerMetadataChange"
)

// Response code names (RFC 5465 §8).
const (
	CodeBadEvent = "BADEVENT"
	CodeOverflow = "NOTIFICATIONOVERFLOW"
)

// Filter is a mailbox specifier (RFC 5465 §6, "filter-mailboxes").
type Filter uint8

const (
	Selected        Filter = iota + 1 // the selected mailbox, whatever it is (§6.1.1)
	SelectedDelayed                   // the same, expunges delayed to commands that allow them (§6.1.2)
	Personal                          // every mailbox in the personal namespace (§6.2)
	Inboxes                           // every mailbox that receives new mail (§6.3)
	Subscribed                        // every subscribed mailbox (§6.4)
	Subtree                           // the given mailboxes and all below them (§6.5)
	Mailboxes                         // the given mailboxes only (§6.6)
)

var filterNames = [...]string{"", "SELECTED", "SELECTED-DELAYED", "PERSONAL", "INBOXES", "SUBSCRIBED", "SUBTREE", "MAILBOXES"}

func (f Filter) String() string {
	if int(f) < len(filterNames) && f != 0 {
		return filterNames[f]
	}
	return fmt.Sprintf("Filter(%d)", uint8(f))
}

func (f Filter) selected() bool { return f == Selected || f == SelectedDelayed }

// Group is one event group (RFC 5465 §8, "event-group"): which
// mailboxes, and which of their events. No Events means NONE: nothing
// about those mailboxes (§3.1, a snapshot facility).
type Group struct {
	Filter Filter
	// Mailboxes are the names for Subtree and Mailboxes (at least one).
	Mailboxes []string
	// Events are event names (the constants above, or an extension's
	// atom).
	Events []string
	// Fetch are the FETCH attributes sent with each new message
	// (MessageNew's fetch-att list, e.g. wire.Atom("UID"),
	// codec.BodySection(true, ...)); only for Selected and
	// SelectedDelayed (§8).
	Fetch []wire.Value
}

var messageEvents = []string{MessageNew, MessageExpunge, FlagChange, AnnotationChange}

func isEvent(ev []string, name string) bool {
	return slices.ContainsFunc(ev, func(e string) bool { return strings.EqualFold(e, name) })
}

// check applies the rules of RFC 5465 §5 and §8 to the groups.
func check(groups []Group) error {
	if len(groups) == 0 {
		return errors.New("notify: NOTIFY SET needs at least one event group (use None to stop notifications)")
	}
	sel := 0
	for i, g := range groups {
		where := fmt.Sprintf("notify: event group %d (%s)", i+1, g.Filter)
		if g.Filter < Selected || g.Filter > Mailboxes {
			return fmt.Errorf("notify: event group %d: unknown filter %d", i+1, g.Filter)
		}
		if g.Filter.selected() {
			if sel++; sel > 1 {
				return fmt.Errorf("%s: only one of SELECTED and SELECTED-DELAYED may be given (RFC 5465 §8)", where)
			}
		}
		if (g.Filter == Subtree || g.Filter == Mailboxes) != (len(g.Mailboxes) > 0) {
			if len(g.Mailboxes) == 0 {
				return fmt.Errorf("%s: needs at least one mailbox", where)
			}
			return fmt.Errorf("%s: takes no mailboxes", where)
		}
		for _, e := range g.Events {
			if !run.IsAtom(e) {
				return fmt.Errorf("%s: event %q is not an atom", where, e)
			}
			if g.Filter.selected() && !isEvent(messageEvents, e) {
				return fmt.Errorf("%s: only message events are allowed for the selected mailbox, not %s (RFC 5465 §8)", where, e)
			}
		}
		newEv, expEv := isEvent(g.Events, MessageNew), isEvent(g.Events, MessageExpunge)
		if newEv != expEv {
			return fmt.Errorf("%s: MessageNew and MessageExpunge must be given together (RFC 5465 §5)", where)
		}
		if (isEvent(g.Events, FlagChange) || isEvent(g.Events, AnnotationChange)) && !newEv {
			return fmt.Errorf("%s: FlagChange and AnnotationChange need MessageNew and MessageExpunge (RFC 5465 §5)", where)
		}
		if len(g.Fetch) > 0 && (!g.Filter.selected() || !newEv) {
			return fmt.Errorf("%s: FETCH attributes are allowed only with MessageNew for SELECTED or SELECTED-DELAYED (RFC 5465 §8)", where)
		}
	}
	return nil
}

// args builds the arguments of NOTIFY SET (RFC 5465 §8, "notify-set").
func args(c *client.Conn, status bool, groups []Group) ([]wire.Value, error) {
	out := []wire.Value{wire.Atom("SET")}
	if status {
		out = append(out, wire.Atom("STATUS"))
	}
	for _, g := range groups {
		item := []wire.Value{wire.Atom(g.Filter.String())}
		if len(g.Mailboxes) > 0 {
			var mbs []wire.Value
			for _, name := range g.Mailboxes {
				mb, err := c.MailboxArg(name)
				if err != nil {
					return nil, fmt.Errorf("notify: mailbox %q: %w", name, err)
				}
				mbs = append(mbs, mb)
			}
			if len(mbs) == 1 {
				item = append(item, mbs[0])
			} else {
				item = append(item, wire.List(mbs...))
			}
		}
		if len(g.Events) == 0 {
			item = append(item, wire.Atom("NONE"))
		} else {
			var evs []wire.Value
			for _, e := range g.Events {
				evs = append(evs, wire.Atom(e))
				if strings.EqualFold(e, MessageNew) && len(g.Fetch) > 0 {
					evs = append(evs, wire.List(g.Fetch...))
				}
			}
			item = append(item, wire.List(evs...))
		}
		out = append(out, wire.List(item...))
	}
	return out, nil
}

// Result is what NOTIFY SET returned before its OK.
type Result struct {
	// Status are the STATUS responses sent for the mailboxes with
	// message events when the status indicator was given (RFC 5465
	// §3.1).
	Status []*wire.StatusData
	// NoAccess are the mailboxes the server reported with \NoAccess: the
	// client may LIST them but not watch them (§3.1).
	NoAccess []string
	// Lists are all LIST responses returned, \NoAccess or not.
	Lists []*wire.ListData
}

var authenticated = []client.State{client.StateAuthenticated, client.StateSelected}

// Set sends NOTIFY SET (RFC 5465 §3.1) with the event groups; status asks
// for the STATUS of every mailbox with message events first (the STATUS
// indicator). A successful NOTIFY SET is also an implicit NOOP: the
// selected mailbox's pending changes arrive before the OK.
//
// A server that does not support an event refuses with NO [BADEVENT
// (supported events)] (read it with BadEvents), one that finds the
// request too costly with NO [NOTIFICATIONOVERFLOW].
func Set(ctx context.Context, c *client.Conn, status bool, groups ...Group) (*Result, error) {
	if err := check(groups); err != nil {
		return nil, err
	}
	if err := extutil.Require(ctx, c, "notify", "NOTIFY"); err != nil {
		return nil, err
	}
	a, err := args(c, status, groups)
	if err != nil {
		return nil, err
	}
	// Alone: the STATUS and LIST responses NOTIFY claims could belong
	// to a STATUS or LIST pipelined with it.
	resps, _, err := run.Collect(ctx, c, client.Spec{
		Name:   "NOTIFY",
		Args:   a,
		States: authenticated,
		Claim:  run.Data("STATUS", "LIST"),
		Alone:  true,
	})
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for _, r := range resps {
		switch d := r.Data.(type) {
		case *wire.StatusData:
			res.Status = append(res.Status, d)
		case *wire.ListData:
			res.Lists = append(res.Lists, d)
			if d.HasAttr(`\NoAccess`) {
				res.NoAccess = append(res.NoAccess, d.Mailbox)
			}
		}
	}
	return res, nil
}

// None sends NOTIFY NONE (RFC 5465 §3.1): no more notifications, not even
// those the server sends without NOTIFY about the selected mailbox
// during commands.
func None(ctx context.Context, c *client.Conn) error {
	if err := extutil.Require(ctx, c, "notify", "NOTIFY"); err != nil {
		return err
	}
	_, _, err := run.Collect(ctx, c, client.Spec{
		Name:   "NOTIFY",
		Args:   []wire.Value{wire.Atom("NONE")},
		States: authenticated,
	})
	return err
}

// BadEvents returns the BADEVENT code of a refused NOTIFY (RFC 5465
// §3.1): by the RFC the events the server supports (see BadEvent for
// Dovecot's reading).
func BadEvents(err error) (*BadEvent, bool) {
	var se *client.StatusError
	if !errors.As(err, &se) || se.Code == nil || se.Code.Name != CodeBadEvent {
		return nil, false
	}
	be, ok := se.Code.Data.(*BadEvent)
	return be, ok
}

// IsOverflow reports whether err is a NOTIFY refused with
// NOTIFICATIONOVERFLOW (RFC 5465 §3.1).
func IsOverflow(err error) bool {
	var se *client.StatusError
	return errors.As(err, &se) && se.CodeName() == CodeOverflow
}

// Install registers the BADEVENT and NOTIFICATIONOVERFLOW codes' parsers
// and encoders into a connection's registry. Use it as a
// client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// BadEvent is the typed BADEVENT code (RFC 5465 §8):
//
//	"BADEVENT" SP "(" event-name *(SP event-name) ")"
//
// RFC 5465 §3.1 says the list names the events the server supports.
// Dovecot 2.3 sends the events it refused instead, without parentheses
// ("[BADEVENT AnnotationChange]"); NoParens records that form (read in
// lenient mode only), and a bare "[BADEVENT]" gives no events.
type BadEvent struct {
	Events   []string
	NoParens bool
}

func parseBadEvent(p *codec.Parser, _ string) (any, error) {
	be := &BadEvent{}
	c, ok := p.PeekByte()
	if !ok || c == ']' {
		if p.Strict() {
			return nil, p.SyntaxError(`"(" event-name`)
		}
		return be, nil
	}
	if c != '(' {
		if p.Strict() {
			return nil, p.SyntaxError(`"("`)
		}
		be.NoParens = true
	} else {
		p.Consume('(')
	}
	for {
		if len(be.Events) >= maxEvents {
			return nil, p.SyntaxError(fmt.Sprintf("at most %d events", maxEvents))
		}
		e, err := p.ReadAtom()
		if err != nil {
			return nil, err
		}
		be.Events = append(be.Events, e)
		if be.NoParens {
			if c, ok := p.PeekByte(); !ok || c == ']' {
				return be, nil
			}
		} else if p.Consume(')') {
			return be, nil
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
	}
}

// maxEvents bounds the events of one BADEVENT code.
const maxEvents = 256

// RegisterCodec registers the same into a codec registry.
func RegisterCodec(r *codec.Registry) {
	r.Code(CodeBadEvent, parseBadEvent)
	r.EncodeCode(CodeBadEvent, func(w *codec.Writer, c *wire.Code) error {
		be, ok := c.Data.(*BadEvent)
		if !ok {
			return fmt.Errorf("notify: BADEVENT code %T: %w", c.Data, codec.ErrUnsupportedData)
		}
		if len(be.Events) == 0 {
			return nil // the bare form a lenient parse accepted
		}
		w.SP()
		atoms := func() {
			for i, e := range be.Events {
				if i > 0 {
					w.SP()
				}
				w.Atom(e)
			}
		}
		if be.NoParens {
			atoms()
		} else {
			w.List(atoms)
		}
		return nil
	})
	r.Code(CodeOverflow, func(p *codec.Parser, _ string) (any, error) {
		if c, ok := p.PeekByte(); ok && c != ']' {
			return nil, p.SyntaxError(`"]" (NOTIFICATIONOVERFLOW takes no argument)`)
		}
		return Overflow{}, nil
	})
	r.EncodeCode(CodeOverflow, func(w *codec.Writer, c *wire.Code) error {
		if _, ok := c.Data.(Overflow); !ok {
			return fmt.Errorf("notify: NOTIFICATIONOVERFLOW code %T: %w", c.Data, codec.ErrUnsupportedData)
		}
		return nil
	})
}
