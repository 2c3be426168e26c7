package docs_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/sasl"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// connectGmail logs in to Gmail with OAuth 2.0 (OAUTHBEARER, RFC 7628).
// tokens gives access tokens and a fresh one when the server refuses the
// last. opts is nil in a program.
func connectGmail(ctx context.Context, email string, tokens sasl.TokenSource, opts *client.Options) (*client.Conn, error) {
	c, err := client.Dial(ctx, "imaps://imap.gmail.com", opts)
	if err != nil {
		return nil, err
	}
	err = sasl.AuthenticateOAuth(ctx, c, email, tokens, &sasl.OAuthOptions{Host: "imap.gmail.com", Port: 993})
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// connectOutlook logs in to Outlook.com or Microsoft 365 with OAuth 2.0:
// the server offers XOAUTH2 only, which AuthenticateOAuth then uses.
// opts is nil in a program.
func connectOutlook(ctx context.Context, email string, tokens sasl.TokenSource, opts *client.Options) (*client.Conn, error) {
	c, err := client.Dial(ctx, "imaps://outlook.office365.com", opts)
	if err != nil {
		return nil, err
	}
	if err := sasl.AuthenticateOAuth(ctx, c, email, tokens, nil); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// oauthTokens is a token source for the recipes above: refresh stands for
// your OAuth 2.0 library's refresh-token grant (for Go,
// golang.org/x/oauth2's TokenSource.Token gives the token and its
// expiry). CachedToken keeps the token until a minute before it expires
// or until the server refuses it.
func oauthTokens(refresh func(ctx context.Context) (string, time.Time, error)) sasl.TokenSource {
	return &sasl.CachedToken{Fetch: refresh}
}

// connectFastmail logs in to Fastmail with an app password (Settings,
// Privacy & Security, App passwords). opts is nil in a program.
func connectFastmail(ctx context.Context, email, appPassword string, opts *client.Options) (*client.Conn, error) {
	c, err := client.Dial(ctx, "imaps://imap.fastmail.com", opts)
	if err != nil {
		return nil, err
	}
	if err := c.Login(ctx, email, appPassword); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// connectDovecot logs in to a Dovecot on port 143 whose certificate is
// self-signed (caFile, in PEM): STARTTLS is required, and the certificate
// is checked against caFile instead of the system's roots.
func connectDovecot(ctx context.Context, addr, caFile, user, password string) (*client.Conn, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no certificate found", caFile)
	}
	c, err := client.Dial(ctx, "imap://"+addr, &client.Options{
		TLSConfig:  &tls.Config{RootCAs: roots},
		RequireTLS: true,
	})
	if err != nil {
		return nil, err
	}
	if err := c.Login(ctx, user, password); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// backupMailbox saves the selected mailbox's messages with a UID above
// lastUID into dir/cur/UID.eml, each file's time set to the message's
// internal date, and returns the highest UID saved (lastUID when there
// was nothing new). Each body goes to dir/tmp first and is renamed when
// complete, so an interrupted backup never leaves half a message in cur.
// Large bodies are streamed to disk; memory stays bounded.
func backupMailbox(ctx context.Context, c *client.Conn, dir string, lastUID uint32) (uint32, error) {
	for _, sub := range []string{"tmp", "cur"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return lastUID, err
		}
	}
	tmpName := func(seq uint32) string { return filepath.Join(dir, "tmp", fmt.Sprint(seq)) }
	var set seqset.Set
	set.AddRange(lastUID+1, seqset.Star) // lastUID+1:*
	f, err := c.UIDFetch(ctx, set, &client.FetchItems{
		InternalDate: true,
		Sections:     []client.FetchSection{{}},
	}, &client.FetchOptions{
		Literal: func(seq uint32, item string, size int64, r io.Reader) error {
			out, err := os.Create(tmpName(seq))
			if err != nil {
				return err
			}
			_, err = io.Copy(out, r)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			return err
		},
	})
	if err != nil {
		return lastUID, err
	}
	for msg, err := range f.Messages(ctx) {
		if err != nil {
			return lastUID, err
		}
		if msg.UID <= lastUID || len(msg.Sections) == 0 {
			continue // "N:*" matches the last message even when its UID is below N
		}
		tmp := tmpName(msg.Seq)
		if body := msg.Sections[0]; !body.Streamed { // small: it came in memory
			if err := os.WriteFile(tmp, body.Data, 0o600); err != nil {
				return lastUID, err
			}
		}
		if err := os.Chtimes(tmp, msg.InternalDate, msg.InternalDate); err != nil {
			return lastUID, err
		}
		if err := os.Rename(tmp, filepath.Join(dir, "cur", fmt.Sprintf("%d.eml", msg.UID))); err != nil {
			return lastUID, err
		}
		lastUID = max(lastUID, msg.UID)
	}
	return lastUID, nil
}

func Example_backup() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	mb, err := c.Select(ctx, "INBOX", &client.SelectOptions{ReadOnly: true})
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "backup")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	last, err := backupMailbox(ctx, c, dir, 0)
	if err != nil {
		log.Fatal(err)
	}
	files, _ := os.ReadDir(filepath.Join(dir, "cur"))
	fmt.Println("saved", len(files), "messages up to UID", last)
	// Keep UIDVALIDITY with lastUID: when it changes, the UIDs mean other
	// messages and the backup must start over (RFC 9051 §2.3.1.1).
	fmt.Println("UIDVALIDITY known:", mb.UIDValidity != 0)

	again, err := backupMailbox(ctx, c, dir, last) // an incremental re-run
	if err != nil {
		log.Fatal(err)
	}
	files, _ = os.ReadDir(filepath.Join(dir, "cur"))
	fmt.Println("re-run: still", len(files), "files, up to UID", again)
	// Output:
	// saved 5 messages up to UID 5
	// UIDVALIDITY known: true
	// re-run: still 5 files, up to UID 5
}

