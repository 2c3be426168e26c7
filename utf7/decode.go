package utf7

import (
	"strings"
	"unicode/utf8"
)

// base64Values maps a modified BASE64 character to its 6-bit value, and
// every other byte to 0xff.
var base64Values = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := range len(base64Chars) {
		t[base64Chars[i]] = byte(i)
	}
	return t
}()

// Decode returns the UTF-8 mailbox name spelled name in modified UTF-7
// (RFC 3501 §5.1.3). A name of printable US-ASCII without "&" is returned
// as it is, without allocating.
//
// Decode accepts only the one spelling that [Encode] produces and fails
// with an [*Error] naming the byte offset of the first problem:
//
//   - a byte outside printable US-ASCII (0x20-0x7e);
//   - a shift "&" without its closing "-";
//   - a character outside the modified BASE64 alphabet (e.g. "/" or "=");
//   - an encoded run right after another one ("&AOk-&AOk-" is "&AOkA6Q-");
//   - an encoded printable US-ASCII character ("&AGE-" for "a");
//   - a UTF-16 surrogate without its partner;
//   - a run whose bits leave an incomplete UTF-16 unit, or non-zero
//     padding bits.
//
// Encoded control characters are accepted, since that is how Encode writes
// them.
func Decode(name string) (string, error) {
	i := 0
	for i < len(name) && direct(name[i]) {
		i++
	}
	if i == len(name) {
		return name, nil
	}
	var buf [128]byte
	b, err := appendDecode(buf[:0], name, i)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// AppendDecode appends the UTF-8 mailbox name spelled name in modified
// UTF-7 to dst and returns the extended buffer. It allocates only when dst
// lacks the capacity. It rejects what [Decode] rejects, and then returns
// dst unchanged and an [*Error].
func AppendDecode(dst []byte, name string) ([]byte, error) {
	return appendDecode(dst, name, 0)
}

// appendDecode is AppendDecode for a name whose first i bytes represent themselves.
func appendDecode(dst []byte, name string, i int) ([]byte, error) {
	n0 := len(dst)
	dst = append(dst, name[:i]...)
	runEnd := -1 // offset just past the "-" of the last non-empty run
	for i < len(name) {
		j := i
		for j < len(name) && direct(name[j]) {
			j++
		}
		dst = append(dst, name[i:j]...)
		i = j
		if i == len(name) {
			break
		}
		if name[i] != '&' {
			return dst[:n0], decodeError(i, reasonByte)
		}
		shift := i
		i++
		if i < len(name) && name[i] == '-' { // "&-" is "&"
			dst = append(dst, '&')
			i++
			continue
		}
		// RFC 3501 §5.1.3: no null shifts; one run covers all the
		// consecutive characters that need one.
		if shift == runEnd {
			return dst[:n0], decodeError(shift, reasonAdjacent)
		}
		// The run is delimited first, so that a shift without its "-" is
		// reported as such rather than by what its content lacks.
		end := strings.IndexByte(name[i:], '-')
		if end < 0 {
			return dst[:n0], decodeError(shift, reasonUnterminate)
		}
		end += i
		var (
			acc       uint32 // pending bits, the low nbits of acc
			nbits     int
			unitStart int  // offset of the character where the pending unit starts
			high      rune // pending high surrogate, or 0
			highStart int  // offset where high starts
		)
		for ; i < end; i++ {
			v := base64Values[name[i]]
			if v == 0xff {
				return dst[:n0], decodeError(i, reasonBase64)
			}
			if nbits == 0 {
				unitStart = i
			}
			acc = acc<<6 | uint32(v)
			nbits += 6
			if nbits < 16 {
				continue
			}
			nbits -= 16
			u := rune(acc >> nbits & 0xffff)
			start := unitStart
			if nbits > 0 {
				unitStart = i
			}
			switch {
			case high != 0:
				if u < 0xdc00 || u > 0xdfff {
					return dst[:n0], decodeError(highStart, reasonHighSurr)
				}
				dst = utf8.AppendRune(dst, 0x10000+(high-0xd800)<<10+(u-0xdc00))
				high = 0
			case u >= 0xd800 && u <= 0xdbff:
				high, highStart = u, start
			case u >= 0xdc00 && u <= 0xdfff:
				return dst[:n0], decodeError(start, reasonLowSurr)
			case u >= 0x20 && u <= 0x7e:
				// RFC 3501 §5.1.3: modified BASE64 MUST NOT represent
				// a printing US-ASCII character (and "&" is "&-").
				return dst[:n0], decodeError(start, reasonPrintable)
			default:
				dst = utf8.AppendRune(dst, u)
			}
		}
		// At the closing "-". At most 4 bits may be left over, all zero.
		switch {
		case high != 0:
			return dst[:n0], decodeError(highStart, reasonHighSurr)
		case nbits >= 6:
			return dst[:n0], decodeError(unitStart, reasonPartial)
		case acc&(1<<nbits-1) != 0:
			return dst[:n0], decodeError(i-1, reasonPadding)
		}
		i++
		runEnd = i
	}
	return dst, nil
}
