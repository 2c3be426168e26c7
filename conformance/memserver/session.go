package memserver

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

type state uint8

const (
	stateNotAuth state = 1 << iota
	stateAuth
	stateSelected
	stateLogout
)

const anyState = stateNotAuth | stateAuth | stateSelected

// session is one client connection. Its fields are used by its own
// goroutine only, except pendingFlags (guarded by Server.mu) and notify.
type session struct {
	srv  *Server
	id   uint64
	raw  net.Conn // the accepted connection
	base net.Conn // raw, then TLS, then DEFLATE
	conn net.Conn // base, traced
	tr   *serverTrace
	br   *bufio.Reader
	dec  *codec.CommandDecoder
	enc  *codec.ResponseEncoder
	werr error

	state      state
	tls        bool
	compressed bool
	user       *user

	// enabled extensions (RFC 5161)
	condstore bool
	qresync   bool // VANISHED instead of EXPUNGE (RFC 7162 §3.2.10.2)
	rev2      bool
	utf8      bool

	// selected state
	mbox     *mailbox
	readOnly bool
	view     []*message // message sequence number - 1 -> message
	seenUID  uint32     // highest UID put in view
	saved    []uint32   // SEARCHRES saved result, as UIDs (RFC 5182)

	pendingFlags   map[*message]struct{} // guarded by srv.mu
	expungePending bool                  // guarded by srv.mu: view holds expunged messages
	notify         chan struct{}

	okCode *wire.Code // code of the tagged OK of the current command
	okText string
}

func (srv *Server) serveConn(c net.Conn, implicitTLS bool, preauth *user) {
	srv.connMu.Lock()
	srv.connSeq++
	id := srv.connSeq
	srv.connMu.Unlock()
	ss := &session{srv: srv, id: id, raw: c, state: stateNotAuth, notify: make(chan struct{}, 1)}
	if srv.opts.Trace != nil {
		ss.tr = newServerTrace(srv.opts.Trace, id)
	}
	srv.log(slog.LevelInfo, "memserver: connection", "id", id, "remote", c.RemoteAddr().String())
	defer func() {
		ss.unselect()
		if ss.tr != nil {
			ss.tr.close()
		}
		c.Close()
		srv.log(slog.LevelInfo, "memserver: connection closed", "id", id, "err", ss.werr)
	}()
	base := c
	if implicitTLS {
		tc := tls.Server(c, srv.opts.TLSConfig)
		c.SetDeadline(time.Now().Add(time.Minute))
		if err := tc.Handshake(); err != nil {
			srv.log(slog.LevelInfo, "memserver: TLS handshake", "id", id, "err", err)
			return
		}
		c.SetDeadline(time.Time{})
		base, ss.tls = tc, true
	}
	ss.setBase(base)
	ss.dec = codec.NewCommandDecoder(ss.br, &codec.DecoderOptions{
		MaxLineLength:  srv.opts.MaxLineLength,
		MaxLiteralSize: srv.opts.MaxLiteralSize,
		MaxDepth:       32,
		MaxListItems:   10000,
	})
	ss.enc = codec.NewResponseEncoder(ss.conn, nil)
	if preauth != nil {
		ss.user, ss.state = preauth, stateAuth
		ss.status(wire.StatusPreauth, &wire.Code{Name: "CAPABILITY", Data: ss.caps()}, "logged in as "+preauth.name)
	} else {
		ss.status(wire.StatusOK, &wire.Code{Name: "CAPABILITY", Data: ss.caps()}, "imapkit memserver ready")
	}
	ss.flush()
	ss.loop()
}

// setBase makes c the connection under the codec.
func (ss *session) setBase(c net.Conn) {
	ss.base = c
	ss.conn = c
	if ss.tr != nil {
		ss.conn = &tracedConn{Conn: c, tr: ss.tr}
	}
	if ss.br == nil {
		ss.br = bufio.NewReaderSize(ss.conn, 16<<10)
	} else {
		ss.br.Reset(ss.conn)
	}
	if ss.dec != nil {
		ss.dec.Reset(ss.br)
	}
	if ss.enc != nil {
		ss.enc.Reset(ss.conn)
	}
}

