package codec

import (
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// parseNoArgCode parses a response code without arguments, such as
// ALERT or TRYCREATE (RFC 9051 §7.1). Arguments anyway make the decoder
// fall back to the generic form.
func parseNoArgCode(p *Parser, _ string) (any, error) {
	if c, _ := p.PeekByte(); c != ']' {
		return nil, p.SyntaxError(`"]"`)
	}
	return nil, nil
}

// parseCapabilityCode parses "CAPABILITY" SP capabilities (RFC 9051
// §7.1).
func parseCapabilityCode(p *Parser, _ string) (any, error) {
	return p.capabilities()
}

// parseFlagsCode parses "PERMANENTFLAGS" SP "(" [flag-perm *(SP
// flag-perm)] ")" (RFC 9051 §7.1).
func parseFlagsCode(p *Parser, _ string) (any, error) {
	return p.ReadFlagList()
}

// parseBadCharset parses "BADCHARSET" [SP "(" charset *(SP charset) ")"]
// (RFC 9051 §7.1); charset = atom / quoted.
func parseBadCharset(p *Parser, _ string) (any, error) {
	if c, _ := p.PeekByte(); c == ']' {
		return nil, nil
	}
	var cs []string
	err := p.ReadList(func(p *Parser) error {
		var s string
		var err error
		if c, _ := p.PeekByte(); c == '"' {
			s, err = p.ReadString()
		} else {
			s, err = p.ReadAtom()
		}
		cs = append(cs, s)
		return err
	})
	return cs, err
}

// parseNumberCode parses UIDNEXT, UIDVALIDITY and UNSEEN SP nz-number
// (RFC 9051 §7.1, RFC 3501 §7.1).
func parseNumberCode(p *Parser, _ string) (any, error) {
	return p.ReadNZNumber()
}

// parseAppendUID parses "APPENDUID" SP nz-number SP append-uid
// (RFC 4315 §3 allows a uid-set for MULTIAPPEND).
func parseAppendUID(p *Parser, _ string) (any, error) {
	v, err := p.ReadNZNumber()
	if err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	uids, err := p.readUIDSet()
	if err != nil {
		return nil, err
	}
	return &wire.AppendUID{UIDValidity: v, UIDs: uids}, nil
}

// parseCopyUID parses "COPYUID" SP nz-number SP uid-set SP uid-set
// (RFC 4315 §3, RFC 9051 §7.1).
func parseCopyUID(p *Parser, _ string) (any, error) {
	v, err := p.ReadNZNumber()
	if err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	src, err := p.readUIDSet()
	if err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	dst, err := p.readUIDSet()
	if err != nil {
		return nil, err
	}
	return &wire.CopyUID{UIDValidity: v, Source: src, Dest: dst}, nil
}

// readUIDSet reads a uid-set (RFC 9051 §9): numbers and ranges, no "*"
// and no "$".
func (p *Parser) readUIDSet() (seqset.Set, error) {
	start := p.pos
	s, err := p.ReadSeqSet()
	if err != nil {
		return s, err
	}
	if s.Dynamic() {
		return seqset.Set{}, p.errAt(start, "uid-set")
	}
	return s, nil
}

// ReadSeqSet reads a sequence-set (RFC 9051 §9), including "*" and "$".
func (p *Parser) ReadSeqSet() (seqset.Set, error) {
	start := p.pos
	i := start
	for i < len(p.line) {
		c := p.line[i]
		if ('0' <= c && c <= '9') || c == ':' || c == ',' || c == '*' || c == '$' {
			i++
			continue
		}
		break
	}
	if i == start {
		return seqset.Set{}, p.SyntaxError("sequence-set")
	}
	s, err := seqset.Parse(string(p.line[start:i]))
	if err != nil {
		off := start
		if se, ok := err.(*seqset.SyntaxError); ok {
			off += se.Offset
		}
		return seqset.Set{}, p.errAt(off, "sequence-set")
	}
	p.pos = i
	return s, nil
}
