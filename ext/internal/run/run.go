// Package run holds what the newer extension packages (quota, acl,
// metadata, specialuse, sort, esort, within, multisearch, partial) share
// to run a command on the client's raw path. Like extutil it uses only
// the exported API of client and wire.
package run

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/imapkit/imapkit/client"
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
