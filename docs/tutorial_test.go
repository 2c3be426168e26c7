package docs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
)

func Example_connect() {
	ctx := context.Background()
	c, err := client.Dial(ctx, serverURL, &client.Options{
		TLSConfig:         tlsConfig,        // nil: verify against the system's roots
		ConnectTimeout:    10 * time.Second, // dial + TLS handshake + greeting
		InactivityTimeout: time.Minute,      // server silence while a command waits
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Println("TLS:", c.IsTLS(), "- state:", c.State())
	// Output: TLS: true - state: not authenticated
}

func Example_startTLS() {
	ctx := context.Background()
	c, err := client.Dial(ctx, starttlsURL, &client.Options{
		TLSConfig:  tlsConfig,
		RequireTLS: true, // Dial runs STARTTLS; a server without it is an error
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Println("TLS:", c.IsTLS())
	if err := c.Login(ctx, user, password); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.State())
	// Output:
	// TLS: true
	// authenticated
}

// dialAndLogin connects with implicit TLS and logs in.
func dialAndLogin(ctx context.Context) (*client.Conn, error) {
	c, err := client.Dial(ctx, serverURL, &client.Options{TLSConfig: tlsConfig})
	if err != nil {
		return nil, err
	}
	if err := c.Login(ctx, user, password); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func Example_login() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	caps, err := c.Caps(ctx) // the capabilities after login
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.State(), "- IDLE:", slices.Contains(caps, "IDLE"))
	// Output: authenticated - IDLE: true
}

func Example_list() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	res, err := c.List(ctx, "", []string{"*"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range res.Mailboxes {
		fmt.Println(m.Mailbox, m.HasAttr(`\Archive`), m.HasAttr(`\Drafts`))
	}
	// Output:
	// Archive true false
	// Drafts false true
	// INBOX false false
	// Sent false false
}

func Example_select() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	mb, err := c.Select(ctx, "INBOX", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mb.Name, "has", mb.Exists, "messages")
	// Output: INBOX has 5 messages
}

func Example_fetchCollect() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", &client.SelectOptions{ReadOnly: true}); err != nil {
		log.Fatal(err)
	}
	f, err := c.Fetch(ctx, seqset.MustParse("1:3"), &client.FetchItems{UID: true, Envelope: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	msgs, err := f.CollectMessages(ctx) // waits for the completion
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		fmt.Println(m.Seq, m.UID, m.Envelope.Subject)
	}
	// Output:
	// 1 1 Welcome to imapkit
	// 2 2 Lunch on Friday?
	// 3 3 Quarterly report
}

func Example_fetchIterate() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", &client.SelectOptions{ReadOnly: true}); err != nil {
		log.Fatal(err)
	}
	f, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{Envelope: true, RFC822Size: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for msg, err := range f.Messages(ctx) { // each message as it arrives
		if err != nil {
			log.Fatal(err) // a NO or BAD completion, or the connection's end
		}
		from := msg.Envelope.From[0]
		fmt.Printf("UID %d from %s: %s (%d bytes)\n", msg.UID, from.Name, msg.Envelope.Subject, msg.RFC822Size)
	}
	// Output:
	// UID 1 from Bob: Welcome to imapkit (173 bytes)
	// UID 2 from Carol: Lunch on Friday? (168 bytes)
	// UID 3 from Bob: Quarterly report (173 bytes)
	// UID 4 from Billing: Your invoice (182 bytes)
	// UID 5 from Carol: Holiday photos (310364 bytes)
}

