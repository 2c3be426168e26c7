package docs_test

import (
	"context"
	"fmt"
	"log"
	"sync"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func Example_abandon() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{Envelope: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for msg, err := range f.Messages(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("first:", msg.Envelope.Subject)
		break // abandons the FETCH: the rest is drained and dropped
	}
	<-f.Done() // it still completes
	fmt.Println("FETCH completed:", f.Err() == nil)
	if err := c.Noop(ctx); err != nil { // and the connection goes on
		log.Fatal(err)
	}
	fmt.Println("connection usable")
	// Output:
	// first: Welcome to imapkit
	// FETCH completed: true
	// connection usable
}

func Example_goroutines() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// Blocking methods called from several goroutines are pipelined: each
	// sends its command at once and waits for its own answer.
	names := []string{"INBOX", "Archive", "Drafts", "Sent"}
	exists := make([]bool, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			st, err := c.Status(ctx, name, []string{wire.StatusMessages})
			if err != nil {
				log.Print(err)
				return
			}
			_, exists[i] = st.Get(wire.StatusMessages)
		})
	}
	wg.Wait()
	fmt.Println(exists)
	// Output: [true true true true]
}

func Example_rawCommand() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// Any command, with a Claim saying which untagged responses are its
	// own. Claim runs on the reader goroutine: quick, no waiting.
	cmd, err := c.Start(ctx, client.Spec{
		Name:  "NAMESPACE",
		Claim: func(r *wire.Response) bool { return r.Name == "NAMESPACE" },
	})
	if err != nil {
		log.Fatal(err)
	}
	resps, final, err := cmd.Collect(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(resps), "NAMESPACE response;", cmd.Tag() != "", final.Status)
	// Output: 1 NAMESPACE response; true OK
}

func Example_idleInterrupted() {
	ctx := context.Background()
	c, err := dialAndLogin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
		log.Fatal(err)
	}
	idleCtx, stopIdle := context.WithCancel(ctx)
	idled := make(chan error, 1)
	go func() { idled <- c.Idle(idleCtx) }()

	// No need to stop IDLE first: this command ends it (DONE), runs, and
	// Idle starts a new IDLE once the connection is quiet.
	st, err := c.Status(ctx, "Drafts", []string{wire.StatusUIDNext})
	if err != nil {
		log.Fatal(err)
	}
	_, ok := st.Get(wire.StatusUIDNext)
	fmt.Println("STATUS while idling:", ok)

	stopIdle() // see "Known issue" below
	<-idled
	// Output:
	// STATUS while idling: true
}
