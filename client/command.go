package client

import (
	"context"
	"io"
	"iter"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/wire"
)

// Pipelining classes of a command (RFC 9051 §5.5).
type gateClass uint8

const (
	// gateAny: may run alongside anything; may cause EXPUNGE responses
	// (every command other than FETCH, STORE and SEARCH).
	gateAny gateClass = iota
	// gateSeq: uses message sequence numbers and cannot cause EXPUNGE
	// responses (FETCH, STORE, SEARCH): it waits until no command that may
	// cause EXPUNGE responses is in flight.
	gateSeq
	// gateSeqExpunge: uses message sequence numbers and may cause EXPUNGE
	// responses (COPY, MOVE).
	gateSeqExpunge
	// gateNoExpunge: cannot cause EXPUNGE and uses no sequence numbers.
	gateNoExpunge
	// gateAlone: must be alone on the wire (STARTTLS, AUTHENTICATE, LOGIN,
	// SELECT, EXAMINE, CLOSE, UNSELECT, IDLE, COMPRESS, ENABLE, LOGOUT):
	// it waits for every command in flight and holds back every later one.
	gateAlone
)

func (g gateClass) usesSeq() bool     { return g == gateSeq || g == gateSeqExpunge }
func (g gateClass) mayExpunge() bool  { return g == gateAny || g == gateSeqExpunge || g == gateAlone }
func (g gateClass) mustBeAlone() bool { return g == gateAlone }
func (g gateClass) String() string {
	return [...]string{"any", "seq", "seq+expunge", "noexpunge", "alone"}[g]
}
func classFor(usesSeq, mayExpunge bool) gateClass {
	switch {
	case usesSeq && mayExpunge:
		return gateSeqExpunge
	case usesSeq:
		return gateSeq
	case mayExpunge:
		return gateAny
	}
	return gateNoExpunge
}

// Spec describes a command for Conn.Start: what it sends, which untagged
// responses belong to it, and how it may be pipelined.
type Spec struct {
	// Name and Args are the command (the tag is assigned when it is
	// sent).
	Name string
	Args []wire.Value
	// Claim reports whether an untagged response belongs to this command.
	// The commands in flight are asked oldest first; the first that
	// claims it gets it. Claim runs on the
	// reader goroutine, without any lock of the connection held: it must
	// be quick and must not block or wait for a command, but it may read
	// the connection's state (State, Mailbox, Caps once known) and may
	// call Close. It may keep state between calls (e.g. what it already
	// claimed): calls never overlap.
	//
	// When the response carries a literal that is streamed (above the
	// stream threshold), Claim is first called when the first such
	// literal arrives, with the response parsed up to it: for FETCH, Data
	// is the *wire.FetchData with the items that precede the literal. A
	// command that claims it then gets the whole response (and streams
	// its literals); if none does, the literal is buffered and Claim is
	// called again with the complete response. A Claim that keeps state
	// should therefore record only what it claims.
	//
	// Nil claims nothing: every untagged response goes to the unclaimed
	// queue.
	Claim func(*wire.Response) bool
	// States are the connection states in which the command is valid;
	// nil means any state but logout.
	States []State
	// UsesSeqNums reports that the command refers to messages by sequence
	// number (FETCH, STORE, SEARCH, COPY, MOVE, and UID SEARCH with a
	// sequence set among its keys) (RFC 9051 §5.5).
	UsesSeqNums bool
	// NoExpunge reports that the server may not send EXPUNGE while the
	// command runs: true for FETCH, STORE and SEARCH only (RFC 9051 §5.5).
	NoExpunge bool
	// Alone reports that the command must be the only one in flight.
	Alone bool
	// Literal, when set, receives each literal of a claimed response that
	// is larger than the connection's stream threshold, on the goroutine
	// that waits for or iterates the command, as the literal arrives. It
	// must read what it wants and return; the rest is skipped. Without it,
	// such literals are buffered.
	Literal func(info *codec.LiteralInfo, r io.Reader) error

	// internal hooks, run on the reader goroutine (library code only).
	onDone func(c *Conn, resp *wire.Response) // state change on completion, any status
	onOK   func(c *Conn) error                // after OK, before the next read (STARTTLS, COMPRESS)
	// expectCont: the server answers the command line itself with "+"
	// (AUTHENTICATE, IDLE).
	expectCont bool
	// wholeLine: once its line starts going out, ctx's cancellation no
	// longer cuts it (Idle's IDLE: a cut line ends the connection, a whole
	// one is ended cleanly with DONE). ctx still bounds the waits before
	// the write, and its deadline the write.
	wholeLine bool
	// claimsByUID: Claim needs a FETCH's UID to decide (UID FETCH, UID
	// STORE); a streamed literal that precedes the UID is buffered.
	claimsByUID bool
}

