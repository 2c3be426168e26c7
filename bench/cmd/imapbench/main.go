// Command imapbench runs imapkit side by side with go-imap v2, Python's
// imaplib and a raw socket reader against the project's Dovecot, and writes
// docs/PERFORMANCE.md.
//
//	cd bench && GOWORK=off go run ./cmd/imapbench          # full run (about half an hour)
//	cd bench && GOWORK=off go run ./cmd/imapbench -small   # CI mode: tiny mailboxes, a few seconds
//
// It starts the Dovecot of scripts/servers/dovecot.sh when it is not running
// (never with --fresh) and seeds its own mailboxes of testuser2 by writing
// Maildir files. Each client runs as a child process: imapbench re-executes
// itself with the run's spec in $IMAPBENCH_CHILD_SPEC (python3 for imaplib).
package main

import (
	"os"

	"github.com/imapkit/imapkit/bench/internal/harness"
)

func main() {
	os.Exit(harness.Main(os.Args[1:]))
}
