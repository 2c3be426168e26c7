// Package corpus runs any IMAP response decoder over imapkit's corpus of
// recorded server transcripts (Dovecot, Cyrus and Courier sessions, the examples of RFC 3501
// and RFC 9051, hand-made edge cases) and checks its decodings against
// the expected ones, response by response.
//
// A decoder is anything behind the Decoder interface: it reads the
// server-to-client bytes of one transcript and returns what it decoded,
// converted into the corpus's neutral form (Response, Value):
//
//	func TestCorpus(t *testing.T) {
//		corpus.Run(t, corpus.DecoderFunc(func(r io.Reader) ([]corpus.Response, error) {
//			... decode r with your decoder, convert each response ...
//		}), nil)
//	}
//
// # The neutral form
//
// Each response is its kind, tag, status (upper case), response code
// (name upper case, arguments as a generic value tree), text, data name
// (upper case), number, and data: the generic value tree of everything
// after the name. Values are NIL, atoms, numbers, strings and lists;
// quoted strings and literals are both strings (the corpus checks what a
// string holds, not how it was sent), a literal8 is a string marked
// Binary. Conventions a decoder's converter must follow:
//
//   - Atoms keep their case as sent ("uid", "\Seen"); only the status, the
//     code name and the data name are upper-cased.
//   - A FETCH item name with its section and partial is one atom, as sent:
//     "BODY[HEADER.FIELDS (DATE FROM)]<0>".
//   - The arguments of a response code are the values after its name up
//     to "]", parsed as IMAP values; text that is no value list (as in
//     [X-FOO some text]) is split at spaces into atoms.
//   - A status response's text is everything after the code (or status)
//     and its space; a continuation request's text is everything after
//     "+ " ("" for a bare "+").
//
// # What counts as a pass
//
// A case passes only when the decoder returns exactly the expected
// responses, equal field by field, in order, and an error exactly when the
// transcript is malformed (after the responses before the malformed one,
// and none after it). By default each case is also fed one byte at a time
// and must give the same result. A transcript with a documented deviation
// of a real server (deviations.json) must decode fully in lenient mode;
// with Options.Strict, the decoder must instead fail at the deviating
// response, having returned those before it.
//
// The expected decodings (NAME.golden, one JSON response per line, see
// Value.MarshalJSON) were written by imapkit's codec and reviewed;
// `go test ./corpus -update` in the conformance module rewrites them.
package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/imapkit/imapkit/conformance"
)

// Decoder decodes every server response of r, in order. At the end of
// the input it returns what it decoded and nil; on malformed input, what
// it decoded before the malformed response and an error.
type Decoder interface {
	Decode(r io.Reader) ([]Response, error)
}

// DecoderFunc adapts a function to Decoder.
type DecoderFunc func(r io.Reader) ([]Response, error)

// Decode calls f(r).
func (f DecoderFunc) Decode(r io.Reader) ([]Response, error) { return f(r) }

// Case is one transcript with its expected decoding.
type Case struct {
	// Name is the source folder and the file's base name: "dovecot/fetch".
	Name string
	// Input is the server-to-client bytes.
	Input []byte
	// Want is the expected decoding: every response, or those before the
	// malformed one when Malformed.
	Want []Response
	// Malformed says the input is malformed after Want: a decoder must
	// return an error there.
	Malformed bool
	// RefError is the reference decoder's error for a malformed input,
	// for information only (error texts are not compared).
	RefError string
	// Deviation is a real server's departure from the RFCs in this
	// transcript, which a lenient decoder accepts and a strict one
	// rejects; nil when there is none.
	Deviation *Deviation
}

// Deviation is a documented departure of a real server from the RFCs.
type Deviation struct {
	// Response is the index in Want of the first response that departs.
	Response int `json:"response"`
	// Why says what departs, and from which rule.
	Why string `json:"why"`
}

// errorLine is the last line of the golden file of a malformed input.
type errorLine struct {
	Error string `json:"error"`
}

// Cases returns the cases of the corpus embedded in the conformance
// module (conformance.CorpusFS).
func Cases() ([]Case, error) {
	return Load(conformance.CorpusFS())
}

