package codec

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/imapkit/imapkit/wire"
)

// fuzzSeeds returns short response streams: the RFC examples and the
// Dovecot transcripts cut into pieces of a few responses.
func fuzzSeeds(f *testing.F, glob string) {
	files, _ := filepath.Glob(glob)
	for _, name := range files {
		in, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for len(in) > 0 {
			n := min(len(in), 400)
			if i := bytes.LastIndex(in[:n], []byte("\r\n")); i > 0 && n < len(in) {
				n = i + 2
			}
			f.Add(in[:n])
			in = in[n:]
		}
	}
}

var fuzzExtraSeeds = []string{
	"* 1 FETCH (BODY[] {5}\r\nhello BINARY[1] ~{3}\r\na\x00b)\r\n",
	"* OK [X (a ((b)) \"c\")] text\r\n",
	"* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1 NIL NIL NIL NIL)(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 5 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1) 2) \"MIXED\" (\"A\" \"B\") (\"X\" NIL) \"en\" \"loc\" 1 (2)))\r\n",
	"+ \r\n+\r\nA1 OK\r\n* THREAD ((1)(2))(3)\r\n",
	"* ESEARCH (TAG \"a\") UID ALL 1:*,5 X (1 2)\r\n",
	"* 1 FETCH (INTERNALDATE \" 1-Jan-2024 23:59:60 -1200\")\r\n",
	"* XFOO {99999999999999}\r\n",
	// Parsers that fail past a literal: the decoder replays it.
	"* 1 FETCH (ENVELOPE ({1}\r\nx {2}\r\nab X) UID 3)\r\n",
	"* STATUS {1}\r\nm (MESSAGES {1}\r\n3 UIDNEXT 4)\r\n",
	"* ESEARCH (TAG \"a\" MAILBOX {1}\r\nm UIDVALIDITY 1) ALL 3,1:2 MIN x\r\n",
}

// fuzzOpts are small limits, so that the fuzzer explores them.
func fuzzOpts(reg *Registry, strict bool) *DecoderOptions {
	return &DecoderOptions{Registry: reg, Strict: strict, MaxLineLength: 4096, MaxLiteralSize: 1 << 20, MaxDepth: 16, MaxListItems: 1000}
}

// decodeForFuzz decodes in and returns the responses and the error text.
func decodeForFuzz(r io.Reader, opts *DecoderOptions) ([]*wire.Response, string) {
	rs, err := decodeStreamFrom(r, opts)
	if err != nil {
		return rs, err.Error()
	}
	return rs, ""
}

