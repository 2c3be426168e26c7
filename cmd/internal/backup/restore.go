package backup

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// RestoreOptions configure Restore.
type RestoreOptions struct {
	// Dir is a backup folder written by Run.
	Dir string
	// Mailboxes, when not empty, restores only these mailboxes (names as
	// in the backup, UTF-8).
	Mailboxes []string
	// Dial opens a logged-in connection.
	Dial func(ctx context.Context) (*client.Conn, error)
	// Window is how many APPENDs are in flight at once, or how many
	// messages go in one MULTIAPPEND (0: 64).
	Window int
	// NoMultiAppend sends one APPEND per message even when the server
	// offers MULTIAPPEND.
	NoMultiAppend bool
	// Progress, when set, receives progress events (EventMessage for each
	// message appended).
	Progress func(Event)
}

// RestoreSummary is what Restore did.
type RestoreSummary struct {
	Mailboxes int
	Messages  int   // appended
	Bytes     int64 // their octets
	Skipped   int   // already on the server
	Elapsed   time.Duration
}

// Restore appends the messages of a backup back to a server, each with
// its flags (from the file name) and INTERNALDATE (the file's modification
// time), into the mailbox it came from, created when missing. A message
// the mailbox already holds — the same Message-ID, size and internal
// date — is skipped, so a restore may be run again after an interruption.
// APPENDs are pipelined (LITERAL+ spares the round trip per message when
// the server offers it), or sent as MULTIAPPEND (RFC 3502) batches when the
// server offers that. Messages set aside (.imapc-expunged, old
// UIDVALIDITY copies) are not restored.
func Restore(ctx context.Context, opts RestoreOptions) (*RestoreSummary, error) {
	start := time.Now()
	if opts.Dial == nil || opts.Dir == "" {
		return nil, errors.New("restore: Dir and Dial are required")
	}
	if opts.Window <= 0 {
		opts.Window = 64
	}
	boxes, err := findMaildirs(opts.Dir)
	if err != nil {
		return nil, err
	}
	if len(opts.Mailboxes) > 0 {
		boxes = slices.DeleteFunc(boxes, func(m maildirBox) bool { return !slices.Contains(opts.Mailboxes, m.st.Mailbox) })
	}
	if len(boxes) == 0 {
		return nil, fmt.Errorf("no mailbox backup (a Maildir with %s) under %s", stateFile, opts.Dir)
	}
	c, err := opts.Dial(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		lctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c.Logout(lctx)
		c.Close()
	}()
	delim, err := serverDelim(ctx, c)
	if err != nil {
		return nil, err
	}
	sum := &RestoreSummary{}
	progress := func(ev Event) {
		if opts.Progress != nil {
			opts.Progress(ev)
		}
	}
	for _, m := range boxes {
		name := m.st.Mailbox
		if m.st.Delim != "" && delim != 0 && m.st.Delim != string(delim) {
			name = strings.ReplaceAll(name, m.st.Delim, string(delim))
		}
		n, nb, skipped, err := restoreMailbox(ctx, c, m, name, opts, progress)
		sum.Mailboxes++
		sum.Messages += n
		sum.Bytes += nb
		sum.Skipped += skipped
		if err != nil {
			sum.Elapsed = time.Since(start)
			return sum, fmt.Errorf("%s: %w", name, err)
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// maildirBox is one mailbox's Maildir in a backup.
type maildirBox struct {
	dir string
	st  *State
}

// findMaildirs returns the Maildirs with a state file under dir, skipping
// imapc's own dot-folders (set-aside copies).
func findMaildirs(dir string) ([]maildirBox, error) {
	var out []maildirBox
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if n := d.Name(); n == "cur" || n == "new" || n == "tmp" {
			return filepath.SkipDir
		}
		st, err := readState(p)
		if err != nil {
			return err
		}
		if st != nil {
			out = append(out, maildirBox{p, st})
		}
		return nil
	})
	return out, err
}

// serverDelim returns the server's hierarchy delimiter (LIST "" "").
func serverDelim(ctx context.Context, c *client.Conn) (rune, error) {
	res, err := c.List(ctx, "", []string{""}, nil)
	if err != nil {
		return 0, fmt.Errorf("LIST: %w", err)
	}
	for _, l := range res.Mailboxes {
		return l.Delim, nil
	}
	return 0, nil
}

// msgKey identifies a message for "already present".
type msgKey struct {
	messageID string
	size      int64
	date      int64 // Unix seconds: INTERNALDATE has no finer precision
}

// localMsg is one file to restore.
type localMsg struct {
	path  string
	key   msgKey
	flags []string
	date  time.Time
}

func restoreMailbox(ctx context.Context, c *client.Conn, m maildirBox, name string, opts RestoreOptions, progress func(Event)) (n int, nb int64, skipped int, err error) {
	kw, err := loadKeywords(m.dir)
	if err != nil {
		return 0, 0, 0, err
	}
	ents, err := os.ReadDir(filepath.Join(m.dir, "cur"))
	if err != nil {
		return 0, 0, 0, err
	}
	var msgs []localMsg
	for _, e := range ents {
		_, _, info, ok := parseMessageName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(m.dir, "cur", e.Name())
		fi, err := e.Info()
		if err != nil {
			return 0, 0, 0, err
		}
		id, err := fileMessageID(path)
		if err != nil {
			return 0, 0, 0, err
		}
		msgs = append(msgs, localMsg{path: path, flags: kw.flags(info), date: fi.ModTime(),
			key: msgKey{id, fi.Size(), fi.ModTime().Unix()}})
	}
	// What the mailbox holds already.
	have := map[msgKey]int{}
	mb, err := c.Select(ctx, name, &client.SelectOptions{ReadOnly: true})
	var se *client.StatusError
	switch {
	case errors.As(err, &se):
		if err := c.Create(ctx, name); err != nil {
			return 0, 0, 0, fmt.Errorf("CREATE: %w", err)
		}
	case err != nil:
		return 0, 0, 0, err
	case mb.Exists > 0:
		f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{RFC822Size: true, InternalDate: true,
			Sections: []client.FetchSection{{Section: wire.Section{Specifier: "HEADER.FIELDS", Fields: []string{"MESSAGE-ID"}}}}}, nil)
		if err != nil {
			return 0, 0, 0, err
		}
		for d, err := range f.Messages(ctx) {
			if err != nil {
				return 0, 0, 0, err
			}
			var hdr []byte
			for _, s := range d.Sections {
				hdr = append(hdr, s.Data...)
			}
			have[msgKey{headerMessageID(hdr), d.RFC822Size, d.InternalDate.Unix()}]++
		}
	}
	if mb != nil && c.State() == client.StateSelected {
		if err := c.Unselect(ctx); err != nil {
			c.CloseMailbox(ctx) // read-only: expunges nothing (RFC 9051 §6.4.1)
		}
	}
	var todo []localMsg
	var total int64
	for _, lm := range msgs {
		if have[lm.key] > 0 {
			have[lm.key]--
			skipped++
			continue
		}
		todo = append(todo, lm)
		total += lm.key.size
	}
	slices.SortFunc(todo, func(a, b localMsg) int { return a.date.Compare(b.date) })
	progress(Event{Kind: EventMailbox, Mailbox: name, Messages: len(todo), Bytes: total})
	hasMulti, err := c.Has(ctx, "MULTIAPPEND")
	if err != nil {
		return 0, 0, 0, err
	}
	multi := !opts.NoMultiAppend && hasMulti
	for len(todo) > 0 {
		k := min(len(todo), opts.Window)
		batch := todo[:k]
		todo = todo[k:]
		var err error
		if multi && k > 1 {
			err = appendMulti(ctx, c, name, batch)
		} else {
			err = appendPipelined(ctx, c, name, batch)
		}
		if err != nil {
			return n, nb, skipped, err
		}
		for _, lm := range batch {
			n++
			nb += lm.key.size
			progress(Event{Kind: EventMessage, Mailbox: name, Messages: 1, Bytes: lm.key.size})
		}
	}
	progress(Event{Kind: EventMailboxDone, Mailbox: name, Messages: n, Bytes: nb})
	return n, nb, skipped, nil
}

