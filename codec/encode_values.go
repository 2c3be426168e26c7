package codec

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/imapkit/imapkit/wire"
)

// This file holds what both encoders share: the choice of string syntax,
// token validation, and the writing of values into a bufio.Writer without
// allocating.

// strForm is the syntax chosen for a string.
type strForm uint8

const (
	formAtom     strForm = iota // 1*ASTRING-CHAR
	formQuoted                  // DQUOTE *QUOTED-CHAR DQUOTE
	formLiteral                 // {n} CRLF *CHAR8
	formLiteral8                // ~{n} CRLF *OCTET

	formQuotedEscaped // quoted, with DQUOTE or "\" to escape (responses only)
)

// Octet classes for strings (RFC 9051 §9).
const (
	clAstring = 1 << iota // ASTRING-CHAR: ATOM-CHAR / "]"
	clQuoted              // TEXT-CHAR except quoted-specials: may go in quoted as is
	clAtomTok             // may appear in an atom token the encoders write (see validAtom)
)

var octetClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if wire.IsAtomChar(b) || b == ']' {
			t[c] |= clAstring
		}
		if c >= 0x01 && c <= 0x7f && b != '\r' && b != '\n' && b != '"' && b != '\\' {
			t[c] |= clQuoted
		}
		if (wire.IsAtomChar(b) || b == ']' || b == '%' || b == '*' || b == '\\') && b != '[' {
			t[c] |= clAtomTok // "[" opens a section: see validAtom
		}
	}
	return t
}()

// classify chooses the syntax of a string of at most MaxQuoted octets:
// an atom when atomOK and every octet is an ASTRING-CHAR (and the string
// is not NIL, which an nstring position would read as NIL, nor a number
// with a leading zero, and holds no "[", which readers of generic values
// take for the start of a FETCH section), else quoted
// when every octet may stand in a quoted string unescaped (8-bit only as
// valid UTF-8, and only when utf8OK), else a literal, or a binary literal
// if the string holds NUL.
func classify(s string, utf8OK, atomOK bool) strForm {
	all := uint8(clAstring | clQuoted)
	eightBit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0 {
			return formLiteral8
		}
		if c >= 0x80 {
			eightBit = true
		}
		all &= octetClass[c]
	}
	if eightBit {
		if utf8OK && utf8.ValidString(s) && !strings.ContainsAny(s, "\r\n\"\\") {
			return formQuoted
		}
		return formLiteral
	}
	if atomOK && all&clAstring != 0 && s != "" && !isNIL(s) && !nonCanonicalNumber(s) &&
		strings.IndexByte(s, '[') < 0 {
		return formAtom
	}
	if all&clQuoted != 0 {
		return formQuoted
	}
	return formLiteral
}

// literalForm returns formLiteral8 if s holds NUL, else formLiteral.
func literalForm(s string) strForm {
	if strings.IndexByte(s, 0) >= 0 {
		return formLiteral8
	}
	return formLiteral
}

// nonCanonicalNumber reports whether s is all digits with a leading zero
// ("007"): a reader of generic values would take the atom 007 for the
// number 7, so such strings are quoted.
func nonCanonicalNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 1 && s[0] == '0'
}

func isNIL(s string) bool {
	return len(s) == 3 && (s[0]|0x20) == 'n' && (s[1]|0x20) == 'i' && (s[2]|0x20) == 'l'
}

// validAtom reports whether s can be written as one atom token: atom
// characters plus "%", "*", "]" and "\\" (flags such as \\Seen, LIST
// patterns, sequence sets with "*"; the decoder's generic atoms), and inside
// one "[...]" (a FETCH section) also SP, "(", ")" and quoted strings, in
// which "]" does not close the section. It never allows CR, LF, NUL, "{",
// a nested "[", an unterminated quoted string or section, or 8-bit octets,
// so the token can neither end the line, nor open a literal, nor join the
// tokens after it.
func validAtom(s string) bool {
	if s == "" {
		return false
	}
	// Fast path: plain atoms, flags, sequence sets.
	i := 0
	for i < len(s) && octetClass[s[i]]&clAtomTok != 0 {
		i++
	}
	if i == len(s) {
		return true
	}
	inSection, inQuote := false, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 || c >= 0x7f || c == '{':
			return false
		case inQuote:
			switch c {
			case '\\':
				i++
				if i == len(s) || s[i] < 0x20 || s[i] >= 0x7f {
					return false
				}
			case '"':
				inQuote = false
			}
		case inSection:
			switch c {
			case ']':
				inSection = false
			case '"':
				inQuote = true
			case '[':
				return false
			}
		case c == '[':
			// A section after a name, or else an ordinary ATOM-CHAR (the
			// flag "["), as the decoders read them (genericAtom). After
			// a name it must be a whole section: a decoder reading
			// "name[" looks for the "]" that closes it further on the
			// line, and would join the tokens written after this one.
			if i > 0 && wire.IsAtomChar(s[i-1]) {
				if j, _ := sectionEnd(s, i); j < 0 {
					return false
				}
				inSection = true
			}
		case octetClass[c]&clAtomTok == 0:
			return false
		}
	}
	return !inSection
}

