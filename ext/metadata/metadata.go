// Package metadata implements the METADATA and METADATA-SERVER extensions
// (RFC 5464): annotations ("entries") on mailboxes and on the server, and
// LIST-METADATA (RFC 9590), which returns mailbox annotations with LIST.
//
// Install registers the parser of the METADATA response (RFC 5464 §4.4)
// and of the METADATA response code (RFC 5464 §4.2.1, §4.3: LONGENTRIES,
// MAXSIZE, TOOMANY, NOPRIVATE) into a connection's registry. GetMetadata
// and SetMetadata run GETMETADATA and SETMETADATA (RFC 5464 §4.2, §4.3);
// List runs LIST ... RETURN (METADATA (...)) (RFC 9590), with MAXSIZE and
// DEPTH as the METADATA selection option when asked; Enable asks
// for unsolicited METADATA responses (RFC 5464 §4.4 and §4.4.2), which
// then reach client.Options.Unilateral and Conn.Unclaimed as *Data with
// Changed set.
//
// Entry names are slash-separated paths that start with /private/ (the
// user's own value) or /shared/ (everyone's), e.g. /private/comment
// (RFC 5464 §3.2). The mailbox "" names the server itself.
//
// The package uses only the exported API of client, codec and wire.
package metadata

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/forms"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/wire"
)

// Entry is an annotation: its name and its value. IsNil is a NIL value,
// an entry that does not exist; in SetMetadata it removes the entry (RFC
// 5464 §4.3).
type Entry struct {
	Name  string
	Value string
	IsNil bool
}

// Data is a METADATA response (RFC 5464 §4.4): the entries of Mailbox
// ("" for the server) with their values, as GETMETADATA and LIST-METADATA
// return them; or, in the unsolicited form sent after Enable, the names
// of the entries that changed (Changed, with Entries empty).
type Data struct {
	Mailbox string
	Entries []Entry
	Changed []string
}

