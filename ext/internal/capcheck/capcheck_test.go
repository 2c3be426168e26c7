package capcheck_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/acl"
	"github.com/imapkit/imapkit/ext/appendlimit"
	"github.com/imapkit/imapkit/ext/binary"
	"github.com/imapkit/imapkit/ext/catenate"
	"github.com/imapkit/imapkit/ext/condstore"
	"github.com/imapkit/imapkit/ext/esort"
	"github.com/imapkit/imapkit/ext/gmail"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/metadata"
	"github.com/imapkit/imapkit/ext/multisearch"
	"github.com/imapkit/imapkit/ext/notify"
	"github.com/imapkit/imapkit/ext/objectid"
	"github.com/imapkit/imapkit/ext/partial"
	"github.com/imapkit/imapkit/ext/preview"
	"github.com/imapkit/imapkit/ext/qresync"
	"github.com/imapkit/imapkit/ext/quota"
	"github.com/imapkit/imapkit/ext/referrals"
	"github.com/imapkit/imapkit/ext/replace"
	"github.com/imapkit/imapkit/ext/sasl"
	"github.com/imapkit/imapkit/ext/savedate"
	"github.com/imapkit/imapkit/ext/sort"
	"github.com/imapkit/imapkit/ext/specialuse"
	"github.com/imapkit/imapkit/ext/uidonly"
	"github.com/imapkit/imapkit/ext/unauthenticate"
	"github.com/imapkit/imapkit/ext/utf8"
	"github.com/imapkit/imapkit/ext/within"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// greeting advertises the base protocol and nothing else.
const greeting = "* PREAUTH [CAPABILITY IMAP4rev1] plain server"

// loginGreeting is for the commands of the not-authenticated state.
const loginGreeting = "* OK [CAPABILITY IMAP4rev1] plain server"

type tokenFunc func() string

func (f tokenFunc) Token(context.Context, bool) (string, error) { return f(), nil }

// call is one entry point of an extension package.
type call struct {
	name     string
	greeting string // loginGreeting for the not-authenticated state; greeting when empty
	selected bool   // run with INBOX selected
	exts     []client.Extension
	run      func(ctx context.Context, c *client.Conn) error
}

var (
	one     = seqset.MustParse("1")
	msgText = "Subject: x\r\n\r\nx\r\n"
	msgSize = int64(len(msgText))
	crit    = &client.SearchCriteria{NotFlag: []string{wire.FlagSeen}}
)

func err1[T any](_ T, err error) error { return err }