func (ss *session) loop() {
	for ss.werr == nil && ss.state != stateLogout {
		if t := ss.srv.opts.IdleTimeout; t > 0 {
			ss.raw.SetReadDeadline(time.Now().Add(t))
		}
		tag := ss.peekTag()
		cmd, err := ss.dec.ReadCommand(ss.onSyncLiteral)
		if err != nil {
			var se *codec.SyntaxError
			if errors.As(err, &se) {
				if tag != "" {
					ss.done(tag, wire.StatusBad, nil, "syntax error: "+se.Error())
				} else {
					ss.status(wire.StatusBad, nil, "syntax error: "+se.Error())
				}
				ss.flush()
				continue
			}
			ss.fatal(err)
			return
		}
		ss.run(cmd)
		ss.flush()
	}
}

// peekTag returns the tag at the start of the next command line, if it
// is buffered, so that a syntax error can be answered with a tagged BAD
// (RFC 9051 §7.1.3).
func (ss *session) peekTag() string {
	if _, err := ss.br.Peek(1); err != nil {
		return ""
	}
	b, _ := ss.br.Peek(min(ss.br.Buffered(), 64))
	i := 0
	for i < len(b) && b[i] > ' ' && b[i] < 0x7f && b[i] != '+' && b[i] != '(' && b[i] != ')' &&
		b[i] != '{' && b[i] != '%' && b[i] != '*' && b[i] != '"' && b[i] != '\\' {
		i++
	}
	if i == 0 || i >= len(b) || b[i] != ' ' {
		return ""
	}
	return string(b[:i])
}

// fatal ends the session after a decoder or connection error, telling
// the client why when the connection still works.
func (ss *session) fatal(err error) {
	if ss.werr != nil {
		return
	}
	if ss.srv.closing() {
		ss.status(wire.StatusBye, nil, "server shutting down")
		ss.flush()
		return
	}
	if errors.Is(err, io.EOF) {
		return
	}
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		ss.status(wire.StatusBye, nil, "autologout: idle for too long")
	case errors.Is(err, codec.ErrLineTooLong):
		ss.status(wire.StatusBye, &wire.Code{Name: "TOOBIG"}, "line too long")
	case errors.Is(err, codec.ErrLiteralTooLarge), errors.Is(err, errLiteralTooBig):
		ss.status(wire.StatusBye, &wire.Code{Name: "TOOBIG"}, "literal too large")
	case errors.Is(err, codec.ErrTooDeep), errors.Is(err, codec.ErrTooManyItems):
		ss.status(wire.StatusBye, nil, "command too complex")
	default:
		ss.srv.log(slog.LevelDebug, "memserver: read", "id", ss.id, "err", err)
		return
	}
	ss.flush()
}

var errLiteralTooBig = errors.New("memserver: literal too large")

// onSyncLiteral answers a synchronizing literal (RFC 9051 §7.6).
func (ss *session) onSyncLiteral(size int64) error {
	if size > ss.srv.opts.MaxLiteralSize {
		return errLiteralTooBig
	}
	ss.cont("Ready for literal data")
	return ss.flush()
}

// Response writers. Errors are remembered in ss.werr and end the loop.

func (ss *session) write(r *wire.Response) {
	if ss.werr != nil {
		return
	}
	if err := ss.enc.QueueResponse(r); err != nil {
		var ee *codec.EncodeError
		if errors.As(err, &ee) {
			// Nothing was written: a value the codec cannot write.
			ss.srv.log(slog.LevelError, "memserver: encode", "id", ss.id, "err", err)
			return
		}
		ss.werr = err
	}
}

func (ss *session) flush() error {
	if ss.werr == nil {
		if err := ss.enc.Flush(); err != nil {
			ss.werr = err
		}
	}
	return ss.werr
}

func (ss *session) data(name string, d any) {
	ss.write(&wire.Response{Kind: wire.DataResponse, Name: name, Data: d})
}

func (ss *session) dataNum(n uint32, name string, d any) {
	ss.write(&wire.Response{Kind: wire.DataResponse, Name: name, Num: n, HasNum: true, Data: d})
}

func (ss *session) status(st wire.Status, code *wire.Code, text string) {
	ss.write(&wire.Response{Kind: wire.StatusResponse, Status: st, Code: code, Text: text})
}

func (ss *session) done(tag string, st wire.Status, code *wire.Code, text string) {
	ss.write(&wire.Response{Kind: wire.DoneResponse, Tag: tag, Status: st, Code: code, Text: text})
}

func (ss *session) cont(text string) {
	ss.write(&wire.Response{Kind: wire.ContinueResponse, Text: text})
}

// setUTF8 makes the encoder write UTF-8 mailbox names (RFC 6855 §3,
// RFC 9051 §5.1) after ENABLE UTF8=ACCEPT or IMAP4rev2.
func (ss *session) setUTF8() {
	o := ss.enc.Options()
	o.UTF8 = true
	ss.enc.SetOptions(&o)
}

