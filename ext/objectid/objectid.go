// Package objectid implements the OBJECTID extension (RFC 8474): stable
// identifiers for mailboxes (MAILBOXID), messages (EMAILID) and threads
// (THREADID) that survive renames and moves.
//
// Install registers the parsers of what OBJECTID adds to the server's
// responses: the MAILBOXID response code (RFC 8474 §4.1, sent by CREATE and
// SELECT), the EMAILID and THREADID FETCH items (§5.1, §5.2) and the
// MAILBOXID STATUS item (§4.2, wire.StatusItem.Data). Each identifier is
// an ID (a string type) in the parsed data.
//
// The typed calls are Create (the new mailbox's MAILBOXID), Select
// (SELECT and its MAILBOXID), MailboxID (STATUS MAILBOXID), Fetch and
// UIDFetch of EMAILID and THREADID, SearchEmailID and SearchThreadID, and
// the SEARCH keys EmailIDKey and ThreadIDKey (§6) for
// client.SearchCriteria.Keys. Each but Select (a plain SELECT without
// OBJECTID) checks that the server advertises OBJECTID and fails with an error
// wrapping client.ErrNotSupported otherwise. OBJECTID needs no ENABLE.
//
// Of the servers on the project's test machine only Cyrus 3.6 offers
// OBJECTID; the live test runs against it, the others replay the RFC's
// own examples and Cyrus's responses.
package objectid

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// ID is an object identifier: objectid = 1*255(ALPHA / DIGIT / "_" / "-")
// (RFC 8474 §7). It is opaque and compared case-sensitively (§3).
type ID string

