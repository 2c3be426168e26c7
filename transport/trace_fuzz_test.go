package transport

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
)

// quoteIMAP writes s as an IMAP quoted string (RFC 9051 §4.3), or false
// when it cannot be one (CR, LF, NUL).
func quoteIMAP(s string) (string, bool) {
	if strings.ContainsAny(s, "\r\n\x00") {
		return "", false
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String(), true
}

// loginSession is a conversation in which the client logs in with LOGIN
// (password as a quoted string, a literal or a LITERAL+ literal, by form)
// and with AUTHENTICATE PLAIN (with and without SASL-IR), then sends a
// NOOP that the trace must show.
func loginSession(user, pass string, form uint8) []event {
	var ev []event
	u, _ := quoteIMAP(user)
	switch q, ok := quoteIMAP(pass); {
	case form%3 == 0 && ok:
		ev = append(ev, C("A1 LOGIN "+u+" "+q+"\r\n"))
	case form%3 == 1:
		ev = append(ev, C("A1 LOGIN "+u+" {"+strconv.Itoa(len(pass))+"}\r\n"), S("+ go ahead\r\n"), C(pass+"\r\n"))
	default:
		ev = append(ev, C("A1 LOGIN "+u+" {"+strconv.Itoa(len(pass))+"+}\r\n"+pass+"\r\n"))
	}
	ev = append(ev, S("A1 NO [AUTHENTICATIONFAILED] try again\r\n"))
	ir := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
	if form&4 == 0 {
		ev = append(ev, C("A2 AUTHENTICATE PLAIN "+ir+"\r\n"))
	} else {
		ev = append(ev, C("A2 AUTHENTICATE PLAIN\r\n"), S("+ \r\n"), C(ir+"\r\n"))
	}
	return append(ev, S("A2 OK [CAPABILITY IMAP4rev1] logged in\r\n"), C("A3 NOOP\r\n"), S("A3 OK done\r\n"))
}

// FuzzTraceRedactsCredentials: the trace of a login does not depend on
// the password at all (any byte of it that showed would make the traces
// of two passwords of the same length differ), whatever the password,
// the form it is sent in and the chunks the bytes come in; and the
// commands after the login show again.
func FuzzTraceRedactsCredentials(f *testing.F) {
	f.Add("alice", "s3cret", uint8(0), uint8(0))
	f.Add("bob", "pa ss\"w\\rd", uint8(1), uint8(3))
	f.Add("carol", "line\r\nbreak", uint8(2), uint8(1))
	f.Add("dave", "{5}\r\n", uint8(5), uint8(2))
	f.Add("eve", "A2 OK", uint8(6), uint8(7))
	f.Add("fr\xc3\xa9d", "p\xc3\xa4ss\x00w", uint8(4), uint8(0))
	f.Fuzz(func(t *testing.T, user, pass string, form, chunk uint8) {
		if _, ok := quoteIMAP(user); !ok || pass == "" || strings.Count(pass, "\n") > 0 && form%3 == 0 {
			return
		}
		other := strings.Repeat("x", len(pass))
		if pass == other {
			other = strings.Repeat("y", len(pass))
		}
		if _, ok := quoteIMAP(pass); !ok && form%3 == 0 {
			form++ // a password that cannot be quoted goes as a literal
		}
		n := int(chunk%8) + 1
		got := traceOf(&Tracer{MaxLiteral: 1 << 10}, loginSession(user, pass, form), n)
		ref := traceOf(&Tracer{MaxLiteral: 1 << 10}, loginSession(user, other, form), n)
		if got != ref {
			t.Fatalf("the trace depends on the password %q (form %d, chunks of %d):\n%s\nwith %q instead:\n%s", pass, form, n, got, other, ref)
		}
		if !strings.Contains(got, "C: A3 NOOP\n") || !strings.Contains(got, "S: A3 OK done\n") {
			t.Fatalf("the commands after the login are hidden:\n%s", got)
		}
		if len(pass) >= 4 && bytes.Contains([]byte(got), []byte(pass)) && !strings.Contains(loginSessionPublic(user), pass) {
			t.Fatalf("the trace shows the password %q:\n%s", pass, got)
		}
	})
}

// loginSessionPublic is what of a login session may show: the user name
// and the fixed text.
func loginSessionPublic(user string) string {
	u, _ := quoteIMAP(user)
	return "C: A1 LOGIN " + u + " ****\nS: + go ahead\nS: A1 NO [AUTHENTICATIONFAILED] try again\nC: A2 AUTHENTICATE PLAIN ****\nS: + \nS: A2 OK [CAPABILITY IMAP4rev1] logged in\nC: A3 NOOP\nS: A3 OK done\n"
}
