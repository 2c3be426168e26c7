package messagelimit_test

import (
	"fmt"

	"github.com/imapkit/imapkit/ext/messagelimit"
	"github.com/imapkit/imapkit/seqset"
)

// After a partial result whose highest UID was 1100, fetch the rest.
func ExampleRest() {
	fmt.Println(messagelimit.Rest(seqset.MustParse("1:*"), 1100))
	// Output: 1101:*
}
