// Package transport holds the layers between the IMAP codec and the socket,
// each a net.Conn that wraps the one below:
//
//   - [Dialer.Dial] and [Dial]: TCP with a context, a connect timeout and
//     keep-alive, through a pluggable [ContextDialer] (a SOCKS proxy, an
//     in-memory pipe); implicit TLS for "imaps" addresses (RFC 8314), with
//     the certificate verified by default. [ParseAddress] reads
//     "host[:port]" and imap:// / imaps:// URLs.
//   - [StartTLS]: the transport half of STARTTLS (RFC 3501 §6.2.1), which
//     refuses to go on if the server's data after its OK was already read
//     ([ErrBufferedAfterStartTLS], CVE-2011-0411).
//   - [Compress]: COMPRESS=DEFLATE (RFC 4978), with the DEFLATE code behind
//     the [Flate] interface: [Klauspost] (github.com/klauspost/compress, the
//     default) or [Stdlib] (compress/flate).
//   - [DialCommand] and [CommandConn]: IMAP over a program's standard input
//     and output, such as a server in preauth mode or an ssh tunnel.
//   - [Tracer] and [Trace]: a wire trace with credentials hidden.
//   - [WatchContext] and [WithTimeouts]: cancellation by a context and
//     per-operation deadlines.
//
// A client stacks them in the order RFC 4978 §3 requires, the compression
// above the encryption, and the trace on top:
//
//	conn, err := transport.Dial(ctx, "imaps://imap.example.com")
//	// ... COMPRESS DEFLATE, tagged OK read through br (a *bufio.Reader):
//	pre, _ := br.Peek(br.Buffered())
//	conn, err = transport.Compress(conn, pre, nil, transport.DefaultCompression)
//	conn = tracer.Wrap(conn)
//
// Errors are prefixed "transport: " and wrap their cause.
package transport
