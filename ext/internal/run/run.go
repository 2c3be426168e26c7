// Package run holds what the newer extension packages (quota, acl,
// metadata, specialuse, sort, esort, within, multisearch, partial, gmail,
// objectid, preview, savedate) share to run a command on the client's
// raw path, to FETCH their items and to read valued capabilities. Like
// extutil it uses only the exported API of client, seqset and wire.
package run

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Data returns a Claim function that takes the untagged data responses
// named names (upper case, as wire.Response.Name has them).
func Data(names ...string) func(*wire.Response) bool {
	return func(r *wire.Response) bool {
		return r.Kind == wire.DataResponse && slices.Contains(names, r.Name)
	}
}

// Collect starts spec and gathers the responses it claims. On a NO or
// BAD completion it returns the responses read so far with the
// *client.StatusError.
func Collect(ctx context.Context, c *client.Conn, spec client.Spec) ([]*wire.Response, *wire.Response, error) {
	cmd, err := c.Start(ctx, spec)
	if err != nil {
		return nil, nil, err
	}
	var out []*wire.Response
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return out, cmd.Final(), err
		}
		out = append(out, r)
	}
	return out, cmd.Final(), nil
}

// Untyped is the error for a data response that reached a command
// without the typed result of the package's parser: the package's Install
// was not among client.Options.Extensions (or its parser failed and the
// decoder fell back to a generic tree in lenient mode).
func Untyped(pkg string, r *wire.Response) error {
	return fmt.Errorf("%s: %s response was not decoded by the %s parser (add %s.Install to client.Options.Extensions): %T",
		pkg, r.Name, pkg, pkg, r.Data)
}

// IsAtom reports whether s is a non-empty atom (RFC 9051 §9: ATOM-CHAR
// excludes atom-specials).
func IsAtom(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`(){%*"\]`, c) >= 0 {
			return false
		}
	}
	return true
}

// CapValues returns what follows prefix (matched case-insensitively, e.g.
// "THREAD=") in each capability the server advertises that starts with
// it and has something after it, in the server's order and spelling:
// callers normalise case as their RFC says. It asks for the capabilities
// first when the connection does not know them.
func CapValues(ctx context.Context, c *client.Conn, prefix string) ([]string, error) {
	caps, err := c.Caps(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, cp := range caps {
		if len(cp) > len(prefix) && strings.EqualFold(cp[:len(prefix)], prefix) {
			out = append(out, cp[len(prefix):])
		}
	}
	return out, nil
}

// Fetch runs FETCH (UID FETCH when uid is set) of set for UID and the
// extra items (RFC 9051 §6.4.5, §6.4.9) and collects its data. Like
// client.FetchCommand.Collect it returns the data read so far with an
// error that came after the command started.
func Fetch(ctx context.Context, c *client.Conn, set seqset.Set, uid bool, extra []wire.Value) ([]*wire.FetchData, error) {
	items := &client.FetchItems{UID: true, Extra: extra}
	var fc *client.FetchCommand
	var err error
	if uid {
		fc, err = c.UIDFetch(ctx, set, items, nil)
	} else {
		fc, err = c.Fetch(ctx, set, items, nil)
	}
	if err != nil {
		return nil, err
	}
	return fc.CollectMessages(ctx)
}

// SearchKeys returns the tail of a SEARCH-style command for search (ALL
// when nil): [CHARSET charset] followed by the search keys. CHARSET is
// sent when charset is set, and as UTF-8 when a key holds non-ASCII text
// and neither UTF8=ACCEPT nor IMAP4rev2 is enabled (RFC 9051 §6.4.4, RFC
// 6855 §3: once enabled, strings are UTF-8 without it).
func SearchKeys(c *client.Conn, search *client.SearchCriteria, charset string) []wire.Value {
	keys, nonASCII := search.Args()
	if charset == "" && nonASCII && !c.Enabled("UTF8=ACCEPT") && !c.Enabled("IMAP4REV2") {
		charset = "UTF-8"
	}
	if charset == "" {
		return keys
	}
	return append([]wire.Value{wire.Atom("CHARSET"), wire.Atom(charset)}, keys...)
}

// ReturnOptions returns the search-return-opts names (RFC 4466 §2.6, RFC
// 4731 §3.1: MIN, MAX, COUNT, ALL, SAVE, ...) as upper-case atoms, or an
// error prefixed with pkg naming the first that is not an atom.
func ReturnOptions(pkg string, names []string) ([]wire.Value, error) {
	out := make([]wire.Value, 0, len(names))
	for _, n := range names {
		u := strings.ToUpper(n)
		if !IsAtom(u) {
			return nil, fmt.Errorf("%s: return option %q is not an atom", pkg, n)
		}
		out = append(out, wire.Atom(u))
	}
	return out, nil
}

// Typed returns the typed data of the responses named name (of every
// response when name is ""), in order, or the Untyped error, prefixed
// with pkg, for the first whose data is not a T.
func Typed[T any](pkg, name string, resps []*wire.Response) ([]T, error) {
	var out []T
	for _, r := range resps {
		if name != "" && r.Name != name {
			continue
		}
		d, ok := r.Data.(T)
		if !ok {
			return nil, Untyped(pkg, r)
		}
		out = append(out, d)
	}
	return out, nil
}