// Load reads the cases of a corpus laid out like conformance/testdata/corpus:
// SOURCE/NAME.s2c with SOURCE/NAME.golden beside it, and deviations.json
// at the top ({"SOURCE/NAME": {"response": N, "why": "..."}}). Cases
// come sorted by name. A transcript without a golden file is an error.
func Load(fsys fs.FS) ([]Case, error) {
	inputs, err := fs.Glob(fsys, "*/*.s2c")
	if err != nil {
		return nil, err
	}
	devs := map[string]*Deviation{}
	if b, err := fs.ReadFile(fsys, "deviations.json"); err == nil {
		if err := json.Unmarshal(b, &devs); err != nil {
			return nil, fmt.Errorf("corpus: deviations.json: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var cases []Case
	for _, in := range inputs {
		name := strings.TrimSuffix(in, ".s2c")
		c := Case{Name: name, Deviation: devs[name]}
		if c.Input, err = fs.ReadFile(fsys, in); err != nil {
			return nil, err
		}
		golden, err := fs.ReadFile(fsys, name+".golden")
		if err != nil {
			return nil, fmt.Errorf("corpus: %s has no golden file: %w", in, err)
		}
		if err := c.parseGolden(golden); err != nil {
			return nil, fmt.Errorf("corpus: %s.golden: %w", name, err)
		}
		if d := c.Deviation; d != nil && (d.Response < 0 || d.Response >= len(c.Want)) {
			return nil, fmt.Errorf("corpus: deviations.json: %s: response %d of %d", name, d.Response, len(c.Want))
		}
		delete(devs, name)
		cases = append(cases, c)
	}
	for name := range devs {
		return nil, fmt.Errorf("corpus: deviations.json names %s, which has no transcript", name)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	return cases, nil
}

func (c *Case) parseGolden(b []byte) error {
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(b) == 0 {
		lines = nil
	}
	for i, l := range lines {
		if strings.HasPrefix(l, `{"error":`) {
			if i != len(lines)-1 {
				return fmt.Errorf("line %d: an error line must be the last", i+1)
			}
			var e errorLine
			if err := strictUnmarshal([]byte(l), &e); err != nil {
				return fmt.Errorf("line %d: %w", i+1, err)
			}
			c.Malformed, c.RefError = true, e.Error
			break
		}
		var r Response
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
		c.Want = append(c.Want, r)
	}
	return nil
}

// Golden returns the golden file for responses decoded from a transcript
// and the decoder's error (nil at the end of the input): one JSON line
// per response, then {"error": ...} when err is not nil.
func Golden(responses []Response, err error) []byte {
	var b bytes.Buffer
	for _, r := range responses {
		line, _ := r.MarshalJSON()
		b.Write(line)
		b.WriteByte('\n')
	}
	if err != nil {
		line, _ := json.Marshal(errorLine{Error: err.Error()})
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Options tune Run and Check.
type Options struct {
	// Cases to run instead of the embedded corpus (Cases()).
	Cases []Case
	// Strict: the decoder rejects real servers' deviations (see Case.Deviation).
	Strict bool
	// SkipOneByte skips the second run of each case, one byte at a time.
	SkipOneByte bool
}

// Mismatch is a case that did not pass.
type Mismatch struct {
	Case    string
	OneByte bool // in the run one byte at a time
	// Index is the response that differs (or the count of responses
	// when the decoder returned too few or too many); -1 when only the
	// error differs.
	Index int
	Got   *Response
	Want  *Response
	Err   error // the decoder's error
	Msg   string
}

func (m *Mismatch) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "corpus %s", m.Case)
	if m.OneByte {
		b.WriteString(" (one byte at a time)")
	}
	b.WriteString(": ")
	b.WriteString(m.Msg)
	if m.Got != nil {
		fmt.Fprintf(&b, "\n\tgot:  %v", m.Got)
	}
	if m.Want != nil {
		fmt.Fprintf(&b, "\n\twant: %v", m.Want)
	}
	if m.Err != nil {
		fmt.Fprintf(&b, "\n\tdecoder error: %v", m.Err)
	}
	return b.String()
}

// Check runs d over one case and returns nil when it passes, else a
// *Mismatch naming the first difference.
func Check(c Case, d Decoder, opts *Options) error {
	if opts == nil {
		opts = &Options{}
	}
	want, wantErr := c.Want, c.Malformed
	if opts.Strict && c.Deviation != nil {
		want, wantErr = c.Want[:c.Deviation.Response], true
	}
	got, err := d.Decode(bytes.NewReader(c.Input))
	if m := compare(c.Name, got, err, want, wantErr); m != nil {
		if opts.Strict && c.Deviation != nil {
			m.Msg += fmt.Sprintf(" (strict: must fail at response %d: %s)", c.Deviation.Response, c.Deviation.Why)
		}
		return m
	}
	if opts.SkipOneByte {
		return nil
	}
	got, err = d.Decode(iotest.OneByteReader(bytes.NewReader(c.Input)))
	if m := compare(c.Name, got, err, want, wantErr); m != nil {
		m.OneByte = true
		return m
	}
	return nil
}

func compare(name string, got []Response, err error, want []Response, wantErr bool) *Mismatch {
	m := &Mismatch{Case: name, Index: -1, Err: err}
	for i := 0; i < len(got) && i < len(want); i++ {
		if d := responseDiff(got[i], want[i]); d != "" {
			m.Index, m.Got, m.Want = i, &got[i], &want[i]
			m.Msg = fmt.Sprintf("response %d of %d differs at %s (got vs want)", i, len(want), d)
			return m
		}
	}
	switch {
	case len(got) > len(want):
		m.Index, m.Got = len(want), &got[len(want)]
		if wantErr {
			m.Msg = fmt.Sprintf("%d responses decoded; want %d and then an error (the input is malformed there)", len(got), len(want))
		} else {
			m.Msg = fmt.Sprintf("%d responses decoded; want %d", len(got), len(want))
		}
		return m
	case len(got) < len(want):
		m.Index, m.Want = len(got), &want[len(got)]
		m.Msg = fmt.Sprintf("%d responses decoded; want %d", len(got), len(want))
		return m
	case wantErr && err == nil:
		m.Msg = "no error; want one: the input is malformed after the last response"
		return m
	case !wantErr && err != nil:
		m.Msg = "error after the last response; want none"
		return m
	}
	return nil
}

// Run runs d over every case (the embedded corpus unless opts.Cases), one
// subtest per case, and reports each Mismatch.
func Run(t *testing.T, d Decoder, opts *Options) {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	cases := opts.Cases
	if cases == nil {
		var err error
		if cases, err = Cases(); err != nil {
			t.Fatal(err)
		}
	}
	if len(cases) == 0 {
		t.Fatal("corpus: no cases")
	}
	for _, c := range cases {
		t.Run(path.Clean(c.Name), func(t *testing.T) {
			if err := Check(c, d, opts); err != nil {
				t.Error(err)
			}
		})
	}
}
