package corpus_test

import (
	"fmt"
	"io"

	"github.com/imapkit/imapkit/conformance/corpus"
)

// Run a decoder over every case of the corpus. In a test, corpus.Run(t,
// decoder, nil) does the same with one subtest per case.
func ExampleCheck() {
	cases, err := corpus.Cases()
	if err != nil {
		panic(err)
	}
	failed := 0
	for _, c := range cases {
		if err := corpus.Check(c, corpus.CodecDecoder(false), nil); err != nil {
			failed++
		}
	}
	fmt.Println("imapkit's codec:", failed, "failed")

	// A decoder that stops at the first byte passes only the empty input.
	lazy := corpus.DecoderFunc(func(io.Reader) ([]corpus.Response, error) { return nil, nil })
	passed := 0
	for _, c := range cases {
		if corpus.Check(c, lazy, nil) == nil {
			passed++
			fmt.Println("lazy decoder passes", c.Name)
		}
	}
	// Output:
	// imapkit's codec: 0 failed
	// lazy decoder passes crafted/empty
}
