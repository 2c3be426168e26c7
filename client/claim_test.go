package client

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Issue 9 item 1: Dovecot runs pipelined FETCHes of the same message in
// parallel and sends "* 4 FETCH" twice before either completion. Each
// command gets one, in order; the same holds for UID FETCH and STORE.
func TestSameMessageTwoCommands(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(c *Conn) (*FetchCommand, error)
		line  string
		resp  string
	}{
		{"FETCH", func(c *Conn) (*FetchCommand, error) {
			return c.Fetch(testCtx(t), seqset.MustParse("4"), &FetchItems{Flags: true}, nil)
		}, "FETCH 4 (FLAGS)", `* 4 FETCH (FLAGS (\Seen))`},
		{"UID FETCH", func(c *Conn) (*FetchCommand, error) {
			return c.UIDFetch(testCtx(t), seqset.MustParse("40"), &FetchItems{Flags: true}, nil)
		}, "UID FETCH 40 (UID FLAGS)", `* 4 FETCH (UID 40 FLAGS (\Seen))`},
		{"STORE", func(c *Conn) (*FetchCommand, error) {
			return c.Store(testCtx(t), seqset.MustParse("4"), &StoreFlags{Mode: StoreAdd, Flags: []string{`\Seen`}})
		}, `STORE 4 +FLAGS (\Seen)`, `* 4 FETCH (FLAGS (\Seen))`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, s := newFake(t, "* PREAUTH hi", nil)
			selectINBOX(t, c, s)
			f1, err := tc.start(c)
			if err != nil {
				t.Fatal(err)
			}
			f2, err := tc.start(c)
			if err != nil {
				t.Fatal(err)
			}
			s.expect("A2 " + tc.line)
			s.expect("A3 " + tc.line)
			s.send(tc.resp, tc.resp, "A2 OK done", "A3 OK done")
			for i, f := range []*FetchCommand{f1, f2} {
				got, err := f.CollectMessages(testCtx(t))
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 1 || got[0].Seq != 4 {
					t.Errorf("command %d got %d FETCH responses; want its own one", i+1, len(got))
				}
			}
		})
	}
}

// Issue 9 item 2: an unsolicited flag update (no UID) during a UID FETCH
// is not a fetched message: it goes to the unclaimed queue.
func TestUIDFetchLeavesFlagUpdates(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	f, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &FetchItems{Flags: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A2 UID FETCH 1:* (UID FLAGS)")
	s.send(`* 3 FETCH (FLAGS (\Seen))`, `* 1 FETCH (UID 7 FLAGS ())`, "A2 OK done")
	got, err := f.CollectMessages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].UID != 7 {
		t.Errorf("UID FETCH got %d messages (first UID %d); want only UID 7", len(got), got[0].UID)
	}
	u, err := c.Unclaimed(ctx)
	if err != nil || u.Num != 3 || u.Name != "FETCH" {
		t.Fatalf("unclaimed = %+v, %v; want * 3 FETCH", u, err)
	}
}

