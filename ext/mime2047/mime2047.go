// Package mime2047 decodes RFC 2047 encoded-words ("=?charset?Q?...?=",
// "=?charset?B?...?=") in the envelope fields IMAP returns raw (RFC 9051
// §7.5.2: ENVELOPE subject and address display names are sent as they
// appear in the header, encoded-words included), on request.
//
// Decoding is mime.WordDecoder from the standard library, which knows
// only UTF-8, US-ASCII and ISO-8859-1. The charsets users meet beyond
// those (windows-125x, ISO-8859-x, KOI8-R/U, Shift_JIS, EUC-JP,
// ISO-2022-JP, GBK/GB2312/GB18030, Big5, EUC-KR, ...) come from
// golang.org/x/text's WHATWG index (htmlindex), which also maps the
// aliases mail software writes (latin1, cp1252, x-sjis, ks_c_5601-1987).
//
// Decode never fails: an encoded-word it cannot decode (an unknown
// charset, bad base64) stays as it was, as RFC 2047 §6.3 allows; a
// header without encoded-words is returned unchanged.
package mime2047

import (
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/imapkit/imapkit/wire"
	"golang.org/x/text/encoding/htmlindex"
)

// MaxLen bounds the input Decode works on; longer text is returned as it
// is (a server's ENVELOPE field is bounded by its line length anyway).
const MaxLen = 1 << 20

var decoder = &mime.WordDecoder{CharsetReader: charsetReader}

// charsetReader returns a UTF-8 reader for charset, for the charsets the
// standard library does not know.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, fmt.Errorf("mime2047: unknown charset %q", charset)
	}
	return enc.NewDecoder().Reader(input), nil
}

// DecodeStrict decodes the encoded-words in s (RFC 2047 §6), returning an
// error for the first that cannot be decoded.
func DecodeStrict(s string) (string, error) {
	if !strings.Contains(s, "=?") {
		return s, nil
	}
	if len(s) > MaxLen {
		return s, fmt.Errorf("mime2047: text of %d octets is longer than %d", len(s), MaxLen)
	}
	return decoder.DecodeHeader(s)
}

// Decode decodes the encoded-words in s; what cannot be decoded is left
// as it is.
func Decode(s string) string {
	if !strings.Contains(s, "=?") || len(s) > MaxLen {
		return s
	}
	if d, err := decoder.DecodeHeader(s); err == nil {
		return d
	}
	// Decode word by word, keeping the ones that fail.
	var b strings.Builder
	rest := s
	for {
		i := strings.Index(rest, "=?")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		end := wordEnd(rest[i:])
		if end < 0 {
			b.WriteString(rest[i:])
			break
		}
		w := rest[i : i+end]
		if d, err := decoder.Decode(w); err == nil {
			b.WriteString(d)
		} else {
			b.WriteString(w)
		}
		rest = rest[i+end:]
		// Whitespace between two encoded-words is not displayed (RFC
		// 2047 §6.2).
		if t := strings.TrimLeft(rest, " \t\r\n"); strings.HasPrefix(t, "=?") && wordEnd(t) > 0 {
			rest = t
		}
	}
	return b.String()
}

// wordEnd returns the length of the encoded-word at the start of s,
// "=?" charset "?" encoding "?" text "?=", or -1.
func wordEnd(s string) int {
	q := 0
	for i := 2; i+1 < len(s); i++ {
		if s[i] == ' ' {
			return -1
		}
		if s[i] == '?' {
			q++
			if q == 3 {
				if s[i+1] == '=' {
					return i + 2
				}
				return -1
			}
		}
	}
	return -1
}

// Envelope returns a copy of e with the subject and the address display
// names decoded (Decode). Addresses' other parts are never encoded-words
// (RFC 2047 §5).
func Envelope(e *wire.Envelope) *wire.Envelope {
	if e == nil {
		return nil
	}
	out := *e
	out.Subject = Decode(e.Subject)
	for _, l := range []*[]wire.Address{&out.From, &out.Sender, &out.ReplyTo, &out.To, &out.Cc, &out.Bcc} {
		*l = Addresses(*l)
	}
	return &out
}

// Addresses returns a copy of addrs with the display names decoded.
func Addresses(addrs []wire.Address) []wire.Address {
	if addrs == nil {
		return nil
	}
	out := make([]wire.Address, len(addrs))
	for i, a := range addrs {
		a.Name = Decode(a.Name)
		out[i] = a
	}
	return out
}
