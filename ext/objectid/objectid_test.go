package objectid_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/internal/roundtrip"
	"github.com/imapkit/imapkit/ext/objectid"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

const greeting = "* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ ENABLE UIDPLUS OBJECTID] fake ready"

func decode(t testing.TB, reg *codec.Registry, strict bool, line string) (*wire.Response, error) {
	d := codec.NewDecoder(strings.NewReader(line+"\r\n"), &codec.DecoderOptions{Registry: reg, Strict: strict})
	return d.ReadResponse()
}

func reg() *codec.Registry {
	r := codec.NewBaseRegistry()
	objectid.RegisterCodec(r)
	return r
}

func dial(t *testing.T) (*client.Conn, *faketest.Server) {
	return faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{objectid.Install}})
}

// RFC 8474 §4.1: CREATE returns MAILBOXID in its tagged OK.
func TestRFC8474_4_1_Create(t *testing.T) {
	c, s := dial(t)
	done := faketest.Go(func() (objectid.ID, error) { return objectid.Create(faketest.Ctx(t), c, "foo") })
	s.Expect("A1 CREATE foo")
	s.Send("A1 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Completed")
	id, err := done()
	if err != nil || id != "F2212ea87-6097-4256-9d51-71338625" {
		t.Fatalf("Create = %q, %v", id, err)
	}
	// "5 create foo / 5 NO Mailbox already exists"
	done = faketest.Go(func() (objectid.ID, error) { return objectid.Create(faketest.Ctx(t), c, "foo") })
	s.Expect("A2 CREATE foo")
	s.Send("A2 NO Mailbox already exists")
	var se *client.StatusError
	if _, err := done(); !errors.As(err, &se) || se.Status != wire.StatusNo {
		t.Fatalf("Create of an existing mailbox: %v; want a NO StatusError", err)
	}
}

// RFC 8474 §4.1: SELECT's untagged OK [MAILBOXID].
func TestRFC8474_4_1_Select(t *testing.T) {
	resp, err := decode(t, reg(), true, "* OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Ok")
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := objectid.MailboxIDCode(resp); !ok || id != "F2212ea87-6097-4256-9d51-71338625" {
		t.Fatalf("MailboxIDCode = %q, %v", id, ok)
	}
	// The generic tree (no parser) reads the same.
	resp, err = decode(t, codec.NewBaseRegistry(), false, "* OK [MAILBOXID (F2212ea87)] Ok")
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := objectid.MailboxIDCode(resp); !ok || id != "F2212ea87" {
		t.Fatalf("MailboxIDCode(generic) = %q, %v", id, ok)
	}
	c, s := dial(t)
	m := s.Select(c, nil, "A1 SELECT INBOX", "* 3 EXISTS", "* OK [MAILBOXID (F2212ea87)] Ok")
	if m.Exists != 3 {
		t.Fatalf("Exists = %d", m.Exists)
	}
}

// RFC 8474 §4.2: STATUS MAILBOXID, before and after a rename.
func TestRFC8474_4_2_Status(t *testing.T) {
	c, s := dial(t)
	for i, tc := range []struct{ mbox, id string }{
		{"foo", "F2212ea87-6097-4256-9d51-71338625"},
		{"bar", "F6352ae03-b7f5-463c-896f-d8b48ee3"},
		{"renamed", "F2212ea87-6097-4256-9d51-71338625"},
	} {
		done := faketest.Go(func() (objectid.ID, error) { return objectid.MailboxID(faketest.Ctx(t), c, tc.mbox) })
		tag := "A" + string(rune('1'+i))
		s.Expect(tag + " STATUS " + tc.mbox + " (MAILBOXID)")
		s.Send("* STATUS "+tc.mbox+" (MAILBOXID ("+tc.id+"))", tag+" OK Completed")
		if id, err := done(); err != nil || string(id) != tc.id {
			t.Fatalf("MailboxID(%s) = %q, %v", tc.mbox, id, err)
		}
	}
	// The connection survives and plain STATUS still works.
	done := faketest.Go(func() (*wire.StatusData, error) {
		return c.Status(faketest.Ctx(t), "foo", []string{"MESSAGES"})
	})
	s.Expect("A4 STATUS foo (MESSAGES)")
	s.Send("* STATUS foo (MESSAGES 3)", "A4 OK Completed")
	if sd, err := done(); err != nil || sd == nil || sd.Items[0].Value != 3 {
		t.Fatalf("Status = %+v, %v", sd, err)
	}
}

