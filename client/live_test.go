package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/transport"
	"github.com/imapkit/imapkit/wire"
)

// Live tests run against the project's private Dovecot
// (scripts/servers/dovecot.sh start; eval "$(scripts/servers/dovecot.sh
// env)"). Without it they skip, except under CI=true, where a missing
// server is a failure.

type liveEnv struct {
	addr, tlsAddr, ca, user, pass, user2, pass2, preauth string
}

func live(t *testing.T) liveEnv {
	t.Helper()
	e := liveEnv{
		addr:    os.Getenv("IMAPKIT_DOVECOT_ADDR"),
		tlsAddr: os.Getenv("IMAPKIT_DOVECOT_TLS_ADDR"),
		ca:      os.Getenv("IMAPKIT_DOVECOT_CA"),
		user:    os.Getenv("IMAPKIT_DOVECOT_USER"),
		pass:    os.Getenv("IMAPKIT_DOVECOT_PASS"),
		user2:   os.Getenv("IMAPKIT_DOVECOT_USER2"),
		pass2:   os.Getenv("IMAPKIT_DOVECOT_PASS2"),
		preauth: os.Getenv("IMAPKIT_DOVECOT_PREAUTH_CMD"),
	}
	if e.addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("live Dovecot not configured (IMAPKIT_DOVECOT_ADDR unset) under CI=true")
		}
		t.Skip("live Dovecot not configured: run scripts/servers/dovecot.sh start and eval its env")
	}
	return e
}

