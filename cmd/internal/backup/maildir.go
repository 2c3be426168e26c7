package backup

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Messages are files in the Maildir's cur/ folder named
//
//	U<uid>.V<uidvalidity>.imapc:2,<flags>
//
// The part before ":2," is the Maildir unique name, unique because UIDs are
// (RFC 9051 §2.3.1.1); the part after it is the Maildir info: one letter per
// flag, in ASCII order. System flags: D \Draft, F \Flagged, P $Forwarded
// (Maildir's "passed"), R \Answered, S \Seen, T \Deleted. Keywords are the
// lower-case letters a to z, assigned in the order keywords are first met
// and listed in the Maildir's dovecot-keywords file ("0 $Junk" means a is
// $Junk), the format Dovecot reads; a mailbox's 27th and later keywords
// are not recorded. \Recent is never recorded.

// systemFlags maps IMAP flags to Maildir info letters.
var systemFlags = map[string]byte{
	`\draft`:     'D',
	`\flagged`:   'F',
	`$forwarded`: 'P',
	`\answered`:  'R',
	`\seen`:      'S',
	`\deleted`:   'T',
}

// letterFlags is systemFlags reversed, in the spelling APPEND sends.
var letterFlags = map[byte]string{
	'D': `\Draft`, 'F': `\Flagged`, 'P': `$Forwarded`, 'R': `\Answered`, 'S': `\Seen`, 'T': `\Deleted`,
}

// keywordsFile is the name of a Maildir's keyword list.
const keywordsFile = "dovecot-keywords"

// keywords is a Maildir's keyword table.
type keywords struct {
	dir   string // the Maildir
	names []string
	index map[string]int // lower-cased keyword -> position
}

func loadKeywords(dir string) (*keywords, error) {
	k := &keywords{dir: dir, index: map[string]int{}}
	f, err := os.Open(filepath.Join(dir, keywordsFile))
	if errors.Is(err, os.ErrNotExist) {
		return k, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(k.names) < 26 {
		num, name, ok := strings.Cut(sc.Text(), " ")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n != len(k.names) || name == "" {
			return nil, fmt.Errorf("%s: malformed line %q", filepath.Join(dir, keywordsFile), sc.Text())
		}
		k.index[strings.ToLower(name)] = len(k.names)
		k.names = append(k.names, name)
	}
	return k, sc.Err()
}

// info returns the Maildir info letters of flags, adding new keywords to
// the table (and saving it, before any file uses the new letters). dropped
// counts keywords that found no letter.
func (k *keywords) info(flags []string, fsync bool) (info string, dropped int, err error) {
	var b []byte
	added := false
	for _, f := range flags {
		lf := strings.ToLower(f)
		if c, ok := systemFlags[lf]; ok {
			b = append(b, c)
			continue
		}
		if strings.HasPrefix(f, `\`) || !validKeyword(f) {
			continue // \Recent and unknown system flags
		}
		i, ok := k.index[lf]
		if !ok {
			if len(k.names) == 26 {
				dropped++
				continue
			}
			i = len(k.names)
			k.index[lf] = i
			k.names = append(k.names, f)
			added = true
		}
		b = append(b, byte('a'+i))
	}
	if added {
		var s strings.Builder
		for i, n := range k.names {
			fmt.Fprintf(&s, "%d %s\n", i, n)
		}
		if err := writeFileAtomic(filepath.Join(k.dir, keywordsFile), []byte(s.String()), fsync); err != nil {
			return "", 0, err
		}
	}
	slices.Sort(b)
	b = slices.Compact(b)
	return string(b), dropped, nil
}

// flags returns the IMAP flags of Maildir info letters.
func (k *keywords) flags(info string) []string {
	var out []string
	for i := 0; i < len(info); i++ {
		c := info[i]
		if f, ok := letterFlags[c]; ok {
			out = append(out, f)
		} else if c >= 'a' && c <= 'z' && int(c-'a') < len(k.names) {
			out = append(out, k.names[c-'a'])
		}
	}
	return out
}

// validKeyword reports whether s is an atom usable as a keyword
// (RFC 9051 §9, flag-keyword = atom): no space, no list or quoting
// characters, no control characters; also nothing that would break the
// keywords file's lines.
func validKeyword(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`(){%*"\]`, c) >= 0 {
			return false
		}
	}
	return true
}

// messageName returns the file name of a message in cur/.
func messageName(uid, uidValidity uint32, info string) string {
	return "U" + strconv.FormatUint(uint64(uid), 10) + ".V" + strconv.FormatUint(uint64(uidValidity), 10) + ".imapc:2," + info
}

// parseMessageName reads a name written by messageName (possibly renamed
// by a mail reader to other flags). ok is false for any other file.
func parseMessageName(name string) (uid, uidValidity uint32, info string, ok bool) {
	base, info, found := strings.Cut(name, ":2,")
	if !found {
		base, info = name, ""
	}
	rest, ok := strings.CutPrefix(base, "U")
	if !ok {
		return 0, 0, "", false
	}
	u, rest, ok := strings.Cut(rest, ".V")
	if !ok {
		return 0, 0, "", false
	}
	v, ok := strings.CutSuffix(rest, ".imapc")
	if !ok {
		return 0, 0, "", false
	}
	un, err1 := strconv.ParseUint(u, 10, 32)
	vn, err2 := strconv.ParseUint(v, 10, 32)
	if err1 != nil || err2 != nil || un == 0 {
		return 0, 0, "", false
	}
	return uint32(un), uint32(vn), info, true
}

// makeMaildir creates dir with its cur, new and tmp folders.
func makeMaildir(dir string) error {
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return err
		}
	}
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path, so that path holds the old or the new contents, never a
// part. With fsync, the file and then the folder are synced.
func writeFileAtomic(path string, data []byte, fsync bool) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".imapc-tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil && fsync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if fsync {
		return syncDir(dir)
	}
	return nil
}

// syncDir makes a folder's entries (renames) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
