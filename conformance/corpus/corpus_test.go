package corpus

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite ../testdata/corpus/*/*.golden with imapkit's codec")

const corpusDir = "../testdata/corpus"

// TestUpdateGolden rewrites the golden files from imapkit's codec in
// lenient mode when -update is given; otherwise it checks that every
// transcript has one.
func TestUpdateGolden(t *testing.T) {
	inputs, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*.s2c"))
	if len(inputs) == 0 {
		t.Fatalf("no transcripts in %s", corpusDir)
	}
	for _, in := range inputs {
		golden := strings.TrimSuffix(in, ".s2c") + ".golden"
		if !*update {
			if _, err := os.Stat(golden); err != nil {
				t.Errorf("%s: %v (run go test -update)", in, err)
			}
			continue
		}
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := CodecDecoder(false).Decode(bytes.NewReader(b))
		if err := os.WriteFile(golden, Golden(rs, err), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// imapkit's codec is the first user of the corpus: lenient, and strict
// (which must reject exactly the documented deviations).
func TestCodecLenient(t *testing.T) {
	Run(t, CodecDecoder(false), nil)
}

func TestCodecStrict(t *testing.T) {
	Run(t, CodecDecoder(true), &Options{Strict: true})
}

// The embedded corpus is the one on disk, and holds every source.
func TestEmbeddedMatchesDisk(t *testing.T) {
	emb, err := Cases()
	if err != nil {
		t.Fatal(err)
	}
	disk, err := Load(os.DirFS(corpusDir))
	if err != nil {
		t.Fatal(err)
	}
	if len(emb) != len(disk) {
		t.Fatalf("embedded %d cases, on disk %d", len(emb), len(disk))
	}
	seen := map[string]int{}
	malformed := 0
	for i := range emb {
		if emb[i].Name != disk[i].Name || !bytes.Equal(emb[i].Input, disk[i].Input) || len(emb[i].Want) != len(disk[i].Want) {
			t.Errorf("case %d: embedded %s differs from disk %s", i, emb[i].Name, disk[i].Name)
		}
		seen[strings.Split(emb[i].Name, "/")[0]]++
		if emb[i].Malformed {
			malformed++
		}
	}
	for _, src := range []string{"dovecot", "cyrus", "courier", "rfc", "crafted"} {
		if seen[src] == 0 {
			t.Errorf("no %s cases", src)
		}
	}
	if malformed == 0 {
		t.Error("no malformed case: the error path is untested")
	}
}

// The runner is strict: every kind of difference fails a case.
func TestCheckRejects(t *testing.T) {
	c := Case{Name: "x/y", Input: []byte("* 1 FETCH (UID 7 BODY[] {2}\r\nhi)\r\nA1 OK done\r\n"), Want: []Response{
		{Kind: KindData, Tag: "*", Name: "FETCH", Num: 1, HasNum: true, Data: []Value{ListValue(AtomValue("UID"), NumberValue(7), AtomValue("BODY[]"), StringValue("hi"))}},
		{Kind: KindDone, Tag: "A1", Status: "OK", Text: "done"},
	}}
	if err := Check(c, CodecDecoder(false), nil); err != nil {
		t.Fatalf("the right decoding fails: %v", err)
	}
	good, _ := CodecDecoder(false).Decode(bytes.NewReader(c.Input))
	alter := func(f func([]Response) ([]Response, error)) Decoder {
		return DecoderFunc(func(r io.Reader) ([]Response, error) {
			io.ReadAll(r)
			rs := make([]Response, len(good))
			copy(rs, good)
			rs[0].Data = []Value{ListValue(append([]Value(nil), good[0].Data[0].List...)...)}
			return f(rs)
		})
	}
	for name, d := range map[string]Decoder{
		"atom for string": alter(func(rs []Response) ([]Response, error) {
			rs[0].Data[0].List[3] = AtomValue("hi")
			return rs, nil
		}),
		"string for number": alter(func(rs []Response) ([]Response, error) {
			rs[0].Data[0].List[1] = StringValue("7")
			return rs, nil
		}),
		"binary flag": alter(func(rs []Response) ([]Response, error) {
			rs[0].Data[0].List[3] = BinaryValue("hi")
			return rs, nil
		}),
		"case of an atom": alter(func(rs []Response) ([]Response, error) {
			rs[0].Data[0].List[0] = AtomValue("uid")
			return rs, nil
		}),
		"missing num": alter(func(rs []Response) ([]Response, error) {
			rs[0].HasNum = false
			return rs, nil
		}),
		"text": alter(func(rs []Response) ([]Response, error) {
			rs[1].Text = "done "
			return rs, nil
		}),
		"one too few": alter(func(rs []Response) ([]Response, error) { return rs[:1], nil }),
		"one too many": alter(func(rs []Response) ([]Response, error) {
			return append(rs, Response{Kind: KindContinue, Tag: "+"}), nil
		}),
		"error at the end": alter(func(rs []Response) ([]Response, error) { return rs, errors.New("boom") }),
		"differs byte by byte": DecoderFunc(func(r io.Reader) ([]Response, error) {
			// A decoder that only works when its reads are large.
			p := make([]byte, 64)
			if n, _ := r.Read(p); n == 1 {
				return nil, errors.New("short read")
			}
			return good, nil
		}),
	} {
		err := Check(c, d, nil)
		var m *Mismatch
		if !errors.As(err, &m) {
			t.Errorf("%s: Check = %v; want a Mismatch", name, err)
		}
	}
	// A malformed case must fail with an error, after the same responses.
	bad := c
	bad.Input = []byte("* 1 FETCH (UID 7 BODY[] {2}\r\nhi)\r\nA1 OK done\r\n* 2 FETCH (UID\r\n")
	bad.Malformed = true
	if err := Check(bad, CodecDecoder(false), nil); err != nil {
		t.Errorf("malformed case: %v", err)
	}
	if err := Check(bad, DecoderFunc(func(io.Reader) ([]Response, error) { return good, nil }), nil); err == nil ||
		!strings.Contains(err.Error(), "no error; want one") {
		t.Errorf("a decoder that accepts malformed input: %v", err)
	}
	// A strict decoder must fail at the deviation.
	dev := c
	dev.Deviation = &Deviation{Response: 1, Why: "test"}
	if err := Check(dev, CodecDecoder(false), &Options{Strict: true}); err == nil || !strings.Contains(err.Error(), "strict: must fail at response 1") {
		t.Errorf("strict over a deviation accepted: %v", err)
	}
}

// The JSON form reads back to the same values, octets that are not
// UTF-8 included.
func TestGoldenRoundTrip(t *testing.T) {
	rs := []Response{
		{Kind: KindData, Tag: "*", Name: "X", Data: []Value{
			NilValue(), AtomValue("\\Seen"), AtomValue("\xff"), NumberValue(18446744073709551615),
			StringValue(""), StringValue("gr\xfc\xdf"), BinaryValue("\x00\x01"), ListValue(),
			ListValue(ListValue(StringValue("a\"b\\c\r\n"))),
		}},
		{Kind: KindStatus, Tag: "*", Status: "OK", Code: &Code{Name: "ALERT"}, Text: "8-bit \xe9"},
		{Kind: KindData, Tag: "*", Name: "EXISTS", Num: 0, HasNum: true},
		{Kind: KindContinue, Tag: "+"},
	}
	g := Golden(rs, errors.New("at offset 3: bad"))
	var c Case
	if err := c.parseGolden(g); err != nil {
		t.Fatal(err)
	}
	if !c.Malformed || c.RefError != "at offset 3: bad" || len(c.Want) != len(rs) {
		t.Fatalf("parsed %+v", c)
	}
	for i := range rs {
		if d := responseDiff(rs[i], c.Want[i]); d != "" {
			t.Errorf("response %d: %s\n%s", i, d, g)
		}
	}
	if !bytes.Equal(Golden(c.Want, errors.New("at offset 3: bad")), g) {
		t.Errorf("not stable:\n%s", g)
	}
}
