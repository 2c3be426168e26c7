package scripted

import (
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

const crlf = "\r\n"

// Send queues b, exactly as given, for the client. It does not wait for
// the client to read it (see SendWait).
func (s *Server) Send(b string) {
	s.addSend("Send "+excerpt([]byte(b)), caller(0), func(*session) []byte { return []byte(b) }, 0)
}

// SendLine queues each line with CRLF appended, in one write.
func (s *Server) SendLine(lines ...string) {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteString(crlf)
	}
	data := b.String()
	s.addSend("SendLine "+excerpt([]byte(data)), caller(0), func(*session) []byte { return []byte(data) }, 0)
}

// SendChunked queues b to be written n bytes at a time (n = 1: one byte
// per write), each write delivered on its own.
func (s *Server) SendChunked(b string, n int) {
	s.addSend(fmt.Sprintf("SendChunked(%d) %s", n, excerpt([]byte(b))), caller(0), func(*session) []byte { return []byte(b) }, max(n, 1))
}

// SendTemplate queues template with each ${name} replaced, when the step
// runs, by the variable of that name (see Var); $$ is a single $.
func (s *Server) SendTemplate(template string) {
	s.addSendTemplate(template, caller(0))
}

// Reply queues "<tag> " + text + CRLF, where tag is the tag of the last
// command matched by ExpectCmd (or a named group "tag" of ExpectMatch).
func (s *Server) Reply(text string) {
	s.addSend("Reply "+strconv.Quote(text), caller(0), func(ss *session) []byte {
		return []byte(ss.getVar("tag") + " " + text + crlf)
	}, 0)
}

// SendFunc queues the bytes f returns when the step runs; get reads the
// variables captured so far.
func (s *Server) SendFunc(f func(get func(name string) string) []byte) {
	s.addSend("SendFunc", caller(0), func(ss *session) []byte { return f(ss.getVar) }, 0)
}

// SendRaw queues b for the connection itself, under any TLS or DEFLATE
// layer that StartTLS or StartCompress put on it.
func (s *Server) SendRaw(b []byte) {
	data := append([]byte(nil), b...)
	where := caller(0)
	s.add(&step{name: "SendRaw " + excerpt(data), where: where, run: func(ss *session) error {
		ss.w.enqueue(&writeJob{data: data, raw: true, step: ss.step})
		return nil
	}})
}

// SendWait writes b and waits until it is written: over net.Pipe, until
// the client has read every byte.
func (s *Server) SendWait(b string) {
	s.add(&step{name: "SendWait " + excerpt([]byte(b)), where: caller(0), run: func(ss *session) error {
		j := ss.w.enqueue(&writeJob{data: []byte(b)})
		if err := ss.wait(j.done, "the client to read what was sent"); err != nil {
			return err
		}
		if j.err != nil {
			return fmt.Errorf("the client did not read it: %w", j.err)
		}
		return nil
	}})
}

func (s *Server) addSend(name, where string, data func(*session) []byte, chunk int) {
	s.add(&step{name: name, where: where, run: func(ss *session) error {
		ss.w.enqueue(&writeJob{data: data(ss), chunk: chunk, step: ss.step})
		return nil
	}})
}

// Expect expects the client to send line followed by CRLF, byte for byte.
func (s *Server) Expect(line string) {
	s.expectBytes("Expect "+strconv.Quote(line), caller(0), line+crlf, true)
}

// ExpectBytes expects the client to send exactly b (no CRLF is added).
func (s *Server) ExpectBytes(b string) {
	s.expectBytes("ExpectBytes "+excerpt([]byte(b)), caller(0), b, false)
}

func (s *Server) expectBytes(name, where, want string, line bool) {
	s.add(&step{name: name, where: where, run: func(ss *session) error {
		var got []byte
		var err error
		if line {
			got, err = ss.readLine()
		} else {
			got, err = ss.readN(len(want))
		}
		if err != nil {
			return ss.readFailure(got, err, want)
		}
		if string(got) != want {
			return mismatch(got, want)
		}
		return nil
	}})
}

