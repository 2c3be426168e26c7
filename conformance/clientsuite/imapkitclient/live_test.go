package imapkitclient_test

import (
	"errors"
	"os"
	"testing"

	"github.com/imapkit/imapkit/conformance/clientsuite"
	"github.com/imapkit/imapkit/conformance/clientsuite/imapkitclient"
)

// TestLive runs the client suite with imapkit's client against each real
// server whose IMAPKIT_<SERVER>_* variables are set (scripts/servers/*.sh
// start; eval "$(scripts/servers/*.sh env)"). A missing server skips its
// subtest, except under CI=true, where it fails.
func TestLive(t *testing.T) {
	for _, s := range clientsuite.Servers {
		t.Run(s.Key, func(t *testing.T) {
			t.Parallel() // the servers are independent; scenarios run in order per server
			target, err := clientsuite.TargetFromEnv(s)
			if errors.Is(err, clientsuite.ErrNoServer) {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%v under CI=true", err)
				}
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			clientsuite.RunTests(t, target, imapkitclient.Dial(nil), clientsuite.Scenarios())
		})
	}
}
