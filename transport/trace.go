package transport

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"
)

const (
	// traceLineMax is the most of one line a trace shows.
	traceLineMax = 8 << 10
	// defaultMaxLiteral is the largest literal shown when MaxLiteral is 0.
	defaultMaxLiteral = 256
	// redacted stands for what a trace hides.
	redacted = "****"
)

// Tracer writes the IMAP conversation on the connections it wraps, one line
// per protocol line: what the client writes prefixed "C: ", what it reads
// "S: ". Credentials are hidden:
//
//   - in LOGIN (RFC 9051 §6.2.3) everything after the user name, and the
//     user name too if it is a literal: "A1 LOGIN alice ****";
//   - in AUTHENTICATE (§6.2.2) the SASL-IR initial response (RFC 4959),
//     every line the client sends until the server's tagged response, and
//     a line without a space right after it (the answer to a challenge
//     that the server completed the command without waiting for);
//   - after a client line that announces a synchronizing literal, the
//     command's tagged NO or BAD (instead of "+") means the literal will
//     not come: what the client sends next is read as a new command.
//
// A literal of more than MaxLiteral bytes is shown as "{N bytes}" in place
// of its content; a smaller one is shown as it is, its lines being lines of
// the trace. Control characters and invalid UTF-8 are shown escaped
// ("\x00"), a line is cut after 8 KiB, and no input can make a Tracer fail.
//
// A Tracer assumes that it wraps the client's side of a connection. Its
// state follows the conversation, not a connection, so that one Tracer can
// wrap the successive layers of one conversation (after STARTTLS or
// COMPRESS, wrap the new top layer with the same Tracer). Wrap the top
// layer: what a Tracer sees is what the client writes and reads, before
// compression and encryption.
//
// A Tracer must not be copied after first use. Its fields must not change
// after it wrapped a connection.
type Tracer struct {
	// Writer, if not nil, receives each line, prefix included, ended with
	// "\n", in one Write. Its errors are ignored.
	Writer io.Writer
	// Logger, if not nil, receives each line as a Debug record with the
	// message "imap" and the attributes "dir" ("C" or "S") and "line".
	Logger *slog.Logger
	// MaxLiteral is the size of the largest literal shown with its
	// content. Zero means 256; negative means that none is.
	MaxLiteral int

	mu      sync.Mutex
	client  traceDir
	server  traceDir
	authTag []byte // tag of the AUTHENTICATE in progress, if any
	// authEnded: the AUTHENTICATE just completed; a client line that
	// answers a challenge the server sent before completing may still
	// follow, and is hidden too.
	authEnded bool
	// unsure: a secret command's literal was refused by the command's
	// tagged NO or BAD while the client may still send it (it may have
	// taken a "+" that came before its line for the answer). Until the
	// server completes a command after a client line has ended, the
	// client's lines are hidden: showing the wrong bytes as a command
	// could show the credentials.
	unsure      bool
	unsureLines int
	out         []byte // reused output buffer
}

// traceDir is the state of one direction.
type traceDir struct {
	line    []byte // what is shown of the current line, up to traceLineMax
	elided  int64  // bytes of the current line not kept
	seg     [32]byte
	segLen  int   // seg[:segLen]: the end of the text since the last literal
	lit     int64 // literal bytes still to come
	litShow bool  // the literal's content is shown
	cont    bool  // the current line continues a command/response after a literal
	secret  bool  // the rest of the current command is hidden
	// client side only: the current command's tag, and whether its last
	// line announced a synchronizing literal the server has not yet
	// answered with "+".
	tag       []byte
	awaitCont bool
}

// Trace returns conn with a trace of the conversation written to w: see
// [Tracer].
func Trace(conn net.Conn, w io.Writer) net.Conn {
	return (&Tracer{Writer: w}).Wrap(conn)
}

// Wrap returns conn with its traffic traced. What is written is traced
// before it is written, so that a command shows before the response to it.
// Closing the returned connection writes out what is left of unfinished
// lines.
func (t *Tracer) Wrap(conn net.Conn) net.Conn {
	return &traceConn{Conn: conn, t: t}
}

type traceConn struct {
	net.Conn
	t *Tracer
}

// Write traces p before writing it, so that a command is traced before the
// server's answer to it.
func (c *traceConn) Write(p []byte) (int, error) {
	c.t.record(true, p)
	return c.Conn.Write(p)
}

func (c *traceConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.t.record(false, p[:n])
	}
	return n, err
}

func (c *traceConn) Close() error {
	err := c.Conn.Close()
	c.t.flush()
	return err
}

// flush writes out unfinished lines.
func (t *Tracer) flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, client := range []bool{true, false} {
		d := t.dir(client)
		if len(d.line) > 0 && !d.secret {
			t.emit(client, d.line, d.elided)
		}
		d.line, d.elided = d.line[:0], 0
	}
}

