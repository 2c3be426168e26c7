package client

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/transport"
	"github.com/imapkit/imapkit/wire"
)

// Conn is a connection to an IMAP server. Its methods may be called from
// several goroutines at once: commands are pipelined where RFC 9051 §5.5
// allows and queued where it does not.
//
// One goroutine reads. It decodes each response, updates the connection
// and mailbox state, and offers the response to the commands in flight,
// oldest first; the first whose Spec.Claim accepts it gets it on its own
// queue. Responses nobody claims go to the unclaimed queue (Unclaimed)
// and to Options.Unilateral. Of user code, the reader runs only the
// registry's reader-side hooks (with the connection's lock held; see
// UntaggedHook) and Spec.Claim (without it).
type Conn struct {
	opts Options
	reg  *Registry

	// sendSem orders command starts: a command holds it from admission
	// until its last byte (and its continuations) are written. A channel
	// rather than a mutex, so that waiting for it honours contexts.
	sendSem chan struct{}
	// wsem guards the write side: netConn writes, bw, enc and writing.
	wsem    chan struct{}
	writing *Command // the command whose bytes are being written
	netConn net.Conn // the top layer, traced
	rawConn net.Conn // the top layer without the trace
	tracer  *transport.Tracer
	bw      *bufio.Writer
	enc     *codec.Encoder
	host    string

	// read side, owned by the reader goroutine.
	br        *bufio.Reader
	dec       *codec.Decoder
	readConn  net.Conn   // what br reads from (through readWatch)
	peek      peekReader // what br reads from after park
	claimBuf  []*Command // reused snapshot of inflight
	litResp   *wire.Response
	litCmd    *Command // who claimed litResp at its first streamed literal
	litAsked  bool     // the commands were asked about litResp
	litErr    error    // a literal of litResp too large to buffer was dropped
	inClaim   atomic.Bool
	writingB  atomic.Bool   // a command's bytes are going out (the server may be silent)
	strayCont atomic.Uint64 // continuation requests nobody waited for (StrayContinuations)

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change the gate waits for
	state     State
	caps      map[string]bool // upper-cased names
	capNames  []string        // as the server spelled them
	capsKnown bool
	enabled   map[string]bool
	isTLS     bool
	tlsConn   tlsStater
	inflight  []*Command
	starting  int // calls of start not yet returned
	tagSeq    uint64
	mbox      *Mailbox
	prevMbox  *Mailbox // the mailbox a SELECT in flight replaces
	selecting bool
	idler     *idleRun // the IDLE run by Idle, which other commands interrupt
	armed     *Command // the command a "+" is delivered to
	contCh    chan *wire.Response
	closeConn net.Conn  // closed by fail
	err       error     // why the connection ended
	bye       *ByeError // the server's BYE, once received
	loggedOut bool      // Logout sent LOGOUT
	greeting  *wire.Response
	encOpts   codec.EncoderOptions

	closing    chan struct{} // closed when the connection ends
	readerDone chan struct{}

	events    eventQueue
	unclaimMu sync.Mutex
	unclaimQ  []*wire.Response
	unclaimCh chan struct{}
	dropped   uint64
}

// tlsStater is a connection that can report its TLS state (*tls.Conn).
type tlsStater interface {
	ConnectionState() tls.ConnectionState
}

