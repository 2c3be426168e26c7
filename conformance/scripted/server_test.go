package scripted

import (
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// recTB records what the server reports, and runs its cleanups when the
// test says, so that failures can be asserted.
type recTB struct {
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (r *recTB) Helper() {}
func (r *recTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// end runs the cleanups, last first, like testing does.
func (r *recTB) end() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	r.cleanups = nil
}

func (r *recTB) reported() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

// peer is a minimal client for the tests: lines in, bytes out.
type peer struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func newPeer(t *testing.T, c net.Conn) *peer {
	return &peer{t: t, c: c, br: bufio.NewReader(c)}
}

func (p *peer) line() string {
	p.t.Helper()
	l, err := p.br.ReadString('\n')
	if err != nil {
		p.t.Fatalf("client read: %q, %v", l, err)
	}
	return l
}

func (p *peer) want(line string) {
	p.t.Helper()
	if got := p.line(); got != line+"\r\n" {
		p.t.Fatalf("client got %q; want %q", got, line+"\r\n")
	}
}

func (p *peer) write(s string) {
	p.t.Helper()
	if _, err := io.WriteString(p.c, s); err != nil {
		p.t.Fatalf("client write %q: %v", s, err)
	}
}

func TestLoginScript(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(t, nil)
		s.SendLine("* OK ready")
		s.ExpectCmd("LOGIN alice secret")
		s.Reply("OK [CAPABILITY IMAP4rev1] logged in")
		s.ExpectMatch(`(?P<tag>\S+) SELECT (?P<box>\S+)`)
		s.SendTemplate("* 3 EXISTS\r\n${tag} OK [READ-WRITE] ${box} selected, $$5\r\n")
		s.ExpectCmd("APPEND INBOX {5}")
		s.SendLine("+ go ahead")
		s.ExpectLiteral(5)
		s.Expect("")
		s.Reply("OK done")
		s.ExpectEOF()

		p := newPeer(t, s.Client())
		p.want("* OK ready")
		p.write("a001 LOGIN alice secret\r\n")
		p.want("a001 OK [CAPABILITY IMAP4rev1] logged in")
		p.write("a002 SELECT Drafts\r\n")
		p.want("* 3 EXISTS")
		p.want("a002 OK [READ-WRITE] Drafts selected, $5")
		p.write("a003 APPEND INBOX {5}\r\n")
		p.want("+ go ahead")
		p.write("h\x00llo\r\n")
		p.want("a003 OK done")
		p.c.Close()
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
		if s.Var("literal") != "h\x00llo" || s.Var("box") != "Drafts" || s.Var("tag") != "a003" {
			t.Errorf("vars: literal %q box %q tag %q", s.Var("literal"), s.Var("box"), s.Var("tag"))
		}
	})
}

// A client that writes while the server writes (pipelining over an
// unbuffered pipe) never deadlocks: Send queues, the inbox reads.
func TestNoDeadlockWhenBothWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(t, nil)
		big := strings.Repeat("* OK filler\r\n", 10000)
		s.Send(big)
		s.Expect("A1 NOOP")
		s.Expect("A2 NOOP")
		s.SendLine("A1 OK", "A2 OK")
		p := newPeer(t, s.Client())
		// Write first, read afterwards: on net.Pipe this only works
		// because the server reads while it writes.
		p.write("A1 NOOP\r\nA2 NOOP\r\n")
		got, err := io.ReadAll(io.LimitReader(p.br, int64(len(big)+len("A1 OK\r\nA2 OK\r\n"))))
		if err != nil || string(got) != big+"A1 OK\r\nA2 OK\r\n" {
			t.Fatalf("read %d bytes, %v", len(got), err)
		}
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMismatchNamesStepAndBytes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, nil)
		s.SendLine("* OK ready")
		s.ExpectCmd("LOGIN alice secret") // line 136
		s.Reply("OK never sent")
		p := newPeer(t, s.Client())
		p.want("* OK ready")
		p.write("A1 LOGIN alice secreT\r\n")
		// The server closes the connection after a mismatch.
		if l, err := p.br.ReadString('\n'); err != io.EOF {
			t.Errorf("client read %q, %v after the mismatch; want EOF", l, err)
		}
		err := s.Wait()
		var se *StepError
		if !errors.As(err, &se) || se.Step != 2 || !strings.HasPrefix(se.Where, "server_test.go:") {
			t.Fatalf("Wait = %#v", err)
		}
		tb.end()
		errs := tb.reported()
		if len(errs) != 1 {
			t.Fatalf("reported %q; want one failure", errs)
		}
		for _, want := range []string{
			"step 2", `ExpectCmd "LOGIN alice secret"`, "server_test.go:",
			`client sent "A1 LOGIN alice secreT\r\n"`, `want "A1 LOGIN alice secret\r\n"`,
			"first difference at byte 20",
		} {
			if !strings.Contains(errs[0], want) {
				t.Errorf("report %q lacks %q", errs[0], want)
			}
		}
	})
}

