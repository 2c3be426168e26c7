package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/imapkit/imapkit/wire"
)

// idleRestart is how long one IDLE lasts before it is renewed: servers may
// end an IDLE after 30 minutes of inactivity (RFC 2177 §3, RFC 9051
// §6.3.13), so the client re-issues it after 29.
const idleRestart = 29 * time.Minute

// idleRun is the IDLE that Idle runs: another command interrupts it.
type idleRun struct {
	cmd  *Command
	once sync.Once
	stop chan struct{}
}

func (r *idleRun) interrupt() { r.once.Do(func() { close(r.stop) }) }

// Idle waits for mailbox changes with IDLE (RFC 2177, RFC 9051 §6.3.13)
// until ctx ends, renewing the IDLE every 29 minutes. Changes reach the
// mailbox state, Options.MailboxUpdate and Options.Unilateral as they
// arrive. When ctx ends it sends DONE, waits for the completion (bounded
// by Options.InactivityTimeout) and returns nil; the connection stays
// usable. A ctx that ends before the server accepted the IDLE returns at
// once too: DONE follows the server's "+" in the background. A ctx that
// ends before IDLE was sent (already ended, or while Idle waits to
// re-issue it after another command) returns nil and sends nothing; an
// IDLE line being written is finished, not cut short, and then ended.
//
// So Idle returns nil whenever it stops because ctx ended, at any moment.
// It returns an error only when the server refuses or ends the IDLE by
// itself (a *StatusError), or the connection fails (a *ConnError, also
// when no completion follows DONE within the timeout).
//
// A command started from another goroutine (or from a handler) while Idle
// runs ends the IDLE: Idle sends DONE, the command runs, and Idle issues a
// new IDLE once no command is in flight or waiting to start. Mailbox
// changes that arrive in between are reported as usual.
func (c *Conn) Idle(ctx context.Context) error {
	return c.idle(ctx, idleRestart, nil)
}

// IdleNotify is Idle that calls accepted, on the calling goroutine, each
// time the server accepts an IDLE with its continuation request (RFC 9051
// §6.3.13): from then on, changes are reported without polling. It is
// called again after each renewal or interruption. accepted must return
// quickly; it may start commands, which end the IDLE as described for
// Idle.
func (c *Conn) IdleNotify(ctx context.Context, accepted func()) error {
	return c.idle(ctx, idleRestart, accepted)
}

func (c *Conn) idle(ctx context.Context, restart time.Duration, accepted func()) error {
	if err := c.Require(ctx, "IDLE", "IMAP4rev2"); err != nil {
		return err
	}
	for {
		if err := c.idleOnce(ctx, restart, accepted); err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) && c.Err() == nil {
				// ctx ended while the next IDLE waited to be sent: it
				// was never sent, and Idle is over as documented.
				return nil
			}
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := c.waitQuiet(ctx); err != nil {
			return nil // ctx ended while others ran: Idle is over
		}
	}
}

// waitQuiet waits until no command is in flight or waiting to start.
func (c *Conn) waitQuiet(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.inflight) > 0 || c.starting > 0 {
		if c.err != nil {
			return c.connErr()
		}
		ch := c.changed
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			c.mu.Lock()
			return ctx.Err()
		}
		c.mu.Lock()
	}
	return nil
}