// Valid reports whether id has the syntax of RFC 8474 §7.
func (id ID) Valid() bool {
	if len(id) == 0 || len(id) > 255 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Names of the FETCH items, STATUS item and response code.
const (
	ItemEmailID  = "EMAILID"
	ItemThreadID = "THREADID"
	MailboxItem  = "MAILBOXID"
)

// Install registers OBJECTID's parsers into a connection's registry. Use
// it as a client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the same parsers into a codec registry (a proxy,
// a test server). MAILBOXID is registered as a STATUS item
// (codec.Registry.StatusItem): its ID is the item's Data.
func RegisterCodec(r *codec.Registry) {
	r.Code(MailboxItem, parseMailboxIDCode)
	r.FetchItem(ItemEmailID, parseEmailID)
	r.FetchItem(ItemThreadID, parseThreadID)
	r.StatusItem(MailboxItem, parseMailboxIDItem)
	r.EncodeCode(MailboxItem, encodeMailboxIDCode)
	r.EncodeFetchItem(ItemEmailID, encodeID)
	r.EncodeFetchItem(ItemThreadID, encodeID)
	r.EncodeStatusItem(MailboxItem, encodeMailboxIDItem)
}

// writeParenID writes "(" objectid ")".
func writeParenID(w *codec.Writer, id ID) {
	if !id.Valid() {
		w.Fail(fmt.Errorf("%w: %q", ErrInvalidID, string(id)))
		return
	}
	w.List(func() { w.Atom(string(id)) })
}

func encodeMailboxIDCode(w *codec.Writer, c *wire.Code) error {
	id, ok := c.Data.(ID)
	if !ok {
		return fmt.Errorf("objectid: MAILBOXID data %T: %w", c.Data, codec.ErrUnsupportedData)
	}
	w.SP()
	writeParenID(w, id)
	return w.Err()
}

// encodeID writes an EMAILID or THREADID value; the empty ID of a
// THREADID is NIL (RFC 8474 §5.2).
func encodeID(w *codec.Writer, item string, v any) error {
	id, ok := v.(ID)
	if !ok {
		return fmt.Errorf("objectid: %s value %T: %w", item, v, codec.ErrUnsupportedData)
	}
	if id == "" && strings.EqualFold(item, ItemThreadID) {
		w.NIL()
	} else {
		writeParenID(w, id)
	}
	return w.Err()
}

// encodeMailboxIDItem writes the value of the MAILBOXID STATUS item.
func encodeMailboxIDItem(w *codec.Writer, _ string, v any) error {
	id, ok := v.(ID)
	if !ok {
		return fmt.Errorf("objectid: STATUS MAILBOXID value %T: %w", v, codec.ErrUnsupportedData)
	}
	writeParenID(w, id)
	return w.Err()
}

// readParenID reads "(" objectid ")".
func readParenID(p *codec.Parser) (ID, error) {
	if err := p.Expect('('); err != nil {
		return "", err
	}
	s, err := p.ReadAtom()
	if err != nil {
		return "", err
	}
	id := ID(s)
	if !id.Valid() {
		return "", p.SyntaxError("objectid")
	}
	if err := p.Expect(')'); err != nil {
		return "", err
	}
	return id, nil
}

// parseMailboxIDCode parses "MAILBOXID" SP "(" objectid ")" (RFC 8474 §7).
func parseMailboxIDCode(p *codec.Parser, _ string) (any, error) { return readParenID(p) }

// parseEmailID parses fetch-emailid-resp, "EMAILID" SP "(" objectid ")".
func parseEmailID(p *codec.Parser, _ string) (any, error) { return readParenID(p) }

// parseThreadID parses fetch-threadid-resp, "THREADID" SP ("(" objectid
// ")" / nil): NIL (a server that does not thread this message, RFC 8474
// §5.2) is the empty ID.
func parseThreadID(p *codec.Parser, _ string) (any, error) {
	if p.ReadNil() {
		return ID(""), nil
	}
	return readParenID(p)
}

// parseMailboxIDItem parses the value of status-att-val =/ "MAILBOXID"
// SP "(" objectid ")" (RFC 8474 §7).
func parseMailboxIDItem(p *codec.Parser, _ string) (any, error) { return readParenID(p) }

// MailboxIDCode returns the MAILBOXID code of resp (RFC 8474 §4.1): the
// tagged OK of CREATE, or an untagged OK during SELECT/EXAMINE. It reads
// the parser's ID and the generic tree alike.
func MailboxIDCode(resp *wire.Response) (ID, bool) {
	if resp == nil || resp.Code == nil || !strings.EqualFold(resp.Code.Name, MailboxItem) {
		return "", false
	}
	if id, ok := resp.Code.Data.(ID); ok {
		return id, true
	}
	if a := resp.Code.Args; len(a) == 1 {
		return genericID(a[0])
	}
	return "", false
}

// genericID reads "(objectid)" from a generic value tree.
func genericID(v wire.Value) (ID, bool) {
	if v.Kind != wire.KindList || len(v.List) != 1 {
		return "", false
	}
	x := v.List[0]
	if x.Kind != wire.KindAtom && x.Kind != wire.KindNumber && x.Kind != wire.KindString {
		return "", false
	}
	id := ID(x.Text())
	return id, id.Valid()
}

// EmailID returns the EMAILID of f (RFC 8474 §5.1).
func EmailID(f *wire.FetchData) (ID, bool) { return fetchID(f, ItemEmailID) }

// ThreadID returns the THREADID of f (RFC 8474 §5.2). A server that
// does not thread the message sends NIL: ok is true and the ID empty.
// Cyrus 3.6 sends "THREADID (NIL)" instead, which is taken as NIL too:
// RFC 8474 §8.1 tells servers never to use NIL as an ID.
func ThreadID(f *wire.FetchData) (ID, bool) {
	if f != nil {
		if v, ok := f.Item(ItemThreadID); ok {
			if g, ok := v.(wire.Value); ok && g.Kind == wire.KindNil {
				return "", true
			}
		}
	}
	id, ok := fetchID(f, ItemThreadID)
	if ok && strings.EqualFold(string(id), "NIL") {
		return "", true
	}
	return id, ok
}

func fetchID(f *wire.FetchData, name string) (ID, bool) {
	if f == nil {
		return "", false
	}
	v, ok := f.Item(name)
	if !ok {
		return "", false
	}
	switch d := v.(type) {
	case ID:
		return d, true
	case wire.Value:
		return genericID(d)
	}
	return "", false
}

// FetchItems are the items that ask for EMAILID and THREADID, for
// client.FetchItems.Extra.
func FetchItems() []wire.Value { return []wire.Value{wire.Atom(ItemEmailID), wire.Atom(ItemThreadID)} }

// EmailIDKey is the SEARCH key EMAILID objectid (RFC 8474 §6), for
// client.SearchCriteria.Keys.
func EmailIDKey(id ID) []wire.Value { return []wire.Value{wire.Atom("EMAILID"), wire.Atom(string(id))} }

// ThreadIDKey is the SEARCH key THREADID objectid (RFC 8474 §6).
func ThreadIDKey(id ID) []wire.Value {
	return []wire.Value{wire.Atom("THREADID"), wire.Atom(string(id))}
}

// ErrInvalidID is returned for an identifier without the syntax of RFC
// 8474 §7, before anything is sent.
var ErrInvalidID = errors.New("objectid: invalid object identifier")

// Require returns nil when the server advertises OBJECTID, else an error
// wrapping client.ErrNotSupported.
func Require(ctx context.Context, c *client.Conn) error {
	return extutil.Require(ctx, c, "objectid", "OBJECTID")
}

// Create creates mailbox name and returns the MAILBOXID the server gave it
// in the tagged OK (RFC 8474 §4.1). The ID is empty when the server sent
// none.
func Create(ctx context.Context, c *client.Conn, name string) (ID, error) {
	if err := Require(ctx, c); err != nil {
		return "", err
	}
	mb, err := c.MailboxArg(name)
	if err != nil {
		return "", err
	}
	cmd, err := c.Start(ctx, client.Spec{Name: "CREATE", Args: []wire.Value{mb},
		States: []client.State{client.StateAuthenticated, client.StateSelected}})
	if err != nil {
		return "", err
	}
	final, err := cmd.Wait(ctx)
	if err != nil {
		return "", err
	}
	id, _ := MailboxIDCode(final)
	return id, nil
}

// MailboxID asks for the MAILBOXID of mailbox with STATUS (RFC 8474
// §4.2).
func MailboxID(ctx context.Context, c *client.Conn, mailbox string) (ID, error) {
	if err := Require(ctx, c); err != nil {
		return "", err
	}
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return "", err
	}
	cmd, err := c.Start(ctx, client.Spec{
		Name: "STATUS", Args: []wire.Value{mb, wire.List(wire.Atom(MailboxItem))},
		States: []client.State{client.StateAuthenticated, client.StateSelected},
		Claim: func(r *wire.Response) bool {
			return r.Kind == wire.DataResponse && r.Name == "STATUS"
		},
	})
	if err != nil {
		return "", err
	}
	var id ID
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return "", err
		}
		if got, ok := StatusMailboxID(r); ok {
			id = got
		}
	}
	if id == "" {
		return "", fmt.Errorf("objectid: STATUS %q returned no MAILBOXID", mailbox)
	}
	return id, nil
}

