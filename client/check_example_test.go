package client_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/imapkit/imapkit/client"
)

var errProtected = errors.New("mailbox is protected")

// An extension refuses to delete the mailboxes it protects: the command
// fails before anything is written, with the check's own error.
func ExampleRegistry_CheckCommand() {
	protect := func(r *client.Registry) {
		r.CheckCommand("DELETE", func(v *client.CommandView, spec *client.Spec) error {
			if len(spec.Args) > 0 && strings.EqualFold(spec.Args[0].Str, "Archive") {
				return fmt.Errorf("DELETE Archive not sent: %w", errProtected)
			}
			return nil
		})
	}
	cc, sc := net.Pipe()
	go sc.Write([]byte("* PREAUTH ready\r\n"))
	defer sc.Close()
	ctx := context.Background()
	c, err := client.New(ctx, cc, &client.Options{Extensions: []client.Extension{protect}})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	err = c.Delete(ctx, "Archive")
	fmt.Println(err, errors.Is(err, errProtected))
	// Output: DELETE Archive not sent: mailbox is protected true
}
