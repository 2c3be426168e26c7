package serversuite_test

import (
	"bytes"
	"net"
	"os"
	"testing"

	"github.com/imapkit/imapkit/conformance/memserver"
	"github.com/imapkit/imapkit/conformance/serversuite"
)

// TestMemserver runs the base suite against the in-memory server.
func TestMemserver(t *testing.T) {
	srv := memserver.New(&memserver.Options{Users: map[string]string{"suite": "pass word"}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()
	var trace bytes.Buffer
	serversuite.Run(t, serversuite.Config{Addr: l.Addr().String(), User: "suite", Password: "pass word", Trace: &trace}, serversuite.Base)
	if t.Failed() {
		tr := trace.Bytes()
		t.Logf("end of the trace:\n%s", tr[max(0, len(tr)-8000):])
	}
}

// TestDovecot runs the base suite against the project's private Dovecot
// (scripts/servers/dovecot.sh start; eval "$(scripts/servers/dovecot.sh
// env)"). Without it the test skips, except under CI=true.
func TestDovecot(t *testing.T) {
	addr := os.Getenv("IMAPKIT_DOVECOT_ADDR")
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("live Dovecot not configured (IMAPKIT_DOVECOT_ADDR unset) under CI=true")
		}
		t.Skip("live Dovecot not configured: run scripts/servers/dovecot.sh start and eval its env")
	}
	serversuite.Run(t, serversuite.Config{Addr: addr, User: os.Getenv("IMAPKIT_DOVECOT_USER"), Password: os.Getenv("IMAPKIT_DOVECOT_PASS")}, serversuite.Base)
}
