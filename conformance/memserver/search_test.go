package memserver

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSearchKeys checks every search key of RFC 9051 §6.4.4 (and
// MODSEQ, RFC 7162 §3.1.5) on four messages.
func TestSearchKeys(t *testing.T) {
	srv, addr := startServer(t, nil)
	msg := func(from, to, cc, subject, date, body string) []byte {
		return []byte("From: " + from + "\r\nTo: " + to + "\r\nCc: " + cc + "\r\nBcc: hidden@example.com\r\nSubject: " + subject +
			"\r\nDate: " + date + "\r\nX-Tag: " + subject + "\r\n\r\n" + body + "\r\n")
	}
	day := func(d int) time.Time { return time.Date(2024, 3, d, 12, 0, 0, 0, time.UTC) }
	srv.Seed(testUser, "INBOX",
		Message{Raw: msg("ann@a.example", "bob@b.example", "cy@c.example", "apples", "Fri, 1 Mar 2024 10:00:00 +0000", "short"), Flags: []string{`\Seen`, `\Answered`}, Date: day(1)},
		Message{Raw: msg("bob@b.example", "ann@a.example", "dee@d.example", "bananas", "Sat, 2 Mar 2024 10:00:00 +0000", strings.Repeat("long ", 100)), Flags: []string{`\Flagged`, "$Blue"}, Date: day(2)},
		Message{Raw: msg("cy@c.example", "ann@a.example", "bob@b.example", "=?utf-8?q?caf=C3=A9?=", "Sun, 3 Mar 2024 10:00:00 +0000", "Cherries"), Flags: []string{`\Deleted`, `\Draft`}, Date: day(3)},
		Message{Raw: msg("dee@d.example", "cy@c.example", "ann@a.example", "dates", "Mon, 4 Mar 2024 10:00:00 +0000", "dates and more"), Date: day(4)},
	)
	a := dialRaw(t, addr)
	a.cmd("a1", `LOGIN alice "secret pass"`)
	a.cmd("a2", "SELECT INBOX")
	for _, tc := range []struct{ key, want string }{
		{"ALL", "1 2 3 4"},
		{"ANSWERED", "1"}, {"UNANSWERED", "2 3 4"},
		{"DELETED", "3"}, {"UNDELETED", "1 2 4"},
		{"DRAFT", "3"}, {"UNDRAFT", "1 2 4"},
		{"FLAGGED", "2"}, {"UNFLAGGED", "1 3 4"},
		{"SEEN", "1"}, {"UNSEEN", "2 3 4"},
		{"KEYWORD $Blue", "2"}, {"UNKEYWORD $blue", "1 3 4"},
		// This session selected INBOX first: every message is \Recent
		// for it (RFC 3501 §2.3.2).
		{"NEW", "2 3 4"}, {"RECENT", "1 2 3 4"}, {"OLD", ""}, {"NOT RECENT", ""},
		{"FROM ann", "1"}, {"TO ANN", "2 3"}, {"CC bob", "3"}, {"BCC hidden", "1 2 3 4"},
		{"SUBJECT café", "3"}, {"SUBJECT an", "2"}, {`HEADER X-Tag dates`, "4"}, {`HEADER X-Missing ""`, ""}, {`HEADER Cc ""`, "1 2 3 4"},
		{"BODY cherries", "3"}, {"BODY apples", ""}, {"TEXT apples", "1"},
		{"BEFORE 2-Mar-2024", "1"}, {"ON 2-Mar-2024", "2"}, {"SINCE 3-Mar-2024", "3 4"},
		{"SENTBEFORE 2-Mar-2024", "1"}, {"SENTON 3-Mar-2024", "3"}, {"SENTSINCE 4-Mar-2024", "4"},
		{"LARGER 400", "2"}, {"SMALLER 250", "1 3 4"},
		{"NOT SEEN", "2 3 4"}, {"OR SEEN FLAGGED", "1 2"}, {"(SEEN) (ANSWERED)", "1"},
		{"2:3", "2 3"}, {"*", "4"}, {"UID 1,4", "1 4"}, {"UID 3:*", "3 4"},
		{"MODSEQ 1", "1 2 3 4"},
		{"CHARSET UTF-8 SUBJECT café", "3"},
		{"NOT (OR 1 4) UNDELETED", "2"},
	} {
		ls := a.cmd("s1", "SEARCH "+tc.key)
		want := "* SEARCH"
		if tc.want != "" {
			want += " " + tc.want
		}
		got := ""
		for _, l := range ls {
			if strings.HasPrefix(l, "* SEARCH") {
				got, _, _ = strings.Cut(l, " (MODSEQ")
			}
		}
		if got != want {
			t.Errorf("SEARCH %s: %q; want %q", tc.key, ls, want)
		}
	}
	// RFC822.* items: RFC822.HEADER does not set \Seen, RFC822.TEXT does.
	ls := a.cmd("f1", "FETCH 4 (RFC822.HEADER)")
	if slices.ContainsFunc(ls, func(l string) bool { return strings.Contains(l, `\Seen`) }) {
		t.Errorf("RFC822.HEADER set \\Seen: %q", ls)
	}
	ls = a.cmd("f2", "FETCH 4 (RFC822.TEXT)")
	if !slices.ContainsFunc(ls, func(l string) bool {
		return strings.Contains(l, `FLAGS (\Seen \Recent)`) && strings.Contains(l, "RFC822.TEXT")
	}) {
		t.Errorf("RFC822.TEXT: %q; want FLAGS (\\Seen \\Recent) with it", ls)
	}
	ls = a.cmd("f3", "FETCH 4 (RFC822 RFC822.SIZE)")
	if !slices.ContainsFunc(ls, func(l string) bool { return strings.Contains(l, "RFC822 {") }) {
		t.Errorf("RFC822: %q", ls)
	}
}
