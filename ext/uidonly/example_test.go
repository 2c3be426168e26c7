package uidonly_test

import (
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/uidonly"
	"github.com/imapkit/imapkit/wire"
)

// A UIDFETCH response decodes to the same *wire.FetchData as FETCH, with
// the UID from its number.
func ExampleRegisterCodec() {
	reg := codec.NewBaseRegistry()
	uidonly.RegisterCodec(reg)
	d := codec.NewDecoder(strings.NewReader("* 25996 UIDFETCH (FLAGS (\\Flagged))\r\n"), &codec.DecoderOptions{Registry: reg})
	r, err := d.ReadResponse()
	if err != nil {
		panic(err)
	}
	fd := r.Data.(*wire.FetchData)
	fmt.Println(fd.UID, fd.Flags)
	// Output: 25996 [\Flagged]
}
