package serversuite

// The base suite: RFC 3501 / RFC 9051 and the extensions imapkit's
// client uses. Each script works in mailboxes named after {{=prefix}}
// and deletes them.

const plainMsg = "From: Fred Foobar <foobar@Blurdybloop.example>\r\n" +
	"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n" +
	"Subject: afternoon meeting\r\n" +
	"To: mooch@owatagu.siam.edu.example\r\n" +
	"Message-Id: <B27397-0100000@Blurdybloop.example>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n" +
	"\r\n" +
	"Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n"

const multipartMsg = "From: alice@example.com\r\n" +
	"To: bob@example.com\r\n" +
	"Subject: parts\r\n" +
	"Date: Tue, 1 Oct 2024 10:00:00 +0000\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"xyz\"\r\n" +
	"\r\n" +
	"--xyz\r\n" +
	"Content-Type: text/plain; charset=us-ascii\r\n" +
	"\r\n" +
	"first part\r\n" +
	"--xyz\r\n" +
	"Content-Type: application/octet-stream\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"AAECAw==\r\n" +
	"--xyz--\r\n"

var msgs = map[string]string{"plain": plainMsg, "multi": multipartMsg}

// login is the first step of most scripts.
var login = Step{Send: "a0 LOGIN {{=user}} {{=pass}}", Want: []string{"a0 OK{{*}}"}}

