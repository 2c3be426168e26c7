package codec

import (
	"strings"
	"testing"

	"github.com/imapkit/imapkit/wire"
)

// ENVELOPE nstrings sent as literals (Dovecot sends a subject with CR or
// 8-bit octets so; other servers send any string so) re-encode as
// literals; quoted strings, NIL and "" stay what they were.
func TestEnvelopeLiteralForm(t *testing.T) {
	for _, line := range []string{
		"* 1 FETCH (ENVELOPE ({5}\r\nDate. {7}\r\nSubject ((NIL NIL {4}\r\nuser \"example.com\")) NIL NIL ((\"\" NIL \"a\" {1}\r\nb)) NIL NIL NIL {0}\r\n))",
		"* 2 FETCH (ENVELOPE (\"d\" \"s\" NIL NIL NIL NIL NIL NIL \"\" NIL))",
		"* 3 FETCH (UID 4 ENVELOPE (NIL {3}\r\na\"b NIL NIL NIL ((\"x\" {0}\r\n \"m\" \"h\")) NIL NIL NIL \"<id>\"))",
	} {
		for _, strict := range []bool{false, true} {
			r, err := NewDecoder(strings.NewReader(line+"\r\n"), &DecoderOptions{Strict: strict}).ReadResponse()
			if err != nil || r.ParseErr != nil {
				t.Fatalf("%q: %v %v", line, err, r.ParseErr)
			}
			if got := reencode(t, r); got != line {
				t.Errorf("re-encoded\n %q\nwant\n %q", got, line)
			}
		}
	}
	r, err := NewDecoder(strings.NewReader("* 1 FETCH (ENVELOPE ({5}\r\nDate. \"s\" ((NIL NIL {4}\r\nuser \"h\")) NIL NIL NIL NIL NIL NIL NIL))\r\n"), nil).ReadResponse()
	if err != nil {
		t.Fatal(err)
	}
	env := r.Data.(*wire.FetchData).Envelope
	if env.Literal != wire.EnvelopeDate || env.From[0].Literal != wire.AddressMailbox || env.Date != "Date." || env.From[0].Mailbox != "user" {
		t.Errorf("envelope %+v, from %+v", env, env.From[0])
	}
	// Built by hand, without Literal: quoted where possible.
	got, err := writeResponse(t, data("FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchEnvelope, Envelope: &wire.Envelope{Subject: "hi", From: []wire.Address{{Mailbox: "m", Host: "h"}}}}), false)
	if err != nil || got != "* 1 FETCH (ENVELOPE (NIL \"hi\" ((NIL NIL \"m\" \"h\")) NIL NIL NIL NIL NIL NIL NIL))\r\n" {
		t.Errorf("= %q, %v", got, err)
	}
}
