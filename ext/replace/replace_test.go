package replace_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/catenate"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/replace"
)

// No LITERAL+: the RFC's examples use synchronizing literals.
const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS REPLACE CATENATE] ready"

const draft = "Subject: happy new year !!\r\n\r\nJust saw the best fireworks show. Wish you were here.\r\n"

// RFC 8508 §3.1 (A003) and §3.2 (A004): REPLACE and UID REPLACE; the
// untagged OK [APPENDUID], EXISTS and EXPUNGE.
func TestRFC8508_3_Replace(t *testing.T) {
	c, s := faketest.New(t, greeting, nil)
	s.Select(c, nil, "A1 SELECT INBOX", "* 4 EXISTS")
	for i, uid := range []bool{false, true} {
		tag := "A" + strconv.Itoa(i+2)
		done := faketest.Go(func() (*replace.Result, error) {
			opts := &client.AppendOptions{Flags: []string{`\Seen`, `\Draft`}}
			if uid {
				return replace.UIDReplace(faketest.Ctx(t), c, 2000, "Drafts", strings.NewReader(draft), int64(len(draft)), opts)
			}
			return replace.Replace(faketest.Ctx(t), c, 4, "Drafts", strings.NewReader(draft), int64(len(draft)), opts)
		})
		cmd := map[bool]string{false: "REPLACE 4", true: "UID REPLACE 2000"}[uid]
		s.Expect(tag + " " + cmd + ` Drafts (\Seen \Draft) {` + strconv.Itoa(len(draft)) + "}")
		s.Send("+ Ready for literal data")
		s.Expect("Subject: happy new year !!")
		s.Expect("")
		s.Expect("Just saw the best fireworks show. Wish you were here.")
		s.Expect("")
		newUID := strconv.Itoa(2000 + i)
		s.Send("* OK [APPENDUID 1 "+newUID+"] Replacement Message ready", "* 5 EXISTS", "* 4 EXPUNGE", tag+" OK Replace completed")
		res, err := done()
		if err != nil || res.AppendUID.UIDValidity != 1 || strconv.Itoa(int(res.AppendUID.UID)) != newUID || !slices.Equal(res.Expunged, []uint32{4}) {
			t.Fatalf("%s = %+v, %v", cmd, res, err)
		}
		if m := c.Mailbox(); m.Exists != 4 {
			t.Fatalf("Exists after %s = %d; want 4 (5 EXISTS then EXPUNGE)", cmd, m.Exists)
		}
	}
}

// RFC 8508 §3.3 (A011): UID REPLACE with CATENATE.
func TestRFC8508_3_3_Catenate(t *testing.T) {
	c, s := faketest.New(t, greeting, nil)
	s.Select(c, nil, "A1 SELECT INBOX", "* 4 EXISTS")
	head := "To: Mitzy <miss.mitzy@example.org>\r\nSubject: My view of the fireworks\r\n"
	done := faketest.Go(func() (*replace.Result, error) {
		return replace.ReplaceCatenate(faketest.Ctx(t), c, true, 3002, "Drafts", []catenate.Part{
			catenate.Text(head), catenate.URLPart("/Drafts/;UID=3002"),
		}, nil)
	})
	s.Expect("A2 UID REPLACE 3002 Drafts CATENATE (TEXT {" + strconv.Itoa(len(head)) + "}")
	s.Send("+ Ready for literal data")
	s.Expect("To: Mitzy <miss.mitzy@example.org>")
	s.Expect("Subject: My view of the fireworks")
	s.Expect(` URL "/Drafts/;UID=3002")`)
	s.Send("* OK [APPENDUID 1 3003] Replacement Message ready", "* 5 EXISTS", "* 4 EXPUNGE", "A2 OK REPLACE completed")
	res, err := done()
	if err != nil || res.AppendUID.UID != 3003 || len(res.Expunged) != 1 {
		t.Fatalf("ReplaceCatenate = %+v, %v", res, err)
	}
}

func TestNotSupported(t *testing.T) {
	c, s := faketest.New(t, faketest.Greeting, nil)
	s.Select(c, nil, "A1 SELECT INBOX", "* 4 EXISTS")
	if _, err := replace.Replace(faketest.Ctx(t), c, 1, "Drafts", strings.NewReader("x"), 1, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("without REPLACE: %v", err)
	}
	s.Quiet(50e6)
}
