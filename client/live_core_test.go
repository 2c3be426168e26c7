package client

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/seqset"
)

// Issue 9 item 1, live: Dovecot answers pipelined FETCHes of one message
// in parallel, so "* 4 FETCH" arrives several times before the
// completions. Each of 40 commands gets exactly its own response, by
// sequence number and by UID.
func TestLiveSameMessagePipelined(t *testing.T) {
	e := live(t)
	c := e.login(t, nil)
	ctx := testCtx(t)
	mbox := freshMailbox(t, c, "imapkit-same-message")
	appendN(t, c, mbox, 5, "same message")
	if _, err := c.Select(ctx, mbox, nil); err != nil {
		t.Fatal(err)
	}
	for _, uid := range []bool{false, true} {
		const n = 40
		cmds := make([]*FetchCommand, n)
		for i := range cmds {
			var err error
			if uid {
				cmds[i], err = c.UIDFetch(ctx, seqset.MustParse("4"), &FetchItems{Flags: true, RFC822Size: true}, nil)
			} else {
				cmds[i], err = c.Fetch(ctx, seqset.MustParse("4"), &FetchItems{Flags: true, RFC822Size: true}, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		for i, cmd := range cmds {
			msgs, err := cmd.CollectMessages(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 1 || msgs[0].Seq != 4 {
				t.Errorf("uid=%v: command %d of %d got %d responses; want 1", uid, i+1, n, len(msgs))
			}
		}
	}
}

// Issue 9 item 14, live: Dial of imap:// under RequireTLS upgrades with
// STARTTLS before anything else, and TLSConnectionState reports it.
func TestLiveRequireTLSStartTLS(t *testing.T) {
	e := live(t)
	ctx := testCtx(t)
	c, err := Dial(ctx, "imap://"+e.addr, &Options{RequireTLS: true, TLSConfig: e.tlsConfig(t)})
	if err != nil {
		t.Fatalf("Dial with RequireTLS: %v", err)
	}
	defer c.Close()
	st, ok := c.TLSConnectionState()
	if !ok || !st.HandshakeComplete || !c.IsTLS() {
		t.Fatalf("after Dial with RequireTLS: TLS state %v, %v", ok, st.HandshakeComplete)
	}
	if err := c.Login(ctx, e.user, e.pass); err != nil {
		t.Fatalf("Login over STARTTLS: %v", err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if !errors.Is(c.Err(), ErrClosed) {
		t.Errorf("Err after Logout = %v; want ErrClosed", c.Err())
	}
	plain, err := Dial(ctx, "imap://"+e.addr, &Options{InsecureAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if _, ok := plain.TLSConnectionState(); ok {
		t.Error("TLSConnectionState reports TLS on a cleartext connection")
	}
}
