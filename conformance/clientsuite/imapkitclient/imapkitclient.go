// Package imapkitclient drives imapkit's client (package client) through
// the client suite's interface (clientsuite.Client and every optional
// interface), so that the suite runs imapkit against any server.
package imapkitclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/conformance/clientsuite"
	"github.com/imapkit/imapkit/ext/condstore"
	"github.com/imapkit/imapkit/ext/qresync"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// Options adjust the connections Dial makes.
type Options struct {
	// Trace, when set, receives every byte both ways (client.Options.Trace).
	Trace io.Writer
}

// Dial returns a clientsuite.Dial that connects imapkit's client.
func Dial(opts *Options) clientsuite.Dial {
	if opts == nil {
		opts = &Options{}
	}
	return func(ctx context.Context, t clientsuite.Target, implicitTLS bool) (clientsuite.Client, error) {
		c := &Client{news: make(chan struct{}, 1)}
		o := &client.Options{
			TLSConfig:    t.TLSConfig,
			InsecureAuth: true, // test servers on 127.0.0.1
			Trace:        opts.Trace,
			Extensions:   []client.Extension{condstore.Install, qresync.Install},
			MailboxUpdate: func(client.MailboxEvent) {
				select {
				case c.news <- struct{}{}:
				default:
				}
			},
		}
		addr := "imap://" + t.Addr
		if implicitTLS {
			addr = "imaps://" + t.TLSAddr
		}
		conn, err := client.Dial(ctx, addr, o)
		if err != nil {
			return nil, err
		}
		c.c = conn
		return c, nil
	}
}

// Client is imapkit's client seen through clientsuite.Client.
type Client struct {
	c    *client.Conn
	news chan struct{} // a change of the selected mailbox happened
}

// Conn returns the underlying connection.
func (a *Client) Conn() *client.Conn { return a.c }

var (
	_ clientsuite.Client      = (*Client)(nil)
	_ clientsuite.Mover       = (*Client)(nil)
	_ clientsuite.UIDExpunger = (*Client)(nil)
	_ clientsuite.Idler       = (*Client)(nil)
	_ clientsuite.Compressor  = (*Client)(nil)
	_ clientsuite.Namespacer  = (*Client)(nil)
	_ clientsuite.ESearcher   = (*Client)(nil)
	_ clientsuite.Resyncer    = (*Client)(nil)
)

func (a *Client) Capabilities(ctx context.Context) ([]string, error) { return a.c.Capability(ctx) }
func (a *Client) StartTLS(ctx context.Context) error                 { return a.c.StartTLS(ctx) }
func (a *Client) Login(ctx context.Context, user, pass string) error {
	return a.c.Login(ctx, user, pass)
}
func (a *Client) Logout(ctx context.Context) error                  { return a.c.Logout(ctx) }
func (a *Client) Close() error                                      { return a.c.Close() }
func (a *Client) Create(ctx context.Context, name string) error     { return a.c.Create(ctx, name) }
func (a *Client) Delete(ctx context.Context, name string) error     { return a.c.Delete(ctx, name) }
func (a *Client) Rename(ctx context.Context, from, to string) error { return a.c.Rename(ctx, from, to) }
func (a *Client) Subscribe(ctx context.Context, name string) error  { return a.c.Subscribe(ctx, name) }
func (a *Client) CloseMailbox(ctx context.Context) error            { return a.c.CloseMailbox(ctx) }
func (a *Client) Compress(ctx context.Context) error                { return a.c.Compress(ctx, nil, -1) }

func (a *Client) List(ctx context.Context, ref, pattern string, ret []string) ([]clientsuite.ListEntry, error) {
	var opts *client.ListOptions
	if len(ret) > 0 {
		opts = &client.ListOptions{Return: client.ListOptionNames(ret...)}
	}
	r, err := a.c.List(ctx, ref, []string{pattern}, opts)
	if err != nil {
		return nil, err
	}
	return entries(r.Mailboxes), nil
}

func (a *Client) Lsub(ctx context.Context, ref, pattern string) ([]clientsuite.ListEntry, error) {
	r, err := a.c.Lsub(ctx, ref, pattern)
	if err != nil {
		return nil, err
	}
	return entries(r.Mailboxes), nil
}

func entries(ls []*wire.ListData) []clientsuite.ListEntry {
	out := make([]clientsuite.ListEntry, 0, len(ls))
	for _, l := range ls {
		e := clientsuite.ListEntry{Name: l.Mailbox, Attrs: l.Attrs}
		if l.Delim != 0 {
			e.Delim = string(l.Delim)
		}
		out = append(out, e)
	}
	return out
}