// appendMulti sends batch as one MULTIAPPEND, the files streamed.
func appendMulti(ctx context.Context, c *client.Conn, mailbox string, batch []localMsg) error {
	am := make([]client.AppendMessage, 0, len(batch))
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, lm := range batch {
		f, err := os.Open(lm.path)
		if err != nil {
			return err
		}
		files = append(files, f)
		am = append(am, client.AppendMessage{Body: f, Size: lm.key.size, AppendOptions: client.AppendOptions{Flags: lm.flags, Date: lm.date}})
	}
	if _, err := c.AppendMulti(ctx, mailbox, am); err != nil {
		return fmt.Errorf("MULTIAPPEND of %d messages: %w", len(batch), err)
	}
	return nil
}

// appendPipelined sends one APPEND per message of batch without waiting
// for the previous one, then waits for all.
func appendPipelined(ctx context.Context, c *client.Conn, mailbox string, batch []localMsg) error {
	type inflight struct {
		cmd *client.AppendCommand
		f   *os.File
		lm  localMsg
	}
	var cmds []inflight
	defer func() {
		for _, x := range cmds {
			x.f.Close()
		}
	}()
	var first error
	for _, lm := range batch {
		f, err := os.Open(lm.path)
		if err != nil {
			first = err
			break
		}
		cmd, err := c.StartAppend(ctx, mailbox, f, lm.key.size, &client.AppendOptions{Flags: lm.flags, Date: lm.date})
		if err != nil {
			f.Close()
			first = fmt.Errorf("APPEND %s: %w", lm.path, err)
			break
		}
		cmds = append(cmds, inflight{cmd, f, lm})
	}
	for _, x := range cmds {
		if _, err := x.cmd.Wait(ctx); err != nil && first == nil {
			first = fmt.Errorf("APPEND %s: %w", x.lm.path, err)
		}
	}
	return first
}

// fileMessageID returns the Message-ID of the message in path, read from
// its header (at most 1 MiB of it).
func fileMessageID(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var hdr bytes.Buffer
	br := bufio.NewReader(io.LimitReader(f, 1<<20))
	for {
		line, err := br.ReadSlice('\n')
		if len(bytes.TrimRight(line, "\r\n")) == 0 && (len(line) > 0 || err != nil) {
			break
		}
		hdr.Write(line)
		if err == bufio.ErrBufferFull {
			// A very long line: keep reading it.
			continue
		}
		if err != nil {
			break
		}
	}
	return headerMessageID(hdr.Bytes()), nil
}

// headerMessageID returns the Message-ID field of a header block, unfolded
// and trimmed; "" when there is none.
func headerMessageID(hdr []byte) string {
	lines := strings.Split(strings.ReplaceAll(string(hdr), "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		name, val, ok := strings.Cut(lines[i], ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "Message-ID") {
			continue
		}
		for i+1 < len(lines) && len(lines[i+1]) > 0 && (lines[i+1][0] == ' ' || lines[i+1][0] == '\t') {
			i++
			val += " " + strings.TrimSpace(lines[i])
		}
		return strings.TrimSpace(val)
	}
	return ""
}