// Get returns the entry named name.
func (d *Data) Get(name string) (Entry, bool) {
	for _, e := range d.Entries {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Kinds of the METADATA response code (RFC 5464 §5, resp-text-code).
const (
	LongEntries = "LONGENTRIES" // GETMETADATA with MAXSIZE left out entries this large (§4.2.1)
	MaxSize     = "MAXSIZE"     // SETMETADATA: a value larger than this is refused (§4.3)
	TooMany     = "TOOMANY"     // SETMETADATA: no more entries fit (§4.3)
	NoPrivate   = "NOPRIVATE"   // SETMETADATA: the server keeps no /private entries (§4.3)
)

// Code is the METADATA response code: its kind and, for LONGENTRIES and
// MAXSIZE, its number.
type Code struct {
	Kind string
	Num  uint32
}

// Install registers the METADATA data and response-code parsers into a
// connection's registry. Use it as a client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the same parsers into a codec registry.
func RegisterCodec(r *codec.Registry) {
	r.Data("METADATA", parseData)
	r.Code("METADATA", parseCode)
	r.EncodeData("METADATA", encodeData)
	r.EncodeCode("METADATA", encodeCode)
}

// maxEntries bounds the entries of one METADATA response.
const maxEntries = 1 << 16

// parseData parses metadata-resp = "METADATA" SP mailbox SP
// (entry-values / entry-list), entry-values = "(" entry-value *(SP
// entry-value) ")", entry-value = entry SP value, value = nstring /
// literal8, entry-list = entry *(SP entry) (RFC 5464 §5).
func parseData(p *codec.Parser, _ *wire.Response) (any, error) {
	var fr forms.Reader
	mb, err := fr.Mailbox(p)
	if err != nil {
		return nil, err
	}
	d := &Data{Mailbox: mb}
	defer forms.Save(d, &fr)
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if c, _ := p.PeekByte(); c != '(' {
		// entry-list: the unsolicited form.
		for {
			if len(d.Changed) >= maxEntries {
				return nil, p.SyntaxError(fmt.Sprintf("at most %d entries", maxEntries))
			}
			name, err := fr.AString(p)
			if err != nil {
				return nil, err
			}
			d.Changed = append(d.Changed, name)
			if p.AtEnd() {
				return d, nil
			}
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
		}
	}
	p.Expect('(')
	for {
		if len(d.Entries) >= maxEntries {
			return nil, p.SyntaxError(fmt.Sprintf("at most %d entries", maxEntries))
		}
		name, err := fr.AString(p)
		if err != nil {
			return nil, err
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		e := Entry{Name: name}
		off := p.Offset()
		v, err := p.ReadValue()
		if err != nil {
			return nil, err
		}
		f := forms.Auto
		switch v.Kind {
		case wire.KindNil:
			e.IsNil = true
		case wire.KindString:
			e.Value = v.Str
			switch v.Form {
			case wire.FormQuoted:
				f = forms.Quoted
			case wire.FormLiteral:
				f = forms.Literal
			case wire.FormLiteral8:
				f = forms.Literal8
			}
		case wire.KindAtom, wire.KindNumber:
			if p.Strict() {
				return nil, fmt.Errorf("metadata: value of %s at offset %d: an atom, not an nstring", name, off)
			}
			e.Value = v.Text()
		default:
			return nil, fmt.Errorf("metadata: value of %s at offset %d: a %s, not an nstring", name, off, v.Kind)
		}
		fr.Note(f)
		d.Entries = append(d.Entries, e)
		if p.Consume(')') {
			return d, nil
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
	}
}

// parseCode parses "METADATA" SP ("LONGENTRIES" SP number / "MAXSIZE" SP
// number / "TOOMANY" / "NOPRIVATE") (RFC 5464 §5); other kinds are kept
// with their name, for later extensions.
func parseCode(p *codec.Parser, _ string) (any, error) {
	kind, err := p.ReadAtom()
	if err != nil {
		return nil, err
	}
	c := &Code{Kind: strings.ToUpper(kind)}
	switch c.Kind {
	case LongEntries, MaxSize:
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		if c.Num, err = p.ReadNumber(); err != nil {
			return nil, err
		}
	case TooMany, NoPrivate:
	default:
		if p.Strict() {
			return nil, p.SyntaxError("LONGENTRIES, MAXSIZE, TOOMANY or NOPRIVATE")
		}
		return nil, errors.New("metadata: unknown METADATA code") // generic fallback keeps the arguments
	}
	return c, nil
}

// encodeData writes a *Data as parseData reads it (RFC 5464 §5), the
// strings in the forms the server used.
func encodeData(w *codec.Writer, r *wire.Response) error {
	d, ok := r.Data.(*Data)
	if !ok {
		return fmt.Errorf("metadata: METADATA data %T: %w", r.Data, codec.ErrUnsupportedData)
	}
	if (len(d.Entries) == 0) == (len(d.Changed) == 0) {
		return fmt.Errorf("metadata: METADATA data needs Entries or Changed, not both: %w", codec.ErrUnsupportedData)
	}
	fw := forms.For(w, d)
	w.SP()
	fw.Mailbox(d.Mailbox)
	if len(d.Changed) > 0 {
		for _, name := range d.Changed {
			w.SP()
			fw.AString(name)
		}
		return nil
	}
	w.SP()
	w.List(func() {
		for i, e := range d.Entries {
			if i > 0 {
				w.SP()
			}
			fw.AString(e.Name)
			w.SP()
			f := fw.Skip()
			if e.IsNil {
				w.NIL()
				continue
			}
			v := wire.Value{Kind: wire.KindString, Str: e.Value}
			switch f {
			case forms.Quoted:
				v.Form = wire.FormQuoted
			case forms.Literal:
				v.Form = wire.FormLiteral
			case forms.Literal8:
				v.Form = wire.FormLiteral8
			}
			w.Value(v)
		}
	})
	return nil
}

// encodeCode writes a *Code (RFC 5464 §5, resp-text-code).
func encodeCode(w *codec.Writer, c *wire.Code) error {
	mc, ok := c.Data.(*Code)
	if !ok {
		return fmt.Errorf("metadata: METADATA code %T: %w", c.Data, codec.ErrUnsupportedData)
	}
	w.SP()
	w.Atom(mc.Kind)
	switch mc.Kind {
	case LongEntries, MaxSize:
		w.SP()
		w.Number(uint64(mc.Num))
	}
	return nil
}

// CodeOf returns the METADATA response code of a response code, and of
// the completion in a *client.StatusError when err is one (use it on the
// error of SetMetadata to learn MAXSIZE, TOOMANY or NOPRIVATE).
func CodeOf(x any) (*Code, bool) {
	var wc *wire.Code
	switch v := x.(type) {
	case *wire.Code:
		wc = v
	case *wire.Response:
		if v != nil {
			wc = v.Code
		}
	case error:
		var se *client.StatusError
		if errors.As(v, &se) {
			wc = se.Code
		}
	}
	if wc == nil || wc.Name != "METADATA" {
		return nil, false
	}
	if c, ok := wc.Data.(*Code); ok {
		return c, true
	}
	// The generic form (no Install, or a kind this package does not know).
	if len(wc.Args) == 0 {
		return nil, false
	}
	c := &Code{Kind: strings.ToUpper(wc.Args[0].Text())}
	if len(wc.Args) > 1 && wc.Args[1].Kind == wire.KindNumber && wc.Args[1].Num <= 1<<32-1 {
		c.Num = uint32(wc.Args[1].Num)
	}
	return c, true
}

// Depth is the DEPTH option of GETMETADATA (RFC 5464 §4.2.2).
type Depth string

// The depths of RFC 5464 §4.2.2.
const (
	Depth0        Depth = "0"        // the entries named only (the default)
	Depth1        Depth = "1"        // and the entries immediately below them
	DepthInfinity Depth = "infinity" // and every entry below them
)

// GetOptions are the options of GETMETADATA (RFC 5464 §4.2.1, §4.2.2).
type GetOptions struct {
	// MaxSize, when not zero, leaves out values larger than this many
	// octets; Result.LongEntries then tells the size of the largest left
	// out.
	MaxSize uint32
	// Depth also returns entries below those named.
	Depth Depth
}

// list returns the getmetadata-options list "(" MAXSIZE n SP DEPTH d ")"
// (RFC 5464 §5), or nil when opts set nothing.
func (opts *GetOptions) list() (*wire.Value, error) {
	if opts == nil || (opts.MaxSize == 0 && opts.Depth == "") {
		return nil, nil
	}
	var o []wire.Value
	if opts.MaxSize > 0 {
		o = append(o, wire.Atom("MAXSIZE"), wire.Number(uint64(opts.MaxSize)))
	}
	switch opts.Depth {
	case "":
	case Depth0, Depth1, DepthInfinity:
		o = append(o, wire.Atom("DEPTH"), wire.Atom(string(opts.Depth)))
	default:
		return nil, fmt.Errorf("metadata: DEPTH %q: want 0, 1 or infinity", opts.Depth)
	}
	l := wire.List(o...)
	return &l, nil
}

// Result is what GETMETADATA returned.
type Result struct {
	// Entries of the mailbox (or the server), in the order received.
	// An entry that does not exist is absent or has IsNil set.
	Entries []Entry
	// LongEntries is the size of the largest value MaxSize left out
	// (the METADATA LONGENTRIES code, RFC 5464 §4.2.1); HasLongEntries
	// says whether the server sent it.
	LongEntries    uint32
	HasLongEntries bool
}

// Get returns the entry named name.
func (r *Result) Get(name string) (Entry, bool) {
	return (&Data{Entries: r.Entries}).Get(name)
}

var authenticated = []client.State{client.StateAuthenticated, client.StateSelected}

// require checks METADATA, or METADATA-SERVER for the server's own
// entries (RFC 5464 §1, §3).
func require(ctx context.Context, c *client.Conn, mailbox string) error {
	if mailbox == "" {
		return extutil.Require(ctx, c, "metadata", "METADATA", "METADATA-SERVER")
	}
	return extutil.Require(ctx, c, "metadata", "METADATA")
}

// checkName refuses entry names RFC 5464 §5 forbids ("MUST NOT contain
// "*" or "%"") and those that are no path.
func checkName(name string) error {
	if !strings.HasPrefix(name, "/") || strings.ContainsAny(name, "*%\x00\r\n") {
		return fmt.Errorf("metadata: entry name %q: want a path such as /private/comment, without * or %%", name)
	}
	return nil
}

func mailboxArg(c *client.Conn, mailbox string) (wire.Value, error) {
	if mailbox == "" {
		return wire.Quoted(""), nil
	}
	return c.MailboxArg(mailbox)
}

// GetMetadata returns the entries named entries of mailbox, "" for the
// server's (RFC 5464 §4.2). It fails with an error wrapping
// client.ErrNotSupported, without sending anything, when the server
// advertises no METADATA (for a mailbox) or neither METADATA nor
// METADATA-SERVER (for the server).
func GetMetadata(ctx context.Context, c *client.Conn, mailbox string, entries []string, opts *GetOptions) (*Result, error) {
	if len(entries) == 0 {
		return nil, errors.New("metadata: GETMETADATA needs at least one entry")
	}
	if err := require(ctx, c, mailbox); err != nil {
		return nil, err
	}
	mb, err := mailboxArg(c, mailbox)
	if err != nil {
		return nil, err
	}
	var args []wire.Value
	// The options come before the mailbox, as the ABNF of RFC 5464 §5
	// says; the examples of §4.2.1 and §4.2.2 put them after it (erratum
	// 2785).
	o, err := opts.list()
	if err != nil {
		return nil, err
	}
	if o != nil {
		args = append(args, *o)
	}
	args = append(args, mb)
	names := make([]wire.Value, 0, len(entries))
	for _, e := range entries {
		if err := checkName(e); err != nil {
			return nil, err
		}
		names = append(names, wire.String(e))
	}
	if len(names) == 1 {
		args = append(args, names[0])
	} else {
		args = append(args, wire.List(names...))
	}
	resps, final, err := run.Collect(ctx, c, client.Spec{
		Name: "GETMETADATA", Args: args, States: authenticated,
		Claim: claimFor(c, mailbox),
	})
	if err != nil {
		return nil, err
	}
	ds, err := run.Typed[*Data]("metadata", "", resps)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for _, d := range ds {
		res.Entries = append(res.Entries, d.Entries...)
	}
	if code, ok := CodeOf(final); ok && code.Kind == LongEntries {
		res.LongEntries, res.HasLongEntries = code.Num, true
	}
	return res, nil
}

// claimFor claims the METADATA responses with values for mailbox; the
// unsolicited form (names only) is left to the unclaimed queue.
func claimFor(c *client.Conn, mailbox string) func(*wire.Response) bool {
	return func(r *wire.Response) bool {
		if r.Kind != wire.DataResponse || r.Name != "METADATA" {
			return false
		}
		d, ok := r.Data.(*Data)
		if !ok {
			return true // untyped: the command reports it
		}
		return d.Changed == nil && sameMailbox(d.Mailbox, mailbox)
	}
}

func sameMailbox(a, b string) bool {
	return a == b || strings.EqualFold(a, "INBOX") && strings.EqualFold(b, "INBOX")
}

// SetMetadata sets the entries of mailbox, "" for the server's (RFC 5464
// §4.3); an entry with IsNil removes it. The server sets all or none. A
// refusal is a *client.StatusError; CodeOf tells MAXSIZE (with the
// largest size allowed), TOOMANY or NOPRIVATE.
func SetMetadata(ctx context.Context, c *client.Conn, mailbox string, entries []Entry) error {
	if len(entries) == 0 {
		return errors.New("metadata: SETMETADATA needs at least one entry")
	}
	if err := require(ctx, c, mailbox); err != nil {
		return err
	}
	mb, err := mailboxArg(c, mailbox)
	if err != nil {
		return err
	}
	list := make([]wire.Value, 0, 2*len(entries))
	for _, e := range entries {
		if err := checkName(e.Name); err != nil {
			return err
		}
		v := wire.Nil()
		if !e.IsNil {
			// value = nstring / literal8 (RFC 5464 §5): never an atom,
			// which Cyrus refuses ("Missing metadata value").
			v = wire.Quoted(e.Value)
		}
		list = append(list, wire.String(e.Name), v)
	}
	_, _, err = run.Collect(ctx, c, client.Spec{
		Name: "SETMETADATA", Args: []wire.Value{mb, wire.List(list...)}, States: authenticated,
	})
	return err
}

// Enable asks the server for unsolicited METADATA responses when
// entries change (RFC 5464 §4.4: ENABLE METADATA, or METADATA-SERVER for
// server entries only). It does nothing when already enabled.
func Enable(ctx context.Context, c *client.Conn) error {
	if c.Enabled("METADATA") || c.Enabled("METADATA-SERVER") {
		return nil
	}
	if err := extutil.Require(ctx, c, "metadata", "METADATA", "METADATA-SERVER"); err != nil {
		return err
	}
	if err := extutil.Require(ctx, c, "metadata", "ENABLE", "IMAP4REV2"); err != nil {
		return err
	}
	name := "METADATA"
	if err := c.Require(ctx, "METADATA"); errors.Is(err, client.ErrNotSupported) {
		name = "METADATA-SERVER"
	} else if err != nil {
		return err
	}
	enabled, err := c.Enable(ctx, name)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(enabled, func(s string) bool { return strings.EqualFold(s, name) }) {
		return fmt.Errorf("metadata: the server did not enable %s (ENABLED %v)", name, enabled)
	}
	return nil
}
