package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

const (
	// stderrMax is how much of a command's standard error is kept: the
	// last 64 KiB.
	stderrMax = 64 << 10
	// stderrInError is how much of it an error message shows: the end.
	stderrInError = 1 << 10
	// defaultCloseGrace is how long Close waits for the command to exit
	// when cmd.WaitDelay is zero.
	defaultCloseGrace = 5 * time.Second
	// exitWait is how long a Read that met the end of the command's
	// output waits for the command to exit, to report how it exited.
	exitWait = time.Second
)

// DialCommand starts the program name with args and returns a connection
// to it: Write goes to its standard input, Read comes from its standard
// output, as with Python's IMAP4_stream. Use it for a server in preauth
// mode ("/usr/lib/dovecot/imap") or a tunnel ("ssh host dovecot").
//
// ctx bounds the start only: the program runs until the connection is
// closed. See [CommandConn] for the rest.
func DialCommand(ctx context.Context, name string, args ...string) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("transport: command %s: %w", name, err)
	}
	return CommandConn(exec.Command(name, args...))
}

// CommandConn starts cmd, which must not have been started, and returns a
// connection to it: Write goes to its standard input, Read comes from its
// standard output. cmd.Stdin and cmd.Stdout must be nil. Its standard error
// is kept (the last 64 KiB) for error messages, and also goes to
// cmd.Stderr if that is set.
//
// When the command's output ends, Read returns io.EOF if the command exited
// with status 0 (or is still running a second later), and otherwise a
// [*CommandError] with the exit status and the end of its standard error;
// a Write to a command that exited fails with a [*CommandError] too.
//
// Read and write deadlines are those of the pipes (supported where the
// system can poll pipes, as on Linux and the BSDs). LocalAddr and
// RemoteAddr return addresses of network "exec" naming the command.
//
// Close closes the command's standard input and output, waits for it to
// exit for cmd.WaitDelay (5 s when zero), kills it if it has not exited by
// then, and reaps it. It returns nil if the command exited with status 0,
// otherwise a [*CommandError].
func CommandConn(cmd *exec.Cmd) (net.Conn, error) {
	name := cmd.Path
	if len(cmd.Args) > 0 {
		name = cmd.Args[0]
	}
	if cmd.Stdin != nil || cmd.Stdout != nil {
		return nil, fmt.Errorf("transport: command %s: Stdin and Stdout must be nil", name)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("transport: command %s: %w", name, err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("transport: command %s: %w", name, err)
	}
	c := &commandConn{
		name:   name,
		stdin:  inW,
		stdout: outR,
		exited: make(chan struct{}),
		grace:  cmd.WaitDelay,
	}
	if c.grace <= 0 {
		c.grace = defaultCloseGrace
		// Bounds the wait for the standard error copy once the command
		// has exited (a child of it may hold the pipe open).
		cmd.WaitDelay = defaultCloseGrace
	}
	cmd.Stdin, cmd.Stdout = inR, outW
	if cmd.Stderr != nil {
		cmd.Stderr = io.MultiWriter(&c.stderr, cmd.Stderr)
	} else {
		cmd.Stderr = &c.stderr
	}
	err = cmd.Start()
	inR.Close() // the command's ends
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("transport: command %s: %w", name, err)
	}
	c.cmd = cmd
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// CommandError reports that a command behind [CommandConn] exited, or
// failed, with what it wrote to its standard error.
type CommandError struct {
	// Command is the command's name (its Args[0]).
	Command string
	// Err is how it ended: an *exec.ExitError, or the I/O error met.
	Err error
	// Stderr is the end of its standard error output (the last 64 KiB).
	Stderr []byte
}

func (e *CommandError) Error() string {
	var b strings.Builder
	b.WriteString("transport: command ")
	b.WriteString(e.Command)
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if s := bytes.TrimSpace(e.Stderr); len(s) > 0 {
		if len(s) > stderrInError {
			s = s[len(s)-stderrInError:]
			b.WriteString(": stderr: ...")
		} else {
			b.WriteString(": stderr: ")
		}
		b.Write(s)
	}
	return b.String()
}

func (e *CommandError) Unwrap() error { return e.Err }

// errKilled is the Err of a CommandError for a command Close had to kill.
var errKilled = errors.New("did not exit after its input was closed; killed")

type commandConn struct {
	name   string
	cmd    *exec.Cmd
	stdin  *os.File
	stdout *os.File
	stderr tailBuffer
	grace  time.Duration

	exited  chan struct{} // closed when waitErr is set
	waitErr error

	closeOnce sync.Once
	closeErr  error
}

func (c *commandConn) Read(p []byte) (int, error) {
	n, err := c.stdout.Read(p)
	if err == nil || n > 0 {
		return n, err
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, err
	}
	if errors.Is(err, os.ErrClosed) {
		return 0, c.closedError("read")
	}
	// The output ended (io.EOF) or broke: say how the command exited.
	t := time.NewTimer(exitWait)
	defer t.Stop()
	select {
	case <-c.exited:
		if c.waitErr != nil {
			return 0, c.error(c.waitErr)
		}
	case <-t.C:
	}
	if err == io.EOF {
		return 0, io.EOF
	}
	return 0, c.error(err)
}

func (c *commandConn) Write(p []byte) (int, error) {
	n, err := c.stdin.Write(p)
	if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		return n, err
	}
	if errors.Is(err, os.ErrClosed) {
		return n, c.closedError("write")
	}
	// Most likely a broken pipe: the command exited.
	select {
	case <-c.exited:
		if c.waitErr != nil {
			return n, c.error(c.waitErr)
		}
	case <-time.After(100 * time.Millisecond):
	}
	return n, c.error(err)
}

// closedError is the error of a Read or Write after Close: like a network
// connection's, it wraps net.ErrClosed.
func (c *commandConn) closedError(op string) error {
	return fmt.Errorf("transport: command %s: %s: %w", c.name, op, net.ErrClosed)
}

func (c *commandConn) error(err error) *CommandError {
	return &CommandError{Command: c.name, Err: err, Stderr: c.stderr.Bytes()}
}

func (c *commandConn) Close() error {
	c.closeOnce.Do(func() {
		c.stdin.Close()
		c.stdout.Close()
		t := time.NewTimer(c.grace)
		defer t.Stop()
		select {
		case <-c.exited:
			if c.waitErr != nil {
				c.closeErr = c.error(c.waitErr)
			}
		case <-t.C:
			c.cmd.Process.Kill()
			<-c.exited
			c.closeErr = c.error(errKilled)
		}
	})
	return c.closeErr
}

func (c *commandConn) LocalAddr() net.Addr  { return commandAddr("transport") }
func (c *commandConn) RemoteAddr() net.Addr { return commandAddr(c.name) }

func (c *commandConn) SetDeadline(t time.Time) error {
	return errors.Join(c.stdout.SetReadDeadline(t), c.stdin.SetWriteDeadline(t))
}

func (c *commandConn) SetReadDeadline(t time.Time) error  { return c.stdout.SetReadDeadline(t) }
func (c *commandConn) SetWriteDeadline(t time.Time) error { return c.stdin.SetWriteDeadline(t) }

// commandAddr is the address of either end of a command connection.
type commandAddr string

func (a commandAddr) Network() string { return "exec" }
func (a commandAddr) String() string  { return string(a) }

// tailBuffer keeps the last stderrMax bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if len(p) >= stderrMax {
		t.buf = append(t.buf[:0], p[len(p)-stderrMax:]...)
		return n, nil
	}
	if over := len(t.buf) + len(p) - stderrMax; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

// Bytes returns a copy of what is kept.
func (t *tailBuffer) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.buf)
}
