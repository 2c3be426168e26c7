package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// decodeCommand decodes one command line (with its literals).
func decodeCommand(t *testing.T, in string) *wire.Command {
	t.Helper()
	d := NewCommandDecoder(strings.NewReader(in), nil)
	cmd, err := d.ReadCommand(nil)
	if err != nil {
		t.Fatalf("ReadCommand(%q): %v", in, err)
	}
	return cmd
}

// encodeCommand writes cmd as the client encoder does.
func encodeCommand(t *testing.T, cmd *wire.Command) string {
	t.Helper()
	var b bytes.Buffer
	if err := NewEncoder(&b, nil).WriteCommand(cmd, func() error { return nil }); err != nil {
		t.Fatalf("WriteCommand(%+v): %v", cmd, err)
	}
	return b.String()
}

// TestTypedCommandsRoundTrip: each command decodes into its typed form
// and encodes back to the same bytes.
func TestTypedCommandsRoundTrip(t *testing.T) {
	tests := []struct {
		in    string
		check func(c any) bool
	}{
		{"A1 SELECT INBOX\r\n", func(c any) bool { s := c.(*SelectCommand); return s.Mailbox == "INBOX" && !s.Examine }},
		{"A2 EXAMINE \"Sent Items\" (CONDSTORE)\r\n", func(c any) bool {
			s := c.(*SelectCommand)
			return s.Examine && s.CondStore && s.Mailbox == "Sent Items"
		}},
		{"A3 SELECT Archive (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1,5,9 41,52,60)))\r\n", func(c any) bool {
			q := c.(*SelectCommand).QResync
			return q != nil && q.UIDValidity == 67890007 && q.ModSeq == 20050715194045000 &&
				q.KnownUIDs.Contains(214) && q.KnownSeqs.Contains(5) && q.MatchUIDs.Contains(60)
		}},
		{"A4 SELECT m (CONDSTORE X-FOO (1 2) X-BAR)\r\n", func(c any) bool { return len(c.(*SelectCommand).Other) == 3 }},
		{"A5 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100> BINARY.SIZE[1] BODY[] RFC822.SIZE X-GM-LABELS BINARY.PEEK[1.2]) (CHANGEDSINCE 12345 VANISHED)\r\n", func(c any) bool {
			f := c.(*FetchCommand)
			it := f.Items
			return f.UID && len(it) == 7 && it[1].Name == "BODY" && it[1].Peek && it[1].Section.Specifier == wire.SectionHeaderFields &&
				len(it[1].Section.Fields) == 2 && it[1].HasPartial && it[1].Count == 100 && it[2].Name == "BINARY.SIZE" &&
				it[3].HasSection && !it[3].Peek && it[5].Name == "X-GM-LABELS" && it[6].Peek && f.ChangedSince == 12345 && f.Vanished
		}},
		{"A6 FETCH 2:4 ALL\r\n", func(c any) bool { return c.(*FetchCommand).Macro == "ALL" }},
		{"A7 FETCH 1 BODY[1.2.MIME]\r\n", func(c any) bool {
			it := c.(*FetchCommand).Items
			return len(it) == 1 && it[0].Section.Specifier == wire.SectionMIME && len(it[0].Section.Part) == 2
		}},
		{"A8 UID SEARCH RETURN (MIN COUNT PARTIAL 1:100) CHARSET UTF-8 OR (FROM alice SINCE 1-Feb-1994) SEEN NOT (HEADER X-Spam yes) 1:5,7 UID 10:* LARGER 1000 KEYWORD $Forwarded MODSEQ \"/flags/$Junk\" all 620162338 SUBJECT {5}\r\ncaf\xc3\xa9 UNSEEN\r\n", func(c any) bool {
			s := c.(*SearchCommand)
			k := s.Keys
			return s.UID && len(s.Return) == 3 && s.Return[2].HasValue && s.Charset == "UTF-8" && len(k) == 9 &&
				k[0].Name == "OR" && k[0].Keys[0].Name == "AND" && k[0].Keys[0].Keys[1].Date.Equal(time.Date(1994, 2, 1, 0, 0, 0, 0, time.UTC)) &&
				k[1].Name == "NOT" && k[1].Keys[0].Keys[0].Str2 == "yes" && k[2].Name == "SEQ" && k[2].Set.Contains(7) &&
				k[3].Name == "UID" && k[4].Num == 1000 && k[5].Str == "$Forwarded" && k[6].Str == "/flags/$Junk" && k[6].Str2 == "all" &&
				k[6].Num == 620162338 && k[7].Str == "café" && k[8].Name == "UNSEEN"
		}},
		{"A9 SEARCH 5 OLDER 3600 EMAILID M6d99ac3275bb4e\r\n", func(c any) bool {
			k := c.(*SearchCommand).Keys
			return len(k) == 3 && k[0].Name == "SEQ" && k[1].Num == 3600 && k[2].Str == "M6d99ac3275bb4e"
		}},
		{"A10 UID STORE 1:3 (UNCHANGEDSINCE 200) +FLAGS.SILENT (\\Seen $Forwarded)\r\n", func(c any) bool {
			s := c.(*StoreCommand)
			return s.UID && s.HasUnchangedSince && s.UnchangedSince == 200 && s.Op == '+' && s.Silent && len(s.Flags) == 2
		}},
		{"A11 STORE 2 -FLAGS \\Deleted\r\n", func(c any) bool { s := c.(*StoreCommand); return s.Op == '-' && !s.FlagList }},
		{"A12 STORE 1 FLAGS ()\r\n", func(c any) bool { s := c.(*StoreCommand); return s.FlagList && len(s.Flags) == 0 }},
		{"A13 APPEND Drafts (\\Draft) \"17-Jul-1996 02:44:25 -0700\" {5}\r\nhello\r\n", func(c any) bool {
			a := c.(*AppendCommand)
			m := a.Messages[0]
			return a.Mailbox == "Drafts" && len(a.Messages) == 1 && m.Flags[0] == `\Draft` && m.Date.Year() == 1996 && m.Data.Str == "hello"
		}},
		{"A14 APPEND INBOX {3}\r\nabc (\\Seen) {2}\r\nhi\r\n", func(c any) bool {
			a := c.(*AppendCommand)
			return len(a.Messages) == 2 && !a.Messages[0].HasFlags && a.Messages[1].Data.Str == "hi"
		}},
		{"A15 LIST \"\" %\r\n", func(c any) bool { l := c.(*ListCommand); return l.Reference == "" && l.Patterns[0] == "%" }},
		{"A16 LIST (SUBSCRIBED REMOTE) \"\" (INBOX Drafts Sent/%) RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n", func(c any) bool {
			l := c.(*ListCommand)
			return len(l.Selection) == 2 && len(l.Patterns) == 3 && l.Return[0] == "CHILDREN" && len(l.ReturnStatus) == 2
		}},
		{"A17 LSUB \"\" *\r\n", func(c any) bool { return c.(*ListCommand).LSub }},
		{"A18 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n", func(c any) bool { return len(c.(*StatusCommand).Items) == 2 }},
		{"A19 STATUS &AOk-t&AOk- (MESSAGES)\r\n", func(c any) bool { return c.(*StatusCommand).Mailbox == "été" }},
	}
	for _, tt := range tests {
		cmd := decodeCommand(t, tt.in)
		c, err := ParseCommand(cmd, false)
		if err != nil || c == nil {
			t.Errorf("ParseCommand(%q) = %v, %v", tt.in, c, err)
			continue
		}
		if !tt.check(c) {
			t.Errorf("ParseCommand(%q) = %+v", tt.in, c)
		}
		var back *wire.Command
		switch c := c.(type) {
		case *SelectCommand:
			back, err = c.Command(cmd.Tag, false)
		case *FetchCommand:
			back, err = c.Command(cmd.Tag)
		case *SearchCommand:
			back, err = c.Command(cmd.Tag)
		case *StoreCommand:
			back, err = c.Command(cmd.Tag)
		case *AppendCommand:
			back, err = c.Command(cmd.Tag, false)
		case *ListCommand:
			back, err = c.Command(cmd.Tag, false)
		case *StatusCommand:
			back, err = c.Command(cmd.Tag, false)
		}
		if err != nil {
			t.Errorf("%T.Command: %v", c, err)
			continue
		}
		if got := encodeCommand(t, back); got != tt.in {
			t.Errorf("round trip of %q gave %q", tt.in, got)
		}
		// Parsing what the encoder wrote gives the same typed command.
		again, err := ParseCommand(decodeCommand(t, tt.in), false)
		if err != nil || !cmp.Equal(c, again, cmp.Comparer(func(a, b seqset.Set) bool { return a.Equal(b) })) {
			t.Errorf("second parse of %q differs: %v", tt.in, err)
		}
	}
}