// command is one decoded command.
type command struct {
	tag  string
	name string // without UID
	uid  bool
	wc   *wire.Command
	args
}

type handler struct {
	states state
	fn     func(*session, *command) error
	// noExpunge: no EXPUNGE may be sent at the end (RFC 9051 §7.5.1).
	noExpunge bool
}

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"CAPABILITY":   {anyState, (*session).cmdCapability, false},
		"NOOP":         {anyState, (*session).cmdNoop, false},
		"LOGOUT":       {anyState, (*session).cmdLogout, false},
		"ID":           {anyState, (*session).cmdID, false},
		"STARTTLS":     {stateNotAuth, (*session).cmdStartTLS, false},
		"LOGIN":        {stateNotAuth, (*session).cmdLogin, false},
		"AUTHENTICATE": {stateNotAuth, (*session).cmdAuthenticate, false},
		"COMPRESS":     {anyState, (*session).cmdCompress, false},
		"ENABLE":       {stateAuth | stateSelected, (*session).cmdEnable, false},
		"SELECT":       {stateAuth | stateSelected, (*session).cmdSelect, false},
		"EXAMINE":      {stateAuth | stateSelected, (*session).cmdSelect, false},
		"CREATE":       {stateAuth | stateSelected, (*session).cmdCreate, false},
		"DELETE":       {stateAuth | stateSelected, (*session).cmdDelete, false},
		"RENAME":       {stateAuth | stateSelected, (*session).cmdRename, false},
		"SUBSCRIBE":    {stateAuth | stateSelected, (*session).cmdSubscribe, false},
		"UNSUBSCRIBE":  {stateAuth | stateSelected, (*session).cmdSubscribe, false},
		"LIST":         {stateAuth | stateSelected, (*session).cmdList, false},
		"LSUB":         {stateAuth | stateSelected, (*session).cmdList, false},
		"NAMESPACE":    {stateAuth | stateSelected, (*session).cmdNamespace, false},
		"STATUS":       {stateAuth | stateSelected, (*session).cmdStatus, false},
		"APPEND":       {stateAuth | stateSelected, (*session).cmdAppend, false},
		"IDLE":         {stateAuth | stateSelected, (*session).cmdIdle, false},
		"CHECK":        {stateSelected, (*session).cmdNoop, false},
		"CLOSE":        {stateSelected, (*session).cmdClose, false},
		"UNSELECT":     {stateSelected, (*session).cmdClose, false},
		"EXPUNGE":      {stateSelected, (*session).cmdExpunge, false},
		"SEARCH":       {stateSelected, (*session).cmdSearch, true},
		"FETCH":        {stateSelected, (*session).cmdFetch, true},
		"STORE":        {stateSelected, (*session).cmdStore, true},
		"COPY":         {stateSelected, (*session).cmdCopy, false},
		"MOVE":         {stateSelected, (*session).cmdCopy, false},
	}
}

// uidCommands are the commands that take a UID prefix.
var uidCommands = map[string]bool{"FETCH": true, "STORE": true, "SEARCH": true, "COPY": true, "MOVE": true, "EXPUNGE": true}

func (ss *session) run(wc *wire.Command) {
	c := &command{tag: wc.Tag, name: wc.Name, wc: wc, args: args{v: wc.Args}}
	if rest, ok := strings.CutPrefix(c.name, "UID "); ok {
		if !uidCommands[rest] {
			ss.done(c.tag, wire.StatusBad, nil, "unknown command UID "+rest)
			return
		}
		c.name, c.uid = rest, true
	}
	h, ok := handlers[c.name]
	if !ok {
		ss.done(c.tag, wire.StatusBad, nil, "unknown command "+c.name)
		return
	}
	if ss.state&h.states == 0 {
		ss.done(c.tag, wire.StatusBad, nil, c.name+" is not allowed in this state")
		return
	}
	ss.okCode, ss.okText = nil, ""
	err := h.fn(ss, c)
	if err == errDoneSent || ss.werr != nil || ss.state == stateLogout {
		return
	}
	if ss.state == stateSelected {
		// Unilateral updates before the completion (RFC 9051 §7.5.1:
		// no EXPUNGE during FETCH, STORE or SEARCH; their UID forms allow it).
		ss.sync(!h.noExpunge || c.uid)
	}
	var re *respError
	switch {
	case err == nil:
		text := ss.okText
		if text == "" {
			text = commandName(c) + " completed"
		}
		ss.done(c.tag, wire.StatusOK, ss.okCode, text)
	case errors.As(err, &re):
		st := wire.StatusNo
		if re.bad {
			st = wire.StatusBad
		}
		var code *wire.Code
		if re.code != "" {
			code = &wire.Code{Name: re.code, Args: re.args}
		}
		ss.done(c.tag, st, code, re.text)
	default:
		ss.srv.log(slog.LevelDebug, "memserver: command", "id", ss.id, "cmd", c.name, "err", err)
		ss.fatal(err)
		ss.werr = err
	}
}

