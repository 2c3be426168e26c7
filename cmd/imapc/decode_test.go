package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestDecodeGolden decodes every testdata/decode/*.imap file and compares
// the output with its .golden file.
func TestDecodeGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "decode", "*.imap"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".imap")
		t.Run(name, func(t *testing.T) {
			got := imapc("", "decode", f)
			checkGolden(t, "decode/"+name, got)
			checkJSONLines(t, got.stdout)
			if got.code != 0 && !strings.Contains(got.stderr, "offset") {
				t.Errorf("error %q does not name the offset", got.stderr)
			}
		})
	}
}

// checkJSONLines checks that every line is a JSON object with the keys
// in the documented order.
func checkJSONLines(t *testing.T, out string) {
	t.Helper()
	keys := []string{"kind", "tag", "status", "code", "text", "name", "num", "data"}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("line %q: not an object", line)
		}
		for i := 0; dec.More(); i++ {
			k, err := dec.Token()
			if err != nil || i >= len(keys) || k != keys[i] {
				t.Fatalf("line %q: key %d is %v, want %q", line, i, k, keys[min(i, len(keys)-1)])
			}
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
		}
		if !json.Valid([]byte(line)) {
			t.Errorf("line %q is not valid JSON", line)
		}
	}
}

func TestDecodeStdin(t *testing.T) {
	in := "* OK hi\r\nA1 OK [READ-ONLY] done\r\n"
	want := `{"kind":"status","tag":"*","status":"OK","code":null,"text":"hi","name":null,"num":null,"data":null}` + "\n" +
		`{"kind":"done","tag":"A1","status":"OK","code":{"name":"READ-ONLY","args":[]},"text":"done","name":null,"num":null,"data":null}` + "\n"
	for _, args := range [][]string{{"decode"}, {"decode", "-"}} {
		if got := imapc(in, args...); got.stdout != want || got.code != 0 || got.stderr != "" {
			t.Errorf("imapc %q = %v; want\n%s", args, got, want)
		}
	}
}

func TestDecodeMissingFile(t *testing.T) {
	got := imapc("", "decode", filepath.Join(t.TempDir(), "nope"))
	if got.code != 1 || !strings.Contains(got.stderr, "no such file") {
		t.Errorf("decode of a missing file = %v", got)
	}
}

func TestDecodeStrict(t *testing.T) {
	in := "* OK fine\r\n* 1 FETCH (UID 1 )\r\n"
	if got := imapc(in, "decode", "-"); got.code != 0 {
		t.Errorf("lenient decode = %v", got)
	}
	got := imapc(in, "decode", "-strict")
	if got.code != 1 || strings.Count(got.stdout, "\n") != 1 || !strings.Contains(got.stderr, "offset") {
		t.Errorf("strict decode = %v", got)
	}
}

// TestDecodeLiterals checks the 64 KiB rule and hashing, streamed or not.
func TestDecodeLiterals(t *testing.T) {
	utf := strings.Repeat("é", 65536/2) // 65536 octets of UTF-8
	over := utf + "x"
	bin := strings.Repeat("\xff", 100000)
	small := "\xff\xfe"
	var in strings.Builder
	fmt.Fprintf(&in, "* 1 FETCH (BODY[] {%d}\r\n%s BODY[1] {%d}\r\n%s BINARY[2] ~{%d}\r\n%s BODY[3] {%d}\r\n%s)\r\n",
		len(utf), utf, len(over), over, len(bin), bin, len(small), small)
	fmt.Fprintf(&in, "* OK [X-BIG {%d}\r\n%s] not a code\r\n", 1, "x")
	got := imapc(in.String(), "decode")
	lines := strings.SplitN(got.stdout, "\n", 2)
	var resp struct {
		Data [][]any
	}
	if err := json.Unmarshal([]byte(lines[0]), &resp); err != nil {
		t.Fatalf("%v in %.200q", err, got.stdout)
	}
	items := resp.Data[0]
	if items[1] != utf {
		t.Errorf("a 64 KiB UTF-8 literal is not printed as a string")
	}
	for i, s := range map[int]string{3: over, 5: bin, 7: small} {
		sum := sha256.Sum256([]byte(s))
		want := map[string]any{"literal": float64(len(s)), "sha256": hex.EncodeToString(sum[:])}
		if fmt.Sprint(items[i]) != fmt.Sprint(want) {
			t.Errorf("item %d = %v; want %v", i, items[i], want)
		}
	}
}

// TestDecodeLiveFlush checks that responses are written before the
// decoder waits for more input.
func TestDecodeLiveFlush(t *testing.T) {
	pr, pw := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- decodeStream(pr, outW, false); outW.Close() }()
	lines := bufio.NewReader(outR)
	for i := range 3 {
		fmt.Fprintf(pw, "* %d EXISTS\r\n", i)
		line, err := lines.ReadString('\n')
		if err != nil || !strings.Contains(line, fmt.Sprintf(`"num":%d`, i)) {
			t.Fatalf("response %d: %q, %v", i, line, err)
		}
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// streamGenerator writes a deterministic server stream of at least size
// bytes: FETCH responses with metadata, 60 KB literals (printed as
// strings) and, every 64th response, a 4 MiB literal (streamed).
func streamGenerator(w io.WriteCloser, size int64) (responses int, err error) {
	defer w.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	meta := `(UID %d FLAGS (\Seen $Forwarded) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 ` +
		`ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "Subject %d" (("Terry Gray" NIL "gray" "cac.washington.edu")) NIL NIL ` +
		`((NIL NIL "imap" "cac.washington.edu")) NIL NIL NIL "<%d@example>") ` +
		`BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "7BIT" 3028 92 NIL NIL NIL NIL)` +
		`("APPLICATION" "PDF" ("NAME" "x.pdf") NIL NIL "BASE64" 56789 NIL ("ATTACHMENT" ("FILENAME" "x.pdf")) NIL NIL) "MIXED" ("BOUNDARY" "b") NIL NIL NIL))` + "\r\n"
	medium := strings.Repeat("Lorem ipsum dolor sit amet.\r\n", 60000/29)
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	const big = 4 << 20                                     // written as 64 chunks
	var n int64
	for i := 1; n < size; i++ {
		var k int
		switch {
		case i%64 == 0:
			k, err = fmt.Fprintf(bw, "* %d FETCH (UID %d BODY[] {%d}\r\n", i, i, big)
			for j := 0; j < big/len(chunk) && err == nil; j++ {
				var m int
				m, err = bw.Write(chunk)
				k += m
			}
			if err == nil {
				var m int
				m, err = bw.WriteString(")\r\n")
				k += m
			}
		case i%2 == 0:
			k, err = fmt.Fprintf(bw, "* %d FETCH (BODY[TEXT] {%d}\r\n%s)\r\n", i, len(medium), medium)
		default:
			k, err = fmt.Fprintf(bw, "* %d FETCH "+meta, i, i, i, i)
		}
		if err != nil {
			return responses, err
		}
		n += int64(k)
		responses++
	}
	return responses, bw.Flush()
}

type lineCounter struct{ lines, bytes int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines += int64(bytes.Count(p, []byte{'\n'}))
	c.bytes += int64(len(p))
	return len(p), nil
}

// TestDecodeConstantMemory decodes a multi-hundred-megabyte stream through
// a pipe and checks that the heap stays small.
func TestDecodeConstantMemory(t *testing.T) {
	size := int64(400 << 20)
	switch {
	case testing.Short():
		size = 32 << 20
	case raceEnabled:
		size = 96 << 20
	}
	const limit = 16 << 20
	runtime.GC()
	pr, pw := io.Pipe()
	gen := make(chan int, 1)
	go func() {
		n, err := streamGenerator(pw, size)
		if err != nil {
			pw.CloseWithError(err)
		}
		gen <- n
	}()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	var out lineCounter
	start := time.Now()
	err := decodeStream(pr, &out, false)
	close(stop)
	<-sampled
	if err != nil {
		t.Fatal(err)
	}
	responses := <-gen
	if out.lines != int64(responses) {
		t.Errorf("printed %d lines for %d responses", out.lines, responses)
	}
	t.Logf("decoded %d MiB (%d responses) in %v; peak heap %.1f MiB", size>>20, responses, time.Since(start), float64(peak.Load())/(1<<20))
	if p := peak.Load(); p > limit {
		t.Errorf("peak heap %d MiB; want at most %d MiB", p>>20, limit>>20)
	}
}

func BenchmarkDecodeStream(b *testing.B) {
	var buf bytes.Buffer
	streamGenerator(nopCloser{&buf}, 64<<20)
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := decodeStream(bytes.NewReader(buf.Bytes()), io.Discard, false); err != nil {
			b.Fatal(err)
		}
	}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// TestDecodeValidates: decode prints generic trees but fails where the
// base parsers fail, naming the offset, after printing what came before;
// the deviations of real servers pass in lenient mode and fail with
// -strict; extension data the base parsers do not know passes.
func TestDecodeValidates(t *testing.T) {
	ok := "* OK hi\r\n"
	tests := []struct {
		in     string
		strict bool
		err    string // "" for success
	}{
		{"* 1 FETCH (UID abc)\r\n", false, "expected nz-number at offset 24"},
		{"* 1 FETCH (BODY[] {3}\r\nabc FLAGS x)\r\n", false, "offset 42"},
		{"* LIST (\\Noselect) \"/\"\r\n", false, "expected SP at offset 31"},
		{"* STATUS INBOX (MESSAGES x)\r\n", false, "expected number64 at offset 34"},
		{"* 2 EXISTS 5\r\n", false, "expected CRLF at offset 20"},
		{"* STATUS x (MAILBOXID (F2212ea87))\r\n", false, ""},
		{"* STATUS x (MAILBOXID (F2212ea87))\r\n", true, ""},
		{"* OK [UIDVALIDITY 9877410381] UIDs\r\n", true, ""},
		{"* FLAGS ([)\r\n", true, ""},
		{"* FLAGS NIL\r\n", false, ""},
		{"* FLAGS NIL\r\n", true, "expected \"(\" at offset 17"},
		{"* 1 FETCH ((UID 1 FLAGS))\r\n", false, ""},
		{"* 1 FETCH ((UID 1 FLAGS))\r\n", true, "offset 20"},
		{"* LIST () \"/\" {3+}\r\nfoo\r\n", false, ""},
		{"* LIST () \"/\" {3+}\r\nfoo\r\n", true, "offset 25"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := decodeStream(strings.NewReader(ok+tt.in), &out, tt.strict)
		if tt.err == "" {
			if err != nil || strings.Count(out.String(), "\n") != 2 {
				t.Errorf("decode(%q, strict %v) = %v, %q; want two responses", tt.in, tt.strict, err, out.String())
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("decode(%q, strict %v) = %v; want an error with %q", tt.in, tt.strict, err, tt.err)
		}
		if strings.Count(out.String(), "\n") != 1 {
			t.Errorf("decode(%q, strict %v) printed %q; want the first response only", tt.in, tt.strict, out.String())
		}
	}
}
