package catenate_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/catenate"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/internal/roundtrip"
	"github.com/imapkit/imapkit/wire"
)

// No LITERAL+: the RFC's examples use synchronizing literals.
const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS CATENATE URL-PARTIAL] ready"

func dial(t *testing.T, g string) (*client.Conn, *faketest.Server) {
	return faketest.New(t, g, &client.Options{Extensions: []client.Extension{catenate.Install}})
}

// RFC 4469 §5, the second example: TEXT, URL of a section, TEXT; the
// server's APPENDUID.
func TestRFC4469_5_Append(t *testing.T) {
	c, s := dial(t, greeting)
	head := "Subject: About our holiday trip\r\n\r\n--------------030308070208000400050907\r\n"
	tail := "\r\n--------------030308070208000400050907--\r\n"
	done := faketest.Go(func() (*client.AppendResult, error) {
		return catenate.Append(faketest.Ctx(t), c, "Drafts", []catenate.Part{
			catenate.Text(head),
			catenate.URLPart(catenate.URL{Mailbox: "Drafts", UIDValidity: 385759045, UID: 20, Section: "2.MIME"}.String()),
			catenate.Text(tail),
		}, &client.AppendOptions{Flags: []string{`\Seen`, `\Draft`, "$MDNSent"}})
	})
	s.Expect(`A1 APPEND Drafts (\Seen \Draft $MDNSent) CATENATE (TEXT {` + strconv.Itoa(len(head)) + "}")
	s.Send("+ Ready for literal data")
	s.Expect("Subject: About our holiday trip")
	s.Expect("")
	s.Expect("--------------030308070208000400050907")
	s.Expect(` URL "/Drafts;UIDVALIDITY=385759045/;UID=20/;SECTION=2.MIME" TEXT {` + strconv.Itoa(len(tail)) + "}")
	s.Send("+ Ready for literal data")
	s.Expect("")
	s.Expect("--------------030308070208000400050907--")
	s.Expect(")")
	s.Send("A1 OK [APPENDUID 385759045 45] append Completed")
	res, err := done()
	if err != nil || res.UIDValidity != 385759045 || res.UID != 45 {
		t.Fatalf("Append = %+v, %v", res, err)
	}
}

// RFC 4469 §5: a URL the server cannot resolve; it answers NO [BADURL]
// instead of "+" for the next literal, and the client sends no more.
func TestRFC4469_BadURL(t *testing.T) {
	c, s := dial(t, greeting)
	done := faketest.Go(func() (*client.AppendResult, error) {
		return catenate.Append(faketest.Ctx(t), c, "Drafts", []catenate.Part{
			catenate.URLPart("/Drafts;UIDVALIDITY=385759045/;UID=30"),
			catenate.Text("x\r\n"),
		}, nil)
	})
	s.Expect(`A1 APPEND Drafts CATENATE (URL "/Drafts;UIDVALIDITY=385759045/;UID=30" TEXT {3}`)
	s.Send("A1 NO [BADURL /Drafts;UIDVALIDITY=385759045/;UID=30] No such message")
	_, err := done()
	if u, ok := catenate.BadURL(err); !ok || u != "/Drafts;UIDVALIDITY=385759045/;UID=30" {
		t.Fatalf("BadURL(%v) = %q, %v", err, u, ok)
	}
	s.Quiet(50e6)
}

func TestURL(t *testing.T) {
	for _, tc := range []struct {
		u    catenate.URL
		want string
	}{
		{catenate.URL{Mailbox: "Drafts", UID: 3002}, "/Drafts/;UID=3002"},
		{catenate.URL{Mailbox: "Drafts", UIDValidity: 385759045, UID: 20, Section: "1.MIME"}, "/Drafts;UIDVALIDITY=385759045/;UID=20/;SECTION=1.MIME"},
		{catenate.URL{Mailbox: "INBOX", UID: 7, Section: "1", PartialOffset: 0, PartialLength: 1024}, "/INBOX/;UID=7/;SECTION=1/;PARTIAL=0.1024"},
		{catenate.URL{Mailbox: "My Été;x?", UID: 1}, "/My%20&AMk-t&AOk-%3Bx%3F/;UID=1"},
	} {
		if got := tc.u.String(); got != tc.want {
			t.Errorf("%+v.String() = %q; want %q", tc.u, got, tc.want)
		}
	}
}

func TestNotSupported(t *testing.T) {
	c, s := dial(t, "* PREAUTH [CAPABILITY IMAP4rev1 CATENATE] ready")
	_, err := catenate.Append(faketest.Ctx(t), c, "x", []catenate.Part{catenate.URLPart("/INBOX/;UID=1/;PARTIAL=0.10")}, nil)
	if !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("PARTIAL without URL-PARTIAL: %v", err)
	}
	_, err = catenate.Append(faketest.Ctx(t), c, "x", []catenate.Part{{Text: strings.NewReader("é"), Size: 2, UTF8: true}}, nil)
	if !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("UTF8 part without UTF8=ACCEPT: %v", err)
	}
	c2, s2 := dial(t, faketest.Greeting)
	if _, err := catenate.Append(faketest.Ctx(t), c2, "x", []catenate.Part{catenate.Text("a")}, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("without CATENATE: %v", err)
	}
	if _, err := catenate.Append(faketest.Ctx(t), c2, "x", nil, nil); !errors.Is(err, catenate.ErrNoParts) {
		t.Fatalf("no parts: %v", err)
	}
	s.Quiet(50e6)
	s2.Quiet(10e6)
}

func reg() *codec.Registry {
	r := codec.NewBaseRegistry()
	catenate.RegisterCodec(r)
	return r
}

func TestRoundTrip(t *testing.T) {
	roundtrip.Check(t, reg(), func(r *wire.Response) bool {
		_, ok := r.Code.Data.(catenate.BadURLCode)
		return ok
	},
		"A1 NO [BADURL /Drafts;UIDVALIDITY=385759045/;UID=30] No such message",
		"* NO [BADURL /INBOX/;UID=1/;SECTION=1.2 (odd)] x",
	)
}

func FuzzParse(f *testing.F) {
	f.Add("A1 NO [BADURL /Drafts;UIDVALIDITY=385759045/;UID=30] No such message\r\n")
	f.Add("A1 NO [BADURL] x\r\n")
	r := reg()
	f.Fuzz(func(t *testing.T, in string) {
		roundtrip.Stable(t, r, in)
	})
}
