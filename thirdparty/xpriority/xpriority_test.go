package xpriority_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"example.com/imapkit-thirdparty/xpriority"
	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/conformance/scripted"
	"github.com/imapkit/imapkit/seqset"
)

func TestFetchAgainstScriptedServer(t *testing.T) {
	s := scripted.New(t, nil)
	s.SendLine("* PREAUTH [CAPABILITY IMAP4rev1 X-PRIORITY] ready")
	s.Expect("A1 SELECT INBOX")
	s.SendLine("* 2 EXISTS", "A1 OK [READ-WRITE] selected")
	s.Expect("A2 UID FETCH 7:8 (UID X-PRIORITY)")
	s.SendLine("* 1 FETCH (UID 7 X-PRIORITY 1)", "* 2 FETCH (UID 8 X-PRIORITY 4)", "A2 OK done")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var cnt xpriority.Counter
	c, err := client.New(ctx, s.Client(), &client.Options{Extensions: []client.Extension{xpriority.Install(&cnt)}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		t.Fatal(err)
	}
	got, err := xpriority.Fetch(ctx, c, seqset.MustParse("7:8"))
	if err != nil || got[7] != 1 || got[8] != 4 {
		t.Fatalf("Fetch = %v, %v", got, err)
	}
	if cnt.Urgent() != 1 {
		t.Errorf("Urgent = %d; want 1", cnt.Urgent())
	}
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestRefusedWithoutCapability(t *testing.T) {
	s := scripted.New(t, nil)
	s.SendLine("* PREAUTH [CAPABILITY IMAP4rev1] ready")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.New(ctx, s.Client(), &client.Options{Extensions: []client.Extension{xpriority.Install(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := xpriority.Fetch(ctx, c, seqset.MustParse("1")); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("Fetch = %v; want ErrNotSupported", err)
	}
}
