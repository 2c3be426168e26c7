package codec

import (
	"math"

	"github.com/imapkit/imapkit/wire"
)

// This file reads generic value trees (RFC 9051 §4): what an unknown
// response, code or FETCH item, and a command's arguments, decode to.

// ReadValue reads one value of any kind as a generic tree (RFC 9051 §4):
// NIL, a number, an atom, a quoted string, a literal or literal8, or a
// parenthesized list. An atom may carry a bracketed part and an origin,
// as FETCH item names do: BODY[HEADER.FIELDS (DATE FROM)]<0> is one
// atom. Flags such as \Seen and \* are atoms.
func (p *Parser) ReadValue() (wire.Value, error) { return p.value(false) }

// ReadValues reads the values up to the end of the line, separated by
// SP, as a generic tree. Leniently, a trailing space is accepted.
func (p *Parser) ReadValues() ([]wire.Value, error) { return p.values(false) }

func (p *Parser) value(inCode bool) (wire.Value, error) {
	mark := len(p.vstack)
	err := p.pushValue(inCode)
	var v wire.Value
	if len(p.vstack) > mark {
		v = p.vstack[mark]
		p.vstack[mark] = wire.Value{}
		p.vstack = p.vstack[:mark]
	}
	return v, err
}

// pushValue reads one value onto p.vstack. Scalars are written in place,
// which spares two copies of a wire.Value per value.
func (p *Parser) pushValue(inCode bool) error {
	c, ok := p.PeekByte()
	if !ok {
		return p.SyntaxError("value")
	}
	if c == '(' {
		l, err := p.genericList(inCode) // may grow p.vstack
		if err != nil {
			return err
		}
		p.vstack = append(p.vstack, wire.Value{Kind: wire.KindList, List: l})
		return nil
	}
	if c == ')' {
		return p.SyntaxError("value")
	}
	p.vstack = append(p.vstack, wire.Value{})
	v := &p.vstack[len(p.vstack)-1]
	switch {
	case c == '"':
		b, err := p.quotedBytes()
		if err != nil {
			return err
		}
		v.Kind, v.Form, v.Str = wire.KindString, wire.FormQuoted, p.str(b)
		return nil
	case c == '{' || p.literal8Next():
		data, size, binary, streamed, err := p.literal()
		if err != nil {
			return err
		}
		v.Kind, v.Form, v.Str, v.Size, v.Streamed = wire.KindString, wire.FormLiteral, bytesToString(data), size, streamed
		if binary {
			v.Form = wire.FormLiteral8
		}
		return nil
	}
	b, err := p.genericAtom(inCode)
	if err != nil {
		return err
	}
	// In commands, digits with a leading zero stay an atom, so that an
	// astring such as a mailbox named 007 keeps its spelling.
	if n, ok := atoiBytes(b); ok && !(p.cmd && len(b) > 1 && b[0] == '0') {
		v.Kind, v.Num = wire.KindNumber, n
		return nil
	}
	if len(b) == 3 && b[0]|0x20 == 'n' && b[1]|0x20 == 'i' && b[2]|0x20 == 'l' {
		return nil
	}
	v.Kind, v.Str = wire.KindAtom, p.intern(b)
	return nil
}