// FuzzDecodeResponse: the decoder never panics and never allocates much
// more than its input; one byte at a time gives the same result; what
// strict mode accepts, lenient mode decodes the same way.
func FuzzDecodeResponse(f *testing.F) {
	fuzzSeeds(f, "testdata/rfc*.s2c")
	fuzzSeeds(f, "testdata/dovecot/*.s2c")
	for _, s := range fuzzExtraSeeds {
		f.Add([]byte(s))
	}
	base := NewBaseRegistry()
	empty := NewRegistry()
	f.Fuzz(func(t *testing.T, in []byte) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				panic(fmt.Sprintf("HANG %q", in))
			}
		}()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		lenient, lerr := decodeForFuzz(bytes.NewReader(in), fuzzOpts(base, false))
		runtime.ReadMemStats(&after)
		// 64 KiB of bufio, 256 KiB for a literal that claims much, and
		// the value trees: at most a few hundred bytes per input byte.
		if n := after.TotalAlloc - before.TotalAlloc; n > 2<<20+uint64(len(in))*512 {
			t.Errorf("decoding %d bytes allocated %d bytes", len(in), n)
		}
		slow, serr := decodeForFuzz(iotest.OneByteReader(bytes.NewReader(in)), fuzzOpts(base, false))
		if lerr != serr {
			t.Fatalf("one byte at a time: error %q; all at once %q", serr, lerr)
		}
		if diff := cmp.Diff(lenient, slow, decCmpOpts); diff != "" {
			t.Fatalf("one byte at a time differs:\n%s", diff)
		}
		strict, serr := decodeForFuzz(bytes.NewReader(in), fuzzOpts(base, true))
		if serr == "" {
			if lerr != "" {
				t.Fatalf("strict mode accepts what lenient mode rejects: %s", lerr)
			}
			// Response codes may differ: a code that strict mode does not
			// parse as typed (UNSEEN 0) falls back to its generic form,
			// and a bracket that is no code in strict mode (8-bit octets
			// in an atom: "[0 \xeb\xac\xb40]") is text there, a generic
			// code leniently; the text then differs by that bracket.
			for i := range min(len(strict), len(lenient)) {
				s, l := strict[i], lenient[i]
				if s.Code == nil && l.Code != nil && strings.HasPrefix(s.Text, "[") {
					c := *s
					c.Text = l.Text
					strict[i] = &c
				}
			}
			if diff := cmp.Diff(strict, lenient, decCmpOpts, cmpopts.IgnoreFields(wire.Response{}, "Code")); diff != "" {
				t.Fatalf("strict and lenient differ:\n%s", diff)
			}
		}
		decodeForFuzz(bytes.NewReader(in), fuzzOpts(empty, true))
		// Generic trees accept whatever the base parsers accept, so that
		// a tool that prints generic trees and validates them with the
		// base parsers (imapc decode) accepts exactly what typed decoding
		// accepts without recovering from a parser failure.
		_, gerr := decodeForFuzz(bytes.NewReader(in), fuzzOpts(empty, false))
		lhard := lerr
		if lhard == "" {
			if pe := hardParseErr(lenient); pe != nil {
				lhard = pe.Error()
			}
		}
		if lhard == "" && gerr != "" {
			t.Fatalf("generic decoding: error %q; typed decoding accepts", gerr)
		}
		// Streaming every literal gives the same responses, less the
		// literal contents.
		opts := fuzzOpts(base, false)
		opts.StreamThreshold = -1
		opts.OnLiteral = func(_ *LiteralInfo, lit *Literal) error {
			_, err := io.CopyN(io.Discard, lit, 3)
			if err == io.EOF {
				err = nil
			}
			return err
		}
		streamed, err := decodeForFuzz(bytes.NewReader(in), opts)
		if (err == "") != (lerr == "") && !strings.Contains(lerr+err, "literal too large") {
			t.Fatalf("streaming literals: error %q; buffered %q", err, lerr)
		}
		if len(streamed) != len(lenient) && !strings.Contains(lerr+err, "literal too large") {
			t.Fatalf("streaming literals: %d responses; buffered %d", len(streamed), len(lenient))
		}
	})
}

// FuzzDecodeCommand: the command decoder never panics, calls
// onSyncLiteral for each synchronizing literal, and one byte at a time
// gives the same result.
func FuzzDecodeCommand(f *testing.F) {
	fuzzSeeds(f, "testdata/dovecot/*.c2s")
	for _, s := range []string{
		"A1 LOGIN {4}\r\nuser {4+}\r\npass\r\n",
		"A2 UID FETCH 1:*,5 (BODY.PEEK[HEADER.FIELDS (DATE)]<0.100> FLAGS)\r\n",
		"A3 APPEND INBOX (\\Seen) \" 1-Jan-2024 00:00:00 +0000\" ~{3}\r\na\x00b\r\n",
		"A4 SEARCH CHARSET UTF-8 SUBJECT {4}\r\ncafé\r\n",
		"DONE\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		run := func(r io.Reader) string {
			var b strings.Builder
			d := NewCommandDecoder(r, fuzzOpts(nil, false))
			for i := 0; i < 1000; i++ {
				cmd, err := d.ReadCommand(func(size int64) error {
					fmt.Fprintf(&b, "sync %d;", size)
					return nil
				})
				if err == io.EOF {
					break
				}
				if err != nil {
					fmt.Fprintf(&b, "error %v;", err)
					if _, ok := err.(*SyntaxError); ok {
						continue
					}
					break
				}
				fmt.Fprintf(&b, "%s %s %#v;", cmd.Tag, cmd.Name, wire.List(cmd.Args...))
			}
			return b.String()
		}
		all := run(bytes.NewReader(in))
		slow := run(iotest.OneByteReader(bytes.NewReader(in)))
		if all != slow {
			t.Fatalf("one byte at a time:\n%s\nall at once:\n%s", slow, all)
		}
	})
}

// hardParseErr returns the first parser failure recorded on rs other
// than a response code's (whose generic form is valid IMAP), or nil.
func hardParseErr(rs []*wire.Response) error {
	for _, r := range rs {
		if r.ParseErr != nil {
			return r.ParseErr
		}
		if fd, ok := r.Data.(*wire.FetchData); ok {
			for _, it := range fd.Items {
				if it.ParseErr != nil {
					return it.ParseErr
				}
			}
		}
	}
	return nil
}
