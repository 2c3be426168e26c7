// Package serversuite is a conformance suite for IMAP servers: scripts
// of commands and the responses they must get, with patterns for what
// varies between servers (numbers, texts, the order of flags), run
// against any server address.
//
// A script is a list of steps on one or more connections. A step sends
// a line (with literals, synchronizing or not) and reads responses until
// the tagged completion of the command it sent (or a line that Until
// matches); the Want patterns must match some of those responses, in
// order, while other responses may come between them (servers add
// untagged data freely, RFC 9051 §7); no response may match a Not
// pattern.
//
// Patterns are the response text with placeholders:
//
//	{{n}}       a number
//	{{s}}       a run of non-space characters
//	{{*}}       anything, including nothing
//	{{n:name}}  a number, remembered as name
//	{{s:name}}  a non-space run, remembered as name
//	{{=name}}   the value remembered (or configured) as name
//
// A pattern that starts with {{i}} ignores case (media types, for
// example, are case-insensitive strings).
//
// A response that carries literals is matched as one text, each literal
// written "{size}" CRLF followed by its octets. Lines to send use
// {{=name}} too, and {{lit:name}} for a literal of the script's
// Literals[name] ({{lit+:name}} for a LITERAL+ literal). The runner
// defines user and pass (as quoted strings), plain (the base64 SASL PLAIN
// response of RFC 4616 for them) and prefix, a mailbox name prefix unique
// to the run, so that scripts do not collide with existing mail.
//
// [Run] runs scripts from a Go test; [Base] is the suite of the base
// protocol and the extensions imapkit's server implements. A third party
// checks its server with a test of its own:
//
//	func TestIMAPConformance(t *testing.T) {
//		addr := startMyServer(t) // host:port, a user "u" with password "p"
//		serversuite.Run(t, serversuite.Config{Addr: addr, User: "u", Password: "p"}, serversuite.Base)
//	}
//
// Each script is a subtest, skipped when the server lacks a capability
// it Requires (the capabilities before and after login count). Scripts
// create mailboxes named after a random prefix and delete them, passed
// or failed, so the suite may run against an account in use. imapkit
// runs it against its in-memory server in every test run and against
// Dovecot when IMAPKIT_DOVECOT_ADDR is set.
package serversuite

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Script is one scenario.
type Script struct {
	// Name names the script in test output, e.g. "rfc9051-8-sample".
	Name string
	// Ref is the RFC section it checks, e.g. "RFC 9051 §8".
	Ref string
	// Requires are capabilities the server must advertise after login;
	// without them the script is skipped.
	Requires []string
	// Literals are the contents of the {{lit:name}} literals.
	Literals map[string]string
	// Steps run in order.
	Steps []Step
	// Cleanup are commands (without tags) run after the script, passed
	// or failed, on a fresh logged-in connection; their results are
	// ignored. Typically DELETE of the mailboxes the script creates.
	Cleanup []string
}

// Step is one exchange on one connection.
type Step struct {
	// Conn is the connection, 0 to 3; each is opened (greeting read) on
	// first use.
	Conn int
	// Send is the line to send, without CRLF; empty sends nothing (the
	// step only reads, e.g. unilateral data during IDLE).
	Send string
	// Want are patterns that responses must match, in order.
	Want []string
	// Not are patterns that no response of the step may match.
	Not []string
	// Until is the pattern of the step's last response. By default it is
	// the tagged completion of the command sent: the first word of Send
	// followed by a space. A step that sends nothing needs it.
	Until string
}

// Config says where the server is and how to log in.
type Config struct {
	// Addr is host:port.
	Addr string
	// TLS, if set, is used for implicit TLS (ImplicitTLS) or STARTTLS
	// (otherwise, run before every login); nil means cleartext.
	TLS         *tls.Config
	ImplicitTLS bool
	// User and Password log in.
	User, Password string
	// Vars are more {{=name}} values.
	Vars map[string]string
	// Timeout bounds each script; default 30 s.
	Timeout time.Duration
	// Trace, if set, receives every line sent and received.
	Trace io.Writer
}

