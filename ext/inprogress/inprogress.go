// Package inprogress implements the INPROGRESS response code (RFC 9585):
// a server's progress notifications for a long-running command, sent as
// untagged OK responses while the command runs, e.g.
//
//	S: * OK [INPROGRESS ("A1" 2400 10000)] Processed 24% of the items
//
// Install registers the code's parser and encoder; Of reads a typed
// *Progress from a response; Watch turns them into events for
// client.Options.Unilateral. RFC 9585 defines no capability: a server may
// send the code at any time, and a client that does not know it ignores
// it (RFC 9051 §7.1).
//
// No server on the test machine sends INPROGRESS (Dovecot 2.3 predates
// it); the tests replay transcripts built from the RFC's examples and
// grammar.
//
// The package uses only the exported API of client, codec and wire.
package inprogress

import (
	"fmt"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/wire"
)

// Name is the response code's name.
const Name = "INPROGRESS"

// Progress is the argument of an INPROGRESS code (RFC 9585 §3):
//
//	"INPROGRESS" [ SP "(" progress-tag SP progress-state SP progress-goal ")" ]
//	progress-tag   = quoted / nil
//	progress-state = number / nil
//	progress-goal  = nz-number / nil
//
// Each part may be NIL: the server does not know it (or will not say).
type Progress struct {
	// Bare reports a code without arguments ("[INPROGRESS]"): the
	// command runs, nothing more is known.
	Bare bool
	// Tag is the tag of the command the progress is about; HasTag is
	// false for NIL (a server that cannot tell which command).
	Tag    string
	HasTag bool
	// Done is how much of the work is done (progress-state); Goal is how
	// much there is in all (progress-goal, never 0). The Has fields are
	// false for NIL.
	Done, Goal       uint32
	HasDone, HasGoal bool
}

// Fraction returns Done/Goal, clamped to [0, 1], when both are known.
func (p *Progress) Fraction() (float64, bool) {
	if !p.HasDone || !p.HasGoal || p.Goal == 0 {
		return 0, false
	}
	f := float64(p.Done) / float64(p.Goal)
	if f > 1 {
		f = 1
	}
	return f, true
}

// Install registers the INPROGRESS code's parser and encoder into a
// connection's registry. Use it as a client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the same into a codec registry, for a proxy or
// a test server.
func RegisterCodec(r *codec.Registry) {
	r.Code(Name, parseCode)
	r.EncodeCode(Name, encodeCode)
}

// parseCode parses what follows "INPROGRESS" (RFC 9585 §3, formal
// syntax). A malformed argument fails the parser; the decoder then keeps
// the code as a generic value (lenient mode), so a response is never
// lost for it.
func parseCode(p *codec.Parser, _ string) (any, error) {
	if c, ok := p.PeekByte(); !ok || c == ']' {
		return &Progress{Bare: true}, nil
	}
	pr := &Progress{}
	if err := p.Expect('('); err != nil {
		return nil, err
	}
	if !p.ReadNil() {
		s, err := p.ReadString()
		if err != nil {
			return nil, err
		}
		pr.Tag, pr.HasTag = s, true
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if !p.ReadNil() {
		n, err := p.ReadNumber()
		if err != nil {
			return nil, err
		}
		pr.Done, pr.HasDone = n, true
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if !p.ReadNil() {
		var n uint32
		var err error
		if p.Strict() {
			n, err = p.ReadNZNumber()
		} else {
			n, err = p.ReadNumber()
		}
		if err != nil {
			return nil, err
		}
		pr.Goal, pr.HasGoal = n, true
	}
	if err := p.Expect(')'); err != nil {
		return nil, err
	}
	return pr, nil
}

// encodeCode writes a *Progress as parseCode reads it.
func encodeCode(w *codec.Writer, c *wire.Code) error {
	pr, ok := c.Data.(*Progress)
	if !ok {
		return fmt.Errorf("inprogress: INPROGRESS code %T: %w", c.Data, codec.ErrUnsupportedData)
	}
	if pr.Bare {
		return nil
	}
	w.SP()
	w.List(func() {
		if pr.HasTag {
			w.Quoted(pr.Tag)
		} else {
			w.NIL()
		}
		w.SP()
		if pr.HasDone {
			w.Number(uint64(pr.Done))
		} else {
			w.NIL()
		}
		w.SP()
		if pr.HasGoal {
			w.Number(uint64(pr.Goal))
		} else {
			w.NIL()
		}
	})
	return nil
}

// Of returns the progress an untagged OK response carries (RFC 9585 §3:
// the code is only sent in untagged OK responses), false for any other
// response or one decoded without Install.
func Of(r *wire.Response) (*Progress, bool) {
	if r == nil || r.Code == nil || r.Code.Name != Name || r.Kind != wire.StatusResponse || r.Tag != "*" || r.Status != wire.StatusOK {
		return nil, false
	}
	pr, ok := r.Code.Data.(*Progress)
	return pr, ok
}

// Event is one progress notification: the progress and the human text
// the server sent with it.
type Event struct {
	Progress *Progress
	Text     string
}

// Watch returns a function for client.Options.Unilateral that calls fn
// with every progress notification, in arrival order, and passes every
// other response to next (which may be nil). Notifications with a tag
// belong to the command with that tag (client.Command.Tag); filter with
// Progress.Tag to follow one command.
func Watch(fn func(Event), next func(*wire.Response)) func(*wire.Response) {
	return func(r *wire.Response) {
		if pr, ok := Of(r); ok {
			fn(Event{Progress: pr, Text: r.Text})
			return
		}
		if next != nil {
			next(r)
		}
	}
}
