package transport

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

var flates = []struct {
	name string
	f    Flate
}{
	{"klauspost", Klauspost{}},
	{"stdlib", Stdlib{}},
}

// compressPipe returns the two ends of a net.Pipe, each compressed: a
// writes with fa and reads fb's output, b the other way round.
func compressPipe(t testing.TB, fa, fb Flate, level int) (a, b net.Conn) {
	t.Helper()
	pa, pb := net.Pipe()
	a, err := Compress(pa, nil, fa, level)
	if err != nil {
		t.Fatal(err)
	}
	b, err = Compress(pb, nil, fb, level)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a.Close()
		b.Close()
	})
	return a, b
}

// deflated returns msgs compressed by f at level, each followed by a sync
// flush.
func deflated(t testing.TB, f Flate, level int, msgs ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := f.NewWriter(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, m := range msgs {
		w.Write(m)
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func join(msgs [][]byte) []byte { return bytes.Join(msgs, nil) }

// TestCompressInterop sends a mail stream one way and commands the other,
// at once, for every pair of implementations and several levels: each
// implementation reads what the other writes.
func TestCompressInterop(t *testing.T) {
	t.Parallel()
	responses := mailCorpus()[:16]
	commands := mailCommands(2, 300)
	for _, wa := range flates {
		for _, wb := range flates {
			for _, level := range []int{DefaultCompression, NoCompression, BestSpeed, 5, BestCompression, HuffmanOnly} {
				t.Run(fmt.Sprintf("%s-%s/level%d", wa.name, wb.name, level), func(t *testing.T) {
					server, client := compressPipe(t, wa.f, wb.f, level)
					var wg sync.WaitGroup
					wg.Add(2)
					go func() {
						defer wg.Done()
						for _, r := range responses {
							if _, err := server.Write(r); err != nil {
								t.Error(err)
								return
							}
						}
					}()
					go func() {
						defer wg.Done()
						for _, c := range commands {
							if _, err := client.Write(c); err != nil {
								t.Error(err)
								return
							}
						}
					}()
					func() {
						got := make([]byte, len(join(responses)))
						if _, err := io.ReadFull(client, got); err != nil {
							t.Errorf("client read: %v", err)
						} else if !bytes.Equal(got, join(responses)) {
							t.Error("client read different data")
						}
						got = make([]byte, len(join(commands)))
						if _, err := io.ReadFull(server, got); err != nil {
							t.Errorf("server read: %v", err)
						} else if !bytes.Equal(got, join(commands)) {
							t.Error("server read different data")
						}
					}()
					wg.Wait()
				})
			}
		}
	}
}

// TestCompressPingPong exchanges many small commands and responses, each
// written once and answered before the next: every Read has to return what
// one sync flush carried without waiting for more bytes, or the exchange
// would deadlock.
func TestCompressPingPong(t *testing.T) {
	t.Parallel()
	n := 500
	if testing.Short() {
		n = 100
	}
	commands := mailCommands(3, n)
	for _, fc := range flates {
		for _, fs := range flates {
			t.Run(fc.name+"-"+fs.name, func(t *testing.T) {
				client, server := compressPipe(t, fc.f, fs.f, DefaultCompression)
				deadline := time.Now().Add(30 * time.Second)
				client.SetDeadline(deadline)
				server.SetDeadline(deadline)
				go func() {
					buf := make([]byte, 4096)
					for _, c := range commands {
						if err := readExactly(server, buf, c); err != nil {
							t.Errorf("server: %v", err)
							return
						}
						tag, _, _ := strings.Cut(string(c), " ")
						if _, err := server.Write([]byte(tag + " OK done\r\n")); err != nil {
							t.Errorf("server: %v", err)
							return
						}
					}
				}()
				buf := make([]byte, 4096)
				for _, c := range commands {
					if _, err := client.Write(c); err != nil {
						t.Fatalf("client: %v", err)
					}
					tag, _, _ := strings.Cut(string(c), " ")
					if err := readExactly(client, buf, []byte(tag+" OK done\r\n")); err != nil {
						t.Fatalf("client: %v", err)
					}
				}
			})
		}
	}
}

// readExactly reads from r until it has len(want) bytes, in as many Reads as
// it takes, and compares them with want.
func readExactly(r io.Reader, buf, want []byte) error {
	got := 0
	for got < len(want) {
		n, err := r.Read(buf[got:len(want)])
		got += n
		if err != nil {
			return err
		}
	}
	if !bytes.Equal(buf[:got], want) {
		return fmt.Errorf("read %q; want %q", buf[:got], want)
	}
	return nil
}

// TestCompressReadReturnsAtFlush delivers compressed bytes one at a time and
// then stops: the reader gets the whole message once the last byte of the
// sync flush has arrived, with nothing after it.
func TestCompressReadReturnsAtFlush(t *testing.T) {
	msg := mailCorpus()[0]
	for _, fw := range flates {
		for _, fr := range flates {
			t.Run(fw.name+"-"+fr.name, func(t *testing.T) {
				wire := deflated(t, fw.f, DefaultCompression, msg)
				pa, pb := net.Pipe()
				defer pb.Close()
				c, err := Compress(pa, nil, fr.f, DefaultCompression)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				go func() {
					for i := range wire {
						if _, err := pb.Write(wire[i : i+1]); err != nil {
							return
						}
					}
					// and nothing more, without closing
				}()
				c.SetReadDeadline(time.Now().Add(10 * time.Second))
				got := make([]byte, len(msg))
				if _, err := io.ReadFull(c, got); err != nil {
					t.Fatalf("Read: %v", err)
				}
				if !bytes.Equal(got, msg) {
					t.Error("read different data")
				}
			})
		}
	}
}

// TestCompressBuffered: the server's first compressed bytes arrived with its
// OK and sit in the client's buffer; Compress takes them, at any split.
func TestCompressBuffered(t *testing.T) {
	msgs := [][]byte{[]byte("* 1 EXISTS\r\n"), []byte("* 1 RECENT\r\n"), mailCorpus()[1]}
	wire := deflated(t, Klauspost{}, DefaultCompression, msgs...)
	want := join(msgs)
	for _, split := range []int{0, 1, 2, 7, len(wire) / 3, len(wire) - 1, len(wire)} {
		pa, pb := net.Pipe()
		buffered := bytes.Clone(wire[:split])
		c, err := Compress(pa, buffered, nil, DefaultCompression)
		if err != nil {
			t.Fatal(err)
		}
		clear(buffered) // Compress copied it
		go func() {
			pb.Write(wire[split:])
			pb.Close()
		}()
		got, err := io.ReadAll(c)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("split %d: read %d bytes, %v; want %d bytes, nil", split, len(got), err, len(want))
		}
		c.Close()
	}
}

// TestCompressEOF: the peer closing after a sync flush is the end of the
// stream; closing in the middle of compressed data is not.
func TestCompressEOF(t *testing.T) {
	msg := []byte("* BYE logging out\r\n")
	wire := deflated(t, Stdlib{}, DefaultCompression, msg)
	for _, tt := range []struct {
		name     string
		wire     []byte
		wantData []byte
		wantErr  error
	}{
		{"after flush", wire, msg, nil},
		{"nothing sent", nil, nil, nil},
		{"mid-stream", wire[:len(wire)-2], nil, io.ErrUnexpectedEOF},
	} {
		for _, f := range flates {
			t.Run(tt.name+"/"+f.name, func(t *testing.T) {
				pa, pb := net.Pipe()
				c, err := Compress(pa, nil, f.f, DefaultCompression)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				go func() {
					pb.Write(tt.wire)
					pb.Close()
				}()
				func() {
					got, err := io.ReadAll(c)
					if tt.wantErr == nil {
						if err != nil || !bytes.Equal(got, tt.wantData) {
							t.Errorf("ReadAll = %q, %v; want %q, nil", got, err, tt.wantData)
						}
						if _, err := c.Read(make([]byte, 10)); err != io.EOF {
							t.Errorf("Read after EOF = %v; want io.EOF again", err)
						}
						return
					}
					if !errors.Is(err, tt.wantErr) {
						t.Errorf("ReadAll = %q, %v; want %v", got, err, tt.wantErr)
					}
					if _, err2 := c.Read(make([]byte, 10)); !errors.Is(err2, tt.wantErr) {
						t.Errorf("Read after error = %v; want %v again", err2, tt.wantErr)
					}
				}()
			})
		}
	}
}

// TestCompressCorrupt feeds data that is not DEFLATE: every case ends in an
// error wrapping ErrDeflate (or, where the peer closed, an unexpected EOF),
// never in a hang.
func TestCompressCorrupt(t *testing.T) {
	good := []byte("* 1 FETCH (FLAGS (\\Seen))\r\n")
	garbage := make([]byte, 4096)
	r := rand.New(rand.NewPCG(7, 7))
	for i := range garbage {
		garbage[i] = byte(r.Uint32())
	}
	tests := []struct {
		name  string
		wire  []byte
		close bool // the peer closes after wire
		good  bool // good comes first
	}{
		{"reserved block type", []byte{0x07, 0, 0, 0}, false, false},
		{"stored length check", []byte{0x00, 0x05, 0x00, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o'}, false, false},
		{"bad huffman table", []byte{0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, false, false},
		{"uncompressed server", []byte("* OK [CAPABILITY IMAP4rev1] not compressed after all\r\n"), true, false},
		{"random bytes", garbage, true, false},
		{"garbage after good data", append(deflated(t, Klauspost{}, DefaultCompression, good), 0xff, 0xff, 0xff, 0xff), false, true},
	}
	for _, tt := range tests {
		for _, f := range flates {
			t.Run(tt.name+"/"+f.name, func(t *testing.T) {
				pa, pb := net.Pipe()
				defer pb.Close()
				c, err := Compress(pa, nil, f.f, DefaultCompression)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				go func() {
					pb.Write(tt.wire)
					if tt.close {
						pb.Close()
					}
				}()
				func() {
					buf := make([]byte, 64<<10)
					var got []byte
					for {
						n, err := c.Read(buf)
						got = append(got, buf[:n]...)
						if err == nil {
							continue
						}
						if !errors.Is(err, ErrDeflate) && !(tt.close && errors.Is(err, io.ErrUnexpectedEOF)) {
							t.Errorf("Read: %v; want ErrDeflate", err)
						}
						if !strings.HasPrefix(err.Error(), "transport: ") {
							t.Errorf("error %q lacks the package prefix", err)
						}
						break
					}
					if tt.good && !bytes.HasPrefix(got, good) {
						t.Errorf("read %q before the error; want %q first", got, good)
					}
				}()
			})
		}
	}
}

// TestCompressReadDeadline: a deadline that expires while the connection is
// idle does not break the compressed stream.
func TestCompressReadDeadline(t *testing.T) {
	for _, f := range flates {
		t.Run(f.name, func(t *testing.T) {
			a, b := compressPipe(t, f.f, f.f, DefaultCompression)
			b.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			_, err := b.Read(make([]byte, 100))
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("Read: %v; want os.ErrDeadlineExceeded", err)
			}
			b.SetReadDeadline(time.Time{})
			go a.Write([]byte("* 2 EXISTS\r\n"))
			buf := make([]byte, 100)
			if err := readExactly(b, buf, []byte("* 2 EXISTS\r\n")); err != nil {
				t.Fatalf("Read after the deadline: %v", err)
			}
		})
	}
}

func TestCompressClose(t *testing.T) {
	for _, f := range flates {
		t.Run(f.name, func(t *testing.T) {
			a, b := compressPipe(t, f.f, f.f, DefaultCompression)
			readErr := make(chan error, 1)
			go func() {
				_, err := b.Read(make([]byte, 100))
				readErr <- err
			}()
			time.Sleep(10 * time.Millisecond)
			if err := b.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			select {
			case err := <-readErr:
				if err == nil {
					t.Error("blocked Read returned no error after Close")
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Close did not unblock Read")
			}
			if _, err := b.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
				t.Errorf("Read after Close: %v; want net.ErrClosed", err)
			}
			if _, err := b.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
				t.Errorf("Write after Close: %v; want net.ErrClosed", err)
			}
			b.Close()
			// The peer's writes fail, and keep failing.
			_, err1 := a.Write([]byte("a NOOP\r\n"))
			_, err2 := a.Write([]byte("b NOOP\r\n"))
			if err1 == nil || err2 == nil || err1.Error() != err2.Error() {
				t.Errorf("Write to a closed peer: %v, then %v; want the same error twice", err1, err2)
			}
		})
	}
}

// TestCompressCloseDuringWrite: Close unblocks a Write the peer does not
// read, and the writer goes back to its pool only once.
func TestCompressCloseDuringWrite(t *testing.T) {
	pa, pb := net.Pipe()
	defer pb.Close()
	c, err := Compress(pa, nil, nil, BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Write(join(mailCorpus()[:5]))
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	c.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Write succeeded")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not unblock Write")
	}
}

func TestCompressLevel(t *testing.T) {
	for _, f := range flates {
		for _, level := range []int{-3, 10, 42} {
			pa, pb := net.Pipe()
			if c, err := Compress(pa, nil, f.f, level); err == nil {
				c.Close()
				t.Errorf("%s: Compress with level %d succeeded", f.name, level)
			} else if !strings.HasPrefix(err.Error(), "transport: deflate: ") {
				t.Errorf("%s: error %q lacks the prefix", f.name, err)
			}
			pa.Close()
			pb.Close()
		}
	}
}

// TestCompressEmptyWrite: a Write of nothing sends nothing.
func TestCompressEmptyWrite(t *testing.T) {
	pa, pb := net.Pipe()
	defer pb.Close()
	c, err := Compress(pa, nil, nil, DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pa.SetWriteDeadline(time.Now().Add(50 * time.Millisecond)) // nobody reads pb
	if n, err := c.Write(nil); n != 0 || err != nil {
		t.Errorf("Write(nil) = %d, %v", n, err)
	}
}

// TestFlatePoolReuse takes pooled writers and readers through a stream, an
// error, release and reuse: a reused one starts afresh.
func TestFlatePoolReuse(t *testing.T) {
	msg := mailCorpus()[2]
	for _, f := range flates {
		t.Run(f.name, func(t *testing.T) {
			for range 5 {
				// A reader left in an error state, then released.
				r := f.f.NewReader(bytes.NewReader([]byte{0x07}))
				if _, err := r.Read(make([]byte, 10)); err == nil {
					t.Fatal("no error from corrupt input")
				}
				r.Close()
				r.Close() // a second Close must not pool it twice

				// A writer left in the middle of a stream, then released.
				w, err := f.f.NewWriter(io.Discard, DefaultCompression)
				if err != nil {
					t.Fatal(err)
				}
				w.Write(msg[:1000])
				w.Close()
				w.Close()

				wire := deflated(t, f.f, DefaultCompression, msg)
				r = f.f.NewReader(bytes.NewReader(wire))
				got, err := io.ReadAll(io.LimitReader(r, int64(len(msg))))
				r.Close()
				if err != nil || !bytes.Equal(got, msg) {
					t.Fatalf("round trip through reused values: %d bytes, %v", len(got), err)
				}
			}
		})
	}
}

// TestCompress100MB streams 100 MB of mail through each implementation,
// compressed one response per Write as a server does, and compares
// checksums. Skipped with -short, except under CI.
func TestCompress100MB(t *testing.T) {
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("100 MB stream skipped with -short")
	}
	t.Parallel()
	const size = 100 << 20
	corpus := mailCorpus()
	for _, f := range flates {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			server, client := compressPipe(t, f.f, f.f, BestSpeed)
			sent := sha256.New()
			// The writer reports on a channel that the test always drains,
			// so it never outlives the test nor touches t after it.
			werr := make(chan error, 1)
			go func() {
				total := 0
				for i := 0; total < size; i++ {
					r := corpus[i%len(corpus)]
					if total+len(r) > size {
						r = r[:size-total]
					}
					sent.Write(r)
					if _, err := server.Write(r); err != nil {
						werr <- err
						return
					}
					total += len(r)
				}
				werr <- nil
			}()
			// No time bound of its own: a hang is the test binary's
			// -timeout, with every goroutine's stack.
			got := sha256.New()
			n, err := io.CopyN(got, client, size)
			if err != nil {
				// Unblock a writer stuck on the pipe before waiting for it.
				client.Close()
				server.Close()
			}
			if err := <-werr; err != nil {
				t.Errorf("write: %v", err)
			}
			if err != nil || n != size {
				t.Fatalf("read %d bytes, %v; want %d", n, err, size)
			}
			if !bytes.Equal(got.Sum(nil), sent.Sum(nil)) {
				t.Error("checksums differ")
			}
		})
	}
}

