package memserver

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// pipeConn is a connection whose reads come from a script and whose
// writes are discarded: the command loop runs to the script's end.
type pipeConn struct {
	r *bytes.Reader
}

func (c *pipeConn) Read(p []byte) (int, error) {
	// Hand out small pieces so that commands straddle reads.
	if len(p) > 7 {
		p = p[:7]
	}
	return c.r.Read(p)
}
func (c *pipeConn) Write(p []byte) (int, error)      { return len(p), nil }
func (c *pipeConn) Close() error                     { return nil }
func (c *pipeConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 143} }
func (c *pipeConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5000} }
func (c *pipeConn) SetDeadline(time.Time) error      { return nil }
func (c *pipeConn) SetReadDeadline(time.Time) error  { return nil }
func (c *pipeConn) SetWriteDeadline(time.Time) error { return nil }

var fuzzSeeds = []string{
	"a LOGIN alice \"secret pass\"\r\nb SELECT INBOX\r\nc FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.10> BODYSTRUCTURE ENVELOPE BINARY[2] BINARY.SIZE[1])\r\nd LOGOUT\r\n",
	"a LOGIN alice \"secret pass\"\r\nb SELECT INBOX (CONDSTORE)\r\nc UID SEARCH RETURN (MIN MAX COUNT SAVE) OR (FROM bob NOT SEEN) MODSEQ 1 LARGER 5\r\nd UID FETCH $ (UID MODSEQ) (CHANGEDSINCE 1)\r\ne STORE 1:* (UNCHANGEDSINCE 3) +FLAGS (\\Seen $x)\r\nf EXPUNGE\r\n",
	"a AUTHENTICATE PLAIN\r\nAGFsaWNlAHNlY3JldCBwYXNz\r\nb LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (* %) RETURN (CHILDREN STATUS (MESSAGES SIZE))\r\nc CREATE a/b/c\r\nd RENAME a x\r\ne DELETE x\r\n",
	"a LOGIN alice \"secret pass\"\r\nb APPEND INBOX (\\Seen) \" 1-Jan-2024 00:00:00 +0000\" {20+}\r\nSubject: x\r\n\r\nbody\r\n\r\nc IDLE\r\nDONE\r\nd SELECT INBOX\r\ne MOVE 1:* Trash\r\nf COPY 1 INBOX\r\n",
	"a LOGIN alice \"secret pass\"\r\nb ENABLE IMAP4rev2 CONDSTORE UTF8=ACCEPT\r\nc SELECT INBOX\r\nd SEARCH ALL\r\ne FETCH * (BODY[3.1.TEXT] BODY[3.HEADER] BODY[2.MIME] RFC822.HEADER RFC822.TEXT)\r\nf UID EXPUNGE 1:*\r\n",
	"a LOGIN {5}\r\nalice {11}\r\nsecret pass\r\nb STATUS INBOX (MESSAGES UIDNEXT UNSEEN DELETED SIZE HIGHESTMODSEQ)\r\nc NAMESPACE\r\nd ID (\"name\" \"x\")\r\ne COMPRESS DEFLATE\r\n",
	"* x\r\n+\r\na (\r\na FETCH ((((((((((\r\n)\r\nz \"unterminated\r\n~{3}\r\n",
}

func fuzzServer() *Server {
	srv := New(&Options{MaxLineLength: 4096, MaxLiteralSize: 1 << 16, IdleTimeout: -1})
	srv.AddUser(testUser, testPass)
	multipart := "Subject: parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\n--b--\r\n"
	srv.Seed(testUser, "INBOX", Message{Raw: testMessage("a")}, Message{Raw: []byte(multipart)}, Message{Raw: []byte(multipart), Flags: []string{`\Deleted`}})
	srv.CreateMailbox(testUser, "Trash", `\Trash`)
	return srv
}

// FuzzCommandLoop feeds arbitrary client bytes to a session: it must
// neither panic nor hang. Interesting inputs are kept in
// testdata/fuzz/FuzzCommandLoop.
func FuzzCommandLoop(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		srv := fuzzServer()
		srv.ServeConn(&pipeConn{r: bytes.NewReader(in)})
		srv.Close()
	})
}

// TestFuzzCorpusKept checks that the saved corpus exists, so that a
// crasher found once stays a regression test.
func TestFuzzCorpusKept(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzCommandLoop", "*"))
	if len(files) == 0 {
		t.Fatal("no saved inputs in testdata/fuzz/FuzzCommandLoop")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("go test fuzz v1")) {
			t.Errorf("%s is not a fuzz corpus file", f)
		}
	}
	_ = io.EOF
}
