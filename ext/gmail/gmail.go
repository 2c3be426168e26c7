// Package gmail implements Gmail's IMAP extensions, X-GM-EXT-1
// (https://developers.google.com/gmail/imap/imap-extensions): the
// account-wide message ID (X-GM-MSGID) and thread ID (X-GM-THRID), labels
// (X-GM-LABELS: FETCH, STORE +/-, SEARCH) and Gmail's own search syntax
// (X-GM-RAW).
//
// Install registers the parsers (and encoders) of the three FETCH items:
// X-GM-MSGID and X-GM-THRID as uint64, X-GM-LABELS as Labels. The typed
// calls check for X-GM-EXT-1 and fail with an error wrapping
// client.ErrNotSupported otherwise.
//
// Labels are astrings in modified UTF-7 (RFC 3501 §5.1.3) on the wire, as
// Gmail's page says; system labels are flag-like atoms (\Inbox, \Sent,
// \Important, \Starred, \Draft, \Trash, \Spam). Package users see UTF-8.
// Gmail exposes labels as mailboxes too; SpecialMailboxes maps the
// special-use attributes of LIST (RFC 6154, plus Gmail's \Important) to
// mailbox names, so that "[Gmail]/All Mail" is found in any locale.
//
// No server on the project's test machine implements X-GM-EXT-1; the tests
// replay Gmail's published transcripts.
package gmail

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
	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

// Capability is the capability that announces the extensions.
const Capability = "X-GM-EXT-1"

// FETCH item and SEARCH key names.
const (
	ItemMsgID  = "X-GM-MSGID"
	ItemThrID  = "X-GM-THRID"
	ItemLabels = "X-GM-LABELS"
	KeyRaw     = "X-GM-RAW"
)

// MaxLabels bounds the labels read from one message.
const MaxLabels = 4096

// Labels is a parsed X-GM-LABELS item.
type Labels struct {
	// Names are the labels in UTF-8; system labels keep their backslash
	// (\Inbox, \Important).
	Names []string
	// wire keeps each label as the server sent it, so that a proxy
	// re-encodes it byte for byte; nil for Labels built by hand.
	wire []wire.Value
}

// Install registers the parsers and encoders of X-GM-MSGID, X-GM-THRID
// and X-GM-LABELS into a connection's registry. Use it as a
// client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the same into a codec registry.
func RegisterCodec(r *codec.Registry) {
	r.FetchItem(ItemMsgID, parseID)
	r.FetchItem(ItemThrID, parseID)
	r.FetchItem(ItemLabels, parseLabels)
	r.EncodeFetchItem(ItemMsgID, encodeID)
	r.EncodeFetchItem(ItemThrID, encodeID)
	r.EncodeFetchItem(ItemLabels, encodeLabels)
}

// parseID reads a message or thread ID. Gmail calls them 64-bit unsigned
// integers: a lenient decoder reads up to 2^64-1, a strict one stops at
// number64's 2^63-1 (RFC 9051 §9), as codec.Parser.ReadNumber64 does.
func parseID(p *codec.Parser, _ string) (any, error) { return p.ReadNumber64() }

func encodeID(w *codec.Writer, item string, v any) error {
	n, ok := v.(uint64)
	if !ok {
		return fmt.Errorf("gmail: %s value %T: %w", item, v, codec.ErrUnsupportedData)
	}
	w.Number(n)
	return w.Err()
}