func TestClientClosesEarly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, nil)
		s.Expect("A1 NOOP")
		p := newPeer(t, s.Client())
		p.write("A1 NO")
		p.c.Close()
		if err := s.Wait(); err == nil || !strings.Contains(err.Error(), `client closed the connection after sending "A1 NO"; want "A1 NOOP\r\n"`) {
			t.Errorf("Wait = %v", err)
		}
		tb.end()
	})
}

func TestUnfinishedStepReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, nil)
		s.Expect("A1 NOOP")
		s.Expect("A2 NOOP")
		p := newPeer(t, s.Client())
		p.write("A1 NOOP\r\nA2 NO")
		synctest.Wait()
		tb.end() // the test ends while step 2 waits
		errs := tb.reported()
		if len(errs) != 1 || !strings.Contains(errs[0], "step 2") || !strings.Contains(errs[0], "unfinished when the test ended") ||
			!strings.Contains(errs[0], `"A2 NO"`) {
			t.Fatalf("reported %q", errs)
		}
	})
}

func TestStepNeverRan(t *testing.T) {
	tb := &recTB{}
	s, err := Listen(tb, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.SendLine("* OK")
	tb.end() // nobody connected
	if errs := tb.reported(); len(errs) != 1 || !strings.Contains(errs[0], "never ran") {
		t.Fatalf("reported %q", errs)
	}
}

func TestStall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, nil)
		g := s.Stall()
		s.SendLine("* OK late")
		s.StallForever()
		p := newPeer(t, s.Client())
		got := make(chan string, 1)
		go func() { l, _ := p.br.ReadString('\n'); got <- l }()
		synctest.Wait()
		select {
		case l := <-got:
			t.Fatalf("client read %q during the stall", l)
		default:
		}
		g.Release()
		if l := <-got; l != "* OK late\r\n" {
			t.Fatalf("after release: %q", l)
		}
		tb.end() // in StallForever: not a failure
		if errs := tb.reported(); len(errs) != 0 {
			t.Fatalf("reported %q", errs)
		}
	})
}

func TestQuiet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, nil)
		s.Quiet()
		if err := s.Wait(); err != nil {
			t.Fatal(err) // nothing sent yet
		}
		s.Expect("A1 NOOP")
		s.QuietFor(time.Minute)
		p := newPeer(t, s.Client())
		p.write("A1 NOOP\r\nA2 IDLE\r\n")
		err := s.Wait()
		if err == nil || !strings.Contains(err.Error(), `client sent 9 bytes ("A2 IDLE\r\n"...); want nothing yet`) {
			t.Fatalf("Wait = %v", err)
		}
		tb.end()
	})
}

func TestTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, &Options{Timeout: 5 * time.Second})
		s.Expect("A1 NOOP")
		err := s.Wait()
		if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), `client sent "" so far`) {
			t.Fatalf("Wait = %v", err)
		}
		tb.end()
	})
}

func TestWriteChunk(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(t, &Options{WriteChunk: 1})
		s.SendLine("* OK hi")
		s.SendChunked("* 1 EXISTS\r\n", 4)
		buf := make([]byte, 64)
		var sizes []int
		var all []byte
		for len(all) < len("* OK hi\r\n* 1 EXISTS\r\n") {
			n, err := s.Client().Read(buf)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, n)
			all = append(all, buf[:n]...)
		}
		if string(all) != "* OK hi\r\n* 1 EXISTS\r\n" {
			t.Fatalf("read %q", all)
		}
		want := "[1 1 1 1 1 1 1 1 1 4 4 4]"
		if fmt.Sprint(sizes) != want {
			t.Errorf("reads of %v; want %s", sizes, want)
		}
	})
}

