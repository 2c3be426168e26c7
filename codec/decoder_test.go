package codec

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// crlf turns the lines of s into IMAP lines.
func decLines(lines ...string) string {
	return strings.Join(lines, "\r\n") + "\r\n"
}

var decCmpOpts = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b seqset.Set) bool { return a.Equal(b) }),
	cmpopts.IgnoreFields(wire.Response{}, "Seq"),
}

// errAny stands for any recorded parse error in a fixture.
var errAny = errors.New("any parse error")

// fixtureOpts compare decoded responses with hand-written ones, which
// leave out the wire details a decoder records for re-encoding (the
// order of FETCH items, the form of section contents); the re-encoding
// tests check those.
var fixtureOpts = cmp.Options{
	decCmpOpts,
	// A fixture says where a parse error is expected with errAny.
	cmp.Comparer(func(a, b error) bool { return (a == nil) == (b == nil) }),
	cmpopts.IgnoreFields(wire.FetchData{}, "Order"),
	cmpopts.IgnoreFields(wire.SectionData{}, "Form"),
}

// check decodes in (all at once and one byte at a time) and compares the
// responses with want.
func checkDecode(t *testing.T, in string, opts *DecoderOptions, want ...*wire.Response) {
	t.Helper()
	got, err := decodeStream([]byte(in), opts)
	if err != nil {
		t.Fatalf("Decode(%q): %v", in, err)
	}
	if diff := cmp.Diff(want, got, fixtureOpts); diff != "" {
		t.Errorf("Decode(%q) mismatch (-want +got):\n%s", in, diff)
	}
	slow, err := decodeStreamFrom(iotest.OneByteReader(strings.NewReader(in)), opts)
	if err != nil {
		t.Fatalf("Decode(%q) one byte at a time: %v", in, err)
	}
	if diff := cmp.Diff(got, slow, decCmpOpts); diff != "" {
		t.Errorf("Decode(%q) one byte at a time differs (-all +bytewise):\n%s", in, diff)
	}
}

func decodeStreamFrom(r io.Reader, opts *DecoderOptions) ([]*wire.Response, error) {
	d := NewDecoder(r, opts)
	var out []*wire.Response
	for {
		resp, err := d.ReadResponse()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, resp)
	}
}

func decStatus(tag string, st wire.Status, code *wire.Code, text string) *wire.Response {
	k := wire.StatusResponse
	if tag != "*" {
		k = wire.DoneResponse
	}
	return &wire.Response{Kind: k, Tag: tag, Status: st, Code: code, Text: text}
}

func decData(name string, d any) *wire.Response {
	return &wire.Response{Kind: wire.DataResponse, Tag: "*", Name: name, Data: d}
}

func decNumbered(n uint32, name string, d any) *wire.Response {
	return &wire.Response{Kind: wire.DataResponse, Tag: "*", Name: name, Num: n, HasNum: true, Data: d}
}

func vAtom(s string) wire.Value   { return wire.Atom(s) }
func vNum(n uint64) wire.Value    { return wire.Number(n) }
func vQuoted(s string) wire.Value { return wire.Quoted(s) }
func vList(v ...wire.Value) wire.Value {
	return wire.List(v...)
}

func TestRFC9051_7_1_1_OK(t *testing.T) {
	checkDecode(t, decLines(
		"* OK IMAP4rev2 server ready",
		"* OK [ALERT] System shutdown in 10 minutes",
		"A001 OK LOGIN Completed",
	), nil,
		decStatus("*", wire.StatusOK, nil, "IMAP4rev2 server ready"),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "ALERT"}, "System shutdown in 10 minutes"),
		decStatus("A001", wire.StatusOK, nil, "LOGIN Completed"),
	)
}

func TestRFC9051_7_1_2_NO(t *testing.T) {
	checkDecode(t, decLines(
		"* NO Disk is 98% full, please delete unnecessary data",
		"A222 OK COPY completed",
		"A223 NO COPY failed: disk is full",
	), nil,
		decStatus("*", wire.StatusNo, nil, "Disk is 98% full, please delete unnecessary data"),
		decStatus("A222", wire.StatusOK, nil, "COPY completed"),
		decStatus("A223", wire.StatusNo, nil, "COPY failed: disk is full"),
	)
}

func TestRFC9051_7_1_3_BAD(t *testing.T) {
	checkDecode(t, decLines(
		"* BAD Command line too long",
		"* BAD Disk crash, attempting salvage to a new disk!",
		"A443 BAD Expunge failed",
	), &DecoderOptions{Strict: true},
		decStatus("*", wire.StatusBad, nil, "Command line too long"),
		decStatus("*", wire.StatusBad, nil, "Disk crash, attempting salvage to a new disk!"),
		decStatus("A443", wire.StatusBad, nil, "Expunge failed"),
	)
}

func TestRFC9051_7_1_4_PREAUTH(t *testing.T) {
	checkDecode(t, decLines("* PREAUTH IMAP4rev2 server logged in as Smith"), &DecoderOptions{Strict: true},
		decStatus("*", wire.StatusPreauth, nil, "IMAP4rev2 server logged in as Smith"))
}

func TestRFC9051_7_1_5_BYE(t *testing.T) {
	checkDecode(t, decLines("* BYE Autologout; idle for too long"), &DecoderOptions{Strict: true},
		decStatus("*", wire.StatusBye, nil, "Autologout; idle for too long"))
}

