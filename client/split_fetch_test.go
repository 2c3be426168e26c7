package client

import (
	"testing"

	"github.com/imapkit/imapkit/seqset"
)

// RFC 9051 §7.5.2 lets a server split one message's data over several
// FETCH responses: every part carrying an item the command asked for and
// has not yet got belongs to it, also with a second command in flight.
func TestSplitFetchClaimedByItsCommand(t *testing.T) {
	for _, tc := range []struct {
		name  string
		uid   bool
		line  string
		line2 string
		parts []string
		other string
	}{
		{"UID FETCH", true, "UID FETCH 5 (UID FLAGS BODY.PEEK[])", "UID FETCH 5 (UID FLAGS)",
			[]string{`* 1 FETCH (UID 5 FLAGS (\Seen))`, `* 1 FETCH (UID 5 BODY[] {3}`, `abc)`},
			`* 1 FETCH (UID 5 FLAGS (\Seen))`},
		{"FETCH", false, "FETCH 1 (UID FLAGS BODY.PEEK[])", "FETCH 1 (FLAGS)",
			[]string{`* 1 FETCH (UID 5 FLAGS (\Seen))`, `* 1 FETCH (BODY[] {3}`, `abc)`},
			`* 1 FETCH (FLAGS (\Seen))`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, s := newFake(t, "* PREAUTH hi", nil)
			selectINBOX(t, c, s)
			items := &FetchItems{UID: true, Flags: true, Sections: []FetchSection{{}}}
			var f *FetchCommand
			var err error
			if tc.uid {
				f, err = c.UIDFetch(testCtx(t), seqset.MustParse("5"), items, nil)
			} else {
				f, err = c.Fetch(testCtx(t), seqset.MustParse("1"), items, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			// A second command asking for the same message, in flight.
			var f2 *FetchCommand
			if tc.uid {
				f2, err = c.UIDFetch(testCtx(t), seqset.MustParse("5"), &FetchItems{Flags: true}, nil)
			} else {
				f2, err = c.Fetch(testCtx(t), seqset.MustParse("1"), &FetchItems{Flags: true}, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			s.expect("A2 " + tc.line)
			s.expect("A3 " + tc.line2)
			s.send(tc.parts...)
			s.send(tc.other, "A2 OK done", "A3 OK done")
			got, err := f.CollectMessages(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || len(got[1].Sections) != 1 || string(got[1].Sections[0].Data) != "abc" {
				t.Fatalf("FETCH got %d responses %+v; want both parts, the second with BODY[]", len(got), got)
			}
			got2, err := f2.CollectMessages(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(got2) != 1 || len(got2[0].Flags) != 1 || len(got2[0].Sections) != 0 {
				t.Fatalf("second FETCH got %+v; want its own FLAGS response", got2)
			}
		})
	}
}

// A further response carrying only items the command already got is not
// its: with no other command asking, it goes to the unclaimed queue.
func TestSplitFetchRepeatedItemsGoOn(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	selectINBOX(t, c, s)
	f, err := c.Fetch(testCtx(t), seqset.MustParse("1"), &FetchItems{Flags: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A2 FETCH 1 (FLAGS)")
	s.send(`* 1 FETCH (FLAGS (\Seen))`, `* 1 FETCH (FLAGS (\Seen \Flagged) BODY[] "x")`, "A2 OK done")
	got, err := f.CollectMessages(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("FETCH got %d responses; want 1 (the second carries no new item it asked for)", len(got))
	}
	r, err := c.Unclaimed(testCtx(t))
	if err != nil || r.Name != "FETCH" || r.Num != 1 {
		t.Fatalf("Unclaimed = %v, %v; want the second FETCH", r, err)
	}
}