// New starts a client on an established connection (plain, TLS, or any
// transport from the transport module) and waits for the server's
// greeting, for at most Options.ConnectTimeout. A greeting of PREAUTH
// starts in the authenticated state (refused with ErrTLSRequired on a
// cleartext connection under Options.RequireTLS); BYE is an error.
func New(ctx context.Context, conn net.Conn, opts *Options) (*Conn, error) {
	c := newConn(conn, opts)
	ctx, cancel := c.opts.connectContext(ctx)
	defer cancel()
	if err := c.waitGreeting(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func newConn(conn net.Conn, opts *Options) *Conn {
	c := &Conn{
		changed:    make(chan struct{}),
		closing:    make(chan struct{}),
		readerDone: make(chan struct{}),
		sendSem:    make(chan struct{}, 1),
		wsem:       make(chan struct{}, 1),
		contCh:     make(chan *wire.Response, 1),
		unclaimCh:  make(chan struct{}, 1),
		caps:       map[string]bool{},
		enabled:    map[string]bool{},
	}
	if opts != nil {
		c.opts = *opts
	}
	if len(c.opts.Extensions) == 0 {
		// Nothing to register: the connections share one registry,
		// read-only from here on (about 6 KiB less per connection).
		c.reg = baseRegistry()
	} else {
		c.reg = newRegistry()
		for _, ext := range c.opts.Extensions {
			ext(c.reg)
		}
		c.reg.frozen = true
	}
	if tc, ok := conn.(tlsStater); ok {
		c.isTLS = true
		c.tlsConn = tc
		c.host = tc.ConnectionState().ServerName
	}
	c.events.start(c.opts.Unilateral, c.opts.MailboxUpdate)
	c.peek.c = c
	c.setConn(conn)
	return c
}

// waitGreeting starts the reader and waits for the greeting.
func (c *Conn) waitGreeting(ctx context.Context) error {
	greeting := make(chan error, 1)
	go c.readLoop(greeting)
	select {
	case err := <-greeting:
		if err == nil && c.opts.RequireTLS && !c.IsTLS() && c.State() == StateAuthenticated {
			// RFC 9051 §6.2.1: no STARTTLS after PREAUTH, so a cleartext
			// PREAUTH can never become a protected connection (the
			// PREAUTH stripping of CVE-2020-12398).
			err = fmt.Errorf("client: %s greeted with PREAUTH on a connection without TLS: %w", c.hostName(), ErrTLSRequired)
		}
		if err != nil {
			c.Close()
			return err
		}
		return nil
	case <-ctx.Done():
		c.Close()
		err := ctx.Err()
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w (%w)", ErrTimeout, err)
		}
		return fmt.Errorf("client: waiting for the greeting from %s: %w", c.hostName(), err)
	}
}

func (c *Conn) hostName() string {
	if c.host != "" {
		return c.host
	}
	if c.rawConn != nil && c.rawConn.RemoteAddr() != nil {
		return c.rawConn.RemoteAddr().String()
	}
	return "the server"
}

// setConn installs conn as the transport (at start, after STARTTLS and
// after COMPRESS).
func (c *Conn) setConn(conn net.Conn) {
	c.rawConn = conn
	if c.opts.Trace != nil {
		if c.tracer == nil {
			c.tracer = &transport.Tracer{Writer: c.opts.Trace}
		}
		conn = c.tracer.Wrap(conn)
	}
	c.wsem <- struct{}{}
	c.netConn = conn // the write buffer, taken per write, writes to it
	<-c.wsem
	c.mu.Lock()
	c.closeConn = conn
	c.readConn = conn
	c.mu.Unlock()
	if c.br == nil {
		c.br = readerPool.Get().(*bufio.Reader)
		c.br.Reset(readWatch{c})
		c.dec = codec.NewDecoder(c.br, c.decoderOptions())
	} else {
		c.br.Reset(readWatch{c})
		c.dec.Reset(c.br)
	}
}

// baseRegistry is the frozen registry of connections without extensions.
var baseRegistry = sync.OnceValue(func() *Registry {
	r := newRegistry()
	r.frozen = true
	return r
})

// The read and write buffers of idle connections go back to these pools,
// as net/http and x/net/http2 do, so that a connection that waits (in
// IDLE, or between commands) holds neither: a process watching many
// mailboxes pays for the buffers of the busy connections only.
var (
	readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}
	writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}
)

// takeWriter gives the connection a write buffer (and the encoder that
// writes to it) for one write; the caller holds wsem.
func (c *Conn) takeWriter() {
	if c.bw != nil {
		return
	}
	c.bw = writerPool.Get().(*bufio.Writer)
	c.bw.Reset(armWriter{c})
	if c.enc == nil {
		c.enc = codec.NewEncoder(c.bw, nil)
	} else {
		c.enc.Reset(c.bw)
	}
}

// releaseWriter returns the write buffer to the pool once it is flushed
// (it is kept when a failed write left bytes in it); the caller holds
// wsem.
func (c *Conn) releaseWriter() {
	if c.bw == nil || c.bw.Buffered() > 0 {
		return
	}
	c.bw.Reset(nil)
	writerPool.Put(c.bw)
	c.bw = nil
}

// park, on the reader goroutine at a response boundary with nothing
// buffered and nothing awaited, returns the read buffer to the pool and
// waits for the server's next byte in a one-byte read; then it takes a
// buffer again, which reads that byte first. Errors of the read come
// through the decoder as before (park reads nothing but that byte).
func (c *Conn) park() {
	c.br.Reset(nil)
	readerPool.Put(c.br)
	c.br = nil
	c.dec.Release()
	n, err := readWatch{c}.Read(c.peek.b[:])
	c.peek.n, c.peek.err = n, err
	c.br = readerPool.Get().(*bufio.Reader)
	c.br.Reset(&c.peek)
	c.dec.Reset(c.br)
}

// peekReader yields the byte park read (or its error), then reads on
// through readWatch.
type peekReader struct {
	c   *Conn
	b   [1]byte
	n   int
	err error
}

func (r *peekReader) Read(p []byte) (int, error) {
	if r.n > 0 && len(p) > 0 {
		p[0] = r.b[0]
		r.n = 0
		return 1, nil
	}
	if r.err != nil {
		err := r.err
		r.err = nil
		return 0, err
	}
	return readWatch{r.c}.Read(p)
}

// State returns the connection state.
func (c *Conn) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Greeting returns the server's greeting.
func (c *Conn) Greeting() *wire.Response {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.greeting
}

// Value returns what an extension stored under key with
// Registry.SetValue while the connection was set up, or nil. The values
// are fixed once the connection starts; what they point to is the
// extension's to guard.
func (c *Conn) Value(key any) any { return c.reg.values[key] }

// Mailbox returns a copy of the selected mailbox's state, or nil when no
// mailbox is selected.
func (c *Conn) Mailbox() *Mailbox {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mbox.clone()
}

// IsTLS reports whether the connection is protected by TLS.
func (c *Conn) IsTLS() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.isTLS
}

// TLSConnectionState returns the state of the connection's TLS layer
// (implicit TLS or STARTTLS), for channel binding or certificate
// inspection, and false when the connection is cleartext.
func (c *Conn) TLSConnectionState() (tls.ConnectionState, bool) {
	c.mu.Lock()
	tc := c.tlsConn
	c.mu.Unlock()
	if tc == nil {
		return tls.ConnectionState{}, false
	}
	return tc.ConnectionState(), true
}

