package codec

import (
	"unsafe"

	"github.com/imapkit/imapkit/wire"
)

// This file holds the memory of decoded values: strings carved out of
// shared chunks (the arena), interned constants for common atoms, and
// slabs for small slices. A string from the arena pins its whole chunk
// (8 KiB): a caller that keeps one small string of a response for long
// keeps the chunk alive; strings.Clone it to let the chunk go.

// str returns b as a string. Strings up to arenaMax bytes are carved out
// of a shared chunk, so that the many short strings of a response cost
// about one allocation per arenaChunk bytes.
func (p *Parser) str(b []byte) string {
	n := len(b)
	if n == 0 {
		return ""
	}
	if n > arenaMax {
		return string(b)
	}
	if cap(p.arena)-len(p.arena) < n {
		p.arena = make([]byte, 0, arenaChunk)
	}
	start := len(p.arena)
	p.arena = append(p.arena, b...)
	// The bytes of p.arena below len are never written again, so they can
	// back an immutable string (the technique of strings.Builder).
	return unsafe.String(&p.arena[start], n)
}

const (
	arenaChunk = 8 << 10
	arenaMax   = 512
)

// bytesToString returns a string that shares b's memory; b must never be
// modified afterwards.
func bytesToString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// intern returns a constant string for common atoms and flags, and an
// arena copy otherwise.
func (p *Parser) intern(b []byte) string {
	if s, ok := interned(b); ok {
		return s
	}
	return p.str(b)
}

// internSlots is an open-addressing hash table of the interned strings,
// with a hash cheap enough for the hot path (a map costs more).
var internSlots [internMask + 1]string

const internMask = 1023

func internHash(b []byte) uint32 {
	n := len(b)
	return (uint32(n)*0x9e3779b1 ^ uint32(b[0])*0x85ebca6b ^ uint32(b[n-1])*0xc2b2ae35 ^ uint32(b[n/2])*0x27d4eb2f) >> 22
}

// interned returns the interned string equal to b, if there is one.
func interned(b []byte) (string, bool) {
	if len(b) == 0 || len(b) > 24 {
		return "", false
	}
	h := internHash(b)
	for range len(internSlots) {
		s := internSlots[h]
		if s == "" {
			return "", false
		}
		if s == string(b) {
			return s, true
		}
		h = (h + 1) & internMask
	}
	return "", false
}

func init() {
	for _, s := range internStrings {
		b := []byte(s)
		if _, ok := interned(b); ok {
			continue
		}
		h := internHash(b)
		for internSlots[h] != "" {
			h = (h + 1) & internMask
		}
		internSlots[h] = s
	}
}

var internStrings = func() []string {
	var m []string
	for _, s := range []string{
		wire.FlagSeen, wire.FlagAnswered, wire.FlagFlagged, wire.FlagDeleted,
		wire.FlagDraft, wire.FlagRecent, wire.FlagWildcard,
		wire.KeywordForwarded, wire.KeywordMDNSent, wire.KeywordJunk,
		wire.KeywordNotJunk, wire.KeywordPhishing, "NonJunk", "$Important",
		wire.AttrNoInferiors, wire.AttrNoSelect, `\Noinferiors`, `\Noselect`,
		wire.AttrMarked, wire.AttrUnmarked, wire.AttrNonExistent,
		wire.AttrSubscribed, wire.AttrRemote, wire.AttrHasChildren,
		wire.AttrHasNoChildren, wire.AttrAll, wire.AttrArchive,
		wire.AttrDrafts, wire.AttrJunk, wire.AttrSent, wire.AttrTrash,
		`\archive`, `\drafts`, `\junk`, `\sent`, `\trash`, `\Important`,
		// body structure vocabulary, as servers spell it
		"TEXT", "text", "PLAIN", "plain", "HTML", "html", "MULTIPART", "multipart",
		"MIXED", "mixed", "ALTERNATIVE", "alternative", "RELATED", "related",
		"SIGNED", "signed", "REPORT", "report", "DIGEST", "digest",
		"APPLICATION", "application", "IMAGE", "image", "AUDIO", "audio",
		"VIDEO", "video", "MESSAGE", "message", "RFC822", "rfc822",
		"DELIVERY-STATUS", "delivery-status", "CALENDAR", "calendar",
		"OCTET-STREAM", "octet-stream", "PDF", "pdf", "JPEG", "jpeg", "PNG", "png",
		"GIF", "gif", "ZIP", "zip", "PGP-SIGNATURE", "pgp-signature",
		"7BIT", "7bit", "8BIT", "8bit", "BINARY", "binary", "BASE64", "base64",
		"QUOTED-PRINTABLE", "quoted-printable",
		"CHARSET", "charset", "NAME", "name", "FILENAME", "filename",
		"BOUNDARY", "boundary", "FORMAT", "format", "FLOWED", "flowed",
		"DELSP", "delsp", "TYPE", "type", "METHOD", "method",
		"UTF-8", "utf-8", "US-ASCII", "us-ascii", "ISO-8859-1", "iso-8859-1",
		"ISO-8859-15", "iso-8859-15", "WINDOWS-1252", "windows-1252",
		"ATTACHMENT", "attachment", "INLINE", "inline", "yes", "no",
		"EN", "en", "en-US", "DE", "de",
		// statuses and common atoms
		"INBOX", "OK", "NO", "BAD", "BYE", "PREAUTH", "UID",
	} {
		m = append(m, s)
	}
	return m
}()

// slab hands out small slices cut from shared chunks, so that the many
// short slices of a response (flags, parameters, addresses) cost about
// one allocation per chunk. Each slice is capped at its length: appending
// to it copies, and never touches its neighbours.
type slab[T any] struct{ buf []T }

// take returns a copy of src, nil if src is empty.
func (s *slab[T]) take(src []T, chunk int) []T {
	n := len(src)
	if n == 0 {
		return nil
	}
	if n > chunk/4 {
		out := make([]T, n)
		copy(out, src)
		return out
	}
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]T, 0, chunk)
	}
	start := len(s.buf)
	s.buf = append(s.buf, src...)
	return s.buf[start:len(s.buf):len(s.buf)]
}