func (s *Spec) class() gateClass {
	if s.Alone {
		return gateAlone
	}
	return classFor(s.UsesSeqNums, !s.NoExpunge)
}

// pendingLiteral is the literal the reader is waiting on; one per command,
// reused, since the reader hands over one literal at a time.
type pendingLiteral struct {
	info *codec.LiteralInfo
	r    io.Reader
	fn   func(info *codec.LiteralInfo, r io.Reader) error // who reads it
	done chan struct{}
}

type queued struct {
	resp *wire.Response
	lit  *pendingLiteral
	size int64 // bytes the response took on the wire
}

// Command is a command in flight. Its methods may be called from any
// goroutine; the responses it claimed are kept on its own queue until read.
type Command struct {
	conn  *Conn
	tag   string
	spec  Spec
	class gateClass

	mu        sync.Mutex
	queue     []queued
	queuedB   int64 // sum of queue[i].size
	deferred  bool
	abandoned bool
	iterating bool          // a consumer reads the queue as it fills (Responses)
	signal    chan struct{} // capacity 1: something was queued or the command finished
	space     chan struct{} // capacity 1: the consumer took something off the queue
	lit       pendingLiteral
	done      chan struct{}
	final     *wire.Response
	err       error
	limitErr  error // a literal of a response it claimed was too large

	// sink, set by FetchCommand.Messages and Collect when the command has
	// no Spec.Literal, reads the large body sections of the responses it
	// claimed on the consumer's goroutine (sectionSink).
	sink *sectionSink

	syncLit bool        // sends a synchronizing literal (gate)
	quiet   atomic.Bool // the server may stay silent (an IDLE that idles)
}

func newCommand(c *Conn, spec Spec) *Command {
	return &Command{conn: c, spec: spec, class: spec.class(), signal: make(chan struct{}, 1),
		space: make(chan struct{}, 1), done: make(chan struct{})}
}

// Tag returns the command's tag.
func (cmd *Command) Tag() string { return cmd.tag }

// Name returns the command's name.
func (cmd *Command) Name() string { return cmd.spec.Name }

func (cmd *Command) notify() {
	select {
	case cmd.signal <- struct{}{}:
	default:
	}
}

// maxQueued and maxQueuedBytes bound the responses queued on a command
// whose consumer iterates them: beyond either the reader waits for the
// consumer, so that a FETCH of a whole mailbox streams in bounded memory
// (back-pressure), even with whole messages buffered in its responses. A
// command nobody iterates (Wait, Collect) queues without bound.
const (
	maxQueued      = 1024
	maxQueuedBytes = 16 << 20
)

// push queues a claimed response (reader goroutine). It reports false if
// the command deferred its responses, in which case the caller passes the
// response on to the unclaimed queue.
func (cmd *Command) push(resp *wire.Response, size int64) bool {
	cmd.mu.Lock()
	if s := cmd.sink; s != nil {
		// The sections the sink read go back into the response first.
		keep := s.keep
		cmd.mu.Unlock()
		s.fill(resp, keep)
		cmd.mu.Lock()
	}
	for cmd.iterating && !cmd.abandoned && !cmd.deferred &&
		(len(cmd.queue) >= maxQueued || len(cmd.queue) > 0 && cmd.queuedB+size > maxQueuedBytes) {
		cmd.mu.Unlock()
		select {
		case <-cmd.space:
		case <-cmd.conn.closing:
		}
		cmd.mu.Lock()
	}
	if cmd.deferred {
		cmd.mu.Unlock()
		return false
	}
	if cmd.abandoned {
		// Nobody will read it: it is claimed (so that it reaches no
		// other command) and dropped.
		cmd.mu.Unlock()
		return true
	}
	cmd.queue = append(cmd.queue, queued{resp: resp, size: size})
	cmd.queuedB += size
	cmd.mu.Unlock()
	cmd.notify()
	return true
}

