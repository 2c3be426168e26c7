package transport

import (
	"bytes"
	"io"
	"testing"
)

// writeConn records what is written to it.
type writeConn struct {
	nopConn
	buf bytes.Buffer
}

func (c *writeConn) Write(p []byte) (int, error) { return c.buf.Write(p) }
func (c *writeConn) Close() error                { return nil }

// chunkReader returns at most n bytes per Read.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// FuzzCompressRoundTrip: whatever the data, the way the writer cuts it
// into writes (each one sync-flushed), the pair of implementations, the
// level, the size of the reads the reader gets from the network and the
// part of the stream already buffered before COMPRESS (the buffered
// argument), the reader gets back exactly the bytes written.
func FuzzCompressRoundTrip(f *testing.F) {
	f.Add([]byte("* OK hello\r\n* 1 EXISTS\r\nA1 OK done\r\n"), uint8(7), uint8(0), uint8(3), uint8(0))
	f.Add(bytes.Repeat([]byte("* 1 FETCH (BODY[] {5}\r\nhello)\r\n"), 50), uint8(31), uint8(5), uint8(1), uint8(9))
	f.Add([]byte{}, uint8(1), uint8(2), uint8(64), uint8(0))
	f.Add([]byte{0, 1, 2, 255, 254}, uint8(1), uint8(7), uint8(1), uint8(2))
	levels := []int{DefaultCompression, NoCompression, BestSpeed, 5, BestCompression, HuffmanOnly}
	f.Fuzz(func(t *testing.T, data []byte, writeSize, mode, readSize, pre uint8) {
		wf, rf := flates[int(mode)&1].f, flates[int(mode>>1)&1].f
		level := levels[int(mode>>2)%len(levels)]
		wc := &writeConn{}
		w, err := Compress(wc, nil, wf, level)
		if err != nil {
			t.Fatal(err)
		}
		for p := data; len(p) > 0; {
			n := min(len(p), int(writeSize)+1)
			if _, err := w.Write(p[:n]); err != nil {
				t.Fatal(err)
			}
			p = p[n:]
		}
		w.Close()
		wire := wc.buf.Bytes()
		k := min(int(pre), len(wire))
		r, err := Compress(&readerConn{r: &chunkReader{r: bytes.NewReader(wire[k:]), n: int(readSize) + 1}}, wire[:k], rf, level)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		got := make([]byte, len(data))
		if _, err := io.ReadFull(r, got); err != nil {
			t.Fatalf("%s -> %s level %d: read %v after %d of %d bytes", flates[int(mode)&1].name, flates[int(mode>>1)&1].name, level, err, len(got), len(data))
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("%s -> %s level %d: read different bytes", flates[int(mode)&1].name, flates[int(mode>>1)&1].name, level)
		}
		if n, err := r.Read(make([]byte, 1)); n != 0 || err == nil {
			t.Fatalf("after the data: %d bytes, %v; want EOF", n, err)
		}
	})
}
