package client

import (
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// AppendUIDOf returns the APPENDUID code of resp (RFC 4315 §3, RFC 9051
// §7.1): the UIDVALIDITY of the target mailbox and the UIDs the appended
// messages got there (one, or a uid-set after MULTIAPPEND). It reads the
// base parser's data and, when a registry without it decoded resp, the
// generic arguments.
func AppendUIDOf(resp *wire.Response) (*wire.AppendUID, bool) {
	if resp == nil || resp.Code == nil || resp.Code.Name != "APPENDUID" {
		return nil, false
	}
	switch d := resp.Code.Data.(type) {
	case *wire.AppendUID:
		return d, d != nil
	case wire.AppendUID:
		return &d, true
	}
	args := resp.Code.Args
	if len(args) != 2 {
		return nil, false
	}
	v, ok1 := number32(args[0])
	uids, ok2 := uidSet(args[1])
	if !ok1 || !ok2 {
		return nil, false
	}
	return &wire.AppendUID{UIDValidity: v, UIDs: uids}, true
}

// CopyUIDOf returns the COPYUID code of resp (RFC 4315 §3, RFC 9051
// §7.1): in the completion of COPY, or in the untagged OK that MOVE sends
// before its EXPUNGE responses (RFC 6851 §4.3). It reads the base
// parser's data and, failing that, the generic arguments.
func CopyUIDOf(resp *wire.Response) (*wire.CopyUID, bool) {
	if resp == nil || resp.Code == nil || resp.Code.Name != "COPYUID" {
		return nil, false
	}
	switch d := resp.Code.Data.(type) {
	case *wire.CopyUID:
		return d, d != nil
	case wire.CopyUID:
		return &d, true
	}
	args := resp.Code.Args
	if len(args) != 3 {
		return nil, false
	}
	v, ok1 := number32(args[0])
	src, ok2 := uidSet(args[1])
	dst, ok3 := uidSet(args[2])
	if !ok1 || !ok2 || !ok3 {
		return nil, false
	}
	return &wire.CopyUID{UIDValidity: v, Source: src, Dest: dst}, true
}

func number32(v wire.Value) (uint32, bool) {
	if v.Kind != wire.KindNumber || v.Num == 0 || v.Num > 1<<32-1 {
		return 0, false
	}
	return uint32(v.Num), true
}

// uidSet reads a generic uid-set: a number ("304") or an atom
// ("304,319:320"); "*" has no place in it (RFC 4315 §4).
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
