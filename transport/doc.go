// Package transport holds the layers between the IMAP codec and the socket:
// dialing, implicit TLS, STARTTLS, COMPRESS=DEFLATE and a wire trace.
package transport
