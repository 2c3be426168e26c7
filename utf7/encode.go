package utf7

import "unicode/utf8"

// base64Chars is the modified BASE64 alphabet of RFC 3501 §5.1.3: the
// BASE64 of RFC 2045 with "," in place of "/".
const base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,"

// direct reports whether c represents itself: printable US-ASCII except "&"
// (RFC 3501 §5.1.3, octets 0x20-0x25 and 0x27-0x7e).
func direct(c byte) bool { return c >= 0x20 && c <= 0x7e && c != '&' }

// printable reports whether c is printable US-ASCII (0x20-0x7e). Characters
// outside that range are written in modified BASE64 (RFC 3501 §5.1.3).
func printable(c byte) bool { return c >= 0x20 && c <= 0x7e }

// Encode returns the modified UTF-7 spelling of the UTF-8 mailbox name
// (RFC 3501 §5.1.3). A name of printable US-ASCII without "&" is returned
// as it is, without allocating. Encode fails with an [*Error] if name is
// not valid UTF-8.
func Encode(name string) (string, error) {
	i := 0
	for i < len(name) && direct(name[i]) {
		i++
	}
	if i == len(name) {
		return name, nil
	}
	var buf [128]byte
	b, err := appendEncode(buf[:0], name, i)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// AppendEncode appends the modified UTF-7 spelling of the UTF-8 mailbox
// name to dst and returns the extended buffer. It allocates only when dst
// lacks the capacity. If name is not valid UTF-8 it returns dst unchanged
// and an [*Error].
func AppendEncode(dst []byte, name string) ([]byte, error) {
	return appendEncode(dst, name, 0)
}

// appendEncode is AppendEncode for a name whose first i bytes represent themselves.
func appendEncode(dst []byte, name string, i int) ([]byte, error) {
	n0 := len(dst)
	dst = append(dst, name[:i]...)
	for i < len(name) {
		// Printable US-ASCII represents itself, "&" as "&-".
		j := i
		for j < len(name) && direct(name[j]) {
			j++
		}
		dst = append(dst, name[i:j]...)
		i = j
		if i == len(name) {
			break
		}
		if name[i] == '&' {
			dst = append(dst, '&', '-')
			i++
			continue
		}
		// Everything else, controls included, goes into one run of
		// modified BASE64 of UTF-16BE that lasts until the next printable
		// character; the run ends with "-", even at the end of the name.
		dst = append(dst, '&')
		var acc uint32 // pending bits, the low nbits of acc
		nbits := 0
		for i < len(name) && !printable(name[i]) {
			r, size := rune(name[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(name[i:])
				if r == utf8.RuneError && size == 1 {
					return dst[:n0], &Error{Op: "encode", Offset: i, Reason: reasonUTF8}
				}
			}
			i += size
			if r >= 0x10000 { // a surrogate pair
				r -= 0x10000
				dst, acc, nbits = appendUnit(dst, acc, nbits, 0xd800+uint32(r>>10))
				r = 0xdc00 + r&0x3ff
			}
			dst, acc, nbits = appendUnit(dst, acc, nbits, uint32(r))
		}
		if nbits > 0 {
			dst = append(dst, base64Chars[acc<<(6-nbits)&63])
		}
		dst = append(dst, '-')
	}
	return dst, nil
}

// appendUnit adds the UTF-16 code unit u to the nbits < 6 pending bits in
// acc and appends every complete 6-bit group as a modified BASE64 character.
func appendUnit(dst []byte, acc uint32, nbits int, u uint32) ([]byte, uint32, int) {
	acc = acc<<16 | u
	nbits += 16
	for nbits >= 6 {
		nbits -= 6
		dst = append(dst, base64Chars[acc>>nbits&63])
	}
	return dst, acc, nbits
}
