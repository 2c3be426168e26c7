package client

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/wire"
)

// Issue 9 item 16, at the byte level: without LITERAL+, an APPEND (any
// command with a synchronizing literal) is not sent while another command
// is in flight. Pipelined, its line would reach a server whose previous
// answer is unacknowledged, and a server with Nagle's algorithm on
// (Courier) holds the "+" for the client's delayed ACK: ~40 ms each.
func TestSyncLiteralWaitsForQuietWire(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1] hi", nil)
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		cmds := make(chan *AppendCommand, 3)
		for range 3 {
			wg.Go(func() {
				cmd, err := c.StartAppend(ctx, "INBOX", strings.NewReader("hello"), 5, nil)
				if err != nil {
					errs <- err
					return
				}
				cmds <- cmd
			})
		}
		for i := 1; i <= 3; i++ {
			tag := fmt.Sprintf("A%d", i)
			s.expect(tag + " APPEND INBOX {5}")
			s.send("+ go")
			s.expect("hello")
			synctest.Wait() // every goroutine blocked: what could be sent is sent
			s.Quiet()
			if err := s.Wait(); err != nil {
				t.Fatalf("after %s's literal, more went out before its completion: %v", tag, err)
			}
			s.send(tag + " OK [APPENDUID 1 " + strconv.Itoa(i) + "] done")
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := (<-cmds).Wait(ctx); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// nagleServer is a loopback server without LITERAL+ that, like Courier,
// leaves Nagle's algorithm on and answers "+" only after reading the
// whole line of a synchronizing literal.
func nagleServer(tb testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			conn.(*net.TCPConn).SetNoDelay(false)
			go func() {
				defer conn.Close()
				io.WriteString(conn, "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")
				br := bufio.NewReader(conn)
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					line = strings.TrimSuffix(line, "\r\n")
					tag, _, _ := strings.Cut(line, " ")
					if i := strings.LastIndexByte(line, '{'); i >= 0 && strings.HasSuffix(line, "}") {
						n, _ := strconv.Atoi(line[i+1 : len(line)-1])
						io.WriteString(conn, "+ go ahead\r\n")
						if _, err := io.CopyN(io.Discard, br, int64(n)); err != nil {
							return
						}
						if _, err := br.ReadString('\n'); err != nil {
							return
						}
					}
					io.WriteString(conn, tag+" OK done\r\n")
				}
			}()
		}
	}()
	return l.Addr().String()
}

// BenchmarkAppendWithoutLiteralPlus compares pipelined and sequential
// APPENDs that need synchronizing literals, against a loopback server with
// Nagle's algorithm on. Before the gate for synchronizing literals,
// pipelined took ~40 ms per APPEND (the delayed ACK) against well under a
// millisecond sequentially.
func BenchmarkAppendWithoutLiteralPlus(b *testing.B) {
	addr := nagleServer(b)
	const n = 20
	msg := strings.Repeat("x", 1000)
	for _, mode := range []string{"sequential", "pipelined"} {
		b.Run(mode, func(b *testing.B) {
			c, err := Dial(context.Background(), "imap://"+addr, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			ctx := context.Background()
			for b.Loop() {
				if mode == "sequential" {
					for range n {
						if _, err := c.Append(ctx, "INBOX", strings.NewReader(msg), int64(len(msg)), nil); err != nil {
							b.Fatal(err)
						}
					}
					continue
				}
				var wg sync.WaitGroup
				for range n {
					wg.Go(func() {
						if _, err := c.Append(ctx, "INBOX", strings.NewReader(msg), int64(len(msg)), nil); err != nil {
							b.Error(err)
						}
					})
				}
				wg.Wait()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/append")
		})
	}
}

// BenchmarkLiveAppendSync is BenchmarkAppendWithoutLiteralPlus against
// a real server without LITERAL+ (Courier): IMAPKIT_SYNC_ADDR (host:port,
// cleartext), IMAPKIT_SYNC_USER, IMAPKIT_SYNC_PASS. Run by hand; it
// skips when they are not set.
func BenchmarkLiveAppendSync(b *testing.B) {
	addr, user, pass := os.Getenv("IMAPKIT_SYNC_ADDR"), os.Getenv("IMAPKIT_SYNC_USER"), os.Getenv("IMAPKIT_SYNC_PASS")
	if addr == "" {
		b.Skip("IMAPKIT_SYNC_ADDR not set")
	}
	ctx := context.Background()
	c, err := Dial(ctx, "imap://"+addr, &Options{InsecureAuth: true})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, user, pass); err != nil {
		b.Fatal(err)
	}
	if c.hasCap("LITERAL+") {
		b.Skip("the server has LITERAL+")
	}
	mbox := fmt.Sprintf("INBOX.imapkit-sync-append-%d", os.Getpid()) // Courier names live under INBOX.
	if err := c.Create(ctx, mbox); err != nil {
		b.Fatal(err)
	}
	defer c.Delete(ctx, mbox)
	const n = 50
	msg := testMessage(1, strings.Repeat("x", 1000))
	for _, mode := range []string{"sequential", "pipelined"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				var wg sync.WaitGroup
				for range n {
					do := func() {
						if _, err := c.Append(ctx, mbox, strings.NewReader(msg), int64(len(msg)), nil); err != nil {
							b.Error(err)
						}
					}
					if mode == "sequential" {
						do()
					} else {
						wg.Go(do)
					}
				}
				wg.Wait()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/append")
		})
	}
}

// needsSyncLiteral decides as the encoder does, without consuming bodies.
func TestNeedsSyncLiteral(t *testing.T) {
	c, _ := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1] hi", nil)
	body := strings.NewReader("hello")
	for _, tc := range []struct {
		name  string
		args  []wire.Value
		caps  codec.EncoderOptions
		wants bool
	}{
		{"atoms", []wire.Value{wire.Atom("INBOX")}, codec.EncoderOptions{}, false},
		{"body", []wire.Value{wire.Atom("INBOX"), {Kind: wire.KindString, Body: body, Size: 5}}, codec.EncoderOptions{}, true},
		{"body LITERAL+", []wire.Value{{Kind: wire.KindString, Body: body, Size: 5}}, codec.EncoderOptions{LiteralPlus: true}, false},
		{"small body LITERAL-", []wire.Value{{Kind: wire.KindString, Body: body, Size: 5}}, codec.EncoderOptions{LiteralMinus: true}, false},
		{"big body LITERAL-", []wire.Value{{Kind: wire.KindString, Body: body, Size: 5000}}, codec.EncoderOptions{LiteralMinus: true}, true},
		{"8-bit string", []wire.Value{wire.String("sécret")}, codec.EncoderOptions{}, true},
		{"long string LITERAL-", []wire.Value{wire.String(strings.Repeat("a", 5000))}, codec.EncoderOptions{LiteralMinus: true}, true},
		{"long quoted-able string, LITERAL-", []wire.Value{wire.String(strings.Repeat("a", 2000))}, codec.EncoderOptions{LiteralMinus: true}, false},
		{"nested", []wire.Value{wire.List(wire.String("a\r\nb"))}, codec.EncoderOptions{}, true},
	} {
		c.mu.Lock()
		c.encOpts = tc.caps
		c.mu.Unlock()
		if got := c.needsSyncLiteral(tc.args); got != tc.wants {
			t.Errorf("%s: needsSyncLiteral = %v; want %v", tc.name, got, tc.wants)
		}
	}
	if body.Len() != 5 {
		t.Errorf("the dry run consumed %d octets of a body", 5-body.Len())
	}
}
