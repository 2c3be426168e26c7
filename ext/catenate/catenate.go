// Package catenate implements CATENATE (RFC 4469): APPEND of a message
// assembled by the server from literal text and parts of messages it
// already has, named by IMAP URLs (RFC 5092), so that forwarding or
// editing a draft with large attachments uploads only what changed.
//
// Append sends APPEND mailbox [flags] [date] CATENATE (cat-part ...)
// (RFC 4469 §5); a Part is TEXT literal, URL "url" or, with UTF8=ACCEPT
// enabled, UTF8 (~{n}) (RFC 6855 §4). URL builds the relative IMAP URL
// of a message or of one of its sections, with URL-PARTIAL ranges (RFC
// 5550 §5). Install registers the BADURL response code (RFC 4469 §6),
// which names the URL the server could not resolve; TOOBIG has no
// arguments and needs no parser.
//
// Note RFC 4469 §5: the server may answer a TEXT literal sent after a
// failed URL with a tagged NO instead of "+"; the client then sends no
// more, and Append returns the *client.StatusError with BADURL.
package catenate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/appendutil"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

// Part is one cat-part: literal text, or the URL of data the server has.
type Part struct {
	// Text supplies Size octets of literal text (TEXT literal).
	Text io.Reader
	Size int64
	// UTF8 sends the text as UTF8 (literal8) (RFC 6855 §4), for 8-bit
	// headers; it needs UTF8=ACCEPT enabled.
	UTF8 bool
	// URL, when Text is nil, names a message or part the server has
	// (URL "url").
	URL string
}

// Text is a TEXT part holding s.
func Text(s string) Part { return Part{Text: strings.NewReader(s), Size: int64(len(s))} }

// URLPart is a URL part.
func URLPart(u string) Part { return Part{URL: u} }

// URL is an IMAP URL of a message, or of a section of it, on the same
// server (RFC 5092 §6, the relative form "/mailbox;UIDVALIDITY=v/;UID=n
// /;SECTION=s/;PARTIAL=o.l").
type URL struct {
	Mailbox     string
	UIDValidity uint32 // 0 leaves it out
	UID         uint32
	// Section is a body section, e.g. "1.MIME", "HEADER", "2".
	Section string
	// PartialOffset and PartialLength, when PartialLength > 0, ask for
	// that many octets from the offset (RFC 5092 §6 ";PARTIAL=",
	// URL-PARTIAL, RFC 5550 §5).
	PartialOffset, PartialLength uint32
}

// String returns the URL, its mailbox in modified UTF-7 with the
// characters URLs reserve percent-encoded (RFC 5092 §6 "enc-mailbox").
func (u URL) String() string {
	mb, err := utf7.Encode(u.Mailbox)
	if err != nil {
		mb = u.Mailbox
	}
	var b strings.Builder
	b.WriteByte('/')
	b.WriteString(escape(mb))
	if u.UIDValidity != 0 {
		b.WriteString(";UIDVALIDITY=" + strconv.FormatUint(uint64(u.UIDValidity), 10))
	}
	b.WriteString("/;UID=" + strconv.FormatUint(uint64(u.UID), 10))
	if u.Section != "" {
		b.WriteString("/;SECTION=" + escape(u.Section))
	}
	if u.PartialLength > 0 {
		b.WriteString("/;PARTIAL=" + strconv.FormatUint(uint64(u.PartialOffset), 10) + "." + strconv.FormatUint(uint64(u.PartialLength), 10))
	}
	return b.String()
}

// escape percent-encodes what is not an RFC 5092 bchar: achar / ":" /
// "@" / "/", where achar = unreserved / sub-delims-sh / "&" / "=" / "~"
// (";" and "?" are separators, "%" starts an escape).
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-._~!$'()*+,&=/:@", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// ErrNoParts is returned for a CATENATE of nothing; RFC 4469 §5 needs
// at least one part.
var ErrNoParts = errors.New("catenate: no parts")

// Append appends to mailbox the message the server assembles from parts
// (RFC 4469 §5), and returns its APPENDUID when the server sent one. It
// fails with an error wrapping client.ErrNotSupported when the server
// lacks CATENATE (or URL-PARTIAL for a ;PARTIAL URL, UTF8=ACCEPT enabled
// for a UTF8 part), without sending anything.
func Append(ctx context.Context, c *client.Conn, mailbox string, parts []Part, opts *client.AppendOptions) (*client.AppendResult, error) {
	args, err := Args(ctx, c, mailbox, parts, opts)
	if err != nil {
		return nil, err
	}
	res, _, err := appendutil.Run(ctx, c, client.Spec{Name: "APPEND", Args: args})
	return res, err
}

