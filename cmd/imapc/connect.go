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
	"strings"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/transport"
)

// connFlags are the flags of every command that talks to a server. They
// may also come before the command name: imapc -url URL list.
type connFlags struct {
	url          string
	ca           string
	trace        bool
	insecureAuth bool
	noStartTLS   bool
	timeout      time.Duration
}

// connFlagNames are the connection flags that take a value, for moving
// flags given before the command name (see hoistConnFlags).
var connFlagNames = map[string]bool{"url": true, "ca": true, "timeout": true}

const connFlagsHelp = `
Connection flags (also accepted before the command name):

  -url URL        imap://USER@HOST[:PORT] (cleartext, upgraded with STARTTLS
                  when the server offers it) or imaps://USER@HOST[:PORT]
                  (implicit TLS); the default port is 143 or 993
  -ca FILE        trust the PEM certificate(s) in FILE (e.g. a self-signed
                  test server's); the system roots otherwise
  -trace          print the conversation on standard error, credentials
                  redacted
  -insecure-auth  allow the password to cross the network without TLS
  -no-starttls    do not upgrade imap:// with STARTTLS
  -timeout D      give up after D (default 30s; idle ignores it)

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
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "timeout")
	return f
}

// dial connects, upgrades with STARTTLS where possible and logs in.
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
	c, err := client.Dial(ctx, f.url, opts)
	if err != nil {
		return nil, err
	}
	if c.State() != client.StateNotAuthenticated {
		return c, nil // PREAUTH
	}
	hasTLS, err := c.Has(ctx, "STARTTLS")
	if err != nil {
		c.Close()
		return nil, err
	}
	if !c.IsTLS() && !f.noStartTLS && hasTLS {
		if err := c.StartTLS(ctx); err != nil {
			c.Close()
			return nil, err
		}
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
			return nil, fmt.Errorf("%w (the server offers no STARTTLS; use imaps:// or -insecure-auth)", err)
		}
		return nil, err
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

// withTimeout returns a context bounded by -timeout.
func (f *connFlags) context() (context.Context, context.CancelFunc) {
	if f.timeout <= 0 {
		return context.WithCancel(context.Background())
	}
	return context.WithTimeout(context.Background(), f.timeout)
}
