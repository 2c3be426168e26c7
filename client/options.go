package client

import (
	"context"
	"crypto/tls"
	"io"
	"time"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/transport"
	"github.com/imapkit/imapkit/wire"
)

// Options configure a connection. The zero value is usable.
type Options struct {
	// TLSConfig is used for implicit TLS (imaps://, port 993) and
	// STARTTLS. Nil means a default configuration that verifies the
	// server's certificate against the system roots.
	TLSConfig *tls.Config
	// Dialer routes the TCP connection (a SOCKS proxy, an in-memory
	// pipe); nil means net.Dialer.
	Dialer transport.ContextDialer
	// Extensions are installed into the connection's registry before it
	// starts, after the base protocol.
	Extensions []Extension
	// InsecureAuth allows LOGIN and AUTHENTICATE on a connection without
	// TLS. Without it, they fail with ErrInsecureAuth.
	InsecureAuth bool
	// Trace, when set, receives a copy of everything sent and received,
	// with credentials redacted.
	Trace io.Writer
	// StreamThreshold is the size above which a literal is handed to a
	// command's Spec.Literal as it arrives instead of being buffered.
	// Zero means 64 KiB.
	StreamThreshold int64
	// MaxLiteralSize is the largest literal buffered in memory. A larger
	// one that its command does not stream is skipped, and fails that
	// command only (an error wrapping a *codec.LimitError); the
	// connection and the other commands go on. Zero means 64 MiB.
	MaxLiteralSize int64
	// Strict makes the decoder reject the deviations of real servers it
	// accepts by default, and fail a response whose data or FETCH item a
	// registered parser cannot read (the connection then ends), instead
	// of keeping it as a generic value (see codec.ParseError).
	Strict bool
	// OnParseError, when set, is called for every parser failure the
	// decoder recovered from in lenient mode, with the response it is
	// recorded on. It runs on the reader goroutine: it must not block
	// nor issue commands.
	OnParseError func(resp *wire.Response, err *codec.ParseError)
	// UnclaimedQueueSize bounds the queue of unclaimed responses read with
	// Conn.Unclaimed; the oldest are dropped when it is full. Zero means 1024.
	UnclaimedQueueSize int

	// ConnectTimeout bounds the dial, the TLS handshake and the wait for
	// the greeting (and, in Dial, the STARTTLS that RequireTLS runs): a
	// server that accepts the connection but never greets, or greets a
	// byte a second, fails with an error wrapping ErrTimeout that names
	// the step and the host ("waiting for the greeting from HOST"). Zero
	// means 30 s; negative means no bound other than the context's.
	ConnectTimeout time.Duration
	// InactivityTimeout ends the connection when, while a command awaits
	// the server (any command in flight but an IDLE that is idling), no
	// byte arrives from the server for this long: every command in
	// flight fails with a *ConnError wrapping ErrTimeout that names what
	// was awaited. Time the client spends sending a command does not
	// count. Zero means 2 minutes; negative means none.
	InactivityTimeout time.Duration
	// RequireTLS refuses to use the connection without TLS: until it is
	// protected (implicit TLS, or StartTLS), every command but
	// CAPABILITY, NOOP, LOGOUT and STARTTLS fails with ErrTLSRequired,
	// and a PREAUTH greeting on a cleartext connection fails New and Dial
	// with ErrTLSRequired (STARTTLS is not allowed after PREAUTH, RFC
	// 9051 §6.2.1, so it could never be protected). Dial of an imap://
	// address runs STARTTLS itself right after the greeting
	// (ErrTLSRequired when the server does not offer it).
	RequireTLS bool

	// Unilateral, when set, is called with every response no command
	// claimed, in arrival order, on a goroutine of its own (never the
	// reader's), so it may issue commands.
	Unilateral func(*wire.Response)
	// MailboxUpdate, when set, is called with every change of the
	// selected mailbox's state, in order, on the same goroutine as
	// Unilateral.
	MailboxUpdate func(MailboxEvent)
}

func (o *Options) streamThreshold() int64 {
	if o.StreamThreshold > 0 {
		return o.StreamThreshold
	}
	return 64 << 10
}

func (o *Options) maxLiteralSize() int64 {
	if o.MaxLiteralSize > 0 {
		return o.MaxLiteralSize
	}
	return 64 << 20
}

func (o *Options) unclaimedQueueSize() int {
	if o.UnclaimedQueueSize > 0 {
		return o.UnclaimedQueueSize
	}
	return 1024
}

func (o *Options) connectContext(ctx context.Context) (context.Context, context.CancelFunc) {
	switch {
	case o.ConnectTimeout < 0:
		return context.WithCancel(ctx)
	case o.ConnectTimeout == 0:
		return context.WithTimeout(ctx, 30*time.Second)
	}
	return context.WithTimeout(ctx, o.ConnectTimeout)
}

func (o *Options) inactivityTimeout() time.Duration {
	switch {
	case o.InactivityTimeout < 0:
		return 0
	case o.InactivityTimeout == 0:
		return 2 * time.Minute
	}
	return o.InactivityTimeout
}
