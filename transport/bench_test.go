package transport

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"testing"
)

// countConn discards what is written to it and counts it.
type countConn struct {
	nopConn
	n int64
}

func (c *countConn) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
func (c *countConn) Close() error                { return nil }

// deflateStreams are the two directions of the benchmarks: a server's FETCH
// responses of whole messages (4 MiB), and a client's commands.
func deflateStreams() []struct {
	name string
	msgs [][]byte
} {
	return []struct {
		name string
		msgs [][]byte
	}{
		{"responses", mailCorpus()},
		{"commands", mailCommands(4, 20000)},
	}
}

// BenchmarkDeflateCompress compresses each stream one message per Write (a
// sync flush each), as a server writes responses and a client commands, at
// the default level, and reports the compressed size as a percentage of the
// original ("%size").
func BenchmarkDeflateCompress(b *testing.B) {
	for _, s := range deflateStreams() {
		total := int64(len(join(s.msgs)))
		for _, f := range flates {
			b.Run(s.name+"/"+f.name, func(b *testing.B) {
				var cc countConn
				c, err := Compress(&cc, nil, f.f, DefaultCompression)
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				b.ReportAllocs()
				b.SetBytes(total)
				b.ResetTimer()
				for range b.N {
					for _, m := range s.msgs {
						if _, err := c.Write(m); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.StopTimer()
				b.ReportMetric(100*float64(cc.n)/float64(total*int64(b.N)), "%size")
			})
		}
	}
}

// BenchmarkDeflateDecompress decompresses each stream as compressed by
// compress/flate at the default level with a sync flush per message (what
// zlib servers send), reading through 4 KiB buffers as a bufio.Reader does.
func BenchmarkDeflateDecompress(b *testing.B) {
	for _, s := range deflateStreams() {
		total := int64(len(join(s.msgs)))
		wire := deflated(b, Stdlib{}, DefaultCompression, s.msgs...)
		for _, f := range flates {
			b.Run(s.name+"/"+f.name, func(b *testing.B) {
				buf := make([]byte, 4096)
				rc := &readerConn{r: bytes.NewReader(wire)}
				b.ReportAllocs()
				b.SetBytes(total)
				b.ResetTimer()
				for range b.N {
					rc.r = bytes.NewReader(wire)
					c, err := Compress(rc, nil, f.f, DefaultCompression)
					if err != nil {
						b.Fatal(err)
					}
					n, err := io.CopyBuffer(io.Discard, onlyReader{c}, buf)
					if err != nil || n != total {
						b.Fatalf("read %d bytes, %v; want %d", n, err, total)
					}
					c.Close()
				}
			})
		}
	}
}

// onlyReader hides a WriterTo or ReaderFrom, so that io.CopyBuffer uses the
// buffer.
type onlyReader struct{ io.Reader }

// BenchmarkLayers writes 4 KiB of mail per operation (the next 4 KiB of the
// corpus each time) through a client layer over net.Pipe, read by the
// matching server layer: the cost of each layer over the bare pipe ("plain",
// which is what Dial returns for a cleartext address: no wrapper at all).
func BenchmarkLayers(b *testing.B) {
	const chunkSize = 4096
	corpus := join(mailCorpus())
	corpus = corpus[:len(corpus)/chunkSize*chunkSize]
	tlsPair := func(c, s net.Conn) (net.Conn, net.Conn) {
		cfg := clientTLSConfig()
		cfg.ServerName = "imap.test"
		tc, ts := tls.Client(c, cfg), tls.Server(s, serverTLSConfig())
		done := make(chan error, 1)
		go func() { done <- ts.Handshake() }()
		if err := tc.Handshake(); err != nil {
			b.Fatal(err)
		}
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		return tc, ts
	}
	deflatePair := func(f Flate) func(c, s net.Conn) (net.Conn, net.Conn) {
		return func(c, s net.Conn) (net.Conn, net.Conn) {
			cc, err := Compress(c, nil, f, DefaultCompression)
			if err != nil {
				b.Fatal(err)
			}
			sc, err := Compress(s, nil, f, DefaultCompression)
			if err != nil {
				b.Fatal(err)
			}
			return cc, sc
		}
	}
	layers := []struct {
		name string
		wrap func(c, s net.Conn) (net.Conn, net.Conn)
	}{
		{"plain", func(c, s net.Conn) (net.Conn, net.Conn) { return c, s }},
		{"trace", func(c, s net.Conn) (net.Conn, net.Conn) { return Trace(c, io.Discard), s }},
		{"tls", tlsPair},
		{"deflate-klauspost", deflatePair(Klauspost{})},
		{"deflate-stdlib", deflatePair(Stdlib{})},
		{"tls+deflate-klauspost", func(c, s net.Conn) (net.Conn, net.Conn) {
			return deflatePair(Klauspost{})(tlsPair(c, s))
		}},
	}
	for _, l := range layers {
		b.Run(l.name, func(b *testing.B) {
			pc, ps := net.Pipe()
			client, server := l.wrap(pc, ps)
			done := make(chan struct{})
			go func() {
				defer close(done)
				buf := make([]byte, 32<<10)
				for {
					if _, err := server.Read(buf); err != nil {
						return
					}
				}
			}()
			b.ReportAllocs()
			b.SetBytes(chunkSize)
			b.ResetTimer()
			off := 0
			for range b.N {
				if _, err := client.Write(corpus[off : off+chunkSize]); err != nil {
					b.Fatal(err)
				}
				if off += chunkSize; off == len(corpus) {
					off = 0
				}
			}
			b.StopTimer()
			client.Close()
			server.Close()
			<-done
		})
	}
}
