package transport

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in   string
		want Address
		user string
	}{
		{"imap.example.com", Address{TLS: true, Host: "imap.example.com", Port: "993"}, ""},
		{"imap.example.com:993", Address{TLS: true, Host: "imap.example.com", Port: "993"}, ""},
		{"imap.example.com:143", Address{Host: "imap.example.com", Port: "143"}, ""},
		{"imap.example.com:1993", Address{TLS: true, Host: "imap.example.com", Port: "1993"}, ""},
		{"127.0.0.1", Address{TLS: true, Host: "127.0.0.1", Port: "993"}, ""},
		{"127.0.0.1:143", Address{Host: "127.0.0.1", Port: "143"}, ""},
		{"::1", Address{TLS: true, Host: "::1", Port: "993"}, ""},
		{"[::1]", Address{TLS: true, Host: "::1", Port: "993"}, ""},
		{"[::1]:143", Address{Host: "::1", Port: "143"}, ""},
		{"imap://imap.example.com", Address{Host: "imap.example.com", Port: "143"}, ""},
		{"imap://imap.example.com/", Address{Host: "imap.example.com", Port: "143"}, ""},
		{"IMAP://imap.example.com:1143", Address{Host: "imap.example.com", Port: "1143"}, ""},
		{"imaps://imap.example.com", Address{TLS: true, Host: "imap.example.com", Port: "993"}, ""},
		{"imaps://[2001:db8::1]:10993", Address{TLS: true, Host: "2001:db8::1", Port: "10993"}, ""},
		{"imap://alice@imap.example.com/INBOX", Address{Host: "imap.example.com", Port: "143", Path: "/INBOX"}, "alice"},
		{"imaps://alice;AUTH=*@imap.example.com", Address{TLS: true, Host: "imap.example.com", Port: "993"}, "alice;AUTH=*"},
	}
	for _, tt := range tests {
		got, err := ParseAddress(tt.in)
		if err != nil {
			t.Errorf("ParseAddress(%q): %v", tt.in, err)
			continue
		}
		user := ""
		if got.User != nil {
			user = got.User.Username()
		}
		got.User = nil
		if got != tt.want || user != tt.user {
			t.Errorf("ParseAddress(%q) = %+v, user %q; want %+v, user %q", tt.in, got, user, tt.want, tt.user)
		}
	}
}

func TestParseAddressErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"imap.example.com:",
		"imap.example.com:0",
		"imap.example.com:99999",
		"imap.example.com:imap",
		"a:b:c:d",
		"http://imap.example.com",
		"imap://",
		"imap://:143",
		"imaps://imap.example.com?x=1",
		"imap:opaque",
		"imap://bad host",
	} {
		if a, err := ParseAddress(in); err == nil {
			t.Errorf("ParseAddress(%q) = %+v; want an error", in, a)
		} else if !strings.HasPrefix(err.Error(), "transport: ") {
			t.Errorf("ParseAddress(%q) error %q lacks the package prefix", in, err)
		}
	}
}

