package referrals_test

import (
	"context"
	"errors"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/conformance/scripted"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/referrals"
)

func reg() *codec.Registry {
	r := codec.NewBaseRegistry()
	referrals.RegisterCodec(r)
	return r
}

func TestParseURL(t *testing.T) {
	cases := []struct {
		in   string
		want referrals.URL
	}{
		// RFC 2221 §3, §4.1 examples.
		{"IMAP://user;AUTH=*@SERVER2/", referrals.URL{User: "user", Auth: "*", Host: "SERVER2"}},
		{"IMAP://MATTHEW@SERVER2/", referrals.URL{User: "MATTHEW", Host: "SERVER2"}},
		{"IMAP://user;AUTH=GSSAPI@SERVER2/", referrals.URL{User: "user", Auth: "GSSAPI", Host: "SERVER2"}},
		// RFC 2193 §4 shape: a mailbox on the other server.
		{"IMAP://user;AUTH=*@SERVER2/SHARED/FOO", referrals.URL{User: "user", Auth: "*", Host: "SERVER2", Mailbox: "SHARED/FOO"}},
		// RFC 5092 §7 examples.
		{"imap://minbari.example.org/gray-council;UIDVALIDITY=385759045/;UID=20/;PARTIAL=0.1024",
			referrals.URL{Host: "minbari.example.org", Mailbox: "gray-council", UIDValidity: 385759045, UID: 20, Partial: "0.1024"}},
		{"imap://psicorp.example.org/~peter/%E6%97%A5%E6%9C%AC%E8%AA%9E/%E5%8F%B0%E5%8C%97",
			referrals.URL{Host: "psicorp.example.org", Mailbox: "~peter/日本語/台北"}},
		{"imap://;AUTH=*@minbari.example.org/gray%20council?SUBJECT%20shadows",
			referrals.URL{Auth: "*", Host: "minbari.example.org", Mailbox: "gray council", Search: "SUBJECT shadows"}},
		{"imap://joe@example.com:1143/INBOX/;UID=7/;SECTION=1.2",
			referrals.URL{User: "joe", Host: "example.com", Port: "1143", Mailbox: "INBOX", UID: 7, Section: "1.2"}},
		{"imap://[::1]:1143/", referrals.URL{Host: "::1", Port: "1143"}},
	}
	for _, tc := range cases {
		u, err := referrals.ParseURL(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		tc.want.Raw = tc.in
		if *u != tc.want {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.in, *u, tc.want)
		}
		if u.String() != tc.in {
			t.Errorf("String() = %q", u.String())
		}
	}
	for _, bad := range []string{"", "http://x/", "imap://", "imap://host:0/", "imap://host:99999/",
		"imap://host/INBOX;UIDVALIDITY=0", "imap://host/INBOX/;UID=x", "imap://[::1/", "imap://u;AUTH=@host/",
		"imap://host/a%zz", "imap://host/INBOX/;UID=3?ALL"} {
		if u, err := referrals.ParseURL(bad); err == nil {
			t.Errorf("%q parsed: %+v", bad, u)
		}
	}
}

