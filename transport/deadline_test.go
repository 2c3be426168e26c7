package transport

import (
	"context"
	"errors"
	"net"
	"os"
	"testing"
	"testing/synctest"
	"time"
)

// TestWatchContext: cancelling the context unblocks a Read; stop reports
// the cause.
func TestWatchContext(t *testing.T) {
	c, s := net.Pipe()
	defer c.Close()
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	stop := WatchContext(ctx, c)
	time.AfterFunc(50*time.Millisecond, cancel)
	{
		_, err := c.Read(make([]byte, 10))
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("Read: %v; want os.ErrDeadlineExceeded", err)
		}
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("stop() = %v; want context.Canceled", err)
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("second stop() = %v; want context.Canceled", err)
	}
	// The connection is usable again once the deadline is reset.
	c.SetDeadline(time.Time{})
	go s.Write([]byte("* OK\r\n"))
	if err := readExactly(c, make([]byte, 10), []byte("* OK\r\n")); err != nil {
		t.Errorf("Read after reset: %v", err)
	}
}

// TestWatchContextStopped: after stop, cancelling does nothing (in a
// synctest bubble: the 20 ms wait is fake time).
func TestWatchContextStopped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := net.Pipe()
		defer c.Close()
		defer s.Close()
		ctx, cancel := context.WithCancel(t.Context())
		stop := WatchContext(ctx, c)
		if err := stop(); err != nil {
			t.Errorf("stop() = %v; want nil", err)
		}
		cancel()
		go func() {
			time.Sleep(20 * time.Millisecond)
			s.Write([]byte("* OK\r\n"))
		}()
		if err := readExactly(c, make([]byte, 10), []byte("* OK\r\n")); err != nil {
			t.Errorf("Read after stop and cancel: %v", err)
		}
	})
}

func TestWatchContextCompressed(t *testing.T) {
	a, _ := compressPipe(t, nil, nil, DefaultCompression)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	stop := WatchContext(ctx, a)
	_, err := a.Read(make([]byte, 10))
	if cerr := stop(); cerr != nil {
		err = cerr
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Read: %v; want context.DeadlineExceeded", err)
	}
}

// TestWithTimeouts runs in a synctest bubble: its waits (20 ms of
// silence against a 50 ms timeout) are ordered by the fake clock, not by
// how busy the machine is.
func TestWithTimeouts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := net.Pipe()
		defer s.Close()
		conn := WithTimeouts(c, 50*time.Millisecond, 50*time.Millisecond)
		defer conn.Close()

		if _, err := conn.Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("Read: %v; want os.ErrDeadlineExceeded", err)
		}
		if _, err := conn.Write([]byte("x")); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("Write: %v; want os.ErrDeadlineExceeded", err)
		}

		// Each operation gets its own time: data within it arrives.
		go func() {
			time.Sleep(20 * time.Millisecond)
			s.Write([]byte("* OK\r\n"))
		}()
		if err := readExactly(conn, make([]byte, 10), []byte("* OK\r\n")); err != nil {
			t.Errorf("Read: %v", err)
		}

		// An earlier deadline set on the connection wins, even during a Read.
		slow := WithTimeouts(c, time.Minute, 0)
		time.AfterFunc(30*time.Millisecond, func() { slow.SetReadDeadline(aLongTimeAgo) })
		{
			if _, err := slow.Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("Read: %v; want os.ErrDeadlineExceeded", err)
			}
		}
		// So does cancellation through WatchContext.
		slow.SetDeadline(time.Time{})
		ctx, cancel := context.WithCancel(t.Context())
		stop := WatchContext(ctx, slow)
		cancel()
		{
			if _, err := slow.Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("Read after cancel: %v; want os.ErrDeadlineExceeded", err)
			}
		}
		if err := stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("stop() = %v", err)
		}
	})
}

// nopConn is a connection whose operations do nothing, to count what a
// wrapper allocates.
type nopConn struct{ net.Conn }

func (nopConn) Read(p []byte) (int, error)       { return len(p), nil }
func (nopConn) Write(p []byte) (int, error)      { return len(p), nil }
func (nopConn) SetDeadline(time.Time) error      { return nil }
func (nopConn) SetReadDeadline(time.Time) error  { return nil }
func (nopConn) SetWriteDeadline(time.Time) error { return nil }

func TestWithTimeoutsAllocs(t *testing.T) {
	conn := WithTimeouts(nopConn{}, time.Second, time.Second)
	buf := make([]byte, 512)
	if n := testing.AllocsPerRun(100, func() {
		conn.Read(buf)
		conn.Write(buf)
	}); n != 0 {
		t.Errorf("%v allocations per Read and Write; want 0", n)
	}
}
