package codec

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"unicode/utf8"

	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

// Character classes (RFC 9051 §9).
const (
	cAtom    = 1 << iota // ATOM-CHAR
	cAString             // ASTRING-CHAR: ATOM-CHAR / "]"
	cTag                 // ASTRING-CHAR except "+"
	cList                // list-char: ATOM-CHAR / list-wildcards / "]"
	cGeneric             // what a generic atom may hold: ATOM-CHAR, "]", "\", "%", "*"
	cDigit
)

var charClass = func() (t [256]uint8) {
	for c := 0x21; c < 0x7f; c++ {
		if wire.IsAtomChar(byte(c)) {
			t[c] |= cAtom | cAString | cTag | cList | cGeneric
		}
	}
	t['+'] &^= cTag
	t[']'] |= cAString | cTag | cList | cGeneric
	t['%'] |= cList | cGeneric
	t['*'] |= cList | cGeneric
	t['\\'] |= cGeneric
	for c := '0'; c <= '9'; c++ {
		t[c] |= cDigit
	}
	return t
}()

// Parser is the tokenizer that response, response-code and FETCH-item
// parsers read with. It reads one response (or command) line by line:
// a literal ends a line, and the line after the literal's octets
// continues the same response.
//
// Byte slices returned by the *Bytes methods are valid only until the
// next call on the Parser. Strings are copies (small ones share a larger
// allocation with other strings of the same decoder, so that decoding
// costs few allocations).
//
// Methods named after a grammar rule read exactly that rule; in lenient
// mode (the default) some of them also accept the documented deviations
// of real servers, as their comments say. [Parser.Strict] tells parsers
// whether to accept deviations of their own.
type Parser struct {
	br      *bufio.Reader
	line    []byte // current line without its CRLF
	pos     int    // read position in line
	lineOff int64  // stream offset of line[0]
	off     int64  // stream offset of the next byte br delivers
	lineGen uint64 // incremented with every line read
	long    []byte // holds lines longer than br's buffer

	opt    DecoderOptions // with defaults applied
	reg    *Registry
	strict bool
	cmd    bool // command direction: {n+} literals allowed
	depth  int

	resp *wire.Response // the response being read, for LiteralInfo

	// item, when itemGen == lineGen, is the span of the FETCH item name
	// (with section and origin) that precedes the value being read.
	itemStart, itemEnd int
	itemGen            uint64
	itemStr            string // set instead of the span by generic trees

	lit   Literal
	arena []byte
	// Slabs from which the small slices of results are cut, like the
	// strings from arena.
	strSlab   slab[string]
	paramSlab slab[wire.Param]
	addrSlab  slab[wire.Address]
	scratch   []byte
	mbuf      []byte
	vstack    []wire.Value // values of the generic lists being read
	zones     zoneCache

	onSyncLiteral func(size int64) error // command decoder only

	perrs []*ParseError // parser failures recovered from in this response
	hist  history       // lines and literals of this response, for a replay
}

func (p *Parser) init(br *bufio.Reader, opt *DecoderOptions) {
	p.br = br
	if opt != nil {
		p.opt = *opt
	}
	p.opt.setDefaults()
	p.reg = p.opt.Registry
	p.strict = p.opt.Strict
	p.lit.p = p
}

// reset makes p read from r, at a line boundary: through r itself when it
// is a *bufio.Reader, else through p's own bufio.Reader (own reports that p
// has one). It returns whether p owns its reader afterwards.
func (p *Parser) reset(r io.Reader, own bool) bool {
	if br, ok := r.(*bufio.Reader); ok {
		p.br, own = br, false
	} else if own {
		p.br.Reset(r)
	} else {
		p.br, own = bufio.NewReaderSize(r, bufferSize), true
	}
	p.line = p.line[:0]
	p.pos = 0
	return own
}

// Strict reports whether the decoder rejects the documented deviations
// of real servers.
func (p *Parser) Strict() bool { return p.strict }

// UTF8 reports whether mailbox names are UTF-8 (DecoderOptions.UTF8)
// rather than modified UTF-7.
func (p *Parser) UTF8() bool { return p.opt.UTF8 }

