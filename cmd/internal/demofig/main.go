// Command demofig prints the pipelining and streaming figures of the demo
// (scripts/demo, `make run`).
//
// Pipelining: it fetches the flags and size of N messages of -mailbox one
// command at a time (send, wait for the completion, send the next) and then
// with the N commands in flight together, over a connection whose replies
// are delayed by -rtt (a simulated network round trip: on loopback both
// would be too fast to tell apart). Streaming: it appends a generated
// message of -size MiB to a mailbox of its own, fetches it back with
// FetchOptions.Literal into a hash, and reports the process's peak heap,
// which stays near the stream threshold whatever the message's size. The
// mailbox is deleted at the end.
//
// Usage:
//
//	IMAPC_PASSWORD=... demofig -url imap://USER@HOST:PORT -ca cert.pem [-mailbox INBOX] [-n 100] [-rtt 10ms] [-size 32]
package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demofig:", err)
		os.Exit(1)
	}
}

type config struct {
	url, user, pass string
	tls             *tls.Config
	insecure        bool
	n               int
	mailbox         string
	rtt             time.Duration
	size            int64
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("demofig", flag.ContinueOnError)
	rawURL := fs.String("url", "", "imap://USER@HOST:PORT (STARTTLS) or imaps://USER@HOST:PORT")
	ca := fs.String("ca", "", "trust the PEM certificate(s) in FILE")
	cleartext := fs.Bool("insecure-auth", false, "log in without TLS")
	n := fs.Int("n", 100, "messages fetched, one command each")
	rtt := fs.Duration("rtt", 10*time.Millisecond, "simulated round-trip time for the pipelining figures")
	size := fs.Int64("size", 32, "size of the streamed message, in MiB")
	mailbox := fs.String("mailbox", "INBOX", "mailbox whose messages are fetched for the pipelining figures")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(*rawURL)
	if err != nil || (u.Scheme != "imap" && u.Scheme != "imaps") || u.User == nil {
		return fmt.Errorf("-url must be imap://USER@HOST:PORT or imaps://USER@HOST:PORT, got %q", *rawURL)
	}
	cfg := &config{url: u.Scheme + "://" + u.Host, user: u.User.Username(), pass: os.Getenv("IMAPC_PASSWORD"),
		insecure: *cleartext, n: *n, mailbox: *mailbox, rtt: *rtt, size: *size << 20}
	if p, ok := u.User.Password(); ok {
		cfg.pass = p
	}
	if *ca != "" {
		pem, err := os.ReadFile(*ca)
		if err != nil {
			return err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("%s: no PEM certificate", *ca)
		}
		cfg.tls = &tls.Config{RootCAs: pool}
	}
	if cfg.n < 1 || cfg.size < 1 {
		return errors.New("-n and -size must be positive")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := pipelining(ctx, cfg, out); err != nil {
		return fmt.Errorf("pipelining: %w", err)
	}
	if err := streaming(ctx, cfg, out); err != nil {
		return fmt.Errorf("streaming: %w", err)
	}
	return nil
}

func connect(ctx context.Context, cfg *config, dialer *delayDialer) (*client.Conn, error) {
	opts := &client.Options{TLSConfig: cfg.tls, RequireTLS: !cfg.insecure, InsecureAuth: cfg.insecure}
	if dialer != nil {
		opts.Dialer = dialer
	}
	c, err := client.Dial(ctx, cfg.url, opts)
	if err != nil {
		return nil, err
	}
	if err := c.Login(ctx, cfg.user, cfg.pass); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// pipelining prints the time of N single-message FETCHes of cfg.mailbox sent one after
// the other, then all in flight at once.
func pipelining(ctx context.Context, cfg *config, out io.Writer) error {
	c, err := connect(ctx, cfg, &delayDialer{delay: cfg.rtt})
	if err != nil {
		return err
	}
	defer c.Close()
	mb, err := c.Select(ctx, cfg.mailbox, &client.SelectOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	n := min(cfg.n, int(mb.Exists))
	if n == 0 {
		return fmt.Errorf("%s is empty", cfg.mailbox)
	}
	items := &client.FetchItems{UID: true, Flags: true, RFC822Size: true}
	one := func(i int) (*client.FetchCommand, error) {
		var set seqset.Set
		set.Add(uint32(i))
		return c.Fetch(ctx, set, items, nil)
	}
	collect := func(f *client.FetchCommand) error {
		msgs, err := f.CollectMessages(ctx)
		if err == nil && len(msgs) != 1 {
			err = fmt.Errorf("FETCH returned %d messages, want 1", len(msgs))
		}
		return err
	}

	start := time.Now()
	for i := 1; i <= n; i++ {
		f, err := one(i)
		if err != nil {
			return err
		}
		if err := collect(f); err != nil {
			return err
		}
	}
	seq := time.Since(start)

	start = time.Now()
	cmds := make([]*client.FetchCommand, 0, n)
	for i := 1; i <= n; i++ {
		f, err := one(i)
		if err != nil {
			return err
		}
		cmds = append(cmds, f)
	}
	for _, f := range cmds {
		if err := collect(f); err != nil {
			return err
		}
	}
	pipe := time.Since(start)
	c.Logout(ctx)

	fmt.Fprintf(out, "%d FETCH commands (UID FLAGS RFC822.SIZE), one message each, round trip %v:\n", n, cfg.rtt)
	fmt.Fprintf(out, "  one at a time:   %8.1f ms\n", ms(seq))
	fmt.Fprintf(out, "  pipelined:       %8.1f ms   (%.0fx faster)\n", ms(pipe), float64(seq)/float64(max(pipe, 1)))
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// streaming appends a generated message of cfg.size bytes and fetches it
// back streamed, and prints the peak heap seen meanwhile.
func streaming(ctx context.Context, cfg *config, out io.Writer) error {
	c, err := connect(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	name := fmt.Sprintf("imapkit-demo-%d", os.Getpid())
	if err := c.Create(ctx, name); err != nil {
		return err
	}
	defer c.Delete(context.WithoutCancel(ctx), name)

	runtime.GC()
	peak := watchHeap()
	want := sha256.New()
	start := time.Now()
	if _, err := c.Append(ctx, name, io.TeeReader(newMessage(cfg.size), want), cfg.size, nil); err != nil {
		peak.stop()
		return err
	}
	appended := time.Since(start)

	if _, err := c.Select(ctx, name, &client.SelectOptions{ReadOnly: true}); err != nil {
		peak.stop()
		return err
	}
	got := sha256.New()
	var n int64
	start = time.Now()
	f, err := c.Fetch(ctx, seqset.MustParse("1"), &client.FetchItems{Sections: []client.FetchSection{{}}},
		&client.FetchOptions{Literal: func(_ uint32, _ string, _ int64, r io.Reader) error {
			m, err := io.Copy(got, r)
			n += m
			return err
		}})
	if err == nil {
		_, err = f.CollectMessages(ctx)
	}
	fetched := time.Since(start)
	heap := peak.stop()
	if err != nil {
		return err
	}
	if n != cfg.size || string(got.Sum(nil)) != string(want.Sum(nil)) {
		return fmt.Errorf("fetched %d bytes (sha256 %x), appended %d (sha256 %x)", n, got.Sum(nil), cfg.size, want.Sum(nil))
	}
	c.Unselect(ctx)
	mib := float64(cfg.size) / (1 << 20)
	fmt.Fprintf(out, "one %.0f MiB message, streamed both ways (APPEND from a generator, FETCH BODY[] into SHA-256):\n", mib)
	fmt.Fprintf(out, "  APPEND:          %8.1f ms   (%.0f MiB/s)\n", ms(appended), mib/appended.Seconds())
	fmt.Fprintf(out, "  FETCH:           %8.1f ms   (%.0f MiB/s), same SHA-256\n", ms(fetched), mib/fetched.Seconds())
	fmt.Fprintf(out, "  peak Go heap:    %8.1f MiB  (for a %.0f MiB message: memory does not grow with its size)\n", float64(heap)/(1<<20), mib)
	return nil
}

// heapWatch samples the live heap every few milliseconds and keeps its
// maximum.
type heapWatch struct {
	peak atomic.Uint64
	done chan struct{}
	wg   sync.WaitGroup
}

func watchHeap() *heapWatch {
	h := &heapWatch{done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() {
		metrics.Read(sample)
		if v := sample[0].Value.Uint64(); v > h.peak.Load() {
			h.peak.Store(v)
		}
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-h.done:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapWatch) stop() uint64 {
	close(h.done)
	h.wg.Wait()
	return h.peak.Load()
}

// newMessage returns a reader of an RFC 5322 message of exactly size
// octets (size must leave room for the header): a header, then lines of
// text, never held in memory whole.
func newMessage(size int64) io.Reader {
	hdr := "From: imapkit demo <demo@example.com>\r\nTo: demo@example.com\r\nSubject: a large message\r\n" +
		"Date: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <large@imapkit.demo>\r\n\r\n"
	return io.MultiReader(io.LimitReader(&lineReader{s: hdr}, int64(len(hdr))), io.LimitReader(&lineReader{}, size-int64(len(hdr))))
}

// lineReader repeats a 78-octet line with a running number (or returns s
// once, then the lines).
type lineReader struct {
	s string
	n int
}

func (l *lineReader) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		if l.s == "" {
			l.n++
			l.s = fmt.Sprintf("%010d the quick brown fox jumps over the lazy dog, streamed by imapkit.....\r\n", l.n)
		}
		k := copy(p, l.s)
		l.s = l.s[k:]
		p = p[k:]
		total += k
	}
	return total, nil
}

// delayDialer dials TCP connections whose incoming bytes are handed to the
// reader delay after they arrived: a network round trip, as pipelined
// commands see it (every reply waits delay, however many are in flight).
type delayDialer struct {
	delay time.Duration
	d     net.Dialer
}

func (dd *delayDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	nc, err := dd.d.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	dc := &delayConn{Conn: nc, delay: dd.delay, chunks: make(chan chunk, 1024)}
	go dc.pump()
	return dc, nil
}

type chunk struct {
	b   []byte
	at  time.Time
	err error
}

type delayConn struct {
	net.Conn
	delay  time.Duration
	chunks chan chunk
	cur    []byte
	err    error
}

// pump reads the connection and queues what it reads with its arrival
// time; it ends with the connection (queueing the error).
func (d *delayConn) pump() {
	for {
		b := make([]byte, 32<<10)
		n, err := d.Conn.Read(b)
		if n > 0 {
			d.chunks <- chunk{b: b[:n], at: time.Now()}
		}
		if err != nil {
			d.chunks <- chunk{err: err}
			close(d.chunks)
			return
		}
	}
}

func (d *delayConn) Read(p []byte) (int, error) {
	for len(d.cur) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		c, ok := <-d.chunks
		if !ok {
			return 0, io.EOF
		}
		if c.err != nil {
			d.err = c.err
			continue
		}
		if w := time.Until(c.at.Add(d.delay)); w > 0 {
			time.Sleep(w)
		}
		d.cur = c.b
	}
	n := copy(p, d.cur)
	d.cur = d.cur[n:]
	return n, nil
}