// RFC 8474 §4.2: LIST-STATUS with MAILBOXID, several STATUS items.
func TestRFC8474_ListStatus(t *testing.T) {
	r := reg()
	resp, err := decode(t, r, true, "* STATUS INBOX (MESSAGES 2 MAILBOXID (Ff8e3ead4-9389-4aff-adb1-d8d89efd8cbf) UIDNEXT 9)")
	if err != nil {
		t.Fatal(err)
	}
	st, ok := resp.Data.(*wire.StatusData)
	if !ok || st.Mailbox != "INBOX" || len(st.Items) != 3 || st.Items[1].Data != objectid.ID("Ff8e3ead4-9389-4aff-adb1-d8d89efd8cbf") {
		t.Fatalf("Data = %#v", resp.Data)
	}
	if n, _ := st.Get("UIDNEXT"); n != 9 {
		t.Fatalf("UIDNEXT = %d", n)
	}
	if id, ok := objectid.StatusMailboxID(resp); !ok || id != st.Items[1].Data {
		t.Fatalf("StatusMailboxID = %q %v", id, ok)
	}
}

// RFC 8474 §5: FETCH EMAILID THREADID, and THREADID NIL.
func TestRFC8474_5_Fetch(t *testing.T) {
	c, s := dial(t)
	s.Select(c, nil, "A1 SELECT INBOX", "* 4 EXISTS")
	done := faketest.Go(func() ([]objectid.IDs, error) { return objectid.Fetch(faketest.Ctx(t), c, seqset.MustParse("1:*")) })
	s.Expect("A2 FETCH 1:* (UID EMAILID THREADID)")
	s.Send("* 1 FETCH (UID 1 EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))",
		"* 2 FETCH (UID 2 EMAILID (M288836c4c7a762) THREADID (T64b478a75b7ea9))",
		"* 3 FETCH (UID 3 EMAILID (M00000002) THREADID NIL)",
		// Cyrus 3.6 without conversations (not RFC 8474 §7 syntax).
		"* 4 FETCH (UID 4 EMAILID (M84516cac7f9177c7be74a11c) THREADID (NIL))",
		"A2 OK Completed (0.000 sec)")
	ids, err := done()
	if err != nil {
		t.Fatal(err)
	}
	want := []objectid.IDs{{1, 1, "M6d99ac3275bb4e", "T64b478a75b7ea9"}, {2, 2, "M288836c4c7a762", "T64b478a75b7ea9"}, {3, 3, "M00000002", ""}, {4, 4, "M84516cac7f9177c7be74a11c", ""}}
	if len(ids) != 4 {
		t.Fatalf("ids = %+v", ids)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Errorf("ids[%d] = %+v; want %+v", i, ids[i], want[i])
		}
	}
}

// RFC 8474 §6: SEARCH EMAILID / THREADID.
func TestRFC8474_6_Search(t *testing.T) {
	c, s := dial(t)
	s.Select(c, nil, "A1 SELECT INBOX", "* 3 EXISTS")
	done := faketest.Go(func() ([]uint32, error) { return objectid.SearchEmailID(faketest.Ctx(t), c, "M6d99ac3275bb4e") })
	s.Expect("A2 UID SEARCH EMAILID M6d99ac3275bb4e")
	s.Send("* SEARCH 1", "A2 OK Completed (1 msgs in 0.000 secs)")
	if n, err := done(); err != nil || len(n) != 1 || n[0] != 1 {
		t.Fatalf("SearchEmailID = %v, %v", n, err)
	}
	done = faketest.Go(func() ([]uint32, error) { return objectid.SearchThreadID(faketest.Ctx(t), c, "T64b478a75b7ea9") })
	s.Expect("A3 UID SEARCH THREADID T64b478a75b7ea9")
	s.Send("* SEARCH 1 2", "A3 OK Completed (2 msgs in 0.000 secs)")
	if n, err := done(); err != nil || len(n) != 2 {
		t.Fatalf("SearchThreadID = %v, %v", n, err)
	}
	// An ID that could inject syntax is refused before sending.
	if _, err := objectid.SearchEmailID(faketest.Ctx(t), c, "M1 ALL"); !errors.Is(err, objectid.ErrInvalidID) {
		t.Fatalf("SearchEmailID(invalid) = %v", err)
	}
	s.Quiet(50e6)
}

func TestNotSupported(t *testing.T) {
	c, s := faketest.New(t, faketest.Greeting, &client.Options{Extensions: []client.Extension{objectid.Install}})
	if _, err := objectid.MailboxID(faketest.Ctx(t), c, "INBOX"); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("MailboxID without OBJECTID: %v", err)
	}
	if _, err := objectid.Create(faketest.Ctx(t), c, "x"); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Create without OBJECTID: %v", err)
	}
	s.Quiet(50e6)
}