// atoiBytes parses b as a decimal number that fits in 64 bits.
func atoiBytes(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// genericAtom reads the token of an atom-like value: ATOM-CHARs, "]"
// (except inside a response code), "\", "%", "*", and, after a name, a
// bracketed section such as a FETCH item's (see sectionEnd). Leniently,
// 8-bit bytes too.
func (p *Parser) genericAtom(inCode bool) ([]byte, error) {
	line := p.line
	start := p.pos
	i := start
	for i < len(line) {
		c := line[i]
		if c == '[' && i > 0 && charClass[line[i-1]]&cAtom != 0 {
			// A section after a name, as in BODY[1.MIME]; otherwise "["
			// is an ATOM-CHAR like any other.
			if j, _ := sectionEnd(bytesToString(line), i); j >= 0 {
				i = j
				continue
			}
		}
		if c == ']' && inCode {
			break
		}
		if charClass[c]&cGeneric != 0 || (c >= 0x80 && !p.strict) {
			i++
			continue
		}
		break
	}
	if i == start {
		return nil, p.SyntaxError("atom")
	}
	p.pos = i
	return line[start:i], nil
}

// skipBracket returns the index after the "]" that closes the "[" at i
// (see sectionEnd), or a syntax error where the section breaks off.
func (p *Parser) skipBracket(i int) (int, error) {
	j, bad := sectionEnd(bytesToString(p.line), i)
	if j < 0 {
		return 0, p.errAt(bad, `"]"`)
	}
	return j, nil
}

// sectionEnd returns the index after the "]" that closes the "[" at i
// of s, when what follows is a bracketed section as FETCH item names
// carry them (BODY[HEADER.FIELDS (DATE "X")]): nested brackets, quoted
// strings and balanced parentheses, with no "]" inside them. Otherwise
// it returns -1 and the index where the section
// breaks off: "[" is then an ordinary ATOM-CHAR (RFC 9051 §9: only "]"
// is a resp-special), as in the flag "[".
func sectionEnd(s string, i int) (end, bad int) {
	depth, parens := 0, 0
	for j := i; j < len(s); j++ {
		switch c := s[j]; c {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				if parens != 0 {
					return -1, j
				}
				return j + 1, 0
			}
		case '(':
			parens++
		case ')':
			if parens == 0 {
				return -1, j
			}
			parens--
		case '"':
			k := j + 1
			for k < len(s) && s[k] != '"' {
				if s[k] == '\\' {
					k++
				}
				k++
			}
			if k >= len(s) {
				return -1, len(s)
			}
			j = k
		default:
			if c < 0x20 || c == '{' || c >= 0x7f {
				return -1, j
			}
		}
	}
	return -1, len(s)
}

// sep reads the separator between two values of a list: SP, or nothing
// between ")" and "(" (RFC 9051 body-type-mpart, RFC 2342 namespace,
// RFC 5256 thread-list).
func (p *Parser) sep() error {
	if p.pos > 0 && p.pos < len(p.line) && p.line[p.pos-1] == ')' && p.line[p.pos] == '(' {
		return nil
	}
	return p.ReadSP()
}

func (p *Parser) genericList(inCode bool) ([]wire.Value, error) {
	if err := p.Enter(); err != nil {
		return nil, err
	}
	defer p.Leave()
	if err := p.open(); err != nil {
		return nil, err
	}
	if p.Consume(')') {
		return []wire.Value{}, nil
	}
	mark := len(p.vstack)
	defer func() {
		clear(p.vstack[mark:])
		p.vstack = p.vstack[:mark]
	}()
	fetch := p.depth == 1 && p.resp != nil && p.resp.Name == "FETCH"
	for {
		if len(p.vstack)-mark >= p.opt.MaxListItems {
			return nil, p.limitErr(ErrTooManyItems)
		}
		if fetch && len(p.vstack) > mark && p.vstack[len(p.vstack)-1].Kind == wire.KindAtom {
			p.itemStr = p.vstack[len(p.vstack)-1].Str
		}
		err := p.pushValue(inCode)
		if fetch {
			p.itemStr = ""
		}
		if err != nil {
			return nil, err
		}
		if p.Consume(')') {
			break
		}
		if err := p.sep(); err != nil {
			return nil, err
		}
		if !p.strict && p.Consume(')') { // "(a b )"
			break
		}
	}
	return slicesClone(p.vstack[mark:]), nil
}

func slicesClone(v []wire.Value) []wire.Value {
	out := make([]wire.Value, len(v))
	copy(out, v)
	return out
}

// values reads values separated by SP up to the end of the line, or up
// to "]" in a response code.
func (p *Parser) values(inCode bool) ([]wire.Value, error) {
	mark := len(p.vstack)
	defer func() {
		clear(p.vstack[mark:])
		p.vstack = p.vstack[:mark]
	}()
	for {
		if p.AtEnd() || (inCode && p.line[p.pos] == ']') {
			break
		}
		if len(p.vstack)-mark >= p.opt.MaxListItems {
			return nil, p.limitErr(ErrTooManyItems)
		}
		if err := p.pushValue(inCode); err != nil {
			return nil, err
		}
		if p.AtEnd() || (inCode && p.line[p.pos] == ']') {
			break
		}
		if err := p.sep(); err != nil {
			return nil, err
		}
		p.skipTrailingSpace()
		if p.strict && (p.AtEnd() || (inCode && p.line[p.pos] == ']')) {
			return nil, p.SyntaxError("value")
		}
	}
	if len(p.vstack) == mark {
		return nil, nil
	}
	return slicesClone(p.vstack[mark:]), nil
}
