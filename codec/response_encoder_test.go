package codec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

func writeResponse(t testing.TB, r *wire.Response, utf8 bool) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	e := NewResponseEncoder(&buf, nil)
	e.SetOptions(&ResponseEncoderOptions{UTF8: utf8})
	err := e.WriteResponse(r)
	return buf.String(), err
}

func status(st wire.Status, code *wire.Code, text string) *wire.Response {
	return &wire.Response{Kind: wire.StatusResponse, Tag: "*", Status: st, Code: code, Text: text}
}

func done(tag string, st wire.Status, code *wire.Code, text string) *wire.Response {
	return &wire.Response{Kind: wire.DoneResponse, Tag: tag, Status: st, Code: code, Text: text}
}

func data(name string, d any) *wire.Response {
	return &wire.Response{Kind: wire.DataResponse, Tag: "*", Name: name, Data: d}
}

func numData(n uint32, name string, d any) *wire.Response {
	return &wire.Response{Kind: wire.DataResponse, Tag: "*", Name: name, Num: n, HasNum: true, Data: d}
}

// rfc9051FetchExample is the FETCH response of RFC 9051 §8.
func rfc9051FetchExample() *wire.FetchData {
	gray := []wire.Address{{Name: "Terry Gray", Mailbox: "gray", Host: "cac.washington.edu"}}
	return &wire.FetchData{
		Seq:          12,
		Has:          wire.FetchFlags | wire.FetchInternalDate | wire.FetchRFC822Size | wire.FetchEnvelope | wire.FetchBody,
		Flags:        []string{`\Seen`},
		InternalDate: time.Date(1996, 7, 17, 2, 44, 25, 0, time.FixedZone("", -7*3600)),
		RFC822Size:   4286,
		Envelope: &wire.Envelope{
			Date:    "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
			Subject: "IMAP4rev2 WG mtg summary and minutes",
			From:    gray, Sender: gray, ReplyTo: gray,
			To: []wire.Address{{Mailbox: "imap", Host: "cac.washington.edu"}},
			Cc: []wire.Address{{Mailbox: "minutes", Host: "CNRI.Reston.VA.US"},
				{Name: "John Klensin", Mailbox: "KLENSIN", Host: "MIT.EDU"}},
			MessageID: "<B27397-0100000@cac.washington.ed>",
		},
		BodyStructure: &wire.BodyStructure{Type: "TEXT", Subtype: "PLAIN",
			Params: []wire.Param{{Name: "CHARSET", Value: "US-ASCII"}}, Encoding: "7BIT", Size: 3028, Lines: 92},
	}
}

// multipartExample is a multipart/mixed message with a text part, an
// attachment and an enclosed message, with extension data.
func multipartExample() *wire.BodyStructure {
	return &wire.BodyStructure{
		Type: "MULTIPART", Subtype: "MIXED", Extended: true,
		Params:      []wire.Param{{Name: "BOUNDARY", Value: "xyz"}},
		Disposition: nil, Language: []string{"en", "de"}, Location: "http://example.com/",
		Parts: []wire.BodyStructure{
			{Type: "TEXT", Subtype: "PLAIN", Params: []wire.Param{{Name: "CHARSET", Value: "UTF-8"}}, Encoding: "QUOTED-PRINTABLE",
				Size: 1234, Lines: 40, Extended: true, MD5: "Q2hlY2sgSW50ZWdyaXR5IQ==", Language: []string{"en"}},
			{Type: "APPLICATION", Subtype: "PDF", Params: []wire.Param{{Name: "NAME", Value: "a \"b\".pdf"}}, ID: "<id@x>",
				Description: "Report", Encoding: "BASE64", Size: 56789, Extended: true,
				Disposition: &wire.Disposition{Value: "ATTACHMENT", Params: []wire.Param{{Name: "FILENAME", Value: "a \"b\".pdf"}}},
				Extensions:  []wire.Value{wire.Number(7), wire.List(wire.Quoted("x"), wire.Nil())}},
			{Type: "MESSAGE", Subtype: "RFC822", Encoding: "7BIT", Size: 500, Lines: 12,
				Envelope: &wire.Envelope{Subject: "inner", From: []wire.Address{{Mailbox: "undisclosed-recipients"}, {}}},
				Body:     &wire.BodyStructure{Type: "TEXT", Subtype: "PLAIN", Encoding: "7BIT", Size: 20, Lines: 1}},
		},
	}
}

