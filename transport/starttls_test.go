package transport

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// startTLSServer plays the server of RFC 3501 §6.2.1's example: greeting,
// "a OK" to STARTTLS followed by extra (injected) bytes if any, then the
// TLS handshake and a line over TLS.
func startTLSServer(t *testing.T, c net.Conn, injected string) {
	t.Helper()
	br := bufio.NewReader(c)
	c.Write([]byte("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n"))
	if line, err := br.ReadString('\n'); err != nil || line != "a STARTTLS\r\n" {
		t.Errorf("server read %q, %v", line, err)
		return
	}
	c.Write([]byte("a OK Begin TLS negotiation now\r\n" + injected))
	tc := tls.Server(c, serverTLSConfig())
	if err := tc.Handshake(); err != nil {
		return
	}
	tc.Write([]byte("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] over TLS\r\n"))
	io.Copy(io.Discard, tc)
}

// startTLSClient sends STARTTLS and reads the server's OK through a
// bufio.Reader, as the client does, then calls StartTLS.
func startTLSClient(ctx context.Context, conn net.Conn) (*tls.Conn, error) {
	br := bufio.NewReader(conn)
	if _, err := br.ReadString('\n'); err != nil {
		return nil, err
	}
	if _, err := conn.Write([]byte("a STARTTLS\r\n")); err != nil {
		return nil, err
	}
	line, err := br.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(line, "a OK") {
		return nil, errors.New("no OK: " + line)
	}
	return StartTLS(ctx, conn, br.Buffered(), "imap.test:143", clientTLSConfig())
}

func TestRFC3501_6_2_1_StartTLS(t *testing.T) {
	ln := listen(t, func(c net.Conn) { startTLSServer(t, c, "") })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tc, err := startTLSClient(t.Context(), conn)
	if err != nil {
		t.Fatal(err)
	}
	if got := tc.ConnectionState().ServerName; got != "imap.test" {
		t.Errorf("ServerName = %q; want imap.test", got)
	}
	line, err := bufio.NewReader(tc).ReadString('\n')
	if err != nil || line != "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] over TLS\r\n" {
		t.Errorf("read over TLS %q, %v", line, err)
	}
}

// TestStartTLSInjection is CVE-2011-0411: a man in the middle appends a
// response to the server's OK, in the same segment, hoping the client
// takes it as sent over TLS. The bytes are in the client's bufio.Reader
// when StartTLS is called, and StartTLS refuses.
func TestStartTLSInjection(t *testing.T) {
	c, s := net.Pipe()
	defer c.Close()
	go func() {
		defer s.Close()
		startTLSServer(t, s, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN]\r\n")
	}()
	tc, err := startTLSClient(t.Context(), c)
	if !errors.Is(err, ErrBufferedAfterStartTLS) {
		t.Fatalf("StartTLS = %v, %v; want ErrBufferedAfterStartTLS", tc, err)
	}
	for _, want := range []string{"transport: ", "injection", "CVE-2011-0411"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestStartTLSVerifies(t *testing.T) {
	// Over TCP: on net.Pipe the client's alert and the server's flight
	// would wait for each other.
	ln := listen(t, func(c net.Conn) { startTLSServer(t, c, "") })
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	br.ReadString('\n')
	c.Write([]byte("a STARTTLS\r\n"))
	br.ReadString('\n')
	// The certificate is for imap.test, not for imap.example.com.
	_, err = StartTLS(t.Context(), c, br.Buffered(), "imap.example.com", clientTLSConfig())
	if err == nil || !strings.HasPrefix(err.Error(), "transport: starttls: tls handshake: ") {
		t.Errorf("StartTLS: %v; want a handshake error", err)
	}
}

func TestStartTLSContext(t *testing.T) {
	c, s := net.Pipe()
	defer c.Close()
	defer s.Close()
	go io.Copy(io.Discard, s) // never answers the ClientHello
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := StartTLS(ctx, c, 0, "imap.test", clientTLSConfig())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("StartTLS: %v; want context.DeadlineExceeded", err)
	}
}

func TestStartTLSNoServerName(t *testing.T) {
	c, s := net.Pipe()
	defer c.Close()
	defer s.Close()
	if _, err := StartTLS(t.Context(), c, 0, "", nil); err == nil {
		t.Error("StartTLS without a server name succeeded")
	}
}
