package objectid_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/objectid"
	"github.com/imapkit/imapkit/seqset"
)

// Cyrus 3.6 offers OBJECTID; Dovecot 2.3 and Courier 5.0 do not.
func TestLiveObjectID(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{objectid.Install}}, []string{"OBJECTID"}, testLiveObjectID)
}

func testLiveObjectID(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	name := env.MailboxName(t, "imapkit-ext-objectid")
	id, err := objectid.Create(ctx, c, name)
	if err != nil || !id.Valid() {
		t.Fatalf("Create = %q, %v; want a MAILBOXID", id, err)
	}
	if got, err := objectid.MailboxID(ctx, c, name); err != nil || got != id {
		t.Errorf("STATUS (MAILBOXID) = %q, %v; want %q", got, err, id)
	}
	for i, m := range []string{
		"From: a@example.com\r\nSubject: x\r\nMessage-ID: <oid1@example.com>\r\n\r\nbody 1\r\n",
		"From: b@example.com\r\nSubject: Re: x\r\nMessage-ID: <oid2@example.com>\r\nIn-Reply-To: <oid1@example.com>\r\nReferences: <oid1@example.com>\r\n\r\nbody 2\r\n",
	} {
		if _, err := c.Append(ctx, name, strings.NewReader(m), int64(len(m)), nil); err != nil {
			t.Fatalf("APPEND %d: %v", i+1, err)
		}
	}
	mb, sid, err := objectid.Select(ctx, c, name, nil)
	if err != nil || sid != id || mb.Exists != 2 {
		t.Fatalf("Select = %+v, %q, %v; want 2 messages and MAILBOXID %q", mb, sid, err, id)
	}
	ids, err := objectid.Fetch(ctx, c, seqset.MustParse("1:*"))
	if err != nil || len(ids) != 2 {
		t.Fatalf("Fetch = %+v, %v", ids, err)
	}
	if !ids[0].EmailID.Valid() || !ids[1].EmailID.Valid() || ids[0].EmailID == ids[1].EmailID {
		t.Errorf("EMAILIDs = %q, %q; want two different ones", ids[0].EmailID, ids[1].EmailID)
	}
	for _, x := range ids {
		// Cyrus 3.6 without conversations does not thread, and wraps
		// its NIL in parentheses, where RFC 8474 §7 has
		// "THREADID" SP ( "(" objectid ")" / nil ):
		//   S: * 1 FETCH (UID 1 EMAILID (M84516cac7f9177c7be74a11c) THREADID (NIL))
		// The client takes it as no thread.
		if x.ThreadID != "" {
			t.Errorf("THREADID of %d = %q; want none (Cyrus sends (NIL))", x.Seq, x.ThreadID)
		}
	}
	uids, err := objectid.SearchEmailID(ctx, c, ids[1].EmailID)
	if err != nil || !slices.Equal(uids, []uint32{ids[1].UID}) {
		t.Errorf("SEARCH EMAILID %s = %v, %v; want [%d]", ids[1].EmailID, uids, err, ids[1].UID)
	}

	// A copy keeps its EMAILID (RFC 8474 §5.1).
	dst := env.Mailbox(t, c, "imapkit-ext-objectid-copy")
	if _, err := c.Copy(ctx, seqset.MustParse("1"), dst); err != nil {
		t.Fatal(err)
	}
	if _, _, err := objectid.Select(ctx, c, dst, nil); err != nil {
		t.Fatal(err)
	}
	cp, err := objectid.Fetch(ctx, c, seqset.MustParse("1"))
	if err != nil || len(cp) != 1 || cp[0].EmailID != ids[0].EmailID {
		t.Errorf("Fetch of the copy = %+v, %v; want EMAILID %s", cp, err, ids[0].EmailID)
	}
}
