package inprogress_test

import (
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/inprogress"
)

// Read the progress of a long command from an untagged OK response.
func ExampleOf() {
	reg := codec.NewBaseRegistry()
	inprogress.RegisterCodec(reg)
	d := codec.NewDecoder(strings.NewReader("* OK [INPROGRESS (\"A7\" 250 1000)] Searching\r\n"), &codec.DecoderOptions{Registry: reg})
	r, err := d.ReadResponse()
	if err != nil {
		panic(err)
	}
	if p, ok := inprogress.Of(r); ok {
		f, _ := p.Fraction()
		fmt.Printf("command %s: %.0f%% done\n", p.Tag, 100*f)
	}
	// Output: command A7: 25% done
}
