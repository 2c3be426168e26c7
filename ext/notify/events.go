package notify

import (
	"context"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/metadata"
	"github.com/imapkit/imapkit/wire"
)

// Event is one notification, typed. It is one of *MailboxStatus,
// *MailboxChange, *Exists, *Expunge, *Fetch, *Vanished, *Metadata and
// Overflow; Next also returns *Other for a response that is none of
// them.
type Event interface {
	// Response is the response the event was read from.
	Response() *wire.Response
}

// MailboxStatus is a STATUS response: messages arrived in, left or
// changed in a mailbox other than the selected one (MessageNew,
// MessageExpunge, FlagChange, AnnotationChange, RFC 5465 §5.1-5.3).
type MailboxStatus struct {
	Status *wire.StatusData
	resp   *wire.Response
}

// MailboxChangeKind says what a LIST notification reports.
type MailboxChangeKind uint8

const (
	// Listed: a mailbox created (or the 'l' right granted), or a
	// subscription changed, or access regained (RFC 5465 §5.4, §5.5,
	// §5.9); Subscribed tells the subscription state.
	Listed MailboxChangeKind = iota + 1
	// Deleted: the name no longer refers to a mailbox the client may see
	// (\NonExistent, §5.4).
	Deleted
	// Renamed: the mailbox was renamed from OldName (the OLDNAME extended
	// item, §5.4); its children were renamed with it.
	Renamed
	// NoAccess: the client lost the right to watch the mailbox
	// (\NoAccess, §5.9).
	NoAccess
)

// MailboxChange is a LIST response sent for MailboxName,
// SubscriptionChange or an access change (RFC 5465 §5.4, §5.5, §5.9).
type MailboxChange struct {
	Kind       MailboxChangeKind
	Mailbox    string
	OldName    string // for Renamed
	Subscribed bool   // \Subscribed was included (§5.5)
	List       *wire.ListData
	resp       *wire.Response
}

// Exists is an EXISTS response: the selected mailbox now has Count
// messages (MessageNew, §5.2).
type Exists struct {
	Count uint32
	resp  *wire.Response
}

// Expunge is an EXPUNGE response: the message with sequence number Seq
// left the selected mailbox (MessageExpunge, §5.3).
type Expunge struct {
	Seq  uint32
	resp *wire.Response
}

// Fetch is a FETCH response about the selected mailbox: the FETCH
// attributes of a new message (MessageNew with fetch-att, §5.2) or
// changed flags (FlagChange, §5.1).
type Fetch struct {
	Data *wire.FetchData
	resp *wire.Response
}

// Vanished is a VANISHED response (RFC 7162 §3.2.10), sent instead of
// EXPUNGE once QRESYNC is enabled (§5.3). Data is as the registered
// VANISHED parser left it (a generic tree without one).
type Vanished struct {
	Data any
	resp *wire.Response
}

// Metadata is an unsolicited METADATA response (MailboxMetadataChange,
// ServerMetadataChange, §5.6, §5.7): the entries that changed, as the
// METADATA parser in use typed them (ext/metadata's Install, or a
// generic tree). Mailbox is the mailbox named ("" for server entries)
// when it could be read.
type Metadata struct {
	Mailbox string
	Data    any
	resp    *wire.Response
}

// Overflow is OK [NOTIFICATIONOVERFLOW]: the server stopped sending
// notifications, as if the client had sent NOTIFY NONE (§5.8). It is
// also the typed data of the NOTIFICATIONOVERFLOW code.
type Overflow struct {
	Text string
	resp *wire.Response
}

// Other is a response Next met that is no notification.
type Other struct{ resp *wire.Response }

func (e *MailboxStatus) Response() *wire.Response { return e.resp }
func (e *MailboxChange) Response() *wire.Response { return e.resp }
func (e *Exists) Response() *wire.Response        { return e.resp }
func (e *Expunge) Response() *wire.Response       { return e.resp }
func (e *Fetch) Response() *wire.Response         { return e.resp }
func (e *Vanished) Response() *wire.Response      { return e.resp }
func (e *Metadata) Response() *wire.Response      { return e.resp }
func (e Overflow) Response() *wire.Response       { return e.resp }
func (e *Other) Response() *wire.Response         { return e.resp }

// Decode returns the notification r carries, false when r is no
// notification of RFC 5465 §5.
func Decode(r *wire.Response) (Event, bool) {
	if r == nil {
		return nil, false
	}
	if r.Kind == wire.StatusResponse && r.Tag == "*" && r.Status == wire.StatusOK && r.Code != nil && r.Code.Name == CodeOverflow {
		return Overflow{Text: r.Text, resp: r}, true
	}
	if r.Kind != wire.DataResponse {
		return nil, false
	}
	switch r.Name {
	case "STATUS":
		if sd, ok := r.Data.(*wire.StatusData); ok {
			return &MailboxStatus{Status: sd, resp: r}, true
		}
	case "LIST":
		if ld, ok := r.Data.(*wire.ListData); ok {
			e := &MailboxChange{Kind: Listed, Mailbox: ld.Mailbox, Subscribed: ld.HasAttr(`\Subscribed`), List: ld, resp: r}
			switch {
			case ld.HasAttr(`\NonExistent`):
				e.Kind = Deleted
			case ld.OldName != "":
				e.Kind, e.OldName = Renamed, ld.OldName
			case ld.HasAttr(`\NoAccess`):
				e.Kind = NoAccess
			}
			return e, true
		}
	case "EXISTS":
		if r.HasNum {
			return &Exists{Count: r.Num, resp: r}, true
		}
	case "EXPUNGE":
		if r.HasNum {
			return &Expunge{Seq: r.Num, resp: r}, true
		}
	case "FETCH":
		if fd, ok := r.Data.(*wire.FetchData); ok {
			return &Fetch{Data: fd, resp: r}, true
		}
	case "VANISHED":
		return &Vanished{Data: r.Data, resp: r}, true
	case "METADATA":
		e := &Metadata{Data: r.Data, resp: r}
		if vs, ok := r.Data.([]wire.Value); ok && len(vs) > 0 {
			switch vs[0].Kind {
			case wire.KindAtom, wire.KindString:
				e.Mailbox = vs[0].Str
			}
		} else if md, ok := r.Data.(*metadata.Data); ok {
			e.Mailbox = md.Mailbox
		}
		return e, true
	}
	return nil, false
}

// Watch returns a function for client.Options.Unilateral that calls fn
// with every notification, in arrival order, and passes every other
// response to next (which may be nil).
func Watch(fn func(Event), next func(*wire.Response)) func(*wire.Response) {
	return func(r *wire.Response) {
		if e, ok := Decode(r); ok {
			fn(e)
			return
		}
		if next != nil {
			next(r)
		}
	}
}

// Next returns the next unclaimed response of c as an Event (an *Other
// for a response that is no notification), waiting for one until ctx
// ends. Use it when client.Options.Unilateral is not set, so that
// unclaimed responses queue (client.Options.UnclaimedQueueSize bounds
// the queue). Notifications arrive while a command runs; with no command
// running, IDLE (or NOOP) lets them in.
func Next(ctx context.Context, c *client.Conn) (Event, error) {
	r, err := c.Unclaimed(ctx)
	if err != nil {
		return nil, err
	}
	if e, ok := Decode(r); ok {
		return e, nil
	}
	return &Other{resp: r}, nil
}