// ExpectCmd expects a command line "<tag> " + rest + CRLF with any valid
// tag (RFC 9051 §9: 1*<any ASTRING-CHAR except "+">), and captures the
// tag as the variable "tag", which Reply and ${tag} use.
func (s *Server) ExpectCmd(rest string) {
	s.addExpectCmd(rest, caller(0))
}

func (s *Server) addExpectCmd(rest, where string) {
	s.add(&step{name: "ExpectCmd " + strconv.Quote(rest), where: where, run: func(ss *session) error {
		got, err := ss.readLine()
		if err != nil {
			return ss.readFailure(got, err, "TAG "+rest+crlf)
		}
		tag, after, ok := strings.Cut(string(got), " ")
		if !ok || !validTag(tag) {
			return fmt.Errorf("client sent %q; want a tag, SP and %q", got, rest+crlf)
		}
		if after != rest+crlf {
			return mismatch(got, tag+" "+rest+crlf)
		}
		ss.setVar("tag", tag)
		return nil
	}})
}

// ExpectMatch expects a line matching the regular expression re (RE2
// syntax) as a whole, CRLF excluded; the line must end with CRLF. The
// value of each named group, such as (?P<tag>\S+), becomes a variable.
// It panics when re does not compile.
func (s *Server) ExpectMatch(re string) {
	rx := regexp.MustCompile(`^(?:` + re + `)$`)
	s.addMatch(rx, re, caller(0))
}

func (s *Server) addMatch(rx *regexp.Regexp, re, where string) {
	s.add(&step{name: "ExpectMatch " + strconv.Quote(re), where: where, run: func(ss *session) error {
		got, err := ss.readLine()
		if err != nil {
			return ss.readFailure(got, err, "a line matching "+re)
		}
		line, ok := strings.CutSuffix(string(got), crlf)
		if !ok {
			return fmt.Errorf("client sent %q, not ended by CRLF; want a line matching %q", got, re)
		}
		m := rx.FindStringSubmatch(line)
		if m == nil {
			return fmt.Errorf("client sent %q; want a line matching %q", got, re)
		}
		for i, name := range rx.SubexpNames() {
			if name != "" {
				ss.setVar(name, m[i])
			}
		}
		return nil
	}})
}

// ExpectLiteral reads the n octets of a literal the client sends, whatever
// they are, and keeps them as the variable "literal".
func (s *Server) ExpectLiteral(n int) {
	s.addLiteral(n, caller(0))
}

func (s *Server) addLiteral(n int, where string) {
	s.add(&step{name: fmt.Sprintf("ExpectLiteral %d", n), where: where, run: func(ss *session) error {
		got, err := ss.readN(n)
		if err != nil {
			return ss.readFailure(got, err, fmt.Sprintf("%d octets of literal data", n))
		}
		ss.setVar("literal", string(got))
		return nil
	}})
}

// ExpectEOF expects the client to close the connection (or its writing
// half) without sending anything more.
func (s *Server) ExpectEOF() {
	s.add(&step{name: "ExpectEOF", where: caller(0), run: func(ss *session) error {
		var p [1]byte
		n, err := ss.br.Read(p[:])
		for n == 0 && err == nil {
			n, err = ss.br.Read(p[:])
		}
		if n > 0 {
			rest, _ := ss.peekAll()
			return fmt.Errorf("client sent %q; want the connection closed", append(p[:1:1], rest...))
		}
		if err == io.EOF {
			return nil
		}
		return fmt.Errorf("want the connection closed: %w", err)
	}})
}

