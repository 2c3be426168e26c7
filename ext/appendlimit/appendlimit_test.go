package appendlimit_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/appendlimit"
	"github.com/imapkit/imapkit/ext/internal/faketest"
)

// RFC 7889 §2 (a): APPENDLIMIT=257890 applies to every mailbox; a larger
// message is refused before anything is sent.
func TestRFC7889_2a_ServerLimit(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 ID APPENDLIMIT=257890 LITERAL+] ready", nil)
	l, err := appendlimit.ServerLimit(faketest.Ctx(t), c)
	if err != nil || !l.Known || l.Size != 257890 || l.PerMailbox {
		t.Fatalf("ServerLimit = %+v, %v", l, err)
	}
	big := strings.Repeat("x", 257891)
	if _, err := appendlimit.Append(faketest.Ctx(t), c, "INBOX", strings.NewReader(big), int64(len(big)), nil); !errors.Is(err, appendlimit.ErrTooBig) || !appendlimit.TooBig(err) {
		t.Fatalf("Append of 257891 octets: %v", err)
	}
	s.Quiet(50e6)
	// One that fits is sent.
	done := faketest.Go(func() (*client.AppendResult, error) {
		return appendlimit.Append(faketest.Ctx(t), c, "INBOX", strings.NewReader("x"), 1, nil)
	})
	s.Expect("A1 APPEND INBOX {1+}")
	s.Expect("x")
	s.Send("A1 OK done")
	if _, err := done(); err != nil {
		t.Fatal(err)
	}
}

// RFC 7889 §2 (b) and §3.1: a bare APPENDLIMIT; STATUS (APPENDLIMIT)
// gives each mailbox's limit, NIL for none; §4: [TOOBIG].
func TestRFC7889_3_MailboxLimit(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 ID APPENDLIMIT LITERAL+] ready", nil)
	done := faketest.Go(func() (*client.AppendResult, error) {
		return appendlimit.Append(faketest.Ctx(t), c, "INBOX", strings.NewReader("xxxx"), 4, nil)
	})
	s.Expect("A1 STATUS INBOX (APPENDLIMIT)")
	s.Send("* STATUS INBOX (APPENDLIMIT 3)", "A1 OK STATUS completed")
	if _, err := done(); !errors.Is(err, appendlimit.ErrTooBig) {
		t.Fatalf("Append over the mailbox limit: %v", err)
	}
	done = faketest.Go(func() (*client.AppendResult, error) {
		return appendlimit.Append(faketest.Ctx(t), c, "Archive", strings.NewReader("xxxx"), 4, nil)
	})
	s.Expect("A2 STATUS Archive (APPENDLIMIT)")
	s.Send("* STATUS Archive (APPENDLIMIT NIL)", "A2 OK STATUS completed")
	s.Expect("A3 APPEND Archive {4+}")
	s.Expect("xxxx")
	s.Send("A3 NO [TOOBIG] Message too large")
	if _, err := done(); !appendlimit.TooBig(err) || errors.Is(err, appendlimit.ErrTooBig) {
		t.Fatalf("server's TOOBIG: %v", err)
	}
}

func TestNotSupported(t *testing.T) {
	c, s := faketest.New(t, faketest.Greeting, nil)
	if _, err := appendlimit.ServerLimit(faketest.Ctx(t), c); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("ServerLimit: %v", err)
	}
	if _, err := appendlimit.MailboxLimit(faketest.Ctx(t), c, "INBOX"); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("MailboxLimit: %v", err)
	}
	s.Quiet(50e6)
}

// RFC 7889 §2 (a) and §3.1: with APPENDLIMIT=n advertised the client may
// still ask a mailbox's limit with STATUS (APPENDLIMIT).
func TestMailboxLimitWithServerLimit(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 APPENDLIMIT=100] ready", nil)
	done := faketest.Go(func() (appendlimit.Limit, error) {
		return appendlimit.MailboxLimit(faketest.Ctx(t), c, "INBOX")
	})
	s.Expect("A1 STATUS INBOX (APPENDLIMIT)")
	s.Send("* STATUS INBOX (APPENDLIMIT 50)", "A1 OK STATUS completed")
	if l, err := done(); err != nil || !l.Known || l.Size != 50 {
		t.Fatalf("MailboxLimit = %+v, %v; want 50", l, err)
	}
}
