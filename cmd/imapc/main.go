// Command imapc is the imapkit command-line client.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "imapc: no subcommands yet")
	os.Exit(2)
}
