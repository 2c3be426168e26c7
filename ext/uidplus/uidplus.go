// Package uidplus implements the UIDPLUS extension (RFC 4315): the
// APPENDUID and COPYUID response codes, which tell the client the UIDs
// that APPEND, COPY and MOVE gave to messages in the target mailbox, and
// UID EXPUNGE, which expunges only the given messages.
//
// It uses only the exported API of client, codec and wire; an extension
// written in another module would look the same.
//
// RFC 9051 folded UIDPLUS into IMAP4rev2, so the base protocol's registry
// (codec.RegisterBase) already parses APPENDUID into a *wire.AppendUID and
// COPYUID into a *wire.CopyUID. Install registers parsers with the same
// syntax and the same result types: on a client, where the base is always
// installed, it changes nothing and is harmless to call. It matters for a
// codec registry built without the base (codec.NewRegistry plus
// RegisterCodec), and it is the reference for how an extension registers
// response codes.
package uidplus

import (
	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Install registers the APPENDUID and COPYUID response-code parsers into
// a connection's registry. Use it as a client.Extension:
//
//	client.Dial(ctx, addr, &client.Options{Extensions: []client.Extension{uidplus.Install}})
func Install(r *client.Registry) {
	r.Code("APPENDUID", parseAppendUID)
	r.Code("COPYUID", parseCopyUID)
}

// RegisterCodec registers the same parsers into a codec registry, for a
// proxy or a test server that uses the codec without a client.
func RegisterCodec(r *codec.Registry) {
	r.Code("APPENDUID", parseAppendUID)
	r.Code("COPYUID", parseCopyUID)
}

// parseAppendUID parses "APPENDUID" SP nz-number SP append-uid
// (RFC 4315 §4: append-uid = uniqueid, or a uid-set after MULTIAPPEND).
func parseAppendUID(p *codec.Parser, _ string) (any, error) {
	v, err := p.ReadNZNumber()
	if err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	uids, err := readUIDSet(p)
	if err != nil {
		return nil, err
	}
	return &wire.AppendUID{UIDValidity: v, UIDs: uids}, nil
}

// parseCopyUID parses "COPYUID" SP nz-number SP uid-set SP uid-set
// (RFC 4315 §4).
func parseCopyUID(p *codec.Parser, _ string) (any, error) {
	v, err := p.ReadNZNumber()
	if err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	src, err := readUIDSet(p)
	if err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	dst, err := readUIDSet(p)
	if err != nil {
		return nil, err
	}
	return &wire.CopyUID{UIDValidity: v, Source: src, Dest: dst}, nil
}

// readUIDSet reads a uid-set (RFC 4315 §4): numbers and ranges, without
// "*" or "$".
func readUIDSet(p *codec.Parser) (seqset.Set, error) {
	s, err := p.ReadSeqSet()
	if err != nil {
		return s, err
	}
	if s.Dynamic() {
		return seqset.Set{}, p.SyntaxError("uid-set")
	}
	return s, nil
}

// AppendUID returns the APPENDUID data of resp, the completion of an
// APPEND (RFC 4315 §3), and whether it had any. It reads the typed data
// of either parser and, when no parser was registered, the generic
// arguments.
func AppendUID(resp *wire.Response) (wire.AppendUID, bool) {
	if resp == nil || resp.Code == nil || resp.Code.Name != "APPENDUID" {
		return wire.AppendUID{}, false
	}
	switch d := resp.Code.Data.(type) {
	case *wire.AppendUID:
		if d != nil {
			return *d, true
		}
	case wire.AppendUID:
		return d, true
	}
	args := resp.Code.Args
	if len(args) != 2 {
		return wire.AppendUID{}, false
	}
	v, ok1 := number32(args[0])
	uids, ok2 := uidSet(args[1])
	if !ok1 || !ok2 {
		return wire.AppendUID{}, false
	}
	return wire.AppendUID{UIDValidity: v, UIDs: uids}, true
}

// CopyUID returns the COPYUID data of resp (RFC 4315 §3): the tagged
// completion of COPY, or the untagged OK that MOVE sends before its
// EXPUNGE responses (RFC 6851 §4.3). It reads typed data and, when no
// parser was registered, the generic arguments.
func CopyUID(resp *wire.Response) (wire.CopyUID, bool) {
	if resp == nil || resp.Code == nil || resp.Code.Name != "COPYUID" {
		return wire.CopyUID{}, false
	}
	switch d := resp.Code.Data.(type) {
	case *wire.CopyUID:
		if d != nil {
			return *d, true
		}
	case wire.CopyUID:
		return d, true
	}
	args := resp.Code.Args
	if len(args) != 3 {
		return wire.CopyUID{}, false
	}
	v, ok1 := number32(args[0])
	src, ok2 := uidSet(args[1])
	dst, ok3 := uidSet(args[2])
	if !ok1 || !ok2 || !ok3 {
		return wire.CopyUID{}, false
	}
	return wire.CopyUID{UIDValidity: v, Source: src, Dest: dst}, true
}

func number32(v wire.Value) (uint32, bool) {
	if v.Kind != wire.KindNumber || v.Num == 0 || v.Num > 1<<32-1 {
		return 0, false
	}
	return uint32(v.Num), true
}

// uidSet reads a generic uid-set: a number ("304") or an atom
// ("304,319:320").
func uidSet(v wire.Value) (seqset.Set, bool) {
	if v.Kind != wire.KindNumber && v.Kind != wire.KindAtom {
		return seqset.Set{}, false
	}
	s, err := seqset.Parse(v.Text())
	if err != nil || s.Dynamic() {
		return seqset.Set{}, false
	}
	return s, true
}
