package memserver

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
)

// TestConcurrentSessions: sessions that append, flag, expunge and fetch
// in one mailbox at the same time each keep a consistent view: message
// numbers in FETCH responses are within the count the session was told,
// UIDs grow with them, and after a NOOP every session agrees with STATUS.
func TestConcurrentSessions(t *testing.T) {
	srv, addr := startServer(t, nil)
	var seed []Message
	for i := 0; i < 40; i++ {
		seed = append(seed, Message{Raw: testMessage(fmt.Sprint("seed ", i))})
	}
	if err := srv.Seed(testUser, "INBOX", seed...); err != nil {
		t.Fatal(err)
	}
	const sessions, rounds = 4, 30
	conns := make([]*client.Conn, sessions)
	for i := range conns {
		conns[i] = dial(t, addr, nil, true)
		if _, err := conns[i].Select(testCtx(t), "INBOX", nil); err != nil {
			t.Fatal(err)
		}
	}
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, sessions)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- churn(ctx, c, rand.New(rand.NewPCG(uint64(i), 7)), rounds)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	st, err := conns[0].Status(ctx, "INBOX", []string{"MESSAGES"})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := st.Get("MESSAGES")
	for i, c := range conns {
		if err := c.Noop(ctx); err != nil {
			t.Fatal(err)
		}
		if got := c.Mailbox().Exists; uint64(got) != want {
			t.Errorf("session %d sees %d messages; STATUS says %d", i, got, want)
		}
	}
}

func churn(ctx context.Context, c *client.Conn, r *rand.Rand, rounds int) error {
	for i := 0; i < rounds; i++ {
		n := c.Mailbox().Exists
		switch k := r.IntN(5); {
		case k == 0:
			m := testMessage("churn")
			if _, err := c.Append(ctx, "INBOX", bytes.NewReader(m), int64(len(m)), nil); err != nil {
				return fmt.Errorf("APPEND: %w", err)
			}
		case k == 1 && n > 0:
			set := seqset.MustParse(fmt.Sprint(1 + r.IntN(int(n))))
			f, err := c.Store(ctx, set, &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Deleted`}})
			if err != nil {
				return err
			}
			if _, err := f.CollectMessages(ctx); err != nil {
				return fmt.Errorf("STORE: %w", err)
			}
		case k == 2:
			if _, err := c.Expunge(ctx); err != nil {
				return fmt.Errorf("EXPUNGE: %w", err)
			}
		case k == 3:
			if err := c.Noop(ctx); err != nil {
				return err
			}
		default:
			if n == 0 {
				continue
			}
			f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{UID: true, Flags: true}, nil)
			if err != nil {
				return err
			}
			msgs, err := f.CollectMessages(ctx)
			if err != nil {
				return fmt.Errorf("FETCH: %w", err)
			}
			exists := c.Mailbox().Exists
			var lastSeq, lastUID uint32
			for _, m := range msgs {
				if m.Seq == 0 || m.Seq > exists {
					return fmt.Errorf("FETCH %d beyond the %d messages the session knows", m.Seq, exists)
				}
				if m.UID == 0 {
					continue // an unsolicited FLAGS update
				}
				if m.Seq > lastSeq && m.UID <= lastUID || m.Seq < lastSeq && m.UID >= lastUID {
					return fmt.Errorf("FETCH %d UID %d after %d UID %d: numbering inconsistent", m.Seq, m.UID, lastSeq, lastUID)
				}
				lastSeq, lastUID = m.Seq, m.UID
			}
		}
	}
	return nil
}

// TestQuota: APPEND and COPY beyond Options.MaxUserBytes fail with
// OVERQUOTA; EXPUNGE gives the room back.
func TestQuota(t *testing.T) {
	_, addr := startServer(t, &Options{MaxUserBytes: 1000 + 2*msgOverhead})
	a := dialRaw(t, addr)
	a.cmd("a1", `LOGIN alice "secret pass"`)
	msg := strings.Repeat("x", 600)
	a.send("a2 APPEND INBOX {600+}\r\n" + msg)
	a.until("a2 OK")
	a.send("a3 APPEND INBOX {600+}\r\n" + msg)
	if ls := a.until("a3 "); !strings.HasPrefix(ls[len(ls)-1], "a3 NO [OVERQUOTA]") {
		t.Errorf("APPEND over quota: %q", ls)
	}
	a.cmd("a4", "SELECT INBOX")
	a.send("a5 COPY 1 INBOX")
	if ls := a.until("a5 "); !strings.HasPrefix(ls[len(ls)-1], "a5 NO [OVERQUOTA]") {
		t.Errorf("COPY over quota: %q", ls)
	}
	a.cmd("a6", `STORE 1 +FLAGS.SILENT (\Deleted)`)
	a.cmd("a7", "EXPUNGE")
	a.send("a8 APPEND INBOX {600+}\r\n" + msg)
	a.until("a8 OK")
}