// TestRFC9051_7_1_ResponseCodes covers every response code of RFC 9051
// §7.1 and RFC 3501 §7.1.
func TestRFC9051_7_1_ResponseCodes(t *testing.T) {
	tests := []struct {
		in   string
		want *wire.Code
	}{
		{"[ALERT]", &wire.Code{Name: "ALERT"}},
		{"[BADCHARSET]", &wire.Code{Name: "BADCHARSET"}},
		{`[BADCHARSET (UTF-8 "US-ASCII")]`, &wire.Code{Name: "BADCHARSET", Data: []string{"UTF-8", "US-ASCII"}}},
		{"[CAPABILITY IMAP4rev2 AUTH=PLAIN]", &wire.Code{Name: "CAPABILITY", Data: []string{"IMAP4rev2", "AUTH=PLAIN"}}},
		{"[PARSE]", &wire.Code{Name: "PARSE"}},
		{`[PERMANENTFLAGS (\Deleted \Seen \*)]`, &wire.Code{Name: "PERMANENTFLAGS", Data: []string{`\Deleted`, `\Seen`, `\*`}}},
		{"[PERMANENTFLAGS ()]", &wire.Code{Name: "PERMANENTFLAGS", Data: []string(nil)}},
		{"[READ-ONLY]", &wire.Code{Name: "READ-ONLY"}},
		{"[READ-WRITE]", &wire.Code{Name: "READ-WRITE"}},
		{"[TRYCREATE]", &wire.Code{Name: "TRYCREATE"}},
		{"[UIDNEXT 4392]", &wire.Code{Name: "UIDNEXT", Data: uint32(4392)}},
		{"[UIDVALIDITY 3857529045]", &wire.Code{Name: "UIDVALIDITY", Data: uint32(3857529045)}},
		{"[UNSEEN 12]", &wire.Code{Name: "UNSEEN", Data: uint32(12)}},
		{"[APPENDUID 38505 3955]", &wire.Code{Name: "APPENDUID", Data: &wire.AppendUID{UIDValidity: 38505, UIDs: seqset.MustParse("3955")}}},
		{"[COPYUID 38505 304,319:320 3956:3958]", &wire.Code{Name: "COPYUID", Data: &wire.CopyUID{UIDValidity: 38505, Source: seqset.MustParse("304,319:320"), Dest: seqset.MustParse("3956:3958")}}},
		{"[UIDNOTSTICKY]", &wire.Code{Name: "UIDNOTSTICKY"}},
		{"[UNAVAILABLE]", &wire.Code{Name: "UNAVAILABLE"}},
		{"[AUTHENTICATIONFAILED]", &wire.Code{Name: "AUTHENTICATIONFAILED"}},
		{"[AUTHORIZATIONFAILED]", &wire.Code{Name: "AUTHORIZATIONFAILED"}},
		{"[EXPIRED]", &wire.Code{Name: "EXPIRED"}},
		{"[PRIVACYREQUIRED]", &wire.Code{Name: "PRIVACYREQUIRED"}},
		{"[CONTACTADMIN]", &wire.Code{Name: "CONTACTADMIN"}},
		{"[NOPERM]", &wire.Code{Name: "NOPERM"}},
		{"[INUSE]", &wire.Code{Name: "INUSE"}},
		{"[EXPUNGEISSUED]", &wire.Code{Name: "EXPUNGEISSUED"}},
		{"[CORRUPTION]", &wire.Code{Name: "CORRUPTION"}},
		{"[SERVERBUG]", &wire.Code{Name: "SERVERBUG"}},
		{"[CLIENTBUG]", &wire.Code{Name: "CLIENTBUG"}},
		{"[CANNOT]", &wire.Code{Name: "CANNOT"}},
		{"[LIMIT]", &wire.Code{Name: "LIMIT"}},
		{"[OVERQUOTA]", &wire.Code{Name: "OVERQUOTA"}},
		{"[ALREADYEXISTS]", &wire.Code{Name: "ALREADYEXISTS"}},
		{"[NONEXISTENT]", &wire.Code{Name: "NONEXISTENT"}},
		{"[NOTSAVED]", &wire.Code{Name: "NOTSAVED"}},
		{"[HASCHILDREN]", &wire.Code{Name: "HASCHILDREN"}},
		{"[CLOSED]", &wire.Code{Name: "CLOSED"}},
		{"[UNKNOWN-CTE]", &wire.Code{Name: "UNKNOWN-CTE"}},
		// unknown codes: generic arguments
		{"[HIGHESTMODSEQ 715194045007]", &wire.Code{Name: "HIGHESTMODSEQ", Args: []wire.Value{vNum(715194045007)}}},
		{"[MAILBOXID (F2212ea87-6097-4256-9d51-71338625)]", &wire.Code{Name: "MAILBOXID", Args: []wire.Value{vList(vAtom("F2212ea87-6097-4256-9d51-71338625"))}}},
		{`[MYRIGHTS "acdilrsw"]`, &wire.Code{Name: "MYRIGHTS", Args: []wire.Value{vQuoted("acdilrsw")}}},
		{"[REFERRAL imap://user;AUTH=*@SERVER2/]", &wire.Code{Name: "REFERRAL", Args: []wire.Value{vAtom("imap://user;AUTH=*@SERVER2/")}}},
		{"[X-WEIRD a (b]", &wire.Code{Name: "X-WEIRD", Args: []wire.Value{vAtom("a (b")}}},
		// lower case
		{"[uidnext 5]", &wire.Code{Name: "UIDNEXT", Data: uint32(5)}},
	}
	// A known code with arguments its parser does not accept: generic
	// arguments and the parser's error.
	for _, tt := range []struct {
		in   string
		want *wire.Code
	}{
		{"[UIDNEXT soon]", &wire.Code{Name: "UIDNEXT", Args: []wire.Value{vAtom("soon")}}},
		{"[ALERT now]", &wire.Code{Name: "ALERT", Args: []wire.Value{vAtom("now")}}},
	} {
		in := "* OK " + tt.in + " text\r\n"
		var hooked []*ParseError
		got, err := decodeStream([]byte(in), &DecoderOptions{OnParseError: func(_ *wire.Response, pe *ParseError) { hooked = append(hooked, pe) }})
		if err != nil || len(got) != 1 || got[0].Code == nil || got[0].Code.ParseErr == nil {
			t.Errorf("Decode(%q) = %v, %+v; want a code with ParseErr", in, err, got)
			continue
		}
		if diff := cmp.Diff(tt.want, got[0].Code, decCmpOpts, cmpopts.IgnoreFields(wire.Code{}, "ParseErr")); diff != "" || got[0].Text != "text" {
			t.Errorf("Decode(%q): code mismatch (-want +got):\n%s", in, diff)
		}
		if len(hooked) != 1 || hooked[0] != got[0].Code.ParseErr || hooked[0].What != "code" || hooked[0].Name != tt.want.Name {
			t.Errorf("Decode(%q): OnParseError got %v; want the code's error once", in, hooked)
		}
		// The same in strict mode: resp-text-code's generic alternative
		// matches (RFC 9051 §9).
		if got, err := decodeStream([]byte(in), &DecoderOptions{Strict: true}); err != nil || got[0].Code.ParseErr == nil {
			t.Errorf("Decode(%q) strict = %v; want the generic code", in, err)
		}
	}
	for _, strict := range []bool{false, true} {
		for _, tt := range tests {
			in := "* OK " + tt.in + " text\r\n"
			got, err := decodeStream([]byte(in), &DecoderOptions{Strict: strict})
			if err != nil || len(got) != 1 {
				t.Errorf("Decode(%q) strict=%v: %v", in, strict, err)
				continue
			}
			if diff := cmp.Diff(tt.want, got[0].Code, decCmpOpts); diff != "" || got[0].Text != "text" {
				t.Errorf("Decode(%q) strict=%v: text %q, code mismatch (-want +got):\n%s", in, strict, got[0].Text, diff)
			}
			// The same with an empty registry: generic arguments.
			got, err = decodeStream([]byte(in), &DecoderOptions{Registry: NewRegistry(), Strict: strict})
			if err != nil || len(got) != 1 || got[0].Code == nil || got[0].Code.Name != tt.want.Name || got[0].Code.Data != nil {
				t.Errorf("Decode(%q) with an empty registry: %v %+v", in, err, got)
			}
		}
	}
}

func TestRFC9051_7_2_1_Enabled(t *testing.T) {
	checkDecode(t, decLines("* ENABLED CONDSTORE QRESYNC", "* ENABLED"), nil,
		decData("ENABLED", []string{"CONDSTORE", "QRESYNC"}),
		decData("ENABLED", []string{}), // Courier sends an empty ENABLED
	)
}

func TestRFC9051_7_2_2_Capability(t *testing.T) {
	checkDecode(t, decLines("* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI XPIG-LATIN"), &DecoderOptions{Strict: true},
		decData("CAPABILITY", []string{"IMAP4rev2", "STARTTLS", "AUTH=GSSAPI", "XPIG-LATIN"}))
}

func TestRFC9051_7_3_1_List(t *testing.T) {
	checkDecode(t, decLines(
		`* LIST (\Noselect) "/" ~/Mail/foo`,
		`* LIST () "." INBOX.bar`,
		`* LIST () NIL inbox`,
		`* LIST (\Marked \NoInferiors \Subscribed) "/" "inbox"`,
		`* LIST (\HasNoChildren) "/" foo ("CHILDINFO" ("SUBSCRIBED"))`,
		`* LIST () "/" "NewMailbox" ("OLDNAME" ("OldMailbox"))`,
		`* LIST (\Marked) ":" Tables (tablecloth (("edge" "lacy") ("color" "red")) Sample "text")`,
		`* LIST () "\\" {8}`,
		`Caf&AOk-`,
		`* LSUB () "." #news.comp.mail.misc`,
	), nil,
		decData("LIST", &wire.ListData{Attrs: []string{`\Noselect`}, Delim: '/', Mailbox: "~/Mail/foo"}),
		decData("LIST", &wire.ListData{Delim: '.', Mailbox: "INBOX.bar"}),
		decData("LIST", &wire.ListData{Mailbox: "INBOX"}),
		decData("LIST", &wire.ListData{Attrs: []string{`\Marked`, `\NoInferiors`, `\Subscribed`}, Delim: '/', Mailbox: "INBOX"}),
		decData("LIST", &wire.ListData{Attrs: []string{`\HasNoChildren`}, Delim: '/', Mailbox: "foo", ChildInfo: []string{"SUBSCRIBED"}}),
		decData("LIST", &wire.ListData{Delim: '/', Mailbox: "NewMailbox", OldName: "OldMailbox"}),
		decData("LIST", &wire.ListData{Attrs: []string{`\Marked`}, Delim: ':', Mailbox: "Tables", Extended: []wire.Value{
			vAtom("tablecloth"), vList(vList(vQuoted("edge"), vQuoted("lacy")), vList(vQuoted("color"), vQuoted("red"))),
			vAtom("Sample"), vQuoted("text"),
		}}),
		decData("LIST", &wire.ListData{Delim: '\\', Mailbox: "Café"}),
		decData("LSUB", &wire.ListData{Delim: '.', Mailbox: "#news.comp.mail.misc"}),
	)
}

