package codec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/imapkit/imapkit/wire"
)

func TestOnLiteral(t *testing.T) {
	in := decLines(
		"* 7 FETCH (UID 9 BODY[1.2]<0> {10}",
		"0123456789 BINARY[1] ~{4}",
		"\x00\x01\x02\x03 BODY[TEXT] {2}",
		"ab RFC822 {12}",
		"123456789012)",
		"* XFOO {10}",
		"0123456789",
		"A1 OK done",
	)
	type call struct {
		resp, item string
		size       int64
		binary     bool
		data       string
	}
	var calls []call
	opts := &DecoderOptions{StreamThreshold: 3, OnLiteral: func(info *LiteralInfo, lit *Literal) error {
		if lit.Size() != info.Size || lit.Binary() != info.Binary {
			t.Errorf("Literal Size/Binary %d %v; info %d %v", lit.Size(), lit.Binary(), info.Size, info.Binary)
		}
		var buf bytes.Buffer
		var err error
		switch len(calls) {
		case 0: // read part of it only: the rest is drained
			_, err = io.CopyN(&buf, lit, 4)
		case 1: // byte by byte through Read
			_, err = io.Copy(&buf, iotest.OneByteReader(lit))
		default: // WriteTo
			_, err = io.Copy(&buf, lit)
		}
		calls = append(calls, call{info.Response.Name + " " + itoaU(info.Response.Num), info.Item, info.Size, info.Binary, buf.String()})
		return err
	}}
	rs, err := decodeStream([]byte(in), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []call{
		{"FETCH 7", "BODY[1.2]<0>", 10, false, "0123"},
		{"FETCH 7", "BINARY[1]", 4, true, "\x00\x01\x02\x03"},
		{"FETCH 7", "RFC822", 12, false, "123456789012"},
		{"XFOO 0", "", 10, false, "0123456789"},
	}
	if fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("OnLiteral calls\n%v; want\n%v", calls, want)
	}
	f := rs[0].Data.(*wire.FetchData)
	wantSecs := []wire.SectionData{
		{Item: "BODY", Section: wire.Section{Part: []int{1, 2}}, HasOrigin: true, Size: 10, Streamed: true, Form: wire.FormLiteral},
		{Item: "BINARY", Section: wire.Section{Part: []int{1}}, Size: 4, Streamed: true, Binary: true, Form: wire.FormLiteral8},
		{Item: "BODY", Section: wire.Section{Specifier: "TEXT"}, Data: []byte("ab"), Size: 2, Form: wire.FormLiteral},
		{Item: "RFC822", Size: 12, Streamed: true, Form: wire.FormLiteral},
	}
	if fmt.Sprint(f.Sections) != fmt.Sprint(wantSecs) || f.UID != 9 {
		t.Errorf("sections %+v; want %+v", f.Sections, wantSecs)
	}
	if v := rs[1].Data.([]wire.Value)[0]; !v.Streamed || v.Size != 10 || v.Str != "" {
		t.Errorf("streamed generic literal = %#v", v)
	}
	if len(rs) != 3 || rs[2].Tag != "A1" {
		t.Errorf("responses after the literals: %+v", rs)
	}
}

func itoaU(n uint32) string { return decItoa(int(n)) }

// TestOnLiteralGeneric: with an empty registry the item name is the atom
// that precedes the literal.
func TestOnLiteralGeneric(t *testing.T) {
	var items []string
	opts := &DecoderOptions{Registry: NewRegistry(), StreamThreshold: -1, OnLiteral: func(info *LiteralInfo, lit *Literal) error {
		items = append(items, info.Item)
		return nil
	}}
	in := "* 1 FETCH (BODY[HEADER.FIELDS (A B)]<5> {1}\r\nx UID 3 X {0}\r\n)\r\n"
	if _, err := decodeStream([]byte(in), opts); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(items) != "[BODY[HEADER.FIELDS (A B)]<5> X]" {
		t.Errorf("items %q", items)
	}
}

func TestOnLiteralError(t *testing.T) {
	boom := errors.New("boom")
	var saved *Literal
	opts := &DecoderOptions{StreamThreshold: -1, OnLiteral: func(info *LiteralInfo, lit *Literal) error {
		saved = lit
		return boom
	}}
	d := NewDecoder(strings.NewReader("* 1 FETCH (BODY[] {3}\r\nabc)\r\n"), opts)
	if _, err := d.ReadResponse(); err != boom {
		t.Errorf("ReadResponse = %v; want the callback's error", err)
	}
	if _, err := saved.Read(make([]byte, 1)); err == nil {
		t.Error("Literal.Read after OnLiteral returned succeeded")
	}
	if _, err := saved.WriteTo(io.Discard); err == nil {
		t.Error("Literal.WriteTo after OnLiteral returned succeeded")
	}
}