// Response returns the response being parsed, with Tag, Kind, Name and
// Num set. It is nil in the command decoder.
func (p *Parser) Response() *wire.Response { return p.resp }

// Offset returns the stream offset of the next byte to be parsed.
func (p *Parser) Offset() int64 { return p.lineOff + int64(p.pos) }

// SyntaxError returns a [*SyntaxError] at the current position saying
// that expected was expected there.
func (p *Parser) SyntaxError(expected string) error {
	return p.errAt(p.pos, expected)
}

func (p *Parser) errAt(pos int, expected string) error {
	lo := max(pos-nearBytes, 0)
	hi := min(pos+nearBytes, len(p.line))
	lo = min(lo, hi)
	return &SyntaxError{
		Offset:   p.lineOff + int64(pos),
		Expected: expected,
		Near:     bytes.Clone(p.line[lo:hi]),
	}
}

func (p *Parser) limitErr(err error) error {
	return &LimitError{Offset: p.Offset(), Err: err}
}

// readLine reads the next line into p.line. At the very end of the
// stream it returns io.EOF when nothing at all was read; a partial line
// is io.ErrUnexpectedEOF.
func (p *Parser) readLine() error {
	p.lineOff = p.off
	p.lineGen++
	p.line, p.pos = p.line[:0], 0
	maxLen := p.opt.MaxLineLength + 2 // CRLF
	b, err := p.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		p.long = append(p.long[:0], b...)
		p.off += int64(len(b))
		for err == bufio.ErrBufferFull {
			if len(p.long) > maxLen {
				p.line = p.long[:0]
				return &LimitError{Offset: p.off, Err: ErrLineTooLong}
			}
			b, err = p.br.ReadSlice('\n')
			p.long = append(p.long, b...)
			p.off += int64(len(b))
		}
		b = p.long
	} else {
		p.off += int64(len(b))
	}
	if err != nil {
		if err == io.EOF {
			if len(b) == 0 {
				return io.EOF
			}
			err = io.ErrUnexpectedEOF
		}
		p.line = b[:0]
		return &LimitError{Offset: p.off, Err: err}
	}
	if len(b) > maxLen {
		p.line = b[:0]
		return &LimitError{Offset: p.lineOff + int64(maxLen), Err: ErrLineTooLong}
	}
	if len(b) < 2 || b[len(b)-2] != '\r' {
		// A bare LF is not a line end in IMAP (RFC 9051 §9, CRLF);
		// none of Dovecot, Cyrus or Courier sends one.
		p.line = b[:len(b)-1]
		return p.errAt(len(b)-1, "CRLF")
	}
	p.line = b[:len(b)-2]
	return nil
}

// PeekByte returns the next byte of the line, and false at the end of
// the line.
func (p *Parser) PeekByte() (byte, bool) {
	if p.pos < len(p.line) {
		return p.line[p.pos], true
	}
	return 0, false
}

// AtEnd reports whether the parser is at the end of the line, before the
// CRLF that ends the response.
func (p *Parser) AtEnd() bool { return p.pos >= len(p.line) }

