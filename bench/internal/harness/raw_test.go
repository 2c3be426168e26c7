package harness

import (
	"bufio"
	stdflate "compress/flate"
	"io"
	"net"
	"sync"
	"testing"

	kpflate "github.com/klauspost/compress/flate"
)

// writeCounter counts the Write calls that reach the socket.
type writeCounter struct {
	net.Conn
	mu     sync.Mutex
	writes int
}

func (w *writeCounter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.writes++
	w.mu.Unlock()
	return w.Conn.Write(p)
}

func (w *writeCounter) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writes
}

// TestRawCompressOneWritePerCommand is the regression test of the
// "broken pipe" after LOGOUT under COMPRESS: a command must leave the raw
// client in a single write, since a server that acts on the first part of
// a flush (LOGOUT: answer, close) makes any later write of the same flush
// fail.
func TestRawCompressOneWritePerCommand(t *testing.T) {
	for _, impl := range []string{"klauspost", "stdlib"} {
		t.Run(impl, func(t *testing.T) {
			cli, srv := net.Pipe()
			defer cli.Close()
			defer srv.Close()
			wc := &writeCounter{Conn: cli}
			r := &rawConn{cc: &countConn{Conn: wc}, w: nil, flush: func() error { return nil }, atStart: true}
			r.br = bufio.NewReader(r.cc)
			r.w = r.cc

			got := make(chan string, 1)
			go func() {
				defer srv.Close()
				br := bufio.NewReader(srv)
				line, err := br.ReadString('\n')
				if err != nil || line != "Z COMPRESS DEFLATE\r\n" {
					got <- "bad COMPRESS line: " + line
					return
				}
				io.WriteString(srv, "Z OK\r\n")
				var zr io.Reader
				if impl == "klauspost" {
					zr = kpflate.NewReader(br)
				} else {
					zr = stdflate.NewReader(br)
				}
				l, err := bufio.NewReader(zr).ReadString('\n')
				if err != nil {
					got <- "read: " + err.Error()
					return
				}
				got <- l
				io.Copy(io.Discard, br) // drain whatever else comes
			}()
			if err := r.compress(impl); err != nil {
				t.Fatal(err)
			}
			before := wc.count()
			if err := r.send("O LOGOUT\r\n"); err != nil {
				t.Fatal(err)
			}
			if n := wc.count() - before; n != 1 {
				t.Errorf("LOGOUT under COMPRESS left in %d writes; want 1", n)
			}
			if l := <-got; l != "O LOGOUT\r\n" {
				t.Errorf("server read %q", l)
			}
		})
	}
}
