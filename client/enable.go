package client

import (
	"context"
	"strings"

	"github.com/imapkit/imapkit/wire"
)

// Enable turns on extensions that change how the server talks (RFC 5161,
// RFC 9051 §6.3.1; valid in the authenticated state only), e.g. CONDSTORE, QRESYNC, UTF8=ACCEPT, IMAP4rev2, and
// returns those the server enabled.
func (c *Conn) Enable(ctx context.Context, caps ...string) ([]string, error) {
	if err := c.Require(ctx, "ENABLE", "IMAP4rev2"); err != nil {
		return nil, err
	}
	cmd, err := c.Start(ctx, Spec{
		Name: "ENABLE", Args: atomList(caps).List, States: []State{StateAuthenticated}, Alone: true,
		Claim: claimName("ENABLED"),
	})
	if err != nil {
		return nil, err
	}
	var out []string
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return out, err
		}
		out = append(out, dataStrings(r.Data)...)
	}
	c.mu.Lock()
	for _, s := range out {
		c.enabled[strings.ToUpper(s)] = true
	}
	c.updateEncoderLocked()
	c.mu.Unlock()
	return out, nil
}

// Enabled reports whether ENABLE turned on capability name.
func (c *Conn) Enabled(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.enabled[strings.ToUpper(name)]
}

// ID exchanges implementation identification (RFC 2971): it sends the
// client's fields (nil sends NIL) and returns the server's.
func (c *Conn) ID(ctx context.Context, fields map[string]string) (map[string]string, error) {
	if err := c.Require(ctx, "ID"); err != nil {
		return nil, err
	}
	arg := wire.Nil()
	if fields != nil {
		var l []wire.Value
		for k, v := range fields {
			l = append(l, wire.Quoted(k), wire.Quoted(v))
		}
		arg = wire.List(l...)
	}
	cmd, err := c.Start(ctx, Spec{Name: "ID", Args: []wire.Value{arg}, Claim: claimOnce("ID")})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return out, err
		}
		switch d := r.Data.(type) {
		case map[string]string:
			for k, v := range d {
				out[k] = v
			}
		case []wire.Value:
			if len(d) == 1 && d[0].Kind == wire.KindList {
				l := d[0].List
				for i := 0; i+1 < len(l); i += 2 {
					out[l[i].Text()] = l[i+1].Text()
				}
			}
		}
	}
	return out, nil
}
