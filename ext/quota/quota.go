// Package quota implements the QUOTA extension (RFC 9208, which obsoletes
// RFC 2087): the resource limits a server puts on quota roots, and which
// roots a mailbox counts against.
//
// Install registers the parsers of the QUOTA and QUOTAROOT responses
// (RFC 9208 §5.1, §5.2) into a connection's registry; GetQuota,
// GetQuotaRoot and SetQuota run the commands of RFC 9208 §4.1. An RFC
// 2087 server advertises QUOTA only; an RFC 9208 server adds one
// QUOTA=RES-<resource> capability per resource it counts and QUOTASET
// when SETQUOTA works (RFC 9208 §3.1, §4.1.3). The OVERQUOTA response
// code (RFC 9208 §5.3) is part of the base protocol's code list; read it
// with client.StatusError.CodeName. Status reads the DELETED and
// DELETED-STORAGE items of STATUS (RFC 9208 §4.2).
//
// The package uses only the exported API of client, codec and wire.
package quota

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/extutil"
	"github.com/imapkit/imapkit/ext/internal/forms"
	"github.com/imapkit/imapkit/ext/internal/parse"
	"github.com/imapkit/imapkit/ext/internal/run"
	"github.com/imapkit/imapkit/wire"
)

// Resource names of RFC 9208 §5 (a server may count others, named by
// atoms registered with IANA).
const (
	Storage           = "STORAGE"            // in units of 1024 octets (§5.1)
	Message           = "MESSAGE"            // messages (§5.2)
	Mailbox           = "MAILBOX"            // mailboxes (§5.3)
	AnnotationStorage = "ANNOTATION-STORAGE" // annotation octets, in 1024 units (§5.4)
)

// Resource is one entry of a QUOTA response's quota-list (RFC 9208 §7):
// the resource's name, its current usage and its limit.
type Resource struct {
	Name  string // as sent, e.g. STORAGE (compare case-insensitively)
	Usage uint64
	Limit uint64
}

// Quota is a QUOTA response (RFC 9208 §5.1): a quota root and its
// resources.
type Quota struct {
	Root      string
	Resources []Resource
}

// Get returns the resource named name (case-insensitive).
func (q *Quota) Get(name string) (Resource, bool) {
	for _, r := range q.Resources {
		if strings.EqualFold(r.Name, name) {
			return r, true
		}
	}
	return Resource{}, false
}

// Root is a QUOTAROOT response (RFC 9208 §5.2): a mailbox and the quota
// roots it counts against (none when it counts against no quota).
type Root struct {
	Mailbox string
	Roots   []string
}

// Install registers the QUOTA and QUOTAROOT data parsers into a
// connection's registry. Use it as a client.Extension.
func Install(r *client.Registry) { RegisterCodec(r.Codec()) }

// RegisterCodec registers the same parsers into a codec registry, for a
// proxy or a test server that uses the codec without a client.
func RegisterCodec(r *codec.Registry) {
	r.Data("QUOTA", parseQuota)
	r.Data("QUOTAROOT", parseQuotaRoot)
	r.EncodeData("QUOTA", encodeQuota)
	r.EncodeData("QUOTAROOT", encodeQuotaRoot)
}

// maxResources bounds the resources of one QUOTA response: RFC 9208
// registers four, and a server that claims thousands is hostile.
const maxResources = 256

