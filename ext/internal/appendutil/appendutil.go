// Package appendutil builds what the APPEND-like commands of the
// extension packages (CATENATE, BINARY, UTF8=ACCEPT, REPLACE,
// APPENDLIMIT) share, on the exported API of client, codec and wire.
package appendutil

import (
	"context"
	"io"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/wire"
)

// AuthStates are the states APPEND is valid in (RFC 9051 §6.3.12).
var AuthStates = []client.State{client.StateAuthenticated, client.StateSelected}

// Options appends the optional flag list and date-time of one message
// (RFC 9051 §6.3.12: [SP flag-list] [SP date-time]).
func Options(out []wire.Value, o *client.AppendOptions) []wire.Value {
	if o == nil {
		return out
	}
	if len(o.Flags) > 0 {
		vals := make([]wire.Value, len(o.Flags))
		for i, f := range o.Flags {
			vals[i] = wire.Atom(f)
		}
		out = append(out, wire.List(vals...))
	}
	if !o.Date.IsZero() {
		out = append(out, codec.DateTime(o.Date))
	}
	return out
}

// Literal8 is a binary literal ~{n} (RFC 3516 §4.1, RFC 4466) of size
// octets read from r.
func Literal8(r io.Reader, size int64) wire.Value {
	v := wire.LiteralReader(r, size)
	v.Form = wire.FormLiteral8
	return v
}

// AppendUID returns the APPENDUID code of resp (RFC 4315 §3), typed by
// the base protocol's parser or generic.
func AppendUID(resp *wire.Response) (*client.AppendResult, bool) {
	if resp == nil || resp.Code == nil || resp.Code.Name != "APPENDUID" {
		return nil, false
	}
	switch d := resp.Code.Data.(type) {
	case wire.AppendUID:
		if n, ok := single(d); ok {
			return &client.AppendResult{UIDValidity: d.UIDValidity, UID: n}, true
		}
	case *wire.AppendUID:
		if d != nil {
			if n, ok := single(*d); ok {
				return &client.AppendResult{UIDValidity: d.UIDValidity, UID: n}, true
			}
		}
	}
	if a := resp.Code.Args; len(a) == 2 && a[0].Kind == wire.KindNumber && a[1].Kind == wire.KindNumber {
		return &client.AppendResult{UIDValidity: uint32(a[0].Num), UID: uint32(a[1].Num)}, true
	}
	return nil, false
}

func single(d wire.AppendUID) (uint32, bool) {
	for n := range d.UIDs.All() {
		return n, true
	}
	return 0, false
}

// Run sends an APPEND-like command and returns its APPENDUID, from the
// tagged OK or (REPLACE, RFC 8508 §3.4) an untagged OK it claimed, and
// the sequence numbers of the EXPUNGE responses it claimed.
func Run(ctx context.Context, c *client.Conn, spec client.Spec) (*client.AppendResult, []uint32, error) {
	if spec.States == nil {
		spec.States = AuthStates
	}
	cmd, err := c.Start(ctx, spec)
	if err != nil {
		return nil, nil, err
	}
	var res *client.AppendResult
	var expunged []uint32
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return res, expunged, err
		}
		if r.Kind == wire.DataResponse && r.Name == "EXPUNGE" {
			expunged = append(expunged, r.Num)
		} else if au, ok := AppendUID(r); ok && res == nil {
			res = au
		}
	}
	if au, ok := AppendUID(cmd.Final()); ok && res == nil {
		res = au
	}
	if res == nil {
		res = &client.AppendResult{}
	}
	return res, expunged, nil
}