// Err returns why the connection ended, or nil while it is up. After
// Close, and after Logout however the server ended the conversation, it
// is ErrClosed.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close closes the connection at once, without LOGOUT. Every command in
// flight ends with a *ConnError whose cause is ErrClosed. It returns
// promptly in every state: writes and reads in progress fail as the
// network connection closes. It waits for the reader goroutine to end,
// except when called from a Spec.Claim (on the reader goroutine).
func (c *Conn) Close() error {
	c.fail(ErrClosed)
	if !c.inClaim.Load() {
		<-c.readerDone
	}
	c.events.stop()
	return nil
}

// fail ends the connection with cause err (the first cause wins). It takes
// no lock that a writer may hold, so it may be called from anywhere.
func (c *Conn) fail(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	c.state = StateLogout
	cmds := c.inflight
	c.inflight = nil
	c.armed = nil
	nc := c.closeConn
	c.broadcastLocked()
	c.mu.Unlock()
	close(c.closing)
	if nc != nil {
		nc.Close()
	}
	cerr := &ConnError{Err: err}
	for _, cmd := range cmds {
		cmd.finish(nil, cerr)
	}
}

func (c *Conn) connErr() error {
	if c.err == nil {
		return nil
	}
	return &ConnError{Err: c.err}
}

func (c *Conn) broadcastLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Start sends a command described by spec and returns its handle at once,
// as soon as the command is on the wire. It waits first where RFC 9051
// §5.5 forbids sending the command now (a sequence-number command while
// another may cause EXPUNGE; a command that must be alone), and ends an
// IDLE run by Idle to let the command through. This is the raw path: any
// command, any arguments, its responses as value trees.
//
// For a command RFC 9051 defines, the pipelining fields are derived from
// its name and need not be set: a raw "FETCH" uses sequence numbers and
// may not run beside a command that may expunge, a raw "SELECT" is
// alone, nil States become the command's states. A caller may make them
// stricter, never looser. Extension commands keep what spec says.
//
// ctx bounds the wait and the writing. A context that ends while the
// command is partly written (or while the server has yet to answer one of
// its synchronizing literals) closes the connection, which cannot be
// kept in step.
func (c *Conn) Start(ctx context.Context, spec Spec) (*Command, error) {
	return c.start(ctx, deriveSafe(spec), nil)
}

// start is Start with afterWrite, which runs while the command still owns
// the wire (AUTHENTICATE's exchange).
func (c *Conn) start(ctx context.Context, spec Spec, afterWrite func(cmd *Command) error) (*Command, error) {
	spec = c.reg.modify(c, spec)
	cmd := newCommand(c, spec)
	c.mu.Lock()
	c.starting++
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.starting--
		c.broadcastLocked()
		c.mu.Unlock()
	}()
	if err := c.acquire(ctx, c.sendSem); err != nil {
		return nil, err
	}
	defer func() { <-c.sendSem }()
	if err := c.admit(ctx, cmd); err != nil {
		return nil, err
	}
	if err := c.write(ctx, cmd); err != nil {
		return cmd, err
	}
	var err error
	if afterWrite != nil {
		err = afterWrite(cmd)
	}
	if !cmd.spec.expectCont {
		c.disarm(cmd)
	}
	return cmd, err
}

// acquire takes a semaphore, or returns ctx's error or the connection's.
func (c *Conn) acquire(ctx context.Context, sem chan struct{}) error {
	select {
	case sem <- struct{}{}:
		return nil
	default:
	}
	select {
	case sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.closing:
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.connErr()
	}
}

// tlsFree are the commands RequireTLS lets through before TLS is up.
func tlsFree(name string) bool {
	switch name {
	case "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS":
		return true
	}
	return false
}

// admit waits until cmd may be sent, then assigns its tag and puts it in
// flight.
func (c *Conn) admit(ctx context.Context, cmd *Command) error {
	if !c.hasTLSOrFree(cmd) {
		return fmt.Errorf("client: %s before TLS: %w", cmd.spec.Name, ErrTLSRequired)
	}
	cmd.syncLit = c.needsSyncLiteral(cmd.spec.Args)
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if c.err != nil {
			return c.connErr()
		}
		// The gate first: a command queued behind LOGIN or SELECT is
		// judged in the state those leave behind.
		if c.gateOpen(cmd) {
			if !c.stateAllows(cmd.spec.States) {
				return &StateError{Command: cmd.spec.Name, State: c.state, Want: cmd.spec.States}
			}
			if c.opts.RequireTLS && !c.isTLS && !tlsFree(cmd.spec.Name) {
				return fmt.Errorf("client: %s before TLS: %w", cmd.spec.Name, ErrTLSRequired)
			}
			// The extensions' checks last, in the state the command
			// would be sent in; a refusal leaves no trace (no tag).
			if err := c.checkLocked(&cmd.spec); err != nil {
				return err
			}
			break
		}
		if c.idler != nil {
			// A command issued during IDLE ends it; Idle resumes once
			// the connection is quiet again. A command the extensions
			// refuse in the current state does not: IDLE changes no
			// state, so ending it would not change the answer.
			if err := c.checkLocked(&cmd.spec); err != nil {
				return err
			}
			c.idler.interrupt()
		}
		ch := c.changed
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			c.mu.Lock()
			return ctx.Err()
		}
		c.mu.Lock()
	}
	c.tagSeq++
	cmd.tag = "A" + strconv.FormatUint(c.tagSeq, 10)
	c.inflight = append(c.inflight, cmd)
	if isSelect(cmd.spec.Name) {
		c.selecting = true
		if c.state == StateSelected && c.mbox != nil {
			c.prevMbox = c.mbox
		}
		c.mbox = &Mailbox{}
	}
	if cmd.spec.Name == "LOGOUT" {
		c.loggedOut = true
	}
	c.armDeadlineLocked()
	return nil
}

