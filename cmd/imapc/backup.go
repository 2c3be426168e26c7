package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/cmd/internal/backup"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

func init() {
	register(&command{
		Name:  "backup",
		Args:  "-url URL [flags] [-mailbox PATTERN]... DIR",
		Short: "copy mailboxes into Maildirs, incrementally",
		Long: `Backup copies every selectable mailbox (or those matching the LIST patterns
given with -mailbox, which may be repeated) into one Maildir per mailbox under
DIR, and on a re-run fetches only what changed.

Layout: the Maildir of mailbox "Archive/2024" is DIR/Archive/2024 (names in
UTF-8, the server's hierarchy kept). Bytes that cannot be in a file name
(/ \ : * ? " < > | %, control characters, invalid UTF-8) are written %XX; a
leading "." and a name equal to cur, new or tmp get their first byte escaped;
an empty name part is "%"; so no name can leave DIR or collide with the
Maildir's own files. Messages are cur/U<uid>.V<uidvalidity>.imapc:2,<flags>
with the Maildir flag letters D (\Draft) F (\Flagged) P ($Forwarded)
R (\Answered) S (\Seen) T (\Deleted), and keywords as letters a-z listed in
the Maildir's dovecot-keywords file (Dovecot's format; at most 26 per
mailbox). Each file's modification time is the message's INTERNALDATE.
.imapc-state (JSON) holds UIDVALIDITY, the last UID saved and HIGHESTMODSEQ.

Safety: each message is written to tmp/ (synced with -fsync) and renamed into
cur/; the state file is written after the data, by rename. An interrupted run
(Ctrl-C, kill, lost connection) leaves only whole messages, and a re-run
finishes without fetching them again.

Incremental: a re-run fetches the new messages and the flag changes (only the
changed messages when the server offers CONDSTORE), renaming files to their
new flags. Messages expunged on the server are kept: they move to the Maildir
.imapc-expunged inside the mailbox's folder. When UIDVALIDITY changes the
mailbox starts over: the old copy moves to .imapc-uidvalidity-OLD beside it.

Speed: bodies are fetched in pipelined batches and streamed to disk (memory
does not grow with message or mailbox size), with COMPRESS=DEFLATE when the
server offers it, several mailboxes at once with -j.

Progress: a progress bar on standard error when it is a terminal; with -json,
one JSON object per line on standard output instead ("mailbox", "message",
"mailbox_done", "warning", and a final "summary"). A summary ends every run.

Flags:

  -mailbox PATTERN  back up the mailboxes matching PATTERN (repeatable;
                    default "*")
  -j N              copy N mailboxes at once over N connections (default 2)
  -fsync            sync every file and folder before counting it saved
  -compress=false   do not use COMPRESS=DEFLATE even when offered
  -json             progress as JSON lines on standard output
` + connFlagsHelp,
		Run: runBackup,
	})
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runBackup(e *env, args []string) error {
	fs := newFlags("backup")
	cf := addConnFlags(fs)
	var patterns stringList
	fs.Var(&patterns, "mailbox", "LIST pattern (repeatable)")
	jobs := fs.Int("j", 2, "mailboxes at once")
	fsync := fs.Bool("fsync", false, "sync files")
	compress := fs.Bool("compress", true, "use COMPRESS=DEFLATE when offered")
	jsonOut := fs.Bool("json", false, "JSON progress lines")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one DIR")
	}
	if *jobs < 1 || *jobs > 64 {
		return usagef("-j must be between 1 and 64")
	}
	if cf.url == "" {
		return usagef("-url is required (or IMAPC_URL)")
	}
	ctx, stop := e.context()
	defer stop()
	prog := newProgress(e, "backup", *jsonOut)
	sum, err := backup.Run(ctx, backup.Options{
		Dir:      pos[0],
		Patterns: patterns,
		Dial: func(ctx context.Context) (*client.Conn, error) {
			return cf.dialSession(ctx, e, nil)
		},
		Jobs:     *jobs,
		Fsync:    *fsync,
		Compress: *compress,
		Progress: prog.event,
	})
	prog.finish(sum)
	return err
}