func TestMalformed(t *testing.T) {
	r := reg()
	for _, line := range []string{
		"* 1 FETCH (EMAILID ())",
		"* 1 FETCH (EMAILID (M1 M2))",
		"* 1 FETCH (EMAILID M1)",
		"* 1 FETCH (EMAILID (M.1))",
		"* 1 FETCH (EMAILID (" + strings.Repeat("a", 256) + "))",
		"* STATUS foo (MAILBOXID F1)",
		"* STATUS foo (MAILBOXID (F1) MESSAGES x)",
	} {
		if _, err := decode(t, r, true, line); err == nil {
			t.Errorf("strict decode of %q succeeded", line)
		}
	}
	// A response code that fails its parser falls back to a generic
	// value (the codec's policy for codes); the helper rejects it.
	if resp, err := decode(t, r, true, "* OK [MAILBOXID ()] x"); err == nil {
		if id, ok := objectid.MailboxIDCode(resp); ok {
			t.Errorf("MailboxIDCode of an empty ID = %q", id)
		}
	}
	if !objectid.ID(strings.Repeat("a", 255)).Valid() || objectid.ID("").Valid() || objectid.ID("a b").Valid() {
		t.Fatal("ID.Valid")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"* 1 FETCH (EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))",
		"* 3 FETCH (EMAILID (M00000002) THREADID NIL)",
		"* 4 FETCH (EMAILID (M84516cac7f9177c7be74a11c) THREADID (NIL))",
		"* OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Ok",
		"* STATUS INBOX (MESSAGES 2 MAILBOXID (Ff8e3ead4) UIDNEXT 9)",
		"* STATUS foo (MAILBOXID",
	} {
		f.Add(s)
	}
	r := reg()
	f.Fuzz(func(t *testing.T, line string) {
		roundtrip.Stable(t, r, line+"\r\n")
		for _, strict := range []bool{true, false} {
			resp, err := decode(t, r, strict, line)
			if err != nil {
				continue
			}
			objectid.MailboxIDCode(resp)
			objectid.StatusMailboxID(resp)
			if fd, ok := resp.Data.(*wire.FetchData); ok {
				if id, ok := objectid.EmailID(fd); ok && !id.Valid() {
					t.Fatalf("EmailID %q is not valid", id)
				}
				objectid.ThreadID(fd)
			}
		}
	})
}

func TestRoundTrip(t *testing.T) {
	roundtrip.Check(t, reg(), func(r *wire.Response) bool {
		if r.Code != nil {
			_, ok := r.Code.Data.(objectid.ID)
			return ok
		}
		if fd, ok := r.Data.(*wire.FetchData); ok {
			_, ok = fd.Items[len(fd.Items)-1].Data.(objectid.ID)
			return ok
		}
		return true
	},
		"* OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Ok",
		"A3 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Completed",
		"* 1 FETCH (EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))",
		"* 3 FETCH (UID 3 EMAILID (M00000002) THREADID NIL)",
		"* STATUS foo (MAILBOXID (F2212ea87-6097-4256-9d51-71338625))",
		"* STATUS INBOX (MESSAGES 2 MAILBOXID (Ff8e3ead4) UIDNEXT 9)",
		"* STATUS INBOX (MESSAGES 2 UIDNEXT 9 MAILBOXID (Ff8e3ead4))",
		"* STATUS INBOX (MESSAGES 2 UIDNEXT 9)",
		"* STATUS INBOX ()",
	)
}

// RFC 8474 §4.1: "27 select foo" with * OK [MAILBOXID (...)]; the
// client's mailbox state follows as for client.Conn.Select.
func TestRFC8474_4_1_SelectID(t *testing.T) {
	c, s := dial(t)
	type res struct {
		m  *client.Mailbox
		id objectid.ID
	}
	done := faketest.Go(func() (res, error) {
		m, id, err := objectid.Select(faketest.Ctx(t), c, "foo", nil)
		return res{m, id}, err
	})
	s.Expect("A1 SELECT foo")
	s.Send("* 2 EXISTS", "* OK [UIDVALIDITY 1524095397] Ok", "* OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Ok", "A1 OK [READ-WRITE] Completed")
	r, err := done()
	if err != nil || r.id != "F2212ea87-6097-4256-9d51-71338625" || r.m == nil || r.m.Exists != 2 || r.m.UIDValidity != 1524095397 {
		t.Fatalf("Select = %+v, %v", r, err)
	}
	if c.State() != client.StateSelected || c.Mailbox().Name != "foo" {
		t.Fatalf("state %v, mailbox %+v", c.State(), c.Mailbox())
	}
	// A failed SELECT leaves no mailbox selected.
	done = faketest.Go(func() (res, error) {
		m, id, err := objectid.Select(faketest.Ctx(t), c, "nope", &client.SelectOptions{ReadOnly: true})
		return res{m, id}, err
	})
	s.Expect("A2 EXAMINE nope")
	s.Send("A2 NO Mailbox doesn't exist")
	if _, err := done(); err == nil || c.State() != client.StateAuthenticated {
		t.Fatalf("failed EXAMINE: %v, state %v", err, c.State())
	}
}