func (c *Conn) hasTLSOrFree(cmd *Command) bool {
	if !c.opts.RequireTLS || tlsFree(cmd.spec.Name) {
		return true
	}
	return c.IsTLS()
}

func isSelect(name string) bool { return name == "SELECT" || name == "EXAMINE" }

func (c *Conn) stateAllows(want []State) bool {
	if c.state == StateLogout {
		return false
	}
	if want == nil {
		return true
	}
	for _, s := range want {
		if s == c.state {
			return true
		}
	}
	return false
}

// gateOpen applies RFC 9051 §5.5 to cmd against the commands in flight.
//
// A command with a synchronizing literal also waits until no command is in
// flight. Pipelined behind another, its line reaches the server while the
// server's previous answer is not yet acknowledged; a server that leaves
// Nagle's algorithm on (Courier) then holds its "+" until the client's
// delayed ACK, about 40 ms per command, which made pipelined APPENDs
// without LITERAL+ a hundred times slower than sequential ones. Alone, the
// line carries the ACK and the "+" leaves at once: never slower than
// sequential, which is all a synchronizing literal allows anyway.
func (c *Conn) gateOpen(cmd *Command) bool {
	k := cmd.class
	if cmd.syncLit && len(c.inflight) > 0 {
		return false
	}
	for _, f := range c.inflight {
		if f.class.mustBeAlone() {
			return false
		}
		if k.mustBeAlone() {
			return false
		}
		if k.usesSeq() && f.class.mayExpunge() {
			return false
		}
	}
	return true
}

// needsSyncLiteral reports whether the encoder will send args with a
// synchronizing literal, by a dry run that writes nothing (the encoder
// checks every argument first and stops before writing at a synchronizing
// literal without a cont function). Literal bodies are replaced by empty
// readers of the same size, so that no caller's reader is consumed.
func (c *Conn) needsSyncLiteral(args []wire.Value) bool {
	c.mu.Lock()
	eo := c.encOpts
	c.mu.Unlock()
	if eo.LiteralPlus || !hasString(args, 0) {
		return false
	}
	e := codec.NewEncoder(io.Discard, &eo)
	err := e.WriteCommand(&wire.Command{Tag: "X", Name: "X", Args: stripBodies(args, 0)}, nil)
	return errors.Is(err, codec.ErrNoContinuation)
}

func hasString(vs []wire.Value, depth int) bool {
	for i := range vs {
		switch vs[i].Kind {
		case wire.KindString:
			return true
		case wire.KindList:
			if depth < 64 && hasString(vs[i].List, depth+1) {
				return true
			}
		}
	}
	return false
}

func stripBodies(vs []wire.Value, depth int) []wire.Value {
	out := slices.Clone(vs)
	for i := range out {
		switch {
		case out[i].Body != nil:
			out[i].Body = strings.NewReader("")
		case out[i].Kind == wire.KindList && depth < 64:
			out[i].List = stripBodies(out[i].List, depth+1)
		case out[i].Kind == wire.KindString && len(out[i].Str) > codec.LiteralMinusMax &&
			(out[i].Form == wire.FormAuto || out[i].Form == wire.FormLiteral) &&
			strings.IndexByte(out[i].Str, 0) < 0:
			// A literal either way (longer than any quoted string): an
			// empty body of the same size decides the same, without the
			// dry run copying megabytes.
			out[i] = wire.Value{Kind: wire.KindString, Form: wire.FormLiteral,
				Body: strings.NewReader(""), Size: int64(len(out[i].Str))}
		}
	}
	return out
}

// write encodes cmd onto the wire, negotiating synchronizing literals. ctx
// bounds the writing (a write deadline) and the waits for "+".
func (c *Conn) write(ctx context.Context, cmd *Command) error {
	wc := wire.Command{Tag: cmd.tag, Name: cmd.spec.Name, Args: cmd.spec.Args}
	cont := func() error {
		c.writingB.Store(false)
		_, err := c.awaitContinuation(ctx, cmd)
		c.writingB.Store(true)
		return err
	}
	c.mu.Lock()
	eo := c.encOpts
	c.mu.Unlock()
	if err := c.acquire(ctx, c.wsem); err != nil {
		c.retract(cmd, err)
		return err
	}
	gctx := ctx
	if cmd.spec.wholeLine {
		var cancel context.CancelFunc
		gctx, cancel = context.WithoutCancel(ctx), func() {}
		if dl, ok := ctx.Deadline(); ok {
			gctx, cancel = context.WithDeadline(gctx, dl)
		}
		defer cancel()
	}
	stop := c.guardWrite(gctx)
	c.writing = cmd
	c.writingB.Store(true)
	c.takeWriter()
	c.enc.SetOptions(&eo)
	err := c.enc.WriteCommand(&wc, cont)
	c.releaseWriter()
	c.writingB.Store(false)
	c.writing = nil
	stop()
	<-c.wsem
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) {
			return err
		}
		var ee *codec.EncodeError
		if errors.As(err, &ee) && !errors.Is(err, codec.ErrCommandAborted) {
			// The encoder checks every argument before it writes: nothing
			// of this command went out, so it is simply withdrawn.
			c.retract(cmd, err)
			return err
		}
		if cerr := cmd.Err(); cerr != nil {
			return cerr
		}
		if cerr := writeCtxErr(gctx, err); cerr != nil {
			c.fail(fmt.Errorf("writing %s %s: %w", cmd.tag, cmd.spec.Name, cerr))
			return cerr
		}
		c.fail(fmt.Errorf("writing %s %s: %w", cmd.tag, cmd.spec.Name, err))
		return c.Err()
	}
	return nil
}

