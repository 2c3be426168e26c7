package condstore_test

import (
	"strings"
	"testing"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/condstore"
	"github.com/imapkit/imapkit/ext/internal/roundtrip"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func decode(reg *codec.Registry, strict bool, line string) (*wire.Response, error) {
	d := codec.NewDecoder(strings.NewReader(line+"\r\n"), &codec.DecoderOptions{Registry: reg, Strict: strict})
	return d.ReadResponse()
}

func mustDecode(t *testing.T, reg *codec.Registry, line string) *wire.Response {
	t.Helper()
	resp, err := decode(reg, false, line) // lenient, as the client decodes
	if err != nil {
		t.Fatalf("Decode(%q): %v", line, err)
	}
	return resp
}

// registries are the ways a response may have been decoded: with the
// base protocol and CONDSTORE (a client with Install), with CONDSTORE
// alone, with the base alone, and with nothing registered. The helpers
// read all of them.
func registries() map[string]*codec.Registry {
	both := codec.NewBaseRegistry()
	condstore.RegisterCodec(both)
	alone := codec.NewRegistry()
	condstore.RegisterCodec(alone)
	return map[string]*codec.Registry{
		"base+condstore": both,
		"condstore":      alone,
		"base":           codec.NewBaseRegistry(),
		"generic":        codec.NewRegistry(),
	}
}

func TestRFC7162_3_1_4_2_ModSeqItem(t *testing.T) {
	tests := []struct {
		line string
		want uint64
	}{
		{"* 1 FETCH (MODSEQ (624140003))", 624140003},                                // Example 13
		{`* 1 FETCH (UID 4 MODSEQ (65402) FLAGS (\Seen))`, 65402},                    // Example 12
		{`* 7 FETCH (FLAGS (\Deleted \Answered) MODSEQ (12121231000))`, 12121231000}, // Example 14
		{"* 6 FETCH (UID 9 MODSEQ (19))", 19},                                        // Dovecot, modify.s2c
		{"* 1 FETCH (MODSEQ (9223372036854775807))", 1<<63 - 1},                      // the largest mod-sequence
	}
	for name, reg := range registries() {
		if name == "condstore" {
			continue // FETCH itself needs the base parser
		}
		for _, tt := range tests {
			resp := mustDecode(t, reg, tt.line)
			var f *wire.FetchData
			switch d := resp.Data.(type) {
			case *wire.FetchData:
				f = d
			default:
				// A registry without FETCH gives a generic tree; ModSeq
				// reads FetchData only.
				continue
			}
			if got, ok := condstore.ModSeq(f); !ok || got != tt.want {
				t.Errorf("%s: ModSeq(%q) = %d, %v; want %d", name, tt.line, got, ok, tt.want)
			}
			if name == "base+condstore" {
				if v, _ := f.Item("MODSEQ"); v != tt.want {
					t.Errorf("%s: Item(MODSEQ) of %q = %#v; want uint64 %d", name, tt.line, v, tt.want)
				}
			}
		}
	}
	if _, ok := condstore.ModSeq(&wire.FetchData{}); ok {
		t.Error("ModSeq of FETCH data without MODSEQ reported one")
	}
	if _, ok := condstore.ModSeq(nil); ok {
		t.Error("ModSeq(nil) reported one")
	}
}

func TestModSeqItemRejects(t *testing.T) {
	reg := codec.NewBaseRegistry()
	condstore.RegisterCodec(reg)
	for _, line := range []string{
		"* 1 FETCH (MODSEQ 5)",                      // no parentheses
		"* 1 FETCH (MODSEQ (5 6))",                  // two values
		"* 1 FETCH (MODSEQ ())",                     // none
		"* 1 FETCH (MODSEQ (18446744073709551616))", // 2^64 does not fit
		"* 1 FETCH (MODSEQ (x))",
	} {
		if resp, err := decode(reg, true, line); err == nil {
			t.Errorf("strict Decode(%q) = %v; want an error", line, resp.Data)
		}
		// Lenient decoding keeps the response: the item falls back to a
		// generic value, which ModSeq does not take for a mod-sequence.
		resp, err := decode(reg, false, line)
		if err != nil {
			t.Errorf("lenient Decode(%q): %v; want the generic fallback", line, err)
			continue
		}
		if n, ok := condstore.ModSeq(resp.Data.(*wire.FetchData)); ok {
			t.Errorf("lenient Decode(%q): ModSeq = %d, true; want none", line, n)
		}
	}
	// 0 is not a mod-sequence-value: strict decoding rejects it, lenient
	// decoding keeps it.
	if _, err := decode(reg, true, "* 1 FETCH (MODSEQ (0))"); err == nil {
		t.Error("strict Decode of MODSEQ (0) succeeded")
	}
	resp, err := decode(reg, false, "* 1 FETCH (MODSEQ (0))")
	if err != nil {
		t.Fatalf("lenient Decode of MODSEQ (0): %v", err)
	}
	if n, ok := condstore.ModSeq(resp.Data.(*wire.FetchData)); !ok || n != 0 {
		t.Errorf("lenient ModSeq = %d, %v; want 0, true", n, ok)
	}
}

func TestRFC7162_3_1_2_ResponseCodes(t *testing.T) {
	for name, reg := range registries() {
		// Example 1.
		r := mustDecode(t, reg, "* OK [HIGHESTMODSEQ 715194045007]")
		if n, ok := condstore.HighestModSeq(r); !ok || n != 715194045007 {
			t.Errorf("%s: HighestModSeq = %d, %v; want 715194045007", name, n, ok)
		}
		if name == "base+condstore" || name == "condstore" {
			if d, ok := r.Code.Data.(uint64); !ok || d != 715194045007 {
				t.Errorf("%s: HIGHESTMODSEQ Code.Data = %#v; want uint64", name, r.Code.Data)
			}
		}
		// Example 2.
		r = mustDecode(t, reg, "* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences")
		if !condstore.NoModSeq(r) {
			t.Errorf("%s: NoModSeq = false; want true", name)
		}
		if _, ok := condstore.HighestModSeq(r); ok {
			t.Errorf("%s: HighestModSeq of NOMODSEQ reported one", name)
		}
	}
}

func TestRFC7162_3_1_3_Modified(t *testing.T) {
	tests := []struct {
		line string
		want string
	}{
		{"d105 OK [MODIFIED 7,9] Conditional STORE failed", "7,9"},                   // Example 6
		{"a102 OK [MODIFIED 12] Conditional STORE failed", "12"},                     // Example 8
		{"B001 NO [MODIFIED 2] Some of the messages no longer exist.", "2"},          // Example 11
		{"A007 OK [MODIFIED 2] Conditional store failed (0.001 + 0.000 secs).", "2"}, // Dovecot
		{"a OK [MODIFIED 1:3,7:9] x", "1:3,7:9"},
	}
	for name, reg := range registries() {
		for _, tt := range tests {
			r := mustDecode(t, reg, tt.line)
			got, ok := condstore.ModifiedSet(r)
			if !ok || !got.Equal(seqset.MustParse(tt.want)) {
				t.Errorf("%s: ModifiedSet(%q) = %v, %v; want %s", name, tt.line, got, ok, tt.want)
			}
			if name == "base+condstore" {
				if _, ok := r.Code.Data.(seqset.Set); !ok {
					t.Errorf("%s: MODIFIED Code.Data = %#v; want seqset.Set", name, r.Code.Data)
				}
			}
		}
	}
	if _, ok := condstore.ModifiedSet(mustDecode(t, codec.NewBaseRegistry(), "a OK done")); ok {
		t.Error("ModifiedSet of a completion without MODIFIED reported one")
	}
}

// A malformed code never fails the response: it falls back to generic
// arguments, and the helpers report nothing.
func TestMalformedCodes(t *testing.T) {
	reg := codec.NewBaseRegistry()
	condstore.RegisterCodec(reg)
	for _, line := range []string{
		"* OK [HIGHESTMODSEQ] missing",
		"* OK [HIGHESTMODSEQ x] not a number",
		"* OK [HIGHESTMODSEQ 1 2] two",
		"a OK [MODIFIED] missing",
		"a OK [MODIFIED x] not a set",
	} {
		r := mustDecode(t, reg, line)
		if n, ok := condstore.HighestModSeq(r); ok {
			t.Errorf("HighestModSeq(%q) = %d; want none", line, n)
		}
		if s, ok := condstore.ModifiedSet(r); ok {
			t.Errorf("ModifiedSet(%q) = %v; want none", line, s)
		}
	}
	r := mustDecode(t, reg, "* OK [NOMODSEQ 5] argument")
	if !condstore.NoModSeq(r) || r.Code.Data != nil {
		t.Errorf("NOMODSEQ with an argument: NoModSeq %v, Data %#v; want true, nil (generic)", condstore.NoModSeq(r), r.Code.Data)
	}
}

// The MODSEQ of SEARCH and ESEARCH belongs to the base parsers; Install
// must not disturb them.
func TestRFC7162_3_1_5_SearchModSeqDecode(t *testing.T) {
	reg := codec.NewBaseRegistry()
	condstore.RegisterCodec(reg)
	r := mustDecode(t, reg, "* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)") // Example 15
	if d, ok := r.Data.(*wire.SearchData); !ok || d.ModSeq != 917162500 || len(d.Nums) != 10 {
		t.Errorf("SEARCH with MODSEQ = %#v", r.Data)
	}
	r = mustDecode(t, reg, `* ESEARCH (TAG "a") ALL 1:3,5 MODSEQ 1236`) // Example 19
	if d, ok := r.Data.(*wire.ESearchData); !ok || d.ModSeq != 1236 || d.Has&wire.ESearchModSeq == 0 {
		t.Errorf("ESEARCH with MODSEQ = %#v", r.Data)
	}
}

// What RegisterCodec's parsers decode, its encoders write back byte for
// byte (RFC 7162 §3.1.3 Example 6, §3.1.2.1, §3.1.2.2).
func TestRoundTrip(t *testing.T) {
	r := codec.NewBaseRegistry()
	condstore.RegisterCodec(r)
	roundtrip.Check(t, r, nil,
		`* 1 FETCH (UID 4 MODSEQ (12121231000))`,
		`* 50 FETCH (MODSEQ (12111230047) FLAGS (\Seen))`,
		`* OK [HIGHESTMODSEQ 715194045007] Highest`,
		`* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences`,
		`A03 OK [MODIFIED 7,9] Conditional STORE failed`,
		`d105 OK [MODIFIED 2:4,7] Conditional STORE failed`,
	)
}
