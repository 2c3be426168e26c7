package appendlimit_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/appendlimit"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/wire"
)

// Cyrus 3.6 advertises APPENDLIMIT=4294967295; Dovecot 2.3 and Courier
// 5.0 advertise no APPENDLIMIT.
func TestLiveAppendLimit(t *testing.T) {
	livetest.Run(t, nil, nil, testLiveAppendLimit)
}

func testLiveAppendLimit(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	l, err := appendlimit.ServerLimit(ctx, c)
	if env.Name != "cyrus" {
		if !errors.Is(err, client.ErrNotSupported) {
			t.Fatalf("ServerLimit on %s = %+v, %v; want ErrNotSupported", env.Name, l, err)
		}
		t.Skipf("n/a: %s does not advertise APPENDLIMIT", env.Name)
	}
	if err != nil || !l.Known || l.PerMailbox || l.Size != 4294967295 {
		t.Fatalf("ServerLimit = %+v, %v; want 4294967295", l, err)
	}
	mbox := env.Mailbox(t, c, "imapkit-ext-appendlimit")

	// Over the limit: refused before anything is sent.
	huge := int64(l.Size) + 1
	if _, err := appendlimit.Append(ctx, c, mbox, strings.NewReader(""), huge, nil); !appendlimit.TooBig(err) || !errors.Is(err, appendlimit.ErrTooBig) {
		t.Fatalf("Append of %d octets: %v; want ErrTooBig", huge, err)
	}
	msg := livetest.Message(1)
	res, err := appendlimit.Append(ctx, c, mbox, strings.NewReader(msg), int64(len(msg)), nil)
	if err != nil || res.UID == 0 {
		t.Fatalf("Append of %d octets = %+v, %v", len(msg), res, err)
	}
	st, err := c.Status(ctx, mbox, []string{"MESSAGES"})
	if err != nil || len(st.Items) != 1 || st.Items[0].Value != 1 {
		t.Fatalf("STATUS after the refused and the accepted APPEND = %+v, %v; want 1 message", st, err)
	}

	// RFC 7889 §3.1 lets a client ask STATUS (APPENDLIMIT); Cyrus 3.6
	// does not know the item:
	//   C: t2 STATUS imapkit-ext-probe (MAILBOXID APPENDLIMIT)
	//   S: t2 BAD Invalid Status attributes appendlimit
	var se *client.StatusError
	if ml, err := appendlimit.MailboxLimit(ctx, c, mbox); !errors.As(err, &se) || se.Status != wire.StatusBad {
		t.Errorf("MailboxLimit on Cyrus = %+v, %v; it used to be BAD", ml, err)
	}
}