// aLongTimeAgo is a deadline in the past: it makes a blocked write return.
var aLongTimeAgo = time.Unix(1, 0)

// guardWrite bounds the writes that follow by ctx (its deadline, and its
// cancellation through a deadline in the past); the returned function
// lifts the bound. The caller holds wsem.
func (c *Conn) guardWrite(ctx context.Context) func() {
	nc := c.netConn
	dl, _ := ctx.Deadline()
	nc.SetWriteDeadline(dl)
	if ctx.Done() == nil {
		return func() {}
	}
	fired := make(chan struct{})
	stopf := context.AfterFunc(ctx, func() {
		nc.SetWriteDeadline(aLongTimeAgo)
		close(fired)
	})
	return func() {
		if !stopf() {
			<-fired
		}
		nc.SetWriteDeadline(time.Time{})
	}
}

// writeCtxErr returns ctx's error when ctx caused the write error err
// (the write deadline may pass a moment before ctx notices its own), or
// nil.
func writeCtxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if dl, ok := ctx.Deadline(); ok && errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

// retract removes a command that was admitted but never sent.
func (c *Conn) retract(cmd *Command, err error) {
	c.mu.Lock()
	if i := slices.Index(c.inflight, cmd); i >= 0 {
		c.inflight = slices.Delete(c.inflight, i, i+1)
	}
	if c.armed == cmd {
		c.armed = nil
	}
	if isSelect(cmd.spec.Name) {
		c.selecting = false
		c.mbox = c.prevMbox
		c.prevMbox = nil
	}
	c.broadcastLocked()
	c.mu.Unlock()
	cmd.finish(nil, err)
}

// armWriter is what the buffered writer writes to: before the bytes that
// solicit a continuation request leave (a line ending in a synchronizing
// literal's "{n}", or any line of a command that expects "+"), it makes
// the writing command the one a "+" is delivered to. Arming before the
// write means a "+" can never arrive before its command is ready for it,
// and a "+" that arrives while nobody is armed is dropped.
type armWriter struct{ c *Conn }

func (w armWriter) Write(p []byte) (int, error) {
	c := w.c
	if cmd := c.writing; cmd != nil && (cmd.spec.expectCont || endsWithSyncLiteral(p)) {
		c.arm(cmd)
	}
	return c.netConn.Write(p)
}

// endsWithSyncLiteral reports whether p ends with "{n}" CRLF.
func endsWithSyncLiteral(p []byte) bool {
	if !bytes.HasSuffix(p, []byte("}\r\n")) {
		return false
	}
	p = p[:len(p)-3]
	i := len(p)
	for i > 0 && p[i-1] >= '0' && p[i-1] <= '9' {
		i--
	}
	return i < len(p) && i > 0 && p[i-1] == '{'
}

// arm makes cmd the receiver of the next "+", forgetting any earlier one.
func (c *Conn) arm(cmd *Command) {
	c.mu.Lock()
	c.armed = cmd
	select {
	case <-c.contCh:
	default:
	}
	c.mu.Unlock()
}

// disarm stops delivering "+" to cmd and drops one it did not take.
func (c *Conn) disarm(cmd *Command) {
	c.mu.Lock()
	if c.armed == cmd {
		c.armed = nil
	}
	select {
	case <-c.contCh:
	default:
	}
	c.mu.Unlock()
}

