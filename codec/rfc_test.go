package codec

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/imapkit/imapkit/wire"
)

// decodeAll decodes every response of in.
func decodeStream(in []byte, opts *DecoderOptions) ([]*wire.Response, error) {
	d := NewDecoder(bytes.NewReader(in), opts)
	var out []*wire.Response
	for {
		r, err := d.ReadResponse()
		if errors.Is(err, io.EOF) && err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
}

// TestRFCExampleStreams decodes every server line of the examples of
// RFC 3501 and RFC 9051 (testdata/rfc*.s2c, extracted from the RFC text;
// examples elided with "..." left out), with the base registry and with
// an empty one.
func TestRFCExampleStreams(t *testing.T) {
	files, _ := filepath.Glob("testdata/rfc*.s2c")
	if len(files) == 0 {
		t.Fatal("no testdata/rfc*.s2c")
	}
	for _, f := range files {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, reg := range []*Registry{nil, NewRegistry()} {
			rs, err := validatedDecode(in, DecoderOptions{})
			if reg == nil {
				rs, err = decodeStream(in, nil)
			}
			if err != nil {
				t.Errorf("%s (empty registry %v): after %d responses: %v", f, reg != nil, len(rs), err)
			}
		}
	}
}

// TestDovecotTranscripts decodes every server-to-client transcript
// captured from a real Dovecot (testdata/dovecot/*.s2c), in lenient and
// strict mode, with the base registry and with an empty one, all at once
// and one byte at a time.
func TestDovecotTranscripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/dovecot/*.s2c")
	if len(files) == 0 {
		t.Fatal("no Dovecot transcripts in testdata/dovecot (they are committed; see scripts/servers/capture_transcripts.py)")
	}
	for _, f := range files {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, opts := range []DecoderOptions{{}, {Strict: true}, {Registry: NewRegistry(), Strict: true}, {Registry: NewRegistry()}} {
			rs, err := decodeStream(in, &opts)
			if i == 3 {
				rs, err = validatedDecode(in, DecoderOptions{})
			}
			if opts.Strict && opts.Registry == nil && filepath.Base(f) == "notify.s2c" {
				// Dovecot's deviation: a UTF-8 mailbox name in the STATUS
				// pushed by NOTIFY, which only lenient mode accepts.
				if err == nil || !strings.Contains(err.Error(), "modified UTF-7") {
					t.Errorf("%s strict: %v; want the modified UTF-7 error", f, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s (strict %v, empty registry %v): after %d responses: %v", f, opts.Strict, opts.Registry != nil, len(rs), err)
				continue
			}
			if i > 0 {
				continue
			}
			slow, err := decodeStreamFrom(iotest.OneByteReader(bytes.NewReader(in)), &opts)
			if err != nil {
				t.Errorf("%s one byte at a time: %v", f, err)
			} else if diff := cmp.Diff(rs, slow, decCmpOpts); diff != "" {
				t.Errorf("%s: one byte at a time differs:\n%s", f, diff)
			}
		}
	}
}

// TestDovecotCommands decodes the client side of the Dovecot transcripts
// with the command decoder. Lines that are no commands (AUTHENTICATE
// responses, IDLE's DONE, the malformed commands of errors.c2s) give a
// *SyntaxError, after which the decoder goes on with the next line.
func TestDovecotCommands(t *testing.T) {
	files, _ := filepath.Glob("testdata/dovecot/*.c2s")
	for _, f := range files {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := NewCommandDecoder(bytes.NewReader(in), nil)
		n, bad := 0, 0
		for {
			cmd, err := d.ReadCommand(nil)
			if err == io.EOF {
				break
			}
			var se *SyntaxError
			if errors.As(err, &se) {
				bad++
				continue
			}
			if err != nil {
				t.Errorf("%s: after %d commands: %v", f, n, err)
				break
			}
			if cmd.Tag == "" || cmd.Name == "" {
				t.Errorf("%s: command %+v", f, cmd)
			}
			n++
		}
		if n == 0 || bad > n {
			t.Errorf("%s: %d commands, %d lines that are none", f, n, bad)
		}
	}
}