// Issue 9 item 3: two pipelined UID FETCHes answered out of order, bodies
// streamed. Each body reaches the callback of the command that asked for
// its UID, also when the UID comes after the body (then the literal is
// buffered until the UID is known).
func TestStreamedLiteralRoutedByUID(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 8, InsecureAuth: true})
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	bodies := map[string][]string{}
	fetch := func(name, set string) *FetchCommand {
		f, err := c.UIDFetch(ctx, seqset.MustParse(set), &FetchItems{Sections: []FetchSection{{}}},
			&FetchOptions{Literal: func(seq uint32, item string, size int64, r io.Reader) error {
				b, err := io.ReadAll(r)
				bodies[name] = append(bodies[name], string(b))
				return err
			}})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	f10 := fetch("10", "10")
	f20 := fetch("20", "20:21")
	s.expect("A2 UID FETCH 10 (UID BODY.PEEK[])")
	s.expect("A3 UID FETCH 20:21 (UID BODY.PEEK[])")
	body20 := "body of uid twenty"
	body21 := "body of uid twenty-one"
	body10 := "body of uid ten"
	s.send(
		"* 2 FETCH (UID 20 BODY[] {18}\r\n"+body20+")",
		"* 3 FETCH (BODY[] {22}\r\n"+body21+" UID 21)", // UID after the body
		"* 1 FETCH (UID 10 BODY[] {15}\r\n"+body10+")",
		"A3 OK done", "A2 OK done")
	var d10, d20 []*wire.FetchData
	done := make(chan struct{})
	go func() {
		defer close(done)
		var err error
		if d20, err = f20.CollectMessages(ctx); err != nil {
			t.Error(err)
		}
	}()
	d10, err := f10.CollectMessages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	<-done
	if !slices.Equal(bodies["10"], []string{body10}) || !slices.Equal(bodies["20"], []string{body20}) {
		t.Errorf("streamed bodies = %q; want each with its own UID", bodies)
	}
	if len(d10) != 1 || d10[0].UID != 10 || len(d20) != 2 || d20[0].UID != 20 || d20[1].UID != 21 {
		t.Fatalf("FETCH data: %d for 10, %d for 20:21", len(d10), len(d20))
	}
	// UID 21's body came before its UID: buffered, not streamed.
	if sec := d20[1].Sections; len(sec) != 1 || sec[0].Streamed || string(sec[0].Data) != body21 {
		t.Errorf("UID 21 section = %+v; want the buffered body", sec)
	}
}

// Issue 9 item 4: Claim runs without the connection's lock; one that
// reads the state, or closes the connection, does not deadlock.
func TestClaimMayCallConn(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	ctx := testCtx(t)
	var states []State
	cmd, err := c.Start(ctx, Spec{Name: "X", Claim: func(r *wire.Response) bool {
		states = append(states, c.State())
		_ = c.Mailbox()
		_ = c.IsTLS()
		return r.Name == "XDATA"
	}})
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A1 X")
	s.send("* XDATA 1", "A1 OK")
	if _, err := cmd.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(states, []State{StateAuthenticated}) {
		t.Errorf("states seen by Claim = %v", states)
	}

	closed := make(chan struct{})
	cmd, err = c.Start(ctx, Spec{Name: "Y", Claim: func(r *wire.Response) bool {
		c.Close()
		close(closed)
		return true
	}})
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A2 Y")
	s.send("* YDATA 1")
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close inside Claim deadlocked")
	}
	if _, err := cmd.Wait(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Wait after Close in Claim = %v; want ErrClosed", err)
	}
}

// Issue 9 item 5: a "+" nobody asked for is dropped: it never releases a
// later synchronizing literal (here LOGIN's password) before the server
// asked for it.
func TestStrayContinuationDropped(t *testing.T) {
	c, s := newFake(t, "* OK [CAPABILITY IMAP4rev1] hi", nil)
	ctx := testCtx(t)
	if _, err := c.Caps(ctx); err != nil {
		t.Fatal(err)
	}
	s.send("+ stray, no command at all")
	errc := make(chan error, 1)
	go func() { errc <- c.Noop(ctx) }()
	s.expect("A1 NOOP")
	s.send("+ stray, while NOOP runs", "A1 OK")
	if err := <-errc; err != nil {
		t.Fatalf("Noop after stray continuations: %v", err)
	}
	go func() { errc <- c.Login(ctx, "fred", "sécret") }()
	s.expect("A2 LOGIN fred {7}")
	// The server refuses the literal: the password must never be sent.
	s.send("A2 NO no literals today")
	if err := <-errc; err == nil {
		t.Fatal("Login succeeded")
	}
	go func() { errc <- c.Noop(ctx) }()
	if l := s.line(); l != "A3 NOOP" {
		t.Fatalf("client sent %q after the refused literal; want A3 NOOP (a stray + released the password)", l)
	}
	s.send("A3 OK")
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if n := c.strayCont.Load(); n != 2 {
		t.Errorf("stray continuations recorded: %d; want 2", n)
	}
}

