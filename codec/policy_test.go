package codec

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imapkit/imapkit/wire"
)

// TestFailurePolicy: every registered parser that fails falls back to a
// generic value with its error recorded in lenient mode, and fails the
// response with a *SyntaxError in strict mode (response codes excepted:
// see TestRFC9051_7_1_ResponseCodes).
func TestFailurePolicy(t *testing.T) {
	tests := []struct {
		name string
		in   string
		what string // ParseError.What
		item string // ParseError.Name
		// check looks at the lenient result.
		check func(t *testing.T, r *wire.Response)
	}{
		{"data", "* NAMESPACE ((\"\" \"/\")) NIL\r\n", "data", "NAMESPACE", func(t *testing.T, r *wire.Response) {
			if _, ok := r.Data.([]wire.Value); !ok || r.ParseErr == nil {
				t.Errorf("data %#v, ParseErr %v; want a generic tree and the error", r.Data, r.ParseErr)
			}
		}},
		{"FETCH base item", "* 1 FETCH (UID 5 BODY (\"TEXT\" 1) FLAGS (\\Seen))\r\n", "FETCH item", "BODY", func(t *testing.T, r *wire.Response) {
			f := r.Data.(*wire.FetchData)
			if f.UID != 5 || len(f.Flags) != 1 || f.BodyStructure != nil || f.Has&wire.FetchBody != 0 ||
				len(f.Items) != 1 || f.Items[0].Name != "BODY" || f.Items[0].ParseErr == nil {
				t.Errorf("FETCH data %+v", f)
			}
		}},
		{"FETCH extension item", "* 1 FETCH (UID 5 X-NUM abc)\r\n", "FETCH item", "X-NUM", func(t *testing.T, r *wire.Response) {
			f := r.Data.(*wire.FetchData)
			if len(f.Items) != 1 || f.Items[0].Data.(wire.Value).Str != "abc" || f.Items[0].ParseErr == nil {
				t.Errorf("FETCH items %+v", f.Items)
			}
		}},
		{"STATUS known item", "* STATUS INBOX (MESSAGES x UIDNEXT 4)\r\n", "STATUS item", "MESSAGES", func(t *testing.T, r *wire.Response) {
			s := r.Data.(*wire.StatusData)
			if len(s.Items) != 2 || s.Items[0].Other == nil || s.Items[0].Other.Str != "x" || s.Items[1].Value != 4 || r.ParseErr == nil {
				t.Errorf("STATUS data %+v", s)
			}
		}},
		{"ESEARCH known item", "* ESEARCH UID MIN x COUNT 3\r\n", "ESEARCH item", "MIN", func(t *testing.T, r *wire.Response) {
			e := r.Data.(*wire.ESearchData)
			if e.Has != wire.ESearchCount || e.Count != 3 || len(e.Extensions) != 2 || r.ParseErr == nil {
				t.Errorf("ESEARCH data %+v", e)
			}
		}},
		{"LIST-EXTENDED item", "* LIST () \"/\" foo (OLDNAME bar CHILDINFO (\"SUBSCRIBED\"))\r\n", "LIST item", "OLDNAME", func(t *testing.T, r *wire.Response) {
			l := r.Data.(*wire.ListData)
			if l.OldName != "" || len(l.ChildInfo) != 1 || len(l.Extended) != 2 || r.ParseErr == nil {
				t.Errorf("LIST data %+v", l)
			}
		}},
	}
	reg := NewBaseRegistry()
	reg.FetchItem("X-NUM", func(p *Parser, _ string) (any, error) { return p.ReadNumber64() })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hooked []*ParseError
			rs, err := decodeStream([]byte(tt.in), &DecoderOptions{Registry: reg,
				OnParseError: func(_ *wire.Response, pe *ParseError) { hooked = append(hooked, pe) }})
			if err != nil || len(rs) != 1 {
				t.Fatalf("lenient Decode(%q) = %v", tt.in, err)
			}
			tt.check(t, rs[0])
			var se *SyntaxError
			if len(hooked) != 1 || hooked[0].What != tt.what || hooked[0].Name != tt.item || !errors.As(hooked[0], &se) {
				t.Errorf("OnParseError got %v; want one %s %s", hooked, tt.what, tt.item)
			}
			_, err = decodeStream([]byte(tt.in), &DecoderOptions{Registry: reg, Strict: true})
			if !errors.As(err, &se) {
				t.Errorf("strict Decode(%q) = %v; want a *SyntaxError", tt.in, err)
			}
		})
	}
}

