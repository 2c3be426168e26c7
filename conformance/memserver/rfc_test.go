package memserver

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"
)

// rfc9051Header is the header of message 12 of the sample session of
// RFC 9051 §8 (342 octets, as its BODY[HEADER] says).
const rfc9051Header = "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n" +
	"From: Terry Gray <gray@cac.washington.edu>\r\n" +
	"Subject: IMAP4rev2 WG mtg summary and minutes\r\n" +
	"To: imap@cac.washington.edu\r\n" +
	"cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n" +
	"Message-Id: <B27397-0100000@cac.washington.edu>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n" +
	"\r\n"

// TestRFC9051_8_SampleSession replays the sample connection of RFC 9051
// §8 with its message 12 (a body of 3028 octets in 92 lines) among 18 in
// INBOX. Differences from the RFC's transcript, each for a reason:
// AUTHENTICATE uses PLAIN (the server has no SCRAM), UIDVALIDITY is the
// server's, RFC822.SIZE is the message's real size (the RFC's 4286 does
// not add up with its 342 + 3028), the Message-ID is the header's (the
// RFC's ENVELOPE drops a "u"), and no OLDNAME is sent since the LIST
// name is the one asked for, case aside.
func TestRFC9051_8_SampleSession(t *testing.T) {
	serverCfg, clientCfg := selfSigned(t)
	srv, addr := startServer(t, &Options{TLSConfig: serverCfg})
	var body strings.Builder
	for i := 0; i < 92; i++ {
		n := 31
		if i >= 84 {
			n = 30
		}
		line := strings.Repeat("minutes of the IMAP4rev2 WG mtg ", 2)[:n]
		body.WriteString(line + "\r\n")
	}
	if body.Len() != 3028 {
		t.Fatalf("body of %d octets", body.Len())
	}
	var msgs []Message
	for i := 1; i <= 18; i++ {
		msgs = append(msgs, Message{Raw: testMessage("filler")})
	}
	date, _ := time.Parse("02-Jan-2006 15:04:05 -0700", "17-Jul-1996 02:44:25 -0700")
	msgs[11] = Message{Raw: []byte(rfc9051Header + body.String()), Flags: []string{`\Seen`}, Date: date}
	if err := srv.Seed(testUser, "INBOX", msgs...); err != nil {
		t.Fatal(err)
	}

	a := dialRaw(t, addr)
	a.send("a000 starttls")
	if l := a.line(); l != "a000 OK Begin TLS negotiation now" {
		t.Fatalf("STARTTLS: %q", l)
	}
	tc := tls.Client(a.c, clientCfg)
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	a.c, a.br = tc, bufio.NewReader(tc)
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + testUser + "\x00" + testPass))
	a.send("A001 AUTHENTICATE PLAIN")
	if l := a.line(); l != "+ " {
		t.Fatalf("AUTHENTICATE challenge %q", l)
	}
	a.send(plain)
	if ls := a.until("A001 "); !strings.HasPrefix(ls[len(ls)-1], "A001 OK") {
		t.Fatalf("AUTHENTICATE: %q", ls)
	}
	exchange := func(cmd string, want ...string) {
		t.Helper()
		tag, _, _ := strings.Cut(cmd, " ")
		a.send(cmd)
		got := a.until(tag + " ")
		if len(got) != len(want) {
			t.Errorf("%s:\n got %q\nwant %q", cmd, got, want)
			return
		}
		for i := range want {
			if !regexp.MustCompile(`^` + want[i] + `$`).MatchString(got[i]) {
				t.Errorf("%s: response %d\n got %q\nwant %q", cmd, i+1, got[i], want[i])
			}
		}
	}
	q := regexp.QuoteMeta
	exchange("babc ENABLE IMAP4rev2", q("* ENABLED IMAP4rev2"), q("babc OK ")+".*")
	exchange("a002 select inbox",
		q(`* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)`),
		q(`* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] `)+".*",
		q("* 18 EXISTS"),
		q("* OK [UIDVALIDITY ")+`\d+`+q("] ")+".*",
		q("* OK [UIDNEXT 19] ")+".*",
		q(`* LIST () "/" INBOX`),
		q("a002 OK [READ-WRITE] SELECT completed"))
	exchange("a003 fetch 12 full",
		q(`* 12 FETCH (FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 3370 ENVELOPE (`+
			`"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and minutes" `+
			`(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) `+
			`(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) `+
			`((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL `+
			`"<B27397-0100000@cac.washington.edu>") BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))`),
		q("a003 OK FETCH completed"))
	want := []string{q("* 12 FETCH (BODY[HEADER] {342}")}
	for _, l := range strings.Split(strings.TrimSuffix(rfc9051Header, "\r\n"), "\r\n") {
		want = append(want, q(l))
	}
	want = append(want, q(")"), q("a004 OK FETCH completed"))
	exchange("a004 fetch 12 body[header]", want...)
	exchange(`a005 store 12 +flags \deleted`, q(`* 12 FETCH (FLAGS (\Seen \Deleted))`), q("a005 OK STORE completed"))
	exchange("a006 logout", q("* BYE ")+".*", q("a006 OK LOGOUT completed"))
}