func (t *Tracer) dir(client bool) *traceDir {
	if client {
		return &t.client
	}
	return &t.server
}

func (t *Tracer) maxLiteral() int64 {
	switch {
	case t.MaxLiteral == 0:
		return defaultMaxLiteral
	case t.MaxLiteral < 0:
		return -1
	}
	return int64(t.MaxLiteral)
}

// record traces p, bytes going one way.
func (t *Tracer) record(client bool, p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := t.dir(client)
	for len(p) > 0 {
		if d.lit > 0 {
			k := len(p)
			if int64(k) > d.lit {
				k = int(d.lit)
			}
			if d.litShow && !d.secret {
				chunk := p[:k]
				for {
					i := bytes.IndexByte(chunk, '\n')
					if i < 0 {
						d.appendLine(chunk)
						break
					}
					d.appendLine(chunk[:i])
					t.emitLine(client, d)
					chunk = chunk[i+1:]
				}
			}
			d.lit -= int64(k)
			p = p[k:]
			continue
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			d.appendLine(p)
			d.appendSeg(p)
			return
		}
		d.appendLine(p[:i])
		d.appendSeg(p[:i])
		p = p[i+1:]
		t.endLine(client, d)
	}
}

// endLine handles the end of a line on the wire.
func (t *Tracer) endLine(client bool, d *traceDir) {
	seg := bytes.TrimSuffix(d.seg[:d.segLen], []byte("\r"))
	size, isLit := literalSuffix(seg)
	d.segLen = 0
	if client && !d.cont {
		tag, _, _ := bytes.Cut(d.line, []byte(" "))
		d.tag = append(d.tag[:0], tag...)
	}
	if !client && !d.cont {
		t.serverLine(d.line)
	}
	late := client && !d.cont && t.authEnded && bytes.IndexByte(d.line, ' ') < 0
	if client && !d.cont {
		t.authEnded = false
	}
	if client && t.unsure {
		// Hidden, literals included (see Tracer.unsure).
		t.unsureLines++
		d.secret = isLit
		if !d.cont {
			d.setLine(redacted)
			t.emitLine(client, d)
		} else {
			d.line, d.elided = d.line[:0], 0
		}
		d.cont = isLit
		d.awaitCont = false
		if isLit {
			d.lit, d.litShow = size, false
		}
		return
	}
	switch {
	case client && !d.cont && (t.authTag != nil || late):
		// A line of the client's side of the SASL exchange.
		d.setLine(redacted)
		t.emitLine(client, d)
	case client && !d.cont:
		t.commandLine(d)
		t.emitLine(client, d)
	case !client && !d.cont && t.authTag != nil:
		if bytes.HasPrefix(d.line, t.authTag) && len(d.line) > len(t.authTag) && d.line[len(t.authTag)] == ' ' {
			t.authTag = nil
			t.authEnded = true
		}
		t.emitLine(client, d)
	case d.secret:
		d.line, d.elided = d.line[:0], 0
	default:
		t.emitLine(client, d)
	}
	d.cont = isLit
	if client {
		d.awaitCont = isLit && !bytes.HasSuffix(seg, []byte("+}"))
	}
	if !isLit {
		d.secret = false
		return
	}
	d.lit = size
	d.litShow = size <= t.maxLiteral()
	if !d.litShow && !d.secret {
		d.line = strconv.AppendInt(append(d.line, '{'), size, 10)
		d.line = append(d.line, " bytes}"...)
	}
}

// serverLine follows the server's answer to a synchronizing literal of
// the client: "+" lets the literal come; the command's own tagged response
// instead (RFC 9051 §7.5: the server may refuse the literal with NO or
// BAD) means that the literal will never come, so the client's next bytes
// are the next command, whose credentials must be recognized as such.
// Another command's completion changes nothing.
func (t *Tracer) serverLine(line []byte) {
	c := &t.client
	if t.unsure && t.unsureLines > 0 && len(line) > 0 && line[0] != '*' && line[0] != '+' {
		t.unsure = false
	}
	if !c.awaitCont {
		return
	}
	if len(line) > 0 && line[0] == '+' {
		c.awaitCont = false
		return
	}
	if len(c.tag) == 0 || !bytes.HasPrefix(line, c.tag) || len(line) == len(c.tag) || line[len(c.tag)] != ' ' {
		return
	}
	c.awaitCont = false
	if c.secret {
		// The literal may come all the same: keep it hidden, and the
		// lines after it (Tracer.unsure).
		t.unsure, t.unsureLines = true, 0
		return
	}
	c.lit, c.cont, c.secret = 0, false, false
	c.line, c.elided = c.line[:0], 0
}