// readerConn is a connection that reads from r and discards writes.
type readerConn struct {
	nopConn
	r io.Reader
}

func (c *readerConn) Read(p []byte) (int, error) { return c.r.Read(p) }
func (c *readerConn) Close() error               { return nil }

// FuzzCompressRead: any bytes from the peer end in data, an error or EOF,
// never a panic; the two implementations agree on valid streams.
func FuzzCompressRead(f *testing.F) {
	f.Add(deflated(f, Klauspost{}, DefaultCompression, []byte("* OK hello\r\n"), []byte("* 1 EXISTS\r\n")))
	f.Add(deflated(f, Stdlib{}, HuffmanOnly, []byte("* OK hello\r\n")))
	f.Add([]byte{0x00, 0x05, 0x00, 0xfa, 0xff, 'h', 'e', 'l', 'l', 'o', 0, 0, 0xff, 0xff})
	f.Add([]byte("* OK not compressed\r\n"))
	f.Fuzz(func(t *testing.T, wire []byte) {
		var outs [2][]byte
		var errs [2]error
		for i, fl := range flates {
			c, err := Compress(&readerConn{r: bytes.NewReader(wire)}, nil, fl.f, DefaultCompression)
			if err != nil {
				t.Fatal(err)
			}
			outs[i], errs[i] = io.ReadAll(io.LimitReader(c, 1<<20))
			c.Close()
		}
		if errs[0] == nil && errs[1] == nil && !bytes.Equal(outs[0], outs[1]) {
			t.Errorf("klauspost and stdlib read %q and %q", outs[0], outs[1])
		}
	})
}
