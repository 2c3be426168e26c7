package preview_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/internal/roundtrip"
	"github.com/imapkit/imapkit/ext/preview"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func decode(reg *codec.Registry, strict bool, line string) (*wire.Response, error) {
	d := codec.NewDecoder(strings.NewReader(line), &codec.DecoderOptions{Registry: reg, Strict: strict})
	return d.ReadResponse()
}

func reg() *codec.Registry {
	r := codec.NewBaseRegistry()
	preview.RegisterCodec(r)
	return r
}

func dial(t *testing.T, caps string) (*client.Conn, *faketest.Server) {
	return faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 "+caps+"] ready", &client.Options{Extensions: []client.Extension{preview.Install}})
}

// The examples of RFC 8970 §5 (quoted string, literal, NIL, empty) and
// Dovecot 2.3's draft forms.
func TestRFC8970_Parse(t *testing.T) {
	lorem := "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\nCurabitur aliquam turpis et ante dictum, et pulvinar dui congue.\r\nMaecenas hendrerit, lorem non imperdiet pellentesque, nulla\r\nligula nullam\r\n"
	lorem = lorem[:200]
	tests := []struct {
		line string
		want preview.Text
	}{
		{"* 1 FETCH (PREVIEW \"Preview text!\")\r\n", preview.Text{Text: "Preview text!"}},
		{"* 1 FETCH (RFC822.SIZE 5647 PREVIEW {200}\r\n" + lorem + ")\r\n", preview.Text{Text: lorem}},
		{"* 2 FETCH (PREVIEW \"\" FLAGS ())\r\n", preview.Text{}},
		{"* 9 FETCH (UID 23 PREVIEW NIL)\r\n", preview.Text{Nil: true}},
		{"* 1 FETCH (SNIPPET (FUZZY \"Hello there\"))\r\n", preview.Text{Text: "Hello there", Algorithm: "FUZZY"}},
		{"* 1 FETCH (PREVIEW (FUZZY \"Hello there\"))\r\n", preview.Text{Text: "Hello there", Algorithm: "FUZZY"}},
	}
	for _, r := range []*codec.Registry{reg(), codec.NewBaseRegistry()} {
		for _, tt := range tests {
			resp, err := decode(r, false, tt.line)
			if err != nil {
				t.Fatalf("decode %q: %v", tt.line, err)
			}
			got, ok := preview.Preview(resp.Data.(*wire.FetchData))
			if lit := strings.Contains(tt.line, "{"); lit != (got.Form == wire.FormLiteral) {
				t.Errorf("Preview(%q).Form = %v", tt.line, got.Form)
			}
			got.Form = 0
			if !ok || got != tt.want {
				t.Errorf("Preview(%q) = %+v, %v; want %+v", tt.line, got, ok, tt.want)
			}
		}
	}
}

// RFC 8970 §5: "B1 FETCH 1:4 (ENVELOPE PREVIEW (LAZY))" and the later
// non-lazy FETCH.
func TestRFC8970_5_Lazy(t *testing.T) {
	c, s := dial(t, "PREVIEW")
	s.Select(c, nil, "A1 SELECT INBOX", "* 4 EXISTS")
	done := faketest.Go(func() ([]preview.Result, error) {
		return preview.Fetch(faketest.Ctx(t), c, seqset.MustParse("3:4"), &preview.Options{Lazy: true})
	})
	s.Expect("A2 FETCH 3:4 (UID PREVIEW (LAZY))")
	s.Send("* 3 FETCH (UID 13 PREVIEW NIL)", `* 4 FETCH (UID 14 PREVIEW "Message 4 preview")`, "A2 OK FETCH completed.")
	res, err := done()
	if err != nil || len(res) != 2 || !res[0].Nil || res[0].UID != 13 || res[1].Text.Text != "Message 4 preview" {
		t.Fatalf("Fetch LAZY = %+v, %v", res, err)
	}
	done = faketest.Go(func() ([]preview.Result, error) {
		return preview.Fetch(faketest.Ctx(t), c, seqset.MustParse("3"), nil)
	})
	s.Expect("A3 FETCH 3 (UID PREVIEW)")
	s.Send("* 3 FETCH (UID 13 PREVIEW {30}", "Message data from message 3.", ")", "A3 OK Fetch completed.")
	res, err = done()
	if err != nil || len(res) != 1 || res[0].Text.Text != "Message data from message 3.\r\n" {
		t.Fatalf("Fetch = %+v, %v", res, err)
	}
}

