package client

import (
	"crypto/tls"
	"io"

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
	// MaxLiteralSize is the largest literal buffered in memory; a larger
	// one that no command streams ends the connection. Zero means 64 MiB.
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
