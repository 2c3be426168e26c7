package client

import (
	"context"
	"slices"
	"strings"

	"github.com/imapkit/imapkit/wire"
)

// ListOptions are the extended parts of LIST (RFC 9051 §6.3.9, RFC 5258).
type ListOptions struct {
	// Selection are selection options (RFC 5258 §6, list-select-opt),
	// e.g. SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL-USE, or an
	// extension's option with arguments; see ListOption and
	// ListOptionNames.
	Selection []ListOption
	// Return are return options (RFC 5258 §6, return-option), e.g.
	// SUBSCRIBED, CHILDREN, SPECIAL-USE, or an extension's option with
	// arguments such as METADATA (/shared/comment) (RFC 9590).
	Return []ListOption
	// Status, when not empty, asks for STATUS data of each mailbox
	// (RFC 5819, RFC 9051 §6.3.9): e.g. MESSAGES, UNSEEN, SIZE. It is
	// written as the return option STATUS (items...) after Return.
	Status []string
	// Responses names further untagged data responses that the options
	// make the server send (e.g. "METADATA", RFC 9590 §2): List claims
	// them and returns them in ListResult.Other. LIST and STATUS are
	// claimed without it.
	Responses []string
}

// ListOption is one LIST selection or return option (RFC 5258 §6,
// list-select-opt and return-option; both are an option name, and for an
// option-extension an optional option-value): a name, and for an option
// that takes one, a parenthesized list of arguments.
type ListOption struct {
	// Name is the option's name, an atom (e.g. "SUBSCRIBED", "STATUS").
	Name string
	// Args, when not nil, are written in parentheses after the name
	// (RFC 5258 §6, option-value = "(" option-val-comp ")"); an empty
	// non-nil slice writes "()". Nested lists are wire.List values.
	Args []wire.Value
}

// ListOptionNames returns options without arguments, one per name.
func ListOptionNames(names ...string) []ListOption {
	out := make([]ListOption, len(names))
	for i, n := range names {
		out[i] = ListOption{Name: n}
	}
	return out
}

// listOptionValues returns opts as they are written: each name, then its
// arguments list when it has one.
func listOptionValues(opts []ListOption) []wire.Value {
	var l []wire.Value
	for _, o := range opts {
		l = append(l, wire.Atom(o.Name))
		if o.Args != nil {
			l = append(l, wire.List(o.Args...))
		}
	}
	return l
}

// ListResult is what LIST returned: the mailboxes, the STATUS data that
// came with them when ListOptions.Status (or a STATUS return option) was
// set, and the responses ListOptions.Responses named, in arrival order.
type ListResult struct {
	Mailboxes []*wire.ListData
	Status    []*wire.StatusData
	Other     []*wire.Response
}

// List lists the mailboxes matching the patterns under reference (RFC 9051
// §6.3.9). Patterns are mailbox names with the wildcards * and %, encoded
// like mailbox names.
func (c *Conn) List(ctx context.Context, reference string, patterns []string, opts *ListOptions) (*ListResult, error) {
	ref, err := c.MailboxArg(reference)
	if err != nil {
		return nil, err
	}
	if reference == "" {
		ref = wire.Quoted("")
	}
	var args []wire.Value
	if opts != nil && len(opts.Selection) > 0 {
		args = append(args, wire.List(listOptionValues(opts.Selection)...))
	}
	args = append(args, ref)
	var pats []wire.Value
	for _, p := range patterns {
		v, err := c.MailboxArg(p)
		if err != nil {
			return nil, err
		}
		if p == "" {
			v = wire.Quoted("")
		}
		pats = append(pats, v)
	}
	if len(pats) == 1 {
		args = append(args, pats[0])
	} else {
		args = append(args, wire.List(pats...))
	}
	names := []string{"LIST"}
	if opts != nil && (len(opts.Return) > 0 || len(opts.Status) > 0) {
		ret := listOptionValues(opts.Return)
		status := len(opts.Status) > 0 || slices.ContainsFunc(opts.Return, func(o ListOption) bool {
			return strings.EqualFold(o.Name, "STATUS")
		})
		if len(opts.Status) > 0 {
			ret = append(ret, wire.Atom("STATUS"), atomList(opts.Status))
		}
		args = append(args, wire.Atom("RETURN"), wire.List(ret...))
		if status {
			names = append(names, "STATUS")
		}
	}
	if opts != nil {
		for _, n := range opts.Responses {
			names = append(names, strings.ToUpper(n))
		}
	}
	return c.list(ctx, "LIST", args, names)
}

