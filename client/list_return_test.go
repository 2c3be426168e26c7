package client

import (
	"testing"

	"github.com/imapkit/imapkit/wire"
)

// RFC 5258 §6: a selection or return option is a name, optionally
// followed by a parenthesized option-value; extensions pass theirs (RFC
// 9590's METADATA, RFC 5819's STATUS) as ListOption values, and the
// responses they cause are claimed when named.
func TestRFC5258_6_ReturnOptionsWithArguments(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED LIST-STATUS METADATA] hi", nil)
	done := make(chan error, 1)
	var res *ListResult
	go func() {
		var err error
		res, err = c.List(testCtx(t), "", []string{"*"}, &ListOptions{
			Selection: []ListOption{{Name: "METADATA", Args: []wire.Value{wire.Atom("MAXSIZE"), wire.Number(1024)}}},
			Return: append(ListOptionNames("SUBSCRIBED"),
				ListOption{Name: "METADATA", Args: []wire.Value{wire.Atom("/shared/comment"), wire.Quoted("/private/x y")}},
				ListOption{Name: "STATUS", Args: []wire.Value{wire.Atom("MESSAGES"), wire.Atom("UIDNEXT")}},
				ListOption{Name: "X-EMPTY", Args: []wire.Value{}}),
			Responses: []string{"metadata"},
		})
		done <- err
	}()
	s.expect(`A1 LIST (METADATA (MAXSIZE 1024)) "" "*" RETURN (SUBSCRIBED METADATA (/shared/comment "/private/x y") STATUS (MESSAGES UIDNEXT) X-EMPTY ())`)
	s.send(`* LIST (\Subscribed) "/" INBOX`,
		`* STATUS INBOX (MESSAGES 17 UIDNEXT 4392)`,
		`* METADATA INBOX (/shared/comment "hello")`,
		`A1 OK done`)
	if err := <-done; err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(res.Mailboxes) != 1 || res.Mailboxes[0].Mailbox != "INBOX" {
		t.Errorf("Mailboxes = %+v; want INBOX", res.Mailboxes)
	}
	if len(res.Status) != 1 {
		t.Errorf("Status = %+v; want the STATUS a STATUS return option caused", res.Status)
	}
	if len(res.Other) != 1 || res.Other[0].Name != "METADATA" {
		t.Errorf("Other = %+v; want the METADATA response", res.Other)
	}
}

// Without Responses, what the return options cause is not claimed by
// LIST (it stays unsolicited), and Status adds STATUS (items) after
// Return.
func TestListReturnNamesAndStatus(t *testing.T) {
	c, s := newFake(t, "* PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED LIST-STATUS] hi", nil)
	done := make(chan error, 1)
	var res *ListResult
	go func() {
		var err error
		res, err = c.List(testCtx(t), "", []string{"%"}, &ListOptions{Return: ListOptionNames("CHILDREN", "SPECIAL-USE"), Status: []string{"UNSEEN"}})
		done <- err
	}()
	s.expect(`A1 LIST "" "%" RETURN (CHILDREN SPECIAL-USE STATUS (UNSEEN))`)
	s.send(`* LIST (\HasNoChildren \Sent) "/" Sent`, `* STATUS Sent (UNSEEN 0)`, `* METADATA Sent (/shared/comment NIL)`, `A1 OK done`)
	if err := <-done; err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(res.Mailboxes) != 1 || len(res.Status) != 1 || len(res.Other) != 0 {
		t.Errorf("ListResult = %+v; want one mailbox, one STATUS, nothing else", res)
	}
}
