package wire

import (
	"slices"
	"strings"
	"testing"
)

func TestStatusString(t *testing.T) {
	tests := []struct {
		s    Status
		want string
	}{
		{StatusNone, ""},
		{StatusOK, "OK"},
		{StatusNo, "NO"},
		{StatusBad, "BAD"},
		{StatusPreauth, "PREAUTH"},
		{StatusBye, "BYE"},
		{Status(7), "UNKNOWN_STATUS_7"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("Status(%d).String() = %q; want %q", tt.s, got, tt.want)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for _, s := range []string{"OK", "no", "Bad", "PREAUTH", "bye"} {
		st, ok := ParseStatus(s)
		if !ok || !strings.EqualFold(st.String(), s) {
			t.Errorf("ParseStatus(%q) = %v, %v; want %s, true", s, st, ok, strings.ToUpper(s))
		}
	}
	for _, s := range []string{"", "OKAY", "FETCH", "UNKNOWN_STATUS_7"} {
		if st, ok := ParseStatus(s); ok {
			t.Errorf("ParseStatus(%q) = %v, true; want false", s, st)
		}
	}
}

func TestKindStrings(t *testing.T) {
	if got := KindList.String(); got != "LIST" {
		t.Errorf("KindList.String() = %q", got)
	}
	if got := Kind(42).String(); got != "UNKNOWN_KIND_42" {
		t.Errorf("Kind(42).String() = %q", got)
	}
	if got := DoneResponse.String(); got != "done" {
		t.Errorf("DoneResponse.String() = %q", got)
	}
	if got := FormLiteral8.String(); got != "literal8" {
		t.Errorf("FormLiteral8.String() = %q", got)
	}
}

func TestValueGoString(t *testing.T) {
	v := List(Atom("UID"), Number(5), Atom(`\Seen`), Nil(), Quoted(`a "b"`),
		Literal("xy"), Value{Kind: KindString, Form: FormLiteral8, Size: 3, Streamed: true}, List())
	want := `(UID 5 \Seen NIL "a \"b\"" {2}"xy" ~{3}<streamed> ())`
	if got := v.GoString(); got != want {
		t.Errorf("GoString() = %s; want %s", got, want)
	}
	if Nil().Kind != KindNil || !(Value{}).IsNil() {
		t.Error("the zero Value is not NIL")
	}
	if got := Number(42).Text(); got != "42" {
		t.Errorf("Number(42).Text() = %q", got)
	}
}

func TestSectionString(t *testing.T) {
	tests := []struct {
		s    Section
		want string
	}{
		{Section{}, ""},
		{Section{Specifier: SectionHeader}, "HEADER"},
		{Section{Part: []int{1, 2}}, "1.2"},
		{Section{Part: []int{3}, Specifier: SectionMIME}, "3.MIME"},
		{Section{Specifier: SectionHeaderFields, Fields: []string{"DATE", "FROM"}}, "HEADER.FIELDS (DATE FROM)"},
		{Section{Part: []int{4, 1}, Specifier: SectionHeaderFieldsNot, Fields: []string{"X Y"}}, `4.1.HEADER.FIELDS.NOT ("X Y")`},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("%#v.String() = %q; want %q", tt.s, got, tt.want)
		}
	}
}

func TestIsAtomChar(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := c > 0x20 && c < 0x7f && !strings.ContainsRune(`(){%*"\]`, rune(c))
		if got := IsAtomChar(byte(c)); got != want {
			t.Errorf("IsAtomChar(%q) = %v; want %v", rune(c), got, want)
		}
	}
}