// idleOnce runs one IDLE until ctx ends, restart passes, another command
// interrupts it, or the server ends it.
func (c *Conn) idleOnce(ctx context.Context, restart time.Duration, onAccept func()) error {
	if ctx.Err() != nil {
		return nil // ended before IDLE was sent: nothing to stop
	}
	run := &idleRun{stop: make(chan struct{})}
	cmd, err := c.start(ctx, Spec{Name: "IDLE", States: authState, Alone: true, expectCont: true, wholeLine: true}, func(cmd *Command) error {
		c.mu.Lock()
		run.cmd = cmd
		c.idler = run
		c.mu.Unlock()
		return nil
	})
	if err != nil {
		if cmd != nil {
			c.endIdler(run)
		}
		return err
	}
	defer c.endIdler(run)
	// Wait for the server to accept the IDLE.
	accepted := make(chan error, 1)
	go func() {
		_, err := c.awaitContinuation(context.Background(), cmd)
		accepted <- err
	}()
	select {
	case err := <-accepted:
		if err != nil {
			if cmd.Err() != nil {
				return cmd.Err() // refused (NO, BAD) or the connection ended
			}
			return err
		}
	case <-ctx.Done():
		// Return now; DONE follows the "+" (a refusal needs nothing).
		go func() {
			if err := <-accepted; err == nil {
				c.idleDone(context.Background(), cmd)
			}
		}()
		return nil
	}
	cmd.quiet.Store(true) // idling: the server may stay silent
	c.armDeadline()
	if onAccept != nil {
		onAccept()
	}
	timer := time.NewTimer(restart)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	case <-run.stop:
	case <-cmd.Done():
		// The server ended the IDLE by itself.
		_, err := cmd.Wait(context.Background())
		return err
	}
	return c.idleDone(ctx, cmd)
}

func (c *Conn) endIdler(run *idleRun) {
	c.mu.Lock()
	if c.idler == run {
		c.idler = nil
	}
	c.mu.Unlock()
}

// idleDone sends DONE and waits for the IDLE's completion, for at most
// the inactivity timeout (2 minutes when none is set): a server that never
// completes the IDLE ends the connection with ErrTimeout.
func (c *Conn) idleDone(ctx context.Context, cmd *Command) error {
	cmd.quiet.Store(false)
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.doneTimeout())
	defer cancel()
	if err := c.writeLine(wctx, cmd, []byte("DONE"), false); err != nil {
		return err
	}
	_, err := cmd.Wait(wctx)
	if err != nil && wctx.Err() != nil {
		// The inactivity timeout may have ended the connection at the
		// same moment: its error then says it.
		if cerr := cmd.Err(); cerr != nil {
			return cerr
		}
		err = fmt.Errorf("client: %s IDLE: no completion after DONE within %v: %w", cmd.tag, c.doneTimeout(), ErrTimeout)
		c.fail(err)
		return &ConnError{Err: err}
	}
	return err
}

func (c *Conn) doneTimeout() time.Duration {
	if d := c.opts.inactivityTimeout(); d > 0 {
		return d
	}
	return 2 * time.Minute
}

// IdleCommand is an IDLE in flight, for callers that want to stop it
// themselves. Unlike Idle, it is not ended by other commands: they wait
// until Done.
type IdleCommand struct {
	c   *Conn
	cmd *Command
}

// StartIdle starts IDLE and returns once the server accepted it. A ctx
// that ends before that closes the connection.
func (c *Conn) StartIdle(ctx context.Context) (*IdleCommand, error) {
	if err := c.Require(ctx, "IDLE", "IMAP4rev2"); err != nil {
		return nil, err
	}
	cmd, err := c.start(ctx, Spec{Name: "IDLE", States: authState, Alone: true, expectCont: true}, func(cmd *Command) error {
		_, err := c.awaitContinuation(ctx, cmd)
		return err
	})
	if err != nil {
		if cmd != nil {
			c.disarm(cmd)
			if cerr := cmd.Err(); cerr != nil {
				return nil, cerr
			}
		}
		return nil, err
	}
	cmd.quiet.Store(true)
	c.armDeadline()
	return &IdleCommand{c: c, cmd: cmd}, nil
}

// Done stops the IDLE (sends DONE) and waits for its completion; ctx
// bounds both.
func (i *IdleCommand) Done(ctx context.Context) (*wire.Response, error) {
	select {
	case <-i.cmd.Done():
	default:
		i.cmd.quiet.Store(false)
		if err := i.c.writeLine(ctx, i.cmd, []byte("DONE"), false); err != nil {
			return nil, err
		}
	}
	return i.cmd.Wait(ctx)
}
