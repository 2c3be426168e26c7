package scripted_test

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/imapkit/imapkit/conformance/scripted"
)

// exampleTB stands in for the *testing.T a test would pass.
type exampleTB struct{ cleanups []func() }

func (*exampleTB) Helper()                           {}
func (*exampleTB) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (tb *exampleTB) Cleanup(f func())               { tb.cleanups = append(tb.cleanups, f) }
func (tb *exampleTB) end() {
	for i := len(tb.cleanups) - 1; i >= 0; i-- {
		tb.cleanups[i]()
	}
}

// A test scripts the server's side of a LOGIN, then drives its client
// (here a few lines standing in for it) against s.Client().
func Example() {
	t := &exampleTB{}
	defer t.end()

	s := scripted.New(t, &scripted.Options{Timeout: 5 * time.Second})
	s.Script(`
S: * OK [CAPABILITY IMAP4rev1 LITERAL+] ready
C> LOGIN alice {6+}
C= "s3cret\r\n"
S: ${tag} OK logged in
`)

	// The client under test.
	conn := s.Client()
	r := bufio.NewReader(conn)
	greeting, _ := r.ReadString('\n')
	io.WriteString(conn, "A1 LOGIN alice {6+}\r\ns3cret\r\n")
	reply, _ := r.ReadString('\n')

	fmt.Printf("%q\n%q\n", greeting, reply)
	fmt.Println("script:", s.Wait(), "tag:", s.Var("tag"))
	// Output:
	// "* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n"
	// "A1 OK logged in\r\n"
	// script: <nil> tag: A1
}

// Faults are steps like any other: here the server announces a literal of
// ten gigabytes; the client must refuse it, not allocate it.
func ExampleServer_LiteralBomb() {
	t := &exampleTB{}
	defer t.end()

	s := scripted.New(t, nil)
	s.LiteralBomb("* 1 FETCH (BODY[] ", 1<<20)

	r := bufio.NewReader(s.Client())
	head, _ := r.ReadString('\n')
	fmt.Printf("%q\n", head)
	s.Client().Close() // what a careful client does
	fmt.Println("script:", s.Wait())
	// Output:
	// "* 1 FETCH (BODY[] {9999999999}\r\n"
	// script: <nil>
}
