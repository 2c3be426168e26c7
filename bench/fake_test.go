package bench

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
)

// fakeServer answers one client over one end of a net.Pipe: a greeting,
// LOGIN, SELECT, and then each FETCH, UID FETCH or LIST with a prepared
// Stream (its completion tagged with the client's tag). It exists so that
// clients that only offer a connection-level API (go-imap v2's imapclient)
// can decode exactly the bytes imapkit's codec decodes.
type fakeServer struct {
	conn    net.Conn
	streams map[string]*Stream // by verb: "FETCH", "UID FETCH", "LIST"
	exists  int
}

const fakeCaps = "IMAP4rev1 LITERAL+ AUTH=PLAIN"

// startFake returns the client's end of a pipe served by a fakeServer.
func startFake(tb testing.TB, exists int, streams map[string]*Stream) net.Conn {
	cli, srv := net.Pipe()
	s := &fakeServer{conn: srv, streams: streams, exists: exists}
	go s.serve()
	tb.Cleanup(func() { cli.Close(); srv.Close() })
	return cli
}

func (s *fakeServer) serve() {
	defer s.conn.Close()
	w := bufio.NewWriterSize(s.conn, 64<<10)
	r := bufio.NewReader(s.conn)
	io.WriteString(w, "* OK ["+fakeCaps+"] fake ready\r\n")
	w.Flush()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		tag, rest, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		verb, _, _ := strings.Cut(rest, " ")
		verb = strings.ToUpper(verb)
		if verb == "UID" {
			sub, _, _ := strings.Cut(strings.TrimPrefix(rest[4:], " "), " ")
			verb = "UID " + strings.ToUpper(sub)
		}
		switch verb {
		case "CAPABILITY":
			io.WriteString(w, "* CAPABILITY "+fakeCaps+"\r\n"+tag+" OK done\r\n")
		case "LOGIN":
			io.WriteString(w, tag+" OK [CAPABILITY "+fakeCaps+"] Logged in\r\n")
		case "SELECT", "EXAMINE":
			io.WriteString(w, "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)\r\n"+
				"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded \\*)] Flags permitted.\r\n"+
				"* "+itoa(s.exists)+" EXISTS\r\n* 0 RECENT\r\n"+
				"* OK [UIDVALIDITY 1700000000] UIDs valid\r\n* OK [UIDNEXT "+itoa(s.exists+5000)+"] Predicted next UID\r\n"+
				tag+" OK [READ-WRITE] Select completed.\r\n")
		case "LOGOUT":
			io.WriteString(w, "* BYE Logging out\r\n"+tag+" OK Logout completed.\r\n")
			w.Flush()
			return
		default:
			st, ok := s.streams[verb]
			if !ok {
				io.WriteString(w, tag+" OK "+verb+" done\r\n")
				break
			}
			w.Flush()
			if _, err := s.conn.Write(st.Untagged); err != nil {
				return
			}
			io.WriteString(w, tag)
			io.WriteString(w, st.Completion)
		}
		if err := w.Flush(); err != nil {
			return
		}
	}
}

func itoa(n int) string {
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