func Example_stream() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "mail")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	items := &client.FetchItems{Sections: []client.FetchSection{{}}} // BODY.PEEK[]: leaves \Seen alone
	f, err := c.Fetch(ctx, seqset.MustParse("5"), items, &client.FetchOptions{
		// Called with each body larger than the stream threshold (64 KiB)
		// as it arrives; what it leaves unread is skipped.
		Literal: func(seq uint32, item string, size int64, r io.Reader) error {
			out, err := os.Create(filepath.Join(dir, fmt.Sprintf("%d.eml", seq)))
			if err != nil {
				return err
			}
			n, err := io.Copy(out, r)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			fmt.Printf("message %d: %s, %d of %d bytes written\n", seq, item, n, size)
			return err
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for msg, err := range f.Messages(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("streamed:", msg.Sections[0].Streamed, "- kept in memory:", len(msg.Sections[0].Data))
	}
	// Output:
	// message 5: BODY[], 310364 of 310364 bytes written
	// streamed: true - kept in memory: 0
}

func Example_search() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	res, err := c.UIDSearch(ctx, &client.SearchCriteria{
		Header:  []client.SearchHeader{{Key: "From", Value: "bob@example.com"}},
		NotFlag: []string{`\Seen`},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("unread from Bob, UIDs:", res.Nums)
	// Output: unread from Bob, UIDs: [3]
}

func Example_store() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	f, err := c.UIDStore(ctx, seqset.MustParse("4"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Flagged`}})
	if err != nil {
		log.Fatal(err)
	}
	msgs, err := f.CollectMessages(ctx) // the flags the server echoed (none with Silent)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		fmt.Println("UID", m.UID, m.Flags)
	}
	// Output: UID 4 [\Flagged]
}

func Example_append() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	msg := "From: Alice <alice@example.com>\r\nSubject: Notes\r\n\r\nTo be continued.\r\n"
	res, err := c.Append(ctx, "Drafts", strings.NewReader(msg), int64(len(msg)),
		&client.AppendOptions{Flags: []string{`\Draft`}, Date: time.Now()})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("saved with a UID:", res != nil && res.UID > 0) // APPENDUID (RFC 4315)
	// Output: saved with a UID: true
}

func Example_idle() {
	ctx := context.Background()
	exists := make(chan uint32, 16)
	c, err := client.Dial(ctx, serverURL, &client.Options{
		TLSConfig: tlsConfig,
		// Runs on a goroutine of its own, in order, for every change.
		MailboxUpdate: func(ev client.MailboxEvent) {
			if ev.Kind == client.EventExists {
				exists <- ev.Num
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, user, password); err != nil {
		log.Fatal(err)
	}
	mb, err := c.Select(ctx, "INBOX", nil)
	if err != nil {
		log.Fatal(err)
	}
	idleCtx, stopIdle := context.WithCancel(ctx)
	idled := make(chan error, 1)
	go func() { idled <- c.Idle(idleCtx) }() // until idleCtx ends

	// Meanwhile, another client delivers a message.
	other, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	msg := "From: CI <ci@example.com>\r\nSubject: Build finished\r\n\r\nAll green.\r\n"
	if _, err := other.Append(ctx, "INBOX", strings.NewReader(msg), int64(len(msg)), nil); err != nil {
		log.Fatal(err)
	}
	other.Logout(ctx)

	n := <-exists
	for n <= mb.Exists {
		n = <-exists
	}
	stopIdle()
	if err := <-idled; err != nil {
		log.Fatal(err)
	}
	newest := seqset.MustParse(fmt.Sprint(n))
	msgs, err := c.Fetch(ctx, newest, &client.FetchItems{Envelope: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	got, err := msgs.CollectMessages(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new:", got[0].Envelope.Subject)
	if _, err := c.Move(ctx, newest, "Archive"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("moved to Archive")
	// Output:
	// new: Build finished
	// moved to Archive
}

func Example_pipelining() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	// Start three commands: each method returns once its command is sent.
	envelopes, err := c.Fetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{Envelope: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	sizes, err := c.UIDFetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{RFC822Size: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	draft := "Subject: Later\r\n\r\nDraft.\r\n"
	saved, err := c.StartAppend(ctx, "Drafts", strings.NewReader(draft), int64(len(draft)), nil)
	if err != nil {
		log.Fatal(err)
	}
	// Then wait for each: every response went to the command that asked.
	es, err := envelopes.CollectMessages(ctx)
	if err != nil {
		log.Fatal(err)
	}
	ss, err := sizes.CollectMessages(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := saved.Wait(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(es), "envelopes,", len(ss), "sizes, draft saved")
	// Output: 5 envelopes, 5 sizes, draft saved
}

func Example_errors() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Select(ctx, "No such mailbox", nil)
	var se *client.StatusError // a NO or BAD completion
	if errors.As(err, &se) {
		fmt.Printf("%s %s [%s] %q\n", se.Command, se.Status, se.CodeName(), se.Text)
	}

	c.Close()
	err = c.Noop(ctx)
	var ce *client.ConnError // the connection is gone: BYE, I/O error, Close
	fmt.Println("connection error:", errors.As(err, &ce), "- closed by us:", errors.Is(err, client.ErrClosed))

	_, err = client.Dial(ctx, silentURL, &client.Options{ConnectTimeout: 100 * time.Millisecond})
	fmt.Println("timed out:", errors.Is(err, client.ErrTimeout))
	// Output:
	// SELECT NO [NONEXISTENT] "no such mailbox: No such mailbox"
	// connection error: true - closed by us: true
	// timed out: true
}

func Example_logout() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close() // harmless after Logout; frees everything on early returns
	if err := c.Logout(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.State(), errors.Is(c.Err(), client.ErrClosed))
	// Output: logout true
}
