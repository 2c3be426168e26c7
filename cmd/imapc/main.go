// Command imapc is the imapkit command-line client.
//
// Usage:
//
//	imapc <command> [arguments]
//	imapc help [command]
//
// Each command lives in a file of its own and registers itself in init
// with [register]; run "imapc help" for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

// A command is one subcommand of imapc.
type command struct {
	// Name is the word that selects the command ("decode").
	Name string
	// Args is the synopsis of its arguments ("[-strict] [FILE]").
	Args string
	// Short is a one-line description for the command list.
	Short string
	// Long is the help text shown by "imapc help NAME" and NAME -h.
	Long string
	// Run runs the command with the arguments after its name. A
	// usageError makes imapc print the command's usage and exit 2; any
	// other error is printed as "imapc NAME: ERROR" with exit status 1.
	Run func(env *env, args []string) error
}

// env is what a command reads from and writes to; tests replace it.
type env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Ctx, when set, bounds the long-running commands (watch, backup,
	// restore) besides the interrupt signal; tests set it.
	Ctx context.Context
}

// context returns the base context of a long-running command: e.Ctx (or
// the background), ended by SIGINT or SIGTERM too.
func (e *env) context() (context.Context, context.CancelFunc) {
	base := e.Ctx
	if base == nil {
		base = context.Background()
	}
	return signal.NotifyContext(base, os.Interrupt, syscall.SIGTERM)
}

// usageError reports bad arguments.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

var commands []*command

// register adds a command; called from the init function of each
// command's file.
func register(c *command) {
	commands = append(commands, c)
	slices.SortFunc(commands, func(a, b *command) int { return strings.Compare(a.Name, b.Name) })
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func main() {
	os.Exit(run(os.Args[1:], &env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}

// run runs imapc with args and returns the exit status: 0 on success, 1
// when the command failed, 2 for a usage error.
func run(args []string, e *env) int {
	args = hoistConnFlags(args)
	if len(args) == 0 {
		usage(e.Stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			c := lookup(args[1])
			if c == nil {
				fmt.Fprintf(e.Stderr, "imapc help: unknown command %q\n", args[1])
				return 2
			}
			commandHelp(e.Stdout, c)
			return 0
		}
		usage(e.Stdout)
		return 0
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(e.Stderr, "imapc: unknown command %q\n\n", args[0])
		usage(e.Stderr)
		return 2
	}
	err := c.Run(e, args[1:])
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		commandHelp(e.Stdout, c)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.Stderr, "imapc %s: %s\nusage: imapc %s %s\n", c.Name, ue.msg, c.Name, c.Args)
		return 2
	default:
		fmt.Fprintf(e.Stderr, "imapc %s: %v\n", c.Name, timeoutHint(err, "-timeout"))
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, "imapc is the imapkit command-line client.\n\nUsage:\n\n\timapc <command> [arguments]\n\nThe commands are:\n\n")
	width := 0
	for _, c := range commands {
		width = max(width, len(c.Name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-*s  %s\n", width, c.Name, c.Short)
	}
	fmt.Fprint(w, "\nUse \"imapc help <command>\" for more information about a command.\n")
}

func commandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: imapc %s %s\n\n%s", c.Name, c.Args, c.Long)
	if !strings.HasSuffix(c.Long, "\n") {
		fmt.Fprintln(w)
	}
}

// newFlags returns a flag set for a command that reports errors instead
// of printing or exiting.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args with fs, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	return parseError(fs.Parse(args))
}

// parseError turns a flag error into a usage error.
func parseError(err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError{err.Error()}
}