func TestRFC9051_7_3_2_Namespace(t *testing.T) {
	checkDecode(t, decLines(
		`* NAMESPACE (("" "/")) NIL NIL`,
		`* NAMESPACE (("" "/")) (("~" "/")) (("#shared/" "/")("#public/" "/")("#ftp/" "/")("#news." "."))`,
		`* NAMESPACE (("" "/" "X-PARAM" ("FLAG1" "FLAG2"))) NIL NIL`,
		`* NAMESPACE (("INBOX." ".")) NIL (("#shared." ".")("shared." "."))`,
		`* NAMESPACE NIL NIL (("" "."))`,
	), &DecoderOptions{Strict: true},
		decData("NAMESPACE", &wire.NamespaceData{Personal: []wire.Namespace{{Delim: '/'}}}),
		decData("NAMESPACE", &wire.NamespaceData{
			Personal: []wire.Namespace{{Delim: '/'}},
			Other:    []wire.Namespace{{Prefix: "~", Delim: '/'}},
			Shared:   []wire.Namespace{{Prefix: "#shared/", Delim: '/'}, {Prefix: "#public/", Delim: '/'}, {Prefix: "#ftp/", Delim: '/'}, {Prefix: "#news.", Delim: '.'}},
		}),
		decData("NAMESPACE", &wire.NamespaceData{Personal: []wire.Namespace{{Delim: '/', Extensions: []wire.Value{vQuoted("X-PARAM"), vList(vQuoted("FLAG1"), vQuoted("FLAG2"))}}}}),
		decData("NAMESPACE", &wire.NamespaceData{
			Personal: []wire.Namespace{{Prefix: "INBOX.", Delim: '.'}},
			Shared:   []wire.Namespace{{Prefix: "#shared.", Delim: '.'}, {Prefix: "shared.", Delim: '.'}},
		}),
		decData("NAMESPACE", &wire.NamespaceData{Shared: []wire.Namespace{{Delim: '.'}}}),
	)
}

func TestRFC9051_7_3_3_Status(t *testing.T) {
	checkDecode(t, decLines(
		`* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)`,
		`* STATUS "INBOX" (MESSAGES 3 RECENT 0 UIDNEXT 4 UIDVALIDITY 1700000000 UNSEEN 1)`,
		`* STATUS Archive (SIZE 9223372036854775807 APPENDLIMIT NIL DELETED 0)`,
		`* STATUS foo ()`,
	), &DecoderOptions{Strict: true},
		decData("STATUS", &wire.StatusData{Mailbox: "blurdybloop", Items: []wire.StatusItem{{Name: "MESSAGES", Value: 231}, {Name: "UIDNEXT", Value: 44292}}}),
		decData("STATUS", &wire.StatusData{Mailbox: "INBOX", Items: []wire.StatusItem{{Name: "MESSAGES", Value: 3}, {Name: "RECENT"}, {Name: "UIDNEXT", Value: 4}, {Name: "UIDVALIDITY", Value: 1700000000}, {Name: "UNSEEN", Value: 1}}}),
		decData("STATUS", &wire.StatusData{Mailbox: "Archive", Items: []wire.StatusItem{{Name: "SIZE", Value: 1<<63 - 1}, {Name: "APPENDLIMIT", Nil: true}, {Name: "DELETED"}}}),
		decData("STATUS", &wire.StatusData{Mailbox: "foo"}),
	)
}

func TestRFC9051_7_3_4_ESearch(t *testing.T) {
	checkDecode(t, decLines(
		`* ESEARCH UID COUNT 17 ALL 4:18,21,28`,
		`* ESEARCH (TAG "a567") UID COUNT 17 ALL 4:18,21,28`,
		`* ESEARCH COUNT 18 ALL 1:17,21`,
		`* ESEARCH (TAG "A285") UID MIN 7 MAX 3800`,
		`* ESEARCH (TAG "A284")`,
		`* ESEARCH (TAG "A018") UID COUNT 2 MIN 1 MAX 2 ALL 1:2 MODSEQ 917162500 X-FOO (a 1)`,
	), &DecoderOptions{Strict: true},
		decData("ESEARCH", &wire.ESearchData{UID: true, Has: wire.ESearchCount | wire.ESearchAll, Count: 17, All: seqset.MustParse("4:18,21,28"), Order: []string{"COUNT", "ALL"}}),
		decData("ESEARCH", &wire.ESearchData{Tag: "a567", UID: true, Has: wire.ESearchCount | wire.ESearchAll, Count: 17, All: seqset.MustParse("4:18,21,28"), Order: []string{"COUNT", "ALL"}}),
		decData("ESEARCH", &wire.ESearchData{Has: wire.ESearchCount | wire.ESearchAll, Count: 18, All: seqset.MustParse("1:17,21"), Order: []string{"COUNT", "ALL"}}),
		decData("ESEARCH", &wire.ESearchData{Tag: "A285", UID: true, Has: wire.ESearchMin | wire.ESearchMax, Min: 7, Max: 3800}),
		decData("ESEARCH", &wire.ESearchData{Tag: "A284"}),
		decData("ESEARCH", &wire.ESearchData{Tag: "A018", UID: true, Has: wire.ESearchCount | wire.ESearchMin | wire.ESearchMax | wire.ESearchAll | wire.ESearchModSeq,
			Count: 2, Min: 1, Max: 2, All: seqset.MustParse("1:2"), ModSeq: 917162500, Extensions: []wire.Value{vAtom("X-FOO"), vList(vAtom("a"), vNum(1))},
			Order: []string{"COUNT", "MIN", "MAX", "ALL", "MODSEQ", "X-FOO"}}),
	)
}

func TestRFC9051_7_3_5_Flags(t *testing.T) {
	checkDecode(t, decLines(`* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)`, `* FLAGS ()`), &DecoderOptions{Strict: true},
		decData("FLAGS", []string{`\Answered`, `\Flagged`, `\Deleted`, `\Seen`, `\Draft`}),
		decData("FLAGS", []string(nil)),
	)
}

func TestRFC9051_7_4_1_Exists(t *testing.T) {
	checkDecode(t, decLines("* 23 EXISTS"), &DecoderOptions{Strict: true}, decNumbered(23, "EXISTS", nil))
}

func TestRFC3501_7_3_2_Recent(t *testing.T) {
	checkDecode(t, decLines("* 5 RECENT"), &DecoderOptions{Strict: true}, decNumbered(5, "RECENT", nil))
}

func TestRFC9051_7_5_1_Expunge(t *testing.T) {
	checkDecode(t, decLines("* 44 EXPUNGE"), &DecoderOptions{Strict: true}, decNumbered(44, "EXPUNGE", nil))
}

