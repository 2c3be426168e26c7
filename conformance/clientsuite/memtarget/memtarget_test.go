package memtarget_test

import (
	"testing"

	"github.com/imapkit/imapkit/conformance/clientsuite"
	"github.com/imapkit/imapkit/conformance/clientsuite/imapkitclient"
	"github.com/imapkit/imapkit/conformance/clientsuite/memtarget"
)

// TestClientSuite runs the whole client suite with imapkit's client
// against the in-memory server, in-process (no server to install).
func TestClientSuite(t *testing.T) {
	target, stop, err := memtarget.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	clientsuite.RunTests(t, target, imapkitclient.Dial(nil), clientsuite.Scenarios())
}