func (e liveEnv) tlsConfig(t *testing.T) *tls.Config {
	t.Helper()
	pem, err := os.ReadFile(e.ca)
	if err != nil {
		t.Fatalf("reading the test CA: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("no certificate in %s", e.ca)
	}
	return &tls.Config{RootCAs: pool, ServerName: "localhost"}
}

// login dials the plain port and logs in as the first test user.
func (e liveEnv) login(t *testing.T, opts *Options) *Conn {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	opts.InsecureAuth = true
	c, err := Dial(testCtx(t), "imap://"+e.addr, opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(testCtx(t), e.user, e.pass); err != nil {
		t.Fatalf("Login: %v", err)
	}
	return c
}

// freshMailbox creates an empty mailbox named for the test and the
// process, so that runs of the same tests in other checkouts against the
// shared server do not collide.
func freshMailbox(t *testing.T, c *Conn, name string) string {
	t.Helper()
	name = fmt.Sprintf("%s-p%d", name, os.Getpid())
	ctx := testCtx(t)
	c.Delete(ctx, name) // left over from an earlier run, or absent
	if err := c.Create(ctx, name); err != nil {
		t.Fatalf("Create %q: %v", name, err)
	}
	t.Cleanup(func() {
		if c.Err() == nil {
			c.Delete(context.Background(), name)
		}
	})
	return name
}

func testMessage(i int, body string) string {
	return fmt.Sprintf("From: Sender %d <sender%d@example.com>\r\nTo: rcpt@example.org\r\n"+
		"Subject: test message %d\r\nDate: Mon, 2 Jan 2006 15:04:05 +0000\r\n"+
		"Message-ID: <m%d@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", i, i, i, i, body)
}

func appendN(t *testing.T, c *Conn, mbox string, n int, body string) {
	t.Helper()
	ctx := testCtx(t)
	var cmds []*AppendCommand
	for i := 1; i <= n; i++ {
		msg := testMessage(i, body)
		cmd, err := c.StartAppend(ctx, mbox, strings.NewReader(msg), int64(len(msg)), &AppendOptions{Flags: []string{"$Test"}})
		if err != nil {
			t.Fatalf("APPEND %d: %v", i, err)
		}
		cmds = append(cmds, cmd)
	}
	for i, cmd := range cmds {
		if _, err := cmd.Wait(ctx); err != nil {
			t.Fatalf("APPEND %d: %v", i+1, err)
		}
	}
}

func TestLiveLoginAndCapabilities(t *testing.T) {
	e := live(t)
	c, err := Dial(testCtx(t), "imap://"+e.addr, &Options{InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := testCtx(t)
	if c.Require(ctx, "STARTTLS") != nil || c.Require(ctx, "MOVE") == nil {
		t.Errorf("pre-login capabilities: %v", c.capList())
	}
	if err := c.Login(ctx, e.user, "wrong"); err == nil {
		t.Fatal("Login with a wrong password succeeded")
	} else {
		var se *StatusError
		if !errors.As(err, &se) || se.Status != wire.StatusNo {
			t.Fatalf("wrong password: %v; want a StatusError NO", err)
		}
	}
	if err := c.Login(ctx, e.user, e.pass); err != nil {
		t.Fatal(err)
	}
	for _, cap := range []string{"MOVE", "UIDPLUS", "CONDSTORE", "IDLE", "COMPRESS=DEFLATE"} {
		if c.Require(ctx, cap) != nil {
			t.Errorf("post-login capability %s missing: %v", cap, c.capList())
		}
	}
	if err := c.Logout(ctx); err != nil {
		t.Errorf("Logout: %v", err)
	}
	if c.State() != StateLogout {
		t.Errorf("state after Logout = %v", c.State())
	}
}

func TestLiveStartTLSAndImplicitTLS(t *testing.T) {
	e := live(t)
	cfg := e.tlsConfig(t)
	ctx := testCtx(t)
	c, err := Dial(ctx, "imap://"+e.addr, &Options{TLSConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, e.user, e.pass); !errors.Is(err, ErrInsecureAuth) {
		t.Fatalf("Login before STARTTLS = %v; want ErrInsecureAuth", err)
	}
	if err := c.StartTLS(ctx); err != nil {
		t.Fatalf("StartTLS: %v", err)
	}
	if !c.IsTLS() {
		t.Fatal("not TLS after StartTLS")
	}
	if c.Require(ctx, "STARTTLS") == nil {
		t.Error("STARTTLS still advertised: capabilities were not refreshed")
	}
	if err := c.Authenticate(ctx, sasl.NewPlainClient("", e.user, e.pass)); err != nil {
		t.Fatalf("AUTHENTICATE PLAIN over STARTTLS: %v", err)
	}
	if c.State() != StateAuthenticated {
		t.Errorf("state = %v", c.State())
	}

	c2, err := Dial(ctx, "imaps://"+e.tlsAddr, &Options{TLSConfig: cfg})
	if err != nil {
		t.Fatalf("implicit TLS: %v", err)
	}
	defer c2.Close()
	if !c2.IsTLS() {
		t.Fatal("imaps connection without TLS")
	}
	if err := c2.Login(ctx, e.user, e.pass); err != nil {
		t.Fatal(err)
	}
	// An unverifiable certificate is refused.
	if c3, err := Dial(ctx, "imaps://"+e.tlsAddr, nil); err == nil {
		c3.Close()
		t.Error("implicit TLS with an untrusted certificate succeeded")
	}
}

func TestLiveMailboxes(t *testing.T) {
	e := live(t)
	c := e.login(t, nil)
	ctx := testCtx(t)
	name := freshMailbox(t, c, "Entwürfe 台北")
	if err := c.Rename(ctx, name, name+" renamed"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Delete(context.Background(), name+" renamed") })
	if err := c.Subscribe(ctx, name+" renamed"); err != nil {
		t.Fatal(err)
	}
	res, err := c.List(ctx, "", []string{"*"}, &ListOptions{Return: ListOptionNames("SUBSCRIBED"), Status: []string{"MESSAGES", "UIDNEXT"}})
	if err != nil {
		t.Fatal(err)
	}
	var found *wire.ListData
	for _, m := range res.Mailboxes {
		if m.Mailbox == name+" renamed" {
			found = m
		}
	}
	if found == nil || !found.HasAttr(wire.AttrSubscribed) || found.Delim != '/' {
		t.Fatalf("LIST did not return the renamed, subscribed mailbox decoded from modified UTF-7: %+v", res.Mailboxes)
	}
	if len(res.Status) == 0 {
		t.Error("LIST RETURN (STATUS) returned no STATUS data")
	}
	st, err := c.Status(ctx, name+" renamed", []string{wire.StatusMessages, wire.StatusUIDNext, wire.StatusUIDValidity})
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := st.Get(wire.StatusMessages); !ok || n != 0 || st.Mailbox != name+" renamed" {
		t.Errorf("STATUS = %+v", st)
	}
	ns, err := c.Namespace(ctx)
	if err != nil || len(ns.Personal) != 1 {
		t.Errorf("NAMESPACE = %+v, %v", ns, err)
	}
	if err := c.Unsubscribe(ctx, name+" renamed"); err != nil {
		t.Error(err)
	}
	var se *StatusError
	if err := c.Create(ctx, "INBOX"); !errors.As(err, &se) {
		t.Errorf("CREATE INBOX = %v; want a StatusError", err)
	}
	lsub, err := c.Lsub(ctx, "", "*")
	if err != nil || len(lsub.Mailboxes) == 0 {
		t.Errorf("LSUB = %+v, %v", lsub, err)
	}
}

func TestLiveMessages(t *testing.T) {
	e := live(t)
	c := e.login(t, nil)
	ctx := testCtx(t)
	mbox := freshMailbox(t, c, "imapkit-messages")
	appendN(t, c, mbox, 5, "hello, world")
	date := time.Date(2020, 5, 17, 10, 20, 30, 0, time.FixedZone("", 2*3600))
	msg := testMessage(6, "dated")
	ar, err := c.Append(ctx, mbox, strings.NewReader(msg), int64(len(msg)), &AppendOptions{Flags: []string{wire.FlagFlagged}, Date: date})
	if err != nil {
		t.Fatal(err)
	}
	if ar.UID != 6 || ar.UIDValidity == 0 {
		t.Errorf("APPENDUID = %+v; want UID 6", ar)
	}
	m, err := c.Select(ctx, mbox, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Exists != 6 || m.UIDNext != 7 || m.ReadOnly {
		t.Errorf("SELECT = %+v", m)
	}
	f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &FetchItems{UID: true, Flags: true, InternalDate: true, RFC822Size: true, Envelope: true, BodyStructure: true,
		Sections: []FetchSection{{Section: wire.Section{Specifier: wire.SectionHeaderFields, Fields: []string{"Subject"}}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := f.CollectMessages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 6 {
		t.Fatalf("FETCH returned %d messages", len(msgs))
	}
	last := msgs[5]
	if last.UID != 6 || last.Envelope.Subject != "test message 6" || last.Envelope.From[0].Addr() != "sender6@example.com" ||
		!last.InternalDate.Equal(date) || last.RFC822Size != int64(len(msg)) || !strings.EqualFold(last.BodyStructure.Subtype, "plain") {
		t.Errorf("FETCH data of message 6: %+v env %+v", last, last.Envelope)
	}
	if len(last.Sections) != 1 || !strings.Contains(string(last.Sections[0].Data), "Subject: test message 6") {
		t.Errorf("BODY[HEADER.FIELDS (Subject)] = %+v", last.Sections)
	}

	st, err := c.Store(ctx, seqset.MustParse("1:2"), &StoreFlags{Mode: StoreAdd, Flags: []string{wire.FlagDeleted}})
	if err != nil {
		t.Fatal(err)
	}
	echo, err := st.CollectMessages(ctx)
	if err != nil || len(echo) != 2 {
		t.Fatalf("STORE echoed %d FETCH responses, %v", len(echo), err)
	}
	sr, err := c.UIDSearch(ctx, &SearchCriteria{Flag: []string{wire.FlagDeleted}}, nil)
	if err != nil || len(sr.Nums) != 2 || sr.Nums[0] != 1 || sr.Nums[1] != 2 {
		t.Fatalf("UID SEARCH DELETED = %+v, %v", sr, err)
	}
	sr, err = c.Search(ctx, &SearchCriteria{Header: []SearchHeader{{"Subject", "message 4"}}}, nil)
	if err != nil || len(sr.Nums) != 1 || sr.Nums[0] != 4 {
		t.Fatalf("SEARCH SUBJECT = %+v, %v", sr, err)
	}
	sr, err = c.UIDSearch(ctx, &SearchCriteria{Not: []SearchCriteria{{Flag: []string{wire.FlagDeleted}}}}, &SearchOptions{Return: []string{"MIN", "MAX", "COUNT"}})
	if err != nil || sr.ESearch == nil || sr.ESearch.Min != 3 || sr.ESearch.Max != 6 || sr.ESearch.Count != 4 {
		t.Fatalf("UID SEARCH RETURN (MIN MAX COUNT) = %+v, %v", sr.ESearch, err)
	}
	exp, err := c.Expunge(ctx)
	if err != nil || len(exp) != 2 {
		t.Fatalf("EXPUNGE = %v, %v", exp, err)
	}
	if n := c.Mailbox().Exists; n != 4 {
		t.Errorf("Exists after EXPUNGE = %d; want 4", n)
	}

	other := freshMailbox(t, c, "imapkit-messages-other")
	cr, err := c.UIDCopy(ctx, seqset.MustParse("3:4"), other)
	if err != nil || cr == nil || cr.Source.String() != "3:4" || cr.Dest.String() != "1:2" {
		t.Fatalf("UID COPY = %+v, %v", cr, err)
	}
	mr, err := c.Move(ctx, seqset.MustParse("1"), other)
	if err != nil || mr.CopyUID == nil || mr.CopyUID.Dest.String() != "3" {
		t.Fatalf("MOVE = %+v, %v", mr, err)
	}
	if n := c.Mailbox().Exists; n != 3 {
		t.Errorf("Exists after MOVE = %d; want 3", n)
	}
	if _, err := c.UIDStore(ctx, seqset.MustParse("6"), &StoreFlags{Mode: StoreAdd, Flags: []string{wire.FlagDeleted}, Silent: true}); err != nil {
		t.Fatal(err)
	}
	if exp, err := c.UIDExpunge(ctx, seqset.MustParse("6")); err != nil || len(exp) != 1 {
		t.Errorf("UID EXPUNGE = %v, %v", exp, err)
	}
	if err := c.Check(ctx); err != nil {
		t.Error(err)
	}
	if err := c.Unselect(ctx); err != nil {
		t.Error(err)
	}
	if c.State() != StateAuthenticated {
		t.Errorf("state after UNSELECT = %v", c.State())
	}
	if _, err := c.Fetch(ctx, seqset.MustParse("1"), nil, nil); err == nil {
		t.Error("FETCH without a selected mailbox was sent")
	} else {
		var se *StateError
		if !errors.As(err, &se) {
			t.Errorf("FETCH without a mailbox = %v; want StateError", err)
		}
	}
}

// Pipelining against a real server: 200 UID FETCHes in flight at once,
// each one's responses landing with it.
func TestLivePipelining(t *testing.T) {
	e := live(t)
	c := e.login(t, nil)
	ctx := testCtx(t)
	mbox := freshMailbox(t, c, "imapkit-pipeline")
	appendN(t, c, mbox, 20, "pipelined")
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}
	const n = 200
	cmds := make([]*FetchCommand, n)
	for i := range cmds {
		uid := uint32(i%20 + 1)
		var set seqset.Set
		set.Add(uid)
		cmd, err := c.UIDFetch(ctx, set, &FetchItems{Envelope: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	for i, cmd := range cmds {
		msgs, err := cmd.CollectMessages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := uint32(i%20 + 1)
		if len(msgs) != 1 || msgs[0].UID != want || msgs[0].Envelope.Subject != fmt.Sprintf("test message %d", want) {
			t.Fatalf("command %d (UID %d) got %+v", i, want, msgs)
		}
	}
}

func TestLiveIdle(t *testing.T) {
	e := live(t)
	var mu sync.Mutex
	exists := make(chan uint32, 8)
	c := e.login(t, &Options{MailboxUpdate: func(ev MailboxEvent) {
		if ev.Kind == EventExists {
			mu.Lock()
			defer mu.Unlock()
			exists <- ev.Num
		}
	}})
	ctx := testCtx(t)
	mbox := freshMailbox(t, c, "imapkit-idle")
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}
	idleCtx, stop := context.WithCancel(ctx)
	idleDone := make(chan error, 1)
	go func() { idleDone <- c.Idle(idleCtx) }()
	time.Sleep(100 * time.Millisecond) // let IDLE start; the APPEND is news either way

	other := e.login(t, nil)
	appendN(t, other, mbox, 1, "wake up")
	select {
	case n := <-exists:
		if n != 1 {
			t.Errorf("EXISTS %d; want 1", n)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("IDLE was not told of the APPEND from the second connection")
	}
	stop()
	if err := <-idleDone; err != nil {
		t.Fatalf("Idle: %v", err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("NOOP after IDLE: %v", err)
	}
}

func TestLiveCompress(t *testing.T) {
	e := live(t)
	for _, f := range []transport.Flate{transport.Klauspost{}, transport.Stdlib{}} {
		t.Run(fmt.Sprintf("%T", f), func(t *testing.T) {
			c := e.login(t, nil)
			ctx := testCtx(t)
			if err := c.Compress(ctx, f, -1); err != nil {
				t.Fatalf("COMPRESS: %v", err)
			}
			mbox := freshMailbox(t, c, "imapkit-compress")
			appendN(t, c, mbox, 10, strings.Repeat("compressible text ", 500))
			if _, err := c.Select(ctx, mbox, nil); err != nil {
				t.Fatal(err)
			}
			f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &FetchItems{Sections: []FetchSection{{}}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			msgs, err := f.CollectMessages(ctx)
			if err != nil || len(msgs) != 10 || !bytes.Contains(msgs[9].Sections[0].Data, []byte("compressible text")) {
				t.Fatalf("FETCH over COMPRESS: %d messages, %v", len(msgs), err)
			}
		})
	}
}

func TestLivePreauthSubprocess(t *testing.T) {
	e := live(t)
	if e.preauth == "" {
		t.Fatal("IMAPKIT_DOVECOT_PREAUTH_CMD unset")
	}
	ctx := testCtx(t)
	nc, err := transport.DialCommand(ctx, "/bin/sh", "-c", e.preauth)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(ctx, nc, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.State() != StateAuthenticated {
		t.Fatalf("state after PREAUTH = %v", c.State())
	}
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Errorf("Logout: %v", err)
	}
}

// A 200 MB mailbox streamed with FETCH BODY[]: the Go heap stays under
// 64 MiB because each message reaches the caller as a stream.
func TestLiveStreamLargeMailbox(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("200 MB download; not under -short")
	}
	e := live(t)
	c := e.login(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	mbox := freshMailbox(t, c, "imapkit-large")
	const count, size = 200, 1 << 20
	body := bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/\r\n"), size/66)
	hdr := "From: big@example.com\r\nSubject: big\r\n\r\n"
	total := int64(len(hdr) + len(body))
	var cmds []*AppendCommand
	for range count {
		cmd, err := c.StartAppend(ctx, mbox, io.MultiReader(strings.NewReader(hdr), bytes.NewReader(body)), total, nil)
		if err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		if len(cmds) == 16 {
			for _, cmd := range cmds {
				if _, err := cmd.Wait(ctx); err != nil {
					t.Fatal(err)
				}
			}
			cmds = cmds[:0]
		}
	}
	for _, cmd := range cmds {
		if _, err := cmd.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var streamed int64
	var peak uint64
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	f, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &FetchItems{Sections: []FetchSection{{}}}, &FetchOptions{
		Literal: func(seq uint32, item string, size int64, r io.Reader) error {
			n, err := io.Copy(io.Discard, r)
			streamed += n
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range f.Messages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != count || streamed != count*total {
		t.Fatalf("streamed %d messages, %d bytes; want %d, %d", n, streamed, count, count*total)
	}
	t.Logf("streamed %d MB; peak heap %d MiB", streamed>>20, peak>>20)
	if peak > 64<<20 {
		t.Errorf("peak heap %d MiB while streaming; want under 64 MiB", peak>>20)
	}
}

func TestLiveMultiAppend(t *testing.T) {
	e := live(t)
	c := e.login(t, nil)
	ctx := testCtx(t)
	mbox := freshMailbox(t, c, "imapkit-multiappend")
	var msgs []AppendMessage
	for i := 1; i <= 50; i++ {
		m := testMessage(i, "multi")
		msgs = append(msgs, AppendMessage{Body: strings.NewReader(m), Size: int64(len(m)), AppendOptions: AppendOptions{Flags: []string{wire.FlagSeen}}})
	}
	res, err := c.AppendMulti(ctx, mbox, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.UIDs) != 50 || res.UIDs[0] != 1 || res.UIDs[49] != 50 {
		t.Fatalf("MULTIAPPEND UIDs = %v", res.UIDs)
	}
	st, err := c.Status(ctx, mbox, []string{wire.StatusMessages, wire.StatusUnseen})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Get(wire.StatusMessages); n != 50 {
		t.Errorf("MESSAGES = %d; want 50", n)
	}
	if n, _ := st.Get(wire.StatusUnseen); n != 0 {
		t.Errorf("UNSEEN = %d; want 0 (each message was appended \\Seen)", n)
	}
}