// awaitContinuation waits for the server's "+" to cmd. A completion of cmd
// instead (the server refused the literal) returns its error. A cancelled
// ctx closes the connection: the server is waiting for bytes that will not
// come, so the connection cannot be kept consistent.
func (c *Conn) awaitContinuation(ctx context.Context, cmd *Command) (*wire.Response, error) {
	select {
	case resp := <-c.contCh:
		return resp, nil
	case <-cmd.done:
		// A "+" read before the completion wins over it (select picks at
		// random among ready cases): the server asked for the literal, so
		// it is sent, as the wire trace expects; were it skipped, the trace
		// would take the next command's bytes for the literal and show its
		// credentials.
		select {
		case resp := <-c.contCh:
			return resp, nil
		default:
		}
		if err := cmd.Err(); err != nil {
			return nil, err
		}
		return nil, &ProtocolError{Msg: cmd.spec.Name + " completed while a continuation was awaited"}
	case <-c.closing:
		select {
		case resp := <-c.contCh:
			return resp, nil
		default:
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		return nil, c.connErr()
	case <-ctx.Done():
		c.fail(fmt.Errorf("%s %s cancelled while the server awaited a continuation: %w", cmd.tag, cmd.spec.Name, ctx.Err()))
		return nil, ctx.Err()
	}
}

// writeLine writes one continuation line of cmd (SASL response, IDLE's
// DONE), bounded by ctx; arm says whether the server answers it with "+".
// A write that fails or times out ends the connection.
func (c *Conn) writeLine(ctx context.Context, cmd *Command, b []byte, arm bool) error {
	if err := c.acquire(ctx, c.wsem); err != nil {
		return err
	}
	stop := c.guardWrite(ctx)
	if arm {
		c.writing = cmd
	}
	c.writingB.Store(true)
	c.takeWriter()
	_, err := c.bw.Write(b)
	if err == nil {
		_, err = c.bw.WriteString("\r\n")
	}
	if err == nil {
		err = c.bw.Flush()
	}
	c.releaseWriter()
	c.writingB.Store(false)
	c.writing = nil
	stop()
	<-c.wsem
	if err != nil {
		if cerr := writeCtxErr(ctx, err); cerr != nil {
			err = cerr
		}
		c.fail(fmt.Errorf("writing a continuation line of %s %s: %w", cmd.tag, cmd.spec.Name, err))
		return err
	}
	if !arm {
		c.armDeadline()
	}
	return nil
}

// readLoop is the reader goroutine.
func (c *Conn) readLoop(greeting chan<- error) {
	defer close(c.readerDone)
	first := true
	for {
		if c.br.Buffered() == 0 && c.awaited() == "" {
			c.park()
		}
		start := c.dec.Offset()
		resp, err := c.dec.ReadResponse()
		if err != nil {
			c.mu.Lock()
			bye, loggedOut := c.bye, c.loggedOut
			c.mu.Unlock()
			switch {
			case loggedOut && (bye != nil || errors.Is(err, io.EOF)):
				// The end Logout asked for.
				err = ErrClosed
			case bye != nil:
				err = bye
			case errors.Is(err, io.EOF):
				err = fmt.Errorf("server closed the connection: %w", err)
			}
			c.fail(err)
			if first {
				c.mu.Lock()
				greeting <- c.connErr()
				c.mu.Unlock()
			}
			return
		}
		if first {
			first = false
			greeting <- c.handleGreeting(resp)
			continue
		}
		if err := c.handle(resp, c.dec.Offset()-start); err != nil {
			c.fail(err)
			return
		}
	}
}

func (c *Conn) handleGreeting(resp *wire.Response) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.greeting = detachGreeting(resp)
	if resp.Kind != wire.StatusResponse {
		return &ProtocolError{Msg: "greeting is not a status response", Resp: resp}
	}
	c.applyCodeLocked(resp, nil)
	switch resp.Status {
	case wire.StatusOK:
		c.state = StateNotAuthenticated
	case wire.StatusPreauth:
		c.state = StateAuthenticated
	case wire.StatusBye:
		return &ConnError{Err: &ByeError{Code: resp.Code, Text: resp.Text}}
	default:
		return &ProtocolError{Msg: "greeting status " + resp.Status.String(), Resp: resp}
	}
	return nil
}

// handle processes one response on the reader goroutine.
func (c *Conn) handle(resp *wire.Response, size int64) error {
	switch resp.Kind {
	case wire.ContinueResponse:
		// A "+" goes to the command armed for it, once; one nobody is
		// waiting for is dropped (it shows in the trace), never kept for a
		// later literal, which it would release before the server asked.
		c.mu.Lock()
		cmd := c.armed
		if len(c.reg.continuations) > 0 {
			h := &Hook{c: c, cmd: cmd, resp: resp}
			for _, fn := range c.reg.continuations {
				fn(h, resp)
			}
			if ev := h.finish(); len(ev) > 0 {
				defer c.events.mailbox(ev)
			}
		}
		if cmd != nil {
			c.armed = nil
			if cmd.spec.Name == "IDLE" {
				// Idling from now on (as Idle and StartIdle record
				// too): set here, before the next read, so that the
				// reader parks without its buffer (park).
				cmd.quiet.Store(true)
			}
			select {
			case c.contCh <- resp:
			default:
			}
		}
		c.mu.Unlock()
		if cmd == nil {
			c.strayCont.Add(1)
		}
		return nil
	case wire.DoneResponse:
		return c.handleDone(resp)
	}
	events := c.applyUntagged(resp)
	c.events.mailbox(events)
	if resp.Kind == wire.StatusResponse && resp.Status == wire.StatusBye {
		// The server closes the stream next (RFC 9051 §7.1.5); LOGOUT's
		// OK may still come first. BYE becomes the cause every command
		// still in flight then ends with.
		c.mu.Lock()
		c.bye = &ByeError{Code: resp.Code, Text: resp.Text}
		c.state = StateLogout
		c.broadcastLocked()
		c.mu.Unlock()
	}
	c.dispatch(resp, size)
	return nil
}

// dispatch offers an untagged response to the commands in flight, oldest
// first, then to the unclaimed queue.
func (c *Conn) dispatch(resp *wire.Response, size int64) {
	var cmd *Command
	if resp == c.litResp && c.litCmd != nil {
		cmd = c.litCmd // claimed at its first streamed literal
	} else {
		cmd = c.claimer(resp)
	}
	var litErr error
	if resp == c.litResp {
		litErr = c.litErr
		c.litResp, c.litCmd, c.litAsked, c.litErr = nil, nil, false, nil
	}
	if cmd != nil {
		if litErr != nil {
			cmd.failLimit(litErr)
		}
		if cmd.push(resp, size) {
			return
		}
	}
	c.unclaimed(resp)
}