// Issue 9 item 6: STATUS responses go to the command that asked for that
// mailbox (decoded from modified UTF-7), not to the oldest STATUS.
func TestStatusClaimedByMailbox(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	ctx := testCtx(t)
	type res struct {
		d   *wire.StatusData
		err error
	}
	r1, r2 := make(chan res, 1), make(chan res, 1)
	go func() { d, err := c.Status(ctx, "Entwürfe", []string{"MESSAGES"}); r1 <- res{d, err} }()
	s.expect(`A1 STATUS Entw&APw-rfe (MESSAGES)`)
	go func() { d, err := c.Status(ctx, "inbox", []string{"MESSAGES"}); r2 <- res{d, err} }()
	s.expect(`A2 STATUS INBOX (MESSAGES)`)
	s.send(`* STATUS INBOX (MESSAGES 2)`, `* STATUS Other (MESSAGES 9)`, `* STATUS Entw&APw-rfe (MESSAGES 1)`,
		"A1 OK", "A2 OK")
	a, b := <-r1, <-r2
	if a.err != nil || b.err != nil {
		t.Fatal(a.err, b.err)
	}
	if n, _ := a.d.Get("MESSAGES"); a.d.Mailbox != "Entwürfe" || n != 1 {
		t.Errorf("STATUS Entwürfe got %+v", a.d)
	}
	if n, _ := b.d.Get("MESSAGES"); b.d.Mailbox != "INBOX" || n != 2 {
		t.Errorf("STATUS INBOX got %+v", b.d)
	}
	u, err := c.Unclaimed(ctx)
	if err != nil || !strings.Contains(u.Data.(*wire.StatusData).Mailbox, "Other") {
		t.Errorf("unclaimed = %+v, %v; want the STATUS of Other", u, err)
	}
}

// Pipelined SEARCHes (and CAPABILITY, NAMESPACE, ID) each get their own
// single response, not the oldest both.
func TestPipelinedSearchesClaimOnce(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", nil)
	selectINBOX(t, c, s)
	ctx := testCtx(t)
	type res struct {
		r   *SearchResult
		err error
	}
	r1, r2 := make(chan res, 1), make(chan res, 1)
	go func() { r, err := c.UIDSearch(ctx, &SearchCriteria{Flag: []string{`\Seen`}}, nil); r1 <- res{r, err} }()
	s.line()
	go func() {
		r, err := c.UIDSearch(ctx, &SearchCriteria{NotFlag: []string{`\Seen`}}, nil)
		r2 <- res{r, err}
	}()
	s.line()
	s.send("* SEARCH 1 2", "* SEARCH 3", "A2 OK", "A3 OK")
	a, b := <-r1, <-r2
	if a.err != nil || b.err != nil {
		t.Fatal(a.err, b.err)
	}
	if !slices.Equal(a.r.Nums, []uint32{1, 2}) || !slices.Equal(b.r.Nums, []uint32{3}) {
		t.Errorf("searches got %v and %v; want [1 2] and [3]", a.r.Nums, b.r.Nums)
	}
}

// A Claim that needs the complete response (it reads Data) and declines
// the partial one offered at a streamed literal still gets the response:
// the literal is then buffered and Claim asked again.
func TestClaimAskedAgainWithCompleteResponse(t *testing.T) {
	c, s := newFake(t, "* PREAUTH hi", &Options{StreamThreshold: 8, InsecureAuth: true})
	ctx := testCtx(t)
	cmd, err := c.Start(ctx, Spec{Name: "X", Claim: func(r *wire.Response) bool {
		return r.Name == "XDATA" && r.Data != nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	s.expect("A1 X")
	s.send("* XDATA (a {20}\r\n01234567890123456789)", "A1 OK")
	resps, _, err := cmd.Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(resps) != 1 {
		t.Fatalf("command got %d responses; want the XDATA", len(resps))
	}
}
