package quota_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/imapkit/imapkit/client"
	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/decodetest"
	"github.com/imapkit/imapkit/ext/internal/faketest"
	"github.com/imapkit/imapkit/ext/quota"
)

const greeting9208 = "* PREAUTH [CAPABILITY IMAP4rev1 ENABLE QUOTA QUOTASET QUOTA=RES-STORAGE QUOTA=RES-MESSAGE] ready"

func newConn(t *testing.T, greeting string) (*client.Conn, *faketest.Server) {
	return faketest.New(t, greeting, &client.Options{Extensions: []client.Extension{quota.Install}})
}

// RFC 9208 §4.1.1 example.
func TestRFC9208_4_1_1_GetQuota(t *testing.T) {
	c, s := newConn(t, greeting9208)
	done := faketest.Go(func() (*quota.Quota, error) { return quota.GetQuota(faketest.Ctx(t), c, "!partition/sda4") })
	s.Expect(`A1 GETQUOTA !partition/sda4`) // an astring: the atom form
	s.Send(`* QUOTA "!partition/sda4" (STORAGE 104 10923847)`, "A1 OK Getquota complete")
	q, err := done()
	if err != nil {
		t.Fatal(err)
	}
	want := &quota.Quota{Root: "!partition/sda4", Resources: []quota.Resource{{"STORAGE", 104, 10923847}}}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("GetQuota = %+v; want %+v", q, want)
	}
	if r, ok := q.Get("storage"); !ok || r.Limit != 10923847 {
		t.Errorf("Get(storage) = %+v, %v", r, ok)
	}
}

// RFC 9208 §4.1.2 example.
func TestRFC9208_4_1_2_GetQuotaRoot(t *testing.T) {
	c, s := newConn(t, greeting9208)
	done := faketest.Go(func() (*quota.RootResult, error) { return quota.GetQuotaRoot(faketest.Ctx(t), c, "INBOX") })
	s.Expect(`A1 GETQUOTAROOT INBOX`)
	s.Send(`* QUOTAROOT INBOX "#user/alice" "!partition/sda4"`,
		`* QUOTA "#user/alice" (MESSAGE 42 1000)`,
		`* QUOTA "!partition/sda4" (STORAGE 104 10923847)`,
		"A1 OK Getquotaroot complete")
	r, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Roots, []string{"#user/alice", "!partition/sda4"}) || len(r.Quotas) != 2 {
		t.Fatalf("GetQuotaRoot = %+v", r)
	}
	if q, ok := r.Quota("#user/alice"); !ok || !reflect.DeepEqual(q.Resources, []quota.Resource{{"MESSAGE", 42, 1000}}) {
		t.Errorf("Quota(#user/alice) = %+v, %v", q, ok)
	}
}

// RFC 9208 §4.1.3 example: the limit is rounded, then a NO.
func TestRFC9208_4_1_3_SetQuota(t *testing.T) {
	c, s := newConn(t, greeting9208)
	done := faketest.Go(func() (*quota.Quota, error) {
		return quota.SetQuota(faketest.Ctx(t), c, "#user/alice", []quota.Limit{{"storage", 510}})
	})
	s.Expect(`A1 SETQUOTA #user/alice (STORAGE 510)`)
	s.Send(`* QUOTA "#user/alice" (STORAGE 58 512)`, "A1 OK Rounded quota")
	q, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := q.Get(quota.Storage); r.Limit != 512 || r.Usage != 58 {
		t.Errorf("SetQuota = %+v; want the rounded limit 512", q)
	}

	done = faketest.Go(func() (*quota.Quota, error) {
		return quota.SetQuota(faketest.Ctx(t), c, "!partition/sda4", []quota.Limit{{quota.Storage, 99999999}})
	})
	s.Expect(`A2 SETQUOTA !partition/sda4 (STORAGE 99999999)`)
	s.Send(`* QUOTA "!partition/sda4" (STORAGE 104 10923847)`, "A2 NO Cannot change system limit")
	_, err = done()
	var se *client.StatusError
	if !errors.As(err, &se) || se.Command != "SETQUOTA" {
		t.Errorf("SetQuota refused: err = %v; want a *client.StatusError", err)
	}
}