// Args checks the capabilities parts need and returns the arguments of
// APPEND mailbox [flags] [date] CATENATE (...), for callers that send it
// themselves (REPLACE, RFC 8508 §3.3, takes the same).
func Args(ctx context.Context, c *client.Conn, mailbox string, parts []Part, opts *client.AppendOptions) ([]wire.Value, error) {
	if len(parts) == 0 {
		return nil, ErrNoParts
	}
	if err := extutil.Require(ctx, c, "catenate", "CATENATE"); err != nil {
		return nil, err
	}
	list := make([]wire.Value, 0, 2*len(parts))
	for i, p := range parts {
		switch {
		case p.Text != nil && p.UTF8:
			if !c.Enabled("UTF8=ACCEPT") {
				return nil, fmt.Errorf("catenate: part %d: UTF8 needs UTF8=ACCEPT enabled (RFC 6855 §4): %w", i, client.ErrNotSupported)
			}
			list = append(list, wire.Atom("UTF8"), wire.List(appendutil.Literal8(p.Text, p.Size)))
		case p.Text != nil:
			list = append(list, wire.Atom("TEXT"), wire.LiteralReader(p.Text, p.Size))
		case p.URL != "":
			if strings.Contains(strings.ToUpper(p.URL), ";PARTIAL=") {
				if err := extutil.Require(ctx, c, "catenate", "URL-PARTIAL"); err != nil {
					return nil, err
				}
			}
			list = append(list, wire.Atom("URL"), wire.Quoted(p.URL)) // quoted, as the RFC's examples
		default:
			return nil, fmt.Errorf("catenate: part %d has neither text nor URL", i)
		}
	}
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return nil, err
	}
	args := appendutil.Options([]wire.Value{mb}, opts)
	return append(args, wire.Atom("CATENATE"), wire.List(list...)), nil
}

// Install registers the BADURL response code's parser and encoder. Use
// it as a client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the same into a codec registry.
func RegisterCodec(r *codec.Registry) {
	r.Code("BADURL", parseBadURL)
	r.EncodeCode("BADURL", encodeBadURL)
}

// BadURLCode is the typed data of a BADURL code: the URL as sent.
type BadURLCode string

// parseBadURL reads url-resp-text-code = 1*(%x01-09 / %x0B-0C / %x0E-5B
// / %x5D-FE) (RFC 4469 §6): everything up to "]".
func parseBadURL(p *codec.Parser, _ string) (any, error) {
	var b []byte
	for {
		c, ok := p.PeekByte()
		if !ok || c == ']' {
			break
		}
		if c == 0 || c == '\r' || c == '\n' || c == 0xFF {
			return nil, p.SyntaxError("url-resp-text-code")
		}
		p.Consume(c)
		b = append(b, c)
	}
	if len(b) == 0 {
		return nil, p.SyntaxError("url-resp-text-code")
	}
	return BadURLCode(b), nil
}

func encodeBadURL(w *codec.Writer, c *wire.Code) error {
	u, ok := c.Data.(BadURLCode)
	if !ok {
		return fmt.Errorf("catenate: BADURL data %T: %w", c.Data, codec.ErrUnsupportedData)
	}
	if strings.ContainsAny(string(u), "]\r\n\x00") {
		return fmt.Errorf("catenate: BADURL %q cannot be written", string(u))
	}
	w.SP()
	w.Raw(string(u))
	return w.Err()
}

// BadURL returns the URL of a BADURL code in err (a *client.StatusError)
// or resp, typed or generic.
func BadURL(err error) (string, bool) {
	var se *client.StatusError
	if !errors.As(err, &se) || se.Code == nil || !strings.EqualFold(se.Code.Name, "BADURL") {
		return "", false
	}
	if u, ok := se.Code.Data.(BadURLCode); ok {
		return string(u), true
	}
	parts := make([]string, 0, len(se.Code.Args))
	for _, a := range se.Code.Args {
		parts = append(parts, a.Text())
	}
	return strings.Join(parts, " "), len(parts) > 0
}
