package client

import (
	"strings"

	"github.com/imapkit/imapkit/wire"
)

// Reader-side hooks let an extension change what the connection knows
// when a response arrives: QRESYNC's VANISHED shrinks the mailbox,
// UNAUTHENTICATE takes the connection back to the not-authenticated
// state, CONDSTORE keeps HIGHESTMODSEQ. The base protocol keeps its own
// state (EXISTS, EXPUNGE, FLAGS, UIDVALIDITY, CAPABILITY, ...) through
// the same hooks, registered before any extension's.
//
// The rules, for every hook:
//
//   - Hooks run on the reader goroutine, one at a time, in the order
//     they were registered (the base protocol's first), before the
//     response is offered to the commands in flight (Spec.Claim), so a
//     command sees the state its responses caused.
//   - They run with the connection's lock held: they must be quick, must
//     not block, must not send commands or wait for one, and must not call
//     any method of Conn (that would deadlock). What they may read and
//     change is reachable through the *Hook handle they get, which is
//     valid only during the call.
//   - They may change the selected mailbox in place (Hook.Mailbox), set
//     the connection state (Hook.SetState, for UNAUTHENTICATE-like
//     resets), and emit MailboxEvents (Hook.Emit), which reach
//     Options.MailboxUpdate on the event goroutine after the hooks ran.
//   - They must treat the response as read-only and must not keep it, nor
//     the Mailbox pointer, after they return.
//   - Input is hostile: a hook must cope with data of an unexpected type
//     (a parser's generic fallback) and must bound every loop by what it
//     holds, not by what the server claims.

// UntaggedHook runs for an untagged response (data or status).
type UntaggedHook func(h *Hook, resp *wire.Response)

// CodeHook runs for a response code, in an untagged status response, a
// completion or the greeting; resp.Code is the code.
type CodeHook func(h *Hook, resp *wire.Response)

// CompletionHook runs for a command's completion (tagged OK, NO or BAD),
// after the base protocol applied it (a SELECT's mailbox is selected, a
// CLOSE's deselected) and before the command's caller sees it.
// Hook.Command names the command.
type CompletionHook func(h *Hook, resp *wire.Response)

// ContinuationHook runs for a continuation request ("+"), before it is
// handed to the command waiting for it (Hook.Command, empty when none
// waits). It observes; it cannot withhold the request from the command.
type ContinuationHook func(h *Hook, resp *wire.Response)

// OnUntagged registers fn for untagged responses named name: a data
// response's name ("FETCH", "VANISHED", "EXISTS") or the status of an
// untagged status response ("OK", "NO", "BAD", "BYE", "PREAUTH"). An
// empty name is every untagged response.
func (r *Registry) OnUntagged(name string, fn UntaggedHook) {
	r.check()
	name = strings.ToUpper(name)
	r.untagged[name] = append(r.untagged[name], fn)
}

// OnCode registers fn for response codes named name (e.g.
// "HIGHESTMODSEQ"), wherever they appear. An empty name is every code.
func (r *Registry) OnCode(name string, fn CodeHook) {
	r.check()
	name = strings.ToUpper(name)
	r.codes[name] = append(r.codes[name], fn)
}

// OnCompletion registers fn for the completions of commands named command
// (e.g. "SELECT", "UID EXPUNGE"); an empty command is every completion.
func (r *Registry) OnCompletion(command string, fn CompletionHook) {
	r.check()
	command = strings.ToUpper(command)
	r.completions[command] = append(r.completions[command], fn)
}

// OnContinuation registers fn for every continuation request.
func (r *Registry) OnContinuation(fn ContinuationHook) {
	r.check()
	r.continuations = append(r.continuations, fn)
}

// Hook is what a reader-side hook may see and change. It is valid only
// during the hook's call; see the rules above UntaggedHook.
type Hook struct {
	c      *Conn
	cmd    *Command
	resp   *wire.Response // the response the hooks run for
	events []MailboxEvent
}

// Mailbox returns the selected mailbox's live state, which the hook may
// change in place, or nil when none is selected (nor being selected).
// During a SELECT or EXAMINE it is the mailbox being selected.
func (h *Hook) Mailbox() *Mailbox { return h.c.mbox }

