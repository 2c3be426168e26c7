// Package backup copies IMAP mailboxes into Maildirs, incrementally and
// safely: the engine of "imapc backup" (and, read back, "imapc restore").
//
// Layout. Under the backup folder DIR, each mailbox is a Maildir at the
// path of its name (see mailboxPath: the name split at the hierarchy
// delimiter, each part escaped so that no byte a server sends can leave
// DIR). A Maildir holds cur/, new/, tmp/, the message files in cur/ (see
// messageName for their names and the flag letters), dovecot-keywords (the
// keyword letters) and .imapc-state (State, JSON). Child mailboxes are
// folders beside cur/, new/ and tmp/; imapc's own entries start with a dot,
// which no escaped name does.
//
// Each message is written to tmp/, optionally synced (Options.Fsync), given
// the message's INTERNALDATE as modification time and renamed into cur/
// (the Maildir delivery rule), so that cur/ never holds a partial message.
// The state file is written after the data it describes, by rename.
//
// A re-run fetches only what is new: the messages above the state's last
// UID that are not already on disk (those that an interrupted run saved),
// and the flag changes — with CONDSTORE (RFC 7162) only the messages
// changed since the HIGHESTMODSEQ of the last run (FETCH CHANGEDSINCE),
// without it the flags of every message. A message whose file was removed
// locally is fetched again.
//
// Expunged messages are kept: a message the server no longer has is moved
// to the Maildir .imapc-expunged inside the mailbox's folder, so the
// backup keeps everything it ever saw and cur/ mirrors the server.
//
// A UIDVALIDITY change (RFC 9051 §2.3.1.1: every UID is void) starts the
// mailbox over: the old messages, keyword list and state move to the
// Maildir .imapc-uidvalidity-OLD beside them, and the mailbox is fetched
// whole, never mixed with the old copy.
package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/condstore"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Options configure Run.
type Options struct {
	// Dir is the backup folder; it is created when missing.
	Dir string
	// Patterns are LIST patterns (RFC 9051 §6.3.9) choosing the
	// mailboxes; none means "*", every mailbox.
	Patterns []string
	// Dial opens a logged-in connection. Run opens up to Jobs of them.
	Dial func(ctx context.Context) (*client.Conn, error)
	// Jobs is the number of mailboxes copied at once, each over a
	// connection of its own; 0 means 1.
	Jobs int
	// Fsync syncs every message file and folder before it counts as
	// saved, so that a power loss cannot lose what the state file claims.
	Fsync bool
	// Compress turns on COMPRESS=DEFLATE (RFC 4978) when the server
	// offers it.
	Compress bool
	// BatchMessages and BatchBytes bound one UID FETCH of message bodies
	// (0: 1000 messages, 32 MiB); Pipeline is how many of them are in
	// flight at once (0: 4).
	BatchMessages int
	BatchBytes    int64
	Pipeline      int
	// NoCondStore ignores CONDSTORE: every run then fetches the flags of
	// every message (for servers whose mod-sequences cannot be trusted,
	// and for tests).
	NoCondStore bool
	// Progress, when set, receives progress events. It is called from
	// several goroutines when Jobs > 1, never at once.
	Progress func(Event)
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventMailbox: a mailbox starts; Messages and Bytes are what it will
	// download.
	EventMailbox EventKind = iota
	// EventMessage: one message was saved; Bytes is its size.
	EventMessage
	// EventMailboxDone: a mailbox is complete; Messages, Bytes, Flags and
	// Expunged are its totals.
	EventMailboxDone
	// EventWarning: something was skipped; Text says what.
	EventWarning
)

// String returns the kind's name as the JSON progress lines print it.
func (k EventKind) String() string {
	switch k {
	case EventMailbox:
		return "mailbox"
	case EventMessage:
		return "message"
	case EventMailboxDone:
		return "mailbox_done"
	case EventWarning:
		return "warning"
	}
	return "event" + strconv.Itoa(int(k))
}

// Event is one progress report.
type Event struct {
	Kind     EventKind
	Mailbox  string
	Messages int
	Bytes    int64
	Flags    int // flag changes applied (EventMailboxDone)
	Expunged int // messages moved aside (EventMailboxDone)
	Text     string
}