// TestTypedCommandsUTF8: mailbox names are UTF-8 when UTF8=ACCEPT is on.
func TestTypedCommandsUTF8(t *testing.T) {
	cmd := decodeCommand(t, "A1 SELECT \"caf\xc3\xa9\"\r\n")
	c, err := ParseSelect(cmd, true)
	if err != nil || c.Mailbox != "café" {
		t.Fatalf("ParseSelect = %+v, %v", c, err)
	}
	back, _ := c.Command("A1", true)
	var b bytes.Buffer
	if err := NewEncoder(&b, &EncoderOptions{UTF8: true}).WriteCommand(back, nil); err != nil || b.String() != "A1 SELECT \"caf\xc3\xa9\"\r\n" {
		t.Errorf("encoded %q, %v", b.String(), err)
	}
	// In modified UTF-7 mode the same bytes are not a valid name.
	if _, err := ParseSelect(decodeCommand(t, "A1 SELECT &Jjo\r\n"), false); err == nil {
		t.Error("invalid modified UTF-7 accepted")
	}
}

// TestTypedCommandErrors: arguments off the grammar give a
// *CommandError naming the argument.
func TestTypedCommandErrors(t *testing.T) {
	tests := []struct {
		in   string
		arg  int
		want string
	}{
		{"A1 SELECT\r\n", 1, "mailbox"},
		{"A1 SELECT INBOX (QRESYNC (0 1))\r\n", 2, "QRESYNC"},
		{"A1 SELECT INBOX extra\r\n", 2, "select-params"},
		{"A1 FETCH x FLAGS\r\n", 1, "sequence-set"},
		{"A1 FETCH 1 BODY[FOO]\r\n", 2, "fetch-att"},
		{"A1 FETCH 1 BODY.PEEK\r\n", 2, "fetch-att"},
		{"A1 FETCH 1 (FLAGS \"x\")\r\n", 2, "fetch-att"},
		{"A1 FETCH 1 BODY[]<1>\r\n", 2, "fetch-att"},
		{"A1 FETCH 1 FLAGS (CHANGEDSINCE 0)\r\n", 3, "mod-sequence-value"},
		{"A1 SEARCH\r\n", 1, "search-key"},
		{"A1 SEARCH FROM\r\n", 2, "astring"},
		{"A1 SEARCH SINCE 31-Feb-2024\r\n", 2, "date"},
		{"A1 SEARCH OR SEEN\r\n", 3, "search-key"},
		{"A1 SEARCH BOGUS\r\n", 1, "search-key"},
		{"A1 SEARCH (SEEN BOGUS)\r\n", 1, "search-key"},
		{"A1 SEARCH YOUNGER 0\r\n", 2, "nz-number"},
		{"A1 STORE 1 FLAGS.LOUD (\\Seen)\r\n", 2, "store-att-flags"},
		{"A1 STORE 1 +FLAGS\r\n", 3, "flag"},
		{"A1 STORE 1 FLAGS (\"x\")\r\n", 3, "flag"},
		{"A1 APPEND INBOX (\\Seen) \"bad date\" {1}\r\nx\r\n", 3, "date-time"},
		{"A1 APPEND INBOX (\\Seen)\r\n", 3, "literal"},
		{"A1 LIST \"\" % FOO (X)\r\n", 3, `"RETURN"`},
		{"A1 STATUS INBOX ()\r\n", 2, "status-att"},
		{"A1 STATUS INBOX (MESSAGES) x\r\n", 3, "end of command"},
	}
	for _, tt := range tests {
		_, err := ParseCommand(decodeCommand(t, tt.in), false)
		var ce *CommandError
		if !errors.As(err, &ce) || ce.Arg != tt.arg || !strings.Contains(ce.Expected, tt.want) {
			t.Errorf("ParseCommand(%q) = %v; want argument %d expecting %s", tt.in, err, tt.arg, tt.want)
		}
	}
	if c, err := ParseCommand(&wire.Command{Tag: "A1", Name: "NOOP"}, false); c != nil || err != nil {
		t.Errorf("NOOP = %v, %v; want nil, nil", c, err)
	}
}

