package client

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// rss returns the process's resident set size in bytes (Linux), or 0.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// goMem returns the heap and the stack memory in use after a collection.
func goMem() (heap, stack int64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse), int64(m.StackInuse)
}

// BenchmarkIdleConns measures what a connection idling in Idle costs: n
// connections over net.Pipe to an in-memory server that greets, answers
// SELECT (with a few responses) and accepts IDLE, then lets its goroutine
// end, so that only the client's side remains: its Conn, its reader
// goroutine (parked without a read buffer) and the goroutine that calls
// Idle, as a watcher would. Reported per connection: Go heap+stacks in
// use (after GC; the stacks are those of the reader goroutine and of the
// caller of Idle) and the process's RSS growth (noisy: freed pages are
// reused). The server is written out here rather than scripted
// (conformance/scripted): its goroutines end once IDLE is accepted, where
// a scripted server's goroutines and buffers would live on and be
// measured with the client's.
func BenchmarkIdleConns(b *testing.B) {
	if os.Getenv("IMAPKIT_IDLE_HEAPPROFILE") != "" {
		// every allocation sampled: the profile is of a few KiB per
		// connection
		old := runtime.MemProfileRate
		runtime.MemProfileRate = 1
		b.Cleanup(func() { runtime.MemProfileRate = old })
	}
	for _, n := range []int{1, 100, 1000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				heap0, stack0 := goMem()
				rss0 := rss()
				b.StartTimer()
				conns := make([]*Conn, n)
				var idling sync.WaitGroup
				var done sync.WaitGroup
				for i := range conns {
					cc, sc := net.Pipe()
					idling.Add(1)
					go func() {
						io.WriteString(sc, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi\r\n")
						br := bufio.NewReader(sc)
						for {
							l, err := br.ReadString('\n')
							if err != nil {
								return
							}
							tag, rest, _ := strings.Cut(l, " ")
							switch {
							case strings.HasPrefix(rest, "SELECT"):
								io.WriteString(sc, "* 172 EXISTS\r\n* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\n* OK [UIDNEXT 4392] next\r\n"+tag+" OK [READ-WRITE] SELECT completed\r\n")
							case strings.HasPrefix(rest, "IDLE"):
								io.WriteString(sc, "+ idling\r\n")
								idling.Done()
								return // the client now waits; the pipe stays open
							default:
								io.WriteString(sc, tag+" OK\r\n")
							}
						}
					}()
					c, err := New(context.Background(), cc, nil)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := c.Select(context.Background(), "INBOX", nil); err != nil {
						b.Fatal(err)
					}
					conns[i] = c
					done.Add(1)
					go func() {
						defer done.Done()
						c.Idle(context.Background())
					}()
				}
				idling.Wait()
				b.StopTimer()
				heap, stack := goMem()
				heap, stack = heap-heap0, stack-stack0
				r := rss() - rss0
				if f := os.Getenv("IMAPKIT_IDLE_HEAPPROFILE"); f != "" {
					// go tool pprof -sample_index=inuse_space: what the
					// idling connections hold.
					if w, err := os.Create(f); err == nil {
						pprof.WriteHeapProfile(w)
						w.Close()
					}
				}
				b.ReportMetric(float64(heap)/float64(n), "heap-B/conn")
				b.ReportMetric(float64(stack)/float64(n), "stacks-B/conn")
				b.ReportMetric(float64(r)/float64(n), "RSS-B/conn")
				for _, c := range conns {
					c.Close()
				}
				done.Wait()
				b.StartTimer()
			}
		})
	}
}