// pushLiteral hands a streamed literal to the command's consumer and waits
// until it has been read or skipped (reader goroutine), or, for a body
// section of a FETCH iterated by Messages or Collect, reads it into the
// command's section sink at once. It reports false if the command does
// not stream literals. fits says the literal is within MaxLiteralSize
// (the section sink takes no other).
func (cmd *Command) pushLiteral(info *codec.LiteralInfo, r io.Reader, fits bool) bool {
	cmd.mu.Lock()
	fn := cmd.spec.Literal
	var sink *sectionSink
	if fn == nil && cmd.sink != nil && fits && sectionItem(info.Item) {
		sink = cmd.sink
	}
	if fn == nil && sink == nil || cmd.abandoned || cmd.deferred {
		cmd.mu.Unlock()
		return false
	}
	if sink != nil {
		// Read here, on the reader goroutine, into the sink's buffers:
		// no hand-off (sectionSink).
		keep := sink.keep
		cmd.mu.Unlock()
		sink.literal(info, r, keep, cmd.conn.closing)
		return true
	}
	p := &cmd.lit
	p.info, p.r, p.fn = info, r, fn
	if p.done == nil {
		p.done = make(chan struct{}, 1)
	}
	select {
	case <-p.done: // never a stale release from an earlier literal
	default:
	}
	cmd.queue = append(cmd.queue, queued{lit: p})
	cmd.mu.Unlock()
	cmd.notify()
	select {
	case <-p.done:
	case <-cmd.conn.closing:
	}
	return true
}

// finish records the completion (reader goroutine) or the connection's end.
func (cmd *Command) finish(resp *wire.Response, err error) {
	cmd.mu.Lock()
	if cmd.final != nil || cmd.err != nil {
		cmd.mu.Unlock()
		return
	}
	cmd.final, cmd.err = resp, err
	if err == nil && resp.Status != wire.StatusOK {
		cmd.err = &StatusError{Command: cmd.spec.Name, Tag: cmd.tag, Status: resp.Status, Code: resp.Code, Text: resp.Text}
	}
	cmd.mu.Unlock()
	close(cmd.done)
	cmd.notify()
}

// next returns the next queued response, running literal consumers as they
// come, until the command finishes (then it returns nil, true). It returns
// ctx's error if ctx ends first.
func (cmd *Command) next(ctx context.Context) (*wire.Response, error) {
	for {
		cmd.mu.Lock()
		if len(cmd.queue) > 0 {
			q := cmd.queue[0]
			cmd.queue[0] = queued{}
			cmd.queue = cmd.queue[1:]
			cmd.queuedB -= q.size
			cmd.mu.Unlock()
			select {
			case cmd.space <- struct{}{}:
			default:
			}
			if q.lit != nil {
				err := q.lit.fn(q.lit.info, q.lit.r)
				release(q.lit)
				if err != nil {
					cmd.abandon()
					return nil, err
				}
				continue
			}
			return q.resp, nil
		}
		finished := cmd.final != nil || cmd.err != nil
		cmd.mu.Unlock()
		if finished {
			return nil, nil
		}
		select {
		case <-cmd.signal:
		case <-ctx.Done():
			cmd.abandon()
			return nil, ctx.Err()
		}
	}
}

// abandon is what happens when the command's consumer goes away (a loop
// over Responses or Messages left early, a context that ended during
// Wait): the command keeps running to its completion, which Wait, Err and
// Done still report, but its responses are from now on claimed and
// dropped, and its streamed literals skipped by the decoder, so that an
// abandoned download costs no memory and never stalls the reader. What was
// queued is dropped too.
func (cmd *Command) abandon() {
	cmd.mu.Lock()
	cmd.abandoned = true
	cmd.iterating = false
	select {
	case cmd.space <- struct{}{}:
	default:
	}
	for _, e := range cmd.queue {
		if e.lit != nil {
			release(e.lit)
		}
	}
	clear(cmd.queue)
	cmd.queue, cmd.queuedB = nil, 0
	sink := cmd.sink
	cmd.mu.Unlock()
	if sink != nil {
		sink.halt()
	}
}

func (cmd *Command) isAbandoned() bool {
	cmd.mu.Lock()
	defer cmd.mu.Unlock()
	return cmd.abandoned
}

// failLimit records that a literal of a response the command claimed was
// too large to buffer and was skipped: the command ends with err.
func (cmd *Command) failLimit(err error) {
	cmd.mu.Lock()
	if cmd.limitErr == nil {
		cmd.limitErr = err
	}
	cmd.mu.Unlock()
}

func (cmd *Command) limitError() error {
	cmd.mu.Lock()
	defer cmd.mu.Unlock()
	return cmd.limitErr
}

