package clientsuite_test

import (
	"context"
	"fmt"

	"github.com/imapkit/imapkit/conformance/clientsuite"
	"github.com/imapkit/imapkit/conformance/clientsuite/imapkitclient"
	"github.com/imapkit/imapkit/conformance/clientsuite/memtarget"
)

// A client library runs the suite by giving a Dial that returns its own
// clientsuite.Client; here imapkit's client against the in-memory server.
// A real server is a Target with its address, TLS configuration and test
// accounts (clientsuite.TargetFromEnv builds the project's three).
func ExampleRun() {
	target, stop, err := memtarget.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	count := map[clientsuite.Outcome]int{}
	for _, r := range clientsuite.Run(context.Background(), target, imapkitclient.Dial(nil), clientsuite.Scenarios()) {
		count[r.Outcome]++
		if r.Outcome == clientsuite.Fail {
			fmt.Println(r.Scenario, r.Detail)
		}
	}
	fmt.Println(count[clientsuite.Pass] == len(clientsuite.Scenarios()), count[clientsuite.Fail])
	// Output: true 0
}
