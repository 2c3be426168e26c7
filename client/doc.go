// Package client is an IMAP4rev1 (RFC 3501) and IMAP4rev2 (RFC 9051)
// client.
//
// # Quick start
//
// Connect with implicit TLS, log in, and read the envelopes of a mailbox
// as they arrive:
//
//	ctx := context.Background()
//	c, err := client.Dial(ctx, "imaps://imap.example.com", nil)
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer c.Close()
//	if err := c.Login(ctx, "alice", password); err != nil {
//		log.Fatal(err)
//	}
//	if _, err := c.Select(ctx, "INBOX", nil); err != nil {
//		log.Fatal(err)
//	}
//	f, err := c.Fetch(ctx, seqset.MustParse("1:*"), &client.FetchItems{UID: true, Envelope: true}, nil)
//	if err != nil {
//		log.Fatal(err)
//	}
//	for msg, err := range f.Messages(ctx) {
//		if err != nil {
//			log.Fatal(err)
//		}
//		fmt.Println(msg.UID, msg.Envelope.Subject)
//	}
//	c.Logout(ctx)
//
// For a server on port 143, Dial "imap://host" with Options.RequireTLS:
// Dial then runs STARTTLS itself and refuses to go on in cleartext. The
// guides in the repository's docs folder (TUTORIAL.md, COOKBOOK.md,
// CONCURRENCY.md, SECURITY.md) show the rest, with code that go test
// runs.
//
// # How it works
//
// A Conn is safe for use by several goroutines. Every command method sends
// its command at once, unless RFC 9051 §5.5 says it must wait, and several
// commands may be in flight together (pipelining). One goroutine reads the
// server's responses: it updates the connection state (capabilities, the
// selected Mailbox) and hands each untagged response to the first command
// in flight that claims it; what no command claims goes to the unclaimed
// queue (Conn.Unclaimed) and to Options.Unilateral, which runs on a
// goroutine of its own.
//
// Methods that return a *Command (or a FetchCommand, AppendCommand) return
// as soon as the command is on the wire. Its results can be read while
// they arrive (Responses, FetchCommand.Messages) or all at once (Wait,
// Collect). Large literals — whole messages — can be streamed with
// FetchOptions.Literal, so a mailbox of any size downloads in bounded
// memory.
//
// Claiming is exact: FETCH and STORE claim each message they asked for
// once (the UID forms by the UID the response carries, so an unsolicited
// flag change is never taken for a fetched message), and again only for a
// further response carrying an item they asked for and have not yet
// received for it (a server may split one message's data, RFC 9051
// §7.5.2); STATUS claims its own mailbox, and single-response commands one
// response; two pipelined commands that ask for the same message each get
// their own answer.
//
// Nothing waits for ever: every wait and every write is bounded by its
// context, Close returns promptly in any state, Options.ConnectTimeout
// bounds the dial and greeting, and Options.InactivityTimeout ends a
// connection whose server falls silent while a command awaits it. A
// command whose consumer goes away (a loop left early, a context ended)
// is abandoned: its further responses are dropped as they arrive.
//
// Errors: a NO or BAD completion is a *StatusError carrying the status,
// response code and text; a lost connection (BYE, I/O error, protocol
// error, timeout, Close) ends every command in flight with a *ConnError; a
// command not valid in the current state is a *StateError.
//
// Safety: Login refuses while the server advertises LOGINDISABLED, and
// neither Login nor Authenticate (but for the EXTERNAL and ANONYMOUS
// mechanisms, which carry no secret) sends credentials without TLS
// unless Options.InsecureAuth is set. Options.RequireTLS refuses every
// data command until TLS is up and a cleartext PREAUTH greeting. StartTLS
// refuses to parse bytes received before the TLS handshake. A
// continuation request is only ever taken by the command waiting for one.
// User strings are sent as quoted strings or literals chosen by the codec,
// so they cannot inject protocol syntax. The wire trace (Options.Trace)
// hides credentials.
//
// Extensions plug in through Options.Extensions (see Registry); the base
// protocol's parsers are registered the same way. An extension may adjust
// commands before they are sent (Registry.ModifyCommand), refuse them
// before anything reaches the wire (Registry.CheckCommand, which runs on
// the caller's goroutine once the command may be sent), keep the state
// its responses change through reader-side hooks (Registry.OnUntagged,
// OnCode, OnCompletion, OnContinuation, which run on the reader
// goroutine), and keep per-connection state of its own
// (Registry.SetValue, Conn.Value).
package client
