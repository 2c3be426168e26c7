package client

import (
	"strings"

	"github.com/imapkit/imapkit/codec"
)

// An Extension installs what an IMAP extension adds into a connection's
// registry: parsers for its data, response codes and FETCH items, and
// changes to the commands it extends. The base protocol installs itself
// the same way (codec.RegisterBase), so nothing in the core is special.
type Extension func(r *Registry)

// Registry is what one connection understands. It is filled by the
// Extensions in Options before the connection starts and is frozen from
// then on; it is never shared between connections.
type Registry struct {
	codec     *codec.Registry
	modifiers map[string][]func(*Conn, *Spec)
	checks    map[string][]CommandCheck
	values    map[any]any
	frozen    bool

	untagged      map[string][]UntaggedHook
	codes         map[string][]CodeHook
	completions   map[string][]CompletionHook
	continuations []ContinuationHook
}

func newRegistry() *Registry {
	r := &Registry{
		codec:       codec.NewBaseRegistry(),
		modifiers:   map[string][]func(*Conn, *Spec){},
		checks:      map[string][]CommandCheck{},
		values:      map[any]any{},
		untagged:    map[string][]UntaggedHook{},
		codes:       map[string][]CodeHook{},
		completions: map[string][]CompletionHook{},
	}
	registerBase(r)
	return r
}

func (r *Registry) check() {
	if r.frozen {
		panic("client: Registry used after the connection started")
	}
}

// Data registers the parser of untagged data named name (e.g. "ESEARCH").
func (r *Registry) Data(name string, p codec.DataParser) {
	r.check()
	r.codec.Data(name, p)
}

// Code registers the parser of the response code named name (e.g.
// "HIGHESTMODSEQ").
func (r *Registry) Code(name string, p codec.CodeParser) {
	r.check()
	r.codec.Code(name, p)
}

// FetchItem registers the parser of the FETCH item named name (e.g.
// "MODSEQ").
func (r *Registry) FetchItem(name string, p codec.FetchItemParser) {
	r.check()
	r.codec.FetchItem(name, p)
}

// ModifyCommand registers fn to adjust every command named name (e.g.
// "SEARCH", "UID FETCH") before it is sent; fn may consult the connection
// (Has, Enabled, Mailbox) to decide. Several extensions may modify one
// command; they run in the order registered. fn must not send commands.
// fn runs before the command waits for its turn; to refuse a command, use
// CheckCommand, which runs once the command may be sent.
func (r *Registry) ModifyCommand(name string, fn func(*Conn, *Spec)) {
	r.check()
	name = strings.ToUpper(name)
	r.modifiers[name] = append(r.modifiers[name], fn)
}

// SetValue stores val under key for this connection, as context.Value
// does for a context: an extension keeps its per-connection state there
// (its hooks close over it) and finds it again from the *Conn with
// Conn.Value, or from the registry with Value (to install itself once
// when several extensions install it). key must be comparable; use a
// value of an unexported type, as for context keys.
func (r *Registry) SetValue(key, val any) {
	r.check()
	r.values[key] = val
}

// Value returns what SetValue stored under key, or nil.
func (r *Registry) Value(key any) any { return r.values[key] }

// Codec returns the codec registry, for extensions that need more than
// the methods above. It is the connection's own, to register into while
// the extensions install; from the start of the connection on, its
// decoder reads it without a lock, so it must not change (and should not
// be kept for later). A Conn offers no way back to it: hooks, claims and
// commands get responses already decoded, with a failed or unknown
// item's generic value kept for the extension's accessor to read (no
// extension in this repository decodes bytes itself), and code that must
// decode bytes as the connection does (a proxy, a test server, a cache
// of raw responses) builds a registry of its own from the same
// extensions' RegisterCodec functions. Per-connection state an extension
// needs after dial goes through SetValue and Conn.Value.
func (r *Registry) Codec() *codec.Registry { return r.codec }

func (r *Registry) modify(c *Conn, s Spec) Spec {
	for _, fn := range r.modifiers[strings.ToUpper(s.Name)] {
		fn(c, &s)
	}
	return s
}
