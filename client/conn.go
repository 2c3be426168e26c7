package client

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"

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
// and to Options.Unilateral. The reader never runs user code.
type Conn struct {
	opts Options
	reg  *Registry

	// sendMu orders command starts: a command holds it from admission
	// until its last byte (and its continuations) are written.
	sendMu sync.Mutex
	// wmu guards the write side: netConn writes, bw and enc.
	wmu     sync.Mutex
	netConn net.Conn // the top layer, traced
	rawConn net.Conn // the top layer without the trace
	tracer  *transport.Tracer
	bw      *bufio.Writer
	enc     *codec.Encoder
	host    string

	// read side, owned by the reader goroutine.
	br  *bufio.Reader
	dec *codec.Decoder

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change the gate waits for
	state     State
	caps      map[string]bool // upper-cased names
	capNames  []string        // as the server spelled them
	capsKnown bool
	enabled   map[string]bool
	isTLS     bool
	inflight  []*Command
	tagSeq    uint64
	mbox      *Mailbox
	selecting bool
	contCmd   *Command
	contCh    chan *wire.Response
	err       error     // why the connection ended
	bye       *ByeError // the server's BYE, once received
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

// New starts a client on an established connection (plain, TLS, or any
// transport from the transport module) and waits for the server's
// greeting. A greeting of PREAUTH starts in the authenticated state; BYE
// is an error.
func New(ctx context.Context, conn net.Conn, opts *Options) (*Conn, error) {
	c := &Conn{
		changed:    make(chan struct{}),
		closing:    make(chan struct{}),
		readerDone: make(chan struct{}),
		contCh:     make(chan *wire.Response, 1),
		unclaimCh:  make(chan struct{}, 1),
		caps:       map[string]bool{},
		enabled:    map[string]bool{},
	}
	if opts != nil {
		c.opts = *opts
	}
	c.reg = newRegistry()
	for _, ext := range c.opts.Extensions {
		ext(c.reg)
	}
	c.reg.frozen = true
	if tc, ok := conn.(*tls.Conn); ok {
		c.isTLS = true
		c.host = tc.ConnectionState().ServerName
	}
	c.events.start(c.opts.Unilateral, c.opts.MailboxUpdate)
	c.setConn(conn)

	greeting := make(chan error, 1)
	go c.readLoop(greeting)
	select {
	case err := <-greeting:
		if err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	case <-ctx.Done():
		c.Close()
		return nil, ctx.Err()
	}
}

// setConn installs conn as the transport (at start, after STARTTLS and
// after COMPRESS). buffered, when not nil, is the read buffer that still
// holds bytes read from the old layer.
func (c *Conn) setConn(conn net.Conn) {
	c.rawConn = conn
	if c.opts.Trace != nil {
		if c.tracer == nil {
			c.tracer = &transport.Tracer{Writer: c.opts.Trace}
		}
		conn = c.tracer.Wrap(conn)
	}
	c.wmu.Lock()
	c.netConn = conn
	if c.bw == nil {
		c.bw = bufio.NewWriterSize(conn, 32<<10)
	} else {
		c.bw.Reset(conn)
	}
	c.enc = codec.NewEncoder(c.bw, nil)
	c.wmu.Unlock()
	if c.br == nil {
		c.br = bufio.NewReaderSize(conn, 64<<10)
		c.dec = codec.NewDecoder(c.br, c.decoderOptions())
	} else {
		c.br.Reset(conn)
		c.dec.Reset(c.br)
	}
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

// Err returns why the connection ended, or nil while it is up.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close closes the connection at once, without LOGOUT. Every command in
// flight ends with a *ConnError whose cause is ErrClosed.
func (c *Conn) Close() error {
	c.fail(ErrClosed)
	<-c.readerDone
	c.events.stop()
	return nil
}

// fail ends the connection with cause err (the first cause wins).
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
	c.broadcastLocked()
	c.mu.Unlock()
	close(c.closing)
	c.wmu.Lock()
	if c.netConn != nil {
		c.netConn.Close()
	}
	c.wmu.Unlock()
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
// another may cause EXPUNGE; a command that must be alone). This is the
// raw path: any command, any arguments, its responses as value trees.
func (c *Conn) Start(ctx context.Context, spec Spec) (*Command, error) {
	return c.start(ctx, spec, nil)
}

// start is Start with afterWrite, which runs while the command still owns
// the wire (AUTHENTICATE's exchange, IDLE's "+").
func (c *Conn) start(ctx context.Context, spec Spec, afterWrite func(cmd *Command) error) (*Command, error) {
	spec = c.reg.modify(c, spec)
	cmd := newCommand(c, spec)
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
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
	c.mu.Lock()
	if c.contCmd == cmd {
		c.contCmd = nil
	}
	c.mu.Unlock()
	return cmd, err
}

// admit waits until cmd may be sent, then assigns its tag and puts it in
// flight.
func (c *Conn) admit(ctx context.Context, cmd *Command) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if c.err != nil {
			return c.connErr()
		}
		// The gate first: a command queued behind LOGIN or SELECT is
		// judged in the state those leave behind.
		if c.gateOpen(cmd.class) {
			if !c.stateAllows(cmd.spec.States) {
				return &StateError{Command: cmd.spec.Name, State: c.state, Want: cmd.spec.States}
			}
			break
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
	c.contCmd = cmd
	if isSelect(cmd.spec.Name) {
		c.selecting = true
		c.mbox = &Mailbox{}
	}
	return nil
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

// gateOpen applies RFC 9051 §5.5 to a command of class k against the
// commands in flight.
func (c *Conn) gateOpen(k gateClass) bool {
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

// write encodes cmd onto the wire, negotiating synchronizing literals.
func (c *Conn) write(ctx context.Context, cmd *Command) error {
	wc := wire.Command{Tag: cmd.tag, Name: cmd.spec.Name, Args: cmd.spec.Args}
	cont := func() error { _, err := c.awaitContinuation(ctx, cmd); return err }
	c.mu.Lock()
	eo := c.encOpts
	c.mu.Unlock()
	c.wmu.Lock()
	c.enc.SetOptions(&eo)
	err := c.enc.WriteCommand(&wc, cont)
	c.wmu.Unlock()
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) || errors.Is(err, ctx.Err()) && ctx.Err() != nil {
			return err
		}
		var ee *codec.EncodeError
		if errors.As(err, &ee) && !errors.Is(err, codec.ErrCommandAborted) {
			// The encoder checks every argument before it writes: nothing
			// of this command went out, so it is simply withdrawn.
			c.retract(cmd, err)
			return err
		}
		if cmd.Err() != nil {
			return cmd.Err()
		}
		c.fail(fmt.Errorf("writing %s: %w", cmd.spec.Name, err))
		return c.Err()
	}
	return nil
}

// retract removes a command that was admitted but never sent.
func (c *Conn) retract(cmd *Command, err error) {
	c.mu.Lock()
	if i := slices.Index(c.inflight, cmd); i >= 0 {
		c.inflight = slices.Delete(c.inflight, i, i+1)
	}
	if c.contCmd == cmd {
		c.contCmd = nil
	}
	if isSelect(cmd.spec.Name) {
		c.selecting = false
		c.mbox = nil
	}
	c.broadcastLocked()
	c.mu.Unlock()
	cmd.finish(nil, err)
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
		if err := cmd.Err(); err != nil {
			return nil, err
		}
		return nil, &ProtocolError{Msg: cmd.spec.Name + " completed while a continuation was awaited"}
	case <-c.closing:
		return nil, c.connErr()
	case <-ctx.Done():
		c.fail(fmt.Errorf("%s cancelled while the server awaited a continuation: %w", cmd.spec.Name, ctx.Err()))
		return nil, ctx.Err()
	}
}

// writeLine writes one continuation line (SASL response, IDLE's DONE).
func (c *Conn) writeLine(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.bw.Write(b); err != nil {
		return err
	}
	if _, err := c.bw.WriteString("\r\n"); err != nil {
		return err
	}
	return c.bw.Flush()
}

// readLoop is the reader goroutine.
func (c *Conn) readLoop(greeting chan<- error) {
	defer close(c.readerDone)
	first := true
	for {
		start := c.dec.Offset()
		resp, err := c.dec.ReadResponse()
		if err != nil {
			c.mu.Lock()
			bye := c.bye
			c.mu.Unlock()
			switch {
			case bye != nil:
				err = bye
			case errors.Is(err, io.EOF):
				err = fmt.Errorf("server closed the connection: %w", err)
			}
			c.fail(err)
			if first {
				greeting <- c.connErr()
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
	c.greeting = resp
	if resp.Kind != wire.StatusResponse {
		return &ProtocolError{Msg: "greeting is not a status response", Resp: resp}
	}
	c.applyCodeLocked(resp)
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
		c.mu.Lock()
		waiting := c.contCmd != nil
		c.mu.Unlock()
		if !waiting {
			return &ProtocolError{Msg: "continuation request while no command was being sent", Resp: resp}
		}
		select {
		case c.contCh <- resp:
		default:
			return &ProtocolError{Msg: "continuation request before the previous one was answered", Resp: resp}
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
	if cmd := c.claimer(resp); cmd != nil && cmd.push(resp, size) {
		return
	}
	c.unclaimed(resp)
}

func (c *Conn) claimer(resp *wire.Response) *Command {
	c.mu.Lock()
	defer c.mu.Unlock()
	// A response that names its command (ESEARCH's TAG correlator, RFC
	// 4731 §3.1) belongs to that command.
	if d, ok := resp.Data.(*wire.ESearchData); ok && d.Tag != "" {
		for _, cmd := range c.inflight {
			if cmd.tag == d.Tag {
				return cmd
			}
		}
	}
	for _, cmd := range c.inflight {
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
	c.applyCodeLocked(resp)
	c.mu.Unlock()

	if isSelect(cmd.spec.Name) {
		c.selectDone(cmd, resp)
	}
	if cmd.spec.onDone != nil {
		cmd.spec.onDone(c, resp)
	}
	var upgradeErr error
	if resp.Status == wire.StatusOK && cmd.spec.onOK != nil {
		upgradeErr = cmd.spec.onOK(c)
	}

	c.mu.Lock()
	c.inflight = append(c.inflight[:idx], c.inflight[idx+1:]...)
	if c.contCmd == cmd {
		c.contCmd = nil
	}
	if isSelect(cmd.spec.Name) {
		c.selecting = false
	}
	c.broadcastLocked()
	c.mu.Unlock()
	cmd.finish(resp, upgradeErr)
	return upgradeErr
}

// applyUntagged updates connection and mailbox state from an untagged
// response and returns the mailbox events it caused.
func (c *Conn) applyUntagged(resp *wire.Response) []MailboxEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ev []MailboxEvent
	if resp.Kind == wire.StatusResponse {
		ev = c.applyCodeLocked(resp)
		return ev
	}
	switch resp.Name {
	case "CAPABILITY":
		c.setCapsLocked(dataStrings(resp.Data))
	case "ENABLED":
		for _, s := range dataStrings(resp.Data) {
			c.enabled[strings.ToUpper(s)] = true
		}
		// From the next response on, mailbox names are UTF-8 (RFC 6855
		// §3); this runs on the reader goroutine, which owns the decoder.
		if c.enabled["UTF8=ACCEPT"] || c.enabled["IMAP4REV2"] {
			c.dec.SetUTF8(true)
		}
		c.updateEncoderLocked()
	}
	m := c.mbox
	if m == nil {
		return nil
	}
	switch resp.Name {
	case "EXISTS":
		m.Exists = resp.Num
		ev = append(ev, MailboxEvent{Kind: EventExists, Num: resp.Num})
	case "RECENT":
		m.Recent = resp.Num
		ev = append(ev, MailboxEvent{Kind: EventRecent, Num: resp.Num})
	case "EXPUNGE":
		if m.Exists > 0 {
			m.Exists--
		}
		ev = append(ev, MailboxEvent{Kind: EventExpunge, Num: resp.Num})
	case "FLAGS":
		m.Flags = dataStrings(resp.Data)
		ev = append(ev, MailboxEvent{Kind: EventFlags})
	}
	if c.selecting {
		return nil // SELECT's own responses describe the new mailbox; no news
	}
	for i := range ev {
		ev[i].Mailbox = m.clone()
	}
	return ev
}

// applyCodeLocked applies the response code of a status response or
// completion to the connection and mailbox state.
func (c *Conn) applyCodeLocked(resp *wire.Response) []MailboxEvent {
	code := resp.Code
	if code == nil {
		return nil
	}
	if code.Name == "CAPABILITY" {
		c.setCapsLocked(codeStrings(code))
		return nil
	}
	m := c.mbox
	if m == nil || resp.Status == wire.StatusBye {
		return nil
	}
	// During SELECT the codes describe the new mailbox; afterwards a
	// changed UIDVALIDITY or access mode is news.
	settled := !c.selecting
	var ev []MailboxEvent
	switch code.Name {
	case "UIDVALIDITY":
		if n, ok := codeUint(code); ok {
			old := m.UIDValidity
			m.UIDValidity = uint32(n)
			if settled && old != 0 && old != uint32(n) {
				ev = append(ev, MailboxEvent{Kind: EventUIDValidity, Num: uint32(n), Old: old})
			}
		}
	case "UIDNEXT":
		if n, ok := codeUint(code); ok {
			m.UIDNext = uint32(n)
		}
	case "UNSEEN":
		if n, ok := codeUint(code); ok {
			m.Unseen = uint32(n)
		}
	case "HIGHESTMODSEQ":
		if n, ok := codeUint(code); ok && n != m.HighestModSeq {
			m.HighestModSeq = n
			if settled {
				ev = append(ev, MailboxEvent{Kind: EventModSeq})
			}
		}
	case "NOMODSEQ":
		m.NoModSeq = true
	case "PERMANENTFLAGS":
		m.PermanentFlags = codeStrings(code)
	case "READ-ONLY", "READ-WRITE":
		ro := code.Name == "READ-ONLY"
		if settled && ro != m.ReadOnly {
			ev = append(ev, MailboxEvent{Kind: EventAccess})
		}
		m.ReadOnly = ro
	case "CLOSED":
		// RFC 7162 §3.2.11: the previously selected mailbox is closed; what
		// follows belongs to the one being selected.
	}
	for i := range ev {
		ev[i].Mailbox = m.clone()
	}
	return ev
}

func (c *Conn) setCapsLocked(caps []string) {
	c.caps = make(map[string]bool, len(caps))
	for _, s := range caps {
		c.caps[strings.ToUpper(s)] = true
	}
	c.capNames = slices.Clone(caps)
	c.capsKnown = true
	c.updateEncoderLocked()
}

// updateEncoderLocked tells the encoder what the server accepts.
func (c *Conn) updateEncoderLocked() {
	c.encOpts.LiteralPlus = c.caps["LITERAL+"]
	c.encOpts.LiteralMinus = c.caps["LITERAL-"] || c.caps["IMAP4REV2"]
	c.encOpts.Binary = c.caps["BINARY"] || c.caps["IMAP4REV2"]
	c.encOpts.UTF8 = c.enabled["UTF8=ACCEPT"] || c.enabled["IMAP4REV2"]
}

func (c *Conn) decoderOptions() *codec.DecoderOptions {
	return &codec.DecoderOptions{
		Registry:        c.reg.codec,
		MaxLiteralSize:  c.opts.maxLiteralSize(),
		StreamThreshold: c.opts.streamThreshold(),
		OnLiteral:       c.onLiteral,
		Strict:          c.opts.Strict,
		OnParseError:    c.opts.OnParseError,
	}
}

// onLiteral runs on the reader goroutine when a literal above the stream
// threshold arrives: the command that claims the response streams it, or
// the decoder buffers it (up to MaxLiteralSize).
func (c *Conn) onLiteral(info *codec.LiteralInfo, lit *codec.Literal) error {
	if cmd := c.claimer(info.Response); cmd != nil && cmd.pushLiteral(info, lit) {
		return nil
	}
	return codec.ErrBufferLiteral
}
