// Package referrals implements IMAP referrals: LOGIN-REFERRALS (RFC 2221),
// a server sending the client to the user's home server, and
// MAILBOX-REFERRALS (RFC 2193), a server sending the client to the
// server that holds a mailbox. Both use the REFERRAL response code,
// whose argument is an IMAP URL (RFC 5092):
//
//	A001 NO [REFERRAL IMAP://user;AUTH=*@SERVER2/] Remote Server
//	* BYE [REFERRAL IMAP://user;AUTH=*@SERVER2/] Server not accepting connections.
//	A002 NO [REFERRAL IMAP://user;AUTH=*@SERVER2/SHARED/FOO] Remote mailbox.
//
// Install registers the code's parser (a typed *URL) and its encoder. Of
// finds the referral on an error a command returned (a
// *client.StatusError, or the *client.ByeError of a connection the
// server ended); OfResponse reads it from a response (the greeting, a
// tagged OK). Login and Authenticate return the referral of a login's
// completion, an OK's included (RFC 2221 §4.1: logged in, but the
// personal mailboxes are elsewhere), which Conn.Login cannot return;
// LoginReferral reads it after Conn.Login. URL.Address gives what transport.ParseAddress reads to
// dial the server referred to. RList and RLsub are the MAILBOX-REFERRALS
// commands (RFC 2193 §4.1, §4.2).
//
// Referrals are not followed automatically: RFC 2221 §3 forbids following
// more than 10 levels without the user, and the credentials to use on
// another server are the application's decision. FollowLimit is that
// bound, for a loop that follows them.
//
// The package uses only the exported API of client, codec, transport and
// wire.
package referrals

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/emersion/go-sasl"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/wire"
)

// Name is the response code's name.
const Name = "REFERRAL"

// FollowLimit is how many levels of referral a client may follow without
// consulting the user (RFC 2221 §3).
const FollowLimit = 10

// Install registers the REFERRAL code's parser and encoder into a
// connection's registry, and keeps the referral a LOGIN's or an
// AUTHENTICATE's OK carries (RFC 2221 §4.1) for LoginReferral. Use it as
// a client.Extension.
func Install(r *client.Registry) {
	RegisterCodec(r.Codec())
	st := &loginState{}
	r.SetValue(loginKey{}, st)
	for _, cmd := range []string{"LOGIN", "AUTHENTICATE"} {
		r.OnCompletion(cmd, st.onDone)
	}
}

// loginState is the referral of the last successful LOGIN or
// AUTHENTICATE of one connection.
type loginState struct {
	mu  sync.Mutex
	url *URL
}

type loginKey struct{}

// onDone runs on the reader goroutine for every LOGIN and AUTHENTICATE
// completion: an OK with a referral records a copy of it (hooks keep
// nothing of the response), any other completion clears it.
func (st *loginState) onDone(_ *client.Hook, resp *wire.Response) {
	var keep *URL
	if u, ok := OfResponse(resp); ok && resp.Status == wire.StatusOK {
		cp := *u
		keep = &cp
	}
	st.mu.Lock()
	st.url = keep
	st.mu.Unlock()
}

