package scripted

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Script is a script written as text, parsed by ParseScript. One step per
// line; blank lines and lines starting with # are ignored; a line is a
// two-character prefix, a space, and its argument:
//
//	S: text      send text + CRLF; ${name} is replaced by a variable, $$ is $
//	S= "bytes"   send exactly these bytes: a Go string literal ("..." with
//	             escapes such as \r\n and \x00, or `...`); no CRLF added
//	C: text      expect the line text + CRLF, byte for byte
//	C> text      expect "<tag> text" + CRLF and capture the tag as ${tag}
//	C~ regexp    expect a line matching regexp (RE2, whole line, CRLF
//	             excluded); named groups (?P<name>...) become variables
//	C= "bytes"   expect exactly these bytes (a Go string literal)
//	C# n         expect a literal's n octets, whatever they are
//	!  word arg  a directive: "! eof" (expect the client to close),
//	             "! drop" (close), "! bye TEXT", "! stall" (until the
//	             test ends), "! sleep 2m" (time.ParseDuration), "! quiet",
//	             "! compress" (StartCompress), "! bad-deflate",
//	             "! stray TEXT" (a "+ TEXT" nobody asked for),
//	             "! unknown-tag [TAG]"
//
// Lines end with LF or CRLF. The text of a line (every form but S= and
// C=) cannot contain a CR: bytes with a CR are written with S= or C=, and
// matched in a C~ regexp as \r.
//
// A transcript in this form reads like the examples of the RFCs:
//
//	S: * OK [CAPABILITY IMAP4rev1 LITERAL+] ready
//	C> LOGIN alice {6+}
//	C= "s3cret\r\n"
//	S: ${tag} OK logged in
type Script struct {
	ops []scriptOp
}

type scriptOp struct {
	line int
	text string // canonical form of the line
	add  func(s *Server, where string)
}

// ScriptError is a syntax error of a script, at a 1-based line.
type ScriptError struct {
	Line int
	Text string // the line
	Msg  string
}

func (e *ScriptError) Error() string {
	return fmt.Sprintf("scripted: script line %d %q: %s", e.Line, e.Text, e.Msg)
}

// Len returns the number of steps of the script.
func (sc *Script) Len() int { return len(sc.ops) }

// String returns the script in canonical form (one step per line, no
// comments); ParseScript of it gives the same script.
func (sc *Script) String() string {
	var b strings.Builder
	for _, op := range sc.ops {
		b.WriteString(op.text)
		b.WriteByte('\n')
	}
	return b.String()
}

// ParseScript parses src (see Script). The first error is returned as a
// *ScriptError naming its line.
func ParseScript(src string) (*Script, error) {
	sc := &Script{}
	for i, line := range strings.Split(src, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		op, msg := parseLine(line)
		if msg != "" {
			return nil, &ScriptError{Line: i + 1, Text: line, Msg: msg}
		}
		op.line = i + 1
		sc.ops = append(sc.ops, op)
	}
	return sc, nil
}

// errBareCR refuses a CR in the text of a line. A line ends at LF, and a
// CR just before the LF belongs to the line ending, so a text that ends
// with CR would print as a line that parses without it; and a bare CR is
// not IMAP text anyway (RFC 9051 §9, TEXT-CHAR). Bytes with CR are
// written with S= and C=, or matched in a C~ regexp as \r.
const errBareCR = `a CR in the text of a line (write it as \r with S=, C= or in a C~ regexp)`

func parseLine(line string) (scriptOp, string) {
	if line[0] == '!' {
		return parseDirective(strings.TrimSpace(line[1:]))
	}
	if len(line) < 2 || (len(line) > 2 && line[2] != ' ') {
		return scriptOp{}, `want a prefix such as "S:", "C>" or "!" and a space`
	}
	prefix, arg := line[:2], ""
	if len(line) > 3 {
		arg = line[3:]
	}
	if prefix != "S=" && prefix != "C=" && strings.ContainsRune(arg, '\r') {
		return scriptOp{}, errBareCR
	}
	switch prefix {
	case "S:":
		return scriptOp{text: "S: " + arg, add: func(s *Server, w string) { s.addSendTemplate(arg+crlf, w) }}, ""
	case "S=":
		b, msg := unquote(arg)
		if msg != "" {
			return scriptOp{}, msg
		}
		return scriptOp{text: "S= " + strconv.Quote(b), add: func(s *Server, w string) {
			s.addSend("Send "+excerpt([]byte(b)), w, func(*session) []byte { return []byte(b) }, 0)
		}}, ""
	case "C:":
		return scriptOp{text: "C: " + arg, add: func(s *Server, w string) {
			s.expectBytes("Expect "+strconv.Quote(arg), w, arg+crlf, true)
		}}, ""
	case "C>":
		if arg == "" {
			return scriptOp{}, "C> needs the command after the tag"
		}
		return scriptOp{text: "C> " + arg, add: func(s *Server, w string) { s.addExpectCmd(arg, w) }}, ""
	case "C~":
		rx, err := regexp.Compile(`^(?:` + arg + `)$`)
		if err != nil {
			return scriptOp{}, err.Error()
		}
		return scriptOp{text: "C~ " + arg, add: func(s *Server, w string) { s.addMatch(rx, arg, w) }}, ""
	case "C=":
		b, msg := unquote(arg)
		if msg != "" {
			return scriptOp{}, msg
		}
		if b == "" {
			return scriptOp{}, "C= needs at least one byte"
		}
		return scriptOp{text: "C= " + strconv.Quote(b), add: func(s *Server, w string) {
			s.expectBytes("ExpectBytes "+excerpt([]byte(b)), w, b, false)
		}}, ""
	case "C#":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 {
			return scriptOp{}, "C# needs a number of octets"
		}
		return scriptOp{text: "C# " + strconv.Itoa(n), add: func(s *Server, w string) { s.addLiteral(n, w) }}, ""
	}
	return scriptOp{}, fmt.Sprintf("unknown prefix %q", prefix)
}