// Lsub lists subscribed mailboxes (RFC 3501 §6.3.9; deprecated by RFC
// 9051 in favour of LIST (SUBSCRIBED)).
func (c *Conn) Lsub(ctx context.Context, reference, pattern string) (*ListResult, error) {
	ref, err := c.MailboxArg(reference)
	if err != nil {
		return nil, err
	}
	pat, err := c.MailboxArg(pattern)
	if err != nil {
		return nil, err
	}
	return c.list(ctx, "LSUB", []wire.Value{ref, pat}, []string{"LSUB"})
}

// list runs LIST or LSUB, claiming the data responses named names.
func (c *Conn) list(ctx context.Context, verb string, args []wire.Value, names []string) (*ListResult, error) {
	cmd, err := c.Start(ctx, Spec{Name: verb, Args: args, States: authState, Claim: claimName(names...)})
	if err != nil {
		return nil, err
	}
	res := &ListResult{}
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return res, err
		}
		switch d := r.Data.(type) {
		case *wire.ListData:
			res.Mailboxes = append(res.Mailboxes, d)
		case *wire.StatusData:
			res.Status = append(res.Status, d)
		default:
			if r.Name != "LIST" && r.Name != "LSUB" && r.Name != "STATUS" {
				res.Other = append(res.Other, r)
			}
		}
	}
	return res, nil
}

func atomList(ss []string) wire.Value {
	l := make([]wire.Value, len(ss))
	for i, s := range ss {
		l[i] = wire.Atom(s)
	}
	return wire.List(l...)
}

// Status asks for the status of a mailbox (RFC 9051 §6.3.11). Items are
// STATUS item names such as wire.StatusMessages.
func (c *Conn) Status(ctx context.Context, mailbox string, items []string) (*wire.StatusData, error) {
	arg, err := c.MailboxArg(mailbox)
	if err != nil {
		return nil, err
	}
	cmd, err := c.Start(ctx, Spec{
		Name: "STATUS", Args: []wire.Value{arg, atomList(items)}, States: authState,
		Claim: claimStatus(mailbox, arg.Text()),
	})
	if err != nil {
		return nil, err
	}
	var out *wire.StatusData
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return out, err
		}
		if d, ok := r.Data.(*wire.StatusData); ok {
			out = d
		}
	}
	return out, nil
}

// Namespace asks for the server's namespaces (RFC 9051 §6.3.10, RFC 2342).
func (c *Conn) Namespace(ctx context.Context) (*wire.NamespaceData, error) {
	if err := c.Require(ctx, "NAMESPACE", "IMAP4rev2"); err != nil {
		return nil, err
	}
	cmd, err := c.Start(ctx, Spec{Name: "NAMESPACE", States: authState, Claim: claimOnce("NAMESPACE")})
	if err != nil {
		return nil, err
	}
	var out *wire.NamespaceData
	for r, err := range cmd.Responses(ctx) {
		if err != nil {
			return out, err
		}
		if d, ok := r.Data.(*wire.NamespaceData); ok {
			out = d
		}
	}
	return out, nil
}

// claimStatus claims the STATUS response of one mailbox, once: the name
// decoded by the codec (UTF-8) or, from a server whose name did not
// decode, as sent; INBOX in any case (RFC 9051 §5.1). Pipelined STATUS
// commands, and the STATUS responses a LIST-STATUS or NOTIFY brings, thus
// reach the command that asked for that mailbox.
func claimStatus(name, sent string) func(*wire.Response) bool {
	inbox := strings.EqualFold(name, "INBOX")
	done := false
	return func(r *wire.Response) bool {
		if done || r.Kind != wire.DataResponse || r.Name != "STATUS" {
			return false
		}
		d, ok := r.Data.(*wire.StatusData)
		if !ok {
			return false
		}
		if d.Mailbox == name || d.Mailbox == sent || inbox && strings.EqualFold(d.Mailbox, "INBOX") {
			done = true
			return true
		}
		return false
	}
}
