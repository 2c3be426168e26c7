// Package binary implements the APPEND side of BINARY (RFC 3516 §4.4):
// a message sent as a binary literal, ~{n}, which may hold NUL and
// unencoded 8-bit or binary MIME parts (Content-Transfer-Encoding:
// binary). The server stores it, encoding parts as it must; a part whose
// encoding it cannot handle fails with [UNKNOWN-CTE] (RFC 3516 §4.3),
// which the base protocol parses.
//
// The FETCH side (BINARY[section], BINARY.SIZE) is in the client
// (client.FetchSection.Binary, client.FetchItems.BinarySize).
package binary

import (
	"context"
	"errors"
	"io"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/appendutil"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/wire"
)

// Append appends a message of size octets read from r to mailbox as a
// literal8 (RFC 3516 §4.4: append-data =/ literal8), and returns its
// APPENDUID when the server sent one. It fails with an error wrapping
// client.ErrNotSupported, sending nothing, when the server advertises
// neither BINARY nor IMAP4rev2.
func Append(ctx context.Context, c *client.Conn, mailbox string, r io.Reader, size int64, opts *client.AppendOptions) (*client.AppendResult, error) {
	if err := extutil.Require(ctx, c, "binary", "BINARY", "IMAP4REV2"); err != nil {
		return nil, err
	}
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return nil, err
	}
	args := appendutil.Options([]wire.Value{mb}, opts)
	args = append(args, appendutil.Literal8(r, size))
	res, _, err := appendutil.Run(ctx, c, client.Spec{Name: "APPEND", Args: args})
	return res, err
}

// UnknownCTE reports whether err is a NO with [UNKNOWN-CTE]: the server
// cannot handle a part's Content-Transfer-Encoding (RFC 3516 §4.3).
func UnknownCTE(err error) bool {
	var se *client.StatusError
	return errors.As(err, &se) && se.CodeName() == "UNKNOWN-CTE"
}
