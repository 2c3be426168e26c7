package main

import (
	"bytes"
	"errors"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/wire"
)

func init() {
	register(&command{
		Name:  "raw",
		Args:  "-url URL [flags] [-mailbox NAME] 'COMMAND'...",
		Short: "send any command and print the responses as JSON",
		Long: `Raw logs in, selects -mailbox when given (read-only), sends each COMMAND as
written (without the tag, e.g. 'UID FETCH 1:* (FLAGS)' or 'GETQUOTAROOT
INBOX') and prints every response the server sends while it runs — the
untagged ones and the tagged completion — as one JSON object per line, in
the format of "imapc decode" (see "imapc help decode"). Each response is
printed from the client's parse of it, encoded back to the protocol and
decoded as "imapc decode" does; use -trace for the bytes exactly as sent.

A command is one line: it cannot hold CR or LF, so literals cannot be sent
(use quoted strings). Raw exits with status 1 when a command ends in NO or
BAD, after printing its responses.

Flags:

  -mailbox NAME  EXAMINE this mailbox first
` + connFlagsHelp,
		Run: runRaw,
	})
}

func runRaw(e *env, args []string) error {
	fs := newFlags("raw")
	cf := addConnFlags(fs)
	mailbox := fs.String("mailbox", "", "mailbox to EXAMINE first")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("no COMMAND")
	}
	for _, p := range pos {
		if strings.ContainsAny(p, "\r\n\x00") {
			return usagef("a COMMAND is one line (no CR, LF or NUL): %q", p)
		}
		if strings.TrimSpace(p) == "" {
			return usagef("empty COMMAND")
		}
	}
	ctx, cancel := cf.context()
	defer cancel()
	c, err := cf.dial(ctx, e, nil)
	if err != nil {
		return err
	}
	defer c.Logout(ctx)
	if *mailbox != "" {
		if _, err := c.Select(ctx, *mailbox, &client.SelectOptions{ReadOnly: true}); err != nil {
			return err
		}
	}
	p := &rawPrinter{e: e}
	for _, line := range pos {
		name, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		if strings.EqualFold(name, "UID") {
			var sub string
			sub, rest, _ = strings.Cut(rest, " ")
			name += " " + sub
		}
		spec := client.Spec{Name: name, Claim: func(*wire.Response) bool { return true }}
		if rest = strings.TrimSpace(rest); rest != "" {
			spec.Args = []wire.Value{wire.Raw(rest)}
		}
		cmd, err := c.Start(ctx, spec)
		if err != nil {
			return err
		}
		for resp, err := range cmd.Responses(ctx) {
			if err != nil {
				break // the completion's error: printed below
			}
			if err := p.print(resp); err != nil {
				return err
			}
		}
		final := cmd.Final()
		if final != nil {
			if err := p.print(final); err != nil {
				return err
			}
		}
		if err := cmd.Err(); err != nil {
			var se *client.StatusError
			if errors.As(err, &se) {
				return err
			}
			if final == nil {
				return err
			}
		}
	}
	return nil
}

// rawPrinter prints responses in the decode format: each response is
// encoded back to the bytes of the protocol (codec.ResponseEncoder) and
// decoded with decode's own code, so that raw and decode print the same
// generic tree for the same bytes.
type rawPrinter struct {
	e   *env
	buf bytes.Buffer
	enc *codec.ResponseEncoder
}

func (p *rawPrinter) print(r *wire.Response) error {
	p.buf.Reset()
	if p.enc == nil {
		p.enc = codec.NewResponseEncoder(&p.buf, nil)
	}
	if err := p.enc.WriteResponse(r); err != nil {
		return err
	}
	if err := p.enc.Flush(); err != nil {
		return err
	}
	return decodeStream(&p.buf, p.e.Stdout, false)
}
