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
	return cmd.Wait(ctx)
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
		if len(opts.Flags) > 0 {
			args = append(args, atomList(opts.Flags))
		}
		if !opts.Date.IsZero() {
			args = append(args, dateTime(opts.Date))
		}
	}
	args = append(args, wire.LiteralReader(r, size))
	cmd, err := c.Start(ctx, Spec{Name: "APPEND", Args: args, States: authState})
	if err != nil {
		return nil, err
	}
	return &AppendCommand{cmd}, nil
}

// Wait waits for the APPEND and returns its APPENDUID data.
func (a *AppendCommand) Wait(ctx context.Context) (*AppendResult, error) {
	final, err := a.Command.Wait(ctx)
	if err != nil {
		return nil, err
	}
	res := &AppendResult{}
	if final.Code != nil {
		var au *wire.AppendUID
		switch d := final.Code.Data.(type) {
		case wire.AppendUID:
			au = &d
		case *wire.AppendUID:
			au = d
		}
		if au != nil {
			res.UIDValidity = au.UIDValidity
			for n := range au.UIDs.All() {
				res.UID = n
				break
			}
		}
	}
	return res, nil
}