// calls are the entry points that send an extension's command, and the
// helpers that build an extension's arguments for one. Left out,
// as they send base commands or nothing: objectid.Select (a plain SELECT
// that also reads MAILBOXID when there is one), referrals.Login and
// referrals.Authenticate (LOGIN, AUTHENTICATE; they refuse without
// Install), appendlimit.Append and messagelimit.UIDFetchAll (APPEND, UID
// FETCH; the limits only apply when advertised), notify.Next (reads),
// uidonly.Check and the helpers that only read the capabilities
// (sort.Algorithms, quota.Resources, appendlimit.Check,
// appendlimit.ServerLimit, messagelimit.Limit,
// messagelimit.SaveLimit, savedate.Supported; objectid.Require,
// gmail.Require and savedate.Require are the checks themselves).
var calls = []call{
	{name: "acl.GetACL", run: func(ctx context.Context, c *client.Conn) error { return err1(acl.GetACL(ctx, c, "INBOX")) }},
	{name: "acl.SetACL", run: func(ctx context.Context, c *client.Conn) error { return acl.SetACL(ctx, c, "INBOX", "fred", "lr") }},
	{name: "acl.DeleteACL", run: func(ctx context.Context, c *client.Conn) error { return acl.DeleteACL(ctx, c, "INBOX", "fred") }},
	{name: "acl.ListRights", run: func(ctx context.Context, c *client.Conn) error { return err1(acl.ListRights(ctx, c, "INBOX", "fred")) }},
	{name: "acl.MyRights", run: func(ctx context.Context, c *client.Conn) error { return err1(acl.MyRights(ctx, c, "INBOX")) }},
	{name: "binary.Append", run: func(ctx context.Context, c *client.Conn) error {
		return err1(binary.Append(ctx, c, "INBOX", strings.NewReader(msgText), msgSize, nil))
	}},
	{name: "catenate.Append", run: func(ctx context.Context, c *client.Conn) error {
		return err1(catenate.Append(ctx, c, "INBOX", []catenate.Part{catenate.Text("x")}, nil))
	}},
	{name: "catenate.Args", run: func(ctx context.Context, c *client.Conn) error {
		return err1(catenate.Args(ctx, c, "INBOX", []catenate.Part{catenate.Text("x")}, nil))
	}},
	{name: "appendlimit.MailboxLimit", run: func(ctx context.Context, c *client.Conn) error {
		return err1(appendlimit.MailboxLimit(ctx, c, "INBOX"))
	}},
	{name: "condstore.Enable", run: condstore.Enable},
	{name: "condstore.Store", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(condstore.Store(ctx, c, one, &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{wire.FlagSeen}}, 5))
	}},
	{name: "condstore.UIDStore", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(condstore.UIDStore(ctx, c, one, &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{wire.FlagSeen}}, 5))
	}},
	{name: "esort.Sort", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(esort.Sort(ctx, c, sort.By(sort.Arrival), nil, &esort.Options{Return: []string{"COUNT"}}))
	}},
	{name: "esort.UIDSort", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(esort.UIDSort(ctx, c, sort.By(sort.Arrival), nil, &esort.Options{Return: []string{"COUNT"}}))
	}},
	{name: "esort.Search", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(esort.Search(ctx, c, crit, &esort.Options{Return: []string{"COUNT"}, Update: true}))
	}},
	{name: "esort.UIDSearch", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(esort.UIDSearch(ctx, c, crit, &esort.Options{Return: []string{"COUNT"}, Context: true}))
	}},
	{name: "esort.CancelUpdate", selected: true, run: func(ctx context.Context, c *client.Conn) error { return esort.CancelUpdate(ctx, c, "A1") }},
	{name: "gmail.Fetch", selected: true, run: func(ctx context.Context, c *client.Conn) error { return err1(gmail.Fetch(ctx, c, one, true)) }},
	{name: "gmail.Search", selected: true, run: func(ctx context.Context, c *client.Conn) error { return err1(gmail.Search(ctx, c, "in:inbox")) }},
	{name: "gmail.StoreLabels", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(gmail.StoreLabels(ctx, c, one, true, gmail.Replace, []string{"x"}))
	}},
	{name: "metadata.Enable", run: metadata.Enable},
	{name: "metadata.GetMetadata", run: func(ctx context.Context, c *client.Conn) error {
		return err1(metadata.GetMetadata(ctx, c, "INBOX", []string{"/shared/comment"}, nil))
	}},
	{name: "metadata.SetMetadata", run: func(ctx context.Context, c *client.Conn) error {
		return metadata.SetMetadata(ctx, c, "INBOX", []metadata.Entry{{Name: "/shared/comment", Value: "x"}})
	}},
	{name: "metadata.List", run: func(ctx context.Context, c *client.Conn) error {
		return err1(metadata.List(ctx, c, "", "*", []string{"/shared/comment"}, nil))
	}},
	{name: "multisearch.Search", run: func(ctx context.Context, c *client.Conn) error {
		return err1(multisearch.Search(ctx, c, []multisearch.Source{{Filter: "personal"}}, crit, nil))
	}},
	{name: "notify.Set", run: func(ctx context.Context, c *client.Conn) error {
		return err1(notify.Set(ctx, c, false, notify.Group{Filter: notify.Selected, Events: []string{notify.MessageNew, notify.MessageExpunge}}))
	}},
	{name: "notify.None", run: notify.None},
	{name: "objectid.Create", run: func(ctx context.Context, c *client.Conn) error { return err1(objectid.Create(ctx, c, "x")) }},
	{name: "objectid.MailboxID", run: func(ctx context.Context, c *client.Conn) error { return err1(objectid.MailboxID(ctx, c, "INBOX")) }},
	{name: "objectid.Fetch", selected: true, run: func(ctx context.Context, c *client.Conn) error { return err1(objectid.Fetch(ctx, c, one)) }},
	{name: "objectid.UIDFetch", selected: true, run: func(ctx context.Context, c *client.Conn) error { return err1(objectid.UIDFetch(ctx, c, one)) }},
	{name: "objectid.SearchEmailID", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(objectid.SearchEmailID(ctx, c, "M6d99ac3275bb4e"))
	}},
	{name: "objectid.SearchThreadID", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(objectid.SearchThreadID(ctx, c, "T64b478a75b7ea9"))
	}},
	{name: "partial.Search", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(partial.Search(ctx, c, crit, partial.First(1, 10), nil))
	}},
	{name: "partial.UIDSearch", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(partial.UIDSearch(ctx, c, crit, partial.Last(10), nil))
	}},
	{name: "preview.Fetch", selected: true, run: func(ctx context.Context, c *client.Conn) error { return err1(preview.Fetch(ctx, c, one, nil)) }},
	{name: "qresync.Enable", run: qresync.Enable},
	{name: "qresync.Resync", run: func(ctx context.Context, c *client.Conn) error {
		return err1(qresync.Resync(ctx, c, "INBOX", qresync.Saved{UIDValidity: 1, HighestModSeq: 5}, false))
	}},
	{name: "qresync.FetchVanished", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(qresync.FetchVanished(ctx, c, one, 5))
	}},
	{name: "quota.GetQuota", run: func(ctx context.Context, c *client.Conn) error { return err1(quota.GetQuota(ctx, c, "")) }},
	{name: "quota.GetQuotaRoot", run: func(ctx context.Context, c *client.Conn) error { return err1(quota.GetQuotaRoot(ctx, c, "INBOX")) }},
	{name: "quota.SetQuota", run: func(ctx context.Context, c *client.Conn) error {
		return err1(quota.SetQuota(ctx, c, "", []quota.Limit{{Name: "STORAGE", Limit: 512}}))
	}},
	{name: "quota.Status", run: func(ctx context.Context, c *client.Conn) error { return err1(quota.Status(ctx, c, "INBOX")) }},
	{name: "referrals.RList", exts: []client.Extension{referrals.Install}, run: func(ctx context.Context, c *client.Conn) error {
		return err1(referrals.RList(ctx, c, "", "*"))
	}},
	{name: "referrals.RLsub", exts: []client.Extension{referrals.Install}, run: func(ctx context.Context, c *client.Conn) error {
		return err1(referrals.RLsub(ctx, c, "", "*"))
	}},
	{name: "replace.Replace", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(replace.Replace(ctx, c, 1, "INBOX", strings.NewReader(msgText), msgSize, nil))
	}},
	{name: "replace.UIDReplace", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(replace.UIDReplace(ctx, c, 1, "INBOX", strings.NewReader(msgText), msgSize, nil))
	}},
	{name: "replace.ReplaceCatenate", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(replace.ReplaceCatenate(ctx, c, true, 1, "INBOX", []catenate.Part{catenate.Text("x")}, nil))
	}},
	{name: "sasl.Authenticate", greeting: loginGreeting, run: func(ctx context.Context, c *client.Conn) error {
		return err1(sasl.Authenticate(ctx, c, "fred", "secret", nil))
	}},
	{name: "sasl.AuthenticateSCRAM", greeting: loginGreeting, run: func(ctx context.Context, c *client.Conn) error {
		m, err := sasl.NewSCRAMClient("SCRAM-SHA-256", "fred", "secret", nil)
		if err != nil {
			return err
		}
		return sasl.AuthenticateSCRAM(ctx, c, m)
	}},
	{name: "sasl.AuthenticateOAuth", greeting: loginGreeting, run: func(ctx context.Context, c *client.Conn) error {
		return sasl.AuthenticateOAuth(ctx, c, "fred", tokenFunc(func() string { return "t" }), nil)
	}},
	{name: "savedate.Fetch", selected: true, run: func(ctx context.Context, c *client.Conn) error { return err1(savedate.Fetch(ctx, c, one, true)) }},
	{name: "sort.Sort", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(sort.Sort(ctx, c, sort.By(sort.Arrival), nil, nil))
	}},
	{name: "sort.UIDSort", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(sort.UIDSort(ctx, c, sort.By(sort.Arrival), nil, nil))
	}},
	{name: "sort.SortArgs", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		_, _, err := sort.SortArgs(ctx, c, sort.By(sort.Arrival), nil, nil)
		return err
	}},
	{name: "sort.Threads", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(sort.Threads(ctx, c, sort.OrderedSubject, nil, nil))
	}},
	{name: "sort.UIDThreads", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(sort.UIDThreads(ctx, c, sort.OrderedSubject, nil, nil))
	}},
	{name: "specialuse.Create", run: func(ctx context.Context, c *client.Conn) error {
		return specialuse.Create(ctx, c, "Sent", wire.AttrSent)
	}},
	{name: "uidonly.Enable", run: uidonly.Enable},
	{name: "unauthenticate.Unauthenticate", exts: []client.Extension{unauthenticate.Install}, run: unauthenticate.Unauthenticate},
	{name: "utf8.Enable", run: utf8.Enable},
	{name: "utf8.Append", run: func(ctx context.Context, c *client.Conn) error {
		return err1(utf8.Append(ctx, c, "INBOX", strings.NewReader(msgText), msgSize, nil))
	}},
	{name: "preview.Items", run: func(ctx context.Context, c *client.Conn) error { return err1(preview.Items(ctx, c, true)) }},
	{name: "within.Keys", run: func(ctx context.Context, c *client.Conn) error {
		return err1(within.Keys(ctx, c, within.Window{Younger: 3600e9}))
	}},
	{name: "within.With", run: func(ctx context.Context, c *client.Conn) error {
		return err1(within.With(ctx, c, within.Window{Younger: 3600e9}, crit))
	}},
	{name: "within.Search", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(within.Search(ctx, c, within.Window{Younger: 3600e9}, nil, nil))
	}},
	{name: "within.UIDSearch", selected: true, run: func(ctx context.Context, c *client.Conn) error {
		return err1(within.UIDSearch(ctx, c, within.Window{Older: 3600e9}, nil, nil))
	}},
}