// claimer returns the command in flight that claims resp, or nil. It runs
// on the reader goroutine and calls the Claim functions without holding
// c.mu, so a Claim may call the connection's methods that do not wait for
// the reader (State, Mailbox, Caps without a round trip, Close).
func (c *Conn) claimer(resp *wire.Response) *Command {
	c.mu.Lock()
	cmds := append(c.claimBuf[:0], c.inflight...)
	c.mu.Unlock()
	defer func() {
		clear(cmds)
		c.claimBuf = cmds[:0]
	}()
	// A response that names its command (ESEARCH's TAG correlator, RFC
	// 4731 §3.1) belongs to that command.
	if d, ok := resp.Data.(*wire.ESearchData); ok && d.Tag != "" {
		for _, cmd := range cmds {
			if cmd.tag == d.Tag {
				return cmd
			}
		}
	}
	c.inClaim.Store(true)
	defer c.inClaim.Store(false)
	for _, cmd := range cmds {
		if cmd.spec.Claim != nil && cmd.spec.Claim(resp) {
			return cmd
		}
	}
	return nil
}

func (c *Conn) handleDone(resp *wire.Response) error {
	c.mu.Lock()
	idx := -1
	for i, cmd := range c.inflight {
		if cmd.tag == resp.Tag {
			idx = i
			break
		}
	}
	if idx < 0 {
		c.mu.Unlock()
		return &ProtocolError{Msg: fmt.Sprintf("completion with unknown tag %q", resp.Tag), Resp: resp}
	}
	cmd := c.inflight[idx]
	events := c.applyCodeLocked(resp, cmd)
	c.mu.Unlock()
	c.events.mailbox(events)

	if isSelect(cmd.spec.Name) {
		c.selectDone(cmd, resp)
	}
	if cmd.spec.onDone != nil {
		cmd.spec.onDone(c, resp)
	}
	c.mu.Lock()
	h := &Hook{c: c, cmd: cmd, resp: resp}
	c.runCompletionLocked(h, resp)
	events = h.finish()
	c.mu.Unlock()
	c.events.mailbox(events)
	var upgradeErr error
	if resp.Status == wire.StatusOK && cmd.spec.onOK != nil {
		upgradeErr = cmd.spec.onOK(c)
	}

	c.mu.Lock()
	// Re-found: the hooks ran without the lock, and Close may have emptied
	// the list meanwhile.
	if i := slices.Index(c.inflight, cmd); i >= 0 {
		c.inflight = slices.Delete(c.inflight, i, i+1)
	}
	if c.armed == cmd {
		c.armed = nil
	}
	if isSelect(cmd.spec.Name) {
		c.selecting = false
	}
	if len(c.inflight) == 0 {
		c.armDeadlineLocked()
	}
	c.broadcastLocked()
	c.mu.Unlock()
	err := upgradeErr
	if err != nil {
		// A failed upgrade (STARTTLS injection, a failed handshake or
		// COMPRESS switch) leaves the stream unusable: the connection ends
		// before the command's caller is woken, so that it never sees the
		// connection still up after its command failed.
		c.fail(err)
	} else {
		err = cmd.limitError()
	}
	cmd.finish(resp, err)
	return upgradeErr
}

// applyUntagged updates connection and mailbox state from an untagged
// response through the registry's hooks and returns the mailbox events
// they caused.
func (c *Conn) applyUntagged(resp *wire.Response) []MailboxEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := &Hook{c: c, resp: resp}
	c.runUntaggedLocked(h, resp)
	return h.finish()
}

// applyCodeLocked applies the response code of a completion or the
// greeting to the connection and mailbox state.
func (c *Conn) applyCodeLocked(resp *wire.Response, cmd *Command) []MailboxEvent {
	h := &Hook{c: c, cmd: cmd, resp: resp}
	c.runCodeLocked(h, resp)
	return h.finish()
}

func (c *Conn) setCapsLocked(caps []string) {
	c.caps = make(map[string]bool, len(caps))
	c.capNames = make([]string, len(caps))
	for i, s := range caps {
		// Copies: the decoder's strings pin its 8 KiB chunks, which a
		// connection would otherwise keep for its lifetime.
		s = strings.Clone(s)
		c.capNames[i] = s
		c.caps[strings.ToUpper(s)] = true
	}
	c.capsKnown = true
	c.updateEncoderLocked()
}

// detachGreeting returns a copy of the greeting whose strings are its
// own (see setCapsLocked): the connection keeps it for its lifetime.
func detachGreeting(resp *wire.Response) *wire.Response {
	g := *resp
	g.Text = strings.Clone(resp.Text)
	if resp.Code != nil {
		code := *resp.Code
		code.Name = strings.Clone(code.Name)
		code.Args = cloneValues(code.Args, 0)
		if ss, ok := code.Data.([]string); ok {
			code.Data = cloneStrings(ss)
		}
		g.Code = &code
	}
	return &g
}

func cloneValues(vs []wire.Value, depth int) []wire.Value {
	if vs == nil || depth > 64 {
		return vs
	}
	out := slices.Clone(vs)
	for i := range out {
		out[i].Str = strings.Clone(out[i].Str)
		out[i].List = cloneValues(out[i].List, depth+1)
	}
	return out
}

// cloneStrings copies the strings a connection keeps (see setCapsLocked).
func cloneStrings(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Clone(s)
	}
	return out
}

// updateEncoderLocked tells the encoder what the server accepts.
func (c *Conn) updateEncoderLocked() {
	c.encOpts.LiteralPlus = c.caps["LITERAL+"]
	c.encOpts.LiteralMinus = c.caps["LITERAL-"] || c.caps["IMAP4REV2"]
	c.encOpts.Binary = c.caps["BINARY"] || c.caps["IMAP4REV2"]
	c.encOpts.UTF8 = c.enabled["UTF8=ACCEPT"] || c.enabled["IMAP4REV2"]
}