// Consume consumes the next byte if it is c and reports whether it did.
func (p *Parser) Consume(c byte) bool {
	if p.pos < len(p.line) && p.line[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

// Expect consumes the byte c or fails.
func (p *Parser) Expect(c byte) error {
	if p.Consume(c) {
		return nil
	}
	return p.SyntaxError(quoteByte(c))
}

func quoteByte(c byte) string {
	switch c {
	case ' ':
		return "SP"
	case '"':
		return "DQUOTE"
	}
	return `"` + string(rune(c)) + `"`
}

// open reads "(" and, leniently, spaces after it (extra spaces, as a
// wrapped line in the RFC 9051 §7.5.2 FETCH example shows them).
func (p *Parser) open() error {
	if err := p.Expect('('); err != nil {
		return err
	}
	if !p.strict {
		for p.pos < len(p.line) && p.line[p.pos] == ' ' {
			p.pos++
		}
	}
	return nil
}

// ReadSP reads one SP (RFC 9051 §9). Leniently it also accepts several
// spaces, and a missing space between a closing parenthesis or quote
// and the next token, or before an opening parenthesis. None of Dovecot,
// Cyrus and Courier pads or glues tokens this way (SERVERS.md and the
// Dovecot transcripts); the leniency is for other servers and hand-made
// transcripts, and cannot change the meaning of a well-formed response.
func (p *Parser) ReadSP() error {
	if p.pos < len(p.line) && p.line[p.pos] == ' ' {
		p.pos++
		if !p.strict {
			for p.pos < len(p.line) && p.line[p.pos] == ' ' {
				p.pos++
			}
		}
		return nil
	}
	if !p.strict && p.pos > 0 && p.pos < len(p.line) {
		prev, next := p.line[p.pos-1], p.line[p.pos]
		if (prev == ')' || prev == '"' || next == '(') && next != ')' {
			return nil
		}
	}
	return p.SyntaxError("SP")
}

// skipTrailingSpace consumes spaces at the end of the line in lenient
// mode (a trailing space after the last item, as in "* SEARCH 1 2 ").
func (p *Parser) skipTrailingSpace() {
	if p.strict {
		return
	}
	i := p.pos
	for i < len(p.line) && p.line[i] == ' ' {
		i++
	}
	if i == len(p.line) {
		p.pos = i
	}
}

// ReadAtomBytes reads an atom (RFC 9051 §9, "atom"). Leniently, 8-bit
// bytes are accepted in it. The slice is valid until the next call.
func (p *Parser) ReadAtomBytes() ([]byte, error) {
	return p.readClass(cAtom, "atom")
}

func (p *Parser) readClass(class uint8, what string) ([]byte, error) {
	start := p.pos
	line := p.line
	i := start
	for i < len(line) {
		c := line[i]
		if charClass[c]&class == 0 && (c < 0x80 || p.strict) {
			break
		}
		i++
	}
	if i == start {
		return nil, p.SyntaxError(what)
	}
	p.pos = i
	return line[start:i], nil
}

// ReadAtom reads an atom (RFC 9051 §9, "atom").
func (p *Parser) ReadAtom() (string, error) {
	b, err := p.ReadAtomBytes()
	if err != nil {
		return "", err
	}
	return p.intern(b), nil
}

// readName reads a keyword atom, upper-cased into p.scratch, and returns
// it; for the names of responses, codes and FETCH items. Lower-case
// keywords are accepted in both modes (RFC 9051 §9: alphabetic
// characters are case-insensitive).
func (p *Parser) readName(class uint8, stop byte) ([]byte, error) {
	start := p.pos
	line := p.line
	i := start
	lower := false
	for i < len(line) {
		c := line[i]
		if c == stop || charClass[c]&class == 0 {
			break
		}
		if 'a' <= c && c <= 'z' {
			lower = true
		}
		i++
	}
	if i == start {
		return nil, p.SyntaxError("atom")
	}
	p.pos = i
	if !lower {
		return line[start:i], nil
	}
	p.scratch = append(p.scratch[:0], line[start:i]...)
	upper(p.scratch)
	return p.scratch, nil
}

func upper(b []byte) {
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
}

// readDigits reads 1*DIGIT and returns its value, or ok false when there
// are no digits or the value exceeds limit.
func (p *Parser) readDigits(limit uint64, what string) (uint64, error) {
	line := p.line
	i := p.pos
	var n uint64
	for i < len(line) && '0' <= line[i] && line[i] <= '9' {
		d := uint64(line[i] - '0')
		if n > (limit-d)/10 {
			return 0, p.errAt(p.pos, what+" (too large)")
		}
		n = n*10 + d
		i++
	}
	if i == p.pos {
		return 0, p.SyntaxError(what)
	}
	p.pos = i
	return n, nil
}

// ReadNumber reads a number (RFC 9051 §9, "number": an unsigned 32-bit
// integer).
func (p *Parser) ReadNumber() (uint32, error) {
	n, err := p.readDigits(math.MaxUint32, "number")
	return uint32(n), err
}

// ReadNZNumber reads an nz-number (RFC 9051 §9): a number that is not 0
// and has no leading zero. Leniently, 0 and leading zeros are accepted.
func (p *Parser) ReadNZNumber() (uint32, error) {
	start := p.pos
	n, err := p.readDigits(math.MaxUint32, "nz-number")
	if err == nil && p.strict && p.line[start] == '0' {
		return 0, p.errAt(start, "nz-number")
	}
	return uint32(n), err
}

// ReadNumber64 reads a number64 (RFC 9051 §9: 0 to 2^63-1), as used by
// MODSEQ (RFC 7162 §7) and Gmail's X-GM-MSGID and X-GM-THRID. Real
// servers send unsigned 64-bit values (Gmail's IDs, modification
// sequences of servers that count in uint64): leniently, up to 2^64-1 is
// accepted. A value over 2^63-1 in strict mode, or over 2^64-1 in either
// mode, is a *SyntaxError; no value wraps around.
func (p *Parser) ReadNumber64() (uint64, error) {
	start := p.pos
	n, err := p.readDigits(math.MaxUint64, "number64")
	if err == nil && p.strict && n > math.MaxInt64 {
		p.pos = start
		return 0, p.errAt(start, "number64 (at most 2^63-1, RFC 9051 §9)")
	}
	return n, err
}

// readInt64 reads a number64 for a field that is an int64 (RFC822.SIZE,
// body-fld-lines): at most 2^63-1 in both modes.
func (p *Parser) readInt64() (int64, error) {
	n, err := p.readDigits(math.MaxInt64, "number64")
	return int64(n), err
}

// ReadNil consumes NIL (case-insensitive) if it comes next and reports
// whether it did.
func (p *Parser) ReadNil() bool {
	line := p.line
	i := p.pos
	if i+3 > len(line) || line[i]|0x20 != 'n' || line[i+1]|0x20 != 'i' || line[i+2]|0x20 != 'l' {
		return false
	}
	if i+3 < len(line) && charClass[line[i+3]]&cAtom != 0 {
		return false // an atom such as NILS
	}
	p.pos = i + 3
	return true
}

// quotedBytes reads a quoted string (RFC 9051 §9, "quoted") and returns
// its contents with the escapes removed. Leniently, 8-bit bytes that are
// not UTF-8 and backslashes before other characters (kept as they are)
// are accepted.
func (p *Parser) quotedBytes() ([]byte, error) {
	line := p.line
	start := p.pos + 1 // after DQUOTE
	// Fast path: one pass up to the closing DQUOTE, with no escapes,
	// eight bytes at a time while none of them needs a look.
	var hi8 uint64
	i := start
	for i+8 <= len(line) {
		w := binary.LittleEndian.Uint64(line[i:])
		if hasZeroByte(w^(lsb*'"'))|hasZeroByte(w^(lsb*'\\'))|hasZeroByte(w)|hasZeroByte(w^(lsb*'\r')) != 0 {
			break
		}
		hi8 |= w
		i += 8
	}
	hi := byte(0)
	if hi8&(lsb*0x80) != 0 {
		hi = 0x80
	}
	for i < len(line) && !quotedStop[line[i]] {
		hi |= line[i]
		i++
	}
	if i < len(line) && line[i] == '"' {
		seg := line[start:i]
		if hi >= 0x80 && p.strict && !utf8.Valid(seg) {
			return nil, p.errAt(start, "UTF-8 in quoted string")
		}
		p.pos = i + 1
		return seg, nil
	}
	if i >= len(line) {
		return nil, p.errAt(len(line), "DQUOTE")
	}
	if line[i] != '\\' {
		return nil, p.errAt(i, "QUOTED-CHAR") // NUL or CR
	}
	// Escapes: copy into scratch.
	buf := append(p.scratch[:0], line[start:i]...)
	for {
		if i >= len(line) {
			return nil, p.errAt(i, "DQUOTE")
		}
		c := line[i]
		if c == '"' {
			break
		}
		if c == '\\' {
			if i+1 >= len(line) {
				return nil, p.errAt(i+1, "DQUOTE")
			}
			n := line[i+1]
			if n == '"' || n == '\\' {
				buf = append(buf, n)
				i += 2
				continue
			}
			if p.strict {
				return nil, p.errAt(i+1, "quoted-specials")
			}
			buf = append(buf, c)
			i++
			continue
		}
		if c == 0 || c == '\r' {
			return nil, p.errAt(i, "QUOTED-CHAR")
		}
		buf = append(buf, c)
		i++
	}
	p.scratch = buf
	if p.strict && !utf8.Valid(buf) {
		return nil, p.errAt(start, "UTF-8 in quoted string")
	}
	p.pos = i + 1
	return buf, nil
}

const lsb = 0x0101010101010101

// hasZeroByte is non-zero when one of the bytes of w is 0.
func hasZeroByte(w uint64) uint64 { return (w - lsb) & ^w & (lsb * 0x80) }

// quotedStop marks the bytes that end the fast scan of a quoted string.
var quotedStop = [256]bool{'"': true, '\\': true, 0: true, '\r': true}

// stringBytes reads a string (RFC 9051 §9, "string": quoted or literal)
// and returns its contents, valid until the next call. Leniently, NIL is
// read as the empty string (some servers send NIL in body structure
// fields that require a string).
func (p *Parser) stringBytes() ([]byte, error) {
	c, _ := p.PeekByte()
	switch {
	case c == '"':
		return p.quotedBytes()
	case c == '{' || p.literal8Next():
		data, _, _, streamed, err := p.literal()
		if streamed {
			return nil, nil
		}
		return data, err
	}
	if !p.strict && p.ReadNil() {
		return nil, nil
	}
	return nil, p.SyntaxError("string")
}

// ReadString reads a string (RFC 9051 §9, "string": quoted or literal).
// Leniently, NIL is read as "" (servers outside the tested three send NIL
// for body structure strings such as the encoding). A literal that was
// streamed to OnLiteral reads as "".
func (p *Parser) ReadString() (string, error) {
	c, _ := p.PeekByte()
	if c == '{' || p.literal8Next() {
		data, _, _, _, err := p.literal()
		return bytesToString(data), err
	}
	b, err := p.stringBytes()
	if err != nil {
		return "", err
	}
	return p.str(b), nil
}

// ReadNString reads an nstring (RFC 9051 §9, "nstring": string or NIL).
func (p *Parser) ReadNString() (s string, isNil bool, err error) {
	if p.ReadNil() {
		return "", true, nil
	}
	c, _ := p.PeekByte()
	if c == '{' || p.literal8Next() {
		data, _, _, _, err := p.literal()
		return bytesToString(data), false, err
	}
	if c != '"' {
		return "", false, p.SyntaxError("nstring")
	}
	b, err := p.quotedBytes()
	if err != nil {
		return "", false, err
	}
	return p.str(b), false, nil
}

// ReadAString reads an astring (RFC 9051 §9: 1*ASTRING-CHAR or string).
func (p *Parser) ReadAString() (string, error) {
	b, err := p.astringBytes()
	if err != nil {
		return "", err
	}
	return p.str(b), nil
}

func (p *Parser) astringBytes() ([]byte, error) {
	c, ok := p.PeekByte()
	if !ok {
		return nil, p.SyntaxError("astring")
	}
	switch {
	case c == '"':
		return p.quotedBytes()
	case c == '{' || p.literal8Next():
		data, _, _, _, err := p.literal()
		return data, err
	}
	return p.readClass(cAString, "astring")
}

// ReadMailbox reads a mailbox name (RFC 9051 §9, "mailbox": astring, with
// any case of INBOX meaning INBOX) and decodes it from modified UTF-7
// (RFC 3501 §5.1.3) unless the decoder is in UTF8 mode. A name that is
// not valid modified UTF-7 is an error in strict mode and is kept as sent
// otherwise: Dovecot 2.3.19 sends the UTF-8 name, in a literal, in the
// STATUS that NOTIFY pushes (testdata/dovecot/notify.s2c), and servers
// that predate RFC 3501 keep names that clients wrote in 8-bit.
//
// Leniently, an unquoted name may also hold the list wildcards "%" and
// "*" (list-char, RFC 9051 §9), which some servers send unquoted.
func (p *Parser) ReadMailbox() (string, error) {
	start := p.pos
	if !p.strict {
		if c, ok := p.PeekByte(); ok && c != '"' && c != '{' && !p.literal8Next() {
			b, err := p.readClass(cList, "mailbox")
			if err != nil {
				return "", err
			}
			return p.mailbox(b, start)
		}
	}
	b, err := p.astringBytes()
	if err != nil {
		return "", err
	}
	return p.mailbox(b, start)
}

func (p *Parser) mailbox(b []byte, start int) (string, error) {
	if len(b) == 5 && b[0]|0x20 == 'i' && b[1]|0x20 == 'n' && b[2]|0x20 == 'b' && b[3]|0x20 == 'o' && b[4]|0x20 == 'x' {
		return "INBOX", nil
	}
	if p.opt.UTF8 {
		return p.str(b), nil
	}
	direct := true
	for _, c := range b {
		if c == '&' || c < 0x20 || c > 0x7e {
			direct = false
			break
		}
	}
	if direct {
		return p.str(b), nil
	}
	var err error
	p.mbuf, err = utf7.AppendDecode(p.mbuf[:0], bytesToString(b))
	if err != nil {
		if p.strict {
			return "", p.errAt(start, "modified UTF-7 mailbox name")
		}
		return p.str(b), nil
	}
	return p.str(p.mbuf), nil
}

// ReadText reads the rest of the line as text (RFC 9051 §9, "text"). NUL
// and CR are never text. Strictly the text must be UTF-8; leniently any
// other octets are kept (servers send 8-bit text in other charsets, e.g.
// localized error messages, before IMAP4rev2 allows UTF-8).
func (p *Parser) ReadText() (string, error) {
	b := p.line[p.pos:]
	var hi byte
	for i, c := range b {
		if c == 0 || c == '\r' {
			return "", p.errAt(p.pos+i, "TEXT-CHAR")
		}
		hi |= c
	}
	if hi >= 0x80 && p.strict && !utf8.Valid(b) {
		return "", p.SyntaxError("UTF-8 text")
	}
	p.pos = len(p.line)
	return p.str(b), nil
}

// Enter records one more level of nesting for a recursive parser and
// fails with ErrTooDeep beyond DecoderOptions.MaxDepth. Every Enter that
// succeeds must be matched by a Leave.
func (p *Parser) Enter() error {
	if p.depth >= p.opt.MaxDepth {
		return p.limitErr(ErrTooDeep)
	}
	p.depth++
	return nil
}

// Leave undoes Enter.
func (p *Parser) Leave() { p.depth-- }

// ReadList reads a parenthesized list, "(" [item *(SP item)] ")",
// calling item for each member with the parser at its first byte.
func (p *Parser) ReadList(item func(p *Parser) error) error {
	if err := p.open(); err != nil {
		return err
	}
	if err := p.Enter(); err != nil {
		return err
	}
	defer p.Leave()
	if p.Consume(')') {
		return nil
	}
	for n := 1; ; n++ {
		if n > p.opt.MaxListItems {
			return p.limitErr(ErrTooManyItems)
		}
		if err := item(p); err != nil {
			return err
		}
		if p.Consume(')') {
			return nil
		}
		if err := p.ReadSP(); err != nil {
			return err
		}
		if !p.strict && p.Consume(')') { // "(a b )"
			return nil
		}
	}
}

// ReadFlag reads a flag (RFC 9051 §9, "flag", "flag-fetch", "flag-perm":
// a system flag, a keyword, \* or a flag-extension). Common flags cost no
// allocation.
func (p *Parser) ReadFlag() (string, error) {
	start := p.pos
	if p.Consume('\\') {
		if p.Consume('*') {
			return wire.FlagWildcard, nil
		}
	}
	if _, err := p.readClass(cAtom, "flag"); err != nil {
		return "", err
	}
	return p.intern(p.line[start:p.pos]), nil
}

// ReadFlagList reads a flag-list (RFC 9051 §9). An empty list is nil.
// Leniently, NIL is read as the empty list (FLAGS NIL, seen from
// production servers).
func (p *Parser) ReadFlagList() ([]string, error) {
	if !p.strict && p.ReadNil() {
		return nil, nil
	}
	var flags []string
	var buf [16]string
	err := p.ReadList(func(p *Parser) error {
		f, err := p.ReadFlag()
		if flags == nil {
			flags = buf[:0]
		}
		flags = append(flags, f)
		return err
	})
	if err != nil || len(flags) == 0 {
		return nil, err
	}
	return p.strSlab.take(flags, 256), nil
}