func (a *Client) Status(ctx context.Context, name string, items []string) (map[string]uint64, error) {
	st, err := a.c.Status(ctx, name, items)
	if err != nil {
		return nil, err
	}
	m := make(map[string]uint64, len(st.Items))
	for _, it := range st.Items {
		m[strings.ToUpper(it.Name)] = it.Value
	}
	return m, nil
}

func (a *Client) Select(ctx context.Context, name string, opts clientsuite.SelectOptions) (*clientsuite.MailboxInfo, error) {
	o := &client.SelectOptions{ReadOnly: opts.ReadOnly}
	if opts.CondStore {
		o.Params = []wire.Value{condstore.SelectParam()}
	}
	mb, err := a.c.Select(ctx, name, o)
	if err != nil {
		return nil, err
	}
	return a.info(mb), nil
}

// maxResyncUIDs bounds the vanished UIDs Resync lists (a server may
// name a range of millions).
const maxResyncUIDs = 1 << 20

// Resync selects name with the QRESYNC parameter through ext/qresync.
func (a *Client) Resync(ctx context.Context, name string, uidValidity uint32, modSeq uint64) (*clientsuite.ResyncResult, error) {
	ch, err := qresync.Resync(ctx, a.c, name, qresync.Saved{UIDValidity: uidValidity, HighestModSeq: modSeq}, false)
	if err != nil {
		return nil, err
	}
	r := &clientsuite.ResyncResult{}
	if info := a.info(ch.Mailbox); info != nil {
		r.Mailbox = *info
	}
	for u := range ch.Vanished.All() {
		if len(r.Vanished) == maxResyncUIDs {
			return nil, fmt.Errorf("QRESYNC: more than %d vanished UIDs", maxResyncUIDs)
		}
		r.Vanished = append(r.Vanished, u)
	}
	for _, f := range ch.Changed {
		r.Changed = append(r.Changed, f.UID)
	}
	return r, nil
}

func (a *Client) info(mb *client.Mailbox) *clientsuite.MailboxInfo {
	if mb == nil {
		return nil
	}
	return &clientsuite.MailboxInfo{
		Exists: mb.Exists, Recent: mb.Recent, UIDValidity: mb.UIDValidity, UIDNext: mb.UIDNext,
		HighestModSeq: mb.HighestModSeq, Flags: mb.Flags, PermanentFlags: mb.PermanentFlags,
		ReadOnly: mb.ReadOnly,
	}
}

func (a *Client) Append(ctx context.Context, mailbox string, msg []byte, flags []string, date time.Time) (uint32, error) {
	r, err := a.c.Append(ctx, mailbox, bytes.NewReader(msg), int64(len(msg)), &client.AppendOptions{Flags: flags, Date: date})
	if err != nil {
		return 0, err
	}
	if r == nil {
		return 0, nil
	}
	return r.UID, nil
}

func parseSet(s string) (seqset.Set, error) {
	set, err := seqset.Parse(s)
	if err != nil {
		return seqset.Set{}, fmt.Errorf("imapkitclient: set %q: %w", s, err)
	}
	return set, nil
}

func (a *Client) Fetch(ctx context.Context, set string, uid bool, req clientsuite.FetchRequest) ([]clientsuite.Message, error) {
	s, err := parseSet(set)
	if err != nil {
		return nil, err
	}
	items := &client.FetchItems{
		UID: req.UID, Flags: req.Flags, InternalDate: req.InternalDate, RFC822Size: req.Size,
		Envelope: req.Envelope, BodyStructure: req.BodyStructure,
	}
	if req.ModSeq {
		items.Extra = append(items.Extra, condstore.FetchModSeq())
	}
	for _, sec := range req.Sections {
		fs, err := fetchSection(sec)
		if err != nil {
			return nil, err
		}
		fs.SetSeen = req.Mark
		items.Sections = append(items.Sections, fs)
	}
	var cmd *client.FetchCommand
	if uid {
		cmd, err = a.c.UIDFetch(ctx, s, items, nil)
	} else {
		cmd, err = a.c.Fetch(ctx, s, items, nil)
	}
	if err != nil {
		return nil, err
	}
	fds, err := cmd.CollectMessages(ctx)
	if err != nil {
		return nil, err
	}
	return messages(fds), nil
}

