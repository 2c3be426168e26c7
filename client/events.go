package client

import (
	"context"
	"sync"

	"github.com/imapkit/imapkit/wire"
)

// eventQueue runs the user's handlers on a goroutine of its own, in
// arrival order, so that the reader never waits for user code and a
// handler may issue commands.
type eventQueue struct {
	unilateral func(*wire.Response)
	mailboxFn  func(MailboxEvent)

	mu      sync.Mutex
	items   []any
	wake    chan struct{}
	stopped bool
	done    chan struct{}
	dropped uint64 // events not queued: maxQueuedEvents were waiting
}

// maxQueuedEvents bounds the handler queue: a handler that never returns
// must not let a server grow the client's memory without limit.
const maxQueuedEvents = 1 << 16

func (q *eventQueue) start(unilateral func(*wire.Response), mailbox func(MailboxEvent)) {
	q.unilateral, q.mailboxFn = unilateral, mailbox
	q.wake = make(chan struct{}, 1)
	q.done = make(chan struct{})
	if unilateral == nil && mailbox == nil {
		close(q.done)
		return
	}
	go q.run()
}

func (q *eventQueue) push(e any) {
	if q.unilateral == nil && q.mailboxFn == nil {
		return
	}
	q.mu.Lock()
	if q.stopped {
		q.mu.Unlock()
		return
	}
	if len(q.items) >= maxQueuedEvents {
		q.dropped++
		q.mu.Unlock()
		return
	}
	q.items = append(q.items, e)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *eventQueue) mailbox(evs []MailboxEvent) {
	if q.mailboxFn == nil {
		return
	}
	for _, e := range evs {
		q.push(e)
	}
}

func (q *eventQueue) run() {
	defer close(q.done)
	for {
		q.mu.Lock()
		items := q.items
		q.items = nil
		stopped := q.stopped
		q.mu.Unlock()
		for _, it := range items {
			switch e := it.(type) {
			case *wire.Response:
				if q.unilateral != nil {
					q.unilateral(e)
				}
			case MailboxEvent:
				if q.mailboxFn != nil {
					q.mailboxFn(e)
				}
			}
		}
		if stopped && len(items) == 0 {
			return
		}
		if len(items) == 0 {
			<-q.wake
		}
	}
}

// stop lets the queue finish what it holds, then ends its goroutine. It
// does not wait, so a handler may call Close.
func (q *eventQueue) stop() {
	q.mu.Lock()
	q.stopped = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// unclaimed queues a response no command claimed, keeping arrival order
// (Command.Defer may hand over older responses late).
func (c *Conn) unclaimed(resp *wire.Response) {
	c.unclaimMu.Lock()
	q := c.unclaimQ
	i := len(q)
	for i > 0 && q[i-1].Seq > resp.Seq {
		i--
	}
	q = append(q, nil)
	copy(q[i+1:], q[i:])
	q[i] = resp
	if max := c.opts.unclaimedQueueSize(); len(q) > max {
		c.dropped += uint64(len(q) - max)
		q = q[len(q)-max:]
	}
	c.unclaimQ = q
	c.unclaimMu.Unlock()
	select {
	case c.unclaimCh <- struct{}{}:
	default:
	}
	c.events.push(resp)
}

// Unclaimed returns the oldest response that no command claimed, waiting
// for one until ctx ends. Responses are kept in arrival order; when more
// than Options.UnclaimedQueueSize wait, the oldest are dropped (Dropped
// counts them).
func (c *Conn) Unclaimed(ctx context.Context) (*wire.Response, error) {
	for {
		c.unclaimMu.Lock()
		if len(c.unclaimQ) > 0 {
			r := c.unclaimQ[0]
			c.unclaimQ[0] = nil
			c.unclaimQ = c.unclaimQ[1:]
			c.unclaimMu.Unlock()
			return r, nil
		}
		c.unclaimMu.Unlock()
		select {
		case <-c.unclaimCh:
		case <-c.closing:
			c.unclaimMu.Lock()
			n := len(c.unclaimQ)
			c.unclaimMu.Unlock()
			if n == 0 {
				c.mu.Lock()
				defer c.mu.Unlock()
				return nil, c.connErr()
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Dropped returns how many unclaimed responses were dropped because the
// unclaimed queue was full.
func (c *Conn) Dropped() uint64 {
	c.unclaimMu.Lock()
	defer c.unclaimMu.Unlock()
	return c.dropped
}

// DroppedEvents returns how many events for Options.Unilateral and
// Options.MailboxUpdate were dropped, never delivered, because 65,536
// were already waiting for a slow handler.
func (c *Conn) DroppedEvents() uint64 {
	q := &c.events
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}

// StrayContinuations returns how many continuation requests ("+") the
// server sent while no command was waiting for one. Each was dropped
// (never kept to release a later literal before the server asked for it,
// RFC 9051 §7.6); a count above zero points at a server that misreads
// the commands' literals or at a man in the middle. ContinuationHook
// observes them as they come (Hook.Command empty).
func (c *Conn) StrayContinuations() uint64 { return c.strayCont.Load() }
