package memserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Options configure a Server. The zero value is a server without TLS
// that accepts cleartext LOGIN from loopback addresses only.
type Options struct {
	// TLSConfig, when set, enables STARTTLS (RFC 9051 §6.2.1) and is the
	// configuration of [Server.ServeTLS] (implicit TLS).
	TLSConfig *tls.Config
	// InsecureAuth allows LOGIN and AUTHENTICATE PLAIN over cleartext
	// from any address. Without it a cleartext connection from a
	// non-loopback address gets LOGINDISABLED until STARTTLS (RFC 9051
	// §6.2.3); with no TLSConfig, cleartext is always allowed since
	// nothing better exists.
	InsecureAuth bool
	// Users maps user names to passwords; each user gets an INBOX.
	// [Server.AddUser] adds more.
	Users map[string]string
	// Logger, if set, receives connection events and errors at Info and
	// Debug level.
	Logger *slog.Logger
	// Trace, if set, receives the conversation of every connection, one
	// line each, prefixed with the connection number and "C: " (from the
	// client) or "S: " (from the server), credentials hidden.
	Trace io.Writer
	// MaxLineLength bounds a command line outside literals; default
	// 64 KiB.
	MaxLineLength int
	// MaxLiteralSize bounds one literal, hence one APPENDed message;
	// default 32 MiB. A larger literal ends the connection with BYE.
	MaxLiteralSize int64
	// MaxUserBytes bounds the octets of all the messages of one user,
	// each counted with 512 octets of overhead; APPEND, COPY and MOVE
	// beyond it fail with NO [OVERQUOTA]. Default 1 GiB; < 0 means no
	// limit. Seed is not bounded.
	MaxUserBytes int64
	// MaxConnections bounds the connections served at once; one more is
	// told "* BYE" and closed. Default 1000; < 0 means no limit.
	MaxConnections int
	// IdleTimeout ends a connection on which the client sent nothing for
	// this long (RFC 9051 §5.4 autologout); 0 means 30 minutes, < 0 none.
	IdleTimeout time.Duration
	// Now gives the time of APPEND without a date; nil means time.Now.
	Now func() time.Time
}

// A Server is an IMAP server whose mail is held in memory. It is safe
// for concurrent use; all sessions share one store guarded by one lock.
type Server struct {
	opts Options

	mu          sync.Mutex
	users       map[string]*user
	uidValidity uint32

	connMu    sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[net.Conn]struct{}
	closed    bool
	wg        sync.WaitGroup
	connSeq   uint64
}

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = errors.New("memserver: server closed")