// Line waits for the client's next line, as a step of the script, and
// returns it without its CRLF. It blocks the caller until the step has
// run; when the step fails (reported to the TB) it returns "".
func (s *Server) Line() string {
	ch := make(chan string, 1)
	s.add(&step{name: "Line", where: caller(0), run: func(ss *session) error {
		got, err := ss.readLine()
		if err != nil {
			ch <- ""
			return ss.readFailure(got, err, "a line")
		}
		ch <- strings.TrimSuffix(string(got), crlf)
		return nil
	}})
	select {
	case l := <-ch:
		return l
	case <-s.done:
		select {
		case l := <-ch:
			return l
		default:
			return ""
		}
	}
}

// Respond answers the client as a small server would, for tests where
// the order of the client's commands is not fixed: f gets each line the
// client sends (without its CRLF) and returns the lines to send back
// (CRLF appended to each, in one write) and whether to go on. The step
// ends when f says so, when the client closes the connection (dropping a
// line it left unfinished) or when the test ends; none of these is a
// failure, and neither is a reply the client did not read because it
// closed the connection. Its wait for the next line is not bounded by
// Options.Timeout (a server waits for a client with nothing to say). f
// runs on the script's goroutine: it must not add steps and wait for
// them, and it must return.
func (s *Server) Respond(f func(line string) (reply []string, more bool)) {
	s.add(&step{name: "Respond", where: caller(0), stall: true, run: func(ss *session) error {
		ss.endStep() // no step timeout
		for {
			got, err := ss.readLine()
			if err != nil {
				if err == io.EOF || errors.Is(err, errEnded) {
					return nil
				}
				return ss.readFailure(got, err, "a line")
			}
			reply, more := f(strings.TrimSuffix(string(got), crlf))
			if len(reply) > 0 {
				var b strings.Builder
				for _, l := range reply {
					b.WriteString(l)
					b.WriteString(crlf)
				}
				ss.w.enqueue(&writeJob{data: []byte(b.String())}) // step 0: a failed write is no failure
			}
			if !more {
				return nil
			}
		}
	}})
}

// StopReading makes the server stop reading from the connection, as a
// server that no longer reads: what the client writes from then on stays
// in the connection (over net.Pipe the client's write blocks; over TCP,
// once the socket buffers are full). The step ends once no read is in
// flight. Steps after it that expect bytes see only what arrived before;
// ResumeReading undoes it. The connection must support SetReadDeadline
// (net.Pipe and TCP do), which cuts short the read in flight.
func (s *Server) StopReading() {
	s.add(&step{name: "StopReading", where: caller(0), run: func(ss *session) error {
		return ss.wait(ss.in.stop(), "the server's read in flight to stop")
	}})
}

// ResumeReading makes the server read from the connection again after
// StopReading.
func (s *Server) ResumeReading() {
	s.add(&step{name: "ResumeReading", where: caller(0), run: func(ss *session) error {
		ss.in.restart()
		return nil
	}})
}

// Quiet checks that the client has sent nothing the script has not read
// yet. Under testing/synctest call synctest.Wait first, so that the
// client has done all it would do.
func (s *Server) Quiet() {
	s.add(&step{name: "Quiet", where: caller(0), run: (*session).quiet})
}

// QuietFor waits d (the bubble's fake clock under testing/synctest), then
// checks like Quiet.
func (s *Server) QuietFor(d time.Duration) {
	s.add(&step{name: fmt.Sprintf("QuietFor %v", d), where: caller(0), run: func(ss *session) error {
		if err := ss.sleep(d); err != nil {
			return err
		}
		return ss.quiet()
	}})
}

// Sleep pauses the script for d (the bubble's fake clock under
// testing/synctest).
func (s *Server) Sleep(d time.Duration) {
	s.add(&step{name: fmt.Sprintf("Sleep %v", d), where: caller(0), run: func(ss *session) error { return ss.sleep(d) }})
}

// Call runs f as a step of the script, e.g. to signal the test that the
// script has come this far. f must not add steps and then wait for them.
func (s *Server) Call(f func()) {
	s.add(&step{name: "Call", where: caller(0), run: func(*session) error { f(); return nil }})
}

