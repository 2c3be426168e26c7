package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/transport"
)

// connFlags are the flags of every command that talks to a server. They
// may also come before the command name: imapc -url URL list.
type connFlags struct {
	url            string
	ca             string
	trace          bool
	insecureAuth   bool
	noStartTLS     bool
	allowCleartext bool
	timeout        time.Duration
	connTimeout    time.Duration
}

// connFlagNames are the connection flags that take a value, for moving
// flags given before the command name (see hoistConnFlags).
var connFlagNames = map[string]bool{"url": true, "ca": true, "timeout": true, "connect-timeout": true}

const connFlagsHelp = `
Connection flags (also accepted before the command name):

  -url URL            imaps://USER@HOST[:PORT] (implicit TLS, port 993) or
                      imap://USER@HOST[:PORT] (port 143, upgraded with
                      STARTTLS, which must succeed: a server that offers no
                      STARTTLS, or greets with PREAUTH in cleartext, is
                      refused)
  -ca FILE            trust the PEM certificate(s) in FILE (e.g. a
                      self-signed test server's); the system roots otherwise
  -trace              print the conversation on standard error, credentials
                      redacted
  -allow-cleartext    with imap://, use STARTTLS when offered but go on in
                      cleartext when it is not (and accept a cleartext
                      PREAUTH)
  -no-starttls        with imap://, stay in cleartext (implies
                      -allow-cleartext)
  -insecure-auth      allow the password to cross the network without TLS
  -timeout D          give up when the server sends nothing for D while
                      imapc waits for it (default 20s; 0: never)
  -connect-timeout D  give up when connecting, the TLS handshake, the
                      greeting and the login take longer than D (default
                      30s; 0: never)

The password comes from the environment variable IMAPC_PASSWORD, else from
the URL, else from a prompt on the terminal.
`

func addConnFlags(fs *flag.FlagSet) *connFlags {
	f := &connFlags{}
	fs.StringVar(&f.url, "url", os.Getenv("IMAPC_URL"), "server URL")
	fs.StringVar(&f.ca, "ca", "", "PEM file of certificates to trust")
	fs.BoolVar(&f.trace, "trace", false, "print the wire trace on stderr")
	fs.BoolVar(&f.insecureAuth, "insecure-auth", false, "allow credentials without TLS")
	fs.BoolVar(&f.noStartTLS, "no-starttls", false, "do not use STARTTLS")
	fs.BoolVar(&f.allowCleartext, "allow-cleartext", false, "go on without TLS when STARTTLS is not offered")
	fs.DurationVar(&f.timeout, "timeout", 20*time.Second, "inactivity timeout")
	fs.DurationVar(&f.connTimeout, "connect-timeout", 30*time.Second, "connect, greeting and login timeout")
	return f
}

