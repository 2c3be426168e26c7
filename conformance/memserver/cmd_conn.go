package memserver

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/imapkit/imapkit/transport"
	"github.com/imapkit/imapkit/wire"
)

// Commands of any state and of the not-authenticated state
// (RFC 9051 §6.1, §6.2), ENABLE, COMPRESS and IDLE.

func (ss *session) cmdCapability(c *command) error {
	if err := c.end(); err != nil {
		return err
	}
	ss.data("CAPABILITY", ss.caps())
	return nil
}

func (ss *session) cmdNoop(c *command) error { return c.end() }

func (ss *session) cmdLogout(c *command) error {
	if err := c.end(); err != nil {
		return err
	}
	ss.status(wire.StatusBye, nil, "logging out")
	ss.done(c.tag, wire.StatusOK, nil, "LOGOUT completed")
	ss.flush()
	ss.state = stateLogout
	return nil
}

// cmdID answers ID (RFC 2971).
func (ss *session) cmdID(c *command) error {
	v := c.next("ID parameters")
	if v.Kind != wire.KindNil && v.Kind != wire.KindList {
		if !(v.Kind == wire.KindAtom && strings.EqualFold(v.Str, "NIL")) {
			return bad("ID: expected a list or NIL")
		}
	}
	if err := c.end(); err != nil {
		return err
	}
	ss.data("ID", map[string]string{"name": "imapkit memserver", "vendor": "imapkit"})
	return nil
}

func (ss *session) cmdStartTLS(c *command) error {
	if err := c.end(); err != nil {
		return err
	}
	if ss.srv.opts.TLSConfig == nil || ss.tls {
		return bad("STARTTLS not available")
	}
	ss.done(c.tag, wire.StatusOK, nil, "Begin TLS negotiation now")
	if ss.flush() != nil {
		return ss.werr
	}
	// RFC 9051 §6.2.1: what the client sent after STARTTLS, before the
	// handshake, is discarded (setBase resets the reader).
	tc := tls.Server(ss.base, ss.srv.opts.TLSConfig)
	ss.raw.SetDeadline(time.Now().Add(time.Minute))
	if err := tc.Handshake(); err != nil {
		ss.werr = err
		return err
	}
	ss.raw.SetDeadline(time.Time{})
	ss.tls = true
	ss.setBase(tc)
	ss.state = stateNotAuth
	return errDoneSent
}

// errDoneSent says that the handler wrote the tagged response itself.
var errDoneSent = errors.New("memserver: completion sent")

func (ss *session) cmdLogin(c *command) error {
	name := c.astring("user name")
	pass := c.astring("password")
	if err := c.end(); err != nil {
		return err
	}
	if !ss.authAllowed() {
		return no("PRIVACYREQUIRED", "LOGIN is disabled without TLS")
	}
	return ss.login(name, pass)
}

func (ss *session) login(name, pass string) error {
	ss.srv.mu.Lock()
	u := ss.srv.users[name]
	ss.srv.mu.Unlock()
	if u == nil || u.pass != pass {
		return no("AUTHENTICATIONFAILED", "invalid credentials")
	}
	ss.user = u
	ss.state = stateAuth
	ss.okCode = &wire.Code{Name: "CAPABILITY", Data: ss.caps()}
	ss.okText = "logged in"
	return nil
}

// cmdAuthenticate does AUTHENTICATE PLAIN (RFC 9051 §6.2.2, RFC 4616),
// with an initial response (RFC 4959) or after an empty challenge.
func (ss *session) cmdAuthenticate(c *command) error {
	mech := c.atom("mechanism")
	var ir string
	hasIR := false
	if c.more() {
		ir, hasIR = c.astring("initial response"), true
	}
	if err := c.end(); err != nil {
		return err
	}
	if mech != "PLAIN" {
		return no("CANNOT", "unsupported mechanism %s", mech)
	}
	if !ss.authAllowed() {
		return no("PRIVACYREQUIRED", "authentication is disabled without TLS")
	}
	if !hasIR {
		ss.cont("")
		if ss.flush() != nil {
			return ss.werr
		}
		line, err := ss.dec.ReadLine()
		if err != nil {
			return err
		}
		ir = line
	}
	if ir == "*" {
		return bad("authentication cancelled")
	}
	if ir == "=" {
		ir = ""
	}
	dec, err := base64.StdEncoding.DecodeString(ir)
	if err != nil {
		return bad("invalid base64 in authentication response")
	}
	parts := bytes.Split(dec, []byte{0})
	if len(parts) != 3 {
		return no("AUTHENTICATIONFAILED", "invalid PLAIN response")
	}
	if len(parts[0]) > 0 && string(parts[0]) != string(parts[1]) {
		return no("AUTHZFAILED", "cannot act as another user")
	}
	return ss.login(string(parts[1]), string(parts[2]))
}

// cmdCompress does COMPRESS DEFLATE (RFC 4978).
func (ss *session) cmdCompress(c *command) error {
	alg := c.atom("algorithm")
	if err := c.end(); err != nil {
		return err
	}
	if alg != "DEFLATE" {
		return bad("unknown compression %s", alg)
	}
	if ss.compressed {
		return no("COMPRESSIONACTIVE", "compression is already on")
	}
	ss.done(c.tag, wire.StatusOK, nil, "DEFLATE active")
	if ss.flush() != nil {
		return ss.werr
	}
	buffered, _ := ss.br.Peek(ss.br.Buffered())
	dc, err := transport.Compress(ss.base, buffered, nil, transport.DefaultCompression)
	if err != nil {
		ss.werr = err
		return err
	}
	ss.compressed = true
	ss.setBase(dc)
	return errDoneSent
}

// cmdEnable does ENABLE (RFC 5161, RFC 9051 §6.3.1).
func (ss *session) cmdEnable(c *command) error {
	var on []string
	if !c.more() {
		return bad("ENABLE needs a capability")
	}
	for c.more() {
		name := c.atom("capability")
		switch name {
		case "CONDSTORE":
			if !ss.condstore {
				ss.condstore = true
				on = append(on, name)
			}
		case "QRESYNC":
			// RFC 7162 §3.2.3: QRESYNC is a CONDSTORE enabling command.
			ss.condstore = true
			if !ss.qresync {
				ss.qresync = true
				on = append(on, name)
			}
		case "IMAP4REV2":
			if !ss.rev2 {
				ss.rev2 = true
				ss.setUTF8()
				on = append(on, "IMAP4rev2")
			}
		case "UTF8=ACCEPT":
			if !ss.utf8 {
				ss.utf8 = true
				ss.setUTF8()
				on = append(on, name)
			}
		}
	}
	if err := c.end(); err != nil {
		return err
	}
	ss.data("ENABLED", on)
	return nil
}

// cmdIdle does IDLE (RFC 9051 §6.3.13): news from other sessions is
// sent as it happens until DONE.
func (ss *session) cmdIdle(c *command) error {
	if err := c.end(); err != nil {
		return err
	}
	ss.cont("idling")
	ss.sync(true)
	if ss.flush() != nil {
		return ss.werr
	}
	type result struct {
		line string
		err  error
	}
	lines := make(chan result, 1)
	go func() {
		l, err := ss.dec.ReadLine()
		lines <- result{l, err}
	}()
	for {
		select {
		case r := <-lines:
			if r.err != nil {
				return r.err
			}
			if !strings.EqualFold(r.line, "DONE") {
				return bad("expected DONE")
			}
			return nil
		case <-ss.notify:
			ss.sync(true)
			if ss.flush() != nil {
				ss.raw.Close()
				<-lines // the connection is closed: the reader ends too
				return ss.werr
			}
		}
	}
}
