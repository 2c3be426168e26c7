// Package appendlimit implements APPENDLIMIT (RFC 7889): the largest
// message a server accepts, server-wide (APPENDLIMIT=n, §2 (a)) or per
// mailbox (a bare APPENDLIMIT and the STATUS item, §2 (b), §3), checked
// here before a message is sent rather than after uploading it for
// nothing. A server still refuses a message that is too large with
// [TOOBIG] (§4, RFC 4469 §4), which TooBig recognises.
//
// Of the servers on the project's test machine only Cyrus 3.6 advertises
// APPENDLIMIT (=4294967295; Dovecot 2.3 does not, despite
// quota_max_mail_size): the live test runs against it, the others replay
// RFC 7889's examples.
package appendlimit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/wire"
)

// StatusItem is the STATUS item name (RFC 7889 §3.1).
const StatusItem = "APPENDLIMIT"

// Limit is an upload limit.
type Limit struct {
	// Size is the limit in octets; valid when Known.
	Size uint64
	// Known is false for "no limit" (STATUS APPENDLIMIT NIL, §3) and for
	// a bare APPENDLIMIT capability before the mailbox was asked.
	Known bool
	// PerMailbox reports a bare APPENDLIMIT capability: the limit
	// depends on the mailbox (§2 (b)).
	PerMailbox bool
}

// ErrTooBig is returned, before anything is sent, for a message larger
// than the server's limit.
var ErrTooBig = errors.New("appendlimit: message larger than the server's APPENDLIMIT")

// ServerLimit returns the limit the capability advertises (RFC 7889 §2).
// It fails with an error wrapping client.ErrNotSupported when the
// server does not advertise APPENDLIMIT.
func ServerLimit(ctx context.Context, c *client.Conn) (Limit, error) {
	caps, err := c.Caps(ctx)
	if err != nil {
		return Limit{}, err
	}
	for _, cp := range caps {
		name, val, hasVal := strings.Cut(cp, "=")
		if !strings.EqualFold(name, StatusItem) {
			continue
		}
		if !hasVal {
			return Limit{PerMailbox: true}, nil
		}
		n, err := strconv.ParseUint(val, 10, 64)
		if err != nil {
			return Limit{}, fmt.Errorf("appendlimit: capability %q: bad number", cp)
		}
		return Limit{Size: n, Known: true}, nil
	}
	return Limit{}, fmt.Errorf("appendlimit: server does not advertise APPENDLIMIT: %w", client.ErrNotSupported)
}

// MailboxLimit asks for the limit of mailbox with STATUS (APPENDLIMIT)
// (RFC 7889 §3.1); NIL means no limit (Known false). Either form of the
// capability, APPENDLIMIT or APPENDLIMIT=n (§2), allows the STATUS item;
// without one it fails with an error wrapping client.ErrNotSupported.
func MailboxLimit(ctx context.Context, c *client.Conn, mailbox string) (Limit, error) {
	if _, err := ServerLimit(ctx, c); err != nil {
		return Limit{}, err
	}
	st, err := c.Status(ctx, mailbox, []string{StatusItem})
	if err != nil {
		return Limit{}, err
	}
	return FromStatus(st)
}

// FromStatus reads the APPENDLIMIT item of STATUS data (from STATUS or
// from LIST ... RETURN (STATUS (APPENDLIMIT)), RFC 7889 §3.2).
func FromStatus(st *wire.StatusData) (Limit, error) {
	if st == nil {
		return Limit{}, errors.New("appendlimit: no STATUS data")
	}
	for _, it := range st.Items {
		if strings.EqualFold(it.Name, StatusItem) {
			if it.Nil {
				return Limit{}, nil
			}
			return Limit{Size: it.Value, Known: true}, nil
		}
	}
	return Limit{}, fmt.Errorf("appendlimit: STATUS %q has no APPENDLIMIT item", st.Mailbox)
}

// Check returns an error wrapping ErrTooBig when a message of size
// octets exceeds the limit for mailbox: the server-wide one, or for a
// bare APPENDLIMIT the mailbox's, asked with STATUS.
func Check(ctx context.Context, c *client.Conn, mailbox string, size int64) error {
	l, err := ServerLimit(ctx, c)
	if err != nil {
		return err
	}
	if l.PerMailbox {
		if l, err = MailboxLimit(ctx, c, mailbox); err != nil {
			return err
		}
	}
	if l.Known && size >= 0 && uint64(size) > l.Size {
		return fmt.Errorf("%w: %d octets for %q, limit %d", ErrTooBig, size, mailbox, l.Size)
	}
	return nil
}

// Append checks the limit (Check) and appends the message with
// client.Conn.Append when it fits.
func Append(ctx context.Context, c *client.Conn, mailbox string, r io.Reader, size int64, opts *client.AppendOptions) (*client.AppendResult, error) {
	if err := Check(ctx, c, mailbox, size); err != nil {
		return nil, err
	}
	return c.Append(ctx, mailbox, r, size, opts)
}

// TooBig reports whether err is ErrTooBig or a NO with [TOOBIG] (RFC
// 7889 §4, RFC 4469 §4).
func TooBig(err error) bool {
	if errors.Is(err, ErrTooBig) {
		return true
	}
	var se *client.StatusError
	return errors.As(err, &se) && se.CodeName() == "TOOBIG"
}
