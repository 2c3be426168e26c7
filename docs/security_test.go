package docs_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/imapkit/imapkit/client"
)

func Example_trace() {
	ctx := context.Background()
	var trace bytes.Buffer // os.Stderr in a program
	c, err := client.Dial(ctx, serverURL, &client.Options{TLSConfig: tlsConfig, Trace: &trace})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(ctx, user, password); err != nil {
		log.Fatal(err)
	}
	c.Logout(ctx)
	for line := range strings.Lines(trace.String()) {
		if strings.HasPrefix(line, "C: ") && strings.Contains(line, "LOGIN") {
			fmt.Print(line)
		}
	}
	fmt.Println("password in the trace:", strings.Contains(trace.String(), password))
	// Output:
	// C: A1 LOGIN alice ****
	// password in the trace: false
}