// proxyConn relays one client connection to the server at upstream, byte
// for byte, and logs what goes through, decoded by the codec: each
// command's tag and name (never its arguments, which hold passwords) and
// each response's kind. It returns when either side closes.
func proxyConn(down net.Conn, upstream string, logf func(format string, args ...any)) error {
	up, err := net.Dial("tcp", upstream)
	if err != nil {
		down.Close()
		return err
	}
	var wg sync.WaitGroup
	relay := func(dst, src net.Conn, decode func(io.Reader)) {
		defer wg.Done()
		pr, pw := io.Pipe()
		decoded := make(chan struct{})
		go func() {
			defer close(decoded)
			decode(pr)
			io.Copy(io.Discard, pr) // after an error, keep draining the copy
		}()
		io.Copy(dst, io.TeeReader(src, pw))
		pw.Close()
		dst.Close() // one side ended: end the other
		src.Close()
		<-decoded // everything relayed is logged
	}
	wg.Add(2)
	go relay(up, down, func(r io.Reader) { // client to server
		d := codec.NewCommandDecoder(r, nil)
		for {
			cmd, err := d.ReadCommand(nil)
			var se *codec.SyntaxError
			switch {
			case errors.As(err, &se):
				logf("C: (not a command: a DONE or SASL line)") // skipped; go on
			case err != nil:
				return
			default:
				logf("C: %s %s", cmd.Tag, cmd.Name)
			}
		}
	})
	go relay(down, up, func(r io.Reader) { // server to client
		d := codec.NewDecoder(bufio.NewReader(r), nil)
		for {
			resp, err := d.ReadResponse()
			if err != nil {
				return
			}
			switch resp.Kind {
			case wire.DataResponse:
				logf("S: * %s", resp.Name)
			case wire.ContinueResponse:
				logf("S: +")
			default: // greeting, untagged status, completion
				logf("S: %s %s", resp.Tag, resp.Status)
			}
		}
	})
	wg.Wait()
	return nil
}

func Example_proxy() {
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	var mu sync.Mutex
	var lines []string
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}
	proxied := make(chan error, 1)
	go func() {
		down, err := l.Accept()
		if err != nil {
			proxied <- err
			return
		}
		proxied <- proxyConn(down, strings.TrimPrefix(starttlsURL, "imap://"), logf)
	}()

	// A client talks to the proxy (cleartext on the loopback interface).
	c, err := client.Dial(ctx, "imap://"+l.Addr().String(), &client.Options{InsecureAuth: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Login(ctx, user, password); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	c.Logout(ctx)
	if err := <-proxied; err != nil {
		log.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	// Each direction is logged in order; the two directions interleave
	// as the goroutines run, so print one after the other.
	for _, prefix := range []string{"C: ", "S: A", "S: * BYE"} {
		for _, l := range lines {
			if strings.HasPrefix(l, prefix) {
				fmt.Println(l)
			}
		}
	}
	// Output:
	// C: A1 LOGIN
	// C: A2 SELECT
	// C: A3 LOGOUT
	// S: A1 OK
	// S: A2 OK
	// S: A3 OK
	// S: * BYE
}