func TestRFC3501_7_2_5_Search(t *testing.T) {
	checkDecode(t, decLines("* SEARCH 2 3 6", "* SEARCH", "* SEARCH 2 84 882 (MODSEQ 917162500)"), &DecoderOptions{Strict: true},
		decData("SEARCH", &wire.SearchData{Nums: []uint32{2, 3, 6}}),
		decData("SEARCH", &wire.SearchData{}),
		decData("SEARCH", &wire.SearchData{Nums: []uint32{2, 84, 882}, ModSeq: 917162500}),
	)
}

func TestRFC9051_7_5_2_Fetch(t *testing.T) {
	checkDecode(t, decLines("* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)"), &DecoderOptions{Strict: true},
		decNumbered(23, "FETCH", &wire.FetchData{Seq: 23, Has: wire.FetchFlags | wire.FetchRFC822Size, Flags: []string{`\Seen`}, RFC822Size: 44827}))
}

// rfc9051Section8 is the FETCH of the sample session of RFC 9051 §8,
// unwrapped.
const rfc9051Section8 = `* 12 FETCH (FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.ed>") BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))`

func TestRFC9051_8_SampleSession(t *testing.T) {
	gray := wire.Address{Name: "Terry Gray", Mailbox: "gray", Host: "cac.washington.edu"}
	want := &wire.FetchData{
		Seq:          12,
		Has:          wire.FetchFlags | wire.FetchInternalDate | wire.FetchRFC822Size | wire.FetchEnvelope | wire.FetchBody,
		Flags:        []string{`\Seen`},
		InternalDate: time.Date(1996, 7, 17, 2, 44, 25, 0, time.FixedZone("", -7*3600)),
		RFC822Size:   4286,
		Envelope: &wire.Envelope{
			Date:    "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
			Subject: "IMAP4rev2 WG mtg summary and minutes",
			From:    []wire.Address{gray}, Sender: []wire.Address{gray}, ReplyTo: []wire.Address{gray},
			To:        []wire.Address{{Mailbox: "imap", Host: "cac.washington.edu"}},
			Cc:        []wire.Address{{Mailbox: "minutes", Host: "CNRI.Reston.VA.US"}, {Name: "John Klensin", Mailbox: "KLENSIN", Host: "MIT.EDU"}},
			MessageID: "<B27397-0100000@cac.washington.ed>",
		},
		BodyStructure: &wire.BodyStructure{Type: "TEXT", Subtype: "PLAIN", Params: []wire.Param{{Name: "CHARSET", Value: "US-ASCII"}}, Encoding: "7BIT", Size: 3028, Lines: 92},
	}
	hdr := "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\nFrom: Terry Gray <gray@cac.washington.edu>\r\n\r\n"
	checkDecode(t, decLines(
		"* OK [CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2] IMAP4rev2 Service Ready",
		"a002 OK [READ-WRITE] SELECT completed",
		rfc9051Section8,
		"* 12 FETCH (BODY[HEADER] {"+decItoa(len(hdr))+"}",
		hdr+")",
		"* 12 FETCH (FLAGS (\\Seen \\Deleted))",
		"* BYE IMAP4rev2 server terminating connection",
		"a006 OK LOGOUT completed",
	), &DecoderOptions{Strict: true},
		decStatus("*", wire.StatusOK, &wire.Code{Name: "CAPABILITY", Data: []string{"STARTTLS", "AUTH=SCRAM-SHA-256", "LOGINDISABLED", "IMAP4rev2"}}, "IMAP4rev2 Service Ready"),
		decStatus("a002", wire.StatusOK, &wire.Code{Name: "READ-WRITE"}, "SELECT completed"),
		decNumbered(12, "FETCH", want),
		decNumbered(12, "FETCH", &wire.FetchData{Seq: 12, Sections: []wire.SectionData{{Item: "BODY", Section: wire.Section{Specifier: "HEADER"}, Data: []byte(hdr), Size: int64(len(hdr))}}}),
		decNumbered(12, "FETCH", &wire.FetchData{Seq: 12, Has: wire.FetchFlags, Flags: []string{`\Seen`, `\Deleted`}}),
		decStatus("*", wire.StatusBye, nil, "IMAP4rev2 server terminating connection"),
		decStatus("a006", wire.StatusOK, nil, "LOGOUT completed"),
	)
}

func decItoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// TestRFC9051_7_5_2_BodyStructure decodes the multipart example of
// RFC 9051 §7.5.2 and body structures with every extension field.
func TestRFC9051_7_5_2_BodyStructure(t *testing.T) {
	mixed := `(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")`
	wantMixed := &wire.BodyStructure{Type: "MULTIPART", Subtype: "MIXED", Parts: []wire.BodyStructure{
		{Type: "TEXT", Subtype: "PLAIN", Params: []wire.Param{{Name: "CHARSET", Value: "US-ASCII"}}, Encoding: "7BIT", Size: 1152, Lines: 23},
		{Type: "TEXT", Subtype: "PLAIN", Params: []wire.Param{{Name: "CHARSET", Value: "US-ASCII"}, {Name: "NAME", Value: "cc.diff"}}, ID: "<960723163407.20117h@cac.washington.edu>", Description: "Compiler diff", Encoding: "BASE64", Size: 4554, Lines: 73},
	}}
	// Cyrus: full extension data, upper case.
	cyrus := `(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 23 1 NIL NIL NIL NIL)("APPLICATION" "PDF" ("NAME" "a.pdf") NIL NIL "BASE64" 1000 "Q2hlY2s=" ("ATTACHMENT" ("FILENAME" "a.pdf")) ("EN" "DE") "http://x/a.pdf" 7 (1 "x")) "MIXED" ("BOUNDARY" "b1") NIL "en" NIL)`
	wantCyrus := &wire.BodyStructure{Type: "MULTIPART", Subtype: "MIXED", Extended: true, Params: []wire.Param{{Name: "BOUNDARY", Value: "b1"}}, Language: []string{"en"}, Parts: []wire.BodyStructure{
		{Type: "TEXT", Subtype: "PLAIN", Params: []wire.Param{{Name: "CHARSET", Value: "utf-8"}}, Encoding: "7BIT", Size: 23, Lines: 1, Extended: true},
		{Type: "APPLICATION", Subtype: "PDF", Params: []wire.Param{{Name: "NAME", Value: "a.pdf"}}, Encoding: "BASE64", Size: 1000, Extended: true, MD5: "Q2hlY2s=",
			Disposition: &wire.Disposition{Value: "ATTACHMENT", Params: []wire.Param{{Name: "FILENAME", Value: "a.pdf"}}}, Language: []string{"EN", "DE"}, Location: "http://x/a.pdf",
			Extensions: []wire.Value{vNum(7), vList(vNum(1), vQuoted("x"))}},
	}}
	// Courier: lower case, NIL parameters, shorter extension data.
	courier := `(("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 23 0 NIL NIL NIL)("text" "html" NIL NIL NIL "8bit" 40 2 NIL NIL NIL) "alternative" ("boundary" "b1") NIL NIL)`
	wantCourier := &wire.BodyStructure{Type: "MULTIPART", Subtype: "alternative", Extended: true, Params: []wire.Param{{Name: "boundary", Value: "b1"}}, Parts: []wire.BodyStructure{
		{Type: "text", Subtype: "plain", Params: []wire.Param{{Name: "charset", Value: "utf-8"}}, Encoding: "8bit", Size: 23, Extended: true},
		{Type: "text", Subtype: "html", Encoding: "8bit", Size: 40, Lines: 2, Extended: true},
	}}
	// message/rfc822 with nested multipart.
	msg := `("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 500 ("Mon, 1 Jan 2024 00:00:00 +0000" "inner" NIL NIL NIL NIL NIL NIL NIL NIL) (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 10 1)("TEXT" "HTML" NIL NIL NIL "7BIT" 20 1) "ALTERNATIVE") 30)`
	wantMsg := &wire.BodyStructure{Type: "MESSAGE", Subtype: "RFC822", Encoding: "7BIT", Size: 500, Lines: 30,
		Envelope: &wire.Envelope{Date: "Mon, 1 Jan 2024 00:00:00 +0000", Subject: "inner"},
		Body: &wire.BodyStructure{Type: "MULTIPART", Subtype: "ALTERNATIVE", Parts: []wire.BodyStructure{
			{Type: "TEXT", Subtype: "PLAIN", Encoding: "7BIT", Size: 10, Lines: 1},
			{Type: "TEXT", Subtype: "HTML", Encoding: "7BIT", Size: 20, Lines: 1},
		}}}
	checkDecode(t, decLines(
		"* 1 FETCH (BODY "+mixed+")",
		"* 2 FETCH (BODYSTRUCTURE "+cyrus+")",
		"* 3 FETCH (BODYSTRUCTURE "+courier+")",
		"* 4 FETCH (BODY "+msg+")",
	), &DecoderOptions{Strict: true},
		decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchBody, BodyStructure: wantMixed}),
		decNumbered(2, "FETCH", &wire.FetchData{Seq: 2, Has: wire.FetchBodyStructure, BodyStructure: wantCyrus}),
		decNumbered(3, "FETCH", &wire.FetchData{Seq: 3, Has: wire.FetchBodyStructure, BodyStructure: wantCourier}),
		decNumbered(4, "FETCH", &wire.FetchData{Seq: 4, Has: wire.FetchBody, BodyStructure: wantMsg}),
	)
}