// validTag reports whether s is a tag (RFC 9051 §9: 1*<any ASTRING-CHAR
// except "+">).
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if octetClass[s[i]]&clAstring == 0 || s[i] == '+' {
			return false
		}
	}
	return true
}

// validCommandName reports whether s is one or more atoms separated by
// single spaces ("FETCH", "UID FETCH").
func validCommandName(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if s[i-1] == ' ' {
				return false
			}
			continue
		}
		if !wire.IsAtomChar(c) {
			return false
		}
	}
	return true
}

// validRaw reports whether a KindRaw value is safe: no CR, LF or NUL,
// and no trailing "}" (which at the end of a line announces a literal).
func validRaw(s string) bool {
	if s == "" || s[len(s)-1] == '}' {
		return false
	}
	return strings.IndexByte(s, '\r') < 0 && strings.IndexByte(s, '\n') < 0 && strings.IndexByte(s, 0) < 0
}

// validText reports whether s may stand in resp-text (RFC 9051 §9
// "text": TEXT-CHAR and UTF-8; no CR, LF or NUL).
func validText(s string) bool {
	return strings.IndexByte(s, '\r') < 0 && strings.IndexByte(s, '\n') < 0 && strings.IndexByte(s, 0) < 0
}

// valueWriter writes IMAP syntax into a bufio.Writer. It has a scratch
// buffer for numbers, so that nothing it writes allocates. With dry set
// it writes nothing: the response encoder runs once dry to validate a
// response before writing any of it.
type valueWriter struct {
	w       *bufio.Writer
	dry     bool
	scratch [32]byte
}

func (vw *valueWriter) str(s string) {
	if !vw.dry {
		vw.w.WriteString(s)
	}
}

func (vw *valueWriter) bytes(b []byte) {
	if !vw.dry {
		vw.w.Write(b)
	}
}

func (vw *valueWriter) byte(c byte) {
	if !vw.dry {
		vw.w.WriteByte(c)
	}
}

func (vw *valueWriter) number(n uint64) {
	if !vw.dry {
		vw.w.Write(strconv.AppendUint(vw.scratch[:0], n, 10))
	}
}

// quoted writes s as a quoted string, escaping DQUOTE and "\"
// (RFC 9051 §9 "quoted"). The command encoder never passes either.
func (vw *valueWriter) quoted(s string) {
	if vw.dry {
		return
	}
	w := vw.w
	w.WriteByte('"')
	for {
		i := strings.IndexAny(s, "\"\\")
		if i < 0 {
			break
		}
		w.WriteString(s[:i])
		w.WriteByte('\\')
		w.WriteByte(s[i])
		s = s[i+1:]
	}
	w.WriteString(s)
	w.WriteByte('"')
}

// quotedBytes is quoted for a byte slice.
func (vw *valueWriter) quotedBytes(s []byte) {
	if vw.dry {
		return
	}
	w := vw.w
	w.WriteByte('"')
	for {
		i := bytes.IndexAny(s, "\"\\")
		if i < 0 {
			break
		}
		w.Write(s[:i])
		w.WriteByte('\\')
		w.WriteByte(s[i])
		s = s[i+1:]
	}
	w.Write(s)
	w.WriteByte('"')
}

// literalHeader writes "{n}" CRLF, "{n+}" CRLF or "~{n}" CRLF.
func (vw *valueWriter) literalHeader(size int64, binary, nonSync bool) {
	if vw.dry {
		return
	}
	b := vw.scratch[:0]
	if binary {
		b = append(b, '~')
	}
	b = append(b, '{')
	b = strconv.AppendInt(b, size, 10)
	if nonSync {
		b = append(b, '+')
	}
	b = append(b, "}\r\n"...)
	vw.w.Write(b)
}