// Run runs each script as a subtest of t.
func Run(t *testing.T, cfg Config, scripts []Script) {
	t.Helper()
	caps, err := Capabilities(context.Background(), cfg)
	if err != nil {
		t.Fatalf("serversuite: capabilities of %s: %v", cfg.Addr, err)
	}
	for _, s := range scripts {
		t.Run(s.Name, func(t *testing.T) {
			for _, r := range s.Requires {
				if !slices.ContainsFunc(caps, func(c string) bool { return strings.EqualFold(c, r) }) {
					t.Skipf("server lacks %s", r)
				}
			}
			if err := s.Run(context.Background(), cfg); err != nil {
				t.Errorf("%s (%s): %v", s.Name, s.Ref, err)
			}
		})
	}
}

// Capabilities returns the server's capabilities before login (those of
// its greeting or CAPABILITY) and after, together.
func Capabilities(ctx context.Context, cfg Config) ([]string, error) {
	r, err := newRun(ctx, cfg, nil)
	if err != nil {
		return nil, err
	}
	defer r.close()
	c, err := r.conn(0)
	if err != nil {
		return nil, err
	}
	var caps []string
	found := false
	for i, tag := range []string{"cap0", "cap1"} {
		if i == 1 {
			if err := r.login(c); err != nil {
				return nil, err
			}
		}
		resps, err := r.exchange(c, tag+" CAPABILITY", "")
		if err != nil {
			return nil, err
		}
		for _, l := range resps {
			if rest, ok := strings.CutPrefix(l, "* CAPABILITY "); ok {
				found = true
				for _, c := range strings.Fields(rest) {
					if !slices.ContainsFunc(caps, func(d string) bool { return strings.EqualFold(c, d) }) {
						caps = append(caps, c)
					}
				}
			}
		}
	}
	if !found {
		return nil, errors.New("no CAPABILITY response")
	}
	return caps, nil
}

// Run runs the script against the server of cfg.
func (s *Script) Run(ctx context.Context, cfg Config) (err error) {
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r, err := newRun(ctx, cfg, s)
	if err != nil {
		return err
	}
	defer func() {
		r.close()
		if len(s.Cleanup) > 0 {
			s.cleanup(ctx, cfg, r.vars)
		}
	}()
	for i, st := range s.Steps {
		if err := r.step(st); err != nil {
			return fmt.Errorf("step %d (conn %d, %q): %w", i+1, st.Conn, r.expand(st.Send), err)
		}
	}
	return nil
}

func (s *Script) cleanup(ctx context.Context, cfg Config, vars map[string]string) {
	r, err := newRun(ctx, cfg, s)
	if err != nil {
		return
	}
	r.vars = vars
	defer r.close()
	c, err := r.conn(0)
	if err != nil || r.login(c) != nil {
		return
	}
	for i, cmd := range s.Cleanup {
		r.exchange(c, "cl"+strconv.Itoa(i)+" "+r.expand(cmd), "")
	}
}

type run struct {
	ctx    context.Context
	cfg    Config
	script *Script
	vars   map[string]string
	conns  [4]*conn
}

type conn struct {
	nc net.Conn
	br *bufio.Reader
}