func TestFaultBytes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(t, nil)
		s.StrayContinuation("nobody asked")
		s.UnknownTag("")
		s.DeepNesting("* 1 FETCH (X ", 5, ")")
		s.ExpectCmd("NOOP")
		s.Bye("mid-command")
		p := newPeer(t, s.Client())
		p.want("+ nobody asked")
		p.want("ZZZZ9999 OK this tag was never sent")
		p.want("* 1 FETCH (X ((((())))))")
		p.write("A7 NOOP\r\n")
		p.want("* BYE mid-command")
		if b, err := p.br.ReadByte(); err != io.EOF {
			t.Fatalf("after BYE: %q, %v; want EOF", b, err)
		}
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDropMidLiteral(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(t, nil)
		s.DropMidLiteral("* 1 FETCH (BODY[] ", 100, 10)
		got, err := io.ReadAll(s.Client())
		if err != nil || string(got) != "* 1 FETCH (BODY[] {100}\r\nxxxxxxxxxx" {
			t.Fatalf("read %q, %v", got, err)
		}
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
	})
}

// The faults that send without end stop when the client closes, and that
// is no failure.
func TestEndlessLineAndBombStopWhenClientCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(t, nil)
		s.EndlessLine("* OK ", 1<<40)
		p := newPeer(t, s.Client())
		n, _ := io.CopyN(io.Discard, p.br, 100000)
		p.c.Close()
		if n != 100000 {
			t.Fatalf("read %d", n)
		}
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		s := New(t, nil)
		s.LiteralBomb("* 1 FETCH (BODY[] ", 1<<40)
		p := newPeer(t, s.Client())
		p.want("* 1 FETCH (BODY[] {9999999999}")
		p.c.Close()
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		s := New(t, nil)
		s.EndlessLine("* OK ", 10000)
		got, err := io.ReadAll(s.Client())
		if err != nil || len(got) != 10005 || bytes.ContainsAny(got, "\r\n") {
			t.Fatalf("read %d bytes, %v", len(got), err)
		}
	})
}

func TestAsyncWriteFailureReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, nil)
		s.SendLine("* OK never read")
		synctest.Wait() // the write waits for a reader
		s.Client().Close()
		synctest.Wait() // the write failed
		s.Expect("A1 NOOP")
		err := s.Wait()
		var se *StepError
		if !errors.As(err, &se) || se.Step != 1 || !strings.Contains(err.Error(), "writing") {
			t.Fatalf("Wait = %v", err)
		}
		tb.end()
	})
}

func TestCompressAndBadDeflate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(t, nil)
		s.ExpectCmd("COMPRESS DEFLATE")
		s.Reply("OK DEFLATE active")
		s.StartCompress()
		s.ExpectCmd("NOOP")
		s.Reply("OK compressed")
		s.BadDeflate()

		p := newPeer(t, s.Client())
		p.write("C1 COMPRESS DEFLATE\r\n")
		p.want("C1 OK DEFLATE active")
		fw, _ := flate.NewWriter(s.Client(), flate.BestSpeed)
		io.WriteString(fw, "C2 NOOP\r\n")
		fw.Flush()
		fr := bufio.NewReader(flate.NewReader(io.MultiReader(bytes.NewReader(nil), p.br)))
		l, err := fr.ReadString('\n')
		if err != nil || l != "C2 OK compressed\r\n" {
			t.Fatalf("inflated %q, %v", l, err)
		}
		_, err = fr.ReadString('\n')
		var ce flate.CorruptInputError
		if !errors.As(err, &ce) {
			t.Fatalf("after BadDeflate: %v; want a CorruptInputError", err)
		}
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestClientBadDeflateReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, nil)
		s.StartCompress()
		s.Expect("A1 NOOP")
		s.Client().Write([]byte{0xff, 0xff})
		err := s.Wait()
		if err == nil || !strings.Contains(err.Error(), "inflating the client's DEFLATE stream") {
			t.Fatalf("Wait = %v", err)
		}
		tb.end()
	})
}

// selfSigned returns a server config and a client config trusting it.
func selfSigned(t *testing.T) (*tls.Config, *tls.Config) {
	t.Helper()
	srv, cli, err := SelfSignedTLS()
	if err != nil {
		t.Fatal(err)
	}
	return srv, cli
}