// TestNotSupportedSendsNothing runs each entry point against a server that
// advertises IMAP4rev1 only: each must fail with an error wrapping
// client.ErrNotSupported, and the next line the server reads must be the
// NOOP sent after it, with the next tag (nothing was sent, not even a
// CAPABILITY: the greeting stated them).
func TestNotSupportedSendsNothing(t *testing.T) {
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.greeting
			if g == "" {
				g = greeting
			}
			c, s := faketest.New(t, g, &client.Options{Extensions: tc.exts, InsecureAuth: true})
			tag := 1
			if tc.selected {
				s.Select(c, nil, "A1 SELECT INBOX", "* 3 EXISTS", "* OK [UIDVALIDITY 1] x")
				tag++
			}
			ctx := faketest.Ctx(t)
			done := faketest.Go(func() (struct{}, error) { return struct{}{}, tc.run(ctx, c) })
			_, err := done()
			if !errors.Is(err, client.ErrNotSupported) {
				t.Errorf("%s: error %v; want one wrapping client.ErrNotSupported", tc.name, err)
			}
			noop := faketest.Go(func() (struct{}, error) { return struct{}{}, c.Noop(ctx) })
			want := "A" + string(rune('0'+tag)) + " NOOP"
			if l := s.Line(); l != want {
				t.Fatalf("%s: the server read %q; want %q (nothing sent before it)", tc.name, l, want)
			}
			s.Send(want[:2] + " OK")
			if _, err := noop(); err != nil {
				t.Fatalf("NOOP: %v", err)
			}
		})
	}
}