func newRun(ctx context.Context, cfg Config, s *Script) (*run, error) {
	var b [4]byte
	rand.Read(b[:])
	r := &run{ctx: ctx, cfg: cfg, script: s, vars: map[string]string{
		"user":   quote(cfg.User),
		"pass":   quote(cfg.Password),
		"prefix": "suite" + hex.EncodeToString(b[:]),
		"plain":  base64.StdEncoding.EncodeToString([]byte("\x00" + cfg.User + "\x00" + cfg.Password)),
	}}
	for k, v := range cfg.Vars {
		r.vars[k] = v
	}
	return r, nil
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func (r *run) close() {
	for _, c := range r.conns {
		if c != nil {
			c.nc.Close()
		}
	}
}

// conn returns connection i, dialing it and reading the greeting.
func (r *run) conn(i int) (*conn, error) {
	if i < 0 || i >= len(r.conns) {
		return nil, fmt.Errorf("no connection %d", i)
	}
	if r.conns[i] != nil {
		return r.conns[i], nil
	}
	d := net.Dialer{}
	nc, err := d.DialContext(r.ctx, "tcp", r.cfg.Addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := r.ctx.Deadline(); ok {
		nc.SetDeadline(dl)
	}
	if r.cfg.TLS != nil && r.cfg.ImplicitTLS {
		tc := tls.Client(nc, r.cfg.TLS)
		if err := tc.HandshakeContext(r.ctx); err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	c := &conn{nc: nc, br: bufio.NewReader(nc)}
	g, err := r.read(c)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if !strings.HasPrefix(g, "* OK") && !strings.HasPrefix(g, "* PREAUTH") {
		nc.Close()
		return nil, fmt.Errorf("greeting %q", g)
	}
	if r.cfg.TLS != nil && !r.cfg.ImplicitTLS {
		if _, err := r.exchange(c, "tls1 STARTTLS", ""); err != nil {
			nc.Close()
			return nil, err
		}
		tc := tls.Client(nc, r.cfg.TLS)
		if err := tc.HandshakeContext(r.ctx); err != nil {
			nc.Close()
			return nil, err
		}
		c.nc, c.br = tc, bufio.NewReader(tc)
	}
	r.conns[i] = c
	return c, nil
}

// login logs c in with the configured credentials.
func (r *run) login(c *conn) error {
	resps, err := r.exchange(c, "lg1 LOGIN "+r.vars["user"]+" "+r.vars["pass"], "")
	if err != nil {
		return err
	}
	if last := resps[len(resps)-1]; !strings.HasPrefix(last, "lg1 OK") {
		return fmt.Errorf("LOGIN: %q", last)
	}
	return nil
}

// exchange sends line and reads until its completion (or until).
func (r *run) exchange(c *conn, line, until string) ([]string, error) {
	var resps []string
	if line != "" {
		early, err := r.send(c, line)
		if err != nil {
			return nil, err
		}
		resps = early
	}
	re, err := r.untilRE(line, until)
	if err != nil {
		return nil, err
	}
	for {
		l, err := r.read(c)
		if err != nil {
			return resps, fmt.Errorf("after %q: %w", resps, err)
		}
		resps = append(resps, l)
		if re.MatchString(l) {
			return resps, nil
		}
	}
}

func (r *run) untilRE(line, until string) (*regexp.Regexp, error) {
	if until != "" {
		re, _, err := r.compile(until)
		return re, err
	}
	tag, _, _ := strings.Cut(line, " ")
	if tag == "" {
		return nil, errors.New("a step that sends nothing needs Until")
	}
	return regexp.MustCompile(`^` + regexp.QuoteMeta(tag) + ` `), nil
}

func (r *run) step(st Step) error {
	c, err := r.conn(st.Conn)
	if err != nil {
		return err
	}
	line := st.Send
	if line != "" {
		line = r.expand(line)
	}
	resps, err := r.exchange(c, line, st.Until)
	if err != nil {
		return err
	}
	for _, p := range st.Not {
		re, _, err := r.compile(p)
		if err != nil {
			return err
		}
		for _, l := range resps {
			if re.MatchString(l) {
				return fmt.Errorf("response %q matches the forbidden %q", l, p)
			}
		}
	}
	next := 0
	for _, p := range st.Want {
		re, names, err := r.compile(p)
		if err != nil {
			return err
		}
		found := false
		for next < len(resps) {
			l := resps[next]
			next++
			if m := re.FindStringSubmatch(l); m != nil {
				for i, n := range names {
					if n != "" {
						r.vars[n] = m[i]
					}
				}
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("no response matches %q in order; responses:\n\t%s", p, strings.Join(resps, "\n\t"))
		}
	}
	return nil
}

var placeholder = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

// compile turns a pattern into an anchored regular expression; names
// holds the capture name of each submatch.
func (r *run) compile(p string) (*regexp.Regexp, []string, error) {
	var b strings.Builder
	b.WriteString(`(?s)`)
	if rest, ok := strings.CutPrefix(p, "{{i}}"); ok {
		b.WriteString(`(?i)`)
		p = rest
	}
	b.WriteString(`^`)
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(p, -1) {
		b.WriteString(regexp.QuoteMeta(p[last:m[0]]))
		last = m[1]
		ph := p[m[2]:m[3]]
		kind, name, _ := strings.Cut(ph, ":")
		var expr string
		switch kind {
		case "n":
			expr = `[0-9]+`
		case "s":
			expr = `[^ ]+`
		case "*":
			expr = `.*`
		default:
			if v, ok := strings.CutPrefix(ph, "="); ok {
				val, found := r.vars[v]
				if !found {
					return nil, nil, fmt.Errorf("pattern %q: no value %q", p, v)
				}
				b.WriteString(regexp.QuoteMeta(val))
				continue
			}
			return nil, nil, fmt.Errorf("pattern %q: unknown placeholder %q", p, ph)
		}
		if name != "" {
			b.WriteString(`(?P<` + name + `>` + expr + `)`)
		} else {
			b.WriteString(expr)
		}
	}
	b.WriteString(regexp.QuoteMeta(p[last:]))
	b.WriteString(`$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, nil, fmt.Errorf("pattern %q: %w", p, err)
	}
	return re, re.SubexpNames(), nil
}

// expand replaces {{=name}} in a line to send; {{lit:...}} stay for send.
func (r *run) expand(s string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := strings.CutPrefix(m[2:len(m)-2], "="); ok {
			return r.vars[v]
		}
		return m
	})
}

// maxEarly bounds the untagged responses read while waiting for a "+".
const maxEarly = 1000

// send writes line and CRLF, sending its literals: for {{lit:name}}, the
// size, a wait for the server's "+", then the octets. It returns the
// untagged responses that came before a "+": a server may send untagged
// data or a warning (* NO) at any time (RFC 9051 §7), so they belong to
// the step's responses.
func (r *run) send(c *conn, line string) (early []string, err error) {
	for {
		m := placeholder.FindStringSubmatchIndex(line)
		var name string
		plus := false
		if m != nil {
			ph := line[m[2]:m[3]]
			switch {
			case strings.HasPrefix(ph, "lit:"):
				name = ph[4:]
			case strings.HasPrefix(ph, "lit+:"):
				name, plus = ph[5:], true
			}
		}
		if name == "" {
			if m != nil {
				return early, fmt.Errorf("unknown placeholder in %q", line)
			}
			r.trace("C: ", line)
			_, err := io.WriteString(c.nc, line+"\r\n")
			return early, err
		}
		var lit string
		if r.script != nil {
			var ok bool
			if lit, ok = r.script.Literals[name]; !ok {
				return early, fmt.Errorf("no literal %q", name)
			}
		}
		head := line[:m[0]] + "{" + strconv.Itoa(len(lit))
		if plus {
			head += "+"
		}
		head += "}"
		r.trace("C: ", head)
		if _, err := io.WriteString(c.nc, head+"\r\n"); err != nil {
			return early, err
		}
		for !plus {
			l, err := r.read(c)
			if err != nil {
				return early, err
			}
			if strings.HasPrefix(l, "+") {
				break
			}
			if !strings.HasPrefix(l, "* ") || len(early) == maxEarly {
				return early, fmt.Errorf("literal refused: %q", l)
			}
			early = append(early, l)
		}
		r.trace("C: ", lit)
		if _, err := io.WriteString(c.nc, lit); err != nil {
			return early, err
		}
		line = line[m[1]:]
	}
}

// maxResponse bounds one response the runner reads.
const maxResponse = 16 << 20

// read reads one response: a line, with the literals it announces.
func (r *run) read(c *conn) (string, error) {
	var b strings.Builder
	for {
		l, err := c.br.ReadString('\n')
		if err != nil {
			return "", err
		}
		b.WriteString(l)
		if b.Len() > maxResponse {
			return "", errors.New("response too long")
		}
		l = strings.TrimSuffix(strings.TrimSuffix(l, "\n"), "\r")
		n, ok := literalSize(l)
		if !ok {
			s := strings.TrimSuffix(strings.TrimSuffix(b.String(), "\n"), "\r")
			r.trace("S: ", s)
			return s, nil
		}
		if n > maxResponse-int64(b.Len()) {
			return "", fmt.Errorf("literal of %d octets", n)
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(c.br, buf); err != nil {
			return "", err
		}
		b.Write(buf)
	}
}

// literalSize reports whether l ends with {n} (or ~{n}).
func literalSize(l string) (int64, bool) {
	if !strings.HasSuffix(l, "}") {
		return 0, false
	}
	i := strings.LastIndexByte(l, '{')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(l[i+1:len(l)-1], "+"), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

func (r *run) trace(prefix, s string) {
	if r.cfg.Trace != nil {
		fmt.Fprintf(r.cfg.Trace, "%s%s\n", prefix, s)
	}
}