// TestErrBufferLiteral: OnLiteral may decline a literal, which is then
// buffered.
func TestErrBufferLiteral(t *testing.T) {
	opts := &DecoderOptions{StreamThreshold: -1, OnLiteral: func(info *LiteralInfo, lit *Literal) error {
		return ErrBufferLiteral
	}}
	rs, err := decodeStream([]byte("* 1 FETCH (BODY[] {3}\r\nabc)\r\n"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if s := rs[0].Data.(*wire.FetchData).Sections[0]; string(s.Data) != "abc" || s.Streamed {
		t.Errorf("section %+v", s)
	}
}

// TestLiteralClaims: a literal that claims more than arrives ends in
// io.ErrUnexpectedEOF without allocating what it claims, buffered or
// streamed.
func TestLiteralClaims(t *testing.T) {
	for _, claim := range []string{"9999999999999", "1000000000000000", "9223372036854775807", "60000000"} {
		for _, stream := range []bool{false, true} {
			in := "* 1 FETCH (BODY[] {" + claim + "}\r\nonly a few bytes"
			opts := &DecoderOptions{MaxLiteralSize: math.MaxInt64}
			if stream {
				opts.OnLiteral = func(_ *LiteralInfo, lit *Literal) error {
					_, err := io.Copy(io.Discard, lit)
					return err
				}
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := decodeStream([]byte(in), opts)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("claim %s stream=%v: %v; want io.ErrUnexpectedEOF", claim, stream, err)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 2<<20 {
				t.Errorf("claim %s stream=%v allocated %d bytes", claim, stream, n)
			}
		}
	}
	// The default MaxLiteralSize refuses the claim outright.
	_, err := decodeStream([]byte("* 1 FETCH (BODY[] {9999999999999}\r\nabc"), nil)
	if !errors.Is(err, ErrLiteralTooLarge) {
		t.Errorf("default limit: %v; want ErrLiteralTooLarge", err)
	}
}

// TestLiteralAllocs: decoding a FETCH with a literal costs a handful of
// allocations, whatever the literal's size.
func TestLiteralAllocs(t *testing.T) {
	in := []byte("* 1 FETCH (UID 5 BODY[] {100000}\r\n" + strings.Repeat("x", 100000) + ")\r\n")
	rd := bytes.NewReader(in)
	reg := NewBaseRegistry()
	opts := &DecoderOptions{Registry: reg, OnLiteral: func(_ *LiteralInfo, lit *Literal) error { return nil }}
	d := NewDecoder(rd, opts)
	allocs := testing.AllocsPerRun(100, func() {
		rd.Reset(in)
		d.Reset(rd)
		if _, err := d.ReadResponse(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 8 {
		t.Errorf("%v allocations per streamed FETCH; want at most 8", allocs)
	}
}

// repeatReader yields chunk over and over, n bytes in all.
type repeatReader struct {
	chunk []byte
	off   int
	left  int64
}

func (r *repeatReader) Read(b []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(b) && r.left > 0 {
		k := copy(b[n:min(len(b), n+int(min(r.left, int64(len(r.chunk)-r.off))))], r.chunk[r.off:])
		n += k
		r.off = (r.off + k) % len(r.chunk)
		r.left -= int64(k)
	}
	return n, nil
}

// TestLargeStreamHeap decodes 1 GB of FETCH responses (metadata and
// streamed 1 MB bodies) and checks that the heap stays under 16 MiB.
func TestLargeStreamHeap(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("1 GB stream")
	}
	body := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	unit := []byte(string(fetchMetadataStream(20)[:0]) + "* 1 FETCH (UID 1 BODY[] {" + decItoa(len(body)) + "}\r\n" + body + ")\r\n")
	meta := fetchMetadataStream(20)
	meta = meta[:bytes.LastIndex(meta, []byte("A1 OK"))]
	unit = append(unit, meta...)
	total := int64(1 << 30)
	total -= total % int64(len(unit))
	r := &repeatReader{chunk: unit, left: total}
	d := NewDecoder(r, &DecoderOptions{OnLiteral: func(_ *LiteralInfo, lit *Literal) error {
		_, err := io.Copy(io.Discard, lit)
		return err
	}})
	var ms runtime.MemStats
	var peak uint64
	for n := 0; ; n++ {
		_, err := d.ReadResponse()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n%4096 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if d.Offset() != total {
		t.Errorf("Offset %d; want %d", d.Offset(), total)
	}
	if peak > 16<<20 {
		t.Errorf("heap reached %d bytes; want under 16 MiB", peak)
	}
	t.Logf("1 GiB decoded, peak heap %d KiB", peak>>10)
}

// TestLiteralInfoItem: a literal inside an item's value (an ENVELOPE
// subject) belongs to that item, typed or generic.
func TestLiteralInfoItem(t *testing.T) {
	in := "* 1 FETCH (BODY[] \"x\" ENVELOPE (NIL {2}\r\nab NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"
	for _, reg := range []*Registry{nil, NewRegistry()} {
		var items []string
		opts := &DecoderOptions{Registry: reg, StreamThreshold: -1, OnLiteral: func(info *LiteralInfo, lit *Literal) error {
			items = append(items, info.Item)
			return nil
		}}
		if _, err := decodeStream([]byte(in), opts); err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0] != "ENVELOPE" {
			t.Errorf("registry %v: items %q; want [ENVELOPE]", reg != nil, items)
		}
	}
}
