package roundtrip_test

import (
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/catenate"
	"github.com/imapkit/imapkit/ext/gmail"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/internal/roundtrip"
	"github.com/imapkit/imapkit/ext/objectid"
	"github.com/imapkit/imapkit/ext/preview"
	"github.com/imapkit/imapkit/ext/savedate"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// A proxy with every extension of this tree installed decodes a mixed
// response and writes it back byte for byte.
func TestAllExtensionsTogether(t *testing.T) {
	r := codec.NewBaseRegistry()
	for _, reg := range []func(*codec.Registry){objectid.RegisterCodec, preview.RegisterCodec, savedate.RegisterCodec, gmail.RegisterCodec, catenate.RegisterCodec} {
		reg(r)
	}
	roundtrip.Check(t, r, nil,
		`* 12 FETCH (UID 99 FLAGS (\Seen) EMAILID (M6d99ac3275bb4e) THREADID NIL PREVIEW "Hi there" SAVEDATE "01-Jan-2015 18:50:53 +0100" X-GM-MSGID 1278455344230334865 X-GM-LABELS (\Inbox "Muy Importante"))`,
		`* 3 FETCH (SNIPPET (FUZZY {5}`+"\r\n"+`hello) X-GM-THRID 1266894439832287888)`,
		`* OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Ok`,
		`* STATUS INBOX (MESSAGES 2 MAILBOXID (Ff8e3ead4) APPENDLIMIT NIL)`,
		`A5 NO [BADURL /INBOX/;UID=3] gone`,
		`* 1 FETCH (MODSEQ (624140003) X-UNKNOWN (a "b"))`,
	)
}

// The client accepts every Install at once.
func TestAllInstalls(t *testing.T) {
	exts := []client.Extension{objectid.Install, preview.Install, savedate.Install, gmail.Install, catenate.Install}
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 OBJECTID PREVIEW SAVEDATE X-GM-EXT-1] ready", &client.Options{Extensions: exts})
	s.Select(c, nil, "A1 SELECT INBOX", "* 1 EXISTS", "* OK [MAILBOXID (F1)] Ok")
	done := faketest.Go(func() ([]*wire.FetchData, error) {
		fc, err := c.Fetch(faketest.Ctx(t), seqFirst(), &client.FetchItems{Extra: []wire.Value{wire.Atom("EMAILID"), wire.Atom("PREVIEW"), wire.Atom("SAVEDATE"), wire.Atom("X-GM-LABELS")}}, nil)
		if err != nil {
			return nil, err
		}
		return fc.CollectMessages(faketest.Ctx(t))
	})
	s.Expect("A2 FETCH 1 (EMAILID PREVIEW SAVEDATE X-GM-LABELS)")
	s.Send(`* 1 FETCH (EMAILID (M1) PREVIEW "p" SAVEDATE NIL X-GM-LABELS (foo))`, "A2 OK done")
	data, err := done()
	if err != nil || len(data) != 1 {
		t.Fatalf("Fetch = %v, %v", data, err)
	}
	f := data[0]
	if id, _ := objectid.EmailID(f); id != "M1" {
		t.Errorf("EMAILID %q", id)
	}
	if p, _ := preview.Preview(f); p.Text != "p" {
		t.Errorf("PREVIEW %+v", p)
	}
	if d, ok := savedate.Get(f); !ok || !d.Nil {
		t.Errorf("SAVEDATE %+v", d)
	}
	if l, _ := gmail.LabelsOf(f); len(l) != 1 || l[0] != "foo" {
		t.Errorf("labels %q", l)
	}
}

func seqFirst() seqset.Set { return seqset.MustParse("1") }
