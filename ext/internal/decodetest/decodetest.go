// Package decodetest decodes single response lines for the extension
// packages' parser tests and fuzz targets.
package decodetest

import (
	"bytes"
	"fmt"
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
	if err == nil && r.ParseErr != nil {
		err = r.ParseErr // a parser failed; the decoder kept a generic tree
	}
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
			r, err := d.ReadResponse()
			if err != nil {
				break
			}
			// What was decoded and re-encodes must decode again.
			var b bytes.Buffer
			enc := codec.NewResponseEncoder(&b, &codec.ResponseEncoderOptions{Registry: reg})
			// A generic tree kept after a parser failed decodes again too:
			// where its re-encoding puts a literal before the parser fails
			// again, the codec falls back after the literal (codec package
			// doc).
			if enc.WriteResponse(r) == nil {
				first := b.String()
				d2 := codec.NewDecoder(&b, &codec.DecoderOptions{Registry: reg, MaxDepth: 64})
				r2, err := d2.ReadResponse()
				if err != nil {
					panic(fmt.Sprintf("re-encoded %q does not decode: %v", first, err))
				}
				// And encodes to the same bytes again, unless the canonical
				// form of a recovered generic tree parses as typed data
				// (000 re-encoded as 0).
				var b2 bytes.Buffer
				enc2 := codec.NewResponseEncoder(&b2, &codec.ResponseEncoderOptions{Registry: reg})
				err = enc2.WriteResponse(r2)
				if err != nil || (b2.String() != first && (!recovered(r) || recovered(r2))) {
					panic(fmt.Sprintf("re-encoding %q gives %q, %v", first, b2.String(), err))
				}
			}
		}
	}
}

// RoundTrip decodes each line with reg, checks that its data (or code)
// was decoded by a registered parser (not left as a generic tree), then
// encodes it with the encoders of reg and checks the bytes are the
// line's.
func RoundTrip(t testing.TB, reg *codec.Registry, lines ...string) {
	t.Helper()
	for _, line := range lines {
		r := Must(t, reg, line)
		if _, generic := r.Data.([]wire.Value); generic {
			t.Errorf("%q: data decoded as a generic tree", line)
			continue
		}
		if r.Code != nil && r.Code.Data == nil && len(r.Code.Args) > 0 {
			t.Errorf("%q: code decoded as generic arguments", line)
			continue
		}
		var b bytes.Buffer
		enc := codec.NewResponseEncoder(&b, &codec.ResponseEncoderOptions{Registry: reg})
		if err := enc.WriteResponse(r); err != nil {
			t.Errorf("%q: encode: %v", line, err)
			continue
		}
		if got := strings.TrimSuffix(b.String(), "\r\n"); got != line {
			t.Errorf("re-encoded\n %q\nwant\n %q", got, line)
		}
	}
}

// recovered reports whether a lenient decoder recovered from a parser's
// failure somewhere in r (its data, its code or a FETCH item).
func recovered(r *wire.Response) bool {
	if r.ParseErr != nil || (r.Code != nil && r.Code.ParseErr != nil) {
		return true
	}
	if fd, ok := r.Data.(*wire.FetchData); ok {
		for _, it := range fd.Items {
			if it.ParseErr != nil {
				return true
			}
		}
	}
	return false
}
