package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/wire"
)

func init() {
	register(&command{
		Name:  "decode",
		Args:  "[-strict] [FILE]",
		Short: "decode server-to-client IMAP bytes into JSON lines",
		Long:  decodeHelp,
		Run:   runDecode,
	})
}

const decodeHelp = `Decode reads raw server-to-client IMAP bytes (RFC 9051 §7) from FILE, or
from standard input when FILE is absent or "-", and prints one JSON object
per response, one per line:

  {"kind":K,"tag":T,"status":S,"code":C,"text":X,"name":N,"num":M,"data":D}

The keys are always present and always in this order:

  kind    "status" (* OK/NO/BAD/PREAUTH/BYE), "data" (untagged data such as
          * 3 EXISTS or * CAPABILITY ...), "done" (a tagged completion) or
          "continue" (a continuation request).
  tag     "*", "+" or the command tag, e.g. "A1".
  status  "OK", "NO", "BAD", "PREAUTH" or "BYE" for status and done
          responses; null otherwise.
  code    {"name":"UIDNEXT","args":[4392]} for a response code; "args" is
          always an array, [] for a code without arguments. null without a
          code.
  text    the text of a status, done or continue response ("" when there
          is none; the base64 of a SASL challenge as sent); null for data
          responses.
  name    the upper-cased data name, e.g. "FETCH"; null for other kinds.
  num     the number before the name (* 12 FETCH, * 3 EXISTS); null when
          there is none.
  data    for data responses, an array of everything after the name (after
          the number for numbered responses), [] when nothing follows; null
          for other kinds.

Values in "data" and in code arguments are the generic value tree of the
response; no response is interpreted (the decoder runs with an empty
registry):

  list                        array
  number                      number
  NIL                         null
  atom, quoted string         string
  literal, literal8           string, or {"literal":SIZE,"sha256":"HEX"}
                              when it is over 64 KiB (65536 octets) or not
                              valid UTF-8; large literals are hashed while
                              they stream and never held in memory

A FETCH item name is one string with its section and partial as sent,
e.g. "BODY[HEADER.FIELDS (DATE FROM)]<0>"; flags are strings such as
"\\Seen". Octets that are not UTF-8 in anything but a literal (8-bit text
that some servers send) are printed as U+FFFD.

Memory does not grow with the input: responses are decoded and printed
one at a time, and literals over 64 KiB are hashed as they stream by, so
only one response, with its shorter literals, is held at once. A line
outside literals may hold at most 1 MiB.

On malformed input decode prints the responses decoded before it, then an
error naming the byte offset on standard error, and exits with status 1.

Flags:

  -strict  reject the documented deviations of real servers that the
           decoder otherwise accepts (see the codec package).
`

func runDecode(e *env, args []string) error {
	fs := newFlags("decode")
	strict := fs.Bool("strict", false, "reject server deviations")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("too many arguments")
	}
	in := e.Stdin
	if name := fs.Arg(0); name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	return decodeStream(in, e.Stdout, *strict)
}

// literalLimit is the largest literal printed as a string; larger ones
// are streamed and printed as their size and SHA-256.
const literalLimit = 64 << 10

// streamedLiteral is the size and hash of a literal that went to
// OnLiteral.
type streamedLiteral struct {
	size int64
	sum  [sha256.Size]byte
}

// decodeStream decodes responses from r and writes them to w as JSON
// lines (see decodeHelp). It returns the decoder's error, which names the
// byte offset, for malformed input, after writing everything before it.
func decodeStream(r io.Reader, w io.Writer, strict bool) error {
	out := bufio.NewWriterSize(w, 64<<10)
	j := &jsonWriter{h: sha256.New()}
	// Malformed FETCH, LIST, ... are errors, not odd trees: a second
	// decoder with the base parsers checks the same bytes.
	dec := codec.NewValidatingDecoder(r, &codec.DecoderOptions{
		Registry:        codec.NewRegistry(),
		StreamThreshold: literalLimit,
		Strict:          strict,
		OnLiteral: func(info *codec.LiteralInfo, lit *codec.Literal) error {
			j.h.Reset()
			n, err := io.Copy(j.h, lit)
			if err != nil {
				return err
			}
			if n != lit.Size() {
				return io.ErrUnexpectedEOF
			}
			s := streamedLiteral{size: n}
			j.h.Sum(s.sum[:0])
			j.streamed = append(j.streamed, s)
			return nil
		},
	}, codec.NewBaseRegistry())
	defer dec.Close()
	for {
		resp, err := dec.ReadResponse()
		if err != nil {
			if err == io.EOF {
				return out.Flush()
			}
			out.Flush()
			return offsetError(err, dec.Offset())
		}
		j.buf = j.response(j.buf[:0], resp)
		j.streamed = j.streamed[:0]
		if _, err := out.Write(j.buf); err != nil {
			return err
		}
		// Flush before the decoder would wait for more input, so that
		// a live stream is printed as it arrives.
		if dec.Buffered() == 0 {
			if err := out.Flush(); err != nil {
				return err
			}
		}
	}
}