// FuzzTypedCommand: a typed command that parses encodes to a command
// that parses to the same typed command, and nothing panics.
func FuzzTypedCommand(f *testing.F) {
	for _, s := range []string{
		"A1 SELECT INBOX (QRESYNC (1 2 1:5 (1,3 4,6)))\r\n",
		"A2 UID FETCH 1:* (FLAGS BODY.PEEK[1.HEADER.FIELDS (A B)]<0.9>) (CHANGEDSINCE 3 VANISHED)\r\n",
		"A3 SEARCH RETURN (MIN PARTIAL 1:5) CHARSET UTF-8 OR NOT (SEEN FROM a) UID 1:* HEADER x {1}\r\ny MODSEQ \"/flags/a\" all 5\r\n",
		"A4 STORE 1 (UNCHANGEDSINCE 0) -FLAGS.SILENT \\Seen a[\r\n",
		"A5 APPEND m (\\Seen) \" 1-Jan-2024 00:00:00 +0000\" {1}\r\nx ~{1}\r\ny\r\n",
		"A6 LIST (SUBSCRIBED) \"\" (a% *) RETURN (STATUS (MESSAGES))\r\n",
		"A7 STATUS &AOk- (UNSEEN)\r\n",
	} {
		f.Add([]byte(s))
	}
	setEq := cmp.Comparer(func(a, b seqset.Set) bool { return a.Equal(b) })
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewCommandDecoder(bytes.NewReader(in), &DecoderOptions{MaxLineLength: 4096, MaxLiteralSize: 1 << 16, MaxDepth: 16, MaxListItems: 1000})
		for i := 0; i < 20; i++ {
			cmd, err := d.ReadCommand(nil)
			if err != nil {
				if _, ok := err.(*SyntaxError); ok {
					continue
				}
				return
			}
			for _, utf8 := range []bool{false, true} {
				c, err := ParseCommand(cmd, utf8)
				if err != nil || c == nil {
					continue
				}
				var back *wire.Command
				switch c := c.(type) {
				case *SelectCommand:
					back, err = c.Command(cmd.Tag, utf8)
				case *FetchCommand:
					back, err = c.Command(cmd.Tag)
				case *SearchCommand:
					back, err = c.Command(cmd.Tag)
				case *StoreCommand:
					back, err = c.Command(cmd.Tag)
				case *AppendCommand:
					back, err = c.Command(cmd.Tag, utf8)
				case *ListCommand:
					back, err = c.Command(cmd.Tag, utf8)
				case *StatusCommand:
					back, err = c.Command(cmd.Tag, utf8)
				}
				if err != nil {
					continue // e.g. a name that has no modified UTF-7
				}
				var b bytes.Buffer
				if err := NewEncoder(&b, &EncoderOptions{UTF8: utf8, Binary: true}).WriteCommand(back, func() error { return nil }); err != nil {
					continue // e.g. an atom the encoder does not send
				}
				again, err := NewCommandDecoder(&b, nil).ReadCommand(nil)
				if err != nil {
					t.Fatalf("%q encoded as %q does not decode: %v", in, b.String(), err)
				}
				c2, err := ParseCommand(again, utf8)
				if err != nil {
					t.Fatalf("%q encoded as %q does not parse: %v", in, b.String(), err)
				}
				// A literal holding NUL goes out as a literal8 (RFC 3516).
				if diff := cmp.Diff(c, c2, setEq, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(wire.Value{}, "Form")); diff != "" {
					t.Fatalf("%q encoded as %q parses differently:\n%s", in, b.String(), diff)
				}
			}
		}
	})
}
