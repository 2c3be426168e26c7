package harness

import (
	"bufio"
	"bytes"
	stdflate "compress/flate"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	kpflate "github.com/klauspost/compress/flate"
)

// The raw client is the lower bound: it logs in, sends the case's command
// and reads until the tagged completion, doing no more than IMAP's framing
// requires — find line ends, skip literals by their {n} — and counting.

type rawConn struct {
	cc      *countConn
	br      *bufio.Reader
	w       io.Writer
	flush   func() error
	atStart bool
	lits    int   // literals skipped
	litSize int64 // their octets
}

// frag is one piece of server output as the raw reader sees it.
type frag struct {
	start  bool   // begins a line
	kind   byte   // '*', '+', or 't' (tagged), when start
	tag    string // when kind == 't'
	status string // "OK", "NO", "BAD" when kind == 't'
	text   string // the rest of a tagged line
}

func dialRaw(addr string) (*rawConn, error) {
	nc, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	cc := &countConn{Conn: nc}
	r := &rawConn{cc: cc, br: bufio.NewReaderSize(cc, 64<<10), w: cc, flush: func() error { return nil }, atStart: true}
	if _, err := r.next(); err != nil { // greeting
		return nil, err
	}
	return r, nil
}

// next reads the next line, or the next buffer-full of a long line; a
// literal announced at the end of a line is skipped.
func (r *rawConn) next() (frag, error) {
	f := frag{start: r.atStart}
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.atStart = false
		if f.start {
			f.kind = line[0]
		}
		return f, nil
	}
	if err != nil {
		return f, err
	}
	r.atStart = true
	if f.start && len(line) > 0 {
		f.kind = line[0]
		if f.kind != '*' && f.kind != '+' {
			f.kind = 't'
			s := string(bytes.TrimRight(line, "\r\n"))
			var rest string
			f.tag, rest, _ = cut(s, ' ')
			f.status, f.text, _ = cut(rest, ' ')
		}
	}
	// A literal: "{123}\r\n" or "~{123}\r\n" at the end of the line.
	if n := len(line); n >= 4 && line[n-2] == '\r' && line[n-3] == '}' {
		i := n - 4
		for i >= 0 && line[i] >= '0' && line[i] <= '9' {
			i--
		}
		if i >= 0 && line[i] == '{' && i < n-4 {
			size, err := strconv.ParseInt(string(line[i+1:n-3]), 10, 64)
			if err != nil {
				return f, err
			}
			if _, err := r.br.Discard(int(size)); err != nil {
				return f, err
			}
			r.lits++
			r.litSize += size
			r.atStart = false
		}
	}
	return f, nil
}

func cut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func (r *rawConn) send(s string) error {
	if _, err := io.WriteString(r.w, s); err != nil {
		return err
	}
	return r.flush()
}

// until reads until the completion of tag and counts the untagged
// responses on the way.
func (r *rawConn) until(tag string) (untagged int, err error) {
	for {
		f, err := r.next()
		if err != nil {
			return untagged, err
		}
		switch {
		case !f.start:
		case f.kind == '*':
			untagged++
		case f.kind == 't' && f.tag == tag:
			if f.status != "OK" {
				return untagged, fmt.Errorf("%s %s %s", f.tag, f.status, f.text)
			}
			return untagged, nil
		}
	}
}

func (r *rawConn) command(tag, cmd string) error {
	if err := r.send(tag + " " + cmd + "\r\n"); err != nil {
		return err
	}
	_, err := r.until(tag)
	return err
}

// compress turns on COMPRESS=DEFLATE with the named implementation.
func (r *rawConn) compress(impl string) error {
	if err := r.command("Z", "COMPRESS DEFLATE"); err != nil {
		return err
	}
	if r.br.Buffered() > 0 {
		return fmt.Errorf("raw: data after COMPRESS OK")
	}
	plain := r.br
	// The compressor writes into a buffer, not the socket: a flate Flush
	// makes several small writes (the block, then the empty stored block
	// of the sync flush), and the server may act on the first one — after
	// LOGOUT it answers and closes the socket, so the later writes of the
	// same flush hit a closed connection ("broken pipe"). One command, one
	// write: the buffer goes out whole once the compressor is flushed.
	bw := bufio.NewWriterSize(r.cc, 64<<10)
	var fw interface {
		io.Writer
		Flush() error
	}
	switch impl {
	case "klauspost":
		w, _ := kpflate.NewWriter(bw, kpflate.DefaultCompression)
		fw = w
		r.br = bufio.NewReaderSize(kpflate.NewReader(plain), 64<<10)
	case "stdlib":
		w, _ := stdflate.NewWriter(bw, stdflate.DefaultCompression)
		fw = w
		r.br = bufio.NewReaderSize(stdflate.NewReader(plain), 64<<10)
	default:
		return fmt.Errorf("raw: unknown flate %q", impl)
	}
	r.w = fw
	r.flush = func() error {
		if err := fw.Flush(); err != nil {
			return err
		}
		return bw.Flush()
	}
	return nil
}

func quote(s string) string { return strconv.Quote(s) }

