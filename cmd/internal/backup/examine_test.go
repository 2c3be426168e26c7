package backup

import (
	"context"
	"testing"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/conformance/scripted"
)

// TestExamineRawName: a mailbox the server lists in invalid modified
// UTF-7 ("&Jjo" lacks its "-") is kept raw by the codec; Select encodes it
// again as "&-Jjo", which the server does not know, so examine sends it
// again exactly as listed, and the mailbox opens.
func TestExamineRawName(t *testing.T) {
	s := scripted.New(t, &scripted.Options{Timeout: 5 * time.Second})
	s.Script(`
S: * PREAUTH [CAPABILITY IMAP4rev1] ready
C> LIST "" "*"
S: * LIST () "/" "&Jjo"
S: ${tag} OK done
C> EXAMINE &-Jjo
S: ${tag} NO [NONEXISTENT] no such mailbox
C> EXAMINE &Jjo
S: * 3 EXISTS
S: * OK [UIDVALIDITY 77] ok
S: * OK [UIDNEXT 9] ok
S: ${tag} OK [READ-ONLY] done
`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.New(ctx, s.Client(), &client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := c.List(ctx, "", []string{"*"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Mailboxes) != 1 || res.Mailboxes[0].Mailbox != "&Jjo" {
		t.Fatalf("LIST gave %+v, want the raw name &Jjo", res.Mailboxes)
	}
	mb, err := examine(ctx, c, res.Mailboxes[0].Mailbox, &client.SelectOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if mb == nil || mb.Exists != 3 || mb.UIDValidity != 77 {
		t.Fatalf("mailbox %+v, want 3 messages, UIDVALIDITY 77", mb)
	}
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
}

// TestExamineNoRetry: a NO for a name that is valid once encoded (here
// one with a non-ASCII letter) is the answer: no second EXAMINE.
func TestExamineNoRetry(t *testing.T) {
	s := scripted.New(t, &scripted.Options{Timeout: 5 * time.Second})
	s.Script(`
S: * PREAUTH [CAPABILITY IMAP4rev1] ready
C> EXAMINE Entw&APw-rfe
S: ${tag} NO [NONEXISTENT] no such mailbox
`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.New(ctx, s.Client(), &client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := examine(ctx, c, "Entwürfe", &client.SelectOptions{ReadOnly: true}); err == nil {
		t.Fatal("examine of a mailbox the server does not have succeeded")
	}
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestRawCandidate(t *testing.T) {
	for name, want := range map[string]bool{"&Jjo": true, "a&b": true, "&-": false, "INBOX": false, "Entwürfe": false, "&AOQ-": false} {
		if got := rawCandidate(name); got != want {
			t.Errorf("rawCandidate(%q) = %v, want %v", name, got, want)
		}
	}
}