// The server part of a referral, read by transport.ParseAddress.
func TestAddress(t *testing.T) {
	for in, want := range map[string]string{
		"IMAP://user;AUTH=*@SERVER2/":     "SERVER2:143",
		"imap://joe@example.com:1143/BOX": "example.com:1143",
		"imap://[::1]:1143/":              "[::1]:1143",
	} {
		u, err := referrals.ParseURL(in)
		if err != nil {
			t.Fatal(err)
		}
		a, err := u.Address()
		if err != nil || a.HostPort() != want || a.TLS {
			t.Errorf("%q: Address = %+v (%q), %v; want %s cleartext", in, a, a.HostPort(), err, want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	decodetest.RoundTrip(t, reg(),
		"A001 NO [REFERRAL IMAP://user;AUTH=*@SERVER2/] Remote Server",
		"* BYE [REFERRAL IMAP://user;AUTH=*@SERVER2/] Server not accepting connections.  Try SERVER2",
		"A001 OK [REFERRAL IMAP://MATTHEW@SERVER2/] Specified user's personal mailboxes located on Server2, but public mailboxes are available.",
		"A001 NO [REFERRAL IMAP://user;AUTH=*@SERVER2/SHARED/FOO] Remote mailbox. Try SERVER2.",
		"A1 NO [REFERRAL imap://psicorp.example.org/~peter/%E6%97%A5%E6%9C%AC%E8%AA%9E] x",
	)
	// A URL that does not parse stays a generic code: no typed referral.
	r := decodetest.Must(t, reg(), "A1 NO [REFERRAL ftp://x/] x")
	if _, ok := referrals.OfResponse(r); ok {
		t.Error("typed referral from an ftp URL")
	}
}

// RFC 2221 §4.1: LOGIN refused with a referral; Of reads it from the
// *client.StatusError.
func TestRFC2221_LoginReferral(t *testing.T) {
	c, s := faketest.New(t, "* OK [CAPABILITY IMAP4rev1 LOGIN-REFERRALS] ready", &client.Options{
		Extensions: []client.Extension{referrals.Install}, InsecureAuth: true})
	done := faketest.Go(func() (bool, error) { return true, c.Login(faketest.Ctx(t), "user", "pass") })
	s.Expect("A1 LOGIN user pass")
	s.Send("A1 NO [REFERRAL IMAP://user;AUTH=GSSAPI@SERVER2/] Specified user is invalid on this server. Try SERVER2.")
	_, err := done()
	u, ok := referrals.Of(err)
	if !ok || u.Host != "SERVER2" || u.Auth != "GSSAPI" || u.User != "user" {
		t.Fatalf("Of(%v) = %+v, %v", err, u, ok)
	}
	if _, ok := referrals.Of(errors.New("other")); ok {
		t.Error("Of found a referral in a plain error")
	}
}

// RFC 2221 §4.1: LOGIN accepted with a referral (the user's personal
// mailboxes are on SERVER2, public ones here): Login returns it with no
// error, LoginReferral keeps it until the next login, and a NO's
// referral comes with the error.
func TestRFC2221_LoginOKReferral(t *testing.T) {
	opts := &client.Options{Extensions: []client.Extension{referrals.Install}, InsecureAuth: true}
	c, s := faketest.New(t, "* OK [CAPABILITY IMAP4rev1 LOGIN-REFERRALS] ready", opts)
	ctx := faketest.Ctx(t)
	if _, ok := referrals.LoginReferral(c); ok {
		t.Fatal("a referral before any login")
	}
	done := faketest.Go(func() (*referrals.URL, error) { return referrals.Login(ctx, c, "MATTHEW", "PASSWORD") })
	s.Expect("A1 LOGIN MATTHEW PASSWORD")
	s.Send("A1 OK [REFERRAL IMAP://MATTHEW@SERVER2/] Specified user's personal mailboxes located on Server2, but public mailboxes are available.")
	u, err := done()
	if err != nil || u == nil || u.Host != "SERVER2" || u.User != "MATTHEW" {
		t.Fatalf("Login = %+v, %v; want the referral to SERVER2 and no error", u, err)
	}
	if c.State() != client.StateAuthenticated {
		t.Fatalf("state %v; an OK with a referral still logs in", c.State())
	}
	got, ok := referrals.LoginReferral(c)
	if !ok || got.Raw != "IMAP://MATTHEW@SERVER2/" {
		t.Fatalf("LoginReferral = %+v, %v", got, ok)
	}
	got.Host = "changed"
	if again, _ := referrals.LoginReferral(c); again.Host != "SERVER2" {
		t.Fatal("LoginReferral returned the connection's own copy")
	}
}

func TestLoginNoReferral(t *testing.T) {
	opts := &client.Options{Extensions: []client.Extension{referrals.Install}, InsecureAuth: true}
	c, s := faketest.New(t, "* OK [CAPABILITY IMAP4rev1] ready", opts)
	ctx := faketest.Ctx(t)
	done := faketest.Go(func() (*referrals.URL, error) { return referrals.Login(ctx, c, "user", "pass") })
	s.Expect("A1 LOGIN user pass")
	s.Send("A1 NO [REFERRAL IMAP://user;AUTH=*@SERVER2/] Try SERVER2")
	u, err := done()
	var se *client.StatusError
	if !errors.As(err, &se) || u == nil || u.Host != "SERVER2" {
		t.Fatalf("Login = %+v, %v; want the referral and the StatusError", u, err)
	}
	if _, ok := referrals.LoginReferral(c); ok {
		t.Fatal("LoginReferral set by a refused login")
	}
	done = faketest.Go(func() (*referrals.URL, error) { return referrals.Login(ctx, c, "user", "pass") })
	s.Expect("A2 LOGIN user pass")
	s.Send("A2 OK logged in")
	if u, err := done(); err != nil || u != nil {
		t.Fatalf("Login without a referral = %+v, %v", u, err)
	}

	// Without Install the OK's referral could not be seen: refused.
	c2, s2 := faketest.New(t, "* OK [CAPABILITY IMAP4rev1] ready", &client.Options{InsecureAuth: true})
	if _, err := referrals.Login(ctx, c2, "user", "pass"); !errors.Is(err, referrals.ErrNotInstalled) {
		t.Fatalf("Login without Install = %v", err)
	}
	s2.Quiet(0)
}

// RFC 2221 §4.1 with AUTHENTICATE: the OK's referral is returned.
func TestAuthenticateOKReferral(t *testing.T) {
	opts := &client.Options{Extensions: []client.Extension{referrals.Install}, InsecureAuth: true}
	c, s := faketest.New(t, "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN LOGIN-REFERRALS] ready", opts)
	done := faketest.Go(func() (*referrals.URL, error) {
		return referrals.Authenticate(faketest.Ctx(t), c, sasl.NewPlainClient("", "u", "p"))
	})
	s.Expect("A1 AUTHENTICATE PLAIN AHUAcA==")
	s.Send("A1 OK [REFERRAL IMAP://u;AUTH=PLAIN@SERVER3/] personal mailboxes on SERVER3")
	u, err := done()
	if err != nil || u == nil || u.Host != "SERVER3" || u.Auth != "PLAIN" {
		t.Fatalf("Authenticate = %+v, %v", u, err)
	}
}

// RFC 2221 §4.2: a BYE greeting with a referral; client.New's error
// carries it.
func TestRFC2221_ByeGreeting(t *testing.T) {
	s := scripted.New(t, &scripted.Options{Timeout: faketest.Timeout})
	s.SendLine("* BYE [REFERRAL IMAP://user;AUTH=*@SERVER2/] Server not accepting connections.  Try SERVER2")
	ctx, cancel := context.WithTimeout(context.Background(), faketest.Timeout)
	defer cancel()
	c, err := client.New(ctx, s.Client(), &client.Options{Extensions: []client.Extension{referrals.Install}})
	if err == nil {
		c.Close()
		t.Fatal("client.New accepted a BYE greeting")
	}
	u, ok := referrals.Of(err)
	if !ok || u.Host != "SERVER2" || u.Auth != "*" {
		t.Fatalf("Of(%v) = %+v, %v", err, u, ok)
	}
}

// RFC 2193 §4: SELECT of a remote mailbox refused with a referral, then
// RLIST lists remote mailboxes (transcript reconstructed from the RFC's
// examples).
func TestRFC2193_MailboxReferrals(t *testing.T) {
	c, s := faketest.New(t, "* PREAUTH [CAPABILITY IMAP4rev1 MAILBOX-REFERRALS] ready", &client.Options{
		Extensions: []client.Extension{referrals.Install}})
	ctx := faketest.Ctx(t)
	sel := faketest.Go(func() (*client.Mailbox, error) { return c.Select(ctx, "REMOTE", nil) })
	s.Expect("A1 SELECT REMOTE")
	s.Send("A1 NO [REFERRAL IMAP://user;AUTH=*@SERVER2/REMOTE] Remote mailbox. Try SERVER2.")
	_, err := sel()
	if u, ok := referrals.Of(err); !ok || u.Mailbox != "REMOTE" || u.Host != "SERVER2" {
		t.Fatalf("SELECT referral: Of(%v) = %+v, %v", err, u, ok)
	}

	list := faketest.Go(func() (int, error) {
		l, err := referrals.RList(ctx, c, "", "*")
		if err == nil && (l[1].Mailbox != "SHARED/FOO" || l[1].Delim != '/') {
			t.Errorf("RLIST second mailbox %+v", l[1])
		}
		return len(l), err
	})
	s.Expect(`A2 RLIST "" "*"`)
	s.Send(`* LIST () "/" blurdybloop`, `* LIST () "/" SHARED/FOO`, "A2 OK RLIST completed")
	if n, err := list(); err != nil || n != 2 {
		t.Fatalf("RLIST = %d, %v", n, err)
	}

	lsub := faketest.Go(func() (int, error) {
		l, err := referrals.RLsub(ctx, c, "#news.", "comp.mail.*")
		return len(l), err
	})
	s.Expect(`A3 RLSUB #news. "comp.mail.*"`)
	s.Send(`* LSUB () "." #news.comp.mail.mime`, "A3 OK RLSUB completed")
	if n, err := lsub(); err != nil || n != 1 {
		t.Fatalf("RLSUB = %d, %v", n, err)
	}
}

// RLIST without MAILBOX-REFERRALS is refused before sending.
func TestNotSupported(t *testing.T) {
	c, s := faketest.New(t, faketest.Greeting, nil)
	if _, err := referrals.RList(faketest.Ctx(t), c, "", "*"); !errors.Is(err, client.ErrNotSupported) {
		t.Fatalf("RList = %v; want ErrNotSupported", err)
	}
	s.Quiet(0)
}

func FuzzParseURL(f *testing.F) {
	f.Add("imap://minbari.example.org/gray-council;UIDVALIDITY=385759045/;UID=20/;PARTIAL=0.1024")
	f.Add("IMAP://user;AUTH=*@SERVER2/")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := referrals.ParseURL(s)
		if err == nil && u.String() != s {
			t.Fatalf("String %q != %q", u.String(), s)
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("A001 NO [REFERRAL IMAP://user;AUTH=*@SERVER2/] Remote Server\r\n"))
	r := reg()
	f.Fuzz(func(t *testing.T, data []byte) { decodetest.Fuzz(r, data) })
}
