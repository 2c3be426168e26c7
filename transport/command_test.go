package transport

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

func needSh(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("needs /bin/sh")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no sh under CI=true")
		}
		t.Skip("needs sh")
	}
}

// TestCommandConn speaks to a preauth "server" that greets and echoes.
func TestCommandConn(t *testing.T) {
	needSh(t)
	conn, err := DialCommand(t.Context(), "sh", "-c", `printf '* PREAUTH [CAPABILITY IMAP4rev2] ready\r\n'; exec cat`)
	if err != nil {
		t.Fatal(err)
	}
	if got := conn.RemoteAddr(); got.Network() != "exec" || got.String() != "sh" {
		t.Errorf("RemoteAddr = %s %s; want exec sh", got.Network(), got)
	}
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil || line != "* PREAUTH [CAPABILITY IMAP4rev2] ready\r\n" {
		t.Errorf("greeting %q, %v", line, err)
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte("a NOOP\r\n")); err != nil {
		t.Fatal(err)
	}
	if line, err := br.ReadString('\n'); err != nil || line != "a NOOP\r\n" {
		t.Errorf("echo %q, %v", line, err)
	}
	start := time.Now()
	if err := conn.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v; cat exits when its input closes", d)
	}
	cmd := conn.(*commandConn).cmd
	if cmd.ProcessState == nil {
		t.Error("process not reaped")
	}
	if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Read after Close: %v; want net.ErrClosed", err)
	}
	if _, err := conn.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Write after Close: %v; want net.ErrClosed", err)
	}
	if err := conn.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestCommandConnExit: a server that fails says why on its standard error;
// the error of Read carries it.
func TestCommandConnExit(t *testing.T) {
	needSh(t)
	conn, err := DialCommand(t.Context(), "sh", "-c", `printf '* BYE\r\n'; echo "imap: fatal: no such user" >&2; exit 3`)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	got, err := io.ReadAll(conn)
	if string(got) != "* BYE\r\n" {
		t.Errorf("read %q", got)
	}
	var ce *CommandError
	if !errors.As(err, &ce) {
		t.Fatalf("ReadAll: %v; want a *CommandError", err)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Errorf("error %v does not wrap exit status 3", err)
	}
	if !bytes.Contains(ce.Stderr, []byte("no such user")) {
		t.Errorf("Stderr = %q", ce.Stderr)
	}
	msg := err.Error()
	for _, want := range []string{"transport: command sh", "exit status 3", "stderr: imap: fatal: no such user"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if err := conn.Close(); !errors.As(err, &ce) {
		t.Errorf("Close: %v; want the *CommandError", err)
	}
}

// TestCommandConnCleanExit: output ends and the command exits 0: io.EOF.
func TestCommandConnCleanExit(t *testing.T) {
	needSh(t)
	conn, err := DialCommand(t.Context(), "sh", "-c", `printf '* BYE done\r\n'`)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	got, err := io.ReadAll(conn)
	if err != nil || string(got) != "* BYE done\r\n" {
		t.Errorf("ReadAll = %q, %v", got, err)
	}
	// Writing to it fails, sooner or later, with the pipe broken (a Write
	// that never fails is a hang, caught by the test's -timeout).
	for {
		_, err := conn.Write([]byte("a LOGOUT\r\n"))
		if err != nil {
			var ce *CommandError
			if !errors.As(err, &ce) {
				t.Errorf("Write: %v; want a *CommandError", err)
			}
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCommandConnKill: a command that ignores the end of its input is killed
// after cmd.WaitDelay.
func TestCommandConnKill(t *testing.T) {
	needSh(t)
	cmd := exec.Command("sh", "-c", `trap '' TERM HUP; exec sleep 60`)
	cmd.WaitDelay = 200 * time.Millisecond
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	conn, err := CommandConn(cmd)
	if err != nil {
		t.Fatal(err)
	}
	// errKilled proves WaitDelay ended it (sleep 60 ignores TERM); the
	// time that took on a loaded machine is not asserted.
	err = conn.Close()
	if !errors.Is(err, errKilled) {
		t.Errorf("Close: %v; want errKilled", err)
	}
	if cmd.ProcessState == nil {
		t.Error("process not reaped")
	}
}

func TestCommandConnReadDeadline(t *testing.T) {
	needSh(t)
	conn, err := DialCommand(t.Context(), "cat")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := conn.Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read: %v; want os.ErrDeadlineExceeded", err)
	}
	conn.SetDeadline(time.Time{})
	conn.Write([]byte("a NOOP\r\n"))
	buf := make([]byte, 10)
	if err := readExactly(conn, buf, []byte("a NOOP\r\n")); err != nil {
		t.Errorf("Read after deadline: %v", err)
	}
}

func TestCommandConnErrors(t *testing.T) {
	if _, err := DialCommand(t.Context(), "/nonexistent/imapd"); err == nil || !strings.HasPrefix(err.Error(), "transport: command /nonexistent/imapd") {
		t.Errorf("DialCommand of a missing program: %v", err)
	}
	cmd := exec.Command("cat")
	cmd.Stdout = io.Discard
	if _, err := CommandConn(cmd); err == nil {
		t.Error("CommandConn with Stdout set succeeded")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := DialCommand(ctx, "cat"); !errors.Is(err, context.Canceled) {
		t.Errorf("DialCommand with a cancelled context: %v", err)
	}
}

func TestTailBuffer(t *testing.T) {
	var tb tailBuffer
	tb.Write(bytes.Repeat([]byte("a"), 1000))
	tb.Write(bytes.Repeat([]byte("b"), stderrMax-10))
	tb.Write([]byte("0123456789xyz"))
	got := tb.Bytes()
	if len(got) != stderrMax || !bytes.HasSuffix(got, []byte("0123456789xyz")) || got[0] != 'b' {
		t.Errorf("kept %d bytes starting %q ending %q", len(got), got[:3], got[len(got)-3:])
	}
	tb.Write(bytes.Repeat([]byte("c"), 2*stderrMax))
	if got := tb.Bytes(); len(got) != stderrMax || got[0] != 'c' {
		t.Errorf("kept %d bytes", len(got))
	}
	ce := &CommandError{Command: "x", Err: errors.New("exit status 1"), Stderr: tb.Bytes()}
	if n := len(ce.Error()); n > stderrInError+100 {
		t.Errorf("error message of %d bytes", n)
	}
}