// Summary is what Run did.
type Summary struct {
	Mailboxes   int
	Messages    int   // messages downloaded
	Bytes       int64 // their octets
	FlagUpdates int   // files renamed to new flags
	Expunged    int   // files moved to .imapc-expunged
	Restarted   int   // mailboxes started over after a UIDVALIDITY change
	Elapsed     time.Duration
}

// Run backs up the mailboxes chosen by opts.Patterns into opts.Dir. It
// goes on with the other mailboxes when one fails and returns every
// mailbox's error, joined; what was saved stays saved, and a re-run goes
// on from there.
func Run(ctx context.Context, opts Options) (*Summary, error) {
	start := time.Now()
	if opts.Dial == nil || opts.Dir == "" {
		return nil, errors.New("backup: Dir and Dial are required")
	}
	if opts.Jobs <= 0 {
		opts.Jobs = 1
	}
	if opts.BatchMessages <= 0 {
		opts.BatchMessages = 1000
	}
	if opts.BatchBytes <= 0 {
		opts.BatchBytes = 32 << 20
	}
	if opts.Pipeline <= 0 {
		opts.Pipeline = 4
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, err
	}
	r := &runner{opts: opts}
	c, err := r.dial(ctx)
	if err != nil {
		return nil, err
	}
	boxes, err := listMailboxes(ctx, c, opts.Patterns)
	if err != nil {
		c.Close()
		return nil, err
	}
	if len(boxes) == 0 {
		c.Close()
		return nil, fmt.Errorf("no selectable mailbox matches %q", opts.Patterns)
	}
	if err := checkPaths(boxes); err != nil {
		c.Close()
		return nil, err
	}
	jobs := make(chan *wire.ListData)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	n := min(opts.Jobs, max(len(boxes), 1))
	for i := range n {
		var conn *client.Conn
		if i == 0 {
			conn = c
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if conn != nil {
					lctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					conn.Logout(lctx)
					cancel()
					conn.Close()
				}
			}()
			for l := range jobs {
				if conn == nil || conn.Err() != nil {
					if conn != nil {
						conn.Close()
					}
					var err error
					if conn, err = r.dial(ctx); err != nil {
						conn = nil
						mu.Lock()
						errs = append(errs, fmt.Errorf("%s: %w", l.Mailbox, err))
						mu.Unlock()
						continue
					}
				}
				if err := r.mailbox(ctx, conn, l); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s: %w", l.Mailbox, err))
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for _, l := range boxes {
		select {
		case jobs <- l:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	r.sum.Mailboxes = len(boxes)
	r.sum.Elapsed = time.Since(start)
	if ctx.Err() != nil && len(errs) == 0 {
		errs = append(errs, ctx.Err())
	}
	return &r.sum, errors.Join(errs...)
}

// runner is one Run.
type runner struct {
	opts Options
	mu   sync.Mutex // guards sum and calls of opts.Progress
	sum  Summary
	tmpN atomic.Uint64
}

func (r *runner) dial(ctx context.Context) (*client.Conn, error) {
	c, err := r.opts.Dial(ctx)
	if err != nil {
		return nil, err
	}
	canCompress, err := c.Has(ctx, "COMPRESS=DEFLATE")
	if err != nil {
		c.Close()
		return nil, err
	}
	if r.opts.Compress && canCompress {
		if err := c.Compress(ctx, nil, -1); err != nil {
			c.Close()
			return nil, fmt.Errorf("COMPRESS: %w", err)
		}
	}
	return c, nil
}

func (r *runner) event(ev Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev.Kind {
	case EventMessage:
		r.sum.Messages++
		r.sum.Bytes += ev.Bytes
	case EventMailboxDone:
		r.sum.FlagUpdates += ev.Flags
		r.sum.Expunged += ev.Expunged
	}
	if r.opts.Progress != nil {
		r.opts.Progress(ev)
	}
}

func (r *runner) warn(mailbox, format string, args ...any) {
	r.event(Event{Kind: EventWarning, Mailbox: mailbox, Text: fmt.Sprintf(format, args...)})
}

// listMailboxes returns the selectable mailboxes matching patterns, each
// once, sorted by name.
func listMailboxes(ctx context.Context, c *client.Conn, patterns []string) ([]*wire.ListData, error) {
	if len(patterns) == 0 {
		patterns = []string{"*"}
	}
	res, err := c.List(ctx, "", patterns, nil)
	if err != nil {
		return nil, fmt.Errorf("LIST: %w", err)
	}
	seen := map[string]bool{}
	var out []*wire.ListData
	for _, l := range res.Mailboxes {
		if l.HasAttr(`\Noselect`) || l.HasAttr(`\NonExistent`) || seen[l.Mailbox] {
			continue
		}
		seen[l.Mailbox] = true
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b *wire.ListData) int { return strings.Compare(a.Mailbox, b.Mailbox) })
	return out, nil
}

// checkPaths refuses two mailboxes that would share a Maildir (possible
// only through the hash of over-long names, or a server that sends
// different delimiters).
func checkPaths(boxes []*wire.ListData) error {
	seen := map[string]string{}
	for _, l := range boxes {
		p := mailboxPath(l.Mailbox, l.Delim)
		if !within(p) {
			return fmt.Errorf("mailbox %q: unsafe path %q", l.Mailbox, p)
		}
		if other, ok := seen[p]; ok {
			return fmt.Errorf("mailboxes %q and %q would share the folder %q", other, l.Mailbox, p)
		}
		seen[p] = l.Mailbox
	}
	return nil
}

// box is the backup of one mailbox in progress.
type box struct {
	r     *runner
	name  string
	dir   string // the Maildir
	st    *State
	kw    *keywords
	local map[uint32]string // UID -> file name in cur/
	uidv  uint32

	flags, expunged int
	kwCopied        bool

	// mu guards local, pend and kw while batches are read (each batch on
	// a goroutine of its own).
	mu sync.Mutex
	// pend holds the bodies streamed to tmp/ whose FETCH response has not
	// been read yet, by sequence number. It is one map for all the
	// batches in flight, so that a body reaches its file whichever
	// batch's reader the client hands the literal to.
	pend map[uint32]string
}

func cmpUID(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// mailbox backs up one mailbox over c.
func (r *runner) mailbox(ctx context.Context, c *client.Conn, l *wire.ListData) error {
	rel := mailboxPath(l.Mailbox, l.Delim)
	if !within(rel) {
		return fmt.Errorf("unsafe path %q", rel)
	}
	b := &box{r: r, name: l.Mailbox, dir: filepath.Join(r.opts.Dir, rel), pend: map[uint32]string{}}
	defer func() {
		for _, p := range b.pend {
			os.Remove(p)
		}
	}()
	if err := makeMaildir(b.dir); err != nil {
		return err
	}
	hasCondStore, err := c.Has(ctx, "CONDSTORE")
	if err != nil {
		return err
	}
	cs := !r.opts.NoCondStore && hasCondStore
	sel := &client.SelectOptions{ReadOnly: true}
	if cs {
		sel.Params = []wire.Value{condstore.SelectParam()}
	}
	mb, err := examine(ctx, c, l.Mailbox, sel)
	if err != nil {
		return fmt.Errorf("EXAMINE: %w", err)
	}
	b.uidv = mb.UIDValidity
	st, err := readState(b.dir)
	if err != nil {
		return err
	}
	delim := ""
	if l.Delim != 0 {
		delim = string(l.Delim)
	}
	if st != nil && st.UIDValidity != mb.UIDValidity {
		r.warn(l.Mailbox, "UIDVALIDITY changed from %d to %d: starting over, the old copy moves to %s", st.UIDValidity, mb.UIDValidity, asideName(st.UIDValidity))
		r.mu.Lock()
		r.sum.Restarted++
		r.mu.Unlock()
		if err := b.moveAside(st.UIDValidity, true); err != nil {
			return err
		}
		st = nil
	}
	if st == nil {
		st = &State{UIDValidity: mb.UIDValidity}
	}
	st.Mailbox, st.Delim = l.Mailbox, delim
	b.st = st
	if b.kw, err = loadKeywords(b.dir); err != nil {
		return err
	}
	if err := b.scan(); err != nil {
		return err
	}
	lastOld := st.LastUID
	hi := lastOld // highest UID known locally
	for uid := range b.local {
		hi = max(hi, uid)
	}

	// New messages: UIDs above the last run's, from UIDNEXT's hint.
	type meta struct {
		uid  uint32
		size int64
	}
	var fresh []meta // on the server above lastOld
	if mb.UIDNext == 0 || lastOld+1 < mb.UIDNext {
		var set seqset.Set
		set.AddRange(lastOld+1, seqset.Star)
		f, err := c.UIDFetch(ctx, set, &client.FetchItems{UID: true, RFC822Size: true}, nil)
		if err != nil {
			return err
		}
		for d, err := range f.Messages(ctx) {
			if err != nil {
				return fmt.Errorf("UID FETCH %s (RFC822.SIZE): %w", set, err)
			}
			if d.Has&wire.FetchUID != 0 && d.UID > lastOld {
				fresh = append(fresh, meta{d.UID, d.RFC822Size})
			}
		}
	}
	slices.SortFunc(fresh, func(a, b meta) int { return cmpUID(a.uid, b.uid) })
	fresh = slices.CompactFunc(fresh, func(a, b meta) bool { return a.uid == b.uid })

	// Flags and expunges of the messages already saved.
	var want []meta // to download
	if hi > 0 {
		aboveHi := 0
		for _, m := range fresh {
			if m.uid > hi {
				aboveHi++
			}
		}
		localCount := len(b.local)
		serverCount := int(mb.Exists) - aboveHi
		var old seqset.Set
		old.AddRange(1, hi)
		var onServer *seqset.Set
		useModSeq := cs && st.HighestModSeq > 0 && mb.HighestModSeq > 0 && !mb.NoModSeq
		if !useModSeq || mb.HighestModSeq != st.HighestModSeq {
			items := &client.FetchItems{UID: true, Flags: true}
			if useModSeq {
				items.Modifiers = condstore.ChangedSince(st.HighestModSeq)
			}
			var all seqset.Set
			f, err := c.UIDFetch(ctx, old, items, nil)
			if err != nil {
				return err
			}
			for d, err := range f.Messages(ctx) {
				if err != nil {
					return fmt.Errorf("UID FETCH %s (FLAGS): %w", old, err)
				}
				if d.Has&wire.FetchUID == 0 || d.UID > hi {
					continue
				}
				all.Add(d.UID)
				if d.Has&wire.FetchFlags != 0 {
					if err := b.setFlags(d.UID, d.Flags); err != nil {
						return err
					}
				}
			}
			if !useModSeq {
				onServer = &all
			}
		}
		if onServer == nil && serverCount != localCount {
			res, err := c.UIDSearch(ctx, &client.SearchCriteria{UID: &old}, nil)
			if err != nil {
				return fmt.Errorf("UID SEARCH UID %s: %w", old, err)
			}
			var s seqset.Set
			for _, u := range res.Nums {
				s.Add(u)
			}
			if res.ESearch != nil {
				s.AddSet(res.ESearch.All)
			}
			onServer = &s
		}
		if onServer != nil {
			for uid := range b.local {
				if uid <= hi && !onServer.Contains(uid) {
					if err := b.moveExpunged(uid); err != nil {
						return err
					}
				}
			}
			// Messages the server has that are missing here (a file
			// removed by hand) are fetched again.
			for uid := range onServer.All() {
				if _, ok := b.local[uid]; !ok && uid <= hi {
					want = append(want, meta{uid, 0})
				}
			}
		}
	}
	st.HighestModSeq = 0
	if cs && !mb.NoModSeq {
		st.HighestModSeq = mb.HighestModSeq
	}
	for _, m := range fresh {
		if _, ok := b.local[m.uid]; !ok {
			want = append(want, m) // what an interrupted run saved is not fetched again
		}
	}
	slices.SortStableFunc(want, func(a, b meta) int { return cmpUID(a.uid, b.uid) })
	want = slices.CompactFunc(want, func(a, b meta) bool { return a.uid == b.uid })
	var total int64
	for _, m := range want {
		total += m.size
	}
	r.event(Event{Kind: EventMailbox, Mailbox: b.name, Messages: len(want), Bytes: total})
	if err := writeState(b.dir, st, r.opts.Fsync); err != nil { // flags applied up to HIGHESTMODSEQ
		return err
	}

	// Batches of bodies, pipelined.
	var batches []batch
	var cur batch
	for _, m := range want {
		if len(cur.uids) > 0 && (len(cur.uids) >= r.opts.BatchMessages || cur.bytes+m.size > r.opts.BatchBytes) {
			batches = append(batches, cur)
			cur = batch{}
		}
		cur.uids = append(cur.uids, m.uid)
		cur.bytes += m.size
	}
	if len(cur.uids) > 0 {
		batches = append(batches, cur)
	}
	var got, gotBytes int
	// firstMissing is the lowest UID asked for and not saved: LastUID
	// stays below it, so that the next run asks again (a message expunged
	// meanwhile is then simply not there).
	firstMissing := uint32(0)
	// Each batch in flight has a goroutine of its own that reads its
	// responses: a server may interleave the responses of pipelined
	// FETCHes (Dovecot runs them in parallel), and a streamed literal
	// waits for its own command's reader.
	bctx, bcancel := context.WithCancel(ctx)
	defer bcancel()
	var firstErr error
	var inflight []*fetchBatch
	next := 0
	for {
		for firstErr == nil && next < len(batches) && len(inflight) < r.opts.Pipeline {
			fb, err := b.startBatch(bctx, c, batches[next])
			if err != nil {
				firstErr = err
				bcancel()
				break
			}
			inflight = append(inflight, fb)
			next++
		}
		if len(inflight) == 0 {
			break
		}
		fb := inflight[0]
		inflight = inflight[1:]
		<-fb.done
		got += fb.n
		gotBytes += int(fb.nb)
		if fb.ferr != nil && firstErr == nil {
			firstErr = fb.ferr
			bcancel()
		}
		if firstErr != nil {
			continue // drain the others
		}
		if r.opts.Fsync {
			if err := syncDir(filepath.Join(b.dir, "cur")); err != nil {
				firstErr = err
				bcancel()
				continue
			}
		}
		b.mu.Lock()
		for _, u := range fb.uids {
			if _, ok := b.local[u]; !ok && firstMissing == 0 && u > lastOld {
				firstMissing = u
			}
		}
		b.mu.Unlock()
		// Everything up to the batch's last UID is now on disk, but for
		// what the server did not send.
		last := fb.uids[len(fb.uids)-1]
		if firstMissing != 0 {
			last = min(last, firstMissing-1)
		}
		if last > st.LastUID {
			st.LastUID = last
			if err := writeState(b.dir, st, r.opts.Fsync); err != nil {
				firstErr = err
				bcancel()
			}
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if firstMissing == 0 {
		if len(fresh) > 0 {
			st.LastUID = max(st.LastUID, fresh[len(fresh)-1].uid)
		}
		st.LastUID = max(st.LastUID, hi)
	} else {
		r.warn(b.name, "UID %d and maybe others were not sent (expunged meanwhile?); the next run asks again", firstMissing)
	}
	if err := writeState(b.dir, st, r.opts.Fsync); err != nil {
		return err
	}
	r.event(Event{Kind: EventMailboxDone, Mailbox: b.name, Messages: got, Bytes: int64(gotBytes), Flags: b.flags, Expunged: b.expunged})
	return nil
}

// batch is one UID FETCH of bodies.
type batch struct {
	uids  []uint32 // ascending
	bytes int64
}

// fetchBatch is a batch in flight.
type fetchBatch struct {
	batch
	f    *client.FetchCommand
	err  error // of the Literal callback
	done chan struct{}
	// The results of finishBatch, once done is closed.
	n    int
	nb   int64
	ferr error
}

func (b *box) startBatch(ctx context.Context, c *client.Conn, bt batch) (*fetchBatch, error) {
	fb := &fetchBatch{batch: bt, done: make(chan struct{})}
	var set seqset.Set
	for _, u := range bt.uids {
		set.Add(u)
	}
	items := &client.FetchItems{UID: true, Flags: true, InternalDate: true, Sections: []client.FetchSection{{}}}
	f, err := c.UIDFetch(ctx, set, items, &client.FetchOptions{
		Literal: func(seq uint32, item string, size int64, r io.Reader) error {
			path, err := b.writeTmp(func(w io.Writer) (int64, error) { return io.Copy(w, r) }, size)
			if err != nil {
				fb.err = err
				return err
			}
			b.mu.Lock()
			if old, ok := b.pend[seq]; ok {
				os.Remove(old)
			}
			b.pend[seq] = path
			b.mu.Unlock()
			return nil
		},
	})
	if err != nil {
		return nil, fmt.Errorf("UID FETCH %s: %w", set, err)
	}
	fb.f = f
	go func() {
		defer close(fb.done)
		fb.n, fb.nb, fb.ferr = b.finishBatch(ctx, fb)
	}()
	return fb, nil
}

// finishBatch reads a batch's messages and moves each into cur/.
func (b *box) finishBatch(ctx context.Context, fb *fetchBatch) (n int, bytes int64, err error) {
	for d, ferr := range fb.f.Messages(ctx) {
		if ferr != nil {
			if fb.err != nil {
				return n, bytes, fb.err
			}
			return n, bytes, ferr
		}
		var tmp string
		var size int64
		body := false
		for _, s := range d.Sections {
			if s.Section.String() != "" || s.HasOrigin {
				continue
			}
			body = true
			switch {
			case s.Streamed:
				var ok bool
				b.mu.Lock()
				if tmp, ok = b.pend[d.Seq]; ok {
					delete(b.pend, d.Seq)
				}
				b.mu.Unlock()
				if !ok {
					b.r.warn(b.name, "message %d (UID %d): body streamed nowhere; the next run fetches it again", d.Seq, d.UID)
				}
				size = s.Size
			case s.Nil:
				b.r.warn(b.name, "UID %d: the server sent NIL for the message", d.UID)
			default:
				data := s.Data
				tmp, err = b.writeTmp(func(w io.Writer) (int64, error) {
					k, err := w.Write(data)
					return int64(k), err
				}, int64(len(data)))
				if err != nil {
					return n, bytes, err
				}
				size = int64(len(data))
			}
		}
		if !body || tmp == "" {
			continue
		}
		if d.Has&wire.FetchUID == 0 {
			os.Remove(tmp)
			b.r.warn(b.name, "message %d: body without UID, skipped", d.Seq)
			continue
		}
		var flags []string
		if d.Has&wire.FetchFlags != 0 {
			flags = d.Flags
		}
		if d.Has&wire.FetchInternalDate != 0 && !d.InternalDate.IsZero() {
			os.Chtimes(tmp, d.InternalDate, d.InternalDate)
		}
		b.mu.Lock()
		info, dropped, err := b.kw.info(flags, b.r.opts.Fsync)
		if err == nil {
			name := messageName(d.UID, b.uidv, info)
			if old, ok := b.local[d.UID]; ok && old != name {
				os.Remove(filepath.Join(b.dir, "cur", old))
			}
			if err = os.Rename(tmp, filepath.Join(b.dir, "cur", name)); err == nil {
				b.local[d.UID] = name
			}
		}
		b.mu.Unlock()
		if err != nil {
			os.Remove(tmp)
			return n, bytes, err
		}
		if dropped > 0 {
			b.r.warn(b.name, "UID %d: %d keywords beyond the 26 a Maildir can name were not recorded", d.UID, dropped)
		}
		n++
		bytes += size
		b.r.event(Event{Kind: EventMessage, Mailbox: b.name, Messages: 1, Bytes: size})
	}
	return n, bytes, nil
}

// writeTmp writes a new file in tmp/ with fill, checks that it got size
// octets, and returns its path.
func (b *box) writeTmp(fill func(io.Writer) (int64, error), size int64) (string, error) {
	name := fmt.Sprintf("imapc.%d.%d", os.Getpid(), b.r.tmpN.Add(1))
	path := filepath.Join(b.dir, "tmp", name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	n, err := fill(f)
	if err == nil && n != size {
		err = fmt.Errorf("message of %d octets ended after %d: %w", size, n, io.ErrUnexpectedEOF)
	}
	if err == nil && b.r.opts.Fsync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

// scan reads cur/: the files of this UIDVALIDITY, and any other imapc
// file (of another UIDVALIDITY, whose state was lost) moved aside. It also
// clears tmp/ of what an interrupted run left.
func (b *box) scan() error {
	b.local = map[uint32]string{}
	tmps, _ := os.ReadDir(filepath.Join(b.dir, "tmp"))
	for _, e := range tmps {
		if strings.HasPrefix(e.Name(), "imapc.") {
			os.Remove(filepath.Join(b.dir, "tmp", e.Name()))
		}
	}
	ents, err := os.ReadDir(filepath.Join(b.dir, "cur"))
	if err != nil {
		return err
	}
	stray := map[uint32]bool{}
	for _, e := range ents {
		uid, v, _, ok := parseMessageName(e.Name())
		switch {
		case !ok:
		case v != b.uidv:
			stray[v] = true
		default:
			if old, dup := b.local[uid]; dup {
				// Two files for one UID (a reader renamed one while a run
				// renamed the other): keep one.
				os.Remove(filepath.Join(b.dir, "cur", old))
			}
			b.local[uid] = e.Name()
		}
	}
	for v := range stray {
		if err := b.moveAside(v, false); err != nil {
			return err
		}
	}
	return nil
}

// asideName is the folder of an old UIDVALIDITY's copy.
func asideName(uidv uint32) string {
	return ".imapc-uidvalidity-" + strconv.FormatUint(uint64(uidv), 10)
}

// moveAside moves the files of UIDVALIDITY v from cur/ (and, with all,
// the state file too) into the Maildir .imapc-uidvalidity-V, with a copy
// of the keyword list their letters refer to.
func (b *box) moveAside(v uint32, all bool) error {
	dst := filepath.Join(b.dir, asideName(v))
	if err := makeMaildir(dst); err != nil {
		return err
	}
	if kw, err := os.ReadFile(filepath.Join(b.dir, keywordsFile)); err == nil {
		if err := writeFileAtomic(filepath.Join(dst, keywordsFile), kw, b.r.opts.Fsync); err != nil {
			return err
		}
	}
	ents, err := os.ReadDir(filepath.Join(b.dir, "cur"))
	if err != nil {
		return err
	}
	for _, e := range ents {
		if _, fv, _, ok := parseMessageName(e.Name()); ok && fv == v {
			if err := os.Rename(filepath.Join(b.dir, "cur", e.Name()), filepath.Join(dst, "cur", e.Name())); err != nil {
				return err
			}
		}
	}
	if all {
		if err := os.Rename(filepath.Join(b.dir, stateFile), filepath.Join(dst, stateFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// setFlags renames the file of uid to flags, when they differ.
func (b *box) setFlags(uid uint32, flags []string) error {
	old, ok := b.local[uid]
	if !ok {
		return nil
	}
	info, dropped, err := b.kw.info(flags, b.r.opts.Fsync)
	if err != nil {
		return err
	}
	if dropped > 0 {
		b.r.warn(b.name, "UID %d: %d keywords beyond the 26 a Maildir can name were not recorded", uid, dropped)
	}
	name := messageName(uid, b.uidv, info)
	if name == old {
		return nil
	}
	if err := os.Rename(filepath.Join(b.dir, "cur", old), filepath.Join(b.dir, "cur", name)); err != nil {
		return err
	}
	b.local[uid] = name
	b.flags++
	return nil
}

// moveExpunged moves the file of uid, which the server no longer has, to
// the .imapc-expunged Maildir.
func (b *box) moveExpunged(uid uint32) error {
	dst := filepath.Join(b.dir, ".imapc-expunged")
	if err := makeMaildir(dst); err != nil {
		return err
	}
	if !b.kwCopied {
		// The letters of the moved files refer to the keyword list.
		if kw, err := os.ReadFile(filepath.Join(b.dir, keywordsFile)); err == nil {
			if err := writeFileAtomic(filepath.Join(dst, keywordsFile), kw, b.r.opts.Fsync); err != nil {
				return err
			}
		}
		b.kwCopied = true
	}
	name := b.local[uid]
	if err := os.Rename(filepath.Join(b.dir, "cur", name), filepath.Join(dst, "cur", name)); err != nil {
		return err
	}
	delete(b.local, uid)
	b.expunged++
	return nil
}