func TestBodyStructureWalk(t *testing.T) {
	// multipart/mixed (text/plain, multipart/alternative (text/plain, text/html), message/rfc822 (text/plain))
	b := &BodyStructure{Type: "MULTIPART", Subtype: "MIXED", Parts: []BodyStructure{
		{Type: "TEXT", Subtype: "PLAIN", Params: []Param{{Name: "CHARSET", Value: "utf-8"}}},
		{Type: "MULTIPART", Subtype: "ALTERNATIVE", Parts: []BodyStructure{
			{Type: "TEXT", Subtype: "PLAIN"}, {Type: "TEXT", Subtype: "HTML"},
		}},
		{Type: "MESSAGE", Subtype: "RFC822"},
	}}
	var got []string
	b.Walk(func(path []int, p *BodyStructure) bool {
		got = append(got, Section{Part: path}.String()+"="+p.MediaType())
		return true
	})
	want := []string{"=multipart/mixed", "1=text/plain", "2=multipart/alternative",
		"2.1=text/plain", "2.2=text/html", "3=message/rfc822"}
	if !slices.Equal(got, want) {
		t.Errorf("Walk visited %q; want %q", got, want)
	}
	if v, ok := b.Parts[0].Param("charset"); !ok || v != "utf-8" {
		t.Errorf("Param(charset) = %q, %v", v, ok)
	}
	if !b.IsMultipart() || b.Parts[0].IsMultipart() {
		t.Error("IsMultipart wrong")
	}
	n := 0
	b.Walk(func([]int, *BodyStructure) bool { n++; return n < 2 })
	if n != 2 {
		t.Errorf("Walk did not stop early: %d calls", n)
	}
}

func TestAddressGroups(t *testing.T) {
	start := Address{Mailbox: "undisclosed-recipients"}
	end := Address{}
	a := Address{Name: "Fred", Mailbox: "fred", Host: "example.com"}
	if !start.IsGroupStart() || start.IsGroupEnd() || !end.IsGroupEnd() || a.IsGroupStart() || a.IsGroupEnd() {
		t.Error("group markers misclassified")
	}
	if a.Addr() != "fred@example.com" || start.Addr() != "" {
		t.Errorf("Addr() = %q, %q", a.Addr(), start.Addr())
	}
}

func TestStatusDataGet(t *testing.T) {
	s := &StatusData{Mailbox: "INBOX", Items: []StatusItem{{Name: StatusMessages, Value: 3}, {Name: StatusAppendLimit, Nil: true}}}
	if v, ok := s.Get("messages"); !ok || v != 3 {
		t.Errorf("Get(messages) = %d, %v", v, ok)
	}
	if _, ok := s.Get(StatusAppendLimit); ok {
		t.Error("Get(APPENDLIMIT NIL) reported a value")
	}
	if _, ok := s.Get(StatusUIDNext); ok {
		t.Error("Get of an absent item reported a value")
	}
	l := &ListData{Attrs: []string{`\HasNoChildren`, `\Sent`}}
	if !l.HasAttr(`\hasnochildren`) || l.HasAttr(AttrTrash) {
		t.Error("HasAttr wrong")
	}
}

func TestAddressGroupMarkers(t *testing.T) {
	tests := []struct {
		a          Address
		start, end bool
		addr       string
	}{
		{Address{Mailbox: "team"}, true, false, ""},
		{Address{}, false, true, ""},
		{Address{Empty: AddressMailbox}, true, false, ""}, // (NIL NIL "" NIL)
		{Address{Mailbox: "a", Host: "x.org"}, false, false, "a@x.org"},
		{Address{Mailbox: "a", Empty: AddressHost}, false, false, "a@"},
	}
	for _, tt := range tests {
		if tt.a.IsGroupStart() != tt.start || tt.a.IsGroupEnd() != tt.end || tt.a.Addr() != tt.addr {
			t.Errorf("%+v: start %v end %v addr %q; want %v %v %q", tt.a, tt.a.IsGroupStart(), tt.a.IsGroupEnd(), tt.a.Addr(), tt.start, tt.end, tt.addr)
		}
	}
	if !(Address{}).IsNil(AddressName) || (Address{Empty: AddressName}).IsNil(AddressName) || (Address{Name: "n"}).IsNil(AddressName) {
		t.Error("IsNil(AddressName) wrong")
	}
}