// Responses iterates over the untagged responses the command claimed, as
// they arrive, until it completes. A streamed literal is handed to
// Spec.Literal while iterating. The final pair carries a nil response and
// the completion's error (a *StatusError for NO or BAD), if any; ctx ends
// the iteration early with ctx's error.
//
// While a consumer iterates, at most 1024 responses or 16 MiB of them wait
// on the command's queue; beyond that the connection's reader waits for
// the consumer, so a command of any size streams in bounded memory. The
// loop body must therefore not wait for another command on the same
// connection to complete: start it, and wait for it after the loop.
//
// Leaving the loop early (break), or ctx ending, abandons the command:
// it runs on to its completion, but its further responses are dropped and
// its literals skipped as they arrive.
func (cmd *Command) Responses(ctx context.Context) iter.Seq2[*wire.Response, error] {
	return func(yield func(*wire.Response, error) bool) {
		cmd.mu.Lock()
		cmd.iterating = true
		cmd.mu.Unlock()
		defer func() {
			cmd.mu.Lock()
			cmd.iterating = false
			cmd.mu.Unlock()
			select {
			case cmd.space <- struct{}{}:
			default:
			}
		}()
		for {
			resp, err := cmd.next(ctx)
			if err != nil {
				yield(nil, err)
				return
			}
			if resp == nil {
				if err := cmd.Err(); err != nil {
					yield(nil, err)
				}
				return
			}
			if !yield(resp, nil) {
				cmd.abandon()
				return
			}
		}
	}
}

// Wait waits for the command to complete and returns its tagged response.
// The error is a *StatusError unless the status was OK, a *ConnError if
// the connection ended first, or ctx's error (the command is then
// abandoned: see Responses). A command that claimed a response with a
// literal above Options.MaxLiteralSize that it did not stream fails with
// an error wrapping a *codec.LimitError (codec.ErrLiteralTooLarge). Claimed responses stay on
// the queue for Responses or Collect; streamed literals are consumed.
func (cmd *Command) Wait(ctx context.Context) (*wire.Response, error) {
	return cmd.WaitStatus(ctx, wire.StatusOK)
}

// WaitStatus is Wait that accepts any of the given statuses as success:
// WaitStatus(ctx, wire.StatusOK, wire.StatusNo) returns a NO completion
// without an error.
func (cmd *Command) WaitStatus(ctx context.Context, ok ...wire.Status) (*wire.Response, error) {
	for {
		cmd.mu.Lock()
		lit := -1
		for i, q := range cmd.queue {
			if q.lit != nil {
				lit = i
				break
			}
		}
		if lit >= 0 {
			p := cmd.queue[lit].lit
			cmd.queue = slices.Delete(cmd.queue, lit, lit+1)
			cmd.mu.Unlock()
			err := p.fn(p.info, p.r)
			release(p)
			if err != nil {
				cmd.abandon()
				return nil, err
			}
			continue
		}
		final, err := cmd.final, cmd.err
		cmd.mu.Unlock()
		if final != nil || err != nil {
			if se, ok2 := err.(*StatusError); ok2 && slices.Contains(ok, se.Status) {
				return final, nil
			}
			return final, err
		}
		select {
		case <-cmd.signal:
		case <-ctx.Done():
			cmd.abandon()
			return nil, ctx.Err()
		}
	}
}

// Collect waits for the command and returns the responses it claimed that
// were not yet read.
func (cmd *Command) Collect(ctx context.Context) ([]*wire.Response, *wire.Response, error) {
	final, err := cmd.Wait(ctx)
	cmd.mu.Lock()
	var out []*wire.Response
	for _, q := range cmd.queue {
		if q.resp != nil {
			out = append(out, q.resp)
		}
	}
	cmd.queue = nil
	cmd.mu.Unlock()
	return out, final, err
}

// Defer hands the command's responses, those queued and those to come,
// to the connection's unclaimed queue and handlers, in arrival order.
func (cmd *Command) Defer() {
	cmd.mu.Lock()
	if cmd.deferred {
		cmd.mu.Unlock()
		return
	}
	cmd.deferred = true
	q := cmd.queue
	cmd.queue = nil
	cmd.mu.Unlock()
	for _, e := range q {
		if e.lit != nil {
			release(e.lit)
			continue
		}
		cmd.conn.unclaimed(e.resp)
	}
}

// Done returns a channel closed when the command has completed.
func (cmd *Command) Done() <-chan struct{} { return cmd.done }

// Final returns the command's tagged response, nil until it completes
// (and when the connection ended first).
func (cmd *Command) Final() *wire.Response {
	cmd.mu.Lock()
	defer cmd.mu.Unlock()
	return cmd.final
}

// Err returns the command's error once it has completed: nil for OK, a
// *StatusError for NO or BAD, a *ConnError if the connection ended first.
func (cmd *Command) Err() error {
	cmd.mu.Lock()
	defer cmd.mu.Unlock()
	return cmd.err
}

// release tells the reader that a streamed literal was read or skipped.
func release(p *pendingLiteral) {
	select {
	case p.done <- struct{}{}:
	default:
	}
}
