package codec_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/wire"
)

func ExampleDecoder() {
	stream := "* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n" +
		"* 3 EXISTS\r\n" +
		"* 1 FETCH (UID 101 FLAGS (\\Seen) RFC822.SIZE 2048)\r\n" +
		"A1 OK [READ-WRITE] done\r\n"
	d := codec.NewDecoder(strings.NewReader(stream), nil)
	for {
		resp, err := d.ReadResponse()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		switch data := resp.Data.(type) {
		case *wire.FetchData:
			fmt.Println(resp.Seq, resp.Name, data.Seq, data.UID, data.Flags, data.RFC822Size)
		default:
			if resp.Code != nil {
				fmt.Println(resp.Seq, resp.Kind, resp.Tag, resp.Status, resp.Code.Name, resp.Code.Data, resp.Text)
			} else {
				fmt.Println(resp.Seq, resp.Kind, resp.Name, resp.Num)
			}
		}
	}
	// Output:
	// 1 status * OK CAPABILITY [IMAP4rev1 IDLE] ready
	// 2 data EXISTS 3
	// 3 FETCH 1 101 [\Seen] 2048
	// 4 done A1 OK READ-WRITE <nil> done
}

// Large literals stream through OnLiteral instead of being buffered:
// here each body is hashed as it arrives.
func ExampleDecoderOptions_onLiteral() {
	body := strings.Repeat("x", 100000)
	stream := "* 1 FETCH (UID 7 BODY[] {100000}\r\n" + body + ")\r\nA1 OK done\r\n"
	d := codec.NewDecoder(strings.NewReader(stream), &codec.DecoderOptions{
		OnLiteral: func(info *codec.LiteralInfo, lit *codec.Literal) error {
			h := sha256.New()
			n, err := io.Copy(h, lit)
			fmt.Printf("%s of message %d: %d octets, sha256 %x...\n", info.Item, info.Response.Num, n, h.Sum(nil)[:4])
			return err
		},
	})
	resp, _ := d.ReadResponse()
	sec := resp.Data.(*wire.FetchData).Sections[0]
	fmt.Println(sec.Size, sec.Streamed, sec.Data == nil)
	// Output:
	// BODY[] of message 1: 100000 octets, sha256 d69e6898...
	// 100000 true true
}

// An extension registers its parsers in the decoder's registry; names it
// does not know decode to generic value trees.
func ExampleRegistry() {
	reg := codec.NewBaseRegistry()
	reg.FetchItem("MODSEQ", func(p *codec.Parser, item string) (any, error) {
		var modseq uint64
		err := p.ReadList(func(p *codec.Parser) error {
			var err error
			modseq, err = p.ReadNumber64()
			return err
		})
		return modseq, err
	})
	stream := "* 4 FETCH (UID 9 MODSEQ (624140003))\r\n* XUNKNOWN (a 1 \"b\")\r\n"
	d := codec.NewDecoder(strings.NewReader(stream), &codec.DecoderOptions{Registry: reg})
	r1, _ := d.ReadResponse()
	modseq, _ := r1.Data.(*wire.FetchData).Item("MODSEQ")
	fmt.Println(modseq)
	r2, _ := d.ReadResponse()
	fmt.Printf("%s %#v\n", r2.Name, r2.Data.([]wire.Value)[0])
	// Output:
	// 624140003
	// XUNKNOWN (a 1 "b")
}

func ExampleSyntaxError() {
	d := codec.NewDecoder(strings.NewReader("* 3 FETCH (UID x)\r\n"), &codec.DecoderOptions{Strict: true})
	_, err := d.ReadResponse()
	var se *codec.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se.Offset, se.Expected)
	}
	fmt.Println(err)
	// Output:
	// 15 nz-number
	// codec: expected nz-number at offset 15 near "* 3 FETCH (UID x)"
}

// A lenient decoder keeps what a parser could not read as a generic
// value and records the parser's error on it.
func ExampleParseError() {
	in := "* 3 FETCH (UID x FLAGS (\\Seen))\r\n"
	d := codec.NewDecoder(strings.NewReader(in), &codec.DecoderOptions{
		OnParseError: func(resp *wire.Response, err *codec.ParseError) {
			fmt.Println("hook:", err.What, err.Name)
		},
	})
	r, err := d.ReadResponse()
	if err != nil {
		fmt.Println(err)
		return
	}
	f := r.Data.(*wire.FetchData)
	fmt.Println(f.Flags, f.Has&wire.FetchUID != 0)
	for _, it := range f.Items {
		fmt.Printf("%s %#v: %v\n", it.Name, it.Data, it.ParseErr)
	}
	// Output:
	// hook: FETCH item UID
	// [\Seen] false
	// UID x: codec: FETCH item UID kept as a generic value: expected nz-number at offset 15 near "* 3 FETCH (UID x FLAGS (\\Seen))"
}

func ExampleCommandDecoder() {
	in := "A1 LOGIN {4}\r\nfred secret\r\nA2 UID FETCH 1:* (FLAGS)\r\n"
	var toClient bytes.Buffer
	d := codec.NewCommandDecoder(strings.NewReader(in), nil)
	for {
		cmd, err := d.ReadCommand(func(size int64) error {
			toClient.WriteString("+ go ahead\r\n") // a server's continuation request
			return nil
		})
		if err != nil {
			break
		}
		fmt.Printf("%s %s %#v\n", cmd.Tag, cmd.Name, wire.List(cmd.Args...))
	}
	fmt.Printf("%q\n", toClient.String())
	// Output:
	// A1 LOGIN ({4}"fred" secret)
	// A2 UID FETCH (1:* (FLAGS))
	// "+ go ahead\r\n"
}

// A test server reads a command and uses its typed form.
func ExampleParseCommand() {
	in := "A1 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.512>) (CHANGEDSINCE 42)\r\n"
	cmd, err := codec.NewCommandDecoder(strings.NewReader(in), nil).ReadCommand(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := codec.ParseCommand(cmd, false)
	if err != nil {
		fmt.Println(err) // a server answers BAD
		return
	}
	f := c.(*codec.FetchCommand)
	fmt.Println(f.UID, f.Set, f.ChangedSince)
	for _, it := range f.Items {
		fmt.Println(it.Name, it.Peek, it.Section.Fields, it.Count)
	}
	// Output:
	// true 1:* 42
	// FLAGS false [] 0
	// BODY true [SUBJECT] 512
}
