package transport

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// Compression levels for [Compress], the same as compress/flate's.
const (
	NoCompression      = 0
	BestSpeed          = 1
	BestCompression    = 9
	DefaultCompression = -1
	HuffmanOnly        = -2
)

// ErrDeflate is wrapped by the error a compressed connection returns when
// the peer's data is not valid DEFLATE.
var ErrDeflate = errors.New("transport: invalid deflate data from peer")

const (
	// deflateBufSize is the size of the buffers between the flate code
	// and the connection, in each direction.
	deflateBufSize = 32 << 10
	// maxFlateChunk is the most that compress/flate and klauspost return
	// from one Read at a sync flush: their window size.
	maxFlateChunk = 32 << 10
)

var (
	deflateReadBufs  = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, deflateBufSize) }}
	deflateWriteBufs = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, deflateBufSize) }}
	deflateOutBufs   = sync.Pool{New: func() any { b := make([]byte, maxFlateChunk+1); return &b }}
)

// Compress turns on COMPRESS=DEFLATE (RFC 4978) on conn: what is written is
// compressed as raw DEFLATE, what is read is decompressed. Use it right after
// the server's tagged OK to COMPRESS; the server compresses everything after
// the CRLF of that OK, so buffered must hold the bytes the caller already read
// from conn past that CRLF (for a bufio.Reader br: the first br.Buffered()
// bytes of br.Peek); they are copied.
//
// f is the DEFLATE implementation, nil meaning [Klauspost]. level is the
// compression level of what is written: [DefaultCompression], [HuffmanOnly],
// [NoCompression], or [BestSpeed] (1) to [BestCompression] (9).
//
// Each Write is compressed and ends with a sync flush, so the peer can
// decompress it whole at once: write one command per Write (a bufio.Writer
// whose Flush is called after each command does that). A Write of no bytes
// writes nothing.
//
// Read returns what can be decompressed from the bytes received so far, and
// blocks only when that is nothing; it reads from conn only then. It expects
// the peer to end each batch of data with a sync flush (zlib's Z_SYNC_FLUSH
// or Z_FULL_FLUSH), as RFC 4978 servers do. Data that is not valid DEFLATE
// is an error wrapping [ErrDeflate]; a peer that closes the connection
// where a flush ended is io.EOF, elsewhere io.ErrUnexpectedEOF.
//
// Deadlines and the addresses are those of conn. A read deadline that
// expires while waiting for the next batch of data (the usual case, e.g. an
// idle connection) may be retried. An error from conn in the middle of a
// batch of data, including an expired deadline, or any write error, breaks
// the compressed stream: every later Read (or Write) returns it again.
//
// Close closes conn and releases the compressor and decompressor. Read and
// Write may be called concurrently with each other and with Close, as
// net.Conn allows.
func Compress(conn net.Conn, buffered []byte, f Flate, level int) (net.Conn, error) {
	if f == nil {
		f = Klauspost{}
	}
	c := &deflateConn{Conn: conn}
	c.src.conn = conn
	if len(buffered) > 0 {
		c.src.pre = append([]byte(nil), buffered...)
	}
	c.bw = deflateWriteBufs.Get().(*bufio.Writer)
	c.bw.Reset(conn)
	enc, err := f.NewWriter(c.bw, level)
	if err != nil {
		c.bw.Reset(nil)
		deflateWriteBufs.Put(c.bw)
		return nil, fmt.Errorf("transport: deflate: %w", err)
	}
	c.enc = enc
	c.br = deflateReadBufs.Get().(*bufio.Reader)
	c.br.Reset(&c.src)
	c.dec = f.NewReader(c.br)
	c.out = deflateOutBufs.Get().(*[]byte)
	return c, nil
}

// deflateConn is the connection returned by Compress.
type deflateConn struct {
	net.Conn
	closed atomic.Bool

	rmu     sync.Mutex
	src     srcReader
	br      *bufio.Reader // over src; what dec reads from
	dec     io.ReadCloser // nil once released
	out     *[]byte       // decompressed, not yet returned: (*out)[outR:outW]
	outR    int
	outW    int
	pending bool  // dec may hold decompressed data it has not returned
	rerr    error // sticky read error

	wmu  sync.Mutex
	bw   *bufio.Writer // over conn; what enc writes to
	enc  FlateWriter   // nil once released
	werr error         // sticky write error
}

// srcReader reads the bytes buffered before Compress, then conn. It
// remembers conn's last error, so that a decompressor's error can be told
// apart from an I/O error, and the last four bytes it read, so that the end
// of the connection can be told to fall after a sync flush or not.
type srcReader struct {
	pre   []byte
	conn  net.Conn
	err   error
	total int64
	tail  uint32
}

// syncFlushMarker is how a sync or full flush ends: LEN 0, NLEN 0xffff.
const syncFlushMarker = 0x0000ffff