// RFC 9208 §4.2 example: STATUS DELETED and DELETED-STORAGE.
func TestRFC9208_4_2_Status(t *testing.T) {
	c, s := newConn(t, greeting9208)
	done := faketest.Go(func() (*quota.StatusResult, error) { return quota.Status(faketest.Ctx(t), c, "INBOX") })
	s.Expect(`A1 STATUS INBOX (DELETED DELETED-STORAGE)`)
	s.Send(`* STATUS INBOX (DELETED 4 DELETED-STORAGE 8)`, "A1 OK Status complete.")
	r, err := done()
	if err != nil {
		t.Fatal(err)
	}
	if want := (&quota.StatusResult{Deleted: 4, HasDeleted: true, DeletedStorage: 8, HasDeletedStorage: true}); *r != *want {
		t.Errorf("Status = %+v; want %+v", r, want)
	}
}

func TestNotSupported(t *testing.T) {
	c, s := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev1] ready")
	ctx := faketest.Ctx(t)
	if _, err := quota.GetQuota(ctx, c, ""); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("GetQuota: err = %v; want ErrNotSupported", err)
	}
	if _, err := quota.GetQuotaRoot(ctx, c, "INBOX"); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("GetQuotaRoot: err = %v; want ErrNotSupported", err)
	}
	if _, err := quota.Status(ctx, c, "INBOX"); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("Status: err = %v; want ErrNotSupported", err)
	}
	s.Quiet(50e6)

	// RFC 9208 §4.1.3: an RFC 9208 server without QUOTASET has no SETQUOTA.
	c2, s2 := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev1 QUOTA QUOTA=RES-STORAGE] ready")
	if _, err := quota.SetQuota(ctx, c2, "", nil); !errors.Is(err, client.ErrNotSupported) {
		t.Errorf("SetQuota without QUOTASET: err = %v; want ErrNotSupported", err)
	}
	s2.Quiet(50e6)
}

// An RFC 2087 server (QUOTA alone) may take SETQUOTA.
func TestRFC2087SetQuota(t *testing.T) {
	c, s := newConn(t, "* PREAUTH [CAPABILITY IMAP4rev1 QUOTA] ready")
	done := faketest.Go(func() (*quota.Quota, error) { return quota.SetQuota(faketest.Ctx(t), c, "", nil) })
	s.Expect(`A1 SETQUOTA "" ()`)
	s.Send(`A1 OK done`)
	if q, err := done(); err != nil || q != nil {
		t.Errorf("SetQuota = %v, %v; want nil, nil", q, err)
	}
}

