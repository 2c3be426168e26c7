// Package parse holds the response-parsing loops the extension packages
// share. It uses only the exported API of codec.
package parse

import (
	"fmt"

	"github.com/imapkit/imapkit/codec"
)

// SPItems reads *(SP item) up to the end of the response, as in RFC 4314
// §7's acl-data or RFC 9208 §7's quotaroot-response: item reads one item
// after its SP (and keeps it). More than limit items is a syntax error
// naming what (a plural, e.g. "ACL entries"): the count is the server's
// to claim, not to allocate. A trailing SP before the end is an error in
// strict mode and is passed over leniently.
func SPItems(p *codec.Parser, limit int, what string, item func() error) error {
	for n := 0; !p.AtEnd(); n++ {
		if n >= limit {
			return p.SyntaxError(fmt.Sprintf("at most %d %s", limit, what))
		}
		if err := p.ReadSP(); err != nil {
			return err
		}
		if p.AtEnd() && !p.Strict() {
			return nil // a trailing space
		}
		if err := item(); err != nil {
			return err
		}
	}
	return nil
}