func fetchSection(s clientsuite.Section) (client.FetchSection, error) {
	fs := client.FetchSection{Section: wire.Section{Specifier: s.Specifier, Fields: s.Fields}, Offset: s.Offset, Count: s.Count}
	if s.Part != "" {
		for p := range strings.SplitSeq(s.Part, ".") {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 {
				return fs, fmt.Errorf("imapkitclient: bad part number %q", s.Part)
			}
			fs.Section.Part = append(fs.Section.Part, n)
		}
	}
	return fs, nil
}

// sectionKey is clientsuite.Section.Key of a returned section.
func sectionKey(s wire.Section) string {
	cs := clientsuite.Section{Specifier: strings.ToUpper(s.Specifier), Fields: s.Fields}
	parts := make([]string, len(s.Part))
	for i, p := range s.Part {
		parts[i] = strconv.Itoa(p)
	}
	cs.Part = strings.Join(parts, ".")
	return cs.Key()
}

// messages merges the FETCH responses of each message (a server may split
// one message's items over several responses), in first-seen order.
func messages(fds []*wire.FetchData) []clientsuite.Message {
	var out []clientsuite.Message
	index := map[uint32]int{}
	for _, fd := range fds {
		i, ok := index[fd.Seq]
		if !ok {
			i = len(out)
			index[fd.Seq] = i
			out = append(out, clientsuite.Message{Seq: fd.Seq, Sections: map[string][]byte{}})
		}
		m := &out[i]
		if fd.Has&wire.FetchUID != 0 {
			m.UID = fd.UID
		}
		if fd.Has&wire.FetchFlags != 0 {
			m.Flags, m.HasFlags = fd.Flags, true
		}
		if fd.Has&wire.FetchInternalDate != 0 {
			m.InternalDate = fd.InternalDate
		}
		if fd.Has&wire.FetchRFC822Size != 0 {
			m.Size = fd.RFC822Size
		}
		if fd.Envelope != nil {
			m.Envelope = envelope(fd.Envelope)
		}
		if fd.BodyStructure != nil {
			p := part(fd.BodyStructure)
			m.Body = &p
		}
		if ms, ok := condstore.ModSeq(fd); ok {
			m.ModSeq = ms
		}
		for _, sd := range fd.Sections {
			if sd.Item == "BODY" || sd.Item == "BINARY" {
				m.Sections[sectionKey(sd.Section)] = sd.Data
			}
		}
	}
	return out
}

func envelope(e *wire.Envelope) *clientsuite.Envelope {
	addrs := func(as []wire.Address) []string {
		var out []string
		for _, a := range as {
			if !a.IsGroupStart() && !a.IsGroupEnd() {
				out = append(out, a.Mailbox+"@"+a.Host)
			}
		}
		return out
	}
	return &clientsuite.Envelope{Date: e.Date, Subject: e.Subject, MessageID: e.MessageID, From: addrs(e.From), To: addrs(e.To)}
}

func part(b *wire.BodyStructure) clientsuite.Part {
	p := clientsuite.Part{
		Type: strings.ToLower(b.Type), Subtype: strings.ToLower(b.Subtype),
		Encoding: b.Encoding, Size: b.Size, Params: map[string]string{},
	}
	for _, pr := range b.Params {
		p.Params[strings.ToLower(pr.Name)] = pr.Value
	}
	for i := range b.Parts {
		p.Parts = append(p.Parts, part(&b.Parts[i]))
	}
	return p
}

func (a *Client) Store(ctx context.Context, set string, uid bool, op clientsuite.StoreOp, flags []string) error {
	s, err := parseSet(set)
	if err != nil {
		return err
	}
	sf := &client.StoreFlags{Flags: flags}
	switch op {
	case clientsuite.StoreAdd:
		sf.Mode = client.StoreAdd
	case clientsuite.StoreRemove:
		sf.Mode = client.StoreRemove
	default:
		sf.Mode = client.StoreReplace
	}
	var cmd *client.FetchCommand
	if uid {
		cmd, err = a.c.UIDStore(ctx, s, sf)
	} else {
		cmd, err = a.c.Store(ctx, s, sf)
	}
	if err != nil {
		return err
	}
	_, err = cmd.CollectMessages(ctx)
	return err
}