// Respond answers each line in turn, is not bounded by Options.Timeout,
// and hands over to the next step when f says so; a client that closes
// or a test that ends while it waits is not a failure.
func TestRespond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, &Options{Timeout: 5 * time.Second})
		var seen []string
		s.Respond(func(line string) ([]string, bool) {
			seen = append(seen, line)
			tag, cmd, _ := strings.Cut(line, " ")
			if cmd == "LOGOUT" {
				return []string{"* BYE", tag + " OK"}, false
			}
			return []string{tag + " OK " + cmd}, true
		})
		s.SendLine("* after")
		p := newPeer(t, s.Client())
		p.write("A1 NOOP\r\n")
		p.want("A1 OK NOOP")
		time.Sleep(time.Minute) // longer than the Timeout: Respond waits
		p.write("A2 CHECK\r\nA3 LOGOUT\r\n")
		p.want("A2 OK CHECK")
		p.want("* BYE")
		p.want("A3 OK")
		p.want("* after")
		if err := s.Wait(); err != nil {
			t.Fatal(err)
		}
		if want := []string{"A1 NOOP", "A2 CHECK", "A3 LOGOUT"}; fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Errorf("f saw %q; want %q", seen, want)
		}
		tb.end()
		if errs := tb.reported(); len(errs) != 0 {
			t.Fatalf("reported %q", errs)
		}
	})
	for _, end := range []string{"client closes", "test ends"} {
		t.Run(end, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tb := &recTB{}
				s := New(tb, nil)
				s.Respond(func(line string) ([]string, bool) { return []string{"* " + line}, true })
				p := newPeer(t, s.Client())
				p.write("x\r\n")
				p.want("* x")
				if end == "client closes" {
					p.c.Close()
					if err := s.Wait(); err != nil {
						t.Fatal(err)
					}
				} else {
					synctest.Wait()
				}
				tb.end()
				if errs := tb.reported(); len(errs) != 0 {
					t.Fatalf("reported %q", errs)
				}
			})
		})
	}
	// A reply the client does not read, and a line it leaves unfinished
	// when it closes, are no failure; the steps after Respond still run.
	synctest.Test(t, func(t *testing.T) {
		tb := &recTB{}
		s := New(tb, nil)
		s.Respond(func(string) ([]string, bool) { return []string{"* unread"}, true })
		s.Call(func() {})
		p := newPeer(t, s.Client())
		p.write("A1 NOOP\r\nA2 NO")
		synctest.Wait()
		p.c.Close()
		if err := s.Wait(); err != nil {
			t.Errorf("Wait = %v", err)
		}
		tb.end()
		if errs := tb.reported(); len(errs) != 0 {
			t.Fatalf("reported %q", errs)
		}
	})
}

// StartTLS runs the handshake inside the script; TLSConnectionState
// then shows the server's side of the same channel the client sees.
func TestStartTLSConnectionState(t *testing.T) {
	srv, cli := selfSigned(t)
	s := New(t, &Options{Timeout: 5 * time.Second})
	if _, ok := s.TLSConnectionState(); ok {
		t.Fatal("TLSConnectionState before StartTLS says ok")
	}
	s.SendLine("A1 OK begin TLS")
	s.StartTLS(srv)
	s.ExpectCmd("NOOP")
	s.Reply("OK")
	p := newPeer(t, s.Client())
	p.want("A1 OK begin TLS")
	tc := tls.Client(s.Client(), cli)
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	tp := newPeer(t, tc)
	tp.write("A2 NOOP\r\n")
	tp.want("A2 OK")
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
	st, ok := s.TLSConnectionState()
	if !ok || !st.HandshakeComplete {
		t.Fatalf("TLSConnectionState = %v, %v", st.HandshakeComplete, ok)
	}
	cst := tc.ConnectionState()
	mine, err := cst.ExportKeyingMaterial("EXPORTER-Channel-Binding", nil, 32)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := st.ExportKeyingMaterial("EXPORTER-Channel-Binding", nil, 32)
	if err != nil || !bytes.Equal(mine, theirs) {
		t.Fatalf("server's exporter %x, %v; the client's %x", theirs, err, mine)
	}
}