// dial connects, upgrades with STARTTLS and logs in; -connect-timeout
// bounds the connection up to the greeting (and STARTTLS), -timeout every
// silence of the server while imapc waits for it (not an IDLE's).
func (f *connFlags) dial(ctx context.Context, e *env, opts *client.Options) (*client.Conn, error) {
	if f.url == "" {
		return nil, usagef("-url is required (or IMAPC_URL)")
	}
	addr, err := transport.ParseAddress(f.url)
	if err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &client.Options{}
	}
	opts.InsecureAuth = f.insecureAuth
	if f.trace {
		opts.Trace = e.Stderr
	}
	if f.ca != "" {
		pem, err := os.ReadFile(f.ca)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no PEM certificate in %s", f.ca)
		}
		opts.TLSConfig = &tls.Config{RootCAs: pool}
	}
	// imap:// means STARTTLS required, unless a flag says otherwise.
	requireTLS := !addr.TLS && !f.noStartTLS && !f.allowCleartext
	f.applyPolicy(opts, requireTLS)
	c, err := client.Dial(ctx, f.url, opts)
	if err != nil {
		if errors.Is(err, client.ErrTLSRequired) {
			return nil, tlsRequiredError(err)
		}
		return nil, timeoutHint(f.hint(err), "-connect-timeout")
	}
	if !c.IsTLS() && !f.noStartTLS && c.State() == client.StateNotAuthenticated {
		hasTLS, err := c.Has(ctx, "STARTTLS")
		if err != nil {
			c.Close()
			return nil, err
		}
		// -allow-cleartext: upgrade when offered.
		if hasTLS {
			if err := c.StartTLS(ctx); err != nil {
				c.Close()
				return nil, fmt.Errorf("STARTTLS with %s: %w", addr.HostPort(), f.hint(err))
			}
		}
	}
	if c.State() != client.StateNotAuthenticated {
		return c, nil // PREAUTH
	}
	user := ""
	pass, havePass := os.LookupEnv("IMAPC_PASSWORD")
	if addr.User != nil {
		user = addr.User.Username()
		if p, ok := addr.User.Password(); ok && !havePass {
			pass, havePass = p, true
		}
	}
	if user == "" {
		c.Close()
		return nil, usagef("no user name: put it in the URL (imaps://USER@HOST)")
	}
	if !havePass {
		if pass, err = promptPassword(e, user, addr.Host); err != nil {
			c.Close()
			return nil, err
		}
	}
	if err := c.Login(ctx, user, pass); err != nil {
		c.Close()
		if errors.Is(err, client.ErrInsecureAuth) {
			why := "the server offers no STARTTLS"
			if f.noStartTLS {
				why = "-no-starttls was given"
			}
			return nil, fmt.Errorf("refusing to send the password to %s without TLS (%s): use imaps://, or allow it with -insecure-auth", addr.HostPort(), why)
		}
		return nil, fmt.Errorf("logging in to %s: %w", addr.HostPort(), err)
	}
	return c, nil
}

// promptPassword asks for the password on the terminal without echo.
func promptPassword(e *env, user, host string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", errors.New("no password: set IMAPC_PASSWORD (no terminal to ask on)")
	}
	defer tty.Close()
	fmt.Fprintf(tty, "Password for %s@%s: ", user, host)
	stty := func(arg string) {
		cmd := exec.Command("stty", arg)
		cmd.Stdin = tty
		cmd.Run()
	}
	stty("-echo")
	defer stty("echo")
	line, err := bufio.NewReader(tty).ReadString('\n')
	fmt.Fprintln(tty)
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// hoistConnFlags moves connection flags given before the command name
// after it: ["-url", "U", "list", "x"] becomes ["list", "-url", "U", "x"].
func hoistConnFlags(args []string) []string {
	var flags []string
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "-" {
		name := strings.TrimLeft(args[i], "-")
		flags = append(flags, args[i])
		if !strings.Contains(name, "=") && connFlagNames[name] && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
		i++
	}
	if i == 0 || i >= len(args) {
		return args
	}
	out := []string{args[i]}
	out = append(out, flags...)
	return append(out, args[i+1:]...)
}

// context returns the context of a short command: until interrupted;
// the connection's timeouts bound the waits.
func (f *connFlags) context() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// dialSession dials for a long session (backup, restore): the same as
// dial; the session is bounded by ctx and the inactivity timeout only.
func (f *connFlags) dialSession(ctx context.Context, e *env, opts *client.Options) (*client.Conn, error) {
	return f.dial(ctx, e, opts)
}

// hint adds what to do to a certificate verification error: a private or
// self-signed certificate is trusted with -ca.
func (f *connFlags) hint(err error) error {
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var he x509.HostnameError
	var cv *tls.CertificateVerificationError
	switch {
	case errors.As(err, &he):
		return fmt.Errorf("%w (the certificate is for another host name: check the host in -url)", err)
	case errors.As(err, &ua) || errors.As(err, &ci) || errors.As(err, &cv):
		if f.ca != "" {
			return fmt.Errorf("%w (the certificate is not signed by the certificates in %s)", err, f.ca)
		}
		return fmt.Errorf("%w (for a private CA or a self-signed certificate, trust it with -ca FILE)", err)
	}
	return err
}
