// Package acl implements the ACL extension (RFC 4314): access control
// lists on mailboxes, which name who (an identifier) holds which rights.
//
// Install registers the parsers of the ACL, LISTRIGHTS and MYRIGHTS
// responses (RFC 4314 §3.6–§3.8) into a connection's registry; SetACL,
// DeleteACL, GetACL, ListRights and MyRights run the commands of RFC 4314
// §3.1–§3.5. Each fails with an error wrapping client.ErrNotSupported,
// without sending anything, when the server does not advertise ACL.
// ExtraRights reads the RIGHTS= capability (RFC 4314 §2.1).
//
// The package uses only the exported API of client, codec and wire.
package acl

import (
	"context"
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/forms"
	"github.com/imapkit/imapkit/ext/internal/parse"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/wire"
)

// The standard rights of RFC 4314 §2.1.
const (
	Lookup         = 'l' // the mailbox is visible to LIST
	Read           = 'r' // SELECT, FETCH, SEARCH, COPY from it
	Seen           = 's' // keep \Seen across sessions
	Write          = 'w' // flags other than \Seen and \Deleted
	Insert         = 'i' // APPEND, COPY into it
	Post           = 'p' // send mail to its submission address
	CreateMailbox  = 'k' // create mailboxes below it
	DeleteMailbox  = 'x' // delete it, rename it
	DeleteMessages = 't' // set or clear \Deleted
	Expunge        = 'e' // EXPUNGE
	Administer     = 'a' // SETACL, DELETEACL, GETACL, LISTRIGHTS
	// ObsoleteCreate and ObsoleteDelete are the RFC 2086 rights that RFC
	// 4314 §2.1.1 keeps for compatibility: "c" stands for k (and maybe
	// x), "d" for x, t and e, as the server's RIGHTS= capability says.
	ObsoleteCreate = 'c'
	ObsoleteDelete = 'd'
)

// Rights is a set of rights as the server spells it: lower-case letters
// and digits (RFC 4314 §7, "rights").
type Rights string

// Has reports whether r holds the right c.
func (r Rights) Has(c rune) bool { return strings.ContainsRune(string(r), c) }

// Entry is one identifier and its rights in an ACL response. An
// identifier that starts with "-" is a negative right (RFC 4314 §2):
// those rights are taken away from the identifier that follows the "-".
type Entry struct {
	Identifier string
	Rights     Rights
}

// ACL is an ACL response (RFC 4314 §3.6).
type ACL struct {
	Mailbox string
	Entries []Entry
}

// Get returns the rights of identifier (compared exactly: identifiers
// are case-sensitive unless the server says otherwise, RFC 4314 §3).
func (a *ACL) Get(identifier string) (Rights, bool) {
	for _, e := range a.Entries {
		if e.Identifier == identifier {
			return e.Rights, true
		}
	}
	return "", false
}

// ListRightsData is a LISTRIGHTS response (RFC 4314 §3.7): the rights
// always granted to identifier on the mailbox (Required, possibly empty),
// and the rights that may be granted, each group granted only together.
type ListRightsData struct {
	Mailbox    string
	Identifier string
	Required   Rights
	Optional   []Rights
}

// MyRightsData is a MYRIGHTS response (RFC 4314 §3.8).
type MyRightsData struct {
	Mailbox string
	Rights  Rights
}

// Install registers the ACL, LISTRIGHTS and MYRIGHTS parsers into a
// connection's registry. Use it as a client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the same parsers into a codec registry.
func RegisterCodec(r *codec.Registry) {
	r.Data("ACL", parseACL)
	r.Data("LISTRIGHTS", parseListRights)
	r.Data("MYRIGHTS", parseMyRights)
	r.EncodeData("ACL", encodeACL)
	r.EncodeData("LISTRIGHTS", encodeListRights)
	r.EncodeData("MYRIGHTS", encodeMyRights)
}

// maxEntries bounds the identifier/rights pairs of one response.
const maxEntries = 1 << 14