// Selecting reports that a SELECT or EXAMINE is in flight: its responses
// describe the new mailbox and are not news, so hooks usually emit no
// events for them.
func (h *Hook) Selecting() bool { return h.c.selecting }

// State returns the connection state.
func (h *Hook) State() State { return h.c.state }

// SetState sets the connection state, for commands that change it in ways
// the base protocol does not know (UNAUTHENTICATE, RFC 8437). Leaving the
// selected state drops the mailbox and emits EventClosed. Going back to
// StateNotAuthenticated also forgets what ENABLE enabled (RFC 8437 §4.1)
// and the capabilities, which are asked again when next needed, as after
// authentication (RFC 9051 §6.2.2) — unless the response the hook runs
// for carries a CAPABILITY code: those are the server's capabilities in
// the new state, and are kept.
func (h *Hook) SetState(s State) {
	c := h.c
	if s == c.state {
		return
	}
	if s != StateSelected && c.mbox != nil {
		h.events = append(h.events, MailboxEvent{Kind: EventClosed, Mailbox: c.mbox.clone()})
		c.mbox = nil
	}
	if s == StateNotAuthenticated {
		clear(c.enabled)
		if h.resp == nil || h.resp.Code == nil || !strings.EqualFold(h.resp.Code.Name, "CAPABILITY") {
			c.caps = map[string]bool{}
			c.capNames = nil
			c.capsKnown = false
		}
		c.dec.SetUTF8(false) // the reader goroutine owns the decoder
		c.updateEncoderLocked()
	}
	c.state = s
	c.broadcastLocked()
}

// Enabled reports whether the server enabled the extension name (ENABLE,
// RFC 5161).
func (h *Hook) Enabled(name string) bool { return h.c.enabled[strings.ToUpper(name)] }

// Has reports whether the server advertised the capability name, as far
// as the connection knows (false while the capabilities are unknown).
func (h *Hook) Has(name string) bool { return h.c.caps[strings.ToUpper(name)] }

// Command returns the name and arguments of the command a completion or
// continuation belongs to; an empty name for untagged responses and a
// continuation nobody waits for.
func (h *Hook) Command() (name string, args []wire.Value) {
	if h.cmd == nil {
		return "", nil
	}
	return strings.ToUpper(h.cmd.spec.Name), h.cmd.spec.Args
}

// Emit queues a mailbox event for Options.MailboxUpdate. When ev.Mailbox
// is nil it is set to a copy of the mailbox state after every hook of the
// response ran. Extensions report their own news with EventExtension and
// a Name and Data of their choosing.
func (h *Hook) Emit(ev MailboxEvent) { h.events = append(h.events, ev) }

// finish fills in the mailbox copies and returns the events.
func (h *Hook) finish() []MailboxEvent {
	var snap *Mailbox
	for i := range h.events {
		if h.events[i].Mailbox == nil {
			if snap == nil {
				snap = h.c.mbox.clone()
				if snap == nil {
					snap = &Mailbox{}
				}
			}
			h.events[i].Mailbox = snap.clone()
		}
	}
	return h.events
}

// runUntaggedLocked runs the hooks of an untagged response, then those of
// its code.
func (c *Conn) runUntaggedLocked(h *Hook, resp *wire.Response) {
	name := resp.Name
	if resp.Kind == wire.StatusResponse {
		name = resp.Status.String()
	}
	for _, fn := range c.reg.untagged[""] {
		fn(h, resp)
	}
	for _, fn := range c.reg.untagged[name] {
		fn(h, resp)
	}
	c.runCodeLocked(h, resp)
}

func (c *Conn) runCodeLocked(h *Hook, resp *wire.Response) {
	if resp.Code == nil {
		return
	}
	for _, fn := range c.reg.codes[""] {
		fn(h, resp)
	}
	for _, fn := range c.reg.codes[strings.ToUpper(resp.Code.Name)] {
		fn(h, resp)
	}
}

func (c *Conn) runCompletionLocked(h *Hook, resp *wire.Response) {
	for _, fn := range c.reg.completions[""] {
		fn(h, resp)
	}
	for _, fn := range c.reg.completions[strings.ToUpper(h.cmd.spec.Name)] {
		fn(h, resp)
	}
}