func criteria(q clientsuite.SearchQuery) (*client.SearchCriteria, error) {
	c := &client.SearchCriteria{Flag: q.Flags, NotFlag: q.NotFlags, Larger: q.Larger}
	if q.UIDs != "" {
		s, err := parseSet(q.UIDs)
		if err != nil {
			return nil, err
		}
		c.UID = &s
	}
	if q.Subject != "" {
		c.Header = append(c.Header, client.SearchHeader{Key: "Subject", Value: q.Subject})
	}
	if q.Body != "" {
		c.Body = append(c.Body, q.Body)
	}
	return c, nil
}

func (a *Client) Search(ctx context.Context, q clientsuite.SearchQuery) ([]uint32, error) {
	c, err := criteria(q)
	if err != nil {
		return nil, err
	}
	r, err := a.c.UIDSearch(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	return r.Nums, nil
}

func (a *Client) ESearch(ctx context.Context, q clientsuite.SearchQuery, ret []string) (*clientsuite.ESearchResult, error) {
	c, err := criteria(q)
	if err != nil {
		return nil, err
	}
	r, err := a.c.UIDSearch(ctx, c, &client.SearchOptions{Return: ret})
	if err != nil {
		return nil, err
	}
	out := &clientsuite.ESearchResult{}
	es := r.ESearch
	if es == nil {
		// RFC 4731 §3.1: a SEARCH with RETURN options is answered with
		// an ESEARCH response, matches or not.
		return nil, errors.New("imapkitclient: UID SEARCH RETURN answered without an ESEARCH response")
	}
	out.Min, out.HasMin = es.Min, es.Has&wire.ESearchMin != 0
	out.Max, out.HasMax = es.Max, es.Has&wire.ESearchMax != 0
	out.Count, out.HasCount = es.Count, es.Has&wire.ESearchCount != 0
	if es.Has&wire.ESearchAll != 0 {
		out.All = es.All.String()
	}
	return out, nil
}

func uidList(s seqset.Set) []uint32 {
	if s.IsEmpty() {
		return nil
	}
	var out []uint32
	for n := range s.All() {
		out = append(out, n)
		if len(out) > 1<<16 {
			break
		}
	}
	return out
}

func (a *Client) Copy(ctx context.Context, uids, dest string) ([]uint32, error) {
	s, err := parseSet(uids)
	if err != nil {
		return nil, err
	}
	r, err := a.c.UIDCopy(ctx, s, dest)
	if err != nil || r == nil {
		return nil, err
	}
	return uidList(r.Dest), nil
}

func (a *Client) Move(ctx context.Context, uids, dest string) ([]uint32, error) {
	s, err := parseSet(uids)
	if err != nil {
		return nil, err
	}
	r, err := a.c.UIDMove(ctx, s, dest)
	if err != nil || r == nil || r.CopyUID == nil {
		return nil, err
	}
	return uidList(r.CopyUID.Dest), nil
}

func (a *Client) Expunge(ctx context.Context) ([]uint32, error) { return a.c.Expunge(ctx) }

func (a *Client) UIDExpunge(ctx context.Context, uids string) ([]uint32, error) {
	s, err := parseSet(uids)
	if err != nil {
		return nil, err
	}
	return a.c.UIDExpunge(ctx, s)
}

func (a *Client) Noop(ctx context.Context) (*clientsuite.MailboxInfo, error) {
	if err := a.c.Noop(ctx); err != nil {
		return nil, err
	}
	return a.info(a.c.Mailbox()), nil
}

func (a *Client) Namespace(ctx context.Context) (string, string, error) {
	ns, err := a.c.Namespace(ctx)
	if err != nil {
		return "", "", err
	}
	if len(ns.Personal) == 0 {
		return "", "", errors.New("imapkitclient: NAMESPACE lists no personal namespace")
	}
	p := ns.Personal[0]
	d := ""
	if p.Delim != 0 {
		d = string(p.Delim)
	}
	return p.Prefix, d, nil
}

func (a *Client) Idle(ctx context.Context, started func(), until func(clientsuite.MailboxInfo) bool) error {
	select { // forget news from before the IDLE
	case <-a.news:
	default:
	}
	idle, err := a.c.StartIdle(ctx)
	if err != nil {
		return err
	}
	if started != nil {
		started()
	}
	for {
		if mb := a.info(a.c.Mailbox()); mb != nil && until(*mb) {
			break
		}
		select {
		case <-a.news:
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			idle.Done(dctx)
			cancel()
			return fmt.Errorf("imapkitclient: IDLE: %w", ctx.Err())
		}
	}
	_, err = idle.Done(ctx)
	return err
}
