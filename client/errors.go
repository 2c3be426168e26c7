package client

import (
	"errors"
	"fmt"

	"github.com/imapkit/imapkit/wire"
)

// StatusError is a command's NO or BAD completion (RFC 9051 §7.1.2,
// §7.1.3): the server understood the connection but refused the command.
type StatusError struct {
	// Command is the command's name, e.g. "SELECT".
	Command string
	// Tag is the command's tag.
	Tag    string
	Status wire.Status
	// Code is the response code, nil when the server sent none.
	Code *wire.Code
	Text string
}

func (e *StatusError) Error() string {
	code := ""
	if e.Code != nil {
		code = " [" + e.Code.Name + "]"
	}
	return fmt.Sprintf("client: %s %s: %s%s %s", e.Tag, e.Command, e.Status, code, e.Text)
}

// CodeName returns the response code's name, or "" when there is none.
func (e *StatusError) CodeName() string {
	if e.Code == nil {
		return ""
	}
	return e.Code.Name
}

// ConnError ends every command in flight when the connection is gone: the
// server said BYE, the stream broke, the decoder met a syntax error or
// limit, or the connection was closed. Err says which.
type ConnError struct {
	// Err is the cause: ErrClosed, a *ByeError, a *ProtocolError, a
	// codec error or an I/O error.
	Err error
}

func (e *ConnError) Error() string { return "client: connection lost: " + e.Err.Error() }
func (e *ConnError) Unwrap() error { return e.Err }

// ByeError is the cause of a ConnError when the server said BYE
// (RFC 9051 §7.1.5).
type ByeError struct {
	Code *wire.Code
	Text string
}

func (e *ByeError) Error() string {
	code := ""
	if e.Code != nil {
		code = "[" + e.Code.Name + "] "
	}
	return "server said BYE: " + code + e.Text
}

// ProtocolError reports a server that broke the protocol in a way the
// decoder cannot see: a completion with an unknown tag, or a continuation
// request no command asked for. The connection is closed.
type ProtocolError struct {
	Msg  string
	Resp *wire.Response
}

func (e *ProtocolError) Error() string { return "protocol error: " + e.Msg }

// StateError reports a command that is not valid in the connection's
// current state (RFC 9051 §3).
type StateError struct {
	Command string
	State   State
	Want    []State
}

func (e *StateError) Error() string {
	return fmt.Sprintf("client: %s is not allowed in the %s state (needs %v)", e.Command, e.State, e.Want)
}

var (
	// ErrClosed is the cause of a ConnError after Close or Logout, and
	// what Conn.Err returns then.
	ErrClosed = errors.New("connection closed")
	// ErrLoginDisabled is returned by Login while the server advertises
	// LOGINDISABLED (RFC 9051 §6.2.3).
	ErrLoginDisabled = errors.New("client: server advertises LOGINDISABLED; use STARTTLS or AUTHENTICATE")
	// ErrInsecureAuth is returned when credentials would cross the wire
	// without TLS and Options.InsecureAuth is not set.
	ErrInsecureAuth = errors.New("client: refusing to send credentials without TLS (set Options.InsecureAuth to allow)")
	// ErrTimeout is wrapped by the errors of Options.ConnectTimeout and
	// Options.InactivityTimeout: the server did not answer in time.
	ErrTimeout = errors.New("client: timed out")
	// ErrTLSRequired is returned under Options.RequireTLS for a command
	// that would run without TLS, a cleartext PREAUTH greeting, or an
	// imap:// server that does not offer STARTTLS.
	ErrTLSRequired = errors.New("client: TLS required")
	// ErrNotSupported is returned for a command the server does not
	// advertise.
	ErrNotSupported = errors.New("client: not supported by the server")

	// ErrEmptySet is returned for a command given an empty sequence or
	// UID set, which has no IMAP syntax.
	ErrEmptySet = errors.New("client: empty sequence set")
)