func parseDirective(d string) (scriptOp, string) {
	word, arg, _ := strings.Cut(d, " ")
	arg = strings.TrimSpace(arg)
	if strings.ContainsRune(arg, '\r') {
		return scriptOp{}, errBareCR
	}
	noArg := func(f func(*Server, string)) (scriptOp, string) {
		if arg != "" {
			return scriptOp{}, fmt.Sprintf("! %s takes no argument", word)
		}
		return scriptOp{text: "! " + word, add: f}, ""
	}
	withArg := func(f func(*Server, string)) (scriptOp, string) {
		text := "! " + word
		if arg != "" {
			text += " " + arg
		}
		return scriptOp{text: text, add: f}, ""
	}
	switch word {
	case "eof":
		return noArg(func(s *Server, w string) { s.addAt(w, s.ExpectEOF) })
	case "drop":
		return noArg(func(s *Server, w string) { s.addAt(w, s.Drop) })
	case "stall":
		return noArg(func(s *Server, w string) { s.addAt(w, s.StallForever) })
	case "quiet":
		return noArg(func(s *Server, w string) { s.addAt(w, s.Quiet) })
	case "compress":
		return noArg(func(s *Server, w string) { s.addAt(w, s.StartCompress) })
	case "bad-deflate":
		return noArg(func(s *Server, w string) { s.addAt(w, s.BadDeflate) })
	case "bye":
		return withArg(func(s *Server, w string) { s.addAt(w, func() { s.Bye(arg) }) })
	case "stray":
		return withArg(func(s *Server, w string) { s.addAt(w, func() { s.StrayContinuation(arg) }) })
	case "unknown-tag":
		if strings.Contains(arg, " ") || (arg != "" && !validTag(arg)) {
			return scriptOp{}, "! unknown-tag takes one tag"
		}
		return withArg(func(s *Server, w string) { s.addAt(w, func() { s.UnknownTag(arg) }) })
	case "sleep":
		d, err := time.ParseDuration(arg)
		if err != nil || d < 0 {
			return scriptOp{}, "! sleep needs a duration such as 30s"
		}
		return scriptOp{text: "! sleep " + d.String(), add: func(s *Server, w string) { s.addAt(w, func() { s.Sleep(d) }) }}, ""
	}
	return scriptOp{}, fmt.Sprintf("unknown directive %q", word)
}

// unquote reads a Go string literal that is the whole argument.
func unquote(arg string) (string, string) {
	b, err := strconv.Unquote(arg)
	if err != nil {
		return "", `want a Go string literal such as "a\r\n"`
	}
	return b, ""
}

// addAt runs add (which adds steps) and gives those steps the location
// where instead of the one the methods record.
func (s *Server) addAt(where string, add func()) {
	s.mu.Lock()
	s.collect = &[]*step{}
	s.mu.Unlock()
	add()
	s.mu.Lock()
	steps := *s.collect
	s.collect = nil
	s.mu.Unlock()
	for _, st := range steps {
		st.where = where
		s.add(st)
	}
}

func (s *Server) addSendTemplate(template, where string) {
	s.addSend("Send "+excerpt([]byte(template)), where, func(ss *session) []byte {
		return []byte(expand(template, ss.getVar))
	}, 0)
}

// Run adds the steps of sc to the script, in order. Their location in
// messages is the caller's line and the script's line.
func (s *Server) Run(sc *Script) {
	where := caller(0)
	for _, op := range sc.ops {
		op.add(s, fmt.Sprintf("%s, script line %d", where, op.line))
	}
}

// Script parses src (see Script) and adds its steps; a syntax error is
// reported to the TB (Errorf) and adds nothing.
func (s *Server) Script(src string) {
	s.tb.Helper()
	sc, err := ParseScript(src)
	if err != nil {
		s.tb.Errorf("%v", err)
		return
	}
	where := caller(0)
	for _, op := range sc.ops {
		op.add(s, fmt.Sprintf("%s, script line %d", where, op.line))
	}
}
