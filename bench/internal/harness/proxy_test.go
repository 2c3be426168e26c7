package harness

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// TestDelayProxy checks that the proxy adds its delay in each direction
// and forwards bytes unchanged.
func TestDelayProxy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			c.Write([]byte(line))
		}
	}()
	p, err := startDelayProxy(ln.Addr().String(), 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for i := 0; i < 3; i++ {
		start := time.Now()
		c.Write([]byte("ping\r\n"))
		line, err := br.ReadString('\n')
		if err != nil || line != "ping\r\n" {
			t.Fatalf("echo = %q, %v", line, err)
		}
		if d := time.Since(start); d < 20*time.Millisecond {
			t.Errorf("round trip through the proxy took %v; want at least 20ms", d)
		}
	}
}

// TestCapFilter checks that LITERAL+ is hidden, whatever the read sizes.
func TestCapFilter(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	go func() {
		b.Write([]byte("* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] hi\r\nA1 OK [CAPABILITY IMAP4rev1 MULTIAPPEND LITERAL+] done\r\n"))
		b.Close()
	}()
	f := newCapFilter(a)
	var got []byte
	buf := make([]byte, 7)
	for {
		n, err := f.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	want := "* OK [CAPABILITY IMAP4rev1 XLITERAL IDLE] hi\r\nA1 OK [CAPABILITY IMAP4rev1 MULTIAPPEND XLITERAL] done\r\n"
	if string(got) != want {
		t.Errorf("filtered = %q; want %q", got, want)
	}
}
