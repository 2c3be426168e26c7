package logproxy_test

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/imapkit-thirdparty/logproxy"
	"example.com/imapkit-thirdparty/xpriority"
	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/conformance/memserver"
	"github.com/imapkit/imapkit/ext/condstore"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// A session through the proxy against memserver: every command and
// response decodes with the extensions installed (CONDSTORE, and the
// third-party X-PRIORITY) and re-encodes byte for byte.
func TestProxyRoundTripsAgainstMemserver(t *testing.T) {
	srv := memserver.New(&memserver.Options{Users: map[string]string{"alice": "pw"}, InsecureAuth: true})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()

	reg := codec.NewBaseRegistry()
	condstore.RegisterCodec(reg)
	xpriority.RegisterCodec(reg)
	var log syncBuf
	p := &logproxy.Proxy{Registry: reg, Log: &log}
	up, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	cc, pc := net.Pipe()
	done := make(chan error, 1)
	go func() { done <- p.Serve(pc, up) }()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.New(ctx, cc, &client.Options{InsecureAuth: true, Extensions: []client.Extension{condstore.Install}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx, "alice", "pw"); err != nil {
		t.Fatal(err)
	}
	msg := "Subject: hi\r\n\r\nhello\r\n"
	for range 2 {
		if _, err := c.Append(ctx, "INBOX", strings.NewReader(msg), int64(len(msg)), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Select(ctx, "INBOX", &client.SelectOptions{Params: []wire.Value{condstore.SelectParam()}}); err != nil {
		t.Fatal(err)
	}
	fc, err := c.Fetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{UID: true, Flags: true, Envelope: true, BodyStructure: true,
		Sections: []client.FetchSection{{}}, Extra: []wire.Value{condstore.FetchModSeq()}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if msgs, err := fc.CollectMessages(ctx); err != nil || len(msgs) != 2 {
		t.Fatalf("FETCH = %d, %v", len(msgs), err)
	}
	if sc, err := c.Store(ctx, seqset.MustParse("1"), &client.StoreFlags{Mode: client.StoreAdd, Flags: []string{`\Flagged`}}); err != nil {
		t.Fatal(err)
	} else if _, err := sc.CollectMessages(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	<-done
	if p.Mismatches() != 0 || p.Relayed.Load() < 20 {
		t.Fatalf("%d mismatches in %d relayed:\n%s", p.Mismatches(), p.Relayed.Load(), log.String())
	}
	if !strings.Contains(log.String(), "MODSEQ") {
		t.Errorf("the session did not exercise CONDSTORE:\n%s", log.String())
	}
}
