package serversuite_test

import (
	"context"
	"fmt"
	"net"

	"github.com/imapkit/imapkit/conformance/memserver"
	"github.com/imapkit/imapkit/conformance/serversuite"
)

// Run one script of the base suite against a server, here imapkit's
// in-memory one. In a test, serversuite.Run(t, cfg, serversuite.Base)
// runs them all as subtests.
func ExampleScript_Run() {
	srv := memserver.New(&memserver.Options{Users: map[string]string{"alice": "secret"}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	go srv.Serve(l)
	defer srv.Close()

	cfg := serversuite.Config{Addr: l.Addr().String(), User: "alice", Password: "secret"}
	for _, s := range serversuite.Base {
		if s.Name == "rfc9051-8-sample" {
			fmt.Println(s.Name, s.Run(context.Background(), cfg))
		}
	}
	// Output: rfc9051-8-sample <nil>
}