// Drop closes the connection once everything queued before has been
// written.
func (s *Server) Drop() {
	s.add(&step{name: "Drop", where: caller(0), run: func(ss *session) error {
		ss.drop()
		return nil
	}})
}

// StartTLS runs a TLS handshake as the server, with cfg, on the
// connection, after everything queued before has been written; the steps
// after it read and write inside TLS. Script the STARTTLS command and its
// OK before it.
func (s *Server) StartTLS(cfg *tls.Config) {
	s.add(&step{name: "StartTLS", where: caller(0), run: func(ss *session) error {
		if err := ss.wait(ss.w.idle(), "the writes before the TLS handshake"); err != nil {
			return err
		}
		tc := tls.Server(&rawConn{Conn: ss.raw, r: ss.rest()}, cfg)
		if err := tc.Handshake(); err != nil {
			return fmt.Errorf("TLS handshake: %w", err)
		}
		st := tc.ConnectionState()
		ss.s.mu.Lock()
		ss.s.tlsState = &st
		ss.s.mu.Unlock()
		ss.w.setOut(tc, nil)
		ss.src = tc
		ss.br.Reset(tc)
		return nil
	}})
}

// StartCompress starts COMPRESS=DEFLATE (RFC 4978) in both directions
// after everything queued before has been written: the steps after it
// send raw DEFLATE (RFC 1951, compress/flate, a sync flush after each
// write) and inflate what the client sends. Script the COMPRESS command
// and its OK before it.
func (s *Server) StartCompress() {
	s.add(&step{name: "StartCompress", where: caller(0), run: func(ss *session) error {
		if err := ss.wait(ss.w.idle(), "the writes before COMPRESS"); err != nil {
			return err
		}
		ss.w.mu.Lock()
		out := ss.w.out
		ss.w.mu.Unlock()
		fw, err := flate.NewWriter(out, flate.DefaultCompression)
		if err != nil {
			return err
		}
		ss.w.setOut(fw, fw.Flush)
		fr := flate.NewReader(ss.rest())
		ss.closers = append(ss.closers, fr)
		ss.src = &inflateReader{r: fr}
		ss.br.Reset(ss.src)
		return nil
	}})
}

// inflateReader names inflate errors.
type inflateReader struct{ r io.Reader }

func (r *inflateReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF && !errors.Is(err, errEnded) && !errors.Is(err, ErrTimeout) {
		err = fmt.Errorf("inflating the client's DEFLATE stream: %w", err)
	}
	return n, err
}

// rawConn is the connection under TLS: reads come from what the script
// has not read yet, then the inbox; writes go to the connection.
type rawConn struct {
	net.Conn
	r io.Reader
}

