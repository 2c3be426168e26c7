package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Mailbox names come from the server and may hold any byte: "..", "/",
// NUL, control characters, names that equal a Maildir's own folders (cur,
// new, tmp), absolute paths. The layout under DIR maps each name to a path
// that stays inside DIR and that no other name maps to:
//
//   - The name is split at the server's hierarchy delimiter (LIST), so
//     "Archive/2024" becomes DIR/Archive/2024; a name with no delimiter (NIL)
//     is one component.
//   - Each component is escaped: bytes outside printable ASCII that are not
//     part of valid UTF-8, the bytes / \ : * ? " < > | %, and control
//     characters become %XX (upper-case hex); a leading "." becomes %2E (so
//     "." and ".." cannot occur, and no component can collide with the
//     dot-files imapc keeps: .imapc-state, .imapc-expunged, ...); a
//     component equal to cur, new or tmp, or starting with "dovecot" (the
//     keyword list is dovecot-keywords), in any case, has its first letter
//     escaped ("%63ur"); the empty component is "%".
//   - A component longer than 200 bytes after escaping is cut at a UTF-8
//     boundary and suffixed with "~" and 16 hex digits of the SHA-256 of the
//     whole escaped component.
//
// Every component is then a plain file name: no separator, not "." or "..",
// not empty, at most 255 bytes.

// maxComponent is the longest escaped component kept whole.
const maxComponent = 200

// escapeComponent returns the file name for one component of a mailbox
// name.
func escapeComponent(s string) string {
	if s == "" {
		return "%"
	}
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	esc := func(c byte) {
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
	lower := strings.ToLower(s)
	reserved := lower == "cur" || lower == "new" || lower == "tmp" || strings.HasPrefix(lower, "dovecot")
	for i := 0; i < len(s); {
		c := s[i]
		if i == 0 && (c == '.' || reserved) {
			esc(c)
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				esc(c)
				i++
				continue
			}
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		if c < 0x20 || c == 0x7f || strings.IndexByte(`/\:*?"<>|%`, c) >= 0 {
			esc(c)
		} else {
			b.WriteByte(c)
		}
		i++
	}
	out := b.String()
	if len(out) > maxComponent {
		sum := sha256.Sum256([]byte(out))
		cut := maxComponent - 17
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		// Do not cut an escape sequence in two.
		if j := strings.LastIndexByte(out[:cut], '%'); j >= 0 && cut-j < 3 {
			cut = j
		}
		out = out[:cut] + "~" + hex.EncodeToString(sum[:8])
	}
	return out
}

// mailboxPath returns the path of the Maildir of mailbox name, relative to
// DIR: its components escaped and joined. delim is the hierarchy delimiter
// (0 for none).
func mailboxPath(name string, delim rune) string {
	var parts []string
	if delim != 0 && delim != utf8.RuneError {
		parts = strings.Split(name, string(delim))
	} else {
		parts = []string{name}
	}
	for i, p := range parts {
		parts[i] = escapeComponent(p)
	}
	return filepath.Join(parts...)
}

// within reports whether path, relative, stays inside its base: the last
// line of defence behind escapeComponent.
func within(rel string) bool {
	if rel == "" || filepath.IsAbs(rel) || filepath.VolumeName(rel) != "" {
		return false
	}
	for _, p := range strings.Split(filepath.ToSlash(rel), "/") {
		if p == "" || p == "." || p == ".." || strings.IndexByte(p, 0) >= 0 {
			return false
		}
	}
	return true
}