func (s *srcReader) Read(p []byte) (n int, err error) {
	if len(s.pre) > 0 {
		n = copy(p, s.pre)
		s.pre = s.pre[n:]
		if len(s.pre) == 0 {
			s.pre = nil
		}
	} else {
		n, err = s.conn.Read(p)
		if err != nil {
			s.err = err
		}
	}
	if n > 0 {
		s.total += int64(n)
		for _, b := range p[max(0, n-4):n] {
			s.tail = s.tail<<8 | uint32(b)
		}
	}
	return n, err
}

// atFlush reports whether everything read so far ends with a sync flush,
// or nothing was read.
func (s *srcReader) atFlush() bool {
	return s.total == 0 || s.total >= 4 && s.tail == syncFlushMarker
}

func (c *deflateConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.rmu.Lock()
	n, err := c.read(p)
	c.rmu.Unlock()
	if c.closed.Load() && c.rmu.TryLock() {
		c.releaseReader()
		c.rmu.Unlock()
	}
	return n, err
}

func (c *deflateConn) read(p []byte) (int, error) {
	if c.outR < c.outW {
		n := copy(p, (*c.out)[c.outR:c.outW])
		c.outR += n
		return n, nil
	}
	if c.rerr != nil {
		return 0, c.rerr
	}
	if c.dec == nil {
		return 0, fmt.Errorf("transport: deflate: read: %w", net.ErrClosed)
	}
	if !c.pending && c.br.Buffered() == 0 {
		// Nothing left to decompress: wait for the peer's next batch here,
		// outside the decompressor, so that an error (an expired deadline)
		// leaves the stream intact.
		if _, err := c.br.Peek(1); err != nil {
			if err == io.EOF {
				c.rerr = io.EOF
				if !c.src.atFlush() {
					c.rerr = fmt.Errorf("transport: deflate: connection closed in the middle of compressed data: %w", io.ErrUnexpectedEOF)
				}
				return 0, c.rerr
			}
			return 0, err
		}
	}
	var (
		n   int
		err error
	)
	if len(p) > maxFlateChunk {
		n, err = c.dec.Read(p)
		c.pending = n == len(p)
	} else {
		buf := *c.out
		n, err = c.dec.Read(buf)
		c.pending = n == len(buf)
		c.outW = n
		n = copy(p, buf[:n])
		c.outR = n
	}
	if err != nil {
		c.rerr = c.readError(err)
		if n > 0 {
			return n, nil // the error comes with the next Read
		}
		return 0, c.rerr
	}
	return n, nil
}

// readError classifies an error from the decompressor.
func (c *deflateConn) readError(err error) error {
	switch {
	case err == io.EOF:
		// The peer ended the stream with a final block.
		return io.EOF
	case c.src.err != nil && errors.Is(err, c.src.err):
		return fmt.Errorf("transport: deflate: read in the middle of compressed data: %w", err)
	case err == io.ErrUnexpectedEOF:
		return fmt.Errorf("transport: deflate: connection closed in the middle of compressed data: %w", err)
	default:
		return fmt.Errorf("%w: %w", ErrDeflate, err)
	}
}

func (c *deflateConn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.wmu.Lock()
	n, err := c.write(p)
	c.wmu.Unlock()
	if c.closed.Load() && c.wmu.TryLock() {
		c.releaseWriter()
		c.wmu.Unlock()
	}
	return n, err
}

func (c *deflateConn) write(p []byte) (int, error) {
	if c.werr != nil {
		return 0, c.werr
	}
	if c.enc == nil {
		return 0, fmt.Errorf("transport: deflate: write: %w", net.ErrClosed)
	}
	n, err := c.enc.Write(p)
	if err == nil {
		err = c.enc.Flush()
	}
	if err == nil {
		err = c.bw.Flush()
	}
	if err != nil {
		c.werr = fmt.Errorf("transport: deflate: write: %w", err)
		return n, c.werr
	}
	return n, nil
}

// Close closes the underlying connection and releases the compressor and
// the decompressor, or leaves that to a Read or Write still running.
func (c *deflateConn) Close() error {
	c.closed.Store(true)
	err := c.Conn.Close()
	if c.rmu.TryLock() {
		c.releaseReader()
		c.rmu.Unlock()
	}
	if c.wmu.TryLock() {
		c.releaseWriter()
		c.wmu.Unlock()
	}
	return err
}

// releaseReader returns the read side's pooled values; c.rmu is held.
func (c *deflateConn) releaseReader() {
	if c.dec == nil {
		return
	}
	c.dec.Close()
	c.dec = nil
	c.br.Reset(nil)
	deflateReadBufs.Put(c.br)
	c.br = nil
	deflateOutBufs.Put(c.out)
	c.out = nil
	c.outR, c.outW = 0, 0
	c.src = srcReader{}
}

// releaseWriter returns the write side's pooled values; c.wmu is held.
func (c *deflateConn) releaseWriter() {
	if c.enc == nil {
		return
	}
	c.bw.Reset(io.Discard) // whatever Close writes goes nowhere
	c.enc.Close()
	c.enc = nil
	c.bw.Reset(nil)
	deflateWriteBufs.Put(c.bw)
	c.bw = nil
}
