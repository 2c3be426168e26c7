package client

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/imapkit/imapkit/seqset"
)

// fetchStream builds the server's answer to "UID FETCH 1:* BODY.PEEK[]"
// of n messages of size octets each, without the completion.
func fetchStream(n, size int) []byte {
	body := bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyz\r\n"), size/38+1)[:size]
	var b bytes.Buffer
	b.Grow(n * (size + 64))
	for i := 1; i <= n; i++ {
		b.WriteString("* " + strconv.Itoa(i) + " FETCH (UID " + strconv.Itoa(i) + " BODY[] {" + strconv.Itoa(size) + "}\r\n")
		b.Write(body)
		b.WriteString(")\r\n")
	}
	return b.Bytes()
}

// benchServer is an in-memory server on a net.Pipe: PREAUTH, SELECT
// answered at once, every FETCH answered with stream. It is a load
// generator, not conformance/scripted: what the scripted server copies
// and allocates per response would be counted with the client's.
func benchServer(b *testing.B, stream []byte) *Conn {
	b.Helper()
	cc, sc := net.Pipe()
	go func() {
		defer sc.Close()
		io.WriteString(sc, "* PREAUTH ready\r\n")
		br := bufio.NewReader(sc)
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			tag, rest, _ := strings.Cut(l, " ")
			switch {
			case strings.HasPrefix(rest, "SELECT"):
				io.WriteString(sc, "* 1000 EXISTS\r\n"+tag+" OK [READ-WRITE] done\r\n")
			case strings.HasPrefix(rest, "UID FETCH"):
				sc.Write(stream)
				io.WriteString(sc, tag+" OK done\r\n")
			default:
				io.WriteString(sc, tag+" OK\r\n")
			}
		}
	}()
	c, err := New(context.Background(), cc, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	if _, err := c.Select(context.Background(), "INBOX", nil); err != nil {
		b.Fatal(err)
	}
	return c
}

// cpuTime returns the process's user+system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// reportCPU adds the process's CPU time per operation (the in-memory
// server's included) since start: on a shared machine wall time measures
// the load as much as the code, CPU time much less.
func reportCPU(b *testing.B, start int64) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkFetchFull downloads n messages of size octets with
// "UID FETCH 1:* BODY.PEEK[]" over a net.Pipe, through each API: the
// Messages iterator without FetchOptions (the README's loop), Collect, the
// streaming FetchOptions.Literal, and a raw reader of the same bytes (the
// lower bound: lines read, literals copied into one reused buffer).
func BenchmarkFetchFull(b *testing.B) {
	for _, sz := range []struct {
		name    string
		n, size int
	}{{"1000x100KiB", 1000, 100 << 10}, {"10000x8KiB", 10000, 8 << 10}} {
		stream := fetchStream(sz.n, sz.size)
		total := int64(sz.n * sz.size)
		items := &FetchItems{Sections: []FetchSection{{}}}
		all := seqset.MustParse("1:*")
		ctx := context.Background()
		check := func(b *testing.B, got, msgs int64) {
			if got != total || msgs != int64(sz.n) {
				b.Fatalf("got %d octets in %d messages; want %d in %d", got, msgs, total, sz.n)
			}
		}
		b.Run(sz.name+"/iterator", func(b *testing.B) {
			c := benchServer(b, stream)
			b.SetBytes(total)
			b.ReportAllocs()
			cpu0 := cpuTime()
			defer func() { reportCPU(b, cpu0) }()
			for b.Loop() {
				f, err := c.UIDFetch(ctx, all, items, nil)
				if err != nil {
					b.Fatal(err)
				}
				var got, msgs int64
				for msg, err := range f.Messages(ctx) {
					if err != nil {
						b.Fatal(err)
					}
					msgs++
					for _, s := range msg.Sections {
						got += int64(len(s.Data))
					}
				}
				check(b, got, msgs)
			}
		})
		b.Run(sz.name+"/collect", func(b *testing.B) {
			c := benchServer(b, stream)
			b.SetBytes(total)
			b.ReportAllocs()
			cpu0 := cpuTime()
			defer func() { reportCPU(b, cpu0) }()
			for b.Loop() {
				f, err := c.UIDFetch(ctx, all, items, nil)
				if err != nil {
					b.Fatal(err)
				}
				all, err := f.CollectMessages(ctx)
				if err != nil {
					b.Fatal(err)
				}
				var got int64
				for _, msg := range all {
					for _, s := range msg.Sections {
						got += int64(len(s.Data))
					}
				}
				check(b, got, int64(len(all)))
			}
		})
		b.Run(sz.name+"/stream", func(b *testing.B) {
			c := benchServer(b, stream)
			b.SetBytes(total)
			b.ReportAllocs()
			buf := make([]byte, 32<<10)
			cpu0 := cpuTime()
			defer func() { reportCPU(b, cpu0) }()
			for b.Loop() {
				var got int64
				opts := &FetchOptions{Literal: func(_ uint32, _ string, _ int64, r io.Reader) error {
					n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf)
					got += n
					return err
				}}
				f, err := c.UIDFetch(ctx, all, items, opts)
				if err != nil {
					b.Fatal(err)
				}
				var msgs int64
				for msg, err := range f.Messages(ctx) {
					if err != nil {
						b.Fatal(err)
					}
					msgs++
					for _, s := range msg.Sections {
						got += int64(len(s.Data))
					}
				}
				check(b, got, msgs)
			}
		})
		b.Run(sz.name+"/raw", func(b *testing.B) {
			cc, sc := net.Pipe()
			defer cc.Close()
			go func() {
				defer sc.Close()
				br := bufio.NewReader(sc)
				for {
					l, err := br.ReadString('\n')
					if err != nil {
						return
					}
					tag, _, _ := strings.Cut(l, " ")
					sc.Write(stream)
					io.WriteString(sc, tag+" OK done\r\n")
				}
			}()
			br := bufio.NewReaderSize(cc, 64<<10)
			buf := make([]byte, 0, 64<<10)
			b.SetBytes(total)
			b.ReportAllocs()
			cpu0 := cpuTime()
			defer func() { reportCPU(b, cpu0) }()
			for b.Loop() {
				io.WriteString(cc, "A1 UID FETCH 1:* BODY.PEEK[]\r\n")
				var got, msgs int64
				for {
					l, err := br.ReadSlice('\n')
					if err != nil {
						b.Fatal(err)
					}
					if bytes.HasPrefix(l, []byte("A1 ")) {
						break
					}
					if i := bytes.LastIndexByte(l, '{'); i >= 0 && bytes.HasSuffix(l, []byte("}\r\n")) {
						n, _ := strconv.Atoi(string(l[i+1 : len(l)-3]))
						if cap(buf) < n {
							buf = make([]byte, 0, n)
						}
						if _, err := io.ReadFull(br, buf[:n]); err != nil {
							b.Fatal(err)
						}
						got += int64(n)
						msgs++
					}
				}
				check(b, got, msgs)
			}
		})
	}
}