func TestRFC9051_7_5_2_FetchSections(t *testing.T) {
	checkDecode(t, decLines(
		`* 1 FETCH (UID 7 BODY[1.2.HEADER.FIELDS (DATE "FROM")]<0> "ab" BODY[] NIL BODY[3.MIME] "" BODY[TEXT]<100> {3}`,
		`xyz BINARY[1.2] ~{3}`,
		"a\x00b BINARY.SIZE[1] 4286 BINARY[] \"q\" RFC822 NIL RFC822.HEADER \"h\" RFC822.TEXT \"t\" BODY[2.HEADER.FIELDS.NOT (X-A)] NIL)",
	), &DecoderOptions{Strict: true},
		decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchUID, UID: 7,
			Sections: []wire.SectionData{
				{Item: "BODY", Section: wire.Section{Part: []int{1, 2}, Specifier: "HEADER.FIELDS", Fields: []string{"DATE", "FROM"}}, HasOrigin: true, Data: []byte("ab"), Size: 2},
				{Item: "BODY", Nil: true},
				{Item: "BODY", Section: wire.Section{Part: []int{3}, Specifier: "MIME"}, Data: []byte{}},
				{Item: "BODY", Section: wire.Section{Specifier: "TEXT"}, Origin: 100, HasOrigin: true, Data: []byte("xyz"), Size: 3},
				{Item: "BINARY", Section: wire.Section{Part: []int{1, 2}}, Data: []byte("a\x00b"), Size: 3, Binary: true},
				{Item: "BINARY", Data: []byte("q"), Size: 1},
				{Item: "RFC822", Nil: true},
				{Item: "RFC822.HEADER", Data: []byte("h"), Size: 1},
				{Item: "RFC822.TEXT", Data: []byte("t"), Size: 1},
				{Item: "BODY", Section: wire.Section{Part: []int{2}, Specifier: "HEADER.FIELDS.NOT", Fields: []string{"X-A"}}, Nil: true},
			},
			BinarySizes: []wire.BinarySize{{Part: []int{1}, Size: 4286}},
		}),
	)
}

func TestRFC9051_7_5_2_FetchUnknownItems(t *testing.T) {
	checkDecode(t, decLines(`* 5 FETCH (MODSEQ (12345) X-GM-LABELS ("\\Inbox" foo) UID 9 X-THING[a b]<3> NIL EMAILID (M6d99ac3275bb4e))`), nil,
		decNumbered(5, "FETCH", &wire.FetchData{Seq: 5, Has: wire.FetchUID, UID: 9, Items: []wire.FetchItem{
			{Name: "MODSEQ", Data: vList(vNum(12345))},
			{Name: "X-GM-LABELS", Data: vList(vQuoted(`\Inbox`), vAtom("foo"))},
			{Name: "X-THING[a b]<3>", Data: wire.Value{}},
			{Name: "EMAILID", Data: vList(vAtom("M6d99ac3275bb4e"))},
		}}))
}

// TestFetchGeneric checks the generic tree of a FETCH response decoded
// with an empty registry: item names are one atom with section and
// origin.
func TestFetchGeneric(t *testing.T) {
	checkDecode(t, decLines(`* 12 FETCH (FLAGS (\Seen \*) BODY[HEADER.FIELDS (DATE FROM)]<0> {2}`, `ab UID 3 ENVELOPE (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL))`), &DecoderOptions{Registry: NewRegistry()},
		decNumbered(12, "FETCH", []wire.Value{vList(
			vAtom("FLAGS"), vList(vAtom(`\Seen`), vAtom(`\*`)),
			vAtom("BODY[HEADER.FIELDS (DATE FROM)]<0>"), wire.Value{Kind: wire.KindString, Form: wire.FormLiteral, Str: "ab", Size: 2},
			vAtom("UID"), vNum(3),
			vAtom("ENVELOPE"), vList(wire.Nil(), vQuoted("s"), wire.Nil(), wire.Nil(), wire.Nil(), wire.Nil(), wire.Nil(), wire.Nil(), wire.Nil(), wire.Nil()),
		)}))
}

func TestRFC9051_7_6_Continuation(t *testing.T) {
	checkDecode(t, decLines("+ Ready for additional command text", "+ ", "+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=", "+ [ALERT] hi", "+ [not a code"), nil,
		&wire.Response{Kind: wire.ContinueResponse, Tag: "+", Text: "Ready for additional command text"},
		&wire.Response{Kind: wire.ContinueResponse, Tag: "+"},
		&wire.Response{Kind: wire.ContinueResponse, Tag: "+", Text: "YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ="},
		&wire.Response{Kind: wire.ContinueResponse, Tag: "+", Code: &wire.Code{Name: "ALERT"}, Text: "hi"},
		&wire.Response{Kind: wire.ContinueResponse, Tag: "+", Text: "[not a code"},
	)
}

func TestRFC9051_6_3_2_Select(t *testing.T) {
	checkDecode(t, decLines(
		"* 172 EXISTS",
		"* OK [UIDVALIDITY 3857529045] UIDs valid",
		"* OK [UIDNEXT 4392] Predicted next UID",
		`* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)`,
		`* OK [PERMANENTFLAGS (\Deleted \Seen \*)] Limited`,
		`* LIST () "/" INBOX`,
		"A142 OK [READ-WRITE] SELECT completed",
	), &DecoderOptions{Strict: true},
		decNumbered(172, "EXISTS", nil),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "UIDVALIDITY", Data: uint32(3857529045)}, "UIDs valid"),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "UIDNEXT", Data: uint32(4392)}, "Predicted next UID"),
		decData("FLAGS", []string{`\Answered`, `\Flagged`, `\Deleted`, `\Seen`, `\Draft`}),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "PERMANENTFLAGS", Data: []string{`\Deleted`, `\Seen`, `\*`}}, "Limited"),
		decData("LIST", &wire.ListData{Delim: '/', Mailbox: "INBOX"}),
		decStatus("A142", wire.StatusOK, &wire.Code{Name: "READ-WRITE"}, "SELECT completed"),
	)
}