func commandName(c *command) string {
	if c.uid {
		return "UID " + c.name
	}
	return c.name
}

// mailboxName reads a mailbox argument: modified UTF-7 unless the
// client enabled UTF-8 (RFC 9051 §5.1, RFC 6855 §3).
func (ss *session) mailboxName(a *args) (string, error) {
	name := a.astring("mailbox name")
	if a.err != nil {
		return "", a.err
	}
	if ss.utf8 || ss.rev2 {
		return name, nil
	}
	// Modified UTF-7 is ASCII, so an 8-bit name cannot be one. A server
	// that advertises IMAP4rev2 "MUST accept [UTF-8] text in
	// quoted-strings" (RFC 9051 §4.3.1), so a valid UTF-8 name is taken as
	// it is even before ENABLE IMAP4rev2: go-imap's client sends one
	// (docs/INTEROP.md).
	if !isASCII(name) {
		if !utf8.ValidString(name) {
			return "", no("CANNOT", "mailbox name %q is neither modified UTF-7 nor UTF-8", name)
		}
		return name, nil
	}
	dec, err := utf7.Decode(name)
	if err != nil {
		return "", no("CANNOT", "mailbox name %q is not modified UTF-7", name)
	}
	return dec, nil
}

// typedUTF8 is the utf8 argument of the codec's typed command parsers
// for c, whose first argument is a mailbox name: UTF-8 once enabled, and
// also before for a valid UTF-8 name, as mailboxName takes it.
func (ss *session) typedUTF8(c *command) bool {
	if ss.utf8 || ss.rev2 {
		return true
	}
	if len(c.wc.Args) > 0 {
		t := c.wc.Args[0].Text()
		return !isASCII(t) && utf8.ValidString(t)
	}
	return false
}

// typedError turns an error of the codec's typed command parsers into a
// tagged BAD.
func typedError(err error) error {
	return bad("%v", err)
}

// authAllowed reports whether credentials may be sent now.
func (ss *session) authAllowed() bool {
	if ss.tls || ss.srv.opts.InsecureAuth || ss.srv.opts.TLSConfig == nil {
		return true
	}
	if ta, ok := ss.raw.RemoteAddr().(*net.TCPAddr); ok && ta.IP.IsLoopback() {
		return true
	}
	return false
}

// caps returns the capabilities for the current state (RFC 9051 §7.2.2).
func (ss *session) caps() []string {
	c := []string{"IMAP4rev1", "IMAP4rev2"}
	if ss.state == stateNotAuth {
		if ss.srv.opts.TLSConfig != nil && !ss.tls {
			c = append(c, "STARTTLS")
		}
		if ss.authAllowed() {
			c = append(c, "AUTH=PLAIN", "SASL-IR")
		} else {
			c = append(c, "LOGINDISABLED")
		}
	}
	c = append(c, "LITERAL+", "ID", "ENABLE", "IDLE")
	if ss.state == stateNotAuth {
		// The rest after login, as most servers do: a client must read
		// the capabilities again (RFC 9051 §6.2.3 [CAPABILITY] code).
		return c
	}
	c = append(c, "NAMESPACE", "UIDPLUS", "MOVE", "UNSELECT",
		"CHILDREN", "LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE", "ESEARCH", "SEARCHRES",
		"CONDSTORE", "QRESYNC", "BINARY", "STATUS=SIZE", "MULTIAPPEND", "UTF8=ACCEPT")
	if !ss.compressed {
		c = append(c, "COMPRESS=DEFLATE")
	}
	return c
}

// poke wakes the session (an IDLE) to look for news. The caller holds
// srv.mu or nothing; it never blocks.
func (ss *session) poke() {
	select {
	case ss.notify <- struct{}{}:
	default:
	}
}

