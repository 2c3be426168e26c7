package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/imapkit/imapkit/conformance/memserver"
)

func init() {
	register(&command{
		Name:  "serve",
		Args:  "-user NAME (-password PASS [-listen ADDR] [-tls-cert F -tls-key F [-tls-listen ADDR]] | -stdio) [-empty] [-seed N] [-trace]",
		Short: "run an in-memory IMAP server filled with sample mail",
		Long: `Serve runs imapkit's in-memory IMAP server (conformance/memserver) until
SIGINT or SIGTERM. It has one user, NAME with password PASS, whose INBOX
and a few folders (Archive, Sent, Drafts, Trash, Junk, Work/Projects) are
filled with a few hundred generated messages, unless -empty. -seed
chooses another set of generated messages. Nothing is kept when it stops.

It listens on ADDR (default 127.0.0.1:1143) and prints the address it
listens on. With -tls-cert and -tls-key (PEM files) it offers STARTTLS
there and implicit TLS on -tls-listen (default: the same host, a free
port). Cleartext LOGIN is allowed from loopback addresses; from others
only after STARTTLS when a certificate is given. -trace prints the
conversations (passwords hidden) on standard error.

With -stdio it serves one session on its standard input and output
instead, already logged in as NAME (a PREAUTH greeting), for clients
that run their server as a subprocess (imapc's preauth mode,
transport.DialCommand).

Example:

  $ imapc serve -user demo -password demo
  listening on imap://127.0.0.1:1143
  user demo, 8 mailboxes, 540 messages
`,
		Run: runServe,
	})
}

// serveContext is the lifetime of a serve command: until SIGINT or
// SIGTERM. Tests replace it.
var serveContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func runServe(e *env, args []string) error {
	fs := newFlags("serve")
	listen := fs.String("listen", "127.0.0.1:1143", "address to listen on (cleartext and STARTTLS)")
	user := fs.String("user", "", "the user name")
	pass := fs.String("password", "", "the user's password")
	empty := fs.Bool("empty", false, "start with an empty INBOX")
	seed := fs.Uint64("seed", 1, "seed of the generated messages")
	certFile := fs.String("tls-cert", "", "TLS certificate (PEM)")
	keyFile := fs.String("tls-key", "", "TLS private key (PEM)")
	tlsListen := fs.String("tls-listen", "", "address for implicit TLS (with -tls-cert)")
	trace := fs.Bool("trace", false, "trace the conversations on standard error")
	stdio := fs.Bool("stdio", false, "serve one preauthenticated session on standard input and output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *stdio {
		if *user == "" {
			return usagef("-stdio needs -user")
		}
		if *pass != "" || *certFile != "" || *tlsListen != "" {
			return usagef("-stdio takes no -password, -listen or TLS flags")
		}
	} else if *user == "" || *pass == "" {
		return usagef("-user and -password are required")
	}
	if (*certFile == "") != (*keyFile == "") {
		return usagef("-tls-cert and -tls-key go together")
	}
	if *tlsListen != "" && *certFile == "" {
		return usagef("-tls-listen needs -tls-cert and -tls-key")
	}
	opts := &memserver.Options{}
	if *certFile != "" {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			return fmt.Errorf("loading the certificate: %w", err)
		}
		opts.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	if *trace {
		opts.Trace = e.Stderr
	}
	srv := memserver.New(opts)
	srv.AddUser(*user, *pass)
	messages := 0
	if !*empty {
		if err := srv.SeedSample(*user, *seed); err != nil {
			return err
		}
		for _, mb := range memserver.SampleMailboxes {
			messages += mb.Count
		}
	}

	if *stdio {
		return srv.ServePreauth(&stdioConn{r: e.Stdin, w: e.Stdout}, *user)
	}

	ctx, stop := serveContext()
	defer stop()
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(l) }()
	fmt.Fprintf(e.Stdout, "listening on imap://%s\n", l.Addr())
	if opts.TLSConfig != nil {
		addr := *tlsListen
		if addr == "" {
			host, _, err := net.SplitHostPort(l.Addr().String())
			if err != nil {
				srv.Close()
				return err
			}
			addr = net.JoinHostPort(host, "0")
		}
		tl, err := net.Listen("tcp", addr)
		if err != nil {
			srv.Close()
			return err
		}
		go func() { errc <- srv.ServeTLS(tl) }()
		fmt.Fprintf(e.Stdout, "listening on imaps://%s\n", tl.Addr())
	} else if ta, ok := l.Addr().(*net.TCPAddr); ok && !ta.IP.IsLoopback() {
		fmt.Fprintf(e.Stderr, "imapc serve: warning: no -tls-cert: passwords cross %s in cleartext\n", l.Addr())
	}
	mailboxes := 1
	if !*empty {
		mailboxes = len(memserver.SampleMailboxes)
	}
	fmt.Fprintf(e.Stdout, "user %s, %d mailboxes, %d messages\n", *user, mailboxes, messages)

	select {
	case <-ctx.Done():
		srv.Close()
		fmt.Fprintln(e.Stdout, "stopped")
		return nil
	case err := <-errc:
		srv.Close()
		if errors.Is(err, memserver.ErrServerClosed) {
			return nil
		}
		return err
	}
}

// stdioConn is a connection over standard input and output (-stdio).
type stdioConn struct {
	r io.Reader
	w io.Writer
}

func (c *stdioConn) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c *stdioConn) Write(p []byte) (int, error)      { return c.w.Write(p) }
func (c *stdioConn) Close() error                     { return nil }
func (c *stdioConn) LocalAddr() net.Addr              { return stdioAddr{} }
func (c *stdioConn) RemoteAddr() net.Addr             { return stdioAddr{} }
func (c *stdioConn) SetDeadline(time.Time) error      { return errors.ErrUnsupported }
func (c *stdioConn) SetReadDeadline(time.Time) error  { return errors.ErrUnsupported }
func (c *stdioConn) SetWriteDeadline(time.Time) error { return errors.ErrUnsupported }

type stdioAddr struct{}

func (stdioAddr) Network() string { return "stdio" }
func (stdioAddr) String() string  { return "stdio" }