func TestRFC2971_ID(t *testing.T) {
	checkDecode(t, decLines(`* ID ("name" "Cyrus" "version" "1.5" "os" NIL)`, `* ID NIL`), nil,
		decData("ID", map[string]string{"name": "Cyrus", "version": "1.5", "os": ""}),
		decData("ID", map[string]string(nil)),
	)
}

func TestUnknownResponses(t *testing.T) {
	checkDecode(t, decLines(
		`* QUOTAROOT "INBOX" "ROOT"`,
		`* QUOTA "ROOT"`, // Courier: no resource list
		`* QUOTA INBOX (STORAGE 0 102400 MESSAGE 2 10000)`,
		`* THREAD ((1)(2))(3)`,
		`* 3 VANISHED`,
		`* METADATA "" ("/shared/comment" {3}`,
		`abc)`,
		`* XAPPLE`,
		`* ACL INBOX testuser lrswipkxtecdan`,
	), nil,
		decData("QUOTAROOT", []wire.Value{vQuoted("INBOX"), vQuoted("ROOT")}),
		decData("QUOTA", []wire.Value{vQuoted("ROOT")}),
		decData("QUOTA", []wire.Value{vAtom("INBOX"), vList(vAtom("STORAGE"), vNum(0), vNum(102400), vAtom("MESSAGE"), vNum(2), vNum(10000))}),
		decData("THREAD", []wire.Value{vList(vList(vNum(1)), vList(vNum(2))), vList(vNum(3))}),
		decNumbered(3, "VANISHED", nil),
		decData("METADATA", []wire.Value{vQuoted(""), vList(vQuoted("/shared/comment"), wire.Value{Kind: wire.KindString, Form: wire.FormLiteral, Str: "abc", Size: 3})}),
		decData("XAPPLE", nil),
		decData("ACL", []wire.Value{vAtom("INBOX"), vAtom("testuser"), vAtom("lrswipkxtecdan")}),
	)
}

func TestLenient(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *wire.Response
	}{
		{"extra spaces", `*  3  FETCH  (UID 5  FLAGS (\Seen) )`, decNumbered(3, "FETCH", &wire.FetchData{Seq: 3, Has: wire.FetchUID | wire.FetchFlags, UID: 5, Flags: []string{`\Seen`}})},
		{"missing space", `* 3 FETCH (FLAGS (\Seen)UID 5)`, decNumbered(3, "FETCH", &wire.FetchData{Seq: 3, Has: wire.FetchUID | wire.FetchFlags, UID: 5, Flags: []string{`\Seen`}})},
		{"trailing space", "* SEARCH 1 2 ", decData("SEARCH", &wire.SearchData{Nums: []uint32{1, 2}})},
		{"8-bit text", "* OK caf\xe9 ready", decStatus("*", wire.StatusOK, nil, "caf\xe9 ready")},
		{"no text", "A1 OK", decStatus("A1", wire.StatusOK, nil, "")},
		{"code without SP", "A1 OK [READ-ONLY]", decStatus("A1", wire.StatusOK, &wire.Code{Name: "READ-ONLY"}, "")},
		{"NIL string in body", `* 1 FETCH (BODY ("TEXT" "PLAIN" NIL NIL NIL NIL 10 NIL))`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchBody, BodyStructure: &wire.BodyStructure{Type: "TEXT", Subtype: "PLAIN", Size: 10}})},
		{"NIL param value", `* 1 FETCH (BODY ("IMAGE" "PNG" ("NAME" NIL) NIL NIL "BASE64" 10))`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchBody, BodyStructure: &wire.BodyStructure{Type: "IMAGE", Subtype: "PNG", Params: []wire.Param{{Name: "NAME"}}, Encoding: "BASE64", Size: 10}})},
		{"text without lines", `* 1 FETCH (BODY ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0))`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchBody, BodyStructure: &wire.BodyStructure{Type: "TEXT", Subtype: "PLAIN", Encoding: "7BIT"}})},
		{"rfc822 without envelope", `* 1 FETCH (BODY ("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 5))`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchBody, BodyStructure: &wire.BodyStructure{Type: "MESSAGE", Subtype: "RFC822", Encoding: "7BIT", Size: 5}})},
		{"space between parts", `* 1 FETCH (BODY (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) ("TEXT" "HTML" NIL NIL NIL "7BIT" 1 1) "ALTERNATIVE"))`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchBody, BodyStructure: &wire.BodyStructure{Type: "MULTIPART", Subtype: "ALTERNATIVE", Parts: []wire.BodyStructure{{Type: "TEXT", Subtype: "PLAIN", Encoding: "7BIT", Size: 1, Lines: 1}, {Type: "TEXT", Subtype: "HTML", Encoding: "7BIT", Size: 1, Lines: 1}}}})},
		{"partial echo with length", `* 1 FETCH (BODY[]<0.10> "x")`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Sections: []wire.SectionData{{Item: "BODY", HasOrigin: true, Data: []byte("x"), Size: 1}}})},
		{"one-digit day", `* 1 FETCH (INTERNALDATE "1-Jan-2024 00:00:00 +0000")`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchInternalDate, InternalDate: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})},
		{"bad UTF-7 kept", `* LIST () "/" "a&b"`, decData("LIST", &wire.ListData{Delim: '/', Mailbox: "a&b"})},
		{"empty address list", `* 1 FETCH (ENVELOPE (NIL NIL () NIL NIL NIL NIL NIL NIL NIL))`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchEnvelope, Envelope: &wire.Envelope{}})},
		{"addresses with spaces", `* 1 FETCH (ENVELOPE (NIL NIL ((NIL NIL "a" "b") (NIL NIL "c" "d")) NIL NIL NIL NIL NIL NIL NIL))`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchEnvelope, Envelope: &wire.Envelope{From: []wire.Address{{Mailbox: "a", Host: "b"}, {Mailbox: "c", Host: "d"}}}})},
		{"bare +", "+", &wire.Response{Kind: wire.ContinueResponse, Tag: "+"}},
		{"space after (", `* 1 FETCH ( UID 1)`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchUID, UID: 1})},
		{"empty msg-att", `* 1 FETCH ()`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1})},
		{"8-bit atom", "* LIST () \"/\" caf\xc3\xa9", decData("LIST", &wire.ListData{Delim: '/', Mailbox: "café"})},
		{"escape of other char", `* LIST () "/" "a\b"`, decData("LIST", &wire.ListData{Delim: '/', Mailbox: `a\b`})},
		{"UID zero", `* 1 FETCH (UID 0)`, decNumbered(1, "FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchUID})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in + "\r\n"
			checkDecode(t, in, nil, tt.want)
			if _, err := decodeStream([]byte(in), &DecoderOptions{Strict: true}); err == nil {
				t.Errorf("Decode(%q) in strict mode succeeded; want an error", in)
			}
		})
	}
}

// TestTextWithBrackets: a text that starts with "[" but has no response
// code is text, in both modes (text = 1*TEXT-CHAR matches it).
func TestTextWithBrackets(t *testing.T) {
	checkDecode(t, decLines("* OK [unterminated", "A1 NO [Gmail]/Spam is read-only", "* OK [ALERT]x", "* OK [] x", "A2 OK [READ-WRITE] [Gmail]/All Mail selected"), &DecoderOptions{Strict: true},
		decStatus("*", wire.StatusOK, nil, "[unterminated"),
		decStatus("A1", wire.StatusNo, nil, "[Gmail]/Spam is read-only"),
		decStatus("*", wire.StatusOK, nil, "[ALERT]x"),
		decStatus("*", wire.StatusOK, nil, "[] x"),
		decStatus("A2", wire.StatusOK, &wire.Code{Name: "READ-WRITE"}, "[Gmail]/All Mail selected"),
	)
}

