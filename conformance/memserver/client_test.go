package memserver

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Full sessions of imapkit's client against the server.

func TestClientMailboxCommands(t *testing.T) {
	srv, addr := startServer(t, nil)
	if err := srv.SeedSample(testUser, 1); err != nil {
		t.Fatal(err)
	}
	c := dial(t, addr, nil, true)
	ctx := testCtx(t)

	caps, err := c.Capability(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"IMAP4rev2", "IDLE", "MOVE", "UIDPLUS", "CONDSTORE", "ESEARCH", "SPECIAL-USE", "LITERAL+", "COMPRESS=DEFLATE"} {
		if !slices.Contains(caps, want) {
			t.Errorf("capabilities %v lack %s", caps, want)
		}
	}
	id, err := c.ID(ctx, map[string]string{"name": "test"})
	if err != nil || id["name"] != "imapkit memserver" {
		t.Errorf("ID = %v, %v", id, err)
	}
	ns, err := c.Namespace(ctx)
	if err != nil || len(ns.Personal) != 1 || ns.Personal[0].Delim != '/' {
		t.Errorf("NAMESPACE = %+v, %v", ns, err)
	}

	// LIST with RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN)).
	lr, err := c.List(ctx, "", []string{"*"}, &client.ListOptions{Return: client.ListOptionNames("SPECIAL-USE"), Status: []string{"MESSAGES", "UNSEEN"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*wire.ListData{}
	for _, l := range lr.Mailboxes {
		got[l.Mailbox] = l
	}
	for _, mb := range SampleMailboxes {
		l := got[mb.Name]
		if l == nil {
			t.Errorf("LIST lacks %s: %v", mb.Name, lr.Mailboxes)
			continue
		}
		if mb.SpecialUse != "" && !l.HasAttr(mb.SpecialUse) {
			t.Errorf("%s attrs %v lack %s", mb.Name, l.Attrs, mb.SpecialUse)
		}
	}
	if l := got["Work"]; l == nil || !l.HasAttr(`\HasChildren`) {
		t.Errorf("Work: %+v; want \\HasChildren", l)
	}
	statusOf := map[string]*wire.StatusData{}
	for _, s := range lr.Status {
		statusOf[s.Mailbox] = s
	}
	if s := statusOf["INBOX"]; s == nil {
		t.Errorf("no STATUS for INBOX in %v", lr.Status)
	} else if n, _ := s.Get("MESSAGES"); n != 300 {
		t.Errorf("INBOX MESSAGES = %d; want 300", n)
	}
	// LIST "" % does not descend; SPECIAL-USE selection.
	lr, err = c.List(ctx, "", []string{"%"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lr.Mailboxes {
		if strings.Contains(l.Mailbox, "/") {
			t.Errorf("LIST %% returned %s", l.Mailbox)
		}
	}
	lr, err = c.List(ctx, "", []string{"*"}, &client.ListOptions{Selection: client.ListOptionNames("SPECIAL-USE")})
	if err != nil || len(lr.Mailboxes) != 5 {
		t.Errorf("LIST (SPECIAL-USE) = %d mailboxes, %v; want 5", len(lr.Mailboxes), err)
	}

	// CREATE, RENAME (with children), SUBSCRIBE, LSUB, DELETE.
	for _, name := range []string{"Projects/2024/Q1", "Café"} {
		if err := c.Create(ctx, name); err != nil {
			t.Fatalf("CREATE %s: %v", name, err)
		}
	}
	if err := c.Create(ctx, "Café"); err == nil {
		t.Error("CREATE of an existing mailbox succeeded")
	}
	if err := c.Rename(ctx, "Projects", "Old Projects"); err != nil {
		t.Fatal(err)
	}
	lr, err = c.List(ctx, "Old Projects/", []string{"*"}, nil)
	if err != nil || len(lr.Mailboxes) != 2 || lr.Mailboxes[1].Mailbox != "Old Projects/2024/Q1" {
		t.Errorf("after RENAME: %v, %v", lr, err)
	}
	if err := c.Subscribe(ctx, "Café"); err != nil {
		t.Fatal(err)
	}
	ls, err := c.Lsub(ctx, "", "*")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ls.Mailboxes, func(l *wire.ListData) bool { return l.Mailbox == "Café" }) {
		t.Errorf("LSUB lacks Café: %v", ls.Mailboxes)
	}
	if err := c.Unsubscribe(ctx, "Café"); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, "Café"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Status(ctx, "Café", []string{"MESSAGES"}); err == nil {
		t.Error("STATUS of a deleted mailbox succeeded")
	}
	if err := c.Delete(ctx, "INBOX"); err == nil {
		t.Error("DELETE INBOX succeeded")
	}
	st, err := c.Status(ctx, "Archive", []string{"MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "SIZE", "DELETED"})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Get("MESSAGES"); n != 120 {
		t.Errorf("Archive MESSAGES = %d", n)
	}
	if n, _ := st.Get("UIDNEXT"); n != 121 {
		t.Errorf("Archive UIDNEXT = %d", n)
	}
	if n, _ := st.Get("UNSEEN"); n != 0 {
		t.Errorf("Archive UNSEEN = %d (all seen)", n)
	}
	if n, _ := st.Get("SIZE"); n < 120*100 {
		t.Errorf("Archive SIZE = %d", n)
	}
	if err := c.Logout(ctx); err != nil {
		t.Error(err)
	}
}

func TestClientMessageCommands(t *testing.T) {
	srv, addr := startServer(t, nil)
	multipart := "From: =?utf-8?q?Zo=C3=AB?= <zoe@example.com>\r\nTo: undisclosed-recipients:;\r\nSubject: parts\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\npreamble\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nfirst part\r\n" +
		"--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"x.bin\"\r\n\r\nAAEC\r\n" +
		"--b1\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nFrom: carol@example.org\r\n\r\ninner body\r\n" +
		"--b1--\r\n"
	if err := srv.Seed(testUser, "INBOX",
		Message{Raw: testMessage("one"), Flags: []string{`\Seen`}},
		Message{Raw: testMessage("two")},
		Message{Raw: []byte(multipart), Flags: []string{"$Work"}},
		Message{Raw: testMessage("four"), Flags: []string{`\Deleted`}},
	); err != nil {
		t.Fatal(err)
	}
	c := dial(t, addr, nil, true)
	ctx := testCtx(t)
	mb, err := c.Select(ctx, "INBOX", nil)
	if err != nil {
		t.Fatal(err)
	}
	if mb.Exists != 4 || mb.UIDNext != 5 || mb.UIDValidity == 0 || !slices.Contains(mb.Flags, "$Work") {
		t.Errorf("SELECT: %+v", mb)
	}

	// FETCH: envelope, body structure, sections, partial, binary.
	f, err := c.Fetch(ctx, seqset.MustParse("3"), &client.FetchItems{
		UID: true, Flags: true, Envelope: true, BodyStructure: true, RFC822Size: true, InternalDate: true,
		Sections: []client.FetchSection{
			{Section: wire.Section{Part: []int{1}}},
			{Section: wire.Section{Specifier: wire.SectionHeaderFields, Fields: []string{"Subject"}}},
			{Section: wire.Section{Part: []int{3}, Specifier: wire.SectionHeader}},
			{Section: wire.Section{Part: []int{2}}, Binary: true},
			{Section: wire.Section{}, Offset: 2, Count: 4},
		},
		BinarySize: [][]int{{2}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := f.CollectMessages(ctx)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("FETCH: %v, %v", msgs, err)
	}
	m := msgs[0]
	if m.UID != 3 || !slices.Equal(m.Flags, []string{"$Work", `\Recent`}) || m.RFC822Size != int64(len(multipart)) {
		t.Errorf("FETCH basics: %+v", m)
	}
	if m.Envelope == nil || m.Envelope.Subject != "parts" || len(m.Envelope.From) != 1 || m.Envelope.From[0].Host != "example.com" ||
		m.Envelope.From[0].Name != "=?utf-8?q?Zo=C3=AB?=" || len(m.Envelope.Sender) != 1 {
		t.Errorf("ENVELOPE: %+v", m.Envelope)
	}
	bs := m.BodyStructure
	if bs == nil || !bs.IsMultipart() || len(bs.Parts) != 3 || bs.Parts[1].Encoding != "BASE64" ||
		bs.Parts[2].Body == nil || bs.Parts[2].Envelope.Subject != "inner" ||
		bs.Parts[1].Disposition == nil || bs.Parts[1].Disposition.Value != "ATTACHMENT" {
		t.Errorf("BODYSTRUCTURE: %+v", bs)
	}
	want := map[string]string{
		"1":                       "first part",
		"HEADER.FIELDS (SUBJECT)": "Subject: parts\r\n\r\n",
		"3.HEADER":                "Subject: inner\r\nFrom: carol@example.org\r\n\r\n",
		"BINARY 2":                "\x00\x01\x02",
		"whole <2>":               multipart[2:6],
	}
	if len(m.Sections) != 5 {
		t.Fatalf("sections: %+v", m.Sections)
	}
	for i, key := range []string{"1", "HEADER.FIELDS (SUBJECT)", "3.HEADER", "BINARY 2", "whole <2>"} {
		if got := string(m.Sections[i].Data); got != want[key] {
			t.Errorf("section %s = %q; want %q", key, got, want[key])
		}
	}
	if len(m.BinarySizes) != 1 || m.BinarySizes[0].Size != 3 {
		t.Errorf("BINARY.SIZE: %+v", m.BinarySizes)
	}

	// A FETCH of BODY[] without PEEK sets \Seen.
	f, err = c.Fetch(ctx, seqset.MustParse("2"), &client.FetchItems{Sections: []client.FetchSection{{SetSeen: true}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err = f.CollectMessages(ctx)
	if err != nil || len(msgs) == 0 || !bytes.Equal(msgs[0].Sections[0].Data, testMessage("two")) {
		t.Fatalf("FETCH BODY[]: %+v, %v", msgs, err)
	}
	if !slices.Contains(msgs[0].Flags, `\Seen`) {
		t.Errorf("BODY[] did not report \\Seen: %+v", msgs[0])
	}

	// SEARCH: keys and ESEARCH.
	for _, tc := range []struct {
		crit *client.SearchCriteria
		want []uint32
	}{
		{&client.SearchCriteria{Flag: []string{`\Seen`}}, []uint32{1, 2}},
		{&client.SearchCriteria{NotFlag: []string{`\Seen`}}, []uint32{3, 4}},
		{&client.SearchCriteria{Header: []client.SearchHeader{{Key: "Subject", Value: "TWO"}}}, []uint32{2}},
		{&client.SearchCriteria{Body: []string{"inner body"}}, []uint32{3}},
		{&client.SearchCriteria{Flag: []string{"$Work"}}, []uint32{3}},
		{&client.SearchCriteria{Or: [][2]client.SearchCriteria{{{Flag: []string{`\Deleted`}}, {Header: []client.SearchHeader{{Key: "From", Value: "zoë"}}}}}}, []uint32{3, 4}},
		{&client.SearchCriteria{SentOn: time.Date(1994, 2, 7, 0, 0, 0, 0, time.UTC)}, []uint32{1, 2, 4}},
		{&client.SearchCriteria{Larger: 300}, []uint32{3}},
	} {
		r, err := c.Search(ctx, tc.crit, nil)
		if err != nil {
			t.Errorf("SEARCH %+v: %v", tc.crit, err)
			continue
		}
		if !slices.Equal(r.Nums, tc.want) {
			t.Errorf("SEARCH %+v = %v; want %v", tc.crit, r.Nums, tc.want)
		}
	}
	r, err := c.UIDSearch(ctx, &client.SearchCriteria{}, &client.SearchOptions{Return: []string{"MIN", "MAX", "COUNT"}})
	if err != nil || r.ESearch == nil || r.ESearch.Min != 1 || r.ESearch.Max != 4 || r.ESearch.Count != 4 || !r.ESearch.UID {
		t.Errorf("UID SEARCH RETURN (MIN MAX COUNT) = %+v, %v", r, err)
	}

	// STORE, CONDSTORE UNCHANGEDSINCE.
	sf, err := c.Store(ctx, seqset.MustParse("1:2"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Flagged`}})
	if err != nil {
		t.Fatal(err)
	}
	msgs, err = sf.CollectMessages(ctx)
	if err != nil || len(msgs) != 2 || !slices.Contains(msgs[1].Flags, `\Flagged`) {
		t.Errorf("STORE: %+v, %v", msgs, err)
	}
	f, err = c.Fetch(ctx, seqset.MustParse("1"), &client.FetchItems{Extra: []wire.Value{wire.Atom("MODSEQ")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err = f.CollectMessages(ctx)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("FETCH MODSEQ: %v %v", msgs, err)
	}
	modItem, ok := msgs[0].Item("MODSEQ")
	if !ok {
		t.Fatalf("no MODSEQ in %+v", msgs[0])
	}
	ms := modSeqOf(t, modItem)
	cmd, err := c.Start(ctx, client.Spec{Name: "STORE", Args: []wire.Value{wire.Atom("1:2"),
		wire.List(wire.Atom("UNCHANGEDSINCE"), wire.Number(ms)), wire.Atom("+FLAGS.SILENT"), wire.List(wire.Atom("$X"))}})
	if err != nil {
		t.Fatal(err)
	}
	done, err := cmd.Wait(ctx)
	if err != nil || done.Code == nil || done.Code.Name != "MODIFIED" {
		t.Errorf("STORE UNCHANGEDSINCE: %+v, %v; want [MODIFIED 2]", done, err)
	} else if v := fmt.Sprint(done.Code.Args); !strings.Contains(v, "2") {
		t.Errorf("MODIFIED %v; want 2", done.Code.Args)
	}

	// COPY, MOVE with COPYUID; APPEND with APPENDUID.
	if err := c.Create(ctx, "Dest"); err != nil {
		t.Fatal(err)
	}
	cr, err := c.Copy(ctx, seqset.MustParse("1:2"), "Dest")
	if err != nil || cr == nil || cr.Dest.String() != "1:2" || cr.Source.String() != "1:2" {
		t.Errorf("COPY = %+v, %v", cr, err)
	}
	if _, err := c.Copy(ctx, seqset.MustParse("1"), "Nowhere"); err == nil || !strings.Contains(err.Error(), "TRYCREATE") {
		t.Errorf("COPY to a missing mailbox: %v; want TRYCREATE", err)
	}
	mr, err := c.UIDMove(ctx, seqset.MustParse("2"), "Dest")
	if err != nil || mr.CopyUID == nil || mr.CopyUID.Dest.String() != "3" {
		t.Errorf("UID MOVE = %+v, %v", mr, err)
	}
	if n := c.Mailbox().Exists; n != 3 {
		t.Errorf("after MOVE: %d messages; want 3", n)
	}
	ar, err := c.Append(ctx, "Dest", bytes.NewReader(testMessage("five")), int64(len(testMessage("five"))), &client.AppendOptions{Flags: []string{`\Draft`}, Date: time.Date(2020, 5, 1, 10, 0, 0, 0, time.UTC)})
	if err != nil || ar.UID != 4 {
		t.Errorf("APPEND = %+v, %v", ar, err)
	}

	// EXPUNGE and UID EXPUNGE.
	exp, err := c.Expunge(ctx)
	if err != nil || !slices.Equal(exp, []uint32{3}) {
		t.Errorf("EXPUNGE = %v, %v; want [3] (message 4 was \\Deleted)", exp, err)
	}
	if _, err := c.Store(ctx, seqset.MustParse("1:2"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Deleted`}, Silent: true}); err != nil {
		t.Fatal(err)
	}
	exp, err = c.UIDExpunge(ctx, seqset.MustParse("3"))
	if err != nil || !slices.Equal(exp, []uint32{2}) {
		t.Errorf("UID EXPUNGE 3 = %v, %v; want [2]", exp, err)
	}
	if err := c.Check(ctx); err != nil {
		t.Error(err)
	}
	if err := c.CloseMailbox(ctx); err != nil {
		t.Error(err)
	}
	st, err := c.Status(ctx, "INBOX", []string{"MESSAGES"})
	if n, _ := st.Get("MESSAGES"); err != nil || n != 0 {
		t.Errorf("after CLOSE: INBOX has %d messages, %v; want 0", n, err)
	}
	mb, err = c.Select(ctx, "Dest", &client.SelectOptions{ReadOnly: true})
	if err != nil || mb.Exists != 4 || !mb.ReadOnly {
		t.Errorf("EXAMINE Dest = %+v, %v", mb, err)
	}
	f, err = c.Fetch(ctx, seqset.MustParse("4"), &client.FetchItems{InternalDate: true, Flags: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err = f.CollectMessages(ctx)
	if err != nil || len(msgs) != 1 || !msgs[0].InternalDate.Equal(time.Date(2020, 5, 1, 10, 0, 0, 0, time.UTC)) || !slices.Contains(msgs[0].Flags, `\Draft`) {
		t.Errorf("appended message: %+v, %v", msgs, err)
	}
	sf, err = c.Store(ctx, seqset.MustParse("1"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Seen`}})
	if err == nil {
		_, err = sf.CollectMessages(ctx)
	}
	if err == nil || !strings.Contains(err.Error(), "READ-ONLY") {
		t.Errorf("STORE in EXAMINE: %v; want NO [READ-ONLY]", err)
	}
	if err := c.Unselect(ctx); err != nil {
		t.Error(err)
	}
}

func modSeqOf(t *testing.T, v any) uint64 {
	t.Helper()
	switch d := v.(type) {
	case wire.Value:
		if d.Kind == wire.KindList && len(d.List) == 1 {
			return d.List[0].Num
		}
	case uint64:
		return d
	}
	t.Fatalf("MODSEQ item %#v", v)
	return 0
}

func TestClientAuthenticatePlain(t *testing.T) {
	_, addr := startServer(t, nil)
	c := dial(t, addr, nil, false)
	ctx := testCtx(t)
	if err := c.Authenticate(ctx, sasl.NewPlainClient("", testUser, "wrong")); err == nil {
		t.Error("AUTHENTICATE with a wrong password succeeded")
	}
	if err := c.Authenticate(ctx, sasl.NewPlainClient("", testUser, testPass)); err != nil {
		t.Fatal(err)
	}
	if c.State() != client.StateAuthenticated {
		t.Errorf("state %v", c.State())
	}
}

func TestClientPipelining(t *testing.T) {
	srv, addr := startServer(t, nil)
	if err := srv.SeedSample(testUser, 2); err != nil {
		t.Fatal(err)
	}
	c := dial(t, addr, nil, true)
	ctx := testCtx(t)
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	var cmds []*client.FetchCommand
	for i := 0; i < 20; i++ {
		set := seqset.MustParse(fmt.Sprintf("%d:%d", i*15+1, i*15+15))
		f, err := c.Fetch(ctx, set, &client.FetchItems{UID: true, Envelope: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, f)
	}
	for i, f := range cmds {
		msgs, err := f.CollectMessages(ctx)
		if err != nil || len(msgs) != 15 {
			t.Fatalf("pipelined FETCH %d: %d messages, %v", i, len(msgs), err)
		}
		for j, m := range msgs {
			if m.Seq != uint32(i*15+j+1) || m.UID != m.Seq || m.Envelope == nil {
				t.Fatalf("pipelined FETCH %d got %+v", i, m)
			}
		}
	}
}

// TestIdleSeesOtherSession: one session IDLEs while another APPENDs,
// STOREs and EXPUNGEs (RFC 9051 §6.3.13, §7.5.1).
func TestIdleSeesOtherSession(t *testing.T) {
	srv, addr := startServer(t, nil)
	if err := srv.Seed(testUser, "INBOX", Message{Raw: testMessage("a")}, Message{Raw: testMessage("b")}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var events []string
	changed := make(chan struct{}, 100)
	note := func(s string) {
		mu.Lock()
		events = append(events, s)
		mu.Unlock()
		changed <- struct{}{}
	}
	watcher := dial(t, addr, &client.Options{
		MailboxUpdate: func(ev client.MailboxEvent) {
			switch ev.Kind {
			case client.EventExists:
				note(fmt.Sprintf("EXISTS %d", ev.Num))
			case client.EventExpunge:
				note(fmt.Sprintf("EXPUNGE %d", ev.Num))
			}
		},
		Unilateral: func(r *wire.Response) {
			if fd, ok := r.Data.(*wire.FetchData); ok && r.Name == "FETCH" {
				note(fmt.Sprintf("FETCH %d %v", fd.Seq, fd.Flags))
			}
		},
	}, true)
	ctx := testCtx(t)
	if _, err := watcher.Select(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	idleCtx, stop := context.WithCancel(ctx)
	idleDone := make(chan error, 1)
	go func() { idleDone <- watcher.Idle(idleCtx) }()

	other := dial(t, addr, nil, true)
	if _, err := other.Select(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	wait := func(want string) {
		t.Helper()
		for {
			mu.Lock()
			ok := slices.Contains(events, want)
			mu.Unlock()
			if ok {
				return
			}
			select {
			case <-changed:
			case <-ctx.Done():
				t.Fatalf("no %q; events %v", want, events)
			}
		}
	}
	// The first change can race with the start of IDLE: then it arrives
	// at the IDLE's start, which is what the test checks as well.
	if _, err := other.Append(ctx, "INBOX", bytes.NewReader(testMessage("c")), int64(len(testMessage("c"))), nil); err != nil {
		t.Fatal(err)
	}
	wait("EXISTS 3")
	if _, err := other.Store(ctx, seqset.MustParse("1"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Deleted`}, Silent: true}); err != nil {
		t.Fatal(err)
	}
	wait(`FETCH 1 [\Deleted \Recent]`) // \Recent: the watcher selected INBOX first
	if _, err := other.Expunge(ctx); err != nil {
		t.Fatal(err)
	}
	wait("EXPUNGE 1")
	stop()
	if err := <-idleDone; err != nil {
		t.Fatal(err)
	}
	if n := watcher.Mailbox().Exists; n != 2 {
		t.Errorf("watcher sees %d messages; want 2", n)
	}
}

func TestCompress(t *testing.T) {
	srv, addr := startServer(t, nil)
	if err := srv.SeedSample(testUser, 3); err != nil {
		t.Fatal(err)
	}
	c := dial(t, addr, nil, true)
	ctx := testCtx(t)
	if err := c.Compress(ctx, nil, 6); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{UID: true, Sections: []client.FetchSection{{}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := f.CollectMessages(ctx)
	if err != nil || len(msgs) != 300 {
		t.Fatalf("FETCH over DEFLATE: %d, %v", len(msgs), err)
	}
	if caps, _ := c.Capability(ctx); slices.Contains(caps, "COMPRESS=DEFLATE") {
		t.Error("COMPRESS=DEFLATE still advertised once active")
	}
}

func TestStartTLSAndImplicitTLS(t *testing.T) {
	serverCfg, clientCfg := selfSigned(t)
	srv, addr := startServer(t, &Options{TLSConfig: serverCfg})
	ctx := testCtx(t)
	c := dial(t, addr, &client.Options{TLSConfig: clientCfg}, false)
	if c.Require(ctx, "STARTTLS") != nil {
		t.Fatal("no STARTTLS")
	}
	if err := c.StartTLS(ctx); err != nil {
		t.Fatal(err)
	}
	if !c.IsTLS() {
		t.Error("not TLS after STARTTLS")
	}
	if err := c.Login(ctx, testUser, testPass); err != nil {
		t.Fatal(err)
	}
	if caps, _ := c.Capability(ctx); slices.Contains(caps, "STARTTLS") {
		t.Error("STARTTLS advertised after STARTTLS")
	}

	l, err := netListen(t)
	if err != nil {
		t.Fatal(err)
	}
	go srv.ServeTLS(l)
	tc, err := client.Dial(ctx, "imaps://"+l.Addr().String(), &client.Options{TLSConfig: clientCfg})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	if !tc.IsTLS() {
		t.Error("implicit TLS connection not TLS")
	}
	if err := tc.Login(ctx, testUser, testPass); err != nil {
		t.Fatal(err)
	}
}
