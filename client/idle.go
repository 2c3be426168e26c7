package client

import (
	"context"
	"errors"
	"time"

	"github.com/imapkit/imapkit/wire"
)

// idleRestart is how long one IDLE lasts before it is renewed: servers may
// end an IDLE after 30 minutes of inactivity (RFC 2177 §3, RFC 9051
// §6.3.13), so the client re-issues it after 29.
const idleRestart = 29 * time.Minute

// Idle waits for mailbox changes with IDLE (RFC 2177, RFC 9051 §6.3.13)
// until ctx ends, renewing the IDLE every 29 minutes. Changes reach the
// mailbox state, Options.MailboxUpdate and Options.Unilateral as they
// arrive. When ctx ends it sends DONE, waits for the completion and
// returns nil; the connection stays usable.
func (c *Conn) Idle(ctx context.Context) error {
	return c.idle(ctx, idleRestart)
}

func (c *Conn) idle(ctx context.Context, restart time.Duration) error {
	for {
		if err := c.idleOnce(ctx, restart); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

func (c *Conn) idleOnce(ctx context.Context, restart time.Duration) error {
	cmd, err := c.start(ctx, Spec{Name: "IDLE", States: authState, Alone: true}, func(cmd *Command) error {
		// The command owns the wire until the server's "+".
		_, err := c.awaitContinuation(context.WithoutCancel(ctx), cmd)
		return err
	})
	if err != nil {
		return err
	}
	timer := time.NewTimer(restart)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	case <-cmd.Done():
		// The server ended the IDLE by itself.
		_, err := cmd.Wait(context.Background())
		return err
	}
	if err := c.writeLine([]byte("DONE")); err != nil {
		return err
	}
	_, err = cmd.Wait(context.WithoutCancel(ctx))
	var ce *ConnError
	if errors.As(err, &ce) {
		return err
	}
	return err
}

// IdleCommand is an IDLE in flight, for callers that want to stop it
// themselves.
type IdleCommand struct {
	c   *Conn
	cmd *Command
}

// StartIdle starts IDLE and returns once the server accepted it.
func (c *Conn) StartIdle(ctx context.Context) (*IdleCommand, error) {
	cmd, err := c.start(ctx, Spec{Name: "IDLE", States: authState, Alone: true}, func(cmd *Command) error {
		_, err := c.awaitContinuation(ctx, cmd)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &IdleCommand{c: c, cmd: cmd}, nil
}

// Done stops the IDLE (sends DONE) and waits for its completion.
func (i *IdleCommand) Done(ctx context.Context) (*wire.Response, error) {
	select {
	case <-i.cmd.Done():
	default:
		if err := i.c.writeLine([]byte("DONE")); err != nil {
			return nil, err
		}
	}
	return i.cmd.Wait(ctx)
}