// Base is the base suite.
var Base = []Script{
	{
		Name: "rfc9051-8-sample",
		Ref:  "RFC 9051 §8",
		// The sample session of RFC 9051 §8 on a message of its own.
		Literals: msgs,
		Steps: []Step{
			{Send: "abcd CAPABILITY", Want: []string{"* CAPABILITY {{*}}IMAP4rev{{*}}", "abcd OK{{*}}"}},
			{Send: "efgh LOGIN {{=user}} {{=pass}}", Want: []string{"efgh OK{{*}}"}},
			{Send: "c1 CREATE {{=prefix}}-s8", Want: []string{"c1 OK{{*}}"}},
			{Send: "c2 APPEND {{=prefix}}-s8 {{lit:plain}}", Want: []string{"c2 OK{{*}}"}},
			{Send: "ijkl SELECT {{=prefix}}-s8", Want: []string{
				"* 1 EXISTS",
				"* OK [UIDVALIDITY {{n}}]{{*}}",
				"ijkl OK [READ-WRITE]{{*}}",
			}},
			{Send: "mnop FETCH 1 FULL", Want: []string{
				`{{i}}* 1 FETCH ({{*}}FLAGS ({{*}}){{*}}INTERNALDATE "{{*}}"{{*}}RFC822.SIZE 320{{*}}ENVELOPE ("Mon, 7 Feb 1994 21:52:25 -0800" "afternoon meeting" (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) (("Fred Foobar" NIL "foobar" "Blurdybloop.example")) ((NIL NIL "mooch" "owatagu.siam.edu.example")) NIL NIL NIL "<B27397-0100000@Blurdybloop.example>"){{*}}BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 55 1){{*}})`,
				"mnop OK{{*}}",
			}},
			{Send: "qrst FETCH 1 BODY[HEADER]", Want: []string{
				"* 1 FETCH ({{*}}BODY[HEADER] {265}\r\nFrom: Fred Foobar{{*}}Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n{{*}})",
				"qrst OK{{*}}",
			}},
			{Send: `uvwx STORE 1 +FLAGS (\Deleted)`, Want: []string{
				`* 1 FETCH ({{*}}FLAGS ({{*}}\Deleted{{*}}){{*}})`,
				"uvwx OK{{*}}",
			}},
			{Send: "c3 EXPUNGE", Want: []string{"* 1 EXPUNGE", "c3 OK{{*}}"}},
			{Send: "c4 CLOSE", Want: []string{"c4 OK{{*}}"}},
			{Send: "c5 DELETE {{=prefix}}-s8", Want: []string{"c5 OK{{*}}"}},
			{Send: "yzzy LOGOUT", Want: []string{"* BYE{{*}}", "yzzy OK{{*}}"}},
		},
		Cleanup: []string{"DELETE {{=prefix}}-s8"},
	},
	{
		Name: "not-authenticated",
		Ref:  "RFC 9051 §6.1, §6.2.3, §7.1.3",
		Steps: []Step{
			{Send: "a1 NOOP", Want: []string{"a1 OK{{*}}"}},
			{Send: "a2 SELECT INBOX", Want: []string{"a2 {{*}}"}, Not: []string{"a2 OK{{*}}"}},
			{Send: `a3 LOGIN {{=user}} "not the password"`, Want: []string{"a3 NO{{*}}"}},
			{Send: "a4 FROBNICATE", Want: []string{"a4 BAD{{*}}"}},
			login,
			{Send: "a5 CAPABILITY", Want: []string{"* CAPABILITY {{*}}", "a5 OK{{*}}"}},
			{Send: "a6 LOGOUT", Want: []string{"* BYE{{*}}", "a6 OK{{*}}"}},
		},
	},
	{
		Name: "mailboxes",
		Ref:  "RFC 9051 §6.3.4-§6.3.11",
		Steps: []Step{
			login,
			{Send: `a1 LIST "" ""`, Want: []string{`* LIST (\Noselect) "{{s:delim}}" ""`, "a1 OK{{*}}"}},
			{Send: "a2 CREATE {{=prefix}}-a", Want: []string{"a2 OK{{*}}"}},
			{Send: "a3 CREATE {{=prefix}}-a", Want: []string{"a3 NO{{*}}"}},
			{Send: `a4 LIST "" {{=prefix}}-*`, Want: []string{`* LIST ({{*}}) "{{=delim}}" {{=prefix}}-a`, "a4 OK{{*}}"}},
			{Send: "a5 RENAME {{=prefix}}-a {{=prefix}}-b", Want: []string{"a5 OK{{*}}"}},
			{Send: `a6 LIST "" {{=prefix}}-*`, Want: []string{`* LIST ({{*}}) "{{=delim}}" {{=prefix}}-b`, "a6 OK{{*}}"},
				Not: []string{`* LIST {{*}}{{=prefix}}-a`}},
			{Send: "a7 STATUS {{=prefix}}-b (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)", Want: []string{
				"* STATUS {{=prefix}}-b ({{*}}MESSAGES 0{{*}})", "a7 OK{{*}}"}},
			{Send: "a8 SUBSCRIBE {{=prefix}}-b", Want: []string{"a8 OK{{*}}"}},
			{Send: `a9 LSUB "" {{=prefix}}-*`, Want: []string{`* LSUB ({{*}}) "{{=delim}}" {{=prefix}}-b`, "a9 OK{{*}}"}},
			{Send: "b1 UNSUBSCRIBE {{=prefix}}-b", Want: []string{"b1 OK{{*}}"}},
			{Send: `b2 LSUB "" {{=prefix}}-*`, Want: []string{"b2 OK{{*}}"}, Not: []string{"* LSUB {{*}}"}},
			{Send: "b3 DELETE {{=prefix}}-b", Want: []string{"b3 OK{{*}}"}},
			{Send: "b4 STATUS {{=prefix}}-b (MESSAGES)", Want: []string{"b4 NO{{*}}"}},
			{Send: "b5 SELECT {{=prefix}}-nonexistent", Want: []string{"b5 NO{{*}}"}},
		},
		Cleanup: []string{"DELETE {{=prefix}}-a", "DELETE {{=prefix}}-b"},
	},
	{
		Name:     "namespace-id-enable",
		Ref:      "RFC 2342, RFC 2971, RFC 5161",
		Requires: []string{"NAMESPACE", "ID", "ENABLE", "CONDSTORE"},
		Steps: []Step{
			login,
			{Send: "a1 NAMESPACE", Want: []string{"* NAMESPACE {{*}}", "a1 OK{{*}}"}},
			{Send: `a2 ID ("name" "serversuite")`, Want: []string{"* ID {{*}}", "a2 OK{{*}}"}},
			{Send: "a3 ENABLE CONDSTORE", Want: []string{"* ENABLED CONDSTORE", "a3 OK{{*}}"}},
		},
	},
	{
		Name:     "append-fetch",
		Ref:      "RFC 9051 §6.3.12, §6.4.5; RFC 4315",
		Requires: []string{"UIDPLUS"},
		Literals: msgs,
		Steps: []Step{
			login,
			{Send: "a1 CREATE {{=prefix}}-f", Want: []string{"a1 OK{{*}}"}},
			{Send: `a2 APPEND {{=prefix}}-f (\Seen) "01-Oct-2024 10:00:00 +0000" {{lit:multi}}`,
				Want: []string{"a2 OK [APPENDUID {{n:uv}} {{n:uid}}]{{*}}"}},
			{Send: "a3 EXAMINE {{=prefix}}-f", Want: []string{"* 1 EXISTS", "a3 OK [READ-ONLY]{{*}}"}},
			{Send: "a4 UID FETCH {{=uid}} (UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE)", Want: []string{
				`{{i}}* 1 FETCH ({{*}}UID {{=uid}}{{*}}FLAGS ({{*}}\Seen{{*}}){{*}}INTERNALDATE "01-Oct-2024 10:00:00 +0000"{{*}}RFC822.SIZE 336{{*}}BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 10 {{n}}{{*}})("APPLICATION" "OCTET-STREAM" NIL NIL NIL "BASE64" 8{{*}}) "MIXED"{{*}}){{*}})`,
				"a4 OK{{*}}"}},
			{Send: "a5 FETCH 1 (BODY.PEEK[1] BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[]<0.5>)", Want: []string{
				"* 1 FETCH ({{*}}BODY[1] {{*}}first part{{*}}BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: parts\r\n\r\n{{*}}BODY[]<0> {{*}}From:{{*}})",
				"a5 OK{{*}}"}},
			{Send: "a6 FETCH 1 (BODY.PEEK[3])", Want: []string{"a6 {{*}}"}},
			{Send: "a7 CLOSE", Want: []string{"a7 OK{{*}}"}},
			{Send: "a8 DELETE {{=prefix}}-f", Want: []string{"a8 OK{{*}}"}},
		},
		Cleanup: []string{"DELETE {{=prefix}}-f"},
	},
	{
		Name:     "binary",
		Ref:      "RFC 3516, RFC 9051 §6.4.5",
		Requires: []string{"BINARY", "LITERAL+"},
		Literals: msgs,
		Steps: []Step{
			login,
			{Send: "a1 CREATE {{=prefix}}-bin", Want: []string{"a1 OK{{*}}"}},
			{Send: "a2 APPEND {{=prefix}}-bin {{lit+:multi}}", Want: []string{"a2 OK{{*}}"}, Not: []string{"+{{*}}"}},
			{Send: "a3 SELECT {{=prefix}}-bin", Want: []string{"a3 OK{{*}}"}},
			{Send: "a4 FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2])", Want: []string{
				"* 1 FETCH ({{*}}BINARY[2] ~{4}\r\n\x00\x01\x02\x03{{*}})", "a4 OK{{*}}"}},
			{Send: "a5 CLOSE", Want: []string{"a5 OK{{*}}"}},
			{Send: "a6 DELETE {{=prefix}}-bin", Want: []string{"a6 OK{{*}}"}},
		},
		Cleanup: []string{"DELETE {{=prefix}}-bin"},
	},
	{
		Name:     "search",
		Ref:      "RFC 9051 §6.4.4; RFC 4731",
		Requires: []string{"ESEARCH"},
		Literals: msgs,
		Steps: []Step{
			login,
			{Send: "a1 CREATE {{=prefix}}-s", Want: []string{"a1 OK{{*}}"}},
			{Send: "a2 APPEND {{=prefix}}-s {{lit:plain}}", Want: []string{"a2 OK{{*}}"}},
			{Send: `a3 APPEND {{=prefix}}-s (\Flagged) {{lit:multi}}`, Want: []string{"a3 OK{{*}}"}},
			{Send: "a4 APPEND {{=prefix}}-s {{lit:plain}}", Want: []string{"a4 OK{{*}}"}},
			{Send: "a5 SELECT {{=prefix}}-s", Want: []string{"* 3 EXISTS", "a5 OK{{*}}"}},
			{Send: "a6 SEARCH FLAGGED", Want: []string{"* SEARCH 2", "a6 OK{{*}}"}},
			{Send: "a7 SEARCH SUBJECT afternoon", Want: []string{"* SEARCH 1 3", "a7 OK{{*}}"}},
			{Send: "a8 SEARCH OR FLAGGED FROM fred NOT 1", Want: []string{"* SEARCH 2 3", "a8 OK{{*}}"}},
			{Send: "a9 SEARCH BODY \"first part\" SENTON 1-Oct-2024 LARGER 100", Want: []string{"* SEARCH 2", "a9 OK{{*}}"}},
			{Send: "b1 SEARCH RETURN (MIN MAX COUNT) UNFLAGGED", Want: []string{`* ESEARCH (TAG "b1") MIN 1 MAX 3 COUNT 2`, "b1 OK{{*}}"}},
			{Send: "b2 UID SEARCH RETURN () ALL", Want: []string{`* ESEARCH (TAG "b2") UID ALL {{s}}`, "b2 OK{{*}}"}},
			{Send: "b3 SEARCH KEYWORD $nothing", Want: []string{"* SEARCH", "b3 OK{{*}}"}},
			{Send: "b4 CLOSE", Want: []string{"b4 OK{{*}}"}},
			{Send: "b5 DELETE {{=prefix}}-s", Want: []string{"b5 OK{{*}}"}},
		},
		Cleanup: []string{"DELETE {{=prefix}}-s"},
	},
	{
		Name:     "store-condstore",
		Ref:      "RFC 9051 §6.4.6; RFC 7162 §3.1",
		Requires: []string{"CONDSTORE"},
		Literals: msgs,
		Steps: []Step{
			login,
			{Send: "a1 CREATE {{=prefix}}-c", Want: []string{"a1 OK{{*}}"}},
			{Send: "a2 APPEND {{=prefix}}-c {{lit:plain}}", Want: []string{"a2 OK{{*}}"}},
			{Send: "a3 APPEND {{=prefix}}-c {{lit:plain}}", Want: []string{"a3 OK{{*}}"}},
			{Send: "a4 SELECT {{=prefix}}-c (CONDSTORE)", Want: []string{"* OK [HIGHESTMODSEQ {{n:ms}}]{{*}}", "a4 OK{{*}}"}},
			{Send: "a5 FETCH 1 (MODSEQ)", Want: []string{"* 1 FETCH (MODSEQ ({{n}}))", "a5 OK{{*}}"}},
			{Send: `a6 STORE 1 +FLAGS ($Test)`, Want: []string{`* 1 FETCH ({{*}}FLAGS ({{*}}$Test{{*}}){{*}})`, "a6 OK{{*}}"}},
			{Send: `a7 STORE 1:2 (UNCHANGEDSINCE {{=ms}}) +FLAGS.SILENT (\Seen)`, Want: []string{"a7 OK [MODIFIED 1]{{*}}"}},
			{Send: "a8 FETCH 1:2 (FLAGS) (CHANGEDSINCE {{=ms}})", Want: []string{`* 1 FETCH ({{*}}FLAGS ({{*}}$Test{{*}}){{*}})`, "a8 OK{{*}}"}},
			{Send: "a9 CLOSE", Want: []string{"a9 OK{{*}}"}},
			{Send: "b1 DELETE {{=prefix}}-c", Want: []string{"b1 OK{{*}}"}},
		},
		Cleanup: []string{"DELETE {{=prefix}}-c"},
	},
	{
		Name:     "copy-move-expunge",
		Ref:      "RFC 9051 §6.4.3, §6.4.7-§6.4.9; RFC 4315; RFC 6851",
		Requires: []string{"UIDPLUS", "MOVE"},
		Literals: msgs,
		Steps: []Step{
			login,
			{Send: "a1 CREATE {{=prefix}}-m1", Want: []string{"a1 OK{{*}}"}},
			{Send: "a2 CREATE {{=prefix}}-m2", Want: []string{"a2 OK{{*}}"}},
			{Send: "a3 APPEND {{=prefix}}-m1 {{lit:plain}}", Want: []string{"a3 OK{{*}}"}},
			{Send: "a4 APPEND {{=prefix}}-m1 {{lit:multi}}", Want: []string{"a4 OK{{*}}"}},
			{Send: `a5 APPEND {{=prefix}}-m1 (\Deleted) {{lit:plain}}`, Want: []string{"a5 OK{{*}}"}},
			{Send: "a6 SELECT {{=prefix}}-m1", Want: []string{"* 3 EXISTS", "a6 OK{{*}}"}},
			{Send: "a7 COPY 1 {{=prefix}}-m2", Want: []string{"a7 OK [COPYUID {{n}} {{n}} {{n}}]{{*}}"}},
			{Send: "a8 COPY 1 {{=prefix}}-nonexistent", Want: []string{"a8 NO [TRYCREATE]{{*}}"}},
			{Send: "a9 MOVE 2 {{=prefix}}-m2", Want: []string{"* OK [COPYUID {{n}} {{n}} {{n}}]{{*}}", "* 2 EXPUNGE", "a9 OK{{*}}"}},
			{Send: "b1 EXPUNGE", Want: []string{"* 2 EXPUNGE", "b1 OK{{*}}"}},
			{Send: `b2 STORE 1 +FLAGS.SILENT (\Deleted)`, Want: []string{"b2 OK{{*}}"}, Not: []string{"* 1 FETCH{{*}}"}},
			{Send: "b3 UID EXPUNGE 1", Want: []string{"* 1 EXPUNGE", "b3 OK{{*}}"}},
			{Send: "b4 STATUS {{=prefix}}-m2 (MESSAGES)", Want: []string{"* STATUS {{=prefix}}-m2 (MESSAGES 2)", "b4 OK{{*}}"}},
			{Send: "b5 UNSELECT", Want: []string{"b5 OK{{*}}"}},
			{Send: "b6 DELETE {{=prefix}}-m1", Want: []string{"b6 OK{{*}}"}},
			{Send: "b7 DELETE {{=prefix}}-m2", Want: []string{"b7 OK{{*}}"}},
		},
		Cleanup: []string{"DELETE {{=prefix}}-m1", "DELETE {{=prefix}}-m2"},
	},
	{
		Name:     "expunge-across-sessions",
		Ref:      "RFC 9051 §7.5.1",
		Literals: msgs,
		Steps: []Step{
			login,
			{Send: "a1 CREATE {{=prefix}}-x", Want: []string{"a1 OK{{*}}"}},
			{Send: "a2 APPEND {{=prefix}}-x {{lit:plain}}", Want: []string{"a2 OK{{*}}"}},
			{Send: `a3 APPEND {{=prefix}}-x (\Deleted) {{lit:plain}}`, Want: []string{"a3 OK{{*}}"}},
			{Send: "a4 APPEND {{=prefix}}-x {{lit:plain}}", Want: []string{"a4 OK{{*}}"}},
			{Send: "a5 SELECT {{=prefix}}-x", Want: []string{"* 3 EXISTS", "a5 OK{{*}}"}},
			{Conn: 1, Send: "a0 LOGIN {{=user}} {{=pass}}", Want: []string{"a0 OK{{*}}"}},
			{Conn: 1, Send: "b1 SELECT {{=prefix}}-x", Want: []string{"b1 OK{{*}}"}},
			{Conn: 1, Send: "b2 EXPUNGE", Want: []string{"* 2 EXPUNGE", "b2 OK{{*}}"}},
			// No EXPUNGE while responding to FETCH, STORE or SEARCH.
			{Send: "a6 FETCH 3 (FLAGS)", Want: []string{"* 3 FETCH {{*}}", "a6 OK{{*}}"}, Not: []string{"* {{n}} EXPUNGE"}},
			{Send: "a7 SEARCH ALL", Want: []string{"a7 OK{{*}}"}, Not: []string{"* {{n}} EXPUNGE"}},
			{Send: "a8 NOOP", Want: []string{"* 2 EXPUNGE", "a8 OK{{*}}"}},
			{Send: "a9 FETCH 2 (FLAGS)", Want: []string{"* 2 FETCH {{*}}", "a9 OK{{*}}"}},
			{Conn: 1, Send: "b3 APPEND {{=prefix}}-x {{lit:plain}}", Want: []string{"b3 OK{{*}}"}},
			{Send: "b4 NOOP", Want: []string{"* 3 EXISTS", "b4 OK{{*}}"}},
			{Send: "b5 CLOSE", Want: []string{"b5 OK{{*}}"}},
			{Conn: 1, Send: "b6 LOGOUT", Want: []string{"b6 OK{{*}}"}},
			{Send: "b7 DELETE {{=prefix}}-x", Want: []string{"b7 OK{{*}}"}},
		},
		Cleanup: []string{"DELETE {{=prefix}}-x"},
	},
	{
		Name:     "idle",
		Ref:      "RFC 9051 §6.3.13",
		Requires: []string{"IDLE"},
		Literals: msgs,
		Steps: []Step{
			login,
			{Send: "a1 CREATE {{=prefix}}-i", Want: []string{"a1 OK{{*}}"}},
			{Send: "a2 SELECT {{=prefix}}-i", Want: []string{"* 0 EXISTS", "a2 OK{{*}}"}},
			{Send: "a3 IDLE", Until: "+{{*}}"},
			{Conn: 1, Send: "a0 LOGIN {{=user}} {{=pass}}", Want: []string{"a0 OK{{*}}"}},
			{Conn: 1, Send: "b1 APPEND {{=prefix}}-i {{lit:plain}}", Want: []string{"b1 OK{{*}}"}},
			{Until: "* 1 EXISTS"},
			{Conn: 1, Send: "b2 SELECT {{=prefix}}-i", Want: []string{"b2 OK{{*}}"}},
			{Conn: 1, Send: `b3 STORE 1 +FLAGS.SILENT (\Flagged)`, Want: []string{"b3 OK{{*}}"}},
			{Until: `* 1 FETCH ({{*}}\Flagged{{*}})`},
			{Conn: 1, Send: `b4 STORE 1 +FLAGS.SILENT (\Deleted)`, Want: []string{"b4 OK{{*}}"}},
			{Conn: 1, Send: "b5 EXPUNGE", Want: []string{"b5 OK{{*}}"}},
			{Until: "* 1 EXPUNGE"},
			{Send: "DONE", Until: "a3 {{*}}", Want: []string{"a3 OK{{*}}"}},
			{Send: "a4 CLOSE", Want: []string{"a4 OK{{*}}"}},
			{Conn: 1, Send: "b6 CLOSE", Want: []string{"b6 OK{{*}}"}},
			{Send: "a5 DELETE {{=prefix}}-i", Want: []string{"a5 OK{{*}}"}},
		},
		Cleanup: []string{"DELETE {{=prefix}}-i"},
	},
	{
		Name:     "list-extended",
		Ref:      "RFC 5258, RFC 5819, RFC 6154",
		Requires: []string{"LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE"},
		Steps: []Step{
			login,
			{Send: "a1 CREATE {{=prefix}}-l", Want: []string{"a1 OK{{*}}"}},
			{Send: "a2 CREATE {{=prefix}}-l/sub", Want: []string{"a2 OK{{*}}"}},
			{Send: `a3 LIST "" ({{=prefix}}-l {{=prefix}}-l/%) RETURN (CHILDREN STATUS (MESSAGES UIDNEXT))`, Want: []string{
				`* LIST ({{*}}\HasChildren{{*}}) "{{s}}" {{=prefix}}-l`,
				"* STATUS {{=prefix}}-l ({{*}}MESSAGES 0{{*}})",
				`* LIST ({{*}}\HasNoChildren{{*}}) "{{s}}" {{=prefix}}-l/sub`,
				"a3 OK{{*}}"}},
			{Send: "a4 SUBSCRIBE {{=prefix}}-l/sub", Want: []string{"a4 OK{{*}}"}},
			{Send: `a5 LIST (SUBSCRIBED) "" {{=prefix}}-*`, Want: []string{`* LIST ({{*}}\Subscribed{{*}}) "{{s}}" {{=prefix}}-l/sub`, "a5 OK{{*}}"}},
			{Send: `a6 LIST (SPECIAL-USE) "" {{=prefix}}-*`, Want: []string{"a6 OK{{*}}"}, Not: []string{"* LIST {{*}}"}},
			{Send: "a7 UNSUBSCRIBE {{=prefix}}-l/sub", Want: []string{"a7 OK{{*}}"}},
			{Send: "a8 DELETE {{=prefix}}-l/sub", Want: []string{"a8 OK{{*}}"}},
			{Send: "a9 DELETE {{=prefix}}-l", Want: []string{"a9 OK{{*}}"}},
		},
		Cleanup: []string{"UNSUBSCRIBE {{=prefix}}-l/sub", "DELETE {{=prefix}}-l/sub", "DELETE {{=prefix}}-l"},
	},
	{
		Name:     "authenticate-plain",
		Ref:      "RFC 9051 §6.2.2; RFC 4616; RFC 4959",
		Requires: []string{"AUTH=PLAIN"},
		Steps: []Step{
			{Send: "a1 AUTHENTICATE PLAIN", Until: "+{{*}}"},
			{Send: "*", Until: "a1 {{*}}", Want: []string{"a1 BAD{{*}}"}},
			{Send: "a2 AUTHENTICATE PLAIN", Until: "+{{*}}"},
			{Send: "{{=plain}}", Until: "a2 {{*}}", Want: []string{"a2 OK{{*}}"}},
			{Send: "a3 SELECT INBOX", Want: []string{"a3 OK{{*}}"}},
		},
	},
	{
		Name:     "authenticate-sasl-ir",
		Ref:      "RFC 4959",
		Requires: []string{"AUTH=PLAIN", "SASL-IR"},
		Steps: []Step{
			{Send: "a1 AUTHENTICATE PLAIN {{=plain}}", Want: []string{"a1 OK{{*}}"}, Not: []string{"+{{*}}"}},
		},
	},
	{
		Name:     "searchres",
		Ref:      "RFC 5182",
		Requires: []string{"SEARCHRES", "UIDPLUS"},
		Literals: msgs,
		Steps: []Step{
			login,
			{Send: "a1 CREATE {{=prefix}}-r", Want: []string{"a1 OK{{*}}"}},
			{Send: "a2 APPEND {{=prefix}}-r {{lit:plain}}", Want: []string{"a2 OK{{*}}"}},
			{Send: `a3 APPEND {{=prefix}}-r (\Flagged) {{lit:plain}}`, Want: []string{"a3 OK [APPENDUID {{n}} {{n:uid}}]{{*}}"}},
			{Send: "a4 SELECT {{=prefix}}-r", Want: []string{"a4 OK{{*}}"}},
			{Send: "a5 UID SEARCH RETURN (SAVE) FLAGGED", Want: []string{"a5 OK{{*}}"}, Not: []string{"* SEARCH{{*}}", "* ESEARCH{{*}}"}},
			{Send: "a6 UID FETCH $ (UID)", Want: []string{"* 2 FETCH (UID {{=uid}})", "a6 OK{{*}}"}},
			{Send: "a7 CHECK", Want: []string{"a7 OK{{*}}"}},
			{Send: "a8 UNSELECT", Want: []string{"a8 OK{{*}}"}},
			{Send: "a9 DELETE {{=prefix}}-r", Want: []string{"a9 OK{{*}}"}},
		},
		Cleanup: []string{"DELETE {{=prefix}}-r"},
	},
	{
		Name: "pipelining",
		Ref:  "RFC 9051 §5.5",
		Steps: []Step{
			login,
			// Three commands in one write; each is answered in order.
			{Send: "p1 NOOP\r\np2 CAPABILITY\r\np3 STATUS INBOX (MESSAGES)", Until: "p3 {{*}}", Want: []string{
				"p1 OK{{*}}", "* CAPABILITY {{*}}", "p2 OK{{*}}", "* STATUS {{*}}", "p3 OK{{*}}"}},
		},
	},
}