// sync sends what changed in the selected mailbox since the last sync
// (RFC 9051 §7.5.1, §7.4.1): EXPUNGE (when allowed), EXISTS and FETCH
// FLAGS.
func (ss *session) sync(allowExpunge bool) {
	if ss.mbox == nil {
		return
	}
	type flagUpdate struct {
		seq    uint32
		uid    uint32
		flags  []string
		modSeq uint64
	}
	var expunged []uint32
	var vanished seqset.Set // the same, as UIDs, after ENABLE QRESYNC
	var updates []flagUpdate
	ss.srv.mu.Lock()
	mb := ss.mbox
	if allowExpunge && ss.expungePending {
		ss.expungePending = false
		kept := ss.view[:0]
		removed := uint32(0)
		for i, m := range ss.view {
			if m.expunged {
				expunged = append(expunged, uint32(i+1)-removed)
				vanished.Add(m.uid)
				removed++
				delete(ss.pendingFlags, m)
				continue
			}
			kept = append(kept, m)
		}
		clear(ss.view[len(kept):])
		ss.view = kept
	}
	before := len(ss.view)
	start := sort.Search(len(mb.msgs), func(i int) bool { return mb.msgs[i].uid > ss.seenUID })
	ss.view = append(ss.view, mb.msgs[start:]...)
	if len(mb.msgs) > start {
		ss.seenUID = mb.msgs[len(mb.msgs)-1].uid
	}
	grew := len(ss.view) != before
	ss.claimRecent(ss.view[before:])
	var recent uint32
	if grew {
		recent = ss.recentCount()
	}
	for m := range ss.pendingFlags {
		if i := indexUID(ss.view, m.uid); i >= 0 {
			updates = append(updates, flagUpdate{uint32(i + 1), m.uid, ss.flagsOf(m), m.modSeq})
		}
	}
	clear(ss.pendingFlags)
	n := uint32(len(ss.view))
	ss.srv.mu.Unlock()

	if ss.qresync && len(expunged) > 0 {
		ss.data("VANISHED", []wire.Value{wire.Atom(vanished.String())})
	} else {
		for _, seq := range expunged {
			ss.dataNum(seq, "EXPUNGE", nil)
		}
	}
	if grew {
		ss.dataNum(n, "EXISTS", nil)
		if !ss.rev2 {
			ss.dataNum(recent, "RECENT", nil) // RFC 3501 §7.3.2
		}
	}
	for _, u := range updates {
		fd := &wire.FetchData{Seq: u.seq, Has: wire.FetchUID | wire.FetchFlags, UID: u.uid, Flags: u.flags}
		if ss.condstore {
			fd.Items = append(fd.Items, modSeqItem(u.modSeq))
		}
		ss.dataNum(u.seq, "FETCH", fd)
	}
}

// flagsOf returns a copy of m's flags as this session sees them: with
// \Recent when the message is recent for it, for IMAP4rev1 clients
// only (RFC 9051 dropped \Recent, Appendix E). The caller holds
// Server.mu.
func (ss *session) flagsOf(m *message) []string {
	f := slices.Clone(m.flags)
	if m.recent == ss.id && !ss.rev2 {
		f = append(f, `\Recent`)
	}
	return f
}

// claimRecent makes the messages of msgs that no session was told of
// recent for this one, unless the mailbox is read-only here (EXAMINE
// keeps \Recent for the next session, RFC 3501 §6.3.2). The caller holds
// Server.mu.
func (ss *session) claimRecent(msgs []*message) {
	if ss.readOnly {
		return
	}
	for _, m := range msgs {
		if m.recent == 0 {
			m.recent = ss.id
		}
	}
}

// recentCount is the RECENT count of the selected mailbox for this
// session (RFC 3501 §7.3.2): its own recent messages, or in a read-only
// session those no session was told of yet. The caller holds Server.mu.
func (ss *session) recentCount() uint32 {
	var n uint32
	for _, m := range ss.view {
		if !m.expunged && (m.recent == ss.id || ss.readOnly && m.recent == 0) {
			n++
		}
	}
	return n
}

func modSeqItem(ms uint64) wire.FetchItem {
	return wire.FetchItem{Name: "MODSEQ", Data: wire.List(wire.Number(ms))}
}

// unselect leaves the selected state (without expunging).
func (ss *session) unselect() {
	if ss.mbox == nil {
		return
	}
	ss.srv.mu.Lock()
	delete(ss.mbox.sessions, ss)
	clear(ss.pendingFlags)
	ss.srv.mu.Unlock()
	ss.mbox, ss.view, ss.saved = nil, nil, nil
	if ss.state == stateSelected {
		ss.state = stateAuth
	}
}