func (c *Conn) decoderOptions() *codec.DecoderOptions {
	max := c.opts.maxLiteralSize()
	return &codec.DecoderOptions{
		Registry:       c.reg.codec,
		MaxLiteralSize: max,
		// Literals above MaxLiteralSize come to onLiteral too, which
		// drains them so that only their command fails.
		StreamThreshold: min(c.opts.streamThreshold(), max),
		OnLiteral:       c.onLiteral,
		Strict:          c.opts.Strict,
		OnParseError:    c.opts.OnParseError,
	}
}

// onLiteral runs on the reader goroutine when a literal above the stream
// threshold (or above MaxLiteralSize) arrives. The command that claims the
// response streams it; a command that abandoned its responses has it
// skipped; otherwise the decoder buffers it, up to MaxLiteralSize. A
// larger one is skipped and fails only the command it belongs to.
//
// The commands are asked at the response's first streamed literal, with
// what has been parsed so far (the FETCH items before the literal); a
// command that claims it then gets the whole response. If none does, the
// literal is buffered and they are asked again with the complete
// response. A FETCH whose UID is not yet known while a UID FETCH or UID
// STORE is in flight is not asked yet: its literal is buffered (the UID
// precedes the body in every real server).
func (c *Conn) onLiteral(info *codec.LiteralInfo, lit *codec.Literal) error {
	resp := info.Response
	max := c.opts.maxLiteralSize()
	fits := info.Size <= max
	if resp != c.litResp {
		c.litResp, c.litCmd, c.litAsked, c.litErr = resp, nil, false, nil
	}
	if !c.litAsked {
		if resp.Name == "FETCH" && !fetchUIDKnown(resp) && c.uidClaimInFlight() {
			if fits {
				return codec.ErrBufferLiteral
			}
			c.litErr = c.literalTooLarge(info)
			return nil
		}
		c.litCmd, c.litAsked = c.claimer(resp), true
	}
	cmd := c.litCmd
	if cmd != nil && cmd.isAbandoned() {
		return nil // skipped by the decoder
	}
	if info.Size > c.opts.streamThreshold() && cmd != nil && cmd.pushLiteral(info, lit, fits) {
		return nil
	}
	if fits {
		return codec.ErrBufferLiteral
	}
	c.litErr = c.literalTooLarge(info)
	return nil
}

func (c *Conn) literalTooLarge(info *codec.LiteralInfo) error {
	what := "a literal"
	if info.Item != "" {
		what = info.Item
	}
	return fmt.Errorf("client: %s of %d octets in * %s skipped, above MaxLiteralSize %d: %w",
		what, info.Size, info.Response.Name, c.opts.maxLiteralSize(),
		&codec.LimitError{Offset: c.dec.Offset(), Err: codec.ErrLiteralTooLarge})
}

// fetchUIDKnown reports whether the FETCH being parsed has its UID item.
func fetchUIDKnown(resp *wire.Response) bool {
	d, ok := resp.Data.(*wire.FetchData)
	return ok && d.Has&wire.FetchUID != 0
}

// uidClaimInFlight reports a command in flight that claims FETCH
// responses by UID.
func (c *Conn) uidClaimInFlight() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cmd := range c.inflight {
		if cmd.spec.claimsByUID {
			return true
		}
	}
	return false
}

// readWatch is what the read buffer reads from: it applies
// Options.InactivityTimeout. While a command awaits the server (anything
// in flight but an IDLE that is idling, and no command's bytes going out),
// each read has a deadline of the timeout; when it passes, the connection
// ends with ErrTimeout naming what was awaited.
type readWatch struct{ c *Conn }

func (r readWatch) Read(p []byte) (int, error) {
	c := r.c
	d := c.opts.inactivityTimeout()
	for {
		if d > 0 {
			c.armDeadline()
		}
		c.mu.Lock()
		rc := c.readConn
		c.mu.Unlock()
		n, err := rc.Read(p)
		if n == 0 && d > 0 && errors.Is(err, os.ErrDeadlineExceeded) {
			if what := c.awaited(); what != "" && !c.writingB.Load() {
				return 0, fmt.Errorf("client: no data from %s for %v while waiting for %s: %w", c.hostName(), d, what, ErrTimeout)
			}
			continue // nothing awaited any more: read on without a deadline
		}
		return n, err
	}
}

// armDeadline sets the read deadline for what is awaited now.
func (c *Conn) armDeadline() {
	c.mu.Lock()
	c.armDeadlineLocked()
	c.mu.Unlock()
}

func (c *Conn) armDeadlineLocked() {
	d := c.opts.inactivityTimeout()
	if d <= 0 || c.readConn == nil {
		return
	}
	var dl time.Time
	if c.awaitedLocked() != "" {
		dl = time.Now().Add(d)
	}
	c.readConn.SetReadDeadline(dl)
}

// awaited names the oldest command that awaits the server, or "".
func (c *Conn) awaited() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.awaitedLocked()
}

func (c *Conn) awaitedLocked() string {
	for _, cmd := range c.inflight {
		if !cmd.quiet.Load() {
			return "the completion of " + cmd.tag + " " + cmd.spec.Name
		}
	}
	return ""
}
