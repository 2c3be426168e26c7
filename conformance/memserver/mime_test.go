package memserver

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/imapkit/imapkit/wire"
)

// TestAddressGroups: RFC 5322 groups become the group markers of RFC
// 9051 §7.5.2.
func TestAddressGroups(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []wire.Address
	}{
		{"undisclosed-recipients:;", []wire.Address{{Mailbox: "undisclosed-recipients"}, {}}},
		{`Ann <ann@a.example>, Team: bo@b.example, "C, D" <cd@c.example>; eve@e.example`, []wire.Address{
			{Name: "Ann", Mailbox: "ann", Host: "a.example"},
			{Mailbox: "Team"},
			{Mailbox: "bo", Host: "b.example"},
			{Name: "C, D", Mailbox: "cd", Host: "c.example"},
			{},
			{Mailbox: "eve", Host: "e.example"},
		}},
		{`"a:b" <x@y.example>`, []wire.Address{{Name: "a:b", Mailbox: "x", Host: "y.example"}}},
		{"=?utf-8?q?Zo=C3=AB?= <zoe@z.example>", []wire.Address{{Name: "=?utf-8?q?Zo=C3=AB?=", Mailbox: "zoe", Host: "z.example"}}},
		{"not an address", nil},
	} {
		if diff := cmp.Diff(tc.want, addresses(tc.in)); diff != "" {
			t.Errorf("addresses(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// TestBodyStructureShapes checks parts, sections and degraded input.
func TestBodyStructureShapes(t *testing.T) {
	raw := []byte("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c\r\nContent-Type: text/html\r\n\r\n<p>y</p>\r\n--c--\r\n--b--\r\n")
	e := parseMessage(raw)
	bs := e.structure()
	if len(bs.Parts) != 2 || bs.Parts[1].Body == nil || len(bs.Parts[1].Body.Parts) != 2 || bs.Parts[1].Envelope.Subject != "in" {
		t.Fatalf("structure: %+v", bs)
	}
	for _, tc := range []struct {
		sec  wire.Section
		want string
	}{
		{wire.Section{Part: []int{1}}, "one"},
		{wire.Section{Part: []int{2, 1}}, "x"},
		{wire.Section{Part: []int{2, 2}}, "<p>y</p>"},
		{wire.Section{Part: []int{2}, Specifier: wire.SectionHeader}, "Subject: in\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n"},
		{wire.Section{Part: []int{2, 2}, Specifier: wire.SectionMIME}, "Content-Type: text/html\r\n\r\n"},
		{wire.Section{Specifier: wire.SectionHeaderFieldsNot, Fields: []string{"CONTENT-TYPE"}}, "\r\n"},
	} {
		got, ok := e.section(tc.sec)
		if !ok || string(got) != tc.want {
			t.Errorf("BODY[%s] = %q, %v; want %q", tc.sec, got, ok, tc.want)
		}
	}
	if _, ok := e.section(wire.Section{Part: []int{3}}); ok {
		t.Error("BODY[3] exists")
	}
	// Degraded input: no header end, bad Content-Type, missing boundary.
	for _, raw := range []string{"", "no header end", "Content-Type: multipart/mixed\r\n\r\nbody", "Content-Type: ;;;\r\n\r\nx", "Content-Type: multipart/mixed; boundary=z\r\n\r\nno parts"} {
		bs := parseMessage([]byte(raw)).structure()
		if bs.Type == "" || bs.IsMultipart() && len(bs.Parts) == 0 {
			t.Errorf("%q: structure %+v", raw, bs)
		}
	}
}