func TestAddressString(t *testing.T) {
	a, err := ParseAddress("imaps://bob@[::1]:10993/INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := a.String(), "imaps://[::1]:10993/INBOX"; got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
	if got, want := a.HostPort(), "[::1]:10993"; got != want {
		t.Errorf("HostPort() = %q; want %q", got, want)
	}
}

// TestDialPlainContextDialer dials through an in-memory dialer: the
// connection comes back as the dialer made it, not wrapped.
func TestDialPlainContextDialer(t *testing.T) {
	pd := &pipeDialer{serve: func(c net.Conn) { c.Write([]byte("* OK ready\r\n")) }}
	d := Dialer{ContextDialer: pd}
	conn, err := d.Dial(t.Context(), "imap://imap.example.com")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if pd.network != "tcp" || pd.address != "imap.example.com:143" {
		t.Errorf("dialed %s %s; want tcp imap.example.com:143", pd.network, pd.address)
	}
	if _, ok := conn.(*tls.Conn); ok {
		t.Error("imap:// connection is TLS")
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || line != "* OK ready\r\n" {
		t.Errorf("read %q, %v", line, err)
	}
}

func tlsGreeter(c net.Conn) {
	tc := tls.Server(c, serverTLSConfig())
	if tc.Handshake() != nil {
		return
	}
	tc.Write([]byte("* OK [CAPABILITY IMAP4rev2] ready\r\n"))
	tc.Read(make([]byte, 1)) // until the client closes
}

// TestDialImplicitTLS checks RFC 8314 implicit TLS against a certificate
// made in the test, by IP address and by host name.
func TestDialImplicitTLS(t *testing.T) {
	ln := listen(t, tlsGreeter)
	addr := ln.Addr().String()
	cfg := clientTLSConfig()
	for _, tt := range []struct {
		name, address string
		dialer        ContextDialer
	}{
		{"ip", "imaps://" + addr, nil},
		{"host:port", addr, nil},
		{"hostname", "imap.test", redirectDialer{addr}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := Dialer{TLSConfig: cfg, Timeout: 10 * time.Second, ContextDialer: tt.dialer}
			conn, err := d.Dial(t.Context(), tt.address)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			tc, ok := conn.(*tls.Conn)
			if !ok {
				t.Fatalf("conn is %T; want *tls.Conn", conn)
			}
			if !tc.ConnectionState().HandshakeComplete {
				t.Error("handshake not complete")
			}
			line, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil || !strings.HasPrefix(line, "* OK") {
				t.Errorf("read %q, %v", line, err)
			}
		})
	}
	if cfg.ServerName != "" {
		t.Errorf("caller's tls.Config modified: ServerName = %q", cfg.ServerName)
	}
}

func TestDialTLSVerifies(t *testing.T) {
	ln := listen(t, tlsGreeter)
	for _, tt := range []struct {
		name    string
		cfg     *tls.Config
		address string
	}{
		{"unknown authority", nil, "imaps://" + ln.Addr().String()},
		{"wrong name", &tls.Config{RootCAs: clientTLSConfig().RootCAs, ServerName: "other.test"}, "imaps://" + ln.Addr().String()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := Dialer{TLSConfig: tt.cfg}
			conn, err := d.Dial(t.Context(), tt.address)
			if err == nil {
				conn.Close()
				t.Fatal("Dial succeeded; want a certificate error")
			}
			var uerr x509.UnknownAuthorityError
			var herr x509.HostnameError
			var verr *tls.CertificateVerificationError
			if !errors.As(err, &uerr) && !errors.As(err, &herr) && !errors.As(err, &verr) {
				t.Errorf("Dial: %v; want a certificate verification error", err)
			}
			if !strings.HasPrefix(err.Error(), "transport: tls handshake with ") {
				t.Errorf("Dial: %v; want the package prefix", err)
			}
		})
	}
}

// TestDialTimeout: a server that accepts and never answers the handshake.
func TestDialTimeout(t *testing.T) {
	ln := listen(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	d := Dialer{TLSConfig: clientTLSConfig(), Timeout: 200 * time.Millisecond}
	conn, err := d.Dial(context.Background(), "imaps://"+ln.Addr().String())
	if err == nil {
		conn.Close()
		t.Fatal("Dial succeeded")
	}
	// The error proves the timeout ended the handshake; how long that took
	// on a loaded machine is not asserted (a hang is the test's -timeout).
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Dial: %v; want context.DeadlineExceeded", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	d.Timeout = 0
	conn, err = d.Dial(ctx, "imaps://"+ln.Addr().String())
	if err == nil {
		conn.Close()
		t.Fatal("Dial succeeded")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Dial: %v; want context.Canceled", err)
	}
}

func TestDialRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Dial(t.Context(), "imap://"+addr)
	if err == nil || !strings.HasPrefix(err.Error(), "transport: dial imap://"+addr) {
		t.Errorf("Dial: %v; want a dial error naming the address", err)
	}
}

func TestDialKeepAlive(t *testing.T) {
	ln := listen(t, func(c net.Conn) { c.Read(make([]byte, 1)) })
	d := Dialer{KeepAlive: -1}
	conn, err := d.Dial(t.Context(), "imap://"+ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}
