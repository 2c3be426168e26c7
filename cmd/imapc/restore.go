package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/cmd/internal/backup"
)

func init() {
	register(&command{
		Name:  "restore",
		Args:  "DIR -url URL [flags] [-mailbox NAME]...",
		Short: "append a backup's messages back to a server",
		Long: `Restore appends the messages of a backup made by "imapc backup" back to the
server, each into the mailbox it came from (created when missing), with its
flags (from the Maildir file name and dovecot-keywords) and its INTERNALDATE
(the file's modification time). A message the mailbox already holds — same
Message-ID, size and internal date — is skipped, so a restore can be run
again after an interruption. The APPENDs are pipelined (with LITERAL+ when
the server offers it, no round trip per message), or sent as MULTIAPPEND
batches when the server offers that. Messages set aside by backup
(.imapc-expunged, .imapc-uidvalidity-N) are not restored.

Flags:

  -mailbox NAME  restore only this mailbox (repeatable)
  -json          progress as JSON lines on standard output
` + connFlagsHelp,
		Run: runRestore,
	})
}

func runRestore(e *env, args []string) error {
	fs := newFlags("restore")
	cf := addConnFlags(fs)
	var names stringList
	fs.Var(&names, "mailbox", "mailbox to restore (repeatable)")
	jsonOut := fs.Bool("json", false, "JSON progress lines")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one DIR")
	}
	if cf.url == "" {
		return usagef("-url is required (or IMAPC_URL)")
	}
	if fi, err := os.Stat(pos[0]); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s is not a backup folder", pos[0])
	}
	ctx, stop := e.context()
	defer stop()
	prog := newProgress(e, "restore", *jsonOut)
	sum, err := backup.Restore(ctx, backup.RestoreOptions{
		Dir:       pos[0],
		Mailboxes: names,
		Dial: func(ctx context.Context) (*client.Conn, error) {
			return cf.dialSession(ctx, e, nil)
		},
		Progress: prog.event,
	})
	if prog.bar != nil {
		prog.bar.Finish()
	}
	if sum != nil {
		rate := 0.0
		if s := sum.Elapsed.Seconds(); s > 0 {
			rate = float64(sum.Bytes) / s
		}
		if *jsonOut {
			prog.line(progressLine{Event: "summary", Messages: sum.Messages, Bytes: sum.Bytes, Text: fmt.Sprintf("%d skipped", sum.Skipped), Seconds: sum.Elapsed.Seconds(), Rate: rate})
		} else {
			fmt.Fprintf(e.Stderr, "%d mailboxes, %d messages appended, %s in %s (%s/s); %d already there\n",
				sum.Mailboxes, sum.Messages, humanBytes(float64(sum.Bytes)), sum.Elapsed.Round(time.Millisecond), humanBytes(rate), sum.Skipped)
		}
	}
	return err
}

// parseInterspersed parses flags that may come before and after the
// positional arguments (imapc restore DIR -url URL) and returns the
// positional ones.
func parseInterspersed(fs interface {
	Parse([]string) error
	Args() []string
}, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, parseError(err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" || len(pos) > 64 {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
