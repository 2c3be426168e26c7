// Package scripted is a scripted IMAP server for tests: it expects the
// client's bytes and answers with bytes written in the script, and it
// injects the faults a real server cannot be made to produce. It uses the
// standard library only, so any module's tests may import it.
//
// # Scripts
//
// A Server runs a script: a queue of steps, executed in order on a
// goroutine of its own while the test drives its client. The test may
// add steps at any time (before the client connects, or while it runs);
// each method that adds a step returns at once. Wait blocks until every
// step added so far has run.
//
//	s := scripted.New(t, nil)            // a net.Pipe; s.Client() is the client's end
//	s.SendLine("* OK ready")             // bytes to the client, CRLF appended
//	s.ExpectCmd("LOGIN alice secret")    // "<tag> LOGIN alice secret" CRLF; the tag is captured
//	s.Reply("OK logged in")              // "<tag> OK logged in" CRLF
//	c := myclient.New(s.Client())
//	...
//	s.Wait()                             // the script ran to its end
//
// Expectations are byte for byte: Expect compares a whole line (its CRLF
// included), ExpectBytes any bytes, ExpectLiteral reads the n octets of a
// literal; ExpectCmd and ExpectMatch capture the command tag and the
// named groups of a regular expression into variables (Var) that Reply
// and the text form of scripts reuse. The same steps can be written as
// text (Server.Script, ParseScript), which is what third-party test
// fixtures usually want:
//
//	S: * OK ready
//	C> LOGIN alice secret
//	S: ${tag} OK logged in
//
// Where the order of the client's commands is not fixed (commands sent
// from several goroutines, a loop of IDLE and interruptions), Respond
// answers each line with a function, as a small server would.
//
// # Faults
//
// Beside plain bytes a script can drop the connection in the middle of a
// literal (DropMidLiteral), stall until the test releases it or for ever
// (Stall, StallForever), stop reading what the client writes
// (StopReading, ResumeReading), send BYE in the middle of a command (Bye), send
// bytes after the OK of STARTTLS before any TLS (GarbageAfterSTARTTLS),
// a stray continuation request or an unknown tag (StrayContinuation,
// UnknownTag), a line that never ends (EndlessLine), a literal of ten
// gigabytes (LiteralBomb), lists nested deeper than any parser allows
// (DeepNesting), and invalid compressed data after COMPRESS=DEFLATE
// (StartCompress, BadDeflate). Every send can be cut into writes of a few
// bytes or one byte at a time (Options.WriteChunk, SendChunked). StartTLS
// runs a real TLS handshake (crypto/tls) on the connection, so STARTTLS
// itself can be scripted, and TLSConnectionState then shows the server's
// side of the channel (for channel binding); SelfSignedTLS makes the
// certificate and the client configuration that trusts it.
//
// # Mismatches and the end of the test
//
// A step that fails (the client sent other bytes, closed the connection,
// or the step timed out) is reported through the TB given to New, naming
// the step's number, what it was, the file and line that added it, and
// the bytes expected and received, with the offset of the first byte that
// differs. The server then closes the connection, so the client sees the
// failure too, and runs no further steps.
//
// When the test ends (TB.Cleanup) the server processes what the client
// has already sent, closes the connection and waits for its goroutines to
// end. A step still waiting for the client at that moment is reported as
// unfinished, unless the script is in a stall.
//
// # Timing and testing/synctest
//
// The server uses no timer unless Options.Timeout is set, or the script
// contains Sleep or QuietFor. Inside a testing/synctest bubble (create the
// Server inside the bubble) it runs on net.Pipe, its goroutines end with
// the test, and a client that hangs shows up as the bubble's deadlock
// instead of a timeout; Sleep then advances the bubble's fake clock.
// Outside synctest, set Options.Timeout so that a silent client fails the
// step instead of hanging the test.
//
// Over net.Pipe a write returns only once the client has read the bytes.
// Send does not wait for that (the bytes are queued and written in order
// by a writer goroutine, so that a client writing a command while the
// server writes never deadlocks); SendWait does.
package scripted
