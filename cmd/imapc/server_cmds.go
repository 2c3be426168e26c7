package main

import (
	"context"
	"fmt"
	"io"
	"mime"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func init() {
	register(&command{
		Name:  "capabilities",
		Args:  "-url URL [flags]",
		Short: "log in and print the server's capabilities",
		Long: `Capabilities connects, logs in and prints the server's capabilities, one
per line, sorted.
` + connFlagsHelp,
		Run: runCapabilities,
	})
	register(&command{
		Name:  "list",
		Args:  "-url URL [flags] [PATTERN]",
		Short: "list mailboxes with their message counts",
		Long: `List prints the mailboxes matching PATTERN (default "*"): name (UTF-8),
attributes, and the numbers of messages and unseen messages when the server
offers LIST-STATUS.
` + connFlagsHelp,
		Run: runList,
	})
	register(&command{
		Name:  "fetch",
		Args:  "-url URL [flags] [-mailbox NAME] [-o DIR [-force]] [SET]",
		Short: "print message summaries, or save whole messages",
		Long: `Fetch selects the mailbox (default INBOX, read-only) and prints one line per
message of the UID set SET (default 1:*): UID, date, sender and subject.
With -o DIR it saves each whole message as DIR/UID.eml instead, streaming
it: memory stays small whatever the size of the mailbox. Each file is
written under a temporary name and renamed when complete; an existing
DIR/UID.eml is an error unless -force is given. (For a resumable copy of
whole mailboxes with flags and dates, see "imapc backup".)
` + connFlagsHelp,
		Run: runFetch,
	})
	register(&command{
		Name:  "idle",
		Args:  "-url URL [flags] [-mailbox NAME] [-for DURATION]",
		Short: "watch a mailbox with IDLE and print what changes",
		Long: `Idle selects the mailbox (default INBOX, read-only) and waits for changes
with IDLE (RFC 2177), printing each as it arrives, until interrupted or, with
-for, for DURATION.
` + connFlagsHelp,
		Run: runIdle,
	})
	register(&command{
		Name:  "append",
		Args:  "-url URL [flags] [-mailbox NAME] [-flags F,G] FILE...",
		Short: "append messages to a mailbox",
		Long: `Append adds each FILE (an RFC 5322 message; "-" is standard input) to the
mailbox (default INBOX), pipelining the APPEND commands, and prints the UID
each message got when the server reports it (UIDPLUS).
` + connFlagsHelp,
		Run: runAppend,
	})
}

func runCapabilities(e *env, args []string) error {
	fs := newFlags("capabilities")
	cf := addConnFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, cancel := cf.context()
	defer cancel()
	c, err := cf.dial(ctx, e, nil)
	if err != nil {
		return err
	}
	defer c.Logout(ctx)
	caps, err := c.Caps(ctx)
	if err != nil {
		return err
	}
	for _, s := range caps {
		fmt.Fprintln(e.Stdout, s)
	}
	return nil
}

func runList(e *env, args []string) error {
	fs := newFlags("list")
	cf := addConnFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	pattern := "*"
	if fs.NArg() > 1 {
		return usagef("at most one PATTERN")
	} else if fs.NArg() == 1 {
		pattern = fs.Arg(0)
	}
	ctx, cancel := cf.context()
	defer cancel()
	c, err := cf.dial(ctx, e, nil)
	if err != nil {
		return err
	}
	defer c.Logout(ctx)
	var opts *client.ListOptions
	if ok, err := c.Has(ctx, "LIST-STATUS"); err != nil {
		return err
	} else if ok {
		opts = &client.ListOptions{Status: []string{wire.StatusMessages, wire.StatusUnseen}}
	}
	res, err := c.List(ctx, "", []string{pattern}, opts)
	if err != nil {
		return err
	}
	counts := map[string]*wire.StatusData{}
	for _, s := range res.Status {
		counts[s.Mailbox] = s
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	for _, m := range res.Mailboxes {
		line := m.Mailbox + "\t" + strings.Join(m.Attrs, " ")
		if s := counts[m.Mailbox]; s != nil {
			n, _ := s.Get(wire.StatusMessages)
			u, _ := s.Get(wire.StatusUnseen)
			line += fmt.Sprintf("\t%d messages\t%d unseen", n, u)
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}

func runFetch(e *env, args []string) error {
	fs := newFlags("fetch")
	cf := addConnFlags(fs)
	mailbox := fs.String("mailbox", "INBOX", "mailbox")
	dir := fs.String("o", "", "save whole messages in this folder")
	force := fs.Bool("force", false, "overwrite existing files with -o")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := seqset.MustParse("1:*")
	if fs.NArg() > 1 {
		return usagef("at most one SET")
	} else if fs.NArg() == 1 {
		var err error
		if set, err = seqset.Parse(fs.Arg(0)); err != nil {
			return usagef("%v", err)
		}
	}
	ctx, cancel := cf.context()
	defer cancel()
	if *dir != "" {
		if err := os.MkdirAll(*dir, 0o755); err != nil {
			return err
		}
	}
	c, err := cf.dial(ctx, e, nil)
	if err != nil {
		return err
	}
	defer c.Logout(ctx)
	mb, err := c.Select(ctx, *mailbox, &client.SelectOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	if mb.Exists == 0 {
		return nil
	}
	if *dir != "" {
		return fetchToDir(ctx, e, c, set, *dir, *force)
	}
	f, err := c.UIDFetch(ctx, set, &client.FetchItems{UID: true, Envelope: true, RFC822Size: true}, nil)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UID\tDATE\tFROM\tSUBJECT\tSIZE")
	for m, err := range f.Messages(ctx) {
		if err != nil {
			tw.Flush()
			return err
		}
		from := ""
		if env := m.Envelope; env != nil && len(env.From) > 0 {
			from = env.From[0].Addr()
			if env.From[0].Name != "" {
				from = decodeWords(env.From[0].Name) + " <" + from + ">"
			}
		}
		subject, date := "", ""
		if m.Envelope != nil {
			subject, date = decodeWords(m.Envelope.Subject), m.Envelope.Date
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\n", m.UID, date, from, subject, m.RFC822Size)
	}
	return tw.Flush()
}

// fetchToDir streams each message of set into dir/UID.eml, refusing to
// replace an existing file unless force.
func fetchToDir(ctx context.Context, e *env, c *client.Conn, set seqset.Set, dir string, force bool) error {
	var n, bytes int64
	// Each message is written under a temporary name keyed by sequence
	// number (a streamed literal arrives before the code sees its UID),
	// then renamed once complete and its UID is known.
	seqFile := func(seq uint32) string { return filepath.Join(dir, fmt.Sprintf(".seq-%d.part", seq)) }
	write := func(seq uint32, r io.Reader) error {
		out, err := os.Create(seqFile(seq))
		if err != nil {
			return err
		}
		w, err := io.Copy(out, r)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		bytes += w
		return err
	}
	f, err := c.UIDFetch(ctx, set, &client.FetchItems{UID: true, Sections: []client.FetchSection{{}}}, &client.FetchOptions{
		Literal: func(seq uint32, item string, size int64, r io.Reader) error { return write(seq, r) },
	})
	if err != nil {
		return err
	}
	for m, err := range f.Messages(ctx) {
		if err != nil {
			return err
		}
		for _, s := range m.Sections {
			if s.Nil {
				continue
			}
			if !s.Streamed {
				if err := write(m.Seq, strings.NewReader(string(s.Data))); err != nil {
					return err
				}
			}
			target := filepath.Join(dir, fmt.Sprintf("%d.eml", m.UID))
			if !force {
				if _, err := os.Lstat(target); err == nil {
					os.Remove(seqFile(m.Seq))
					return fmt.Errorf("%s exists (use -force to overwrite)", target)
				}
			}
			if err := os.Rename(seqFile(m.Seq), target); err != nil {
				return err
			}
			n++
		}
	}
	fmt.Fprintf(e.Stderr, "saved %d messages, %d bytes, in %s\n", n, bytes, dir)
	return nil
}

func runIdle(e *env, args []string) error {
	fs := newFlags("idle")
	cf := addConnFlags(fs)
	mailbox := fs.String("mailbox", "INBOX", "mailbox")
	dur := fs.Duration("for", 0, "stop after this long (0: until interrupted)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, cancel := cf.context()
	defer cancel()
	opts := &client.Options{
		MailboxUpdate: func(ev client.MailboxEvent) {
			ts := time.Now().Format("15:04:05")
			switch ev.Kind {
			case client.EventExists:
				fmt.Fprintf(e.Stdout, "%s %d messages\n", ts, ev.Num)
			case client.EventExpunge:
				fmt.Fprintf(e.Stdout, "%s message %d expunged\n", ts, ev.Num)
			case client.EventFlags:
				fmt.Fprintf(e.Stdout, "%s flags %v\n", ts, ev.Mailbox.Flags)
			case client.EventUIDValidity:
				fmt.Fprintf(e.Stdout, "%s UIDVALIDITY changed from %d to %d\n", ts, ev.Old, ev.Num)
			}
		},
		Unilateral: func(r *wire.Response) {
			if d, ok := r.Data.(*wire.FetchData); ok && d.Has&wire.FetchFlags != 0 {
				fmt.Fprintf(e.Stdout, "%s message %d flags %v\n", time.Now().Format("15:04:05"), d.Seq, d.Flags)
			}
		},
	}
	c, err := cf.dial(ctx, e, opts)
	if err != nil {
		return err
	}
	defer c.Close()
	mb, err := c.Select(ctx, *mailbox, &client.SelectOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s: %d messages; idling\n", *mailbox, mb.Exists)
	idleCtx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *dur > 0 {
		var c2 context.CancelFunc
		idleCtx, c2 = context.WithTimeout(idleCtx, *dur)
		defer c2()
	}
	if err := c.Idle(idleCtx); err != nil {
		return err
	}
	return c.Logout(context.Background())
}

func runAppend(e *env, args []string) error {
	fs := newFlags("append")
	cf := addConnFlags(fs)
	mailbox := fs.String("mailbox", "INBOX", "mailbox")
	flags := fs.String("flags", "", "comma-separated flags, e.g. \\Seen,$Important")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no FILE")
	}
	ctx, cancel := cf.context()
	defer cancel()
	c, err := cf.dial(ctx, e, nil)
	if err != nil {
		return err
	}
	defer c.Logout(ctx)
	var opts *client.AppendOptions
	if *flags != "" {
		opts = &client.AppendOptions{Flags: strings.Split(*flags, ",")}
	}
	var cmds []*client.AppendCommand
	for _, name := range fs.Args() {
		var data []byte
		if name == "-" {
			data, err = io.ReadAll(e.Stdin)
		} else {
			data, err = os.ReadFile(name)
		}
		if err != nil {
			return err
		}
		cmd, err := c.StartAppend(ctx, *mailbox, strings.NewReader(string(data)), int64(len(data)), opts)
		if err != nil {
			return err
		}
		cmds = append(cmds, cmd)
	}
	for i, cmd := range cmds {
		res, err := cmd.Result(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", fs.Arg(i), err)
		}
		if res.UID != 0 {
			fmt.Fprintf(e.Stdout, "%s\tUID %d\n", fs.Arg(i), res.UID)
		} else {
			fmt.Fprintf(e.Stdout, "%s\tappended\n", fs.Arg(i))
		}
	}
	return nil
}

// decodeWords decodes RFC 2047 encoded words for display; text that does
// not decode is shown as sent.
func decodeWords(s string) string {
	if d, err := new(mime.WordDecoder).DecodeHeader(s); err == nil {
		return d
	}
	return s
}