// TestCaseInsensitive: keywords in any case, in strict mode too
// (RFC 9051 §9: alphabetic characters are case-insensitive).
func TestCaseInsensitive(t *testing.T) {
	checkDecode(t, decLines(`* 3 fetch (uid 5 flags (\seen) body[header] nil Binary.Size[1] 3)`, "a1 ok [read-only] done", "* ok [CAPABILITY imap4rev1] x", "* 2 exists"), &DecoderOptions{Strict: true},
		decNumbered(3, "FETCH", &wire.FetchData{Seq: 3, Has: wire.FetchUID | wire.FetchFlags, UID: 5, Flags: []string{`\seen`},
			Sections: []wire.SectionData{{Item: "BODY", Section: wire.Section{Specifier: "HEADER"}, Nil: true}}, BinarySizes: []wire.BinarySize{{Part: []int{1}, Size: 3}}}),
		decStatus("a1", wire.StatusOK, &wire.Code{Name: "READ-ONLY"}, "done"),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "CAPABILITY", Data: []string{"imap4rev1"}}, "x"),
		decNumbered(2, "EXISTS", nil),
	)
}

func TestUTF8Mailboxes(t *testing.T) {
	in := "* LIST () \"/\" \"Caf&AOk-\"\r\n* LIST () \"/\" \"caf\xc3\xa9\"\r\n"
	checkDecode(t, in, &DecoderOptions{UTF8: true},
		decData("LIST", &wire.ListData{Delim: '/', Mailbox: "Caf&AOk-"}),
		decData("LIST", &wire.ListData{Delim: '/', Mailbox: "café"}),
	)
	if _, err := decodeStream([]byte(`* LIST () "/" "a&b"`+"\r\n"), &DecoderOptions{Strict: true}); err == nil {
		t.Error("strict mode accepted a bad modified UTF-7 name")
	}
}

func TestSeqAndOffset(t *testing.T) {
	in := "* 1 EXISTS\r\n* 1 FETCH (BODY[] {3}\r\nabc)\r\nA1 OK x\r\n"
	d := NewDecoder(strings.NewReader(in), nil)
	for i, end := range []int64{12, 12 + 29, int64(len(in))} {
		r, err := d.ReadResponse()
		if err != nil {
			t.Fatal(err)
		}
		if r.Seq != uint64(i+1) || d.Offset() != end {
			t.Errorf("response %d: Seq %d, Offset %d; want %d, %d", i, r.Seq, d.Offset(), i+1, end)
		}
	}
	if _, err := d.ReadResponse(); err != io.EOF {
		t.Errorf("at the end: %v; want io.EOF", err)
	}
}

func TestReset(t *testing.T) {
	d := NewDecoder(strings.NewReader("* OK a\r\n"), nil)
	if _, err := d.ReadResponse(); err != nil {
		t.Fatal(err)
	}
	if d.Buffered() != 0 {
		t.Errorf("Buffered() = %d", d.Buffered())
	}
	d.Reset(strings.NewReader("* OK b\r\n"))
	r, err := d.ReadResponse()
	if err != nil || r.Text != "b" || r.Seq != 2 {
		t.Errorf("after Reset: %+v, %v", r, err)
	}
}

func TestStickyError(t *testing.T) {
	d := NewDecoder(strings.NewReader("* 1 FETCH (\r\n* OK\r\n"), nil)
	_, err1 := d.ReadResponse()
	_, err2 := d.ReadResponse()
	if err1 == nil || err1 != err2 {
		t.Errorf("errors %v, %v; want the same error twice", err1, err2)
	}
}

var _ = bytes.Equal
var _ = errors.Is