// StatusMailboxID returns the MAILBOXID item of a STATUS response (RFC
// 8474 §4.2), parsed by Install's item parser (StatusItem.Data) or left
// as a generic tree (StatusItem.Other, or the whole response as a tree).
func StatusMailboxID(r *wire.Response) (ID, bool) {
	if r == nil || r.Kind != wire.DataResponse || r.Name != "STATUS" {
		return "", false
	}
	switch d := r.Data.(type) {
	case *wire.StatusData:
		it := d.Item(MailboxItem)
		if it == nil {
			return "", false
		}
		if id, ok := it.Data.(ID); ok {
			return id, true
		}
		if it.Other != nil {
			return genericID(*it.Other)
		}
	case []wire.Value:
		// "mailbox" SP "(" items ")" as a generic tree.
		for _, v := range d {
			if v.Kind != wire.KindList {
				continue
			}
			for i := 0; i+1 < len(v.List); i += 2 {
				if v.List[i].Kind == wire.KindAtom && strings.EqualFold(v.List[i].Str, MailboxItem) {
					return genericID(v.List[i+1])
				}
			}
		}
	}
	return "", false
}

// IDs are the identifiers of one message.
type IDs struct {
	Seq, UID uint32
	EmailID  ID
	// ThreadID is empty when the server does not thread the message.
	ThreadID ID
}

