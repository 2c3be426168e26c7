package binary_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/binary"
	"github.com/imapkit/imapkit/ext/internal/faketest"
)

const msg = "Content-Transfer-Encoding: binary\r\n\r\na\x00b\r\n"

// RFC 3516 §4.4: APPEND with a literal8, synchronizing (no LITERAL+)
// and non-synchronizing (LITERAL+, RFC 7888).
func TestRFC3516_4_4_Append(t *testing.T) {
	for _, tc := range []struct{ caps, literal string }{
		{"BINARY", "~{42}"},
		{"BINARY LITERAL+", "~{42+}"},
	} {
		c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS "+tc.caps+"] ready", nil)
		done := faketest.Go(func() (*client.AppendResult, error) {
			return binary.Append(faketest.Ctx(t), c, "INBOX", strings.NewReader(msg), int64(len(msg)), &client.AppendOptions{Flags: []string{`\Seen`}})
		})
		s.Expect(`A1 APPEND INBOX (\Seen) ` + tc.literal)
		if !strings.HasSuffix(tc.literal, "+}") {
			s.Send("+ Ready for literal data")
		}
		s.Expect("Content-Transfer-Encoding: binary")
		s.Expect("")
		s.Expect("a\x00b")
		s.Expect("")
		s.Send("A1 OK [APPENDUID 38505 3955] APPEND completed")
		if res, err := done(); err != nil || res.UID != 3955 || res.UIDValidity != 38505 {
			t.Fatalf("%s: Append = %+v, %v", tc.caps, res, err)
		}
	}
}

// RFC 3516 §4.3: NO [UNKNOWN-CTE].
func TestUnknownCTE(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 BINARY LITERAL+] ready", nil)
	done := faketest.Go(func() (*client.AppendResult, error) {
		return binary.Append(faketest.Ctx(t), c, "INBOX", strings.NewReader("x"), 1, nil)
	})
	s.Expect("A1 APPEND INBOX ~{1+}")
	s.Expect("x")
	s.Send("A1 NO [UNKNOWN-CTE] Can't process the content-transfer-encoding")
	if _, err := done(); !binary.UnknownCTE(err) {
		t.Fatalf("err = %v; want UNKNOWN-CTE", err)
	}
}

func TestNotSupported(t *testing.T) {
	c, s := faketest.New(t, faketest.Greeting, nil)
	if _, err := binary.Append(faketest.Ctx(t), c, "INBOX", strings.NewReader("x"), 1, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("without BINARY: %v", err)
	}
	s.Quiet(50e6)
}
