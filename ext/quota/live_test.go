package quota_test

import (
	"errors"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/quota"
)

// Dovecot 2.3 advertises QUOTA (RFC 2087 style, no QUOTA=RES-*) with one
// root "User quota" (STORAGE, and MESSAGE with the count backend); Cyrus
// 3.6 one root INBOX (STORAGE and MESSAGE); Courier 5.0 one root "ROOT"
// without resources (no quota configured).
func TestLiveQuota(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{quota.Install}}, []string{"QUOTA"}, testLiveQuota)
}

func testLiveQuota(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-quota")
	livetest.Append(t, c, mbox, 2)

	res, err := quota.GetQuotaRoot(ctx, c, mbox)
	if err != nil {
		t.Fatalf("GetQuotaRoot: %v", err)
	}
	if len(res.Roots) == 0 || len(res.Quotas) == 0 {
		t.Fatalf("GetQuotaRoot = %+v; want a root and its QUOTA", res)
	}
	root := res.Roots[0]
	q, ok := res.Quota(root)
	if !ok {
		t.Fatalf("no QUOTA for root %q in %+v", root, res)
	}
	switch env.Name {
	case "courier":
		// No quota is configured, and Courier 5.0 leaves the resource
		// list out altogether (RFC 9208 §5.1 requires "()"):
		//   C: t1 GETQUOTAROOT INBOX
		//   S: * QUOTAROOT "INBOX" "ROOT"
		//   S: * QUOTA "ROOT"
		if root != "ROOT" || len(q.Resources) != 0 {
			t.Errorf("GETQUOTAROOT = %+v; want root ROOT without resources", res)
		}
	case "cyrus":
		// STORAGE counts KiB rounded down, so two small messages leave
		// it at 0; MESSAGE counts them.
		st, ok := q.Get(quota.Storage)
		msg, ok2 := q.Get(quota.Message)
		if !ok || st.Limit == 0 || !ok2 || msg.Limit == 0 || msg.Usage < 2 {
			t.Errorf("root %q: STORAGE = %+v, MESSAGE = %+v; want limits and 2 messages used", root, st, msg)
		}
	default:
		st, ok := q.Get(quota.Storage)
		if !ok || st.Limit == 0 || st.Usage == 0 {
			t.Errorf("root %q: STORAGE = %+v, %v; want a limit and some usage after 2 APPENDs", root, st, ok)
		}
	}

	q2, err := quota.GetQuota(ctx, c, root)
	if env.Name == "cyrus" {
		// Cyrus 3.6 lets only admins GETQUOTA, even the user's own root:
		//   C: t2 GETQUOTA INBOX
		//   S: t2 NO Permission denied
		var se *client.StatusError
		if !errors.As(err, &se) {
			t.Errorf("GetQuota(%q) as a user on Cyrus = %+v, %v; want NO", root, q2, err)
		}
	} else if err != nil {
		t.Fatalf("GetQuota(%q): %v", root, err)
	} else if q2.Root != root || len(q2.Resources) != len(q.Resources) {
		t.Errorf("GetQuota = %+v; want the resources GETQUOTAROOT gave (%+v)", q2, q)
	}

	// A user may not raise its own quota.
	_, err = quota.SetQuota(ctx, c, root, []quota.Limit{{quota.Storage, 1 << 40}})
	var se *client.StatusError
	if !errors.As(err, &se) {
		t.Errorf("SetQuota as a user: err = %v; want a NO or BAD", err)
	}

	// No QUOTA=RES-* capability: DELETED-STORAGE is not offered.
	if _, err := quota.Status(ctx, c, mbox); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("Status: err = %v; want ErrNotSupported", err)
	}
}
