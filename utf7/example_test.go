package utf7_test

import (
	"errors"
	"fmt"

	"github.com/imapkit/imapkit/utf7"
)

func ExampleEncode() {
	for _, name := range []string{"INBOX", "~peter/mail/台北/日本語", "Entwürfe", "Tom & Jerry", "😀"} {
		enc, err := utf7.Encode(name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(enc)
	}
	// Output:
	// INBOX
	// ~peter/mail/&U,BTFw-/&ZeVnLIqe-
	// Entw&APw-rfe
	// Tom &- Jerry
	// &2D3eAA-
}

func ExampleDecode() {
	name, err := utf7.Decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-")
	fmt.Println(name, err)
	// Output:
	// ~peter/mail/台北/日本語 <nil>
}

// Decode accepts one spelling per name; any other is an error that says
// where the input went wrong.
func ExampleDecode_strict() {
	for _, name := range []string{
		"&AGE-",      // "a" must be written as itself
		"&AOk-&AOk-", // "éé" is one run: "&AOkA6Q-"
		"&U/BTFw-",   // "/" is not in modified BASE64; "," is
		"Entw&APw",   // no closing "-"
		"Entwürfe",   // raw 8-bit bytes
	} {
		_, err := utf7.Decode(name)
		fmt.Println(err)
	}
	// Output:
	// utf7: invalid modified UTF-7 at offset 1: encoded printable ASCII
	// utf7: invalid modified UTF-7 at offset 5: encoded run follows another encoded run
	// utf7: invalid modified UTF-7 at offset 2: character outside modified BASE64
	// utf7: invalid modified UTF-7 at offset 4: unterminated shift (missing "-")
	// utf7: invalid modified UTF-7 at offset 4: byte outside printable US-ASCII
}

func ExampleAppendEncode() {
	buf := make([]byte, 0, 64)
	buf = append(buf, `SELECT "`...)
	buf, err := utf7.AppendEncode(buf, "Été")
	if err != nil {
		panic(err)
	}
	buf = append(buf, '"')
	fmt.Println(string(buf))
	// Output:
	// SELECT "&AMk-t&AOk-"
}

func ExampleAppendDecode() {
	buf, err := utf7.AppendDecode([]byte("mailbox: "), "Entw&APw-rfe")
	fmt.Println(string(buf), err)
	// Output:
	// mailbox: Entwürfe <nil>
}

func ExampleError() {
	_, err := utf7.Decode("Sent/&2D0-")
	var e *utf7.Error
	if errors.As(err, &e) {
		fmt.Println(e.Offset, e.Reason)
	}
	// Output:
	// 6 unpaired high surrogate
}