// parseACL parses acl-data = "ACL" SP mailbox *(SP identifier SP rights)
// (RFC 4314 §7).
func parseACL(p *codec.Parser, _ *wire.Response) (any, error) {
	var fr forms.Reader
	mb, err := fr.Mailbox(p)
	if err != nil {
		return nil, err
	}
	a := &ACL{Mailbox: mb}
	defer forms.Save(a, &fr)
	err = parse.SPItems(p, maxEntries, "ACL entries", func() error {
		id, err := fr.AString(p)
		if err != nil {
			return err
		}
		if err := p.ReadSP(); err != nil {
			return err
		}
		r, err := readRights(p, &fr)
		if err != nil {
			return err
		}
		a.Entries = append(a.Entries, Entry{Identifier: id, Rights: r})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// parseListRights parses listrights-data = "LISTRIGHTS" SP mailbox SP
// identifier SP rights *(SP rights) (RFC 4314 §7).
func parseListRights(p *codec.Parser, _ *wire.Response) (any, error) {
	var fr forms.Reader
	mb, err := fr.Mailbox(p)
	if err != nil {
		return nil, err
	}
	l := &ListRightsData{Mailbox: mb}
	defer forms.Save(l, &fr)
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if l.Identifier, err = fr.AString(p); err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if l.Required, err = readRights(p, &fr); err != nil {
		return nil, err
	}
	err = parse.SPItems(p, maxEntries, "rights groups", func() error {
		r, err := readRights(p, &fr)
		if err != nil {
			return err
		}
		l.Optional = append(l.Optional, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// parseMyRights parses myrights-data = "MYRIGHTS" SP mailbox SP rights
// (RFC 4314 §7).
func parseMyRights(p *codec.Parser, _ *wire.Response) (any, error) {
	var fr forms.Reader
	mb, err := fr.Mailbox(p)
	if err != nil {
		return nil, err
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	r, err := readRights(p, &fr)
	if err != nil {
		return nil, err
	}
	d := &MyRightsData{Mailbox: mb, Rights: r}
	forms.Save(d, &fr)
	return d, nil
}

// readRights reads rights = astring, "only lowercase ASCII letters and
// digits are allowed" (RFC 4314 §7); strict mode enforces that.
func readRights(p *codec.Parser, fr *forms.Reader) (Rights, error) {
	off := p.Offset()
	s, err := fr.AString(p)
	if err != nil {
		return "", err
	}
	if p.Strict() && !validRights(s) {
		return "", fmt.Errorf("acl: rights %q at offset %d: not lower-case letters and digits", s, off)
	}
	return Rights(s), nil
}

func validRights(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// ExtraRights returns the rights of the server's RIGHTS= capability (RFC
// 4314 §2.1): the rights it supports beyond the mandatory ones, e.g.
// "texk" for a server that implements t, e, x and k separately. It is ""
// when the server advertises none.
func ExtraRights(ctx context.Context, c *client.Conn) (string, error) {
	vals, err := run.CapValues(ctx, c, "RIGHTS=")
	if err != nil || len(vals) == 0 {
		return "", err
	}
	return strings.ToLower(vals[0]), nil
}

var authenticated = []client.State{client.StateAuthenticated, client.StateSelected}

func require(ctx context.Context, c *client.Conn) error {
	return extutil.Require(ctx, c, "acl", "ACL")
}

// SetACL changes the rights of identifier on mailbox (RFC 4314 §3.1).
// mod is rights to grant in place of the current ones, or "+rights" to
// add and "-rights" to remove (RFC 4314 §7, "mod-rights"). A right the
// server does not know gets a BAD (a *client.StatusError).
func SetACL(ctx context.Context, c *client.Conn, mailbox, identifier, mod string) error {
	if r := strings.TrimLeft(mod, "+-"); len(mod)-len(r) > 1 || !validRights(r) {
		return fmt.Errorf("acl: SETACL: rights %q: want an optional + or - and lower-case letters and digits", mod)
	}
	return simple(ctx, c, "SETACL", mailbox, wire.String(identifier), wire.String(mod))
}

// DeleteACL removes every right of identifier on mailbox (RFC 4314
// §3.2).
func DeleteACL(ctx context.Context, c *client.Conn, mailbox, identifier string) error {
	return simple(ctx, c, "DELETEACL", mailbox, wire.String(identifier))
}

func simple(ctx context.Context, c *client.Conn, name, mailbox string, args ...wire.Value) error {
	if err := require(ctx, c); err != nil {
		return err
	}
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return err
	}
	_, _, err = run.Collect(ctx, c, client.Spec{Name: name, Args: append([]wire.Value{mb}, args...), States: authenticated})
	return err
}

// query runs a command that answers with one data response named resp.
func query[T any](ctx context.Context, c *client.Conn, name, resp, mailbox string, args ...wire.Value) (T, error) {
	var zero T
	if err := require(ctx, c); err != nil {
		return zero, err
	}
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return zero, err
	}
	resps, _, err := run.Collect(ctx, c, client.Spec{
		Name: name, Args: append([]wire.Value{mb}, args...), States: authenticated,
		Claim: run.Data(resp),
	})
	if err != nil {
		return zero, err
	}
	for _, r := range resps {
		d, ok := r.Data.(T)
		if !ok {
			return zero, run.Untyped("acl", r)
		}
		return d, nil
	}
	return zero, fmt.Errorf("acl: %s %q: the server sent no %s response", name, mailbox, resp)
}

// GetACL returns the access control list of mailbox (RFC 4314 §3.3).
// It needs the a right (or l, r, ... as the server's policy says).
func GetACL(ctx context.Context, c *client.Conn, mailbox string) (*ACL, error) {
	return query[*ACL](ctx, c, "GETACL", "ACL", mailbox)
}

// ListRights returns the rights identifier may be granted on mailbox
// (RFC 4314 §3.4).
func ListRights(ctx context.Context, c *client.Conn, mailbox, identifier string) (*ListRightsData, error) {
	return query[*ListRightsData](ctx, c, "LISTRIGHTS", "LISTRIGHTS", mailbox, wire.String(identifier))
}

// MyRights returns the rights the logged-in user holds on mailbox (RFC
// 4314 §3.5).
func MyRights(ctx context.Context, c *client.Conn, mailbox string) (Rights, error) {
	d, err := query[*MyRightsData](ctx, c, "MYRIGHTS", "MYRIGHTS", mailbox)
	if err != nil {
		return "", err
	}
	return d.Rights, nil
}

func encodeACL(w *codec.Writer, r *wire.Response) error {
	a, ok := r.Data.(*ACL)
	if !ok {
		return fmt.Errorf("acl: ACL data %T: %w", r.Data, codec.ErrUnsupportedData)
	}
	fw := forms.For(w, a)
	w.SP()
	fw.Mailbox(a.Mailbox)
	for _, e := range a.Entries {
		w.SP()
		fw.AString(e.Identifier)
		w.SP()
		fw.AString(string(e.Rights))
	}
	return nil
}

func encodeListRights(w *codec.Writer, r *wire.Response) error {
	l, ok := r.Data.(*ListRightsData)
	if !ok {
		return fmt.Errorf("acl: LISTRIGHTS data %T: %w", r.Data, codec.ErrUnsupportedData)
	}
	fw := forms.For(w, l)
	w.SP()
	fw.Mailbox(l.Mailbox)
	w.SP()
	fw.AString(l.Identifier)
	w.SP()
	fw.AString(string(l.Required))
	for _, o := range l.Optional {
		w.SP()
		fw.AString(string(o))
	}
	return nil
}

func encodeMyRights(w *codec.Writer, r *wire.Response) error {
	m, ok := r.Data.(*MyRightsData)
	if !ok {
		return fmt.Errorf("acl: MYRIGHTS data %T: %w", r.Data, codec.ErrUnsupportedData)
	}
	fw := forms.For(w, m)
	w.SP()
	fw.Mailbox(m.Mailbox)
	w.SP()
	fw.AString(string(m.Rights))
	return nil
}