func TestParse(t *testing.T) {
	reg := codec.NewBaseRegistry()
	quota.RegisterCodec(reg)
	tests := []struct {
		line string
		want any
	}{
		{`* QUOTA "#user/alice" (STORAGE 54 111 MESSAGE 42 1000)`, &quota.Quota{Root: "#user/alice", Resources: []quota.Resource{{"STORAGE", 54, 111}, {"MESSAGE", 42, 1000}}}},
		{`* QUOTA "" (STORAGE 10 512)`, &quota.Quota{Root: "", Resources: []quota.Resource{{"STORAGE", 10, 512}}}},
		{`* QUOTA "User quota" (storage 0 104857600)`, &quota.Quota{Root: "User quota", Resources: []quota.Resource{{"storage", 0, 104857600}}}}, // Dovecot
		{`* QUOTA root (X-HUGE 9223372036854775807 9223372036854775807)`, &quota.Quota{Root: "root", Resources: []quota.Resource{{"X-HUGE", 1<<63 - 1, 1<<63 - 1}}}},
		{`* QUOTA "ROOT"`, &quota.Quota{Root: "ROOT"}}, // Courier, lenient
		{`* QUOTA "ROOT" ()`, &quota.Quota{Root: "ROOT"}},
		{`* QUOTAROOT INBOX ""`, &quota.Root{Mailbox: "INBOX", Roots: []string{""}}},
		{`* QUOTAROOT comp.mail.mime`, &quota.Root{Mailbox: "comp.mail.mime"}},
		{`* QUOTAROOT "&AMk-t&AOk-" a b`, &quota.Root{Mailbox: "Été", Roots: []string{"a", "b"}}},
	}
	for _, tt := range tests {
		r := decodetest.Must(t, reg, tt.line)
		if !reflect.DeepEqual(r.Data, tt.want) {
			t.Errorf("%s: Data = %#v; want %#v", tt.line, r.Data, tt.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	reg := codec.NewBaseRegistry()
	quota.RegisterCodec(reg)
	for _, line := range []string{
		`* QUOTA "r" (STORAGE 1)`,
		`* QUOTA "r" (STORAGE x 1)`,
		`* QUOTA "r" (STORAGE 1 2`,
		`* QUOTA "r" (STORAGE 1 2 MESSAGE)`,
		`* QUOTA "r" (1 2 3)x`,
		`* QUOTA "r" (STORAGE 1 18446744073709551616)`,
	} {
		if r, err := decodetest.Decode(reg, false, line); err == nil {
			if _, ok := r.Data.(*quota.Quota); ok {
				t.Errorf("%s: decoded as %#v; want an error or a generic fallback", line, r.Data)
			}
		}
	}
	for _, line := range []string{`* QUOTA "ROOT"`, `* QUOTA "ROOT" ()`} {
		if _, err := decodetest.Decode(reg, true, line); err == nil {
			t.Errorf("strict %s: no error", line)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"* QUOTA \"#user/alice\" (STORAGE 54 111 MESSAGE 42 1000)\r\n",
		"* QUOTAROOT INBOX \"#user/alice\" \"!partition/sda4\"\r\n",
		"* QUOTA \"ROOT\"\r\n",
		"* QUOTA {1}\r\nr (STORAGE 1 2)\r\n",
	} {
		f.Add([]byte(s))
	}
	reg := codec.NewBaseRegistry()
	quota.RegisterCodec(reg)
	f.Fuzz(func(t *testing.T, data []byte) { decodetest.Fuzz(reg, data) })
}

// Decode then encode gives the RFC's bytes back (RFC 9208 §4.1 examples,
// Dovecot's form).
func TestRoundTrip(t *testing.T) {
	reg := codec.NewBaseRegistry()
	quota.RegisterCodec(reg)
	decodetest.RoundTrip(t, reg,
		`* QUOTA "!partition/sda4" (STORAGE 104 10923847)`,
		`* QUOTAROOT INBOX "#user/alice" "!partition/sda4"`,
		`* QUOTA "#user/alice" (MESSAGE 42 1000)`,
		`* QUOTA "#user/alice" (STORAGE 54 111 MESSAGE 42 1000)`,
		`* QUOTA "" (STORAGE 10 512)`,
		`* QUOTAROOT INBOX ""`,
		`* QUOTAROOT comp.mail.mime`,
		`* QUOTA "User quota" (STORAGE 0 104857600)`,
		`* QUOTAROOT "&AMk-t&AOk-" root {5}`+"\r\n"+`a"b\c`,
		`* QUOTA root ()`,
	)
}

// Without Install the QUOTA response stays a generic tree and GetQuota
// says what is missing instead of guessing.
func TestWithoutInstall(t *testing.T) {
	c, s := faketest.New(t, greeting9208, nil)
	done := faketest.Go(func() (*quota.Quota, error) { return quota.GetQuota(faketest.Ctx(t), c, "") })
	s.Expect(`A1 GETQUOTA ""`)
	s.Send(`* QUOTA "" (STORAGE 10 512)`, "A1 OK done")
	_, err := done()
	if err == nil || !strings.Contains(err.Error(), "quota.Install") {
		t.Errorf("err = %v; want one naming quota.Install", err)
	}
}