// Fetch fetches EMAILID, THREADID (and UID) of the messages in set.
func Fetch(ctx context.Context, c *client.Conn, set seqset.Set) ([]IDs, error) {
	return fetch(ctx, c, set, false)
}

// UIDFetch is Fetch by UID.
func UIDFetch(ctx context.Context, c *client.Conn, uids seqset.Set) ([]IDs, error) {
	return fetch(ctx, c, uids, true)
}

func fetch(ctx context.Context, c *client.Conn, set seqset.Set, uid bool) ([]IDs, error) {
	if err := Require(ctx, c); err != nil {
		return nil, err
	}
	data, err := run.Fetch(ctx, c, set, uid, FetchItems())
	out := make([]IDs, 0, len(data))
	for _, d := range data {
		ids := IDs{Seq: d.Seq, UID: d.UID}
		ids.EmailID, _ = EmailID(d)
		ids.ThreadID, _ = ThreadID(d)
		out = append(out, ids)
	}
	return out, err
}

// SearchEmailID returns the UIDs of the messages whose EMAILID is id
// (RFC 8474 §6).
func SearchEmailID(ctx context.Context, c *client.Conn, id ID) ([]uint32, error) {
	return search(ctx, c, EmailIDKey(id), id)
}

// SearchThreadID returns the UIDs of the messages in thread id.
func SearchThreadID(ctx context.Context, c *client.Conn, id ID) ([]uint32, error) {
	return search(ctx, c, ThreadIDKey(id), id)
}

func search(ctx context.Context, c *client.Conn, key []wire.Value, id ID) ([]uint32, error) {
	if !id.Valid() {
		return nil, fmt.Errorf("%w: %q", ErrInvalidID, string(id))
	}
	if err := Require(ctx, c); err != nil {
		return nil, err
	}
	res, err := c.UIDSearch(ctx, &client.SearchCriteria{Keys: key}, nil)
	if err != nil {
		return nil, err
	}
	return res.Nums, nil
}

// Select opens a mailbox as client.Conn.Select does (RFC 9051 §6.3.2,
// EXAMINE when opts.ReadOnly) and also returns the MAILBOXID the server
// reports in an untagged OK during SELECT (RFC 8474 §4.1), which
// client.Mailbox has no field for. The ID is empty when the server sent
// none. It does not require OBJECTID: without it, it is a plain SELECT.
func Select(ctx context.Context, c *client.Conn, name string, opts *client.SelectOptions) (*client.Mailbox, ID, error) {
	mb, err := c.MailboxArg(name)
	if err != nil {
		return nil, "", err
	}
	verb := "SELECT"
	args := []wire.Value{mb}
	if opts != nil {
		if opts.ReadOnly {
			verb = "EXAMINE"
		}
		if len(opts.Params) > 0 {
			args = append(args, wire.List(opts.Params...))
		}
	}
	// The client applies SELECT's responses and completion to its state
	// whichever path sent the command; this one also reads the codes.
	cmd, err := c.Start(ctx, client.Spec{
		Name: verb, Args: args, Alone: true,
		States: []client.State{client.StateAuthenticated, client.StateSelected},
		Claim: func(r *wire.Response) bool {
			switch r.Name {
			case "EXISTS", "RECENT", "FLAGS":
				return true
			}
			return r.Kind == wire.StatusResponse && r.Status == wire.StatusOK && r.Code != nil
		},
	})
	if err != nil {
		return nil, "", err
	}
	var id ID
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return nil, "", err
		}
		if got, ok := MailboxIDCode(r); ok {
			id = got
		}
	}
	return c.Mailbox(), id, nil
}
