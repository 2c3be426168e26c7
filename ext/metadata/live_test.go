package metadata_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/ext/internal/livetest"
	"github.com/imapkit/imapkit/ext/metadata"
)

// Dovecot 2.3 with imap_metadata = yes advertises METADATA (mailbox and
// server entries), without LIST-METADATA; Cyrus 3.6 METADATA and
// LIST-METADATA (TestLiveCyrusListMetadata); Courier 5.0 neither.
func TestLiveMetadata(t *testing.T) {
	livetest.Run(t, &client.Options{Extensions: []client.Extension{metadata.Install}}, []string{"METADATA"}, testLiveMetadata)
}

func testLiveMetadata(t *testing.T, env livetest.Env, c *client.Conn) {
	ctx := livetest.Ctx(t)
	mbox := env.Mailbox(t, c, "imapkit-ext-metadata")

	long := strings.Repeat("x", 3000)
	err := metadata.SetMetadata(ctx, c, mbox, []metadata.Entry{
		{Name: "/private/comment", Value: "private note"},
		{Name: "/shared/comment", Value: "shared note"},
		{Name: "/private/vendor/imapkit/long", Value: long},
	})
	if err != nil {
		t.Fatalf("SetMetadata: %v", err)
	}
	r, err := metadata.GetMetadata(ctx, c, mbox, []string{"/private/comment", "/shared/comment"}, nil)
	if err != nil {
		t.Fatalf("GetMetadata: %v", err)
	}
	if e, _ := r.Get("/private/comment"); e.Value != "private note" {
		t.Errorf("/private/comment = %+v", e)
	}
	if e, _ := r.Get("/shared/comment"); e.Value != "shared note" {
		t.Errorf("/shared/comment = %+v", e)
	}

	// MAXSIZE leaves the long value out and says how long it is.
	r, err = metadata.GetMetadata(ctx, c, mbox, []string{"/private/vendor/imapkit/long", "/private/comment"}, &metadata.GetOptions{MaxSize: 100})
	if err != nil {
		t.Fatalf("GetMetadata MAXSIZE: %v", err)
	}
	if !r.HasLongEntries || r.LongEntries != 3000 {
		t.Errorf("MAXSIZE 100: %+v; want LONGENTRIES 3000", r)
	}
	if e, ok := r.Get("/private/vendor/imapkit/long"); ok && !e.IsNil {
		t.Errorf("MAXSIZE 100 returned the long value")
	}

	// DEPTH infinity finds the entry below /private/vendor.
	r, err = metadata.GetMetadata(ctx, c, mbox, []string{"/private/vendor"}, &metadata.GetOptions{Depth: metadata.DepthInfinity})
	if err != nil {
		t.Fatalf("GetMetadata DEPTH: %v", err)
	}
	if e, _ := r.Get("/private/vendor/imapkit/long"); e.Value != long {
		t.Errorf("DEPTH infinity: %d entries, long value %d octets", len(r.Entries), len(e.Value))
	}

	// NIL removes.
	if err := metadata.SetMetadata(ctx, c, mbox, []metadata.Entry{{Name: "/private/comment", IsNil: true}}); err != nil {
		t.Fatalf("SetMetadata NIL: %v", err)
	}
	r, err = metadata.GetMetadata(ctx, c, mbox, []string{"/private/comment"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := r.Get("/private/comment"); ok && !e.IsNil {
		t.Errorf("after NIL: %+v", e)
	}

	// Server entries (mailbox "").
	if err := metadata.SetMetadata(ctx, c, "", []metadata.Entry{{Name: "/private/vendor/imapkit/server", Value: "s"}}); err != nil {
		t.Fatalf("SetMetadata server: %v", err)
	}
	r, err = metadata.GetMetadata(ctx, c, "", []string{"/private/vendor/imapkit/server"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := r.Get("/private/vendor/imapkit/server"); e.Value != "s" {
		t.Errorf("server entry = %+v", r)
	}
	metadata.SetMetadata(ctx, c, "", []metadata.Entry{{Name: "/private/vendor/imapkit/server", IsNil: true}})

	if env.Name != "dovecot" {
		return
	}
	if _, err := metadata.List(ctx, c, "", "*", []string{"/private/comment"}, nil); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("List on Dovecot 2.3: err = %v; want ErrNotSupported", err)
	}
}

// Cyrus 3.6 offers LIST-METADATA (RFC 9590): LIST RETURN (METADATA ...)
// gives each mailbox's entries; with MAXSIZE (the METADATA selection
// option) a long value is left out and LONGENTRIES tells its size; with
// DEPTH the entries below the one named come too.
func TestLiveCyrusListMetadata(t *testing.T) {
	env := livetest.Server(t, "cyrus")
	c := env.Login(t, &client.Options{Extensions: []client.Extension{metadata.Install}})
	ctx := livetest.Ctx(t)
	if has, err := c.Has(ctx, "LIST-METADATA"); err != nil || !has {
		t.Fatalf("Cyrus does not advertise LIST-METADATA (%v)", err)
	}
	mbox := env.Mailbox(t, c, "imapkit-ext-listmeta")
	long := strings.Repeat("y", 300)
	err := metadata.SetMetadata(ctx, c, mbox, []metadata.Entry{
		{Name: "/private/comment", Value: long},
		{Name: "/private/vendor/imapkit/deep", Value: "deep"},
	})
	if err != nil {
		t.Fatalf("SetMetadata: %v", err)
	}

	r, err := metadata.List(ctx, c, "", mbox, []string{"/private/comment"}, nil)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(r.Mailboxes) != 1 || r.Mailboxes[0].Mailbox != mbox {
		t.Fatalf("List %q = %+v", mbox, r.Mailboxes)
	}
	if e, _ := r.Metadata[mbox].Get("/private/comment"); e.Value != long {
		t.Fatalf("/private/comment = %d octets; want %d", len(e.Value), len(long))
	}

	r, err = metadata.List(ctx, c, "", mbox, []string{"/private/comment"}, &metadata.GetOptions{MaxSize: 10})
	if err != nil {
		t.Fatalf("List MAXSIZE: %v", err)
	}
	if !r.HasLongEntries || r.LongEntries != uint32(len(long)) {
		t.Errorf("List MAXSIZE 10: LONGENTRIES %d (%v); want %d", r.LongEntries, r.HasLongEntries, len(long))
	}
	if d := r.Metadata[mbox]; d != nil {
		if e, ok := d.Get("/private/comment"); ok && e.Value == long {
			t.Errorf("MAXSIZE 10 returned the %d-octet value", len(long))
		}
	}

	r, err = metadata.List(ctx, c, "", mbox, []string{"/private/vendor/imapkit"}, &metadata.GetOptions{Depth: metadata.DepthInfinity})
	if err != nil {
		t.Fatalf("List DEPTH: %v", err)
	}
	if e, _ := r.Metadata[mbox].Get("/private/vendor/imapkit/deep"); e.Value != "deep" {
		t.Errorf("DEPTH infinity: %+v; want /private/vendor/imapkit/deep", r.Metadata[mbox])
	}

	// GETMETADATA with the same options (RFC 5464 §4.2.1, §4.2.2).
	g, err := metadata.GetMetadata(ctx, c, mbox, []string{"/private/comment"}, &metadata.GetOptions{MaxSize: 10})
	if err != nil {
		t.Fatalf("GetMetadata MAXSIZE: %v", err)
	}
	if !g.HasLongEntries || g.LongEntries != uint32(len(long)) {
		t.Errorf("GetMetadata MAXSIZE 10: %+v", g)
	}
	g, err = metadata.GetMetadata(ctx, c, mbox, []string{"/private/vendor"}, &metadata.GetOptions{Depth: metadata.Depth1})
	if err != nil {
		t.Fatalf("GetMetadata DEPTH 1: %v", err)
	}
	if e, ok := g.Get("/private/vendor/imapkit/deep"); ok && !e.IsNil {
		t.Errorf("DEPTH 1 returned a grandchild: %+v", g.Entries)
	}
}