// parseLabels reads "(" [astring *(SP astring)] ")", where an astring
// may also be a flag-like \Name.
func parseLabels(p *codec.Parser, _ string) (any, error) {
	l := Labels{Names: []string{}}
	err := p.ReadList(func(p *codec.Parser) error {
		if len(l.Names) >= MaxLabels {
			return p.SyntaxError(fmt.Sprintf("at most %d labels", MaxLabels))
		}
		var v wire.Value
		if c, _ := p.PeekByte(); c == '\\' {
			f, err := p.ReadFlag()
			if err != nil {
				return err
			}
			v = wire.Atom(f)
		} else {
			var err error
			if v, err = p.ReadValue(); err != nil {
				return err
			}
			if v.Kind == wire.KindNumber {
				v = wire.Atom(v.Text())
			}
			if v.Kind != wire.KindAtom && v.Kind != wire.KindString || v.Streamed {
				return p.SyntaxError("astring")
			}
		}
		l.Names = append(l.Names, decodeLabel(v.Text()))
		l.wire = append(l.wire, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// decodeLabel decodes modified UTF-7; a name that is not valid modified
// UTF-7 (a server sending UTF-8) is kept as it is.
func decodeLabel(s string) string {
	if strings.HasPrefix(s, `\`) || !strings.Contains(s, "&") {
		return s
	}
	if d, err := utf7.Decode(s); err == nil {
		return d
	}
	return s
}

// labelArg is a label as a command argument: a system label as an atom,
// a user label as a modified UTF-7 astring.
func labelArg(name string) (wire.Value, error) {
	if strings.HasPrefix(name, `\`) {
		if len(name) < 2 || !isAtom(name[1:]) {
			return wire.Value{}, fmt.Errorf("gmail: invalid system label %q", name)
		}
		return wire.Atom(name), nil
	}
	enc, err := utf7.Encode(name)
	if err != nil {
		return wire.Value{}, fmt.Errorf("gmail: label %q: %w", name, err)
	}
	return wire.String(enc), nil
}

func isAtom(s string) bool {
	for i := 0; i < len(s); i++ {
		if !wire.IsAtomChar(s[i]) {
			return false
		}
	}
	return s != ""
}

func encodeLabels(w *codec.Writer, item string, v any) error {
	l, ok := v.(Labels)
	if !ok {
		return fmt.Errorf("gmail: %s value %T: %w", item, v, codec.ErrUnsupportedData)
	}
	useWire := len(l.wire) == len(l.Names)
	w.List(func() {
		for i, name := range l.Names {
			if i > 0 {
				w.SP()
			}
			if useWire && decodeLabel(l.wire[i].Text()) == name {
				w.Value(l.wire[i])
				continue
			}
			a, err := labelArg(name)
			if err != nil {
				w.Fail(err)
				return
			}
			w.Value(a)
		}
	})
	return w.Err()
}

// MsgID returns the X-GM-MSGID of f.
func MsgID(f *wire.FetchData) (uint64, bool) { return number(f, ItemMsgID) }

// ThrID returns the X-GM-THRID of f.
func ThrID(f *wire.FetchData) (uint64, bool) { return number(f, ItemThrID) }

func number(f *wire.FetchData, name string) (uint64, bool) {
	if f == nil {
		return 0, false
	}
	v, ok := f.Item(name)
	if !ok {
		return 0, false
	}
	switch d := v.(type) {
	case uint64:
		return d, true
	case wire.Value:
		if d.Kind == wire.KindNumber {
			return d.Num, true
		}
	}
	return 0, false
}

// LabelsOf returns the X-GM-LABELS of f in UTF-8, parsed by Install's
// parser or left as a generic tree.
func LabelsOf(f *wire.FetchData) ([]string, bool) {
	if f == nil {
		return nil, false
	}
	v, ok := f.Item(ItemLabels)
	if !ok {
		return nil, false
	}
	switch d := v.(type) {
	case Labels:
		return d.Names, true
	case wire.Value:
		if d.Kind != wire.KindList {
			return nil, false
		}
		out := make([]string, 0, len(d.List))
		for _, x := range d.List {
			if x.Kind != wire.KindAtom && x.Kind != wire.KindString && x.Kind != wire.KindNumber {
				return nil, false
			}
			out = append(out, decodeLabel(x.Text()))
		}
		return out, true
	}
	return nil, false
}

// Require returns nil when the server advertises X-GM-EXT-1.
func Require(ctx context.Context, c *client.Conn) error {
	return extutil.Require(ctx, c, "gmail", Capability)
}

// Message is what Fetch returns for one message.
type Message struct {
	Seq, UID     uint32
	MsgID, ThrID uint64
	Labels       []string
}

// FetchItems are X-GM-MSGID, X-GM-THRID and X-GM-LABELS, for
// client.FetchItems.Extra.
func FetchItems() []wire.Value {
	return []wire.Value{wire.Atom(ItemMsgID), wire.Atom(ItemThrID), wire.Atom(ItemLabels)}
}

// Fetch fetches the UID, message ID, thread ID and labels of the
// messages in set (UIDs when uid is set).
func Fetch(ctx context.Context, c *client.Conn, set seqset.Set, uid bool) ([]Message, error) {
	if err := Require(ctx, c); err != nil {
		return nil, err
	}
	data, err := run.Fetch(ctx, c, set, uid, FetchItems())
	out := make([]Message, 0, len(data))
	for _, d := range data {
		m := Message{Seq: d.Seq, UID: d.UID}
		m.MsgID, _ = MsgID(d)
		m.ThrID, _ = ThrID(d)
		m.Labels, _ = LabelsOf(d)
		out = append(out, m)
	}
	return out, err
}

// StoreMode says how StoreLabels changes the labels.
type StoreMode uint8

const (
	Replace StoreMode = iota // X-GM-LABELS
	Add                      // +X-GM-LABELS
	Remove                   // -X-GM-LABELS
)

// ErrEmptySet is returned for a STORE of no messages.
var ErrEmptySet = errors.New("gmail: empty set")

// StoreLabels changes the labels of the messages in set (UIDs when uid
// is set): STORE set [+-]X-GM-LABELS (labels). It returns the new label
// sets Gmail echoes in FETCH responses, keyed by sequence number.
func StoreLabels(ctx context.Context, c *client.Conn, set seqset.Set, uid bool, mode StoreMode, labels []string) (map[uint32][]string, error) {
	if set.IsEmpty() {
		return nil, ErrEmptySet
	}
	if err := Require(ctx, c); err != nil {
		return nil, err
	}
	list := make([]wire.Value, 0, len(labels))
	for _, l := range labels {
		a, err := labelArg(l)
		if err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	item := [...]string{Replace: ItemLabels, Add: "+" + ItemLabels, Remove: "-" + ItemLabels}[mode]
	name := "STORE"
	if uid {
		name = "UID STORE"
	}
	cmd, err := c.Start(ctx, client.Spec{
		Name:        name,
		Args:        []wire.Value{wire.Raw(set.String()), wire.Atom(item), wire.List(list...)},
		States:      extutil.Selected,
		UsesSeqNums: !uid,
		NoExpunge:   true, // STORE (RFC 9051 §5.5)
		Claim: func(r *wire.Response) bool {
			return r.Kind == wire.DataResponse && r.Name == "FETCH"
		},
	})
	if err != nil {
		return nil, err
	}
	out := map[uint32][]string{}
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return out, err
		}
		if f, ok := r.Data.(*wire.FetchData); ok {
			if l, ok := LabelsOf(f); ok {
				out[f.Seq] = l
			}
		}
	}
	return out, nil
}

// RawKey is the SEARCH key X-GM-RAW "query": Gmail's web search syntax,
// e.g. "has:attachment in:unread". For client.SearchCriteria.Keys.
func RawKey(query string) []wire.Value {
	return []wire.Value{wire.Atom(KeyRaw), wire.Quoted(query)}
}

// MsgIDKey is the SEARCH key X-GM-MSGID n.
func MsgIDKey(id uint64) []wire.Value { return []wire.Value{wire.Atom(ItemMsgID), wire.Number(id)} }

// ThrIDKey is the SEARCH key X-GM-THRID n.
func ThrIDKey(id uint64) []wire.Value { return []wire.Value{wire.Atom(ItemThrID), wire.Number(id)} }

// LabelKey is the SEARCH key X-GM-LABELS label.
func LabelKey(label string) ([]wire.Value, error) {
	a, err := labelArg(label)
	if err != nil {
		return nil, err
	}
	return []wire.Value{wire.Atom(ItemLabels), a}, nil
}

// Search runs UID SEARCH with Gmail's search syntax (X-GM-RAW) and
// returns the UIDs. A query with non-ASCII text is sent with CHARSET
// UTF-8.
func Search(ctx context.Context, c *client.Conn, query string) ([]uint32, error) {
	if err := Require(ctx, c); err != nil {
		return nil, err
	}
	var opts *client.SearchOptions
	for i := 0; i < len(query); i++ {
		if query[i] >= 0x80 {
			// A non-ASCII query goes as a literal, in the charset named
			// (RFC 9051 §6.4.4).
			opts = &client.SearchOptions{Charset: "UTF-8"}
			break
		}
	}
	res, err := c.UIDSearch(ctx, &client.SearchCriteria{Keys: RawKey(query)}, opts)
	if err != nil {
		return nil, err
	}
	return res.Nums, nil
}

// Special-use attributes Gmail marks its system mailboxes with (RFC 6154,
// and Gmail's \Important).
const (
	AttrAll       = `\All`
	AttrDrafts    = `\Drafts`
	AttrImportant = `\Important`
	AttrSent      = `\Sent`
	AttrJunk      = `\Junk`
	AttrFlagged   = `\Flagged`
	AttrTrash     = `\Trash`
)

// SpecialMailboxes maps each special-use attribute (AttrAll, ...) to the
// mailbox name Gmail gives it in this account's language, from the LIST
// responses in l (e.g. from client.Conn.List(ctx, "", []string{"*"},
// nil)). INBOX maps to itself under the key "INBOX".
func SpecialMailboxes(l *client.ListResult) map[string]string {
	out := map[string]string{}
	if l == nil {
		return out
	}
	for _, m := range l.Mailboxes {
		if strings.EqualFold(m.Mailbox, "INBOX") {
			out["INBOX"] = m.Mailbox
		}
		for _, a := range m.Attrs {
			switch strings.ToLower(a) {
			case `\all`, `\drafts`, `\important`, `\sent`, `\junk`, `\flagged`, `\trash`:
				key := `\` + strings.ToUpper(a[1:2]) + strings.ToLower(a[2:])
				if _, dup := out[key]; !dup {
					out[key] = m.Mailbox
				}
			}
		}
	}
	return out
}

// systemLabels maps Gmail's system labels to the special-use attribute
// of the mailbox that shows them.
var systemLabels = map[string]string{
	`\inbox`: "INBOX", `\sent`: AttrSent, `\draft`: AttrDrafts, `\drafts`: AttrDrafts,
	`\important`: AttrImportant, `\starred`: AttrFlagged, `\spam`: AttrJunk, `\trash`: AttrTrash,
}

// LabelMailbox returns the mailbox that shows label: a system label's
// special-use mailbox from special (SpecialMailboxes), or the label
// itself for a user label (Gmail's labels are mailboxes of the same
// name).
func LabelMailbox(special map[string]string, label string) (string, bool) {
	if !strings.HasPrefix(label, `\`) {
		return label, label != ""
	}
	attr, ok := systemLabels[strings.ToLower(label)]
	if !ok {
		return "", false
	}
	name, ok := special[attr]
	return name, ok
}