func runRaw(spec *Spec, res *Result) error {
	r, err := dialRaw(spec.Addr)
	if err != nil {
		return err
	}
	defer r.cc.Close()
	if err := r.command("L", "LOGIN "+quote(spec.User)+" "+quote(spec.Pass)); err != nil {
		return err
	}
	if spec.Flate != "" {
		if err := r.compress(spec.Flate); err != nil {
			return err
		}
	}
	if spec.Case == CaseAppend {
		if err := rawAppend(r, spec, res); err != nil {
			return err
		}
	} else {
		if err := r.command("S", "SELECT "+quote(spec.Mailbox)); err != nil {
			return err
		}
		in0, out0 := r.cc.in.Load(), r.cc.out.Load()
		lits0, size0 := r.lits, r.litSize
		t := startTimer()
		switch spec.Case {
		case CaseFull:
			if err := r.send("F UID FETCH 1:* BODY.PEEK[]\r\n"); err != nil {
				return err
			}
			if _, err := r.until("F"); err != nil {
				return err
			}
			res.Messages, res.Bytes = r.lits-lits0, r.litSize-size0
		case CaseMetadata:
			if err := r.send("M UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)\r\n"); err != nil {
				return err
			}
			n, err := r.until("M")
			if err != nil {
				return err
			}
			res.Messages = n
		case CaseLatency:
			if err := rawLatency(r, spec, res); err != nil {
				return err
			}
		default:
			return fmt.Errorf("raw: unknown case %q", spec.Case)
		}
		t.stop(res)
		res.WireIn, res.WireOut = r.cc.in.Load()-in0, r.cc.out.Load()-out0
	}
	return r.command("O", "LOGOUT")
}

func rawLatency(r *rawConn, spec *Spec, res *Result) error {
	switch spec.Mode {
	case "seq":
		for n := 1; n <= spec.Count; n++ {
			tag := "T" + strconv.Itoa(n)
			if err := r.command(tag, "UID FETCH "+strconv.Itoa(n)+" (FLAGS)"); err != nil {
				return err
			}
		}
	case "pipelined":
		var b bytes.Buffer
		for n := 1; n <= spec.Count; n++ {
			fmt.Fprintf(&b, "T%d UID FETCH %d (FLAGS)\r\n", n, n)
		}
		werr := make(chan error, 1)
		go func() { werr <- r.send(b.String()) }()
		if err := r.countDone(spec.Count); err != nil {
			return err
		}
		if err := <-werr; err != nil {
			return err
		}
	default:
		return fmt.Errorf("raw: unknown latency mode %q", spec.Mode)
	}
	res.Messages = spec.Count
	return nil
}

// countDone reads until n tagged completions have arrived, all OK;
// every continuation request is passed to cont.
func (r *rawConn) countDone(n int, cont ...chan<- struct{}) error {
	for done := 0; done < n; {
		f, err := r.next()
		if err != nil {
			return err
		}
		if !f.start {
			continue
		}
		switch f.kind {
		case 't':
			if f.status != "OK" {
				return fmt.Errorf("%s %s %s", f.tag, f.status, f.text)
			}
			done++
		case '+':
			if len(cont) > 0 {
				cont[0] <- struct{}{}
			}
		}
	}
	return nil
}

func rawAppend(r *rawConn, spec *Spec, res *Result) error {
	msgs, err := appendMessages(spec)
	if err != nil {
		return err
	}
	mb := quote(appendMailbox(spec))
	if err := r.command("C", "CREATE "+mb); err != nil {
		return err
	}
	in0, out0 := r.cc.in.Load(), r.cc.out.Load()
	t := startTimer()
	switch spec.Mode {
	case "seq":
		for i, m := range msgs {
			tag := "A" + strconv.Itoa(i)
			if err := r.send(fmt.Sprintf("%s APPEND %s {%d}\r\n", tag, mb, len(m))); err != nil {
				return err
			}
			f, err := r.next()
			if err != nil {
				return err
			}
			if f.kind != '+' {
				return fmt.Errorf("raw: APPEND: no continuation: %s %s", f.status, f.text)
			}
			if err := r.send(string(m) + "\r\n"); err != nil {
				return err
			}
			if _, err := r.until(tag); err != nil {
				return err
			}
		}
	case "pipelined":
		cont := make(chan struct{}, len(msgs))
		werr := make(chan error, 1)
		go func() {
			for i, m := range msgs {
				if err := r.send(fmt.Sprintf("A%d APPEND %s {%d}\r\n", i, mb, len(m))); err != nil {
					werr <- err
					return
				}
				<-cont
				if err := r.send(string(m) + "\r\n"); err != nil {
					werr <- err
					return
				}
			}
			werr <- nil
		}()
		if err := r.countDone(len(msgs), cont); err != nil {
			return err
		}
		if err := <-werr; err != nil {
			return err
		}
	case "literalplus":
		werr := make(chan error, 1)
		go func() {
			bw := bufio.NewWriterSize(r.w, 64<<10)
			for i, m := range msgs {
				fmt.Fprintf(bw, "A%d APPEND %s {%d+}\r\n", i, mb, len(m))
				bw.Write(m)
				bw.WriteString("\r\n")
			}
			err := bw.Flush()
			if err == nil {
				err = r.flush()
			}
			werr <- err
		}()
		if err := r.countDone(len(msgs)); err != nil {
			return err
		}
		if err := <-werr; err != nil {
			return err
		}
	case "multiappend":
		werr := make(chan error, 1)
		go func() {
			bw := bufio.NewWriterSize(r.w, 64<<10)
			fmt.Fprintf(bw, "M APPEND %s", mb)
			for _, m := range msgs {
				fmt.Fprintf(bw, " {%d+}\r\n", len(m))
				bw.Write(m)
			}
			bw.WriteString("\r\n")
			err := bw.Flush()
			if err == nil {
				err = r.flush()
			}
			werr <- err
		}()
		if _, err := r.until("M"); err != nil {
			return err
		}
		if err := <-werr; err != nil {
			return err
		}
	default:
		return fmt.Errorf("raw: unknown append mode %q", spec.Mode)
	}
	t.stop(res)
	res.WireIn, res.WireOut = r.cc.in.Load()-in0, r.cc.out.Load()-out0
	res.Messages = len(msgs)
	for _, m := range msgs {
		res.Bytes += int64(len(m))
	}
	return r.command("D", "DELETE "+mb)
}