// New returns a server with the users of opts (nil opts: no users).
func New(opts *Options) *Server {
	s := &Server{users: make(map[string]*user), listeners: make(map[net.Listener]struct{}),
		conns: make(map[net.Conn]struct{}), uidValidity: uint32(time.Now().Unix())}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.MaxLineLength <= 0 {
		s.opts.MaxLineLength = 64 << 10
	}
	if s.opts.MaxLiteralSize <= 0 {
		s.opts.MaxLiteralSize = 32 << 20
	}
	if s.opts.MaxConnections == 0 {
		s.opts.MaxConnections = 1000
	}
	if s.opts.MaxUserBytes == 0 {
		s.opts.MaxUserBytes = 1 << 30
	}
	if s.opts.IdleTimeout == 0 {
		s.opts.IdleTimeout = 30 * time.Minute
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	for name, pass := range s.opts.Users {
		s.AddUser(name, pass)
	}
	return s
}

// AddUser adds a user with an empty INBOX, or changes the password of
// an existing one.
func (s *Server) AddUser(name, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[name]; u != nil {
		u.pass = password
		return
	}
	u := &user{name: name, pass: password, mailboxes: make(map[string]*mailbox), subscribed: make(map[string]bool)}
	u.mailboxes["INBOX"] = s.newMailbox(u, "INBOX", "")
	u.subscribed["INBOX"] = true
	s.users[name] = u
}

// Message is a message to seed a mailbox with.
type Message struct {
	// Raw is the message (RFC 5322), lines ended by CRLF.
	Raw []byte
	// Flags are its flags, e.g. \Seen.
	Flags []string
	// Date is its internal date; zero means now.
	Date time.Time
}

// CreateMailbox creates a mailbox of user, subscribed, with an optional
// special-use attribute (RFC 6154, e.g. `\Sent`). An existing mailbox
// only gets the attribute.
func (s *Server) CreateMailbox(userName, name, specialUse string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[userName]
	if u == nil {
		return fmt.Errorf("memserver: no user %q", userName)
	}
	if mb := u.mailbox(name); mb != nil {
		mb.specialUse = specialUse
		return nil
	}
	if _, err := s.create(u, name, specialUse); err != nil {
		return fmt.Errorf("memserver: create %q: %w", name, err)
	}
	u.subscribed[canonical(name)] = true
	return nil
}

// Seed appends msgs to a mailbox of user, creating it if needed.
func (s *Server) Seed(userName, mailboxName string, msgs ...Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[userName]
	if u == nil {
		return fmt.Errorf("memserver: no user %q", userName)
	}
	if mb := u.mailbox(mailboxName); mb == nil || mb.noSelect {
		if _, err := s.create(u, mailboxName, ""); err != nil {
			return fmt.Errorf("memserver: create %q: %w", mailboxName, err)
		}
		u.subscribed[canonical(mailboxName)] = true
	}
	mb := s.users[userName].mailbox(mailboxName)
	for _, m := range msgs {
		d := m.Date
		if d.IsZero() {
			d = s.opts.Now()
		}
		mb.add(m.Raw, m.Flags, d)
	}
	mb.notify(nil, nil)
	return nil
}

// Serve accepts connections on l and serves each on its own goroutine
// until l fails or the server is closed; then it returns the error
// (ErrServerClosed after Close).
func (s *Server) Serve(l net.Listener) error { return s.serve(l, false) }

// ServeTLS is Serve with implicit TLS (port 993 style, RFC 8314) using
// Options.TLSConfig.
func (s *Server) ServeTLS(l net.Listener) error {
	if s.opts.TLSConfig == nil {
		return errors.New("memserver: ServeTLS without Options.TLSConfig")
	}
	return s.serve(l, true)
}

func (s *Server) serve(l net.Listener, implicitTLS bool) error {
	s.connMu.Lock()
	if s.closed {
		s.connMu.Unlock()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.connMu.Unlock()
	defer func() {
		s.connMu.Lock()
		delete(s.listeners, l)
		s.connMu.Unlock()
	}()
	var delay time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			s.connMu.Lock()
			closed := s.closed
			s.connMu.Unlock()
			if closed {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		if s.full() {
			go func() {
				c.SetWriteDeadline(time.Now().Add(5 * time.Second))
				c.Write([]byte("* BYE too many connections\r\n"))
				c.Close()
			}()
			continue
		}
		if !s.track(c) {
			c.Close()
			return ErrServerClosed
		}
		go func() {
			defer s.wg.Done()
			defer s.untrack(c)
			s.serveConn(c, implicitTLS, nil)
		}()
	}
}

// ServeConn serves one connection that is already established (a
// net.Pipe in tests) and returns when it ends.
func (s *Server) ServeConn(c net.Conn) {
	if !s.track(c) {
		c.Close()
		return
	}
	defer s.wg.Done()
	defer s.untrack(c)
	s.serveConn(c, false, nil)
}

// ServePreauth serves one connection whose client is already known to
// be userName, as a server run as a subprocess over its standard input
// and output is: the greeting is PREAUTH (RFC 9051 §7.1.4) and the
// session starts in the authenticated state. It returns when the
// session ends.
func (s *Server) ServePreauth(c net.Conn, userName string) error {
	s.mu.Lock()
	u := s.users[userName]
	s.mu.Unlock()
	if u == nil {
		c.Close()
		return fmt.Errorf("memserver: no user %q", userName)
	}
	if !s.track(c) {
		c.Close()
		return ErrServerClosed
	}
	defer s.wg.Done()
	defer s.untrack(c)
	s.serveConn(c, false, u)
	return nil
}

// full reports whether MaxConnections are being served.
func (s *Server) full() bool {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	return s.opts.MaxConnections > 0 && len(s.conns) >= s.opts.MaxConnections
}

func (s *Server) track(c net.Conn) bool {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.connMu.Lock()
	delete(s.conns, c)
	s.connMu.Unlock()
}

// Close stops the listeners and ends every session: each gets
// "* BYE" (RFC 9051 §7.1.5) once its reading side is shut down, and a
// connection that has not ended within a few seconds (a client that
// does not read) is closed. Close returns when all sessions have ended.
func (s *Server) Close() error {
	s.connMu.Lock()
	s.closed = true
	for l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		if cr, ok := c.(interface{ CloseRead() error }); ok && cr.CloseRead() == nil {
			continue
		}
		c.Close()
	}
	s.connMu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	t := time.NewTimer(closeGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		s.connMu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.connMu.Unlock()
		<-done
	}
	return nil
}

// closeGrace is how long Close lets sessions say BYE.
const closeGrace = 3 * time.Second

func (s *Server) closing() bool {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	return s.closed
}

func (s *Server) log(level slog.Level, msg string, args ...any) {
	if s.opts.Logger != nil {
		s.opts.Logger.Log(context.Background(), level, msg, args...)
	}
}
