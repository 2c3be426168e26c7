package imapkitclient_test

import (
	"context"
	"slices"
	"testing"

	"github.com/imapkit/imapkit/conformance/clientsuite"
	"github.com/imapkit/imapkit/conformance/clientsuite/imapkitclient"
	"github.com/imapkit/imapkit/conformance/clientsuite/memtarget"
)

// broken is imapkit's client with one deliberate bug, to show that the
// scenarios catch a client that gets the protocol wrong.
type broken struct {
	*imapkitclient.Client
	bug string
}

func (b *broken) Expunge(ctx context.Context) ([]uint32, error) {
	ex, err := b.Client.Expunge(ctx)
	if b.bug == "expunge-order" {
		slices.Reverse(ex) // loses the renumbering of RFC 9051 §7.5.1
	}
	return ex, err
}

func (b *broken) Fetch(ctx context.Context, set string, uid bool, req clientsuite.FetchRequest) ([]clientsuite.Message, error) {
	ms, err := b.Client.Fetch(ctx, set, uid, req)
	if b.bug == "fetch-flags" {
		for i := range ms {
			ms[i].Flags = nil
		}
	}
	return ms, err
}

func (b *broken) Search(ctx context.Context, q clientsuite.SearchQuery) ([]uint32, error) {
	uids, err := b.Client.Search(ctx, q)
	if b.bug == "search" && len(uids) > 0 {
		uids = uids[1:]
	}
	return uids, err
}

func brokenDial(bug string) clientsuite.Dial {
	dial := imapkitclient.Dial(nil)
	return func(ctx context.Context, t clientsuite.Target, implicitTLS bool) (clientsuite.Client, error) {
		c, err := dial(ctx, t, implicitTLS)
		if err != nil {
			return nil, err
		}
		return &broken{Client: c.(*imapkitclient.Client), bug: bug}, nil
	}
}

func TestSuiteCatchesBrokenClients(t *testing.T) {
	target, stop, err := memtarget.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	byName := map[string]clientsuite.Scenario{}
	for _, s := range clientsuite.Scenarios() {
		byName[s.Name] = s
	}
	for _, tc := range []struct{ bug, scenario string }{
		{"expunge-order", "expunge"},
		{"fetch-flags", "store-flags"},
		{"search", "search"},
	} {
		res := clientsuite.Run(context.Background(), target, brokenDial(tc.bug), []clientsuite.Scenario{byName[tc.scenario]})
		if len(res) != 1 || res[0].Outcome != clientsuite.Fail {
			t.Errorf("client with bug %s: scenario %s gave %+v, want a failure", tc.bug, tc.scenario, res)
		} else {
			t.Logf("bug %s caught: %s", tc.bug, res[0].Detail)
		}
		// The same scenario passes with the unbroken client.
		res = clientsuite.Run(context.Background(), target, brokenDial(""), []clientsuite.Scenario{byName[tc.scenario]})
		if len(res) != 1 || res[0].Outcome != clientsuite.Pass {
			t.Errorf("unbroken client: scenario %s gave %+v, want a pass", tc.scenario, res)
		}
	}
}