// TestFailurePolicyLiteral: a parser that fails after a literal falls
// back to a generic value in lenient mode too (the decoder replays the
// lines and literals of the response), and fails the response in strict
// mode.
func TestFailurePolicyLiteral(t *testing.T) {
	in := "* 1 FETCH (BODY[] {2}\r\nab X-NUM {1}\r\nx UID 4)\r\n"
	reg := NewBaseRegistry()
	reg.FetchItem("X-NUM", func(p *Parser, _ string) (any, error) {
		s, err := p.ReadString()
		if err == nil {
			err = p.SyntaxError("digits, not " + s)
		}
		return nil, err
	})
	var se *SyntaxError
	if _, err := decodeStream([]byte(in), &DecoderOptions{Registry: reg, Strict: true}); !errors.As(err, &se) {
		t.Errorf("strict Decode = %v; want a *SyntaxError", err)
	}
	rs, err := decodeStream([]byte(in), &DecoderOptions{Registry: reg})
	if err != nil {
		t.Fatalf("lenient Decode: %v", err)
	}
	fd := rs[0].Data.(*wire.FetchData)
	if len(fd.Items) != 1 || fd.Items[0].Name != "X-NUM" || fd.Items[0].ParseErr == nil || fd.UID != 4 || len(fd.Sections) != 1 {
		t.Fatalf("lenient Decode = %+v", fd)
	}
	if v, ok := fd.Items[0].Data.(wire.Value); !ok || v.Str != "x" || v.Form != wire.FormLiteral {
		t.Errorf("X-NUM = %#v", fd.Items[0].Data)
	}
}

// TestStatusExtensionItems: RFC 8474's MAILBOXID, or any extension's
// item with a value that is not a number, is a generic value in both
// modes, and re-encodes as it came.
func TestStatusExtensionItems(t *testing.T) {
	in := "* STATUS x (MAILBOXID (F2212ea87))\r\n" +
		"* STATUS INBOX (MESSAGES 3 MAILBOXID (F2212ea87-6097-4256-9d51-71338625) X-NUM 7 APPENDLIMIT NIL)\r\n"
	for _, strict := range []bool{false, true} {
		rs, err := decodeStream([]byte(in), &DecoderOptions{Strict: strict})
		if err != nil || len(rs) != 2 {
			t.Fatalf("Decode strict=%v: %v", strict, err)
		}
		want := &wire.StatusData{Mailbox: "x", Items: []wire.StatusItem{
			{Name: "MAILBOXID", Other: &wire.Value{Kind: wire.KindList, List: []wire.Value{vAtom("F2212ea87")}}},
		}}
		if diff := cmp.Diff(want, rs[0].Data, fixtureOpts); diff != "" || rs[0].ParseErr != nil {
			t.Errorf("strict=%v (-want +got):\n%s", strict, diff)
		}
		if s := rs[1].Data.(*wire.StatusData); len(s.Items) != 4 || s.Items[2].Value != 7 || !s.Items[3].Nil {
			t.Errorf("strict=%v: %+v", strict, s)
		}
		var out bytes.Buffer
		enc := NewResponseEncoder(&out, nil)
		for _, r := range rs {
			if err := enc.WriteResponse(r); err != nil {
				t.Fatal(err)
			}
		}
		if out.String() != in {
			t.Errorf("re-encoded %q; want %q", out.String(), in)
		}
	}
}