func TestSnippetFuzzy(t *testing.T) {
	c, s := dial(t, "SNIPPET=FUZZY")
	s.Select(c, nil, "A1 SELECT INBOX", "* 1 EXISTS")
	done := faketest.Go(func() ([]preview.Result, error) {
		return preview.Fetch(faketest.Ctx(t), c, seqset.MustParse("1"), &preview.Options{UID: true})
	})
	s.Expect("A2 UID FETCH 1 (UID SNIPPET (FUZZY))")
	s.Send(`* 1 FETCH (UID 1 SNIPPET (FUZZY "Hi"))`, "A2 OK done")
	if res, err := done(); err != nil || len(res) != 1 || res[0].Text.Text != "Hi" || res[0].Algorithm != "FUZZY" {
		t.Fatalf("Fetch = %+v, %v", res, err)
	}
}

func TestNotSupported(t *testing.T) {
	c, s := dial(t, "IDLE")
	if _, err := preview.Fetch(faketest.Ctx(t), c, seqset.MustParse("1"), nil); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Fetch without PREVIEW: %v", err)
	}
	s.Quiet(50e6)
}

func TestMalformed(t *testing.T) {
	for _, line := range []string{
		"* 1 FETCH (PREVIEW (FUZZY))\r\n",
		"* 1 FETCH (PREVIEW (FUZZY \"a\" \"b\"))\r\n",
		"* 1 FETCH (PREVIEW 12)\r\n",
		"* 1 FETCH (SNIPPET (\"a\"))\r\n",
	} {
		if _, err := decode(reg(), true, line); err == nil {
			t.Errorf("strict decode of %q succeeded", line)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"* 1 FETCH (PREVIEW \"Preview text!\")\r\n",
		"* 3 FETCH (PREVIEW {30}\r\nMessage data from message 3.\r\n)\r\n",
		"* 9 FETCH (UID 23 PREVIEW NIL)\r\n",
		"* 1 FETCH (SNIPPET (FUZZY \"Hello\") PREVIEW (FUZZY \"x\"))\r\n",
	} {
		f.Add(s)
	}
	r := reg()
	f.Fuzz(func(t *testing.T, line string) {
		roundtrip.Stable(t, r, line)
		for _, strict := range []bool{true, false} {
			if resp, err := decode(r, strict, line); err == nil {
				if fd, ok := resp.Data.(*wire.FetchData); ok {
					preview.Preview(fd)
				}
			}
		}
	})
}

func TestRoundTrip(t *testing.T) {
	roundtrip.Check(t, reg(), func(r *wire.Response) bool {
		fd, ok := r.Data.(*wire.FetchData)
		if !ok {
			return false
		}
		for _, it := range fd.Items {
			if _, ok := it.Data.(preview.Text); !ok {
				return false
			}
		}
		return true
	},
		"* 1 FETCH (PREVIEW \"Preview text!\")",
		"* 3 FETCH (PREVIEW {30}\r\nMessage data from message 3.\r\n)",
		"* 2 FETCH (PREVIEW \"\")",
		"* 9 FETCH (UID 23 PREVIEW NIL)",
		"* 1 FETCH (SNIPPET (FUZZY \"Hello there\") PREVIEW (FUZZY \"Hello there\") PREVIEW \"Hello there\")",
		"* 1 FETCH (PREVIEW {5}\r\nshort)",
		"* 1 FETCH (PREVIEW \"with \\\"quotes\\\" and \\\\\")",
	)
}
