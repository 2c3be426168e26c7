package scripted

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// The faults below are steps like any other. Those that send more than a
// well-behaved client reads (EndlessLine, LiteralBomb, DeepNesting,
// DropMidLiteral) end quietly when the client closes the connection while
// they write: that is a client's right answer to them.

// DropMidLiteral sends head followed by a literal announced as size
// octets ("{size}" CRLF), then only sent of those octets (filler bytes),
// then closes the connection: a server that dies in the middle of a
// FETCH body. Example: DropMidLiteral("* 1 FETCH (BODY[] ", 100, 10).
func (s *Server) DropMidLiteral(head string, size int64, sent int) {
	name := fmt.Sprintf("DropMidLiteral %q {%d} after %d octets", head, size, sent)
	s.add(&step{name: name, where: caller(0), run: func(ss *session) error {
		b := []byte(head + "{" + strconv.FormatInt(size, 10) + "}" + crlf)
		b = append(b, bytes.Repeat([]byte{'x'}, max(sent, 0))...)
		ss.sendTolerant(b)
		ss.drop()
		return nil
	}})
}

// Bye sends "* BYE " + text + CRLF and closes the connection, e.g. after
// an ExpectCmd instead of the command's completion (BYE in the middle of
// a command, RFC 9051 §7.1.5).
func (s *Server) Bye(text string) {
	s.add(&step{name: "Bye " + strconv.Quote(text), where: caller(0), run: func(ss *session) error {
		ss.sendTolerant([]byte("* BYE " + text + crlf))
		ss.drop()
		return nil
	}})
}

// DefaultGarbage is what GarbageAfterSTARTTLS sends after the OK when
// given "": a response that, if a client kept it, would replace the
// capabilities it learns after TLS (the injection of CVE-2011-0411 and
// its IMAP relatives; RFC 9051 §6.2.1 says to discard such bytes).
const DefaultGarbage = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN LOGIN-REFERRALS] injected before TLS" + crlf

// GarbageAfterSTARTTLS expects "<tag> STARTTLS" and answers with the
// tagged OK followed, in the same write, by garbage (DefaultGarbage when
// ""), before any TLS. A client must discard those bytes and start its
// handshake; script StartTLS after it to complete the handshake, or
// ExpectEOF for a client that rightly gives up.
func (s *Server) GarbageAfterSTARTTLS(garbage string) {
	if garbage == "" {
		garbage = DefaultGarbage
	}
	s.addExpectCmd("STARTTLS", caller(0))
	s.add(&step{name: "GarbageAfterSTARTTLS " + excerpt([]byte(garbage)), where: caller(0), run: func(ss *session) error {
		ss.w.enqueue(&writeJob{data: []byte(ss.getVar("tag") + " OK Begin TLS negotiation now" + crlf + garbage), step: ss.step})
		return nil
	}})
}

// StrayContinuation sends a continuation request ("+ " + text + CRLF)
// that no command asked for.
func (s *Server) StrayContinuation(text string) {
	s.addSend("StrayContinuation", caller(0), func(*session) []byte { return []byte("+ " + text + crlf) }, 0)
}

// UnknownTag sends a tagged completion for a tag the client never used
// (tag "" means "ZZZZ9999").
func (s *Server) UnknownTag(tag string) {
	if tag == "" {
		tag = "ZZZZ9999"
	}
	s.addSend("UnknownTag "+tag, caller(0), func(*session) []byte {
		return []byte(tag + " OK this tag was never sent" + crlf)
	}, 0)
}

// EndlessLine sends head and then bytes without CRLF, in writes of 4 KiB,
// until the client closes the connection or limit bytes are sent (then
// the server closes it). It waits for each write, so it ends as soon as
// the client stops reading and closes.
func (s *Server) EndlessLine(head string, limit int64) {
	s.add(&step{name: fmt.Sprintf("EndlessLine %q (up to %d bytes)", head, limit), where: caller(0), run: func(ss *session) error {
		if !ss.sendTolerant([]byte(head)) {
			return nil
		}
		chunk := bytes.Repeat([]byte("a"), 4096)
		for sent := int64(0); sent < limit; sent += int64(len(chunk)) {
			if !ss.sendTolerant(chunk[:min(int64(len(chunk)), limit-sent)]) {
				return nil
			}
		}
		ss.drop()
		return nil
	}})
}

// BombSize is the size LiteralBomb announces: ten gigabytes, more than
// any client should allocate because a server said so.
const BombSize = 9999999999

// LiteralBomb sends head followed by "{9999999999}" CRLF, then up to
// filler bytes of literal data (stopping when the client closes). A
// client must refuse or stream it, never allocate it.
// Example: LiteralBomb("* 1 FETCH (BODY[] ", 1<<16).
func (s *Server) LiteralBomb(head string, filler int64) {
	s.add(&step{name: fmt.Sprintf("LiteralBomb %q", head), where: caller(0), run: func(ss *session) error {
		if !ss.sendTolerant([]byte(head + "{" + strconv.FormatInt(BombSize, 10) + "}" + crlf)) {
			return nil
		}
		chunk := bytes.Repeat([]byte("x"), 4096)
		for sent := int64(0); sent < filler; sent += int64(len(chunk)) {
			if !ss.sendTolerant(chunk[:min(int64(len(chunk)), filler-sent)]) {
				return nil
			}
		}
		return nil
	}})
}

// DeepNesting sends head, depth opening parentheses, as many closing
// ones, then tail and CRLF: e.g. DeepNesting("* 1 FETCH (X ", 100000,
// ")") is a list nested 100,000 deep.
func (s *Server) DeepNesting(head string, depth int, tail string) {
	s.add(&step{name: fmt.Sprintf("DeepNesting %q x%d", head, depth), where: caller(0), run: func(ss *session) error {
		var b strings.Builder
		b.Grow(len(head) + 2*depth + len(tail) + 2)
		b.WriteString(head)
		for range depth {
			b.WriteByte('(')
		}
		for range depth {
			b.WriteByte(')')
		}
		b.WriteString(tail)
		b.WriteString(crlf)
		ss.sendTolerant([]byte(b.String()))
		return nil
	}})
}

// BadDeflateBytes are not a DEFLATE stream: the first block header has
// BFINAL set and the reserved block type 11 (RFC 1951 §3.2.3), which
// every inflater rejects.
var BadDeflateBytes = []byte{0xff, 0xff, 0xff, 0xff, '*', ' ', 'O', 'K', '\r', '\n'}

// BadDeflate sends BadDeflateBytes on the connection itself, under the
// DEFLATE layer of StartCompress: the client's inflater must fail with
// an error, not hang or panic.
func (s *Server) BadDeflate() {
	s.add(&step{name: "BadDeflate", where: caller(0), run: func(ss *session) error {
		ss.w.enqueue(&writeJob{data: append([]byte(nil), BadDeflateBytes...), raw: true})
		return nil
	}})
}

// sendTolerant writes b and waits for the write; false when the client
// closed the connection (or the test ended), which the faults accept.
func (ss *session) sendTolerant(b []byte) bool {
	j := ss.w.enqueue(&writeJob{data: b})
	if ss.wait(j.done, "a write") != nil {
		return false
	}
	return j.err == nil
}
