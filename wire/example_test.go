package wire_test

import (
	"fmt"

	"github.com/imapkit/imapkit/wire"
)

// A command is a tag, a name and typed arguments; the encoder in the codec
// module decides how each string is spelled on the wire.
func ExampleCommand() {
	cmd := wire.Command{Tag: "A1", Name: "LOGIN", Args: []wire.Value{wire.String("fred"), wire.String("pa ss")}}
	fmt.Println(cmd.Name, len(cmd.Args), cmd.Args[1].GoString())
	// Output: LOGIN 2 "pa ss"
}

func ExampleSection() {
	s := wire.Section{Part: []int{2}, Specifier: wire.SectionHeaderFields, Fields: []string{"DATE", "FROM"}}
	fmt.Printf("BODY[%s]\n", s)
	// Output: BODY[2.HEADER.FIELDS (DATE FROM)]
}
