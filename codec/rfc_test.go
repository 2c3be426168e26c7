package codec

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

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
			rs, err := decodeStream(in, &DecoderOptions{Registry: reg})
			if err != nil {
				t.Errorf("%s (empty registry %v): after %d responses: %v", f, reg != nil, len(rs), err)
			}
		}
	}
}