func (c *rawConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Gate holds a stall until Release.
type Gate struct {
	ch   chan struct{}
	once sync.Once
}

// Release ends the stall; calling it again does nothing.
func (g *Gate) Release() { g.once.Do(func() { close(g.ch) }) }

// Stall pauses the script, sending and reading nothing, until the test
// calls Release on the Gate it returns (or the test ends, which is then
// not reported as unfinished). What the client sends meanwhile is kept
// for the steps after it.
func (s *Server) Stall() *Gate {
	g := &Gate{ch: make(chan struct{})}
	s.add(&step{name: "Stall", where: caller(0), stall: true, run: func(ss *session) error {
		select {
		case <-g.ch:
			return nil
		case <-ss.s.ending:
			return errEnded
		}
	}})
	return g
}

// StallForever pauses the script until the test ends: the server never
// answers again, but keeps the connection open and reads (and keeps) what
// the client sends.
func (s *Server) StallForever() {
	s.add(&step{name: "StallForever", where: caller(0), stall: true, run: func(ss *session) error {
		<-ss.s.ending
		return errEnded
	}})
}

func (ss *session) readLine() ([]byte, error) {
	var line []byte
	for {
		frag, err := ss.br.ReadSlice('\n')
		line = append(line, frag...)
		if err == nil {
			return line, nil
		}
		if err != bufio.ErrBufferFull {
			return line, err
		}
		if len(line) > ss.s.opts.MaxLine {
			return line, fmt.Errorf("line longer than %d bytes", ss.s.opts.MaxLine)
		}
	}
}

func (ss *session) readN(n int) ([]byte, error) {
	if n > ss.s.opts.MaxBuffered {
		return nil, fmt.Errorf("cannot read %d bytes: over Options.MaxBuffered", n)
	}
	p := make([]byte, n)
	m, err := io.ReadFull(ss.br, p)
	return p[:m], err
}

// peekAll returns what the client has sent and the script not read, for
// messages.
func (ss *session) peekAll() ([]byte, error) {
	b, err := ss.br.Peek(ss.br.Buffered())
	return append([]byte(nil), b...), err
}

// rest returns the client's stream from the script's position on,
// without the buffering of br.
func (ss *session) rest() io.Reader {
	buffered, _ := ss.br.Peek(ss.br.Buffered())
	return io.MultiReader(bytes.NewReader(append([]byte(nil), buffered...)), ss.src)
}

func (ss *session) readFailure(got []byte, err error, want string) error {
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return fmt.Errorf("client closed the connection after sending %q; want %s", got, quoteWant(want))
	case errors.Is(err, ErrTimeout):
		return fmt.Errorf("%w; client sent %q so far; want %s", err, got, quoteWant(want))
	case errors.Is(err, errEnded):
		return fmt.Errorf("the test ended; client sent %q so far; want %s", got, quoteWant(want))
	}
	return fmt.Errorf("reading from the client (after %q): %w; want %s", got, err, quoteWant(want))
}

func quoteWant(want string) string {
	if strings.HasSuffix(want, crlf) || strings.ContainsAny(want, "\x00\r\n\"") {
		return strconv.Quote(want)
	}
	return want
}

// mismatch describes received bytes that differ from the expected ones.
func mismatch(got []byte, want string) error {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	return fmt.Errorf("client sent %q; want %q (first difference at byte %d)", got, want, i)
}

func (ss *session) quiet() error {
	if n := ss.br.Buffered() + ss.in.unread(); n > 0 {
		b, _ := ss.peekAll()
		return fmt.Errorf("client sent %d bytes (%q...); want nothing yet", n, b)
	}
	return nil
}

func (ss *session) sleep(d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ss.s.ending:
		return errEnded
	}
}

// drop closes the connection once the queued writes are written.
func (ss *session) drop() {
	ss.wait(ss.w.idle(), "the writes before closing") // an error means they will never be
	ss.raw.Close()
}

// validTag reports whether t is a tag: 1*<any ASTRING-CHAR except "+">
// (RFC 9051 §9).
func validTag(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c <= 0x20 || c >= 0x7f || strings.IndexByte(`(){%*"\+`, c) >= 0 {
			return false
		}
	}
	return true
}

// expand replaces ${name} by get(name) and $$ by $; any other $ stays.
func expand(t string, get func(string) string) string {
	if !strings.Contains(t, "$") {
		return t
	}
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		if t[i] != '$' || i+1 == len(t) {
			b.WriteByte(t[i])
			continue
		}
		switch t[i+1] {
		case '$':
			b.WriteByte('$')
			i++
			continue
		case '{':
			if end := strings.IndexByte(t[i+2:], '}'); end >= 0 {
				b.WriteString(get(t[i+2 : i+2+end]))
				i += 2 + end
				continue
			}
		}
		b.WriteByte('$')
	}
	return b.String()
}

// excerpt quotes b for a step name or message, shortened past 60 bytes.
func excerpt(b []byte) string {
	const n = 60
	if len(b) <= n {
		return strconv.Quote(string(b))
	}
	return strconv.Quote(string(b[:n])) + fmt.Sprintf("... (%d bytes)", len(b))
}
