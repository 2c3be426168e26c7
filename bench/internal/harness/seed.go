package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/imapkit/imapkit/bench/internal/mailgen"
)

// MailboxSpec describes a benchmark mailbox: messages of log-uniform sizes
// between MinSize and MaxSize, generated until TotalBytes (or Count
// messages, when Count is set).
type MailboxSpec struct {
	User    string
	Mailbox string // "INBOX" or an ASCII name without '.'
	Seed    uint64
	Count   int
	Total   int64
	MinSize int
	MaxSize int
}

// Seeded is what a seeded mailbox holds.
type Seeded struct {
	Messages int
	// Bytes is the sum of RFC822.SIZE (CRLF line ends), what a full
	// download transfers in literals.
	Bytes int64
}

func (s MailboxSpec) key() string {
	return fmt.Sprintf("imapkit-bench seed v1 seed=%d count=%d total=%d min=%d max=%d", s.Seed, s.Count, s.Total, s.MinSize, s.MaxSize)
}

// plan returns the sizes of the messages of s.
func (s MailboxSpec) plan() []int {
	var sizes []int
	var total int64
	for i := 0; ; i++ {
		if s.Count > 0 && i >= s.Count {
			break
		}
		if s.Count == 0 && total >= s.Total {
			break
		}
		n := mailgen.Size(s.Seed, i, s.MinSize, s.MaxSize)
		sizes = append(sizes, n)
		total += int64(n)
	}
	return sizes
}

const markerName = "imapkit-bench.seed"

// maildirDir returns the Maildir++ folder of a mailbox.
func maildirDir(stateDir, user, mailbox string) string {
	md := filepath.Join(stateDir, "home", user, "Maildir")
	if strings.EqualFold(mailbox, "INBOX") {
		return md
	}
	return filepath.Join(md, "."+strings.ReplaceAll(mailbox, "/", "."))
}

// Seed makes sure the mailbox holds exactly what spec describes, writing
// Maildir files directly (as dovecot.sh seed does) unless a marker left by
// an earlier run says it already does. It returns what the mailbox holds
// and whether it wrote anything.
func Seed(stateDir string, mailUID int, spec MailboxSpec, logf func(string, ...any)) (Seeded, bool, error) {
	dir := maildirDir(stateDir, spec.User, spec.Mailbox)
	key := spec.key()
	if b, err := os.ReadFile(filepath.Join(dir, markerName)); err == nil {
		var s Seeded
		var k string
		lines := strings.SplitN(string(b), "\n", 2)
		if len(lines) == 2 {
			k = lines[0]
			fmt.Sscanf(lines[1], "messages=%d bytes=%d", &s.Messages, &s.Bytes)
		}
		if k == key {
			if ents, err := os.ReadDir(filepath.Join(dir, "cur")); err == nil && len(ents) == s.Messages {
				return s, false, nil
			}
		}
	}
	logf("seeding %s/%s (%s) ...", spec.User, spec.Mailbox, key)
	if err := wipe(dir, strings.EqualFold(spec.Mailbox, "INBOX")); err != nil {
		return Seeded{}, false, err
	}
	md := filepath.Join(stateDir, "home", spec.User, "Maildir")
	for _, d := range []string{md, dir} {
		for _, sub := range []string{"cur", "new", "tmp"} {
			if err := os.MkdirAll(filepath.Join(d, sub), 0o700); err != nil {
				return Seeded{}, false, err
			}
		}
	}
	if dir != md {
		if err := os.WriteFile(filepath.Join(dir, "maildirfolder"), nil, 0o600); err != nil {
			return Seeded{}, false, err
		}
	}
	sizes := spec.plan()
	var (
		mu    sync.Mutex
		total int64
		first error
		wg    sync.WaitGroup
	)
	workers := 4
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var sum int64
			for i := w; i < len(sizes); i += workers {
				msg := mailgen.Message(spec.Seed, i, sizes[i])
				vsize := len(msg) + mailgen.Lines(msg)
				flags := []string{"S", "S", "S", "", "FS", "RS", ""}[i%7]
				name := fmt.Sprintf("%d.M%dP1.imapkit-bench,S=%d,W=%d:2,%s", mailgen.Date(i).Unix(), i, len(msg), vsize, flags)
				p := filepath.Join(dir, "cur", name)
				err := os.WriteFile(p, msg, 0o600)
				if err == nil {
					err = os.Chtimes(p, mailgen.Date(i), mailgen.Date(i))
				}
				if err == nil {
					err = os.Lchown(p, mailUID, mailUID)
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
				sum += int64(vsize)
			}
			mu.Lock()
			total += sum
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	if first != nil {
		return Seeded{}, false, first
	}
	s := Seeded{Messages: len(sizes), Bytes: total}
	marker := fmt.Sprintf("%s\nmessages=%d bytes=%d\n", key, s.Messages, s.Bytes)
	if err := os.WriteFile(filepath.Join(dir, markerName), []byte(marker), 0o600); err != nil {
		return Seeded{}, false, err
	}
	if err := chownTree(filepath.Join(stateDir, "home", spec.User), mailUID); err != nil {
		return Seeded{}, false, err
	}
	return s, true, nil
}

// wipe removes a mailbox's messages and Dovecot's index files for it. For
// INBOX (the Maildir root) the other folders are left alone.
func wipe(dir string, inbox bool) error {
	if !inbox {
		return os.RemoveAll(dir)
	}
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		n := e.Name()
		switch {
		case n == "cur" || n == "new" || n == "tmp" || n == markerName ||
			strings.HasPrefix(n, "dovecot.index") || n == "dovecot-uidlist":
			if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
				return err
			}
		}
	}
	return nil
}

// chownTree gives the mail user the directories (not the files, which are
// chowned as they are written) under root.
func chownTree(root string, uid int) error {
	return filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Name() == markerName || d.Name() == "maildirfolder" {
			return os.Lchown(p, uid, uid)
		}
		return nil
	})
}