// offsetError makes sure err names a byte offset: the decoder's syntax
// and limit errors do; an error of the underlying reader does not.
func offsetError(err error, off int64) error {
	var se *codec.SyntaxError
	var le *codec.LimitError
	if errors.As(err, &se) || errors.As(err, &le) {
		return err
	}
	return fmt.Errorf("at offset %d: %w", off, err)
}

// jsonWriter formats responses as JSON into a reused buffer.
type jsonWriter struct {
	buf      []byte
	h        hash.Hash
	streamed []streamedLiteral // literals of the current response, in order
	next     int
}

func (j *jsonWriter) response(b []byte, r *wire.Response) []byte {
	j.next = 0
	b = append(b, `{"kind":`...)
	b = appendJSONString(b, r.Kind.String())
	b = append(b, `,"tag":`...)
	b = appendJSONString(b, r.Tag)
	b = append(b, `,"status":`...)
	if r.Kind == wire.StatusResponse || r.Kind == wire.DoneResponse {
		b = appendJSONString(b, r.Status.String())
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"code":`...)
	if r.Code == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"name":`...)
		b = appendJSONString(b, r.Code.Name)
		b = append(b, `,"args":`...)
		b = j.values(b, r.Code.Args)
		b = append(b, '}')
	}
	b = append(b, `,"text":`...)
	if r.Kind == wire.DataResponse {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, r.Text)
	}
	b = append(b, `,"name":`...)
	if r.Kind == wire.DataResponse {
		b = appendJSONString(b, r.Name)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"num":`...)
	if r.HasNum {
		b = strconv.AppendUint(b, uint64(r.Num), 10)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"data":`...)
	if r.Kind == wire.DataResponse {
		vals, _ := r.Data.([]wire.Value) // an empty registry gives only generic trees
		b = j.values(b, vals)
	} else {
		b = append(b, "null"...)
	}
	return append(b, "}\n"...)
}

// values appends vs as a JSON array ([] for none).
func (j *jsonWriter) values(b []byte, vs []wire.Value) []byte {
	b = append(b, '[')
	for i := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = j.value(b, &vs[i])
	}
	return append(b, ']')
}

func (j *jsonWriter) value(b []byte, v *wire.Value) []byte {
	switch v.Kind {
	case wire.KindNil:
		return append(b, "null"...)
	case wire.KindNumber:
		return strconv.AppendUint(b, v.Num, 10)
	case wire.KindList:
		return j.values(b, v.List)
	case wire.KindString:
		if v.Form == wire.FormLiteral || v.Form == wire.FormLiteral8 {
			return j.literal(b, v)
		}
	}
	return appendJSONString(b, v.Str)
}

// literal appends a literal: a string when it is at most 64 KiB of
// UTF-8, else its size and SHA-256.
func (j *jsonWriter) literal(b []byte, v *wire.Value) []byte {
	var lit streamedLiteral
	switch {
	case v.Streamed:
		if j.next >= len(j.streamed) {
			// Cannot happen: OnLiteral saw every streamed literal.
			return append(b, "null"...)
		}
		lit = j.streamed[j.next]
		j.next++
	case len(v.Str) <= literalLimit && utf8.ValidString(v.Str):
		return appendJSONString(b, v.Str)
	default:
		lit.size = int64(len(v.Str))
		lit.sum = sha256.Sum256([]byte(v.Str))
	}
	b = append(b, `{"literal":`...)
	b = strconv.AppendInt(b, lit.size, 10)
	b = append(b, `,"sha256":"`...)
	b = hex.AppendEncode(b, lit.sum[:])
	return append(b, `"}`...)
}

// appendJSONString appends s as a JSON string (RFC 8259 §7): DQUOTE,
// backslash and control characters escaped, invalid UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, s[start:i]...)
				b = append(b, `\ufffd`...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			b = append(b, `\u00`...)
			b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