// progress shows a backup's progress: a bar on a terminal, JSON lines
// with -json, else only warnings and the summary.
type progress struct {
	e    *env
	name string // of the command, for warnings
	json bool
	mu   sync.Mutex
	bar  *progressbar.ProgressBar
	max  int64
	msgs int
}

func newProgress(e *env, name string, jsonOut bool) *progress {
	p := &progress{e: e, name: name, json: jsonOut}
	if !jsonOut && isTerminal(e.Stderr) {
		p.bar = progressbar.NewOptions64(0,
			progressbar.OptionSetWriter(e.Stderr),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetRenderBlankState(true),
			progressbar.OptionSetDescription("listing"),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(e.Stderr) }),
		)
	}
	return p
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressLine is one -json line.
type progressLine struct {
	Event    string  `json:"event"`
	Mailbox  string  `json:"mailbox,omitempty"`
	Messages int     `json:"messages"`
	Bytes    int64   `json:"bytes"`
	Flags    int     `json:"flags,omitempty"`
	Expunged int     `json:"expunged,omitempty"`
	Text     string  `json:"text,omitempty"`
	Seconds  float64 `json:"seconds,omitempty"`
	Rate     float64 `json:"bytes_per_second,omitempty"`
}

func (p *progress) line(l progressLine) {
	enc := json.NewEncoder(p.e.Stdout)
	enc.SetEscapeHTML(false)
	enc.Encode(l)
}

func (p *progress) event(ev backup.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		p.line(progressLine{Event: ev.Kind.String(), Mailbox: ev.Mailbox, Messages: ev.Messages, Bytes: ev.Bytes,
			Flags: ev.Flags, Expunged: ev.Expunged, Text: ev.Text})
		return
	}
	switch ev.Kind {
	case backup.EventWarning:
		if p.bar != nil {
			p.bar.Clear()
		}
		fmt.Fprintf(p.e.Stderr, "imapc %s: %s: %s\n", p.name, ev.Mailbox, ev.Text)
	case backup.EventMailbox:
		if p.bar != nil {
			p.max += ev.Bytes
			p.bar.ChangeMax64(p.max)
			p.bar.Describe(fmt.Sprintf("%s (%d new)", ev.Mailbox, ev.Messages))
		}
	case backup.EventMessage:
		p.msgs++
		if p.bar != nil {
			p.bar.Describe(fmt.Sprintf("%s, %d messages", ev.Mailbox, p.msgs))
			p.bar.Add64(ev.Bytes)
		}
	}
}

// finish prints the summary: messages, bytes, time, rate.
func (p *progress) finish(s *backup.Summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
	}
	if s == nil {
		return
	}
	secs := s.Elapsed.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(s.Bytes) / secs
	}
	if p.json {
		p.line(progressLine{Event: "summary", Messages: s.Messages, Bytes: s.Bytes, Flags: s.FlagUpdates,
			Expunged: s.Expunged, Seconds: secs, Rate: rate})
		return
	}
	fmt.Fprintf(p.e.Stderr, "%d mailboxes, %d messages, %s in %s (%s/s); %d flag changes, %d expunged kept aside",
		s.Mailboxes, s.Messages, humanBytes(float64(s.Bytes)), s.Elapsed.Round(time.Millisecond), humanBytes(rate), s.FlagUpdates, s.Expunged)
	if s.Restarted > 0 {
		fmt.Fprintf(p.e.Stderr, "; %d restarted after a UIDVALIDITY change", s.Restarted)
	}
	fmt.Fprintln(p.e.Stderr)
}

// humanBytes formats n octets as B, KiB, MiB or GiB.
func humanBytes(n float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	i := 0
	for n >= 1024 && i < len(units)-1 {
		n /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f %s", n, units[i])
	}
	return fmt.Sprintf("%.1f %s", n, units[i])
}
