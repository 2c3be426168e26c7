package interop

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/imapkit/imapkit/conformance/memserver"
)

// startMemserver serves imapkit's in-memory server on a loopback port with
// one user, alice/secret.
func startMemserver(t *testing.T) string {
	t.Helper()
	srv := memserver.New(&memserver.Options{Users: map[string]string{"alice": "secret"}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(l)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return l.Addr().String()
}

func dialMemserverGoimap(t *testing.T, addr string, opts *imapclient.Options) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, opts)
	if err != nil {
		t.Fatalf("go-imap DialInsecure: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login("alice", "secret").Wait(); err != nil {
		t.Fatalf("go-imap LOGIN: %v", err)
	}
	return c
}

// TestGoimapClientAgainstMemserver runs a whole session of go-imap's
// client against imapkit's in-memory server, checking every result.
func TestGoimapClientAgainstMemserver(t *testing.T) {
	addr := startMemserver(t)
	var trace syncBuffer
	c := dialMemserverGoimap(t, addr, &imapclient.Options{DebugWriter: &trace})
	defer func() {
		if t.Failed() {
			t.Logf("wire:\n%s", trace.String())
		}
	}()

	if caps := c.Caps(); !caps.Has(imap.CapIMAP4rev1) {
		t.Fatalf("capabilities %v lack IMAP4rev1", caps)
	}
	if err := c.Create("Archive", nil).Wait(); err != nil {
		t.Fatalf("CREATE: %v", err)
	}
	if err := c.Create("Entwürfe", nil).Wait(); err != nil {
		t.Fatalf("CREATE with a non-ASCII name: %v", err)
	}
	date := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for i := 1; i <= 3; i++ {
		m := message(i, "")
		cmd := c.Append("INBOX", int64(len(m)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: date})
		if _, err := io.WriteString(cmd, m); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatal(err)
		}
		data, err := cmd.Wait()
		if err != nil {
			t.Fatalf("APPEND %d: %v", i, err)
		}
		if data.UID == 0 || data.UIDValidity == 0 {
			t.Errorf("APPEND %d: no APPENDUID: %+v", i, data)
		}
	}

	mboxes, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	names := map[string]bool{}
	for _, m := range mboxes {
		names[m.Mailbox] = true
	}
	for _, want := range []string{"INBOX", "Archive", "Entwürfe"} {
		if !names[want] {
			t.Errorf("LIST lacks %q: %v", want, names)
		}
	}

	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatalf("SELECT: %v", err)
	}
	if sel.NumMessages != 3 || sel.UIDValidity == 0 {
		t.Fatalf("SELECT: %+v, want 3 messages and a UIDVALIDITY", sel)
	}

	msgs, err := c.Fetch(imap.SeqSetNum(1, 2, 3), &imap.FetchOptions{
		UID: true, Flags: true, Envelope: true, RFC822Size: true, InternalDate: true, BodyStructure: &imap.FetchItemBodyStructure{},
		BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil {
		t.Fatalf("FETCH: %v", err)
	}
	if len(msgs) != 3 {
		t.Fatalf("FETCH returned %d messages, want 3", len(msgs))
	}
	for i, m := range msgs {
		want := message(i+1, "")
		if m.Envelope == nil || m.Envelope.Subject != fmt.Sprintf("message %d", i+1) {
			t.Errorf("message %d: envelope %+v", i+1, m.Envelope)
		}
		if m.RFC822Size != int64(len(want)) {
			t.Errorf("message %d: RFC822.SIZE %d, want %d", i+1, m.RFC822Size, len(want))
		}
		if !m.InternalDate.Equal(date) {
			t.Errorf("message %d: INTERNALDATE %v, want %v", i+1, m.InternalDate, date)
		}
		var body []byte
		for _, b := range m.BodySection {
			body = b.Bytes
		}
		if !bytes.Equal(body, []byte(want)) {
			t.Errorf("message %d: BODY[] = %q", i+1, body)
		}
		if m.BodyStructure == nil || !strings.EqualFold(m.BodyStructure.MediaType(), "text/plain") {
			t.Errorf("message %d: BODYSTRUCTURE %+v", i+1, m.BodyStructure)
		}
		// \Recent too: an IMAP4rev1 session that selected the mailbox
		// first (RFC 3501 §2.3.2).
		if !slices.Equal(m.Flags, []imap.Flag{imap.FlagSeen, `\Recent`}) {
			t.Errorf("message %d: FLAGS %v, want [\\Seen \\Recent]", i+1, m.Flags)
		}
	}

	if err := c.Store(imap.SeqSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged}, Silent: true}, nil).Close(); err != nil {
		t.Fatalf("STORE: %v", err)
	}
	sd, err := c.Search(&imap.SearchCriteria{Flag: []imap.Flag{imap.FlagFlagged}}, nil).Wait()
	if err != nil {
		t.Fatalf("SEARCH: %v", err)
	}
	if got := sd.AllSeqNums(); len(got) != 1 || got[0] != 2 {
		t.Errorf("SEARCH FLAGGED = %v, want [2]", got)
	}

	uid3 := msgs[2].UID
	cd, err := c.Copy(imap.UIDSetNum(uid3), "Archive").Wait()
	if err != nil {
		t.Fatalf("UID COPY: %v", err)
	}
	if cd.UIDValidity == 0 {
		t.Errorf("UID COPY: no COPYUID: %+v", cd)
	}
	if _, err := c.Move(imap.UIDSetNum(msgs[0].UID), "Archive").Wait(); err != nil {
		t.Fatalf("UID MOVE: %v", err)
	}
	if got := c.Mailbox().NumMessages; got != 2 {
		t.Errorf("after MOVE the client counts %d messages, want 2", got)
	}
	st, err := c.Status("Archive", &imap.StatusOptions{NumMessages: true, UIDNext: true}).Wait()
	if err != nil {
		t.Fatalf("STATUS: %v", err)
	}
	if st.NumMessages == nil || *st.NumMessages != 2 {
		t.Errorf("STATUS Archive MESSAGES = %v, want 2", st.NumMessages)
	}

	if err := c.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
		t.Fatalf("STORE \\Deleted: %v", err)
	}
	expunged, err := c.Expunge().Collect()
	if err != nil {
		t.Fatalf("EXPUNGE: %v", err)
	}
	if len(expunged) != 1 || expunged[0] != 1 {
		t.Errorf("EXPUNGE = %v, want [1]", expunged)
	}
	if err := c.Logout().Wait(); err != nil {
		t.Fatalf("LOGOUT: %v", err)
	}
}

// TestGoimapClientIdleOnMemserver: go-imap's client idles on memserver
// while an imapkit client appends; the idler is told of the new message.
func TestGoimapClientIdleOnMemserver(t *testing.T) {
	addr := startMemserver(t)
	exists := make(chan uint32, 16)
	c := dialMemserverGoimap(t, addr, &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					exists <- *d.NumMessages
				}
			},
		},
	})
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatalf("IDLE: %v", err)
	}

	other := dialGoimap(t, addr, nil)
	ctx := ctxFor(t)
	m := message(1, "")
	if _, err := other.Append(ctx, "INBOX", strings.NewReader(m), int64(len(m)), nil); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-exists:
		if n != 1 {
			t.Errorf("EXISTS %d, want 1", n)
		}
	case <-ctx.Done():
		t.Fatal("the idling go-imap client was never told of the APPEND")
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatalf("IDLE completion: %v", err)
	}
}