// validatedDecode decodes in to generic trees with a ValidatingDecoder
// that checks them with the base parsers (as imapc decode does).
func validatedDecode(in []byte, opts DecoderOptions) ([]*wire.Response, error) {
	opts.Registry = NewRegistry()
	d := NewValidatingDecoder(bytes.NewReader(in), &opts, NewBaseRegistry())
	defer d.Close()
	var out []*wire.Response
	for {
		r, err := d.ReadResponse()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
}

// TestValidatingDecoder: generic trees, but the base parsers reject what
// they reject (recovered parser failures included, codes excepted), at
// the right offset, after the responses before; streamed literals reach
// OnLiteral once.
func TestValidatingDecoder(t *testing.T) {
	bad := []struct{ in, at string }{
		{"* 1 FETCH (UID abc)\r\n", "abc"},
		{"* 1 FETCH\r\n", "\r\n"},
		{"* 1 FETCH (BODY[] {3}\r\nabc FLAGS x)\r\n", "x)\r\n"},
		{"* LIST (\\Noselect) \"/\"\r\n", "\r\n"},
		{"* 2 EXISTS 5\r\n", "5\r\n"},
		{"* STATUS INBOX (MESSAGES x)\r\n", "x)"},
	}
	for _, tt := range bad {
		in := "* OK [UIDNEXT soon] generic code\r\n" + tt.in
		rs, err := validatedDecode([]byte(in), DecoderOptions{})
		var se *SyntaxError
		if !errors.As(err, &se) || se.Offset != int64(strings.Index(in, tt.in)+strings.Index(tt.in, tt.at)) || len(rs) != 1 {
			t.Errorf("validated Decode(%q) = %d responses, %v; want one and a syntax error at %q", in, len(rs), err, tt.at)
		}
		if _, err := decodeStream([]byte(in), &DecoderOptions{Registry: NewRegistry()}); err != nil {
			t.Errorf("Decode(%q) without the check = %v", in, err)
		}
	}
	in := "* 1 FETCH (UID 1 BODY[] {5}\r\nhello BODY[TEXT] {70000}\r\n" + strings.Repeat("x", 70000) + ")\r\n* LIST () \"/\" {8}\r\nCaf&AOk-\r\nA1 OK done\r\n"
	calls := 0
	d := NewValidatingDecoder(strings.NewReader(in), &DecoderOptions{Registry: NewRegistry(), OnLiteral: func(*LiteralInfo, *Literal) error {
		calls++
		return nil
	}}, NewBaseRegistry())
	n := 0
	for {
		_, err := d.ReadResponse()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 || calls != 1 {
		t.Errorf("%d responses, %d OnLiteral calls; want 3 and 1", n, calls)
	}
	if err := d.Close(); err != nil || d.Close() != nil {
		t.Errorf("Close = %v", err)
	}
}

func TestRFC3501_6_4_3_Expunge(t *testing.T) {
	checkDecode(t, decLines("* 3 EXPUNGE", "* 3 EXPUNGE", "* 5 EXPUNGE", "* 8 EXPUNGE", "A202 OK EXPUNGE completed"), &DecoderOptions{Strict: true},
		decNumbered(3, "EXPUNGE", nil), decNumbered(3, "EXPUNGE", nil), decNumbered(5, "EXPUNGE", nil), decNumbered(8, "EXPUNGE", nil),
		decStatus("A202", wire.StatusOK, nil, "EXPUNGE completed"))
}

func TestRFC3501_6_4_4_Search(t *testing.T) {
	checkDecode(t, decLines("* SEARCH 2 84 882", "A282 OK SEARCH completed", "* SEARCH", "* SEARCH 43"), &DecoderOptions{Strict: true},
		decData("SEARCH", &wire.SearchData{Nums: []uint32{2, 84, 882}}),
		decStatus("A282", wire.StatusOK, nil, "SEARCH completed"),
		decData("SEARCH", &wire.SearchData{}),
		decData("SEARCH", &wire.SearchData{Nums: []uint32{43}}))
}

func TestRFC3501_6_4_6_Store(t *testing.T) {
	checkDecode(t, decLines(`* 2 FETCH (FLAGS (\Deleted \Seen))`, `* 3 FETCH (FLAGS (\Deleted))`, `* 4 FETCH (FLAGS (\Deleted \Flagged \Seen))`), &DecoderOptions{Strict: true},
		decNumbered(2, "FETCH", &wire.FetchData{Seq: 2, Has: wire.FetchFlags, Flags: []string{`\Deleted`, `\Seen`}}),
		decNumbered(3, "FETCH", &wire.FetchData{Seq: 3, Has: wire.FetchFlags, Flags: []string{`\Deleted`}}),
		decNumbered(4, "FETCH", &wire.FetchData{Seq: 4, Has: wire.FetchFlags, Flags: []string{`\Deleted`, `\Flagged`, `\Seen`}}))
}

func TestRFC3501_6_4_8_UID(t *testing.T) {
	checkDecode(t, decLines(`* 23 FETCH (FLAGS (\Seen) UID 4827313)`, `* 25 FETCH (FLAGS (\Seen) UID 4828442)`, "A999 OK UID FETCH completed"), &DecoderOptions{Strict: true},
		decNumbered(23, "FETCH", &wire.FetchData{Seq: 23, Has: wire.FetchFlags | wire.FetchUID, Flags: []string{`\Seen`}, UID: 4827313}),
		decNumbered(25, "FETCH", &wire.FetchData{Seq: 25, Has: wire.FetchFlags | wire.FetchUID, Flags: []string{`\Seen`}, UID: 4828442}),
		decStatus("A999", wire.StatusOK, nil, "UID FETCH completed"))
}

func TestRFC3501_6_5_1_Experimental(t *testing.T) {
	checkDecode(t, decLines("* CAPABILITY IMAP4rev1 XPIG-LATIN", "* XPIG-LATIN ow-nay eaking-spay ig-pay atin-lay", "A442 OK XPIG-LATIN ompleted-cay"), &DecoderOptions{Strict: true},
		decData("CAPABILITY", []string{"IMAP4rev1", "XPIG-LATIN"}),
		decData("XPIG-LATIN", []wire.Value{vAtom("ow-nay"), vAtom("eaking-spay"), vAtom("ig-pay"), vAtom("atin-lay")}),
		decStatus("A442", wire.StatusOK, nil, "XPIG-LATIN ompleted-cay"))
}

func TestRFC3501_7_2_2_List(t *testing.T) {
	checkDecode(t, decLines(`* LIST (\Noselect) "/" ~/Mail/foo`, `* LIST () "." #news.comp.mail.misc`, `* LIST (\Noselect) "/" ""`), &DecoderOptions{Strict: true},
		decData("LIST", &wire.ListData{Attrs: []string{`\Noselect`}, Delim: '/', Mailbox: "~/Mail/foo"}),
		decData("LIST", &wire.ListData{Delim: '.', Mailbox: "#news.comp.mail.misc"}),
		decData("LIST", &wire.ListData{Attrs: []string{`\Noselect`}, Delim: '/'}))
}

func TestRFC3501_7_2_3_Lsub(t *testing.T) {
	checkDecode(t, decLines(`* LSUB () "." #news.comp.mail.misc`, `* LSUB (\NoSelect) "." #news.comp.mail`), &DecoderOptions{Strict: true},
		decData("LSUB", &wire.ListData{Delim: '.', Mailbox: "#news.comp.mail.misc"}),
		decData("LSUB", &wire.ListData{Attrs: []string{`\NoSelect`}, Delim: '.', Mailbox: "#news.comp.mail"}))
}

func TestRFC3501_7_4_2_Fetch(t *testing.T) {
	checkDecode(t, decLines(`* 23 FETCH (FLAGS (\Seen) RFC822.SIZE 44827)`, `* 12 FETCH (RFC822.SIZE 4286 UID 447 INTERNALDATE "17-Jul-1996 02:44:25 -0700" FLAGS ())`), &DecoderOptions{Strict: true},
		decNumbered(23, "FETCH", &wire.FetchData{Seq: 23, Has: wire.FetchFlags | wire.FetchRFC822Size, Flags: []string{`\Seen`}, RFC822Size: 44827}),
		decNumbered(12, "FETCH", &wire.FetchData{Seq: 12, Has: wire.FetchFlags | wire.FetchRFC822Size | wire.FetchUID | wire.FetchInternalDate, Flags: []string{}, RFC822Size: 4286, UID: 447,
			InternalDate: time.Date(1996, 7, 17, 2, 44, 25, 0, time.FixedZone("", -7*3600))}))
}

func TestRFC3501_7_1_Codes(t *testing.T) {
	checkDecode(t, decLines(
		"* OK [UNSEEN 12] Message 12 is first unseen",
		"* OK [UIDVALIDITY 3857529045] UIDs valid",
		`* OK [PERMANENTFLAGS (\Deleted \Seen \*)] Limited`,
		"A142 OK [READ-WRITE] SELECT completed",
		"A932 OK [READ-ONLY] EXAMINE completed",
		"A003 NO [TRYCREATE] Mailbox doesn't exist",
		"* OK [ALERT] System shutdown in 10 minutes",
		"A044 NO [BADCHARSET (UTF-8)] Bad charset",
		"* BAD [PARSE] Bad header",
	), &DecoderOptions{Strict: true},
		decStatus("*", wire.StatusOK, &wire.Code{Name: "UNSEEN", Data: uint32(12)}, "Message 12 is first unseen"),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "UIDVALIDITY", Data: uint32(3857529045)}, "UIDs valid"),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "PERMANENTFLAGS", Data: []string{`\Deleted`, `\Seen`, `\*`}}, "Limited"),
		decStatus("A142", wire.StatusOK, &wire.Code{Name: "READ-WRITE"}, "SELECT completed"),
		decStatus("A932", wire.StatusOK, &wire.Code{Name: "READ-ONLY"}, "EXAMINE completed"),
		decStatus("A003", wire.StatusNo, &wire.Code{Name: "TRYCREATE"}, "Mailbox doesn't exist"),
		decStatus("*", wire.StatusOK, &wire.Code{Name: "ALERT"}, "System shutdown in 10 minutes"),
		decStatus("A044", wire.StatusNo, &wire.Code{Name: "BADCHARSET", Data: []string{"UTF-8"}}, "Bad charset"),
		decStatus("*", wire.StatusBad, &wire.Code{Name: "PARSE"}, "Bad header"),
	)
}

func TestRFC3501_7_5_Continuation(t *testing.T) {
	checkDecode(t, decLines("+ Ready for additional command text", "+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ="), &DecoderOptions{Strict: true},
		&wire.Response{Kind: wire.ContinueResponse, Tag: "+", Text: "Ready for additional command text"},
		&wire.Response{Kind: wire.ContinueResponse, Tag: "+", Text: "YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ="})
}

// TestRFC5258_ListExtended covers the extended items of RFC 5258 §4-5.
func TestRFC5258_ListExtended(t *testing.T) {
	checkDecode(t, decLines(
		`* LIST (\Subscribed \NonExistent) "/" "Fruit/Peach"`,
		`* LIST () "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))`,
		`* LIST (\HasChildren) "/" "Vegetable" (CHILDINFO ("SUBSCRIBED" "REMOTE") X-VENDOR (1 2) OLDNAME ("Old&AOk-"))`,
	), &DecoderOptions{Strict: true},
		decData("LIST", &wire.ListData{Attrs: []string{`\Subscribed`, `\NonExistent`}, Delim: '/', Mailbox: "Fruit/Peach"}),
		decData("LIST", &wire.ListData{Delim: '/', Mailbox: "Foo", ChildInfo: []string{"SUBSCRIBED"}}),
		decData("LIST", &wire.ListData{Attrs: []string{`\HasChildren`}, Delim: '/', Mailbox: "Vegetable", ChildInfo: []string{"SUBSCRIBED", "REMOTE"}, OldName: "Oldé",
			Extended: []wire.Value{vAtom("X-VENDOR"), vList(vNum(1), vNum(2))}}),
	)
}
