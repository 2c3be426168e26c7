package codec

import (
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/wire"
)

// number64 (RFC 9051 §9) is at most 2^63-1; real servers send unsigned
// 64-bit values (Gmail's X-GM-MSGID and X-GM-THRID, MODSEQ). Leniently up
// to 2^64-1 is accepted, strictly up to 2^63-1; beyond 2^64-1 is a
// SyntaxError in both modes, never a wrapped value or a panic.
func TestNumber64Range(t *testing.T) {
	read := func(strict bool, in string) (uint64, error) {
		v, err := parseWith(t, in+"\r\n", strict, func(p *Parser) (any, error) { return p.ReadNumber64() })
		n, _ := v.(uint64)
		return n, err
	}
	for _, tt := range []struct {
		in              string
		lenient, strict bool // accepted
		want            uint64
	}{
		{"0", true, true, 0},
		{"9223372036854775807", true, true, 1<<63 - 1},
		{"9223372036854775808", true, false, 1 << 63},
		{"18446744073709551615", true, false, 1<<64 - 1},
		{"18446744073709551616", false, false, 0},
		{"99999999999999999999999", false, false, 0},
	} {
		for _, strict := range []bool{false, true} {
			ok := tt.lenient
			if strict {
				ok = tt.strict
			}
			n, err := read(strict, tt.in)
			if ok && (err != nil || n != tt.want) {
				t.Errorf("%s (strict %v) = %d, %v; want %d", tt.in, strict, n, err, tt.want)
			}
			if !ok {
				var se *SyntaxError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), "number64") {
					t.Errorf("%s (strict %v) = %d, %v; want a number64 SyntaxError", tt.in, strict, n, err)
				}
			}
		}
	}
}

// The callers of number64 in the base protocol: MODSEQ of SEARCH and
// ESEARCH and STATUS items are uint64 and take 2^64-1 leniently;
// RFC822.SIZE and body line counts are int64 and stop at 2^63-1 in both
// modes.
func TestNumber64Callers(t *testing.T) {
	const max64 = "18446744073709551615"
	for _, line := range []string{
		"* SEARCH 1 (MODSEQ " + max64 + ")",
		"* ESEARCH MODSEQ " + max64,
		"* STATUS a (HIGHESTMODSEQ " + max64 + ")",
	} {
		r, err := decodeStatusLine(NewBaseRegistry(), false, line)
		if err != nil || r.ParseErr != nil {
			t.Errorf("lenient %s: %v %v", line, err, r.ParseErr)
			continue
		}
		var n uint64
		switch d := r.Data.(type) {
		case *wire.SearchData:
			n = d.ModSeq
		case *wire.ESearchData:
			n = d.ModSeq
		case *wire.StatusData:
			n = d.Items[0].Value
		}
		if n != 1<<64-1 {
			t.Errorf("lenient %s: %d", line, n)
		}
		if _, err := decodeStatusLine(NewBaseRegistry(), true, line); err == nil {
			t.Errorf("strict %s: accepted", line)
		}
	}
	for _, strict := range []bool{false, true} {
		for _, line := range []string{
			"* 1 FETCH (RFC822.SIZE 9223372036854775808)",
			`* 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 9223372036854775808))`,
		} {
			r, err := decodeStatusLine(NewBaseRegistry(), strict, line)
			if err != nil || r.ParseErr != nil {
				continue
			}
			// Leniently, the item is kept as a generic value.
			fd := r.Data.(*wire.FetchData)
			if fd.Has&(wire.FetchRFC822Size|wire.FetchBodyStructure) != 0 || len(fd.Items) != 1 || fd.Items[0].ParseErr == nil || strict {
				t.Errorf("strict %v: %s = %+v", strict, line, fd)
			}
		}
	}
}