// LoginReferral returns the referral the last successful LOGIN or
// AUTHENTICATE on c carried in its OK (RFC 2221 §4.1: the user is
// logged in, but the personal mailboxes are on the server referred to;
// public ones are here). It needs Install among the connection's
// Options.Extensions; false when there is none. A refused login's
// referral is on its error (Of).
func LoginReferral(c *client.Conn) (*URL, bool) {
	st, ok := c.Value(loginKey{}).(*loginState)
	if !ok {
		return nil, false
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.url == nil {
		return nil, false
	}
	cp := *st.url
	return &cp, true
}

// Login runs Conn.Login and returns the referral of its completion, if
// any: on an OK, the connection is authenticated and the user's personal
// mailboxes are on the server referred to (RFC 2221 §4.1); on a NO, the
// user is to log in there instead, and err is the *client.StatusError.
// A connection without Install fails with an error before sending
// anything, as the referral of an OK could not be seen.
func Login(ctx context.Context, c *client.Conn, user, password string) (*URL, error) {
	if _, ok := c.Value(loginKey{}).(*loginState); !ok {
		return nil, ErrNotInstalled
	}
	if err := c.Login(ctx, user, password); err != nil {
		u, _ := Of(err)
		return u, err
	}
	u, _ := LoginReferral(c)
	return u, nil
}

// Authenticate is Login for Conn.Authenticate (RFC 2221 §4.1 applies to
// AUTHENTICATE alike).
func Authenticate(ctx context.Context, c *client.Conn, mech sasl.Client) (*URL, error) {
	if _, ok := c.Value(loginKey{}).(*loginState); !ok {
		return nil, ErrNotInstalled
	}
	if err := c.Authenticate(ctx, mech); err != nil {
		u, _ := Of(err)
		return u, err
	}
	u, _ := LoginReferral(c)
	return u, nil
}

// ErrNotInstalled is returned by Login and Authenticate on a connection
// without Install among its Options.Extensions.
var ErrNotInstalled = errors.New("referrals: Install is not among the connection's Options.Extensions, so the referral of a LOGIN's OK cannot be seen")

// RegisterCodec registers the same into a codec registry.
func RegisterCodec(r *codec.Registry) {
	r.Code(Name, parseCode)
	r.EncodeCode(Name, encodeCode)
}

// parseCode reads resp-text-code =/ "REFERRAL" SP <imapurl> (RFC 2221 §5,
// RFC 2193 §5): the URL runs to the code's "]" (it may hold "*" and "%",
// which no atom may, so it is read byte by byte). A URL that does not
// parse fails the parser, and the decoder keeps the code generic.
func parseCode(p *codec.Parser, _ string) (any, error) {
	var b []byte
	for {
		c, ok := p.PeekByte()
		if !ok || c == ']' {
			break
		}
		if c <= ' ' || c >= 0x7f {
			return nil, p.SyntaxError("IMAP URL character")
		}
		if len(b) >= maxURL {
			return nil, p.SyntaxError(fmt.Sprintf("an IMAP URL of at most %d bytes", maxURL))
		}
		p.Consume(c)
		b = append(b, c)
	}
	u, err := ParseURL(string(b))
	if err != nil {
		return nil, p.SyntaxError("IMAP URL (RFC 5092): " + err.Error())
	}
	return u, nil
}

func encodeCode(w *codec.Writer, c *wire.Code) error {
	u, ok := c.Data.(*URL)
	if !ok {
		return fmt.Errorf("referrals: REFERRAL code %T: %w", c.Data, codec.ErrUnsupportedData)
	}
	for i := 0; i < len(u.Raw); i++ {
		if b := u.Raw[i]; b <= ' ' || b >= 0x7f || b == ']' {
			return fmt.Errorf("referrals: REFERRAL URL %q: byte %#x at %d cannot be sent in a response code", u.Raw, b, i)
		}
	}
	w.SP()
	w.Raw(u.Raw)
	return nil
}

// OfCode returns the referral a response code carries.
func OfCode(c *wire.Code) (*URL, bool) {
	if c == nil || c.Name != Name {
		return nil, false
	}
	u, ok := c.Data.(*URL)
	return u, ok
}

// OfResponse returns the referral a response carries: a tagged OK or NO
// (RFC 2221 §4.1: OK means the personal mailboxes are elsewhere but
// public ones are here), an untagged BYE or the greeting (§4.2).
func OfResponse(r *wire.Response) (*URL, bool) {
	if r == nil {
		return nil, false
	}
	return OfCode(r.Code)
}

// Of returns the referral an error carries: the code of a NO completion
// (*client.StatusError: LOGIN, AUTHENTICATE, SELECT, CREATE, ... refused
// with a referral) or of the BYE that ended the connection
// (*client.ByeError, as client.New and client.Dial return it for a
// greeting BYE with a referral).
func Of(err error) (*URL, bool) {
	var se *client.StatusError
	if errors.As(err, &se) {
		return OfCode(se.Code)
	}
	var be *client.ByeError
	if errors.As(err, &be) {
		return OfCode(be.Code)
	}
	return nil, false
}

// RList runs RLIST (RFC 2193 §4.1): LIST that also returns the mailboxes
// of other servers the server refers to, so that a client shows them.
// It fails with an error wrapping client.ErrNotSupported, without
// sending anything, when the server does not advertise MAILBOX-REFERRALS.
func RList(ctx context.Context, c *client.Conn, reference, pattern string) ([]*wire.ListData, error) {
	return rlist(ctx, c, "RLIST", "LIST", reference, pattern)
}

// RLsub runs RLSUB (RFC 2193 §4.2), LSUB with remote mailboxes.
func RLsub(ctx context.Context, c *client.Conn, reference, pattern string) ([]*wire.ListData, error) {
	return rlist(ctx, c, "RLSUB", "LSUB", reference, pattern)
}

func rlist(ctx context.Context, c *client.Conn, cmd, data, reference, pattern string) ([]*wire.ListData, error) {
	if err := extutil.Require(ctx, c, "referrals", "MAILBOX-REFERRALS"); err != nil {
		return nil, err
	}
	ref, err := c.MailboxArg(reference)
	if err != nil {
		return nil, err
	}
	pat, err := c.MailboxArg(pattern)
	if err != nil {
		return nil, err
	}
	if reference == "" {
		ref = wire.Quoted("")
	}
	if pattern == "" {
		pat = wire.Quoted("")
	}
	resps, _, err := run.Collect(ctx, c, client.Spec{
		Name:   cmd,
		Args:   []wire.Value{ref, pat},
		States: []client.State{client.StateAuthenticated, client.StateSelected},
		Claim:  run.Data(data),
	})
	if err != nil {
		return nil, err
	}
	out := make([]*wire.ListData, 0, len(resps))
	for _, r := range resps {
		ld, ok := r.Data.(*wire.ListData)
		if !ok {
			return nil, fmt.Errorf("referrals: %s: %s response decoded as %T", cmd, r.Name, r.Data)
		}
		out = append(out, ld)
	}
	return out, nil
}
