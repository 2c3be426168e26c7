// Package decodetest decodes single response lines for the extension
// packages' parser tests and fuzz targets.
package decodetest

import (
	"strings"
	"testing"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/wire"
)

// Decode decodes one response (CRLF added) with reg.
func Decode(reg *codec.Registry, strict bool, line string) (*wire.Response, error) {
	d := codec.NewDecoder(strings.NewReader(line+"\r\n"), &codec.DecoderOptions{Registry: reg, Strict: strict})
	return d.ReadResponse()
}

// Must decodes line leniently, as the client does, failing the test on
// error.
func Must(t testing.TB, reg *codec.Registry, line string) *wire.Response {
	t.Helper()
	r, err := Decode(reg, false, line)
	if err != nil {
		t.Fatalf("decode %q: %v", line, err)
	}
	return r
}

// Fuzz decodes data (whole lines, CRLF included) with reg in both modes
// until the first error; it must not panic and must stop.
func Fuzz(reg *codec.Registry, data []byte) {
	for _, strict := range []bool{false, true} {
		d := codec.NewDecoder(strings.NewReader(string(data)), &codec.DecoderOptions{Registry: reg, Strict: strict, MaxDepth: 64})
		for i := 0; i < 64; i++ {
			if _, err := d.ReadResponse(); err != nil {
				break
			}
		}
	}
}
