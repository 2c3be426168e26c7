package client

import (
	"context"
	"io"
	"time"

	"github.com/imapkit/imapkit/wire"
)

// AppendOptions are the optional parts of one APPEND message.
type AppendOptions struct {
	Flags []string
	// Date is the internal date; zero lets the server choose.
	Date time.Time
}

// AppendResult is the APPENDUID data (RFC 4315 §3), when the server sent
// it.
type AppendResult struct {
	UIDValidity uint32
	UID         uint32
}

// dateTime formats an APPEND date-time (RFC 9051 §9, "date-time").
func dateTime(t time.Time) wire.Value {
	return wire.Quoted(t.Format("_2-Jan-2006 15:04:05 -0700"))
}

// Append adds a message of size octets read from r to mailbox (RFC 9051
// §6.3.12). The message is streamed as a literal: non-synchronizing under
// LITERAL+ (and LITERAL- up to 4096 octets), otherwise after the server's
// "+". Pipelined APPENDs overlap their round trips.
func (c *Conn) Append(ctx context.Context, mailbox string, r io.Reader, size int64, opts *AppendOptions) (*AppendResult, error) {
	cmd, err := c.StartAppend(ctx, mailbox, r, size, opts)
	if err != nil {
		return nil, err
	}
	return cmd.Result(ctx)
}

// AppendMessage is one message of AppendMulti.
type AppendMessage struct {
	Body io.Reader
	Size int64
	AppendOptions
}

// AppendMultiResult is the APPENDUID data of a MULTIAPPEND: the UIDs the
// messages got, in order (RFC 3502, "MULTIAPPEND Interaction with
// UIDPLUS Extension").
type AppendMultiResult struct {
	UIDValidity uint32
	UIDs        []uint32
}

// AppendMulti adds several messages to mailbox in one APPEND (RFC 3502
// MULTIAPPEND): atomically, all or none, and in one server transaction,
// which is much faster than one APPEND per message on servers that commit
// each. It fails with ErrNotSupported, sending nothing, when the server
// does not advertise MULTIAPPEND.
func (c *Conn) AppendMulti(ctx context.Context, mailbox string, msgs []AppendMessage) (*AppendMultiResult, error) {
	if err := c.Require(ctx, "MULTIAPPEND"); err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return &AppendMultiResult{}, nil
	}
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return nil, err
	}
	args := []wire.Value{mb}
	for i := range msgs {
		args = msgs[i].AppendOptions.args(args)
		args = append(args, wire.LiteralReader(msgs[i].Body, msgs[i].Size))
	}
	cmd, err := c.Start(ctx, Spec{Name: "APPEND", Args: args, States: authState})
	if err != nil {
		return nil, err
	}
	final, err := cmd.Wait(ctx)
	if err != nil {
		return nil, err
	}
	res := &AppendMultiResult{}
	if au := appendUID(final); au != nil {
		res.UIDValidity = au.UIDValidity
		if au.UIDs.Count() <= uint64(len(msgs)) {
			for n := range au.UIDs.All() {
				res.UIDs = append(res.UIDs, n)
			}
		}
	}
	return res, nil
}

// args appends the flag list and date-time of one message.
func (o *AppendOptions) args(out []wire.Value) []wire.Value {
	if len(o.Flags) > 0 {
		out = append(out, atomList(o.Flags))
	}
	if !o.Date.IsZero() {
		out = append(out, dateTime(o.Date))
	}
	return out
}

func appendUID(final *wire.Response) *wire.AppendUID {
	au, _ := AppendUIDOf(final)
	return au
}

// AppendCommand is an APPEND in flight.
type AppendCommand struct{ *Command }

// StartAppend sends APPEND and returns at once, for pipelining several.
func (c *Conn) StartAppend(ctx context.Context, mailbox string, r io.Reader, size int64, opts *AppendOptions) (*AppendCommand, error) {
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return nil, err
	}
	args := []wire.Value{mb}
	if opts != nil {
		args = opts.args(args)
	}
	args = append(args, wire.LiteralReader(r, size))
	cmd, err := c.Start(ctx, Spec{Name: "APPEND", Args: args, States: authState})
	if err != nil {
		return nil, err
	}
	return &AppendCommand{cmd}, nil
}

// Result waits for the APPEND and returns its APPENDUID data. (The
// embedded Command's Wait returns the completion.)
func (a *AppendCommand) Result(ctx context.Context) (*AppendResult, error) {
	final, err := a.Command.Wait(ctx)
	if err != nil {
		return nil, err
	}
	res := &AppendResult{}
	if au := appendUID(final); au != nil {
		res.UIDValidity = au.UIDValidity
		for n := range au.UIDs.All() {
			res.UID = n
			break
		}
	}
	return res, nil
}
