// Package roundtrip checks that what an extension's parsers decode, its
// encoders write back byte for byte: the promise a proxy relies on.
package roundtrip

import (
	"bytes"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/wire"
)

// Decode reads one response (given with its CRLF) with reg.
func Decode(reg *codec.Registry, strict bool, in string) (*wire.Response, error) {
	d := codec.NewDecoder(strings.NewReader(in), &codec.DecoderOptions{Registry: reg, Strict: strict})
	return d.ReadResponse()
}

// Encode writes resp with reg's encoders.
func Encode(reg *codec.Registry, resp *wire.Response) (string, error) {
	var buf bytes.Buffer
	e := codec.NewResponseEncoder(&buf, &codec.ResponseEncoderOptions{Registry: reg})
	if err := e.WriteResponse(resp); err != nil {
		return "", err
	}
	if err := e.Flush(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Check decodes each of lines (with or without their CRLF) strictly with
// reg, checks that the typed data is not a generic tree when typed says
// so, and that encoding it gives back the same bytes.
func Check(t testing.TB, reg *codec.Registry, check func(*wire.Response) bool, lines ...string) {
	t.Helper()
	for _, in := range lines {
		if !strings.HasSuffix(in, "\r\n") {
			in += "\r\n"
		}
		resp, err := Decode(reg, true, in)
		if err != nil {
			t.Errorf("decode %q: %v", in, err)
			continue
		}
		if check != nil && !check(resp) {
			t.Errorf("decode %q: not the typed data expected: %#v (code %#v)", in, resp.Data, resp.Code)
			continue
		}
		out, err := Encode(reg, resp)
		if err != nil {
			t.Errorf("encode %q: %v", in, err)
			continue
		}
		if out != in {
			t.Errorf("round trip:\n in  %q\n out %q", in, out)
		}
	}
}

// Stable is for fuzz targets: when in decodes strictly with reg and
// encodes, the encoding must decode again and encode to the same bytes.
// (Not every valid input re-encodes byte for byte — a mailbox name may be
// quoted where an atom would do — but a second pass must change nothing.)
func Stable(t testing.TB, reg *codec.Registry, in string) {
	t.Helper()
	resp, err := Decode(reg, true, in)
	if err != nil {
		return
	}
	out, err := Encode(reg, resp)
	if err != nil {
		return
	}
	resp2, err := Decode(reg, true, out)
	if err != nil {
		t.Fatalf("re-decode of %q (from %q): %v", out, in, err)
	}
	out2, err := Encode(reg, resp2)
	if err != nil || out2 != out {
		t.Fatalf("encoding is not stable: %q -> %q -> %q (%v)", in, out, out2, err)
	}
}
