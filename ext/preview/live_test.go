package preview_test

import (
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/preview"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Dovecot 2.3 offers PREVIEW, PREVIEW=FUZZY and SNIPPET=FUZZY, Cyrus 3.6
// PREVIEW; Courier 5.0 none.
func TestLivePreview(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{preview.Install}}, []string{"PREVIEW"}, testLivePreview)
}

func testLivePreview(t *testing.T, env livetest.Env, c *client.Conn) {
	mbox := env.Mailbox(t, c, "imapkit-ext-preview")
	livetest.Append(t, c, mbox, 2)
	if _, err := c.Select(livetest.Ctx(t), mbox, nil); err != nil {
		t.Fatal(err)
	}
	for _, lazy := range []bool{false, true} {
		res, err := preview.Fetch(livetest.Ctx(t), c, seqset.MustParse("1:*"), &preview.Options{Lazy: lazy})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 2 {
			t.Fatalf("lazy=%v: %d previews; want 2: %+v", lazy, len(res), res)
		}
		for i, r := range res {
			// livetest.Message(i) has the body "body i".
			if want := "body " + string(rune('1'+i)); !r.Nil && r.Text.Text != want {
				t.Errorf("lazy=%v: preview of %d = %+v; want %q", lazy, r.Seq, r, want)
			}
			if env.Name == "cyrus" {
				// Cyrus 3.6 answers NIL with or without LAZY, although
				// RFC 8970 §3.2 says "A server MUST NOT return NIL to a
				// FETCH PREVIEW request made without the LAZY modifier":
				//   C: t4 FETCH 1 (PREVIEW)
				//   S: * 1 FETCH (PREVIEW NIL)
				if !r.Nil {
					t.Errorf("lazy=%v: Cyrus's preview of %d = %+v; it used to be NIL", lazy, r.Seq, r)
				}
			} else if !lazy && r.Nil {
				t.Errorf("PREVIEW without LAZY returned NIL for %d", r.Seq)
			}
		}
	}
	// The draft form SNIPPET (FUZZY), also offered by Dovecot 2.3.
	if ok, _ := c.Has(livetest.Ctx(t), "SNIPPET=FUZZY"); !ok {
		return
	}
	fc, err := c.Fetch(livetest.Ctx(t), seqset.MustParse("1"), &client.FetchItems{Extra: []wire.Value{wire.Atom("SNIPPET"), wire.List(wire.Atom("FUZZY"))}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := fc.CollectMessages(livetest.Ctx(t))
	if err != nil || len(data) != 1 {
		t.Fatalf("FETCH SNIPPET: %v %v", data, err)
	}
	if p, ok := preview.Preview(data[0]); !ok || p.Text != "body 1" || p.Algorithm != "FUZZY" {
		t.Fatalf("SNIPPET = %+v, %v", p, ok)
	}
}
