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
// server entries); it has no LIST-METADATA.
func TestLiveMetadata(t *testing.T) {
	env := livetest.Get(t)
	c := env.Login(t, &client.Options{Extensions: []client.Extension{metadata.Install}})
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

	if _, err := metadata.List(ctx, c, "", "*", []string{"/private/comment"}); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("List on Dovecot 2.3: err = %v; want ErrNotSupported", err)
	}
}
