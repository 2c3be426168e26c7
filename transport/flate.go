package transport

import (
	"bytes"
	stdflate "compress/flate"
	"io"
	"sync"

	kpflate "github.com/klauspost/compress/flate"
)

// Flate is a raw DEFLATE (RFC 1951) implementation, as used by
// COMPRESS=DEFLATE (RFC 4978). [Klauspost] and [Stdlib] implement it;
// [Compress] uses Klauspost when given nil.
//
// A Flate may hand out pooled values: [Compress] closes every writer and
// reader it obtained exactly once, on every path, and uses none of them
// afterwards.
type Flate interface {
	// NewWriter returns a compressor that writes raw DEFLATE to w at the
	// given level, a compress/flate level: DefaultCompression (-1),
	// HuffmanOnly (-2), NoCompression (0), or 1 (BestSpeed) to 9
	// (BestCompression).
	NewWriter(w io.Writer, level int) (FlateWriter, error)

	// NewReader returns a decompressor of the raw DEFLATE stream read from
	// r. [Compress] passes a *bufio.Reader (an io.ByteReader), so the
	// decompressor never reads past the end of the data it needs, and
	// expects Read to return all the data decompressed so far (up to
	// len(p)) when a sync-flush marker is reached, without reading further.
	// Close releases the reader; it is not used afterwards.
	NewReader(r io.Reader) io.ReadCloser
}

// FlateWriter is the compressor returned by [Flate.NewWriter].
type FlateWriter interface {
	io.Writer
	// Flush writes everything compressed so far followed by a sync-flush
	// marker (an empty stored block, "00 00 ff ff"), so that the peer can
	// decompress all of it without waiting for more.
	Flush() error
	// Close releases the writer; it is not used afterwards. Anything it
	// writes is discarded: COMPRESS=DEFLATE has no end-of-stream marker.
	Close() error
}

// Klauspost is the default [Flate]: github.com/klauspost/compress/flate,
// which decompresses faster than the standard library. Writers and readers
// are pooled.
type Klauspost struct{}

// Stdlib is the [Flate] of the standard library's compress/flate. Writers and
// readers are pooled.
type Stdlib struct{}

// Levels -2 (HuffmanOnly) to 9 (BestCompression) have a writer pool each;
// a writer of any other level that an implementation accepts is not pooled.
const (
	minLevel = -2
	maxLevel = 9
)

var (
	kpWriters  [maxLevel - minLevel + 1]sync.Pool
	stdWriters [maxLevel - minLevel + 1]sync.Pool
	kpReaders  sync.Pool
	stdReaders sync.Pool

	// noInput is what a pooled reader is reset to, so that it does not
	// keep the connection it last read from alive. It is never read.
	noInput = bytes.NewReader(nil)
)

// NewWriter implements [Flate].
func (Klauspost) NewWriter(w io.Writer, level int) (FlateWriter, error) {
	var pool *sync.Pool
	if level >= minLevel && level <= maxLevel {
		pool = &kpWriters[level-minLevel]
		if pw, ok := pool.Get().(*kpWriter); ok {
			pw.Reset(w)
			pw.done = false
			return pw, nil
		}
	}
	fw, err := kpflate.NewWriter(w, level)
	if err != nil {
		return nil, err
	}
	return &kpWriter{Writer: fw, pool: pool}, nil
}

// NewReader implements [Flate].
func (Klauspost) NewReader(r io.Reader) io.ReadCloser {
	if pr, ok := kpReaders.Get().(*pooledReader); ok {
		if err := pr.rc.(flateResetter).Reset(r, nil); err == nil {
			pr.done = false
			return pr
		}
	}
	return &pooledReader{rc: kpflate.NewReader(r), pool: &kpReaders}
}

// NewWriter implements [Flate].
func (Stdlib) NewWriter(w io.Writer, level int) (FlateWriter, error) {
	var pool *sync.Pool
	if level >= minLevel && level <= maxLevel {
		pool = &stdWriters[level-minLevel]
		if pw, ok := pool.Get().(*stdWriter); ok {
			pw.Reset(w)
			pw.done = false
			return pw, nil
		}
	}
	fw, err := stdflate.NewWriter(w, level)
	if err != nil {
		return nil, err
	}
	return &stdWriter{Writer: fw, pool: pool}, nil
}

// NewReader implements [Flate].
func (Stdlib) NewReader(r io.Reader) io.ReadCloser {
	if pr, ok := stdReaders.Get().(*pooledReader); ok {
		if err := pr.rc.(flateResetter).Reset(r, nil); err == nil {
			pr.done = false
			return pr
		}
	}
	return &pooledReader{rc: stdflate.NewReader(r), pool: &stdReaders}
}

// kpWriter is a pooled klauspost writer; Close returns it to its pool.
type kpWriter struct {
	*kpflate.Writer
	pool *sync.Pool
	done bool
}

func (w *kpWriter) Close() error {
	if w.done {
		return nil
	}
	w.done = true
	if w.pool != nil {
		w.Reset(io.Discard)
		w.pool.Put(w)
	}
	return nil
}

// stdWriter is a pooled compress/flate writer; Close returns it to its pool.
type stdWriter struct {
	*stdflate.Writer
	pool *sync.Pool
	done bool
}

func (w *stdWriter) Close() error {
	if w.done {
		return nil
	}
	w.done = true
	if w.pool != nil {
		w.Reset(io.Discard)
		w.pool.Put(w)
	}
	return nil
}

// flateResetter is the Resetter of both flate packages.
type flateResetter interface {
	Reset(r io.Reader, dict []byte) error
}

// pooledReader is a pooled decompressor of either implementation; Close
// returns it to its pool.
type pooledReader struct {
	rc   io.ReadCloser // also a Resetter of its package
	pool *sync.Pool
	done bool
}

func (r *pooledReader) Read(p []byte) (int, error) { return r.rc.Read(p) }

func (r *pooledReader) Close() error {
	if r.done {
		return nil
	}
	r.done = true
	if err := r.rc.(flateResetter).Reset(noInput, nil); err != nil {
		return nil // not pooled
	}
	r.pool.Put(r)
	return nil
}
