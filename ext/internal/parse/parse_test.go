package parse_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/parse"
	"github.com/imapkit/imapkit/wire"
)

// registry registers X-LIST = "X-LIST" SP head *(SP atom), at most three
// atoms after the head (the decoder consumes the SP after the name).
func registry() *codec.Registry {
	r := codec.NewRegistry()
	r.Data("X-LIST", func(p *codec.Parser, _ *wire.Response) (any, error) {
		if _, err := p.ReadAtom(); err != nil {
			return nil, err
		}
		out := []string{}
		err := parse.SPItems(p, 3, "atoms", func() error {
			a, err := p.ReadAtom()
			if err != nil {
				return err
			}
			out = append(out, a)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	})
	return r
}

func TestSPItems(t *testing.T) {
	for _, tc := range []struct {
		line   string
		strict bool
		want   []string // nil: a parse error
	}{
		{"* X-LIST H", true, []string{}},
		{"* X-LIST H A", true, []string{"A"}},
		{"* X-LIST H A B C", true, []string{"A", "B", "C"}},
		{"* X-LIST H A B C D", false, nil}, // over the limit
		{"* X-LIST H A B ", false, []string{"A", "B"}},
		{"* X-LIST H A B ", true, nil}, // a trailing space is strict's error
		{"* X-LIST H A  B", true, nil}, // two spaces
	} {
		r, err := decodetest.Decode(registry(), tc.strict, tc.line)
		if err == nil && r.ParseErr != nil {
			err = r.ParseErr
		}
		if tc.want == nil {
			if err == nil {
				t.Errorf("%q (strict %v): got %v, want an error", tc.line, tc.strict, r.Data)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q (strict %v): %v", tc.line, tc.strict, err)
			continue
		}
		got, _ := r.Data.([]string)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q (strict %v): got %q, want %q", tc.line, tc.strict, got, tc.want)
		}
	}
}

func TestSPItemsItemError(t *testing.T) {
	r := codec.NewRegistry()
	boom := errors.New("boom")
	r.Data("X-LIST", func(p *codec.Parser, _ *wire.Response) (any, error) {
		if _, err := p.ReadAtom(); err != nil {
			return nil, err
		}
		return nil, parse.SPItems(p, 3, "atoms", func() error { return boom })
	})
	resp, err := decodetest.Decode(r, true, "* X-LIST H A")
	if err == nil {
		err = resp.ParseErr
	}
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the item's error", err)
	}
}