func TestWriteResponse(t *testing.T) {
	longText := strings.Repeat("y", 2000)
	tests := []struct {
		name string
		r    *wire.Response
		utf8 bool
		want string
	}{
		// status responses and completions (RFC 9051 §7.1)
		{"greeting", status(wire.StatusOK, nil, "IMAP4rev2 server ready"), false, "* OK IMAP4rev2 server ready"},
		{"empty tag means *", &wire.Response{Kind: wire.StatusResponse, Status: wire.StatusBye, Text: "Autologout; idle for too long"}, false, "* BYE Autologout; idle for too long"},
		{"PREAUTH", status(wire.StatusPreauth, nil, "IMAP4rev2 server logged in as Smith"), false, "* PREAUTH IMAP4rev2 server logged in as Smith"},
		{"empty text", status(wire.StatusOK, nil, ""), false, "* OK "},
		{"code without text", done("A1", wire.StatusOK, &wire.Code{Name: "READ-WRITE"}, ""), false, "A1 OK [READ-WRITE] "},
		{"text with brackets after a code", done("A1", wire.StatusNo, &wire.Code{Name: "ALERT"}, "[x]"), false, "A1 NO [ALERT] [x]"},
		{"UTF-8 text", status(wire.StatusOK, nil, "grüß dich"), false, "* OK grüß dich"},
		{"UIDNEXT", status(wire.StatusOK, &wire.Code{Name: "UIDNEXT", Data: uint32(4392)}, "Predicted next UID"), false, "* OK [UIDNEXT 4392] Predicted next UID"},
		{"UIDVALIDITY", status(wire.StatusOK, &wire.Code{Name: "UIDVALIDITY", Data: uint32(3857529045)}, "UIDs valid"), false, "* OK [UIDVALIDITY 3857529045] UIDs valid"},
		{"HIGHESTMODSEQ", status(wire.StatusOK, &wire.Code{Name: "HIGHESTMODSEQ", Data: uint64(715194045007)}, "Highest"), false, "* OK [HIGHESTMODSEQ 715194045007] Highest"},
		{"CAPABILITY code", status(wire.StatusOK, &wire.Code{Name: "CAPABILITY", Data: []string{"IMAP4rev2", "STARTTLS", "AUTH=GSSAPI"}}, "x"), false, "* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI] x"},
		{"PERMANENTFLAGS", status(wire.StatusOK, &wire.Code{Name: "PERMANENTFLAGS", Data: []string{`\Deleted`, `\Seen`, `\*`}}, "Limited"), false, `* OK [PERMANENTFLAGS (\Deleted \Seen \*)] Limited`},
		{"PERMANENTFLAGS empty", status(wire.StatusOK, &wire.Code{Name: "PERMANENTFLAGS", Data: []string{}}, "No permanent flags permitted"), false, `* OK [PERMANENTFLAGS ()] No permanent flags permitted`},
		{"BADCHARSET", done("A1", wire.StatusNo, &wire.Code{Name: "BADCHARSET", Data: []string{"UTF-8", "X Y"}}, "no"), false, `A1 NO [BADCHARSET (UTF-8 "X Y")] no`},
		{"BADCHARSET without list", done("A1", wire.StatusNo, &wire.Code{Name: "BADCHARSET", Data: []string{}}, "no"), false, `A1 NO [BADCHARSET] no`},
		{"APPENDUID", done("A003", wire.StatusOK, &wire.Code{Name: "APPENDUID", Data: &wire.AppendUID{UIDValidity: 38505, UIDs: seqset.MustParse("3955")}}, "APPEND completed"), false, "A003 OK [APPENDUID 38505 3955] APPEND completed"},
		{"APPENDUID value", done("A003", wire.StatusOK, &wire.Code{Name: "APPENDUID", Data: wire.AppendUID{UIDValidity: 38505, UIDs: seqset.MustParse("3955:3957")}}, "x"), false, "A003 OK [APPENDUID 38505 3955:3957] x"},
		{"COPYUID", done("A004", wire.StatusOK, &wire.Code{Name: "COPYUID", Data: &wire.CopyUID{UIDValidity: 38505, Source: seqset.MustParse("304,319:320"), Dest: seqset.MustParse("3956:3958")}}, "Done"), false, "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done"},
		{"generic code", done("A1", wire.StatusNo, &wire.Code{Name: "X-FOO", Args: []wire.Value{wire.Number(1), wire.Quoted("a]b"), wire.List(wire.Atom("Z"))}}, "t"), false, `A1 NO [X-FOO 1 "a]b" (Z)] t`},
		{"code without args", done("A1", wire.StatusNo, &wire.Code{Name: "TRYCREATE"}, "No such mailbox"), false, "A1 NO [TRYCREATE] No such mailbox"},
		{"BAD", done("A1", wire.StatusBad, nil, "Command unknown or arguments invalid"), false, "A1 BAD Command unknown or arguments invalid"},
		// continuation requests (RFC 9051 §7.6)
		{"continue", &wire.Response{Kind: wire.ContinueResponse, Tag: "+", Text: "Ready for literal data"}, false, "+ Ready for literal data"},
		{"continue empty", &wire.Response{Kind: wire.ContinueResponse}, false, "+ "},
		{"continue base64", &wire.Response{Kind: wire.ContinueResponse, Text: "YDMGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHe"}, false, "+ YDMGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHe"},
		// numbered data (RFC 9051 §7.4, §7.5)
		{"EXISTS", numData(23, "EXISTS", nil), false, "* 23 EXISTS"},
		{"RECENT", numData(5, "RECENT", nil), false, "* 5 RECENT"},
		{"EXPUNGE", numData(44, "EXPUNGE", nil), false, "* 44 EXPUNGE"},
		// server and mailbox data (RFC 9051 §7.2, §7.3)
		{"CAPABILITY", data("CAPABILITY", []string{"IMAP4rev2", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED"}), false, "* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED"},
		{"ENABLED", data("ENABLED", []string{"CONDSTORE"}), false, "* ENABLED CONDSTORE"},
		{"ENABLED nothing", data("ENABLED", []string{}), false, "* ENABLED"},
		{"FLAGS", data("FLAGS", []string{`\Answered`, `\Flagged`, `\Deleted`, `\Seen`, `\Draft`}), false, `* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)`},
		{"LIST INBOX", data("LIST", &wire.ListData{Delim: '/', Mailbox: "INBOX"}), false, `* LIST () "/" INBOX`},
		{"LIST noselect", data("LIST", &wire.ListData{Attrs: []string{`\Noselect`}, Delim: '/', Mailbox: "~/Mail/foo"}), false, `* LIST (\Noselect) "/" ~/Mail/foo`},
		{"LIST NIL delimiter", data("LIST", &wire.ListData{Attrs: []string{`\Noselect`}, Mailbox: "foo"}), false, `* LIST (\Noselect) NIL foo`},
		{"LIST backslash delimiter", data("LIST", wire.ListData{Delim: '\\', Mailbox: `a\b`}), false, `* LIST () "\\" "a\\b"`},
		{"LIST empty name", data("LIST", &wire.ListData{Attrs: []string{`\Noselect`}, Delim: '/', Mailbox: ""}), false, `* LIST (\Noselect) "/" ""`},
		{"LIST spaces", data("LIST", &wire.ListData{Delim: '.', Mailbox: "INBOX.Sent Items"}), false, `* LIST () "." "INBOX.Sent Items"`},
		{"LIST NIL name", data("LIST", &wire.ListData{Delim: '.', Mailbox: "Nil"}), false, `* LIST () "." "Nil"`},
		{"LIST modified UTF-7", data("LIST", &wire.ListData{Delim: '/', Mailbox: "~peter/mail/台北/日本語"}), false, `* LIST () "/" ~peter/mail/&U,BTFw-/&ZeVnLIqe-`},
		{"LIST UTF-8", data("LIST", &wire.ListData{Delim: '/', Mailbox: "~peter/mail/台北/日本語"}), true, `* LIST () "/" "~peter/mail/台北/日本語"`},
		{"LIST OLDNAME", data("LIST", &wire.ListData{Delim: '/', Mailbox: "Normalized", OldName: "NonNormalized"}), false, `* LIST () "/" Normalized (OLDNAME (NonNormalized))`},
		{"LIST CHILDINFO", data("LIST", &wire.ListData{Attrs: []string{`\HasChildren`}, Delim: '/', Mailbox: "Foo", ChildInfo: []string{"SUBSCRIBED"}}), false, `* LIST (\HasChildren) "/" Foo (CHILDINFO ("SUBSCRIBED"))`},
		{"LIST extended", data("LIST", &wire.ListData{Delim: '/', Mailbox: "Foo", Extended: []wire.Value{wire.Atom("X-THING"), wire.List(wire.Number(1))}}), false, `* LIST () "/" Foo (X-THING (1))`},
		{"LSUB", data("LSUB", &wire.ListData{Delim: '/', Mailbox: "#news.comp.mail.mime"}), false, `* LSUB () "/" #news.comp.mail.mime`},
		{"STATUS", data("STATUS", &wire.StatusData{Mailbox: "blurdybloop", Items: []wire.StatusItem{{Name: "MESSAGES", Value: 231}, {Name: "UIDNEXT", Value: 44292}}}), false, "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)"},
		{"STATUS NIL", data("STATUS", wire.StatusData{Mailbox: "INBOX", Items: []wire.StatusItem{{Name: "APPENDLIMIT", Nil: true}, {Name: "SIZE", Value: 1 << 40}}}), false, "* STATUS INBOX (APPENDLIMIT NIL SIZE 1099511627776)"},
		{"STATUS nothing", data("STATUS", &wire.StatusData{Mailbox: "INBOX"}), false, "* STATUS INBOX ()"},
		{"NAMESPACE", data("NAMESPACE", &wire.NamespaceData{Personal: []wire.Namespace{{Prefix: "", Delim: '/'}}, Shared: []wire.Namespace{{Prefix: "Public Folders/", Delim: '/'}}}), false, `* NAMESPACE (("" "/")) NIL (("Public Folders/" "/"))`},
		{"NAMESPACE several", data("NAMESPACE", wire.NamespaceData{
			Personal: []wire.Namespace{{Prefix: "", Delim: '/'}, {Prefix: "#mh/", Delim: '/', Extensions: []wire.Value{wire.Quoted("X-PARAM"), wire.List(wire.Quoted("FLAG1"), wire.Quoted("FLAG2"))}}},
			Other:    []wire.Namespace{{Prefix: "~", Delim: '/'}}}),
			false, `* NAMESPACE (("" "/")("#mh/" "/" "X-PARAM" ("FLAG1" "FLAG2"))) (("~" "/")) NIL`},
		{"SEARCH", data("SEARCH", &wire.SearchData{Nums: []uint32{2, 3, 6}}), false, "* SEARCH 2 3 6"},
		{"SEARCH empty", data("SEARCH", &wire.SearchData{}), false, "* SEARCH"},
		{"SEARCH MODSEQ", data("SEARCH", wire.SearchData{Nums: []uint32{2, 5}, ModSeq: 917162500}), false, "* SEARCH 2 5 (MODSEQ 917162500)"},
		{"SEARCH numbers", data("SEARCH", []uint32{4, 5}), false, "* SEARCH 4 5"},
		{"ESEARCH", data("ESEARCH", &wire.ESearchData{Tag: "A282", Has: wire.ESearchMin | wire.ESearchCount, Min: 2, Count: 3}), false, `* ESEARCH (TAG "A282") MIN 2 COUNT 3`},
		{"ESEARCH ALL", data("ESEARCH", &wire.ESearchData{Tag: "A283", Has: wire.ESearchAll, All: seqset.MustParse("2,10:11")}), false, `* ESEARCH (TAG "A283") ALL 2,10:11`},
		{"ESEARCH nothing", data("ESEARCH", &wire.ESearchData{Tag: "A284"}), false, `* ESEARCH (TAG "A284")`},
		{"ESEARCH UID", data("ESEARCH", wire.ESearchData{Tag: "A285", UID: true, Has: wire.ESearchMin | wire.ESearchMax | wire.ESearchModSeq, Min: 7, Max: 3800, ModSeq: 12345678901}), false, `* ESEARCH (TAG "A285") UID MIN 7 MAX 3800 MODSEQ 12345678901`},
		{"ESEARCH no tag", data("ESEARCH", &wire.ESearchData{Has: wire.ESearchCount, Extensions: []wire.Value{wire.Atom("X-A"), wire.Number(5)}}), false, `* ESEARCH COUNT 0 X-A 5`},
		// FETCH (RFC 9051 §7.5.2)
		{"FETCH RFC 9051 §8", data("FETCH", rfc9051FetchExample()), false, `* 12 FETCH (FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 ENVELOPE (` +
			`"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) ` +
			`(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ` +
			`((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.ed>") ` +
			`BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))`},
		{"FETCH UID FLAGS", numData(14, "FETCH", &wire.FetchData{Seq: 99, Has: wire.FetchUID | wire.FetchFlags, UID: 1305, Flags: []string{`\Seen`, `\Deleted`}}), false, `* 14 FETCH (UID 1305 FLAGS (\Seen \Deleted))`},
		{"FETCH empty flags", data("FETCH", wire.FetchData{Seq: 1, Has: wire.FetchFlags}), false, `* 1 FETCH (FLAGS ())`},
		{"FETCH BODYSTRUCTURE", data("FETCH", &wire.FetchData{Seq: 3, Has: wire.FetchBodyStructure, BodyStructure: multipartExample()}), false,
			`* 3 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 1234 40 "Q2hlY2sgSW50ZWdyaXR5IQ==" NIL "en" NIL)` +
				`("APPLICATION" "PDF" ("NAME" "a \"b\".pdf") "<id@x>" "Report" "BASE64" 56789 NIL ("ATTACHMENT" ("FILENAME" "a \"b\".pdf")) NIL NIL 7 ("x" NIL))` +
				`("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 500 (NIL "inner" ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 20 1) 12)` +
				` "MIXED" ("BOUNDARY" "xyz") NIL ("en" "de") "http://example.com/"))`},
		{"FETCH multipart without extension data", data("FETCH", &wire.FetchData{Seq: 3, Has: wire.FetchBody, BodyStructure: &wire.BodyStructure{Type: "MULTIPART", Subtype: "ALTERNATIVE",
			Parts: []wire.BodyStructure{{Type: "TEXT", Subtype: "PLAIN", Encoding: "7BIT", Size: 1, Lines: 1}, {Type: "TEXT", Subtype: "HTML", Encoding: "7BIT", Size: 2, Lines: 1}}}}), false,
			`* 3 FETCH (BODY (("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)("TEXT" "HTML" NIL NIL NIL "7BIT" 2 1) "ALTERNATIVE"))`},
		// As a lenient decoder reads a server's multipart with no parts.
		{"FETCH multipart without parts", data("FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchBody, BodyStructure: &wire.BodyStructure{Type: "MULTIPART", Subtype: "MIXED"}}), false,
			`* 1 FETCH (BODY ("MIXED"))`},
		{"FETCH multipart without parts, extended", data("FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchBodyStructure, BodyStructure: &wire.BodyStructure{Type: "MULTIPART", Subtype: "MIXED", Extended: true}}), false,
			`* 1 FETCH (BODYSTRUCTURE ("MIXED" () NIL NIL NIL))`},
		{"FETCH BODY[HEADER.FIELDS]", data("FETCH", &wire.FetchData{Seq: 12, Sections: []wire.SectionData{
			{Item: "BODY", Section: wire.Section{Specifier: wire.SectionHeaderFields, Fields: []string{"DATE", "FROM"}}, Data: []byte("Date: x\r\n\r\n"), Size: 11}}}), false,
			"* 12 FETCH (BODY[HEADER.FIELDS (DATE FROM)] {11}\r\nDate: x\r\n\r\n)"},
		{"FETCH sections", data("FETCH", &wire.FetchData{Seq: 2, Has: wire.FetchUID, UID: 7, Sections: []wire.SectionData{
			{Item: "BODY", Section: wire.Section{Part: []int{1, 2}, Specifier: wire.SectionMIME}, Data: []byte("short")},
			{Item: "BODY", Section: wire.Section{}, Origin: 100, HasOrigin: true, Nil: true},
			{Item: "BODY", Section: wire.Section{Part: []int{3}, Specifier: wire.SectionText}, Data: []byte{}},
			{Item: "BINARY", Section: wire.Section{Part: []int{1}}, Data: []byte("a\x00b"), Binary: true},
			{Item: "BINARY", Section: wire.Section{Part: []int{2}}, Data: []byte("\x00")},
			{Item: "RFC822.HEADER", Data: []byte("quoted \"x\"")},
			{Item: "RFC822.TEXT", Data: []byte("8-bit ü")},
		}, BinarySizes: []wire.BinarySize{{Part: []int{1}, Size: 3}, {Part: nil, Size: 9}}}), false,
			"* 2 FETCH (UID 7 BODY[1.2.MIME] \"short\" BODY[]<100> NIL BODY[3.TEXT] \"\" BINARY[1] ~{3}\r\na\x00b BINARY[2] ~{1}\r\n\x00 " +
				"RFC822.HEADER \"quoted \\\"x\\\"\" RFC822.TEXT {8}\r\n8-bit ü BINARY.SIZE[1] 3 BINARY.SIZE[] 9)"},
		{"FETCH UTF-8 quoted", data("FETCH", &wire.FetchData{Seq: 2, Sections: []wire.SectionData{{Item: "RFC822.TEXT", Data: []byte("8-bit ü")}}}), true, "* 2 FETCH (RFC822.TEXT \"8-bit ü\")"},
		{"FETCH items", data("FETCH", &wire.FetchData{Seq: 5, Items: []wire.FetchItem{
			{Name: "MODSEQ", Data: wire.List(wire.Number(12121231000))},
			{Name: "X-GM-LABELS", Data: &wire.Value{Kind: wire.KindList, List: []wire.Value{wire.Atom(`\Inbox`), wire.Quoted("a b")}}},
		}}), false, `* 5 FETCH (MODSEQ (12121231000) X-GM-LABELS (\Inbox "a b"))`},
		{"FETCH long subject", data("FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchEnvelope, Envelope: &wire.Envelope{Subject: longText}}), false,
			"* 1 FETCH (ENVELOPE (NIL {2000}\r\n" + longText + " NIL NIL NIL NIL NIL NIL NIL NIL))"},
		{"FETCH generic", numData(12, "FETCH", []wire.Value{wire.List(wire.Atom("UID"), wire.Number(5), wire.Atom("BODY[HEADER.FIELDS (DATE FROM)]<0>"), wire.Literal("ab"))}), false,
			"* 12 FETCH (UID 5 BODY[HEADER.FIELDS (DATE FROM)]<0> {2}\r\nab)"},
		{"ID", data("ID", map[string]string{"version": "", "name": "Dovecot"}), false, `* ID ("name" "Dovecot" "version" NIL)`},
		{"ID NIL", data("ID", map[string]string(nil)), false, `* ID NIL`},
		// generic data
		{"generic", data("X-THING", []wire.Value{wire.Atom("A"), wire.Nil(), wire.Quoted(`q"\`), wire.Literal("l\r\n"), wire.String("auto"), wire.Number(1)}), false,
			"* X-THING A NIL \"q\\\"\\\\\" {3}\r\nl\r\n \"auto\" 1"},
		{"generic single value", data("X-THING", wire.List()), false, "* X-THING ()"},
		{"generic literal8", data("X", []wire.Value{{Kind: wire.KindString, Form: wire.FormLiteral8, Str: "\x00"}}), false, "* X ~{1}\r\n\x00"},
		{"generic reader", data("X", []wire.Value{wire.LiteralReader(strings.NewReader("hello"), 5)}), false, "* X {5}\r\nhello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := writeResponse(t, tt.r, tt.utf8)
			want := tt.want + "\r\n"
			if err != nil || got != want {
				t.Errorf("WriteResponse =\n%q, %v; want\n%q", got, err, want)
			}
		})
	}
}

func TestWriteResponseRejects(t *testing.T) {
	tests := []struct {
		name string
		r    *wire.Response
		want error
	}{
		{"text with CRLF", status(wire.StatusOK, nil, "a\r\n* BYE"), ErrInvalidText},
		{"text with LF", done("A1", wire.StatusOK, nil, "a\n"), ErrInvalidText},
		{"text with NUL", done("A1", wire.StatusOK, nil, "a\x00"), ErrInvalidText},
		{"text looks like a code", status(wire.StatusOK, nil, "[ALERT] x"), ErrInvalidText},
		{"bad tag", done("A 1", wire.StatusOK, nil, "x"), ErrInvalidAtom},
		{"tag +", done("+", wire.StatusOK, nil, "x"), ErrInvalidAtom},
		{"empty tag", done("", wire.StatusOK, nil, "x"), ErrInvalidAtom},
		{"untagged with a tag", &wire.Response{Kind: wire.StatusResponse, Tag: "A1", Status: wire.StatusOK}, ErrInvalidAtom},
		{"data with a tag", &wire.Response{Kind: wire.DataResponse, Tag: "A1", Name: "X"}, ErrInvalidAtom},
		{"bad name", data("A B", nil), ErrInvalidAtom},
		{"empty name", data("", nil), ErrInvalidAtom},
		{"bad code name", status(wire.StatusOK, &wire.Code{Name: "A]"}, "x"), ErrInvalidAtom},
		{"code arg with ]", status(wire.StatusOK, &wire.Code{Name: "X", Args: []wire.Value{wire.Atom("a]")}}, "x"), ErrInvalidAtom},
		{"unsupported code data", status(wire.StatusOK, &wire.Code{Name: "X", Data: 3.5}, "x"), ErrUnsupportedData},
		{"unsupported []string code", status(wire.StatusOK, &wire.Code{Name: "X", Data: []string{"a"}}, "x"), ErrUnsupportedData},
		{"flag with SP", data("FLAGS", []string{"a b"}), ErrInvalidAtom},
		{"capability with ]", status(wire.StatusOK, &wire.Code{Name: "CAPABILITY", Data: []string{"A]"}}, "x"), ErrInvalidAtom},
		{"unsupported data", data("X", 42), ErrUnsupportedData},
		{"NUL in a subject", data("FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchEnvelope, Envelope: &wire.Envelope{Subject: "a\x00"}}), ErrNeedsBinary},
		{"NUL in BODY[]", data("FETCH", &wire.FetchData{Seq: 1, Sections: []wire.SectionData{{Item: "BODY", Data: []byte("\x00")}}}), ErrNeedsBinary},
		{"streamed section", data("FETCH", &wire.FetchData{Seq: 1, Sections: []wire.SectionData{{Item: "BODY", Size: 5, Streamed: true}}}), ErrStreamedValue},
		{"streamed value", data("X", []wire.Value{{Kind: wire.KindString, Form: wire.FormLiteral, Size: 5, Streamed: true}}), ErrStreamedValue},
		{"envelope nil", data("FETCH", &wire.FetchData{Seq: 1, Has: wire.FetchEnvelope}), ErrUnsupportedData},
		{"bad section item", data("FETCH", &wire.FetchData{Seq: 1, Sections: []wire.SectionData{{Item: "BODY.PEEK"}}}), ErrUnsupportedData},
		{"bad part", data("FETCH", &wire.FetchData{Seq: 1, Sections: []wire.SectionData{{Item: "BODY", Section: wire.Section{Part: []int{0}}}}}), ErrInvalidAtom},
		{"header field with ]", data("FETCH", &wire.FetchData{Seq: 1, Sections: []wire.SectionData{{Item: "BODY", Section: wire.Section{Specifier: wire.SectionHeaderFields, Fields: []string{"a]"}}}}}), ErrInvalidAtom},
		{"fetch item data", data("FETCH", &wire.FetchData{Seq: 1, Items: []wire.FetchItem{{Name: "MODSEQ", Data: uint64(5)}}}), ErrUnsupportedData},
		{"invalid UTF-8 mailbox", data("LIST", &wire.ListData{Mailbox: "a\xff"}), nil},
		{"CR delimiter", data("LIST", &wire.ListData{Delim: '\r', Mailbox: "a"}), ErrUnsupportedData},
		{"empty ALL", data("ESEARCH", &wire.ESearchData{Has: wire.ESearchAll}), ErrInvalidAtom},
		{"bad atom value", data("X", []wire.Value{wire.Atom("a\r\nb")}), ErrInvalidAtom},
		{"raw value with CRLF", data("X", []wire.Value{wire.Raw("a\r\nb")}), ErrInvalidRaw},
		{"bad status", &wire.Response{Kind: wire.StatusResponse, Status: wire.StatusNone}, nil},
		{"tagged BYE", done("A1", wire.StatusBye, nil, "x"), nil},
		{"bad kind", &wire.Response{Kind: 9}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := writeResponse(t, tt.r, false)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("WriteResponse = %v; want %v", err, tt.want)
			}
			var ee *EncodeError
			if !errors.As(err, &ee) {
				t.Errorf("error %v is not an *EncodeError", err)
			}
			if got != "" {
				t.Errorf("WriteResponse wrote %q before failing", got)
			}
		})
	}
}

func TestQueueResponse(t *testing.T) {
	var buf bytes.Buffer
	e := NewResponseEncoder(&buf, nil)
	e.QueueResponse(numData(1, "EXISTS", nil))
	e.QueueResponse(numData(0, "RECENT", nil))
	if buf.Len() != 0 {
		t.Errorf("QueueResponse wrote %q before Flush", buf.String())
	}
	if err := e.Flush(); err != nil || buf.String() != "* 1 EXISTS\r\n* 0 RECENT\r\n" {
		t.Errorf("Flush: %q, %v", buf.String(), err)
	}
	var b2 bytes.Buffer
	e.Reset(&b2)
	e.SetOptions(&ResponseEncoderOptions{MaxQuoted: 3})
	e.WriteResponse(data("X", []wire.Value{wire.String("abcd"), wire.Quoted("abcd")}))
	if got := b2.String(); got != "* X {4}\r\nabcd \"abcd\"\r\n" {
		t.Errorf("after Reset and SetMaxQuoted(3): %q", got)
	}
}

func TestWriteResponseShortBody(t *testing.T) {
	_, err := writeResponse(t, data("X", []wire.Value{wire.LiteralReader(strings.NewReader("ab"), 5)}), false)
	if !errors.Is(err, ErrLiteralSize) {
		t.Errorf("WriteResponse with a short body = %v", err)
	}
}

func TestWriteResponseAllocs(t *testing.T) {
	e := NewResponseEncoder(io.Discard, nil)
	fd := rfc9051FetchExample()
	fd.Has |= wire.FetchBodyStructure
	fd.BodyStructure = multipartExample()
	fd.Sections = []wire.SectionData{{Item: "BODY", Section: wire.Section{Specifier: wire.SectionHeaderFields, Fields: []string{"DATE", "FROM"}}, Data: []byte("Date: x\r\n\r\n")}}
	r := data("FETCH", fd)
	if n := testing.AllocsPerRun(100, func() {
		if err := e.WriteResponse(r); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("WriteResponse(FETCH) allocates %v times; want 0", n)
	}
}

func BenchmarkWriteResponseFetch(b *testing.B) {
	fd := rfc9051FetchExample()
	fd.Has |= wire.FetchBodyStructure | wire.FetchUID
	fd.BodyStructure = multipartExample()
	r := data("FETCH", fd)
	var buf bytes.Buffer
	NewResponseEncoder(&buf, nil).WriteResponse(r)
	e := NewResponseEncoder(io.Discard, nil)
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := e.QueueResponse(r); err != nil {
			b.Fatal(err)
		}
	}
}

// A test server's answer to SELECT and FETCH, from typed data.
func ExampleResponseEncoder_WriteResponse() {
	var out strings.Builder
	e := NewResponseEncoder(&out, nil)
	e.QueueResponse(&wire.Response{Kind: wire.DataResponse, Tag: "*", Name: "EXISTS", Num: 172, HasNum: true})
	e.QueueResponse(&wire.Response{Kind: wire.StatusResponse, Tag: "*", Status: wire.StatusOK,
		Code: &wire.Code{Name: "UIDNEXT", Data: uint32(4392)}, Text: "Predicted next UID"})
	e.QueueResponse(&wire.Response{Kind: wire.DataResponse, Tag: "*", Name: "LIST",
		Data: &wire.ListData{Attrs: []string{wire.AttrHasNoChildren}, Delim: '/', Mailbox: "Entwürfe"}})
	e.QueueResponse(&wire.Response{Kind: wire.DataResponse, Tag: "*", Name: "FETCH", Data: &wire.FetchData{
		Seq: 12, Has: wire.FetchUID | wire.FetchFlags, UID: 4827313, Flags: []string{wire.FlagSeen},
		Sections: []wire.SectionData{{Item: "BODY", Section: wire.Section{Specifier: wire.SectionText}, Data: []byte("Hi!\r\n")}},
	}})
	e.QueueResponse(&wire.Response{Kind: wire.DoneResponse, Tag: "A142", Status: wire.StatusOK,
		Code: &wire.Code{Name: "READ-WRITE"}, Text: "SELECT completed"})
	if err := e.Flush(); err != nil {
		fmt.Println(err)
	}
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n")) // CRLF shown as LF
	// Output:
	// * 172 EXISTS
	// * OK [UIDNEXT 4392] Predicted next UID
	// * LIST (\HasNoChildren) "/" Entw&APw-rfe
	// * 12 FETCH (UID 4827313 FLAGS (\Seen) BODY[TEXT] {5}
	// Hi!
	// )
	// A142 OK [READ-WRITE] SELECT completed
}
