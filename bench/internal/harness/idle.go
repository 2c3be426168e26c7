package harness

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/imapkit/imapkit/client"
)

// CaseIdle: Count connections, each logged in, SELECTed and idling (IDLE
// accepted by the server); the child reports its memory per connection.
const CaseIdle = "idle"

// idleServer is the idle case's server, in the harness: it greets, accepts
// LOGIN, answers SELECT as a small mailbox does and IDLE with "+", then
// waits for DONE. It is not Dovecot because a thousand connections would be
// a thousand Dovecot processes on a shared machine; the client's memory
// does not depend on the server beyond the responses, which are Dovecot's.
type idleServer struct {
	l  net.Listener
	wg sync.WaitGroup
	mu sync.Mutex
	cs []net.Conn
}

func startIdleServer() (*idleServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &idleServer{l: l}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.cs = append(s.cs, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				s.serve(c)
			}()
		}
	}()
	return s, nil
}

func (s *idleServer) Addr() string { return s.l.Addr().String() }

func (s *idleServer) Close() {
	s.l.Close()
	s.mu.Lock()
	for _, c := range s.cs {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *idleServer) serve(c net.Conn) {
	io.WriteString(c, "* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] ready\r\n")
	br := bufio.NewReaderSize(c, 4096)
	idling := false
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			return
		}
		l = strings.TrimRight(l, "\r\n")
		if idling {
			if strings.EqualFold(l, "DONE") {
				idling = false
				io.WriteString(c, "I OK IDLE done\r\n")
			}
			continue
		}
		tag, rest, _ := strings.Cut(l, " ")
		cmd, _, _ := strings.Cut(rest, " ")
		switch strings.ToUpper(cmd) {
		case "CAPABILITY":
			io.WriteString(c, "* CAPABILITY IMAP4rev1 LITERAL+ IDLE\r\n"+tag+" OK done\r\n")
		case "LOGIN":
			io.WriteString(c, tag+" OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] logged in\r\n")
		case "SELECT", "EXAMINE":
			io.WriteString(c, "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"+
				"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.\r\n"+
				"* 3625 EXISTS\r\n* 0 RECENT\r\n* OK [UNSEEN 1] First unseen.\r\n"+
				"* OK [UIDVALIDITY 1764000000] UIDs valid\r\n* OK [UIDNEXT 3626] Predicted next UID\r\n"+
				tag+" OK [READ-WRITE] Select completed\r\n")
		case "IDLE":
			idling = true
			io.WriteString(c, "+ idling\r\n")
			tag = "I"
		case "LOGOUT":
			io.WriteString(c, "* BYE logging out\r\n"+tag+" OK done\r\n")
			return
		default:
			io.WriteString(c, tag+" OK done\r\n")
		}
	}
}

// idleMem is what the child measures before and after opening its
// connections: VmRSS, and the Go heap and stacks in use, after a
// collection that returns freed memory to the system.
type idleMem struct{ rss, heap, stack int64 }

func measureIdleMem() idleMem {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return idleMem{rss: vmRSS(), heap: int64(m.HeapInuse), stack: int64(m.StackInuse)}
}

// vmRSS returns the resident set size of this process in bytes, or 0.
func vmRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), "kB"), &kb)
			return kb << 10
		}
	}
	return 0
}

// runIdle opens spec.Count idling connections with the spec's client and
// reports the memory and goroutines they add, per connection.
func runIdle(spec *Spec, res *Result) error {
	n := spec.Count
	before := measureIdleMem()
	g0 := runtime.NumGoroutine()
	t := startTimer()
	var closers []func()
	defer func() {
		for _, f := range closers {
			f()
		}
	}()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		switch spec.Client {
		case "imapkit", "imapkit-idle":
			c, err := client.Dial(ctx, "imap://"+spec.Addr, &client.Options{InsecureAuth: true})
			if err != nil {
				return err
			}
			closers = append(closers, func() { c.Close() })
			if err := c.Login(ctx, spec.User, spec.Pass); err != nil {
				return err
			}
			if _, err := c.Select(ctx, spec.Mailbox, nil); err != nil {
				return err
			}
			if spec.Client == "imapkit" {
				if _, err := c.StartIdle(ctx); err != nil {
					return err
				}
				continue
			}
			// Idle blocks its caller: a goroutine per connection, as a
			// watcher that calls it has.
			accepted := make(chan struct{})
			var once sync.Once
			go c.IdleNotify(ctx, func() { once.Do(func() { close(accepted) }) })
			<-accepted
		case "goimap":
			nc, err := net.DialTimeout("tcp", spec.Addr, 10*time.Second)
			if err != nil {
				return err
			}
			c := imapclient.New(nc, nil)
			closers = append(closers, func() { c.Close() })
			if err := c.Login(spec.User, spec.Pass).Wait(); err != nil {
				return err
			}
			if _, err := c.Select(spec.Mailbox, nil).Wait(); err != nil {
				return err
			}
			if _, err := c.Idle(); err != nil { // returns once the server accepted it
				return err
			}
		default:
			return na(res, "no idle case")
		}
	}
	t.stop(res)
	after := measureIdleMem()
	res.Messages = n
	res.IdleConns = n
	res.IdleRSSB = (after.rss - before.rss) / int64(n)
	res.IdleHeapB = (after.heap - before.heap) / int64(n)
	res.IdleStackB = (after.stack - before.stack) / int64(n)
	res.IdleGoroutines = float64(runtime.NumGoroutine()-g0) / float64(n)
	return nil
}
