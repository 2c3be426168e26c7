package serversuite

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/conformance/memserver"
	"github.com/imapkit/imapkit/conformance/scripted"
)

func startMem(t *testing.T) Config {
	t.Helper()
	srv := memserver.New(&memserver.Options{Users: map[string]string{"u": `p "q"`}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return Config{Addr: l.Addr().String(), User: "u", Password: `p "q"`}
}

// TestRunnerReportsMismatches: the runner fails a script whose responses
// do not match, or match a forbidden pattern, and says which.
func TestRunnerReportsMismatches(t *testing.T) {
	cfg := startMem(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		s    Script
		want string // in the error; "" for success
	}{
		{"ok", Script{Steps: []Step{login, {Send: "a1 NOOP", Want: []string{"a1 OK{{*}}"}}}}, ""},
		{"want", Script{Steps: []Step{{Send: "a1 CAPABILITY", Want: []string{"* CAPABILITY NOPE"}}}}, `no response matches "* CAPABILITY NOPE"`},
		{"order", Script{Steps: []Step{{Send: "a1 CAPABILITY", Want: []string{"a1 OK{{*}}", "* CAPABILITY {{*}}"}}}}, "no response matches"},
		{"not", Script{Steps: []Step{{Send: "a1 CAPABILITY", Not: []string{"* CAPABILITY {{*}}"}}}}, "forbidden"},
		{"capture", Script{Steps: []Step{login,
			{Send: `a1 STATUS INBOX (UIDNEXT)`, Want: []string{"* STATUS INBOX (UIDNEXT {{n:next}})"}},
			{Send: `a2 STATUS INBOX (UIDNEXT)`, Want: []string{"* STATUS INBOX (UIDNEXT {{=next}})"}},
			{Send: `a3 STATUS INBOX (MESSAGES)`, Want: []string{"* STATUS INBOX (MESSAGES {{=next}})"}}}},
			`no response matches "* STATUS INBOX (MESSAGES {{=next}})"`},
		{"literal", Script{Literals: map[string]string{"m": "Subject: s\r\n\r\nbody\r\n"}, Steps: []Step{login,
			{Send: "a1 APPEND INBOX {{lit:m}}", Want: []string{"a1 OK{{*}}"}},
			{Send: "a2 SELECT INBOX", Want: []string{"a2 OK{{*}}"}},
			{Send: "a3 FETCH 1 BODY.PEEK[]", Want: []string{"* 1 FETCH (BODY[] {20}\r\nSubject: s\r\n\r\nbody\r\n)", "a3 OK{{*}}"}}}}, ""},
		{"case", Script{Steps: []Step{{Send: "a1 noop", Want: []string{"{{i}}A1 ok{{*}}"}}}}, ""},
		{"unknown", Script{Steps: []Step{{Send: "a1 NOOP", Want: []string{"{{=nothing}}"}}}}, `no value "nothing"`},
	} {
		err := tc.s.Run(ctx, cfg)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v; want an error with %q", tc.name, err, tc.want)
		}
	}
}

func TestLiteralSize(t *testing.T) {
	for _, tc := range []struct {
		in string
		n  int64
		ok bool
	}{
		{"* 1 FETCH (BODY[] {12}", 12, true},
		{"* 1 FETCH (BINARY[] ~{3}", 3, true},
		{"a1 OK {x}", 0, false},
		{"a1 OK done", 0, false},
		{"{-1}", 0, false},
	} {
		n, ok := literalSize(tc.in)
		if n != tc.n || ok != tc.ok {
			t.Errorf("literalSize(%q) = %d, %v", tc.in, n, ok)
		}
	}
}

// TestUntaggedBeforeContinuation: a server may send untagged responses
// (here Dovecot's warning, seen live) before the "+" of a literal (RFC
// 9051 §7); they are not a refusal and count among the step's responses.
func TestUntaggedBeforeContinuation(t *testing.T) {
	s, err := scripted.Listen(t, &scripted.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s.SendLine("* OK ready")
	s.Expect("a1 APPEND INBOX {4}")
	s.SendLine("* NO Internal mailbox synchronization failure, showing only old mails.", "* 3 EXISTS", "+ go ahead")
	s.ExpectBytes("abcd\r\n")
	s.SendLine("a1 OK done")
	sc := Script{Literals: map[string]string{"m": "abcd"}, Steps: []Step{
		{Send: "a1 APPEND INBOX {{lit:m}}", Want: []string{"* NO Internal{{*}}", "* 3 EXISTS", "a1 OK{{*}}"}},
	}}
	if err := sc.Run(context.Background(), Config{Addr: s.Addr()}); err != nil {
		t.Fatal(err)
	}
}