// commandLine hides the credentials of the first line of a command.
func (t *Tracer) commandLine(d *traceDir) {
	line := bytes.TrimSuffix(d.line, []byte("\r"))
	tag, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok || len(tag) == 0 {
		return
	}
	name, args, _ := bytes.Cut(rest, []byte(" "))
	switch {
	case bytes.EqualFold(name, []byte("LOGIN")):
		d.secret = true
		out := append([]byte(nil), line[:len(tag)+1+len(name)]...)
		if user, ok := loginUser(args); ok {
			out = append(append(out, ' '), user...)
		}
		d.setLine(string(append(out, " "+redacted...)))
	case bytes.EqualFold(name, []byte("AUTHENTICATE")):
		t.authTag = append([]byte(nil), tag...)
		mech, ir, _ := bytes.Cut(args, []byte(" "))
		out := append([]byte(nil), line[:len(tag)+1+len(name)]...)
		out = append(append(out, ' '), mech...)
		if len(ir) > 0 {
			out = append(out, " "+redacted...)
		}
		d.setLine(string(out))
	}
}

// loginUser returns the first argument of LOGIN if it is an atom or a
// quoted string.
func loginUser(args []byte) ([]byte, bool) {
	if len(args) == 0 || args[0] == '{' || args[0] == '~' {
		return nil, false
	}
	if args[0] != '"' {
		user, _, _ := bytes.Cut(args, []byte(" "))
		return user, true
	}
	for i := 1; i < len(args); i++ {
		switch args[i] {
		case '\\':
			i++
		case '"':
			return args[:i+1], true
		}
	}
	return nil, false
}

// literalSuffix reports whether line ends with a literal's announcement,
// "{N}", "{N+}" or "~{N}" (RFC 9051 §4.3, RFC 7888, RFC 3516), and N.
func literalSuffix(line []byte) (int64, bool) {
	if len(line) < 3 || line[len(line)-1] != '}' {
		return 0, false
	}
	line = line[:len(line)-1]
	line = bytes.TrimSuffix(line, []byte("+"))
	i := bytes.LastIndexByte(line, '{')
	if i < 0 || i == len(line)-1 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(line[i+1:]), 10, 64)
	if err != nil || n < 0 || line[i+1] == '+' || line[i+1] == '-' {
		return 0, false
	}
	return n, true
}

func (d *traceDir) appendLine(p []byte) {
	if room := traceLineMax - len(d.line); room < len(p) {
		if room > 0 {
			d.line = append(d.line, p[:room]...)
		}
		d.elided += int64(len(p) - max(room, 0))
		return
	}
	d.line = append(d.line, p...)
}

func (d *traceDir) appendSeg(p []byte) {
	if len(p) >= len(d.seg) {
		d.segLen = copy(d.seg[:], p[len(p)-len(d.seg):])
		return
	}
	if over := d.segLen + len(p) - len(d.seg); over > 0 {
		copy(d.seg[:], d.seg[over:d.segLen])
		d.segLen -= over
	}
	d.segLen += copy(d.seg[d.segLen:], p)
}

func (d *traceDir) setLine(s string) {
	d.line, d.elided = append(d.line[:0], s...), 0
}

// emitLine writes out d's current line and starts the next.
func (t *Tracer) emitLine(client bool, d *traceDir) {
	t.emit(client, bytes.TrimSuffix(d.line, []byte("\r")), d.elided)
	d.line, d.elided = d.line[:0], 0
}

func (t *Tracer) emit(client bool, line []byte, elided int64) {
	out := t.out[:0]
	if client {
		out = append(out, "C: "...)
	} else {
		out = append(out, "S: "...)
	}
	out = appendEscaped(out, line)
	if elided > 0 {
		out = append(out, " ... ["...)
		out = strconv.AppendInt(out, elided, 10)
		out = append(out, " more bytes]"...)
	}
	if t.Logger != nil {
		t.Logger.LogAttrs(context.Background(), slog.LevelDebug, "imap",
			slog.String("dir", string(out[:1])), slog.String("line", string(out[3:])))
	}
	if t.Writer != nil {
		out = append(out, '\n')
		t.Writer.Write(out)
	}
	t.out = out
}

// appendEscaped appends p with control characters and invalid UTF-8
// escaped as \xNN.
func appendEscaped(dst, p []byte) []byte {
	const hex = "0123456789abcdef"
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		switch {
		case r == '\t' || r >= ' ' && r < utf8.RuneSelf && r != 0x7f:
			dst = append(dst, byte(r))
		case r != utf8.RuneError && r >= utf8.RuneSelf && unicode.IsPrint(r):
			dst = append(dst, p[:size]...)
		default:
			for _, b := range p[:size] {
				dst = append(dst, '\\', 'x', hex[b>>4], hex[b&15])
			}
		}
		p = p[size:]
	}
	return dst
}
