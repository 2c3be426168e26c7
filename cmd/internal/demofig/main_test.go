package main

import (
	"bytes"
	"net"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/conformance/memserver"
)

// TestRun prints the figures against the in-memory server (cleartext on
// loopback, which it allows) and checks that both parts ran to the end:
// the pipelined FETCHes each got their message, and the streamed message
// came back with the SHA-256 it was appended with.
func TestRun(t *testing.T) {
	srv := memserver.New(&memserver.Options{})
	srv.AddUser("demo", "pw")
	if err := srv.SeedSample("demo", 1); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()

	var out strings.Builder
	err = run([]string{"-url", "imap://demo:pw@" + l.Addr().String(), "-insecure-auth", "-n", "7", "-rtt", "1ms", "-size", "2"}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"7 FETCH commands", "one at a time:", "pipelined:", "one 2 MiB message", "same SHA-256", "peak Go heap:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunBadURL: a URL without a user is refused before any connection.
func TestRunBadURL(t *testing.T) {
	var out strings.Builder
	err := run([]string{"-url", "imap://127.0.0.1:1"}, &out)
	if err == nil || !strings.Contains(err.Error(), "-url must be") {
		t.Fatalf("err = %v, want the -url usage", err)
	}
}

// TestMessageSize: the generated message has exactly the size asked for,
// header first.
func TestMessageSize(t *testing.T) {
	for _, size := range []int64{200, 1 << 20, 1<<20 + 37} {
		var b bytes.Buffer
		n, err := b.ReadFrom(newMessage(size))
		if err != nil || n != size {
			t.Fatalf("size %d: read %d, %v", size, n, err)
		}
		if !strings.HasPrefix(b.String(), "From: ") {
			t.Errorf("size %d: no header", size)
		}
	}
}