// parseQuota parses quota-response = "QUOTA" SP quota-root-name SP
// quota-list, quota-list = "(" quota-resource *(SP quota-resource) ")",
// quota-resource = resource-name SP resource-usage SP resource-limit
// (RFC 9208 §7). Leniently, an empty list and a missing list (Courier
// sends `* QUOTA "ROOT"` for a root without limits) give no resources.
func parseQuota(p *codec.Parser, _ *wire.Response) (any, error) {
	var fr forms.Reader
	root, err := fr.AString(p)
	if err != nil {
		return nil, err
	}
	q := &Quota{Root: root}
	defer forms.Save(q, &fr)
	if p.AtEnd() && !p.Strict() {
		return q, nil
	}
	if err := p.ReadSP(); err != nil {
		return nil, err
	}
	if err := p.Expect('('); err != nil {
		return nil, err
	}
	if p.Consume(')') {
		if p.Strict() {
			return nil, p.SyntaxError("quota-resource")
		}
		return q, nil
	}
	for {
		if len(q.Resources) >= maxResources {
			return nil, p.SyntaxError(fmt.Sprintf("at most %d quota resources", maxResources))
		}
		name, err := p.ReadAtom()
		if err != nil {
			return nil, err
		}
		res := Resource{Name: name}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		if res.Usage, err = p.ReadNumber64(); err != nil {
			return nil, err
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		if res.Limit, err = p.ReadNumber64(); err != nil {
			return nil, err
		}
		q.Resources = append(q.Resources, res)
		if p.Consume(')') {
			return q, nil
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
	}
}

// maxRoots bounds the quota roots of one QUOTAROOT response.
const maxRoots = 1024

// parseQuotaRoot parses quotaroot-response = "QUOTAROOT" SP mailbox
// *(SP quota-root-name) (RFC 9208 §7).
func parseQuotaRoot(p *codec.Parser, _ *wire.Response) (any, error) {
	var fr forms.Reader
	mb, err := fr.Mailbox(p)
	if err != nil {
		return nil, err
	}
	qr := &Root{Mailbox: mb}
	defer forms.Save(qr, &fr)
	err = parse.SPItems(p, maxRoots, "quota roots", func() error {
		root, err := fr.AString(p)
		if err != nil {
			return err
		}
		qr.Roots = append(qr.Roots, root)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return qr, nil
}

// Resources returns the resources the server says it counts, from its
// QUOTA=RES-<name> capabilities (RFC 9208 §3.1); none for an RFC 2087
// server.
func Resources(ctx context.Context, c *client.Conn) ([]string, error) {
	out, err := run.CapValues(ctx, c, "QUOTA=RES-")
	for i := range out {
		out[i] = strings.ToUpper(out[i])
	}
	return out, err
}

// GetQuota returns the resources of the quota root root (RFC 9208
// §4.1.1). Roots are named by the server: learn them with GetQuotaRoot.
// It fails with an error wrapping client.ErrNotSupported, without sending
// anything, when the server does not advertise QUOTA.
func GetQuota(ctx context.Context, c *client.Conn, root string) (*Quota, error) {
	if err := extutil.Require(ctx, c, "quota", "QUOTA"); err != nil {
		return nil, err
	}
	resps, _, err := run.Collect(ctx, c, client.Spec{
		Name:   "GETQUOTA",
		Args:   []wire.Value{wire.String(root)},
		States: authenticated,
		Claim:  run.Data("QUOTA"),
	})
	if err != nil {
		return nil, err
	}
	qs, err := quotas(resps)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		if q.Root == root {
			return q, nil
		}
	}
	if len(qs) == 1 {
		return qs[0], nil // a server that spells the root differently
	}
	return nil, fmt.Errorf("quota: GETQUOTA %q: the server sent no QUOTA response for that root", root)
}

// RootResult is what GETQUOTAROOT returned (RFC 9208 §4.1.2): the quota
// roots of the mailbox and, for each, its QUOTA response.
type RootResult struct {
	Mailbox string
	Roots   []string
	Quotas  []*Quota
}

// Quota returns the QUOTA of the root named root.
func (r *RootResult) Quota(root string) (*Quota, bool) {
	for _, q := range r.Quotas {
		if q.Root == root {
			return q, true
		}
	}
	return nil, false
}

// GetQuotaRoot returns the quota roots mailbox counts against and their
// resources (RFC 9208 §4.1.2). It fails with an error wrapping
// client.ErrNotSupported, without sending anything, when the server does
// not advertise QUOTA.
func GetQuotaRoot(ctx context.Context, c *client.Conn, mailbox string) (*RootResult, error) {
	if err := extutil.Require(ctx, c, "quota", "QUOTA"); err != nil {
		return nil, err
	}
	mb, err := c.MailboxArg(mailbox)
	if err != nil {
		return nil, err
	}
	resps, _, err := run.Collect(ctx, c, client.Spec{
		Name:   "GETQUOTAROOT",
		Args:   []wire.Value{mb},
		States: authenticated,
		Claim:  run.Data("QUOTA", "QUOTAROOT"),
	})
	if err != nil {
		return nil, err
	}
	res := &RootResult{Mailbox: mailbox}
	var qrs []*wire.Response
	for _, r := range resps {
		if r.Name == "QUOTAROOT" {
			qr, ok := r.Data.(*Root)
			if !ok {
				return nil, run.Untyped("quota", r)
			}
			res.Roots = append(res.Roots, qr.Roots...)
		} else {
			qrs = append(qrs, r)
		}
	}
	if res.Quotas, err = quotas(qrs); err != nil {
		return nil, err
	}
	return res, nil
}

// Limit is one setquota-resource (RFC 9208 §7): a resource and its new
// limit.
type Limit struct {
	Name  string
	Limit uint64
}

// SetQuota sets the limits of the quota root root (RFC 9208 §4.1.3) and
// returns the QUOTA the server answered with, whose limits may be rounded
// (nil when it sent none). An empty limits list removes every limit of
// the root. Usually only an administrator may do this; others get a
// *client.StatusError.
//
// It fails with an error wrapping client.ErrNotSupported, without sending
// anything, when the server does not advertise QUOTA, or advertises RFC
// 9208 resources (QUOTA=RES-*) without QUOTASET (RFC 9208 §4.1.3).
func SetQuota(ctx context.Context, c *client.Conn, root string, limits []Limit) (*Quota, error) {
	if err := extutil.Require(ctx, c, "quota", "QUOTA"); err != nil {
		return nil, err
	}
	if res, err := Resources(ctx, c); err != nil {
		return nil, err
	} else if len(res) > 0 {
		if err := extutil.Require(ctx, c, "quota", "QUOTASET"); err != nil {
			return nil, err
		}
	}
	list := make([]wire.Value, 0, 2*len(limits))
	for _, l := range limits {
		if !run.IsAtom(l.Name) {
			return nil, fmt.Errorf("quota: SETQUOTA: resource name %q is not an atom", l.Name)
		}
		list = append(list, wire.Atom(strings.ToUpper(l.Name)), wire.Number(l.Limit))
	}
	resps, _, err := run.Collect(ctx, c, client.Spec{
		Name:   "SETQUOTA",
		Args:   []wire.Value{wire.String(root), wire.List(list...)},
		States: authenticated,
		Claim:  run.Data("QUOTA"),
	})
	if err != nil {
		return nil, err
	}
	qs, err := quotas(resps)
	if err != nil || len(qs) == 0 {
		return nil, err
	}
	return qs[len(qs)-1], nil
}

// StatusResult holds the STATUS items of RFC 9208 §4.2.
type StatusResult struct {
	// Deleted is the number of messages with \Deleted (DELETED).
	Deleted    uint32
	HasDeleted bool
	// DeletedStorage is the storage, in units of 1024 octets, that
	// expunging them would free (DELETED-STORAGE).
	DeletedStorage    uint64
	HasDeletedStorage bool
}

// Status asks for the DELETED and DELETED-STORAGE items of mailbox (RFC
// 9208 §4.2): DELETED when the server advertises QUOTA=RES-MESSAGE,
// DELETED-STORAGE when it advertises QUOTA=RES-STORAGE. It fails with an
// error wrapping client.ErrNotSupported when the server advertises
// neither.
func Status(ctx context.Context, c *client.Conn, mailbox string) (*StatusResult, error) {
	res, err := Resources(ctx, c)
	if err != nil {
		return nil, err
	}
	var items []string
	if slices.Contains(res, Message) {
		items = append(items, "DELETED")
	}
	if slices.Contains(res, Storage) {
		items = append(items, "DELETED-STORAGE")
	}
	if len(items) == 0 {
		return nil, extutil.Require(ctx, c, "quota", "QUOTA=RES-MESSAGE", "QUOTA=RES-STORAGE")
	}
	sd, err := c.Status(ctx, mailbox, items)
	if err != nil {
		return nil, err
	}
	out := &StatusResult{}
	if n, ok := sd.Get("DELETED"); ok && n <= 1<<32-1 {
		out.Deleted, out.HasDeleted = uint32(n), true
	}
	if n, ok := sd.Get("DELETED-STORAGE"); ok {
		out.DeletedStorage, out.HasDeletedStorage = n, true
	}
	return out, nil
}

var authenticated = []client.State{client.StateAuthenticated, client.StateSelected}

func quotas(resps []*wire.Response) ([]*Quota, error) {
	return run.Typed[*Quota]("quota", "QUOTA", resps)
}

// encodeQuota writes a *Quota as parseQuota reads it (RFC 9208 §7), the
// strings in the forms the server used. A Quota with no resources is
// written with an empty list.
func encodeQuota(w *codec.Writer, r *wire.Response) error {
	q, ok := r.Data.(*Quota)
	if !ok {
		return fmt.Errorf("quota: QUOTA data %T: %w", r.Data, codec.ErrUnsupportedData)
	}
	fw := forms.For(w, q)
	w.SP()
	fw.AString(q.Root)
	w.SP()
	w.List(func() {
		for i, res := range q.Resources {
			if i > 0 {
				w.SP()
			}
			w.Atom(res.Name)
			w.SP()
			w.Number(res.Usage)
			w.SP()
			w.Number(res.Limit)
		}
	})
	return nil
}

// encodeQuotaRoot writes a *Root (RFC 9208 §7, quotaroot-response).
func encodeQuotaRoot(w *codec.Writer, r *wire.Response) error {
	qr, ok := r.Data.(*Root)
	if !ok {
		return fmt.Errorf("quota: QUOTAROOT data %T: %w", r.Data, codec.ErrUnsupportedData)
	}
	fw := forms.For(w, qr)
	w.SP()
	fw.Mailbox(qr.Mailbox)
	for _, root := range qr.Roots {
		w.SP()
		fw.AString(root)
	}
	return nil
}
