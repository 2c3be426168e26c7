package main

import (
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func init() {
	register(&command{
		Name:  "watch",
		Args:  "-url URL [flags] [-mailbox NAME] [-for DURATION]",
		Short: "print a mailbox's changes as JSON lines, with IDLE",
		Long: `Watch selects the mailbox (default INBOX, read-only) and waits for changes
with IDLE (RFC 2177, RFC 9051 §6.3.13), printing one JSON object per line on
standard output for each, until interrupted or, with -for, for DURATION:

  {"event":"watching","mailbox":M,"messages":N,"uidvalidity":V,"uidnext":U}
  {"event":"arrived","uid":U,"seq":S,"from":F,"subject":X,"flags":[...]}
  {"event":"flags","uid":U,"seq":S,"flags":[...]}
  {"event":"expunged","uid":U,"seq":S}
  {"event":"uidvalidity","old":V1,"new":V2}

Every line also has "time" (RFC 3339). "from" is the first sender as
"Name <addr>" and "subject" is decoded from RFC 2047 words. When a message
arrives, watch ends the IDLE, fetches its envelope, and idles again. UIDs of
flag changes and expunges come from the list of UIDs kept since the start
(a server may report them by sequence number only).
` + connFlagsHelp,
		Run: runWatch,
	})
}

// watcher keeps the mailbox's UIDs in sequence order and prints events.
type watcher struct {
	mu      sync.Mutex
	out     io.Writer
	uids    []uint32 // UID of message seq i+1
	exists  uint32   // last EXISTS
	pending bool     // new messages to fetch
	wake    context.CancelFunc
}

// watchEvent is one line of output.
type watchEvent struct {
	Time        string   `json:"time"`
	Event       string   `json:"event"`
	Mailbox     string   `json:"mailbox,omitempty"`
	Messages    *uint32  `json:"messages,omitempty"`
	UIDValidity uint32   `json:"uidvalidity,omitempty"`
	UIDNext     uint32   `json:"uidnext,omitempty"`
	UID         uint32   `json:"uid,omitempty"`
	Seq         uint32   `json:"seq,omitempty"`
	From        *string  `json:"from,omitempty"`
	Subject     *string  `json:"subject,omitempty"`
	Flags       []string `json:"flags,omitempty"`
	Old         uint32   `json:"old,omitempty"`
	New         uint32   `json:"new,omitempty"`
}

// emit prints ev; the caller holds w.mu.
func (w *watcher) emit(ev watchEvent) {
	ev.Time = time.Now().UTC().Format(time.RFC3339)
	enc := json.NewEncoder(w.out)
	enc.SetEscapeHTML(false) // "Name <addr>" as written
	enc.Encode(ev)
}

// update is the MailboxUpdate callback (its own goroutine, in order).
func (w *watcher) update(ev client.MailboxEvent) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev.Kind {
	case client.EventExists:
		if ev.Num > w.exists {
			w.pending = true
			if w.wake != nil {
				w.wake()
			}
		}
		w.exists = ev.Num
	case client.EventExpunge:
		var uid uint32
		if i := int(ev.Num) - 1; i >= 0 && i < len(w.uids) {
			uid = w.uids[i]
			w.uids = append(w.uids[:i], w.uids[i+1:]...)
		}
		if w.exists > 0 {
			w.exists--
		}
		w.emit(watchEvent{Event: "expunged", UID: uid, Seq: ev.Num})
	case client.EventUIDValidity:
		w.emit(watchEvent{Event: "uidvalidity", Old: ev.Old, New: ev.Num})
	}
}

// unilateral is the Unilateral callback: flag changes.
func (w *watcher) unilateral(r *wire.Response) {
	d, ok := r.Data.(*wire.FetchData)
	if !ok || d.Has&wire.FetchFlags == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	uid := d.UID
	if d.Has&wire.FetchUID == 0 {
		uid = 0
		if i := int(d.Seq) - 1; i >= 0 && i < len(w.uids) {
			uid = w.uids[i]
		}
	}
	w.emit(watchEvent{Event: "flags", UID: uid, Seq: d.Seq, Flags: nonNil(d.Flags)})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// fetchNew fetches the messages after the known ones and prints them.
func (w *watcher) fetchNew(ctx context.Context, c *client.Conn) error {
	w.mu.Lock()
	w.pending = false
	var last uint32
	if n := len(w.uids); n > 0 {
		last = w.uids[n-1]
	}
	w.mu.Unlock()
	var set seqset.Set
	set.AddRange(last+1, seqset.Star)
	f, err := c.UIDFetch(ctx, set, &client.FetchItems{UID: true, Flags: true, Envelope: true}, nil)
	if err != nil {
		return err
	}
	msgs, err := f.CollectMessages(ctx)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, d := range msgs {
		if d.UID <= last {
			continue // n:* when nothing is above n
		}
		last = d.UID
		w.uids = append(w.uids, d.UID)
		from, subject := "", ""
		if env := d.Envelope; env != nil {
			if len(env.From) > 0 {
				from = env.From[0].Addr()
				if env.From[0].Name != "" {
					from = decodeWords(env.From[0].Name) + " <" + from + ">"
				}
			}
			subject = decodeWords(env.Subject)
		}
		w.emit(watchEvent{Event: "arrived", UID: d.UID, Seq: d.Seq, From: &from, Subject: &subject, Flags: nonNil(d.Flags)})
	}
	return nil
}

func runWatch(e *env, args []string) error {
	fs := newFlags("watch")
	cf := addConnFlags(fs)
	mailbox := fs.String("mailbox", "INBOX", "mailbox")
	dur := fs.Duration("for", 0, "stop after this long (0: until interrupted)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, stop := e.context()
	defer stop()
	if *dur > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *dur)
		defer cancel()
	}
	w := &watcher{out: e.Stdout}
	c, err := cf.dial(ctx, e, &client.Options{MailboxUpdate: w.update, Unilateral: w.unilateral})
	if err != nil {
		return err
	}
	defer c.Close()
	mb, err := c.Select(ctx, *mailbox, &client.SelectOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	if mb.Exists > 0 {
		f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{UID: true}, nil)
		if err != nil {
			return err
		}
		msgs, err := f.CollectMessages(ctx)
		if err != nil {
			return err
		}
		w.mu.Lock()
		w.uids = make([]uint32, mb.Exists)
		for _, d := range msgs {
			if i := int(d.Seq) - 1; i >= 0 && i < len(w.uids) {
				w.uids[i] = d.UID
			}
		}
		w.mu.Unlock()
	}
	w.mu.Lock()
	w.exists = max(w.exists, mb.Exists)
	n := uint32(len(w.uids))
	w.emit(watchEvent{Event: "watching", Mailbox: *mailbox, Messages: &n, UIDValidity: mb.UIDValidity, UIDNext: mb.UIDNext})
	w.mu.Unlock()
	for ctx.Err() == nil {
		round, cancel := context.WithCancel(ctx)
		w.mu.Lock()
		w.wake = cancel
		pending := w.pending
		w.mu.Unlock()
		if !pending {
			if err := c.Idle(round); err != nil {
				cancel()
				return err
			}
		}
		cancel()
		w.mu.Lock()
		w.wake = nil
		pending = w.pending
		w.mu.Unlock()
		if pending && ctx.Err() == nil {
			if err := w.fetchNew(ctx, c); err != nil {
				return err
			}
		}
	}
	lctx, lcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer lcancel()
	return c.Logout(lctx)
}
