package main

import (
	"fmt"

	"github.com/imapkit/imapkit/utf7"
)

func init() {
	register(&command{
		Name:  "mailbox",
		Args:  "encode|decode NAME",
		Short: "convert a mailbox name to or from modified UTF-7",
		Long: `Mailbox encode prints the modified UTF-7 spelling (RFC 3501 §5.1.3) of the
UTF-8 mailbox name NAME, as it goes on the wire without UTF8=ACCEPT.
Mailbox decode prints the UTF-8 name that the modified UTF-7 NAME stands
for. Decoding is strict: a name that is not in canonical modified UTF-7
is an error (exit status 1) that names the offending byte offset.

Examples:

  $ imapc mailbox encode 'Entwürfe'
  Entw&APw-rfe
  $ imapc mailbox decode '~peter/mail/&U,BTFw-/&ZeVnLIqe-'
  ~peter/mail/台北/日本語
`,
		Run: runMailbox,
	})
}

func runMailbox(e *env, args []string) error {
	fs := newFlags("mailbox")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("want encode or decode and one NAME")
	}
	var out string
	var err error
	switch fs.Arg(0) {
	case "encode":
		out, err = utf7.Encode(fs.Arg(1))
	case "decode":
		out, err = utf7.Decode(fs.Arg(1))
	default:
		return usagef("unknown operation %q (want encode or decode)", fs.Arg(0))
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(e.Stdout, out)
	return err
}
