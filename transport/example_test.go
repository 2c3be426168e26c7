package transport_test

import (
	"bufio"
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"time"

	"github.com/imapkit/imapkit/transport"
)

func ExampleParseAddress() {
	for _, s := range []string{
		"imap.example.com",
		"imap.example.com:143",
		"imap://alice@imap.example.com/INBOX",
		"imaps://[2001:db8::1]:10993",
	} {
		a, err := transport.ParseAddress(s)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s tls=%v user=%q\n", a, a.TLS, a.User.Username())
	}
	// Output:
	// imaps://imap.example.com:993 tls=true user=""
	// imap://imap.example.com:143 tls=false user=""
	// imap://imap.example.com:143/INBOX tls=false user="alice"
	// imaps://[2001:db8::1]:10993 tls=true user=""
}

func ExampleDialer() {
	d := transport.Dialer{
		Timeout:   30 * time.Second,
		KeepAlive: time.Minute,
		// TLSConfig: &tls.Config{RootCAs: pool}, to trust a private CA.
		// ContextDialer: a SOCKS5 dialer of golang.org/x/net/proxy.
	}
	conn, err := d.Dial(context.Background(), "imaps://imap.example.com")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	greeting, _ := bufio.NewReader(conn).ReadString('\n')
	fmt.Print(greeting)
}

// The client sends STARTTLS and reads the tagged OK through its
// bufio.Reader; StartTLS checks that nothing more was read.
func ExampleStartTLS() {
	ctx := context.Background()
	conn, err := transport.Dial(ctx, "imap://imap.example.com")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	br.ReadString('\n') // greeting
	fmt.Fprint(conn, "a STARTTLS\r\n")
	if ok, err := br.ReadString('\n'); err != nil || ok[:4] != "a OK" {
		log.Fatal(ok, err)
	}
	tc, err := transport.StartTLS(ctx, conn, br.Buffered(), "imap.example.com", nil)
	if err != nil {
		log.Fatal(err) // ErrBufferedAfterStartTLS: close, do not parse
	}
	br = bufio.NewReader(tc) // a new reader: nothing of the old one is kept
	_ = br
}

// Both ends of a connection turn COMPRESS=DEFLATE on, each with its own
// DEFLATE implementation.
func ExampleCompress() {
	c, s := net.Pipe()
	client, err := transport.Compress(c, nil, transport.Klauspost{}, transport.DefaultCompression)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	server, err := transport.Compress(s, nil, transport.Stdlib{}, transport.BestSpeed)
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()

	go fmt.Fprint(server, "* 3 EXISTS\r\n") // one Write, one sync flush
	line, err := bufio.NewReader(client).ReadString('\n')
	fmt.Printf("%q %v\n", line, err)
	// Output:
	// "* 3 EXISTS\r\n" <nil>
}

func ExampleTrace() {
	c, s := net.Pipe()
	go func() {
		fmt.Fprint(s, "* OK ready\r\n")
		bufio.NewReader(s).ReadString('\n')
		fmt.Fprint(s, "A1 OK LOGIN completed\r\n")
		s.Close()
	}()
	conn := transport.Trace(c, os.Stdout)
	br := bufio.NewReader(conn)
	br.ReadString('\n')
	fmt.Fprint(conn, "A1 LOGIN alice \"s3cr3t!\"\r\n")
	br.ReadString('\n')
	conn.Close()
	// Output:
	// S: * OK ready
	// C: A1 LOGIN alice ****
	// S: A1 OK LOGIN completed
}

func ExampleWatchContext() {
	c, s := net.Pipe()
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()

	stop := transport.WatchContext(ctx, c)
	_, err := c.Read(make([]byte, 100)) // the server says nothing
	if cerr := stop(); cerr != nil {
		err = cerr
	}
	fmt.Println(err)
	// Output:
	// context deadline exceeded
}

func ExampleDialCommand() {
	// Dovecot in preauth mode, on this machine or through ssh.
	conn, err := transport.DialCommand(context.Background(), "/usr/lib/dovecot/imap")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	greeting, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		log.Fatal(err) // a *transport.CommandError with the end of stderr
	}
	fmt.Print(greeting) // * PREAUTH ...
}
