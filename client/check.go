package client

import "strings"

// A CommandCheck decides, just before a command is sent, whether it may
// be: an extension refuses a command the connection's state forbids
// (UIDONLY refuses sequence numbers, RFC 9586 §3) by returning an error,
// and the command then fails with that very error, as returned, before
// anything of it reaches the wire.
//
// The rules:
//
//   - A check runs on the goroutine that called the command's method
//     (Start, Fetch, Store, ...), never on the reader goroutine, once the
//     command may be sent: after the commands it waits for (RFC 9051 §5.5:
//     an ENABLE, a SELECT in flight) have completed, so it judges the
//     state the command would be sent in, and a command that waits is
//     refused only when its turn comes. It runs before the command gets
//     a tag. A check may run more than once for one command (when the
//     command first has to end an IDLE, it is checked before the DONE is
//     sent, then again before its own line); only the last call decides.
//   - It runs with the connection's lock held: it must be quick, must not
//     block, must not send commands or wait for one, and must not call
//     any method of Conn (that would deadlock). What it may read is on the
//     *CommandView it gets, valid only during the call.
//   - spec is the command as it will be sent, after every ModifyCommand;
//     the check must treat it (its Args, its Claim) as read-only.
//   - A refusal touches nothing else: no tag is used, nothing is written,
//     no IDLE is ended, the commands in flight and those waiting go on as
//     if the refused one had never been issued.
type CommandCheck func(v *CommandView, spec *Spec) error

// CheckCommand registers fn to check every command named name (e.g.
// "FETCH", "UID SEARCH") before it is sent; an empty name checks every
// command. Checks run in the order registered, those for every command
// first (as for the reader-side hooks); the first error refuses the
// command. See CommandCheck.
func (r *Registry) CheckCommand(name string, fn CommandCheck) {
	r.check()
	name = strings.ToUpper(name)
	r.checks[name] = append(r.checks[name], fn)
}

// CommandView is what a CommandCheck may read of the connection. It is
// valid only during the call.
type CommandView struct {
	c *Conn
}

// State returns the connection state the command would be sent in.
func (v *CommandView) State() State { return v.c.state }

// Enabled reports whether the server enabled the extension name (ENABLE,
// RFC 5161).
func (v *CommandView) Enabled(name string) bool { return v.c.enabled[strings.ToUpper(name)] }

// Has reports whether the server advertised the capability name, as far
// as the connection knows (false while the capabilities are unknown).
func (v *CommandView) Has(name string) bool { return v.c.capsKnown && v.c.caps[strings.ToUpper(name)] }

// Mailbox returns a copy of the selected mailbox's state, or nil when
// none is selected.
func (v *CommandView) Mailbox() *Mailbox {
	if v.c.state != StateSelected {
		return nil
	}
	return v.c.mbox.clone()
}

// checkLocked runs the registered checks of spec; c.mu is held.
func (c *Conn) checkLocked(spec *Spec) error {
	if len(c.reg.checks) == 0 {
		return nil
	}
	v := &CommandView{c: c}
	for _, fn := range c.reg.checks[""] {
		if err := fn(v, spec); err != nil {
			return err
		}
	}
	for _, fn := range c.reg.checks[strings.ToUpper(spec.Name)] {
		if err := fn(v, spec); err != nil {
			return err
		}
	}
	return nil
}
