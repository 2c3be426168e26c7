package clientsuite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Scenarios returns every scenario of the suite, in report order.
func Scenarios() []Scenario {
	return []Scenario{
		{Name: "capabilities", Doc: "IMAP4rev1/IMAP4rev2 advertised; the server's known profile (Target.Expect/Lacks) holds", Run: scCapabilities},
		{Name: "login-failure", Doc: "a wrong password is a NO, and the connection still logs in with the right one", Run: scLoginFailure},
		{Name: "login-utf8-password", Doc: "LOGIN with a non-ASCII password (quoted string or literal, never an atom)", Run: scLoginUTF8},
		{Name: "starttls", Doc: "STARTTLS, certificate verified, then LOGIN and LIST", NeedsPre: []string{"STARTTLS"}, Run: scStartTLS},
		{Name: "implicit-tls", Doc: "TLS from the first byte (port 993 style), LOGIN, NOOP", Run: scImplicitTLS},
		{Name: "list-inbox", Doc: `LIST "" "*" and LIST "" INBOX name INBOX; delimiters agree`, Run: scListInbox},
		{Name: "mailbox-lifecycle", Doc: "CREATE, LIST, RENAME, SUBSCRIBE, LSUB, DELETE", Run: scMailboxLifecycle},
		{Name: "mailbox-utf8-name", Doc: "a non-ASCII mailbox name survives CREATE, LIST and STATUS (modified UTF-7)", Run: scMailboxUTF8},
		{Name: "append-status-select", Doc: "APPEND with flags and date; STATUS and SELECT agree on counts and UIDVALIDITY", Run: scAppendStatusSelect},
		{Name: "appenduid", Doc: "APPEND returns APPENDUID and the UID fetches the message", Needs: []string{"UIDPLUS"}, Run: scAppendUID},
		{Name: "fetch-attributes", Doc: "UID, FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE of appended messages", Run: scFetchAttributes},
		{Name: "fetch-sections", Doc: "BODY.PEEK[], [HEADER], [TEXT], [HEADER.FIELDS (SUBJECT)], partial <0.10>; \\Seen untouched", Run: scFetchSections},
		{Name: "fetch-sets-seen", Doc: "BODY[TEXT] (not PEEK) sets \\Seen", Run: scFetchSetsSeen},
		{Name: "bodystructure", Doc: "BODYSTRUCTURE of multipart/alternative, and BODY[2] of its HTML part", Run: scBodyStructure},
		{Name: "large-literal", Doc: "a 1 MiB message goes up and comes back byte for byte", Run: scLargeLiteral},
		{Name: "store-flags", Doc: "+FLAGS, -FLAGS, FLAGS with system flags (and a keyword when \\* is permanent)", Run: scStoreFlags},
		{Name: "examine-read-only", Doc: "EXAMINE reports read-only and STORE there fails", Run: scExamine},
		{Name: "search", Doc: "UID SEARCH by SUBJECT, BODY, FLAGGED, NOT SEEN, UID set, LARGER", Run: scSearch},
		{Name: "copy", Doc: "UID COPY to another mailbox (with COPYUID when UIDPLUS)", Run: scCopy},
		{Name: "expunge", Doc: "EXPUNGE of messages 2 and 4 of 5: renumbering reported right, the right messages remain", Run: scExpunge},
		{Name: "close-expunges", Doc: "CLOSE expunges \\Deleted messages silently", Run: scClose},
		{Name: "uid-expunge", Doc: "UID EXPUNGE removes only the UIDs given (RFC 4315)", Needs: []string{"UIDPLUS"}, Run: scUIDExpunge},
		{Name: "move", Doc: "UID MOVE (RFC 6851), with COPYUID when UIDPLUS", Needs: []string{"MOVE"}, Run: scMove},
		{Name: "expunge-other-session", Doc: "another session's EXPUNGE reaches a NOOP here", Run: scOtherSessionExpunge},
		{Name: "idle-push", Doc: "IDLE receives the EXISTS of another session's APPEND", Needs: []string{"IDLE"}, Run: scIdle},
		{Name: "condstore", Doc: "SELECT (CONDSTORE) gives HIGHESTMODSEQ; STORE raises the message's MODSEQ", Needs: []string{"CONDSTORE"}, Run: scCondStore},
		{Name: "qresync", Doc: "SELECT (QRESYNC) in a new session reports the expunge and the flag change of another since a saved HIGHESTMODSEQ", Needs: []string{"QRESYNC"}, Run: scQResync},
		{Name: "esearch", Doc: "UID SEARCH RETURN (MIN MAX COUNT ALL)", Needs: []string{"ESEARCH"}, Run: scESearch},
		{Name: "namespace", Doc: "NAMESPACE's personal delimiter matches LIST's", Needs: []string{"NAMESPACE"}, Run: scNamespace},
		{Name: "special-use", Doc: "LIST RETURN (SPECIAL-USE) marks the Sent and Trash folders", Needs: []string{"SPECIAL-USE", "LIST-EXTENDED"}, Run: scSpecialUse},
		{Name: "compress", Doc: "COMPRESS DEFLATE, then SELECT and a 200 KiB FETCH through it", Needs: []string{"COMPRESS=DEFLATE"}, Run: scCompress},
	}
}

// ---------------------------------------------------------------------------
// helpers

var testDate = time.Date(2024, 3, 5, 10, 11, 12, 0, time.FixedZone("", 3600))

// message returns a small RFC 5322 message numbered i with body.
func message(i int, body string) []byte {
	return []byte(fmt.Sprintf("From: Sender %d <sender%d@example.com>\r\n"+
		"To: Rcpt <rcpt@example.org>\r\n"+
		"Subject: clientsuite message %d\r\n"+
		"Date: Tue, 05 Mar 2024 10:11:12 +0100\r\n"+
		"Message-ID: <cs%d@example.com>\r\n"+
		"MIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=us-ascii\r\n"+
		"Content-Transfer-Encoding: 7bit\r\n"+
		"\r\n%s\r\n", i, i, i, i, body))
}

func splitMessage(m []byte) (header, text []byte) {
	i := bytes.Index(m, []byte("\r\n\r\n"))
	return m[:i+4], m[i+4:]
}

// filled creates a mailbox holding n messages (message(i, "body i")),
// message i flagged with flags(i), and selects it. It returns the name,
// the messages and their UIDs in order.
func filled(ctx context.Context, e *Env, c Client, base string, n int, flags func(i int) []string) (string, [][]byte, []uint32, error) {
	name, err := e.Mailbox(ctx, c, base)
	if err != nil {
		return "", nil, nil, err
	}
	msgs := make([][]byte, n)
	for i := range n {
		msgs[i] = message(i+1, fmt.Sprintf("body of message %d", i+1))
		var f []string
		if flags != nil {
			f = flags(i + 1)
		}
		if _, err := c.Append(ctx, name, msgs[i], f, testDate); err != nil {
			return "", nil, nil, fmt.Errorf("APPEND %d: %w", i+1, err)
		}
	}
	mb, err := c.Select(ctx, name, SelectOptions{})
	if err != nil {
		return "", nil, nil, fmt.Errorf("SELECT %q: %w", name, err)
	}
	if mb.Exists != uint32(n) {
		return "", nil, nil, fmt.Errorf("SELECT %q after %d APPENDs: EXISTS %d", name, n, mb.Exists)
	}
	uids, err := uidsOf(ctx, c, "1:*")
	if err != nil {
		return "", nil, nil, err
	}
	if len(uids) != n {
		return "", nil, nil, fmt.Errorf("FETCH 1:* UID: %d messages, want %d", len(uids), n)
	}
	return name, msgs, uids, nil
}

func uidsOf(ctx context.Context, c Client, set string) ([]uint32, error) {
	ms, err := c.Fetch(ctx, set, false, FetchRequest{UID: true})
	if err != nil {
		return nil, fmt.Errorf("FETCH %s (UID): %w", set, err)
	}
	uids := make([]uint32, len(ms))
	for i, m := range ms {
		if m.UID == 0 {
			return nil, fmt.Errorf("FETCH %s (UID): message %d has no UID", set, m.Seq)
		}
		uids[i] = m.UID
	}
	return uids, nil
}

func hasFlag(flags []string, f string) bool {
	return slices.ContainsFunc(flags, func(x string) bool { return strings.EqualFold(x, f) })
}

func flagsOf(ctx context.Context, c Client, uid uint32) ([]string, error) {
	ms, err := c.Fetch(ctx, fmt.Sprint(uid), true, FetchRequest{Flags: true})
	if err != nil {
		return nil, fmt.Errorf("UID FETCH %d (FLAGS): %w", uid, err)
	}
	for _, m := range ms {
		if m.UID == uid || len(ms) == 1 {
			if !m.HasFlags {
				return nil, fmt.Errorf("UID FETCH %d (FLAGS): no FLAGS returned", uid)
			}
			return m.Flags, nil
		}
	}
	return nil, fmt.Errorf("UID FETCH %d (FLAGS): no response for the message", uid)
}

func status(ctx context.Context, c Client, name string, item string) (uint64, error) {
	st, err := c.Status(ctx, name, []string{item})
	if err != nil {
		return 0, fmt.Errorf("STATUS %q (%s): %w", name, item, err)
	}
	v, ok := st[item]
	if !ok {
		return 0, fmt.Errorf("STATUS %q (%s): item missing from the answer %v", name, item, st)
	}
	return v, nil
}

func listed(l []ListEntry, name string) *ListEntry {
	for i := range l {
		if l[i].Name == name || (strings.EqualFold(name, "INBOX") && strings.EqualFold(l[i].Name, "INBOX")) {
			return &l[i]
		}
	}
	return nil
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// ---------------------------------------------------------------------------
// scenarios

func scCapabilities(ctx context.Context, e *Env) error {
	if !e.Has("IMAP4rev1") && !e.Has("IMAP4rev2") {
		return errorf("neither IMAP4rev1 nor IMAP4rev2 advertised after login: %v", keys(e.Caps))
	}
	var errs []error
	for _, c := range e.Target.Expect {
		if !e.Has(c) {
			errs = append(errs, errorf("expected capability %s is not advertised", c))
		}
	}
	for _, c := range e.Target.Lacks {
		if e.Has(c) {
			errs = append(errs, errorf("capability %s is advertised; the profile says the server lacks it (update Target.Lacks and the report)", c))
		}
	}
	return errors.Join(errs...)
}

func keys(m map[string]bool) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

func scLoginFailure(ctx context.Context, e *Env) error {
	c, err := e.Dial(ctx, false)
	if err != nil {
		return err
	}
	if err := c.Login(ctx, e.Target.User, e.Target.Pass+"-wrong"); err == nil {
		return errorf("LOGIN with a wrong password succeeded")
	}
	if err := c.Login(ctx, e.Target.User, e.Target.Pass); err != nil {
		return errorf("LOGIN after a failed one: %w", err)
	}
	if _, err := c.Noop(ctx); err != nil {
		return errorf("NOOP after login: %w", err)
	}
	return c.Logout(ctx)
}

func scLoginUTF8(ctx context.Context, e *Env) error {
	if e.Target.UTF8User == "" {
		return NotApplicablef("the target has no account with a UTF-8 password")
	}
	c, err := e.SessionAs(ctx, e.Target.UTF8User, e.Target.UTF8Pass)
	if err != nil {
		return err
	}
	l, err := c.List(ctx, "", "INBOX", nil)
	if err != nil {
		return errorf("LIST after a UTF-8 login: %w", err)
	}
	if listed(l, "INBOX") == nil {
		return errorf("LIST \"\" INBOX: no INBOX in %v", l)
	}
	return c.Logout(ctx)
}

func scStartTLS(ctx context.Context, e *Env) error {
	c, err := e.Dial(ctx, false)
	if err != nil {
		return err
	}
	if err := c.StartTLS(ctx); err != nil {
		return errorf("STARTTLS: %w", err)
	}
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return errorf("CAPABILITY after STARTTLS: %w", err)
	}
	if capSet(caps)["STARTTLS"] {
		return errorf("STARTTLS still advertised after STARTTLS: %v", caps)
	}
	if err := c.Login(ctx, e.Target.User, e.Target.Pass); err != nil {
		return errorf("LOGIN over STARTTLS: %w", err)
	}
	if _, err := c.List(ctx, "", "INBOX", nil); err != nil {
		return errorf("LIST over STARTTLS: %w", err)
	}
	return c.Logout(ctx)
}

func scImplicitTLS(ctx context.Context, e *Env) error {
	if e.Target.TLSAddr == "" {
		return NotApplicablef("the target has no implicit-TLS port")
	}
	c, err := e.Dial(ctx, true)
	if err != nil {
		return err
	}
	if err := c.Login(ctx, e.Target.User, e.Target.Pass); err != nil {
		return errorf("LOGIN over TLS: %w", err)
	}
	if _, err := c.Noop(ctx); err != nil {
		return errorf("NOOP over TLS: %w", err)
	}
	return c.Logout(ctx)
}

func scListInbox(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	all, err := c.List(ctx, "", "*", nil)
	if err != nil {
		return errorf(`LIST "" "*": %w`, err)
	}
	in := listed(all, "INBOX")
	if in == nil {
		return errorf(`LIST "" "*": no INBOX among %d mailboxes`, len(all))
	}
	one, err := c.List(ctx, "", "INBOX", nil)
	if err != nil {
		return errorf(`LIST "" INBOX: %w`, err)
	}
	if len(one) != 1 || !strings.EqualFold(one[0].Name, "INBOX") {
		return errorf(`LIST "" INBOX: %+v, want exactly INBOX`, one)
	}
	for _, m := range all {
		if m.Delim != "" && e.Delim != "" && m.Delim != e.Delim && !strings.EqualFold(m.Name, "INBOX") {
			return errorf("LIST: %q has delimiter %q, the namespace says %q", m.Name, m.Delim, e.Delim)
		}
	}
	return c.Logout(ctx)
}

func scMailboxLifecycle(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	a, b := e.Name("life-a"), e.Name("life-b")
	e.Defer(func(ctx context.Context) {
		if c, err := e.Session(ctx); err == nil {
			c.Delete(ctx, a)
			c.Delete(ctx, b)
		}
	})
	if err := c.Create(ctx, a); err != nil {
		return errorf("CREATE %q: %w", a, err)
	}
	l, err := c.List(ctx, "", a, nil)
	if err != nil || listed(l, a) == nil {
		return errorf("LIST %q after CREATE: %v %v", a, l, err)
	}
	if err := c.Create(ctx, a); err == nil {
		return errorf("CREATE %q twice succeeded", a)
	}
	if err := c.Rename(ctx, a, b); err != nil {
		return errorf("RENAME %q %q: %w", a, b, err)
	}
	l, err = c.List(ctx, "", e.Name("life-*"), nil)
	if err != nil {
		return errorf("LIST after RENAME: %w", err)
	}
	if listed(l, b) == nil || listed(l, a) != nil {
		return errorf("LIST after RENAME %q -> %q: %+v", a, b, l)
	}
	if err := c.Subscribe(ctx, b); err != nil {
		return errorf("SUBSCRIBE %q: %w", b, err)
	}
	l, err = c.Lsub(ctx, "", b)
	if err != nil || listed(l, b) == nil {
		return errorf("LSUB %q after SUBSCRIBE: %+v %v", b, l, err)
	}
	if err := c.Delete(ctx, b); err != nil {
		return errorf("DELETE %q: %w", b, err)
	}
	l, err = c.List(ctx, "", b, nil)
	if err != nil {
		return errorf("LIST after DELETE: %w", err)
	}
	if listed(l, b) != nil {
		return errorf("LIST %q after DELETE still lists it: %+v", b, l)
	}
	return c.Logout(ctx)
}

func scMailboxUTF8(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	name, err := e.Mailbox(ctx, c, "Café ☕ 日本")
	if err != nil {
		return err
	}
	l, err := c.List(ctx, "", name, nil)
	if err != nil {
		return errorf("LIST %q: %w", name, err)
	}
	if listed(l, name) == nil {
		return errorf("LIST %q: got %+v", name, l)
	}
	if _, err := status(ctx, c, name, "MESSAGES"); err != nil {
		return err
	}
	return c.Logout(ctx)
}

func scAppendStatusSelect(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	name, err := e.Mailbox(ctx, c, "append")
	if err != nil {
		return err
	}
	flags := [][]string{nil, {`\Flagged`}, {`\Seen`}}
	for i, f := range flags {
		if _, err := c.Append(ctx, name, message(i+1, "x"), f, testDate); err != nil {
			return errorf("APPEND %d: %w", i+1, err)
		}
	}
	st, err := c.Status(ctx, name, []string{"MESSAGES", "UNSEEN", "UIDVALIDITY", "UIDNEXT"})
	if err != nil {
		return errorf("STATUS: %w", err)
	}
	if st["MESSAGES"] != 3 || st["UNSEEN"] != 2 || st["UIDVALIDITY"] == 0 || st["UIDNEXT"] == 0 {
		return errorf("STATUS after 3 APPENDs (one \\Seen): %v, want MESSAGES 3 UNSEEN 2 and non-zero UIDVALIDITY, UIDNEXT", st)
	}
	mb, err := c.Select(ctx, name, SelectOptions{})
	if err != nil {
		return errorf("SELECT: %w", err)
	}
	if mb.Exists != 3 || uint64(mb.UIDValidity) != st["UIDVALIDITY"] || mb.ReadOnly {
		return errorf("SELECT: EXISTS %d UIDVALIDITY %d read-only %v; STATUS said MESSAGES 3 UIDVALIDITY %d", mb.Exists, mb.UIDValidity, mb.ReadOnly, st["UIDVALIDITY"])
	}
	if mb.UIDNext != 0 && uint64(mb.UIDNext) != st["UIDNEXT"] {
		return errorf("SELECT: UIDNEXT %d, STATUS said %d", mb.UIDNext, st["UIDNEXT"])
	}
	if !hasFlag(mb.PermanentFlags, `\Seen`) || !hasFlag(mb.Flags, `\Flagged`) {
		return errorf("SELECT: FLAGS %v PERMANENTFLAGS %v, want \\Flagged and \\Seen among them", mb.Flags, mb.PermanentFlags)
	}
	return c.Logout(ctx)
}

func scAppendUID(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	name, err := e.Mailbox(ctx, c, "appenduid")
	if err != nil {
		return err
	}
	var uids []uint32
	for i := 1; i <= 2; i++ {
		uid, err := c.Append(ctx, name, message(i, "x"), nil, time.Time{})
		if err != nil {
			return errorf("APPEND %d: %w", i, err)
		}
		if uid == 0 {
			return errorf("APPEND %d: no APPENDUID although UIDPLUS is advertised", i)
		}
		uids = append(uids, uid)
	}
	if uids[1] <= uids[0] {
		return errorf("APPENDUID: UIDs %v not increasing", uids)
	}
	if _, err := c.Select(ctx, name, SelectOptions{}); err != nil {
		return errorf("SELECT: %w", err)
	}
	got, err := uidsOf(ctx, c, "1:*")
	if err != nil {
		return err
	}
	if !slices.Equal(got, uids) {
		return errorf("FETCH UID: %v, APPENDUID said %v", got, uids)
	}
	return c.Logout(ctx)
}

func scFetchAttributes(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	_, msgs, uids, err := filled(ctx, e, c, "fetchattr", 3, func(i int) []string {
		if i == 2 {
			return []string{`\Flagged`}
		}
		return nil
	})
	if err != nil {
		return err
	}
	ms, err := c.Fetch(ctx, "1:*", false, FetchRequest{UID: true, Flags: true, InternalDate: true, Size: true, Envelope: true})
	if err != nil {
		return errorf("FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE): %w", err)
	}
	if len(ms) != 3 {
		return errorf("FETCH 1:*: %d messages, want 3", len(ms))
	}
	for i, m := range ms {
		if m.Seq != uint32(i+1) || m.UID != uids[i] {
			return errorf("message %d: seq %d UID %d, want seq %d UID %d", i+1, m.Seq, m.UID, i+1, uids[i])
		}
		if m.Size != int64(len(msgs[i])) {
			return errorf("message %d: RFC822.SIZE %d, appended %d octets", i+1, m.Size, len(msgs[i]))
		}
		if !m.InternalDate.Equal(testDate) {
			return errorf("message %d: INTERNALDATE %v, appended with %v", i+1, m.InternalDate, testDate)
		}
		if hasFlag(m.Flags, `\Flagged`) != (i == 1) {
			return errorf("message %d: FLAGS %v", i+1, m.Flags)
		}
		env := m.Envelope
		if env == nil {
			return errorf("message %d: no ENVELOPE", i+1)
		}
		if env.Subject != fmt.Sprintf("clientsuite message %d", i+1) || env.MessageID != fmt.Sprintf("<cs%d@example.com>", i+1) {
			return errorf("message %d: ENVELOPE subject %q message-id %q", i+1, env.Subject, env.MessageID)
		}
		if len(env.From) != 1 || env.From[0] != fmt.Sprintf("sender%d@example.com", i+1) || len(env.To) != 1 || env.To[0] != "rcpt@example.org" {
			return errorf("message %d: ENVELOPE from %v to %v", i+1, env.From, env.To)
		}
	}
	return c.Logout(ctx)
}

func scFetchSections(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	_, msgs, uids, err := filled(ctx, e, c, "sections", 1, nil)
	if err != nil {
		return err
	}
	full := Section{}
	hdr := Section{Specifier: "HEADER"}
	txt := Section{Specifier: "TEXT"}
	subj := Section{Specifier: "HEADER.FIELDS", Fields: []string{"Subject"}}
	part := Section{Specifier: "", Part: "", Offset: 0, Count: 10}
	ms, err := c.Fetch(ctx, fmt.Sprint(uids[0]), true, FetchRequest{UID: true, Sections: []Section{full, hdr, txt, subj}})
	if err != nil {
		return errorf("UID FETCH (BODY.PEEK[] [HEADER] [TEXT] [HEADER.FIELDS (SUBJECT)]): %w", err)
	}
	if len(ms) != 1 {
		return errorf("UID FETCH: %d messages, want 1", len(ms))
	}
	h, t := splitMessage(msgs[0])
	want := map[string][]byte{
		full.Key(): msgs[0],
		hdr.Key():  h,
		txt.Key():  t,
		subj.Key(): []byte("Subject: clientsuite message 1\r\n\r\n"),
	}
	for k, w := range want {
		if got, ok := ms[0].Sections[k]; !ok || !bytes.Equal(got, w) {
			return errorf("BODY[%s]: got %q (present %v), want %q", k, got, ok, w)
		}
	}
	ms, err = c.Fetch(ctx, fmt.Sprint(uids[0]), true, FetchRequest{Sections: []Section{part}})
	if err != nil {
		return errorf("UID FETCH (BODY.PEEK[]<0.10>): %w", err)
	}
	if len(ms) != 1 || !bytes.Equal(ms[0].Sections[part.Key()], msgs[0][:10]) {
		return errorf("BODY.PEEK[]<0.10>: %+v, want %q", ms, msgs[0][:10])
	}
	flags, err := flagsOf(ctx, c, uids[0])
	if err != nil {
		return err
	}
	if hasFlag(flags, `\Seen`) {
		return errorf("BODY.PEEK set \\Seen: FLAGS %v", flags)
	}
	return c.Logout(ctx)
}

func scFetchSetsSeen(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	_, msgs, uids, err := filled(ctx, e, c, "seen", 1, nil)
	if err != nil {
		return err
	}
	txt := Section{Specifier: "TEXT"}
	ms, err := c.Fetch(ctx, fmt.Sprint(uids[0]), true, FetchRequest{Sections: []Section{txt}, Mark: true})
	if err != nil {
		return errorf("UID FETCH (BODY[TEXT]): %w", err)
	}
	_, t := splitMessage(msgs[0])
	if len(ms) != 1 || !bytes.Equal(ms[0].Sections[txt.Key()], t) {
		return errorf("BODY[TEXT]: %+v, want %q", ms, t)
	}
	flags, err := flagsOf(ctx, c, uids[0])
	if err != nil {
		return err
	}
	if !hasFlag(flags, `\Seen`) {
		return errorf("BODY[TEXT] did not set \\Seen: FLAGS %v", flags)
	}
	return c.Logout(ctx)
}

const multipart = "From: a@example.com\r\nTo: b@example.org\r\nSubject: alternative\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n" +
	"preamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nplain text\r\n" +
	"--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n<p>html</p>\r\n" +
	"--b1--\r\n"

func scBodyStructure(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	name, err := e.Mailbox(ctx, c, "bodystructure")
	if err != nil {
		return err
	}
	if _, err := c.Append(ctx, name, []byte(multipart), nil, time.Time{}); err != nil {
		return errorf("APPEND: %w", err)
	}
	if _, err := c.Select(ctx, name, SelectOptions{}); err != nil {
		return errorf("SELECT: %w", err)
	}
	p2 := Section{Part: "2"}
	ms, err := c.Fetch(ctx, "1", false, FetchRequest{BodyStructure: true, Sections: []Section{p2}})
	if err != nil {
		return errorf("FETCH 1 (BODYSTRUCTURE BODY.PEEK[2]): %w", err)
	}
	if len(ms) != 1 || ms[0].Body == nil {
		return errorf("FETCH 1 BODYSTRUCTURE: %+v", ms)
	}
	b := ms[0].Body
	if b.Type != "multipart" || b.Subtype != "alternative" || len(b.Parts) != 2 {
		return errorf("BODYSTRUCTURE: %s/%s with %d parts, want multipart/alternative with 2", b.Type, b.Subtype, len(b.Parts))
	}
	for i, sub := range []string{"plain", "html"} {
		p := b.Parts[i]
		if p.Type != "text" || p.Subtype != sub || !strings.EqualFold(p.Params["charset"], "utf-8") || !strings.EqualFold(p.Encoding, "7bit") {
			return errorf("BODYSTRUCTURE part %d: %+v, want text/%s charset utf-8 7bit", i+1, p, sub)
		}
	}
	if got := ms[0].Sections[p2.Key()]; string(got) != "<p>html</p>" {
		return errorf("BODY[2]: %q, want %q", got, "<p>html</p>")
	}
	return c.Logout(ctx)
}

func scLargeLiteral(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	name, err := e.Mailbox(ctx, c, "large")
	if err != nil {
		return err
	}
	var body strings.Builder
	for i := 0; body.Len() < 1<<20; i++ {
		fmt.Fprintf(&body, "%07d the quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnop\r\n", i)
	}
	msg := message(1, body.String())
	if _, err := c.Append(ctx, name, msg, nil, time.Time{}); err != nil {
		return errorf("APPEND of %d octets: %w", len(msg), err)
	}
	if _, err := c.Select(ctx, name, SelectOptions{}); err != nil {
		return errorf("SELECT: %w", err)
	}
	ms, err := c.Fetch(ctx, "1", false, FetchRequest{Size: true, Sections: []Section{{}}})
	if err != nil {
		return errorf("FETCH 1 (RFC822.SIZE BODY.PEEK[]): %w", err)
	}
	if len(ms) != 1 || ms[0].Size != int64(len(msg)) || !bytes.Equal(ms[0].Sections[""], msg) {
		got := 0
		if len(ms) == 1 {
			got = len(ms[0].Sections[""])
		}
		return errorf("FETCH of a %d-octet message: %d octets back, RFC822.SIZE %v", len(msg), got, sizes(ms))
	}
	return c.Logout(ctx)
}

func sizes(ms []Message) []int64 {
	var s []int64
	for _, m := range ms {
		s = append(s, m.Size)
	}
	return s
}

func scStoreFlags(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	_, _, uids, err := filled(ctx, e, c, "store", 1, nil)
	if err != nil {
		return err
	}
	mb, err := c.Noop(ctx)
	if err != nil {
		return errorf("NOOP: %w", err)
	}
	keyword := mb != nil && slices.Contains(mb.PermanentFlags, `\*`)
	uid := fmt.Sprint(uids[0])
	steps := []struct {
		op         StoreOp
		flags      []string
		want, lack []string
	}{
		{StoreAdd, []string{`\Flagged`, `\Answered`}, []string{`\Flagged`, `\Answered`}, []string{`\Seen`}},
		{StoreRemove, []string{`\Answered`}, []string{`\Flagged`}, []string{`\Answered`}},
		{StoreReplace, []string{`\Seen`, `\Draft`}, []string{`\Seen`, `\Draft`}, []string{`\Flagged`}},
	}
	if keyword {
		steps = append(steps, struct {
			op         StoreOp
			flags      []string
			want, lack []string
		}{StoreAdd, []string{"$ImapkitTest"}, []string{"$ImapkitTest", `\Seen`}, nil})
	}
	for _, s := range steps {
		if err := c.Store(ctx, uid, true, s.op, s.flags); err != nil {
			return errorf("UID STORE %s op %d %v: %w", uid, s.op, s.flags, err)
		}
		flags, err := flagsOf(ctx, c, uids[0])
		if err != nil {
			return err
		}
		for _, w := range s.want {
			if !hasFlag(flags, w) {
				return errorf("after STORE op %d %v: FLAGS %v lack %s", s.op, s.flags, flags, w)
			}
		}
		for _, l := range s.lack {
			if hasFlag(flags, l) {
				return errorf("after STORE op %d %v: FLAGS %v still have %s", s.op, s.flags, flags, l)
			}
		}
	}
	return c.Logout(ctx)
}

func scExamine(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	name, _, _, err := filled(ctx, e, c, "examine", 1, nil)
	if err != nil {
		return err
	}
	mb, err := c.Select(ctx, name, SelectOptions{ReadOnly: true})
	if err != nil {
		return errorf("EXAMINE: %w", err)
	}
	if !mb.ReadOnly || mb.Exists != 1 {
		return errorf("EXAMINE: read-only %v EXISTS %d", mb.ReadOnly, mb.Exists)
	}
	// RFC 9051 §6.3.3: no change to the permanent state is permitted
	// after EXAMINE. A server may answer NO, or OK and ignore it.
	storeErr := c.Store(ctx, "1", false, StoreAdd, []string{`\Flagged`})
	if err := c.Logout(ctx); err != nil {
		return errorf("LOGOUT: %w", err)
	}
	d, err := e.Session(ctx)
	if err != nil {
		return err
	}
	if _, err := d.Select(ctx, name, SelectOptions{ReadOnly: true}); err != nil {
		return errorf("second session: EXAMINE: %w", err)
	}
	ms, err := d.Fetch(ctx, "1", false, FetchRequest{Flags: true})
	if err != nil || len(ms) != 1 {
		return errorf("second session: FETCH 1 (FLAGS): %d messages, %v", len(ms), err)
	}
	if hasFlag(ms[0].Flags, `\Flagged`) {
		return Deviationf("STORE +FLAGS (\\Flagged) in an EXAMINEd mailbox answered %v and changed the flags for good (RFC 9051 §6.3.3 forbids it)", okOr(storeErr))
	}
	return d.Logout(ctx)
}

func okOr(err error) string {
	if err == nil {
		return "OK"
	}
	return err.Error()
}

func scSearch(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	name, msgs, uids, err := filled(ctx, e, c, "search", 4, func(i int) []string {
		switch i {
		case 2:
			return []string{`\Flagged`}
		case 3:
			return []string{`\Seen`}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Message 5 is larger than the others and alone in having "needle".
	big := message(5, strings.Repeat("padding ", 200)+"needle")
	if _, err := c.Append(ctx, name, big, nil, time.Time{}); err != nil {
		return errorf("APPEND: %w", err)
	}
	if _, err := c.Noop(ctx); err != nil {
		return errorf("NOOP: %w", err)
	}
	all, err := uidsOf(ctx, c, "1:*")
	if err != nil {
		return err
	}
	if len(all) != 5 {
		return errorf("after 5 APPENDs: %d messages", len(all))
	}
	cases := []struct {
		q    SearchQuery
		want []uint32
	}{
		{SearchQuery{Subject: "message 2"}, []uint32{uids[1]}},
		{SearchQuery{Flags: []string{`\Flagged`}}, []uint32{uids[1]}},
		{SearchQuery{NotFlags: []string{`\Seen`}}, []uint32{uids[0], uids[1], uids[3], all[4]}},
		{SearchQuery{UIDs: fmt.Sprintf("%d:%d", uids[1], uids[2])}, []uint32{uids[1], uids[2]}},
		{SearchQuery{Larger: int64(len(msgs[0]) + 100)}, []uint32{all[4]}},
		{SearchQuery{Body: "needle"}, []uint32{all[4]}},
		{SearchQuery{Subject: "clientsuite", NotFlags: []string{`\Flagged`, `\Seen`}}, []uint32{uids[0], uids[3], all[4]}},
		{SearchQuery{Subject: "no such subject"}, nil},
	}
	for _, tc := range cases {
		got, err := c.Search(ctx, tc.q)
		if err != nil {
			return errorf("UID SEARCH %+v: %w", tc.q, err)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			return errorf("UID SEARCH %+v: %v, want %v", tc.q, got, tc.want)
		}
	}
	return c.Logout(ctx)
}

func scCopy(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	_, msgs, uids, err := filled(ctx, e, c, "copy-src", 3, nil)
	if err != nil {
		return err
	}
	dest, err := e.Mailbox(ctx, c, "copy-dst")
	if err != nil {
		return err
	}
	set := fmt.Sprintf("%d,%d", uids[0], uids[2])
	du, err := c.Copy(ctx, set, dest)
	if err != nil {
		return errorf("UID COPY %s: %w", set, err)
	}
	if e.Has("UIDPLUS") && len(du) != 2 {
		return errorf("UID COPY %s: COPYUID gave %v, want 2 UIDs (UIDPLUS is advertised)", set, du)
	}
	if n, err := status(ctx, c, dest, "MESSAGES"); err != nil || n != 2 {
		return errorf("STATUS of the destination after COPY: %d %v, want 2", n, err)
	}
	if _, err := c.Select(ctx, dest, SelectOptions{}); err != nil {
		return errorf("SELECT destination: %w", err)
	}
	want := []Section{{}}
	ms, err := c.Fetch(ctx, "1:*", false, FetchRequest{UID: true, Sections: want})
	if err != nil {
		return errorf("FETCH copies: %w", err)
	}
	if len(ms) != 2 || !bytes.Equal(ms[0].Sections[""], msgs[0]) || !bytes.Equal(ms[1].Sections[""], msgs[2]) {
		return errorf("copies differ from messages 1 and 3")
	}
	if du != nil && (ms[0].UID != du[0] || ms[1].UID != du[1]) {
		return errorf("COPYUID said %v, the destination has UIDs %d, %d", du, ms[0].UID, ms[1].UID)
	}
	return c.Logout(ctx)
}

// removed replays EXPUNGE responses over the sequence 1..n and returns the
// original numbers removed (RFC 9051 §7.5.1: each EXPUNGE renumbers).
func removed(n int, expunged []uint32) ([]int, error) {
	seq := make([]int, n)
	for i := range seq {
		seq[i] = i + 1
	}
	var out []int
	for _, x := range expunged {
		if x == 0 || int(x) > len(seq) {
			return nil, errorf("EXPUNGE %d with only %d messages left", x, len(seq))
		}
		out = append(out, seq[x-1])
		seq = slices.Delete(seq, int(x-1), int(x))
	}
	slices.Sort(out)
	return out, nil
}

func scExpunge(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	_, _, uids, err := filled(ctx, e, c, "expunge", 5, nil)
	if err != nil {
		return err
	}
	if err := c.Store(ctx, "2,4", false, StoreAdd, []string{`\Deleted`}); err != nil {
		return errorf("STORE 2,4 +FLAGS (\\Deleted): %w", err)
	}
	ex, err := c.Expunge(ctx)
	if err != nil {
		return errorf("EXPUNGE: %w", err)
	}
	gone, err := removed(5, ex)
	if err != nil {
		return errorf("EXPUNGE responses %v: %w", ex, err)
	}
	if !slices.Equal(gone, []int{2, 4}) {
		return errorf("EXPUNGE responses %v remove messages %v, want 2 and 4", ex, gone)
	}
	mb, err := c.Noop(ctx)
	if err != nil || mb == nil || mb.Exists != 3 {
		return errorf("after EXPUNGE: state %+v %v, want EXISTS 3", mb, err)
	}
	left, err := uidsOf(ctx, c, "1:*")
	if err != nil {
		return err
	}
	if want := []uint32{uids[0], uids[2], uids[4]}; !slices.Equal(left, want) {
		return errorf("after EXPUNGE: UIDs %v, want %v", left, want)
	}
	return c.Logout(ctx)
}

func scClose(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	name, _, _, err := filled(ctx, e, c, "close", 3, nil)
	if err != nil {
		return err
	}
	if err := c.Store(ctx, "1", false, StoreAdd, []string{`\Deleted`}); err != nil {
		return errorf("STORE 1 +FLAGS (\\Deleted): %w", err)
	}
	if err := c.CloseMailbox(ctx); err != nil {
		return errorf("CLOSE: %w", err)
	}
	if n, err := status(ctx, c, name, "MESSAGES"); err != nil || n != 2 {
		return errorf("STATUS after CLOSE: MESSAGES %d %v, want 2", n, err)
	}
	return c.Logout(ctx)
}

func scUIDExpunge(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	ux, ok := c.(UIDExpunger)
	if !ok {
		return NotApplicablef("the client has no UID EXPUNGE")
	}
	_, _, uids, err := filled(ctx, e, c, "uidexpunge", 3, nil)
	if err != nil {
		return err
	}
	if err := c.Store(ctx, "1:2", false, StoreAdd, []string{`\Deleted`}); err != nil {
		return errorf("STORE 1:2 +FLAGS (\\Deleted): %w", err)
	}
	ex, err := ux.UIDExpunge(ctx, fmt.Sprint(uids[1]))
	if err != nil {
		return errorf("UID EXPUNGE %d: %w", uids[1], err)
	}
	if !slices.Equal(ex, []uint32{2}) {
		return errorf("UID EXPUNGE %d: EXPUNGE responses %v, want [2]", uids[1], ex)
	}
	left, err := uidsOf(ctx, c, "1:*")
	if err != nil {
		return err
	}
	if want := []uint32{uids[0], uids[2]}; !slices.Equal(left, want) {
		return errorf("after UID EXPUNGE: UIDs %v, want %v (the other \\Deleted message must stay)", left, want)
	}
	return c.Logout(ctx)
}

func scMove(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	mv, ok := c.(Mover)
	if !ok {
		return NotApplicablef("the client has no MOVE")
	}
	_, msgs, uids, err := filled(ctx, e, c, "move-src", 3, nil)
	if err != nil {
		return err
	}
	dest, err := e.Mailbox(ctx, c, "move-dst")
	if err != nil {
		return err
	}
	du, err := mv.Move(ctx, fmt.Sprint(uids[1]), dest)
	if err != nil {
		return errorf("UID MOVE %d: %w", uids[1], err)
	}
	if e.Has("UIDPLUS") && len(du) != 1 {
		return errorf("UID MOVE: COPYUID gave %v, want one UID", du)
	}
	mb, err := c.Noop(ctx)
	if err != nil || mb == nil || mb.Exists != 2 {
		return errorf("after MOVE: source state %+v %v, want EXISTS 2", mb, err)
	}
	left, err := uidsOf(ctx, c, "1:*")
	if err != nil {
		return err
	}
	if want := []uint32{uids[0], uids[2]}; !slices.Equal(left, want) {
		return errorf("after MOVE: source UIDs %v, want %v", left, want)
	}
	if _, err := c.Select(ctx, dest, SelectOptions{}); err != nil {
		return errorf("SELECT destination: %w", err)
	}
	ms, err := c.Fetch(ctx, "1:*", false, FetchRequest{UID: true, Sections: []Section{{}}})
	if err != nil || len(ms) != 1 || !bytes.Equal(ms[0].Sections[""], msgs[1]) {
		return errorf("destination after MOVE: %d messages %v", len(ms), err)
	}
	if du != nil && ms[0].UID != du[0] {
		return errorf("COPYUID said %v, the moved message has UID %d", du, ms[0].UID)
	}
	return c.Logout(ctx)
}

func scOtherSessionExpunge(ctx context.Context, e *Env) error {
	a, err := e.Session(ctx)
	if err != nil {
		return err
	}
	name, _, uids, err := filled(ctx, e, a, "other", 3, nil)
	if err != nil {
		return err
	}
	b, err := e.Session(ctx)
	if err != nil {
		return err
	}
	if _, err := b.Select(ctx, name, SelectOptions{}); err != nil {
		return errorf("session B: SELECT: %w", err)
	}
	if err := b.Store(ctx, "1", false, StoreAdd, []string{`\Deleted`}); err != nil {
		return errorf("session B: STORE: %w", err)
	}
	if _, err := b.Expunge(ctx); err != nil {
		return errorf("session B: EXPUNGE: %w", err)
	}
	// Some servers report another session's changes only at a later
	// NOOP (they poll); NOOP until they arrive or the scenario times out.
	var mb *MailboxInfo
	for {
		if mb, err = a.Noop(ctx); err != nil {
			return errorf("session A: NOOP: %w", err)
		}
		if mb != nil && mb.Exists == 2 {
			break
		}
		select {
		case <-ctx.Done():
			return errorf("session A never saw the EXPUNGE: state %+v", mb)
		case <-time.After(200 * time.Millisecond):
		}
	}
	left, err := uidsOf(ctx, a, "1:*")
	if err != nil {
		return err
	}
	if want := uids[1:]; !slices.Equal(left, want) {
		return errorf("session A: UIDs %v, want %v", left, want)
	}
	return a.Logout(ctx)
}

func scIdle(ctx context.Context, e *Env) error {
	a, err := e.Session(ctx)
	if err != nil {
		return err
	}
	idler, ok := a.(Idler)
	if !ok {
		return NotApplicablef("the client has no IDLE")
	}
	name, _, _, err := filled(ctx, e, a, "idle", 1, nil)
	if err != nil {
		return err
	}
	b, err := e.Session(ctx)
	if err != nil {
		return err
	}
	appended := make(chan error, 1)
	var seen MailboxInfo
	err = idler.Idle(ctx, func() {
		go func() {
			_, err := b.Append(ctx, name, message(2, "pushed"), nil, time.Time{})
			appended <- err
		}()
	}, func(mb MailboxInfo) bool {
		seen = mb
		return mb.Exists >= 2
	})
	if err != nil {
		return errorf("IDLE until EXISTS 2 (last state %+v): %w", seen, err)
	}
	if err := <-appended; err != nil {
		return errorf("session B: APPEND: %w", err)
	}
	if _, err := a.Noop(ctx); err != nil {
		return errorf("NOOP after IDLE: %w", err)
	}
	return a.Logout(ctx)
}

func scCondStore(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	name, _, uids, err := filled(ctx, e, c, "condstore", 1, nil)
	if err != nil {
		return err
	}
	mb, err := c.Select(ctx, name, SelectOptions{CondStore: true})
	if err != nil {
		return errorf("SELECT (CONDSTORE): %w", err)
	}
	if mb.HighestModSeq == 0 {
		return errorf("SELECT (CONDSTORE): no HIGHESTMODSEQ")
	}
	uid := fmt.Sprint(uids[0])
	ms, err := c.Fetch(ctx, uid, true, FetchRequest{ModSeq: true})
	if err != nil || len(ms) != 1 || ms[0].ModSeq == 0 {
		return errorf("UID FETCH (MODSEQ): %+v %v", ms, err)
	}
	before := ms[0].ModSeq
	if err := c.Store(ctx, uid, true, StoreAdd, []string{`\Flagged`}); err != nil {
		return errorf("UID STORE: %w", err)
	}
	ms, err = c.Fetch(ctx, uid, true, FetchRequest{ModSeq: true})
	if err != nil || len(ms) != 1 || ms[0].ModSeq <= before {
		return errorf("UID FETCH (MODSEQ) after STORE: %+v %v, want above %d", ms, err, before)
	}
	return c.Logout(ctx)
}

func scQResync(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	if _, ok := c.(Resyncer); !ok {
		return NotApplicablef("the client has no QRESYNC")
	}
	name, _, uids, err := filled(ctx, e, c, "qresync", 4, nil)
	if err != nil {
		return err
	}
	mb, err := c.Select(ctx, name, SelectOptions{CondStore: true})
	if err != nil {
		return errorf("SELECT (CONDSTORE): %w", err)
	}
	if mb.HighestModSeq == 0 {
		return errorf("SELECT (CONDSTORE): no HIGHESTMODSEQ")
	}
	// What a client saves between sessions; then another client changes
	// message 2 and expunges message 3.
	saved := *mb
	if err := c.Store(ctx, fmt.Sprint(uids[1]), true, StoreAdd, []string{`\Flagged`}); err != nil {
		return errorf("UID STORE +FLAGS (\\Flagged): %w", err)
	}
	if err := c.Store(ctx, fmt.Sprint(uids[2]), true, StoreAdd, []string{`\Deleted`}); err != nil {
		return errorf("UID STORE +FLAGS (\\Deleted): %w", err)
	}
	if _, err := c.Expunge(ctx); err != nil {
		return errorf("EXPUNGE: %w", err)
	}
	if err := c.Logout(ctx); err != nil {
		return err
	}

	d, err := e.Session(ctx)
	if err != nil {
		return err
	}
	rs := d.(Resyncer)
	r, err := rs.Resync(ctx, name, saved.UIDValidity, saved.HighestModSeq)
	if err != nil {
		return errorf("SELECT (QRESYNC (%d %d)): %w", saved.UIDValidity, saved.HighestModSeq, err)
	}
	// RFC 7162 §3.2.5.1: a server may report more vanished UIDs than
	// were expunged since (when it does not remember that far), never a
	// live one; the flag change must be reported, unchanged messages
	// need not be.
	if !slices.Contains(r.Vanished, uids[2]) {
		return errorf("QRESYNC: VANISHED (EARLIER) %v lacks the expunged UID %d", r.Vanished, uids[2])
	}
	for _, u := range []uint32{uids[0], uids[1], uids[3]} {
		if slices.Contains(r.Vanished, u) {
			return errorf("QRESYNC: VANISHED (EARLIER) %v names the live UID %d", r.Vanished, u)
		}
	}
	if !slices.Contains(r.Changed, uids[1]) || slices.Contains(r.Changed, uids[2]) {
		return errorf("QRESYNC: FETCH for UIDs %v; want %d (flagged) and not %d (expunged)", r.Changed, uids[1], uids[2])
	}
	if r.Mailbox.Exists != 3 || r.Mailbox.HighestModSeq <= saved.HighestModSeq {
		return errorf("QRESYNC: EXISTS %d, HIGHESTMODSEQ %d; want 3 and above %d", r.Mailbox.Exists, r.Mailbox.HighestModSeq, saved.HighestModSeq)
	}
	// §3.2.5: another UIDVALIDITY makes the server ignore the rest.
	r, err = rs.Resync(ctx, name, saved.UIDValidity+1, saved.HighestModSeq)
	if err != nil {
		return errorf("SELECT (QRESYNC) with a wrong UIDVALIDITY: %w", err)
	}
	if len(r.Vanished) != 0 {
		return errorf("QRESYNC with a wrong UIDVALIDITY: VANISHED %v; want none", r.Vanished)
	}
	return d.Logout(ctx)
}

func scESearch(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	es, ok := c.(ESearcher)
	if !ok {
		return NotApplicablef("the client has no ESEARCH")
	}
	_, _, uids, err := filled(ctx, e, c, "esearch", 3, nil)
	if err != nil {
		return err
	}
	r, err := es.ESearch(ctx, SearchQuery{}, []string{"MIN", "MAX", "COUNT", "ALL"})
	if err != nil {
		return errorf("UID SEARCH RETURN (MIN MAX COUNT ALL) ALL: %w", err)
	}
	if !r.HasMin || !r.HasMax || !r.HasCount || r.Min != uids[0] || r.Max != uids[2] || r.Count != 3 || r.All == "" {
		return errorf("ESEARCH: %+v, want MIN %d MAX %d COUNT 3 and ALL", r, uids[0], uids[2])
	}
	r, err = es.ESearch(ctx, SearchQuery{Subject: "no such subject"}, []string{"COUNT"})
	if err != nil {
		return errorf("UID SEARCH RETURN (COUNT) SUBJECT: %w", err)
	}
	if r.Count != 0 || r.HasMin {
		return errorf("ESEARCH with no match: %+v, want COUNT 0", r)
	}
	return c.Logout(ctx)
}

func scNamespace(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	ns, ok := c.(Namespacer)
	if !ok {
		return NotApplicablef("the client has no NAMESPACE")
	}
	prefix, delim, err := ns.Namespace(ctx)
	if err != nil {
		return errorf("NAMESPACE: %w", err)
	}
	l, err := c.List(ctx, "", "", nil)
	if err != nil {
		return errorf(`LIST "" "": %w`, err)
	}
	if len(l) != 1 || l[0].Delim != delim {
		return errorf(`LIST "" "": %+v; NAMESPACE said prefix %q delimiter %q`, l, prefix, delim)
	}
	if prefix != "" && !strings.HasSuffix(prefix, delim) {
		return errorf("NAMESPACE: prefix %q does not end with its delimiter %q", prefix, delim)
	}
	return c.Logout(ctx)
}

func scSpecialUse(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	l, err := c.List(ctx, "", "*", []string{"SPECIAL-USE"})
	if err != nil {
		return errorf(`LIST "" "*" RETURN (SPECIAL-USE): %w`, err)
	}
	for _, use := range []string{`\Sent`, `\Trash`} {
		found := false
		for _, m := range l {
			if hasFlag(m.Attrs, use) {
				found = true
			}
		}
		if !found {
			return errorf("LIST RETURN (SPECIAL-USE): no mailbox marked %s among %+v", use, l)
		}
	}
	return c.Logout(ctx)
}

func scCompress(ctx context.Context, e *Env) error {
	c, err := e.Session(ctx)
	if err != nil {
		return err
	}
	z, ok := c.(Compressor)
	if !ok {
		return NotApplicablef("the client has no COMPRESS")
	}
	name, err := e.Mailbox(ctx, c, "compress")
	if err != nil {
		return err
	}
	if err := z.Compress(ctx); err != nil {
		return errorf("COMPRESS DEFLATE: %w", err)
	}
	var body strings.Builder
	for i := 0; body.Len() < 200<<10; i++ {
		fmt.Fprintf(&body, "line %06d compressible compressible compressible\r\n", i)
	}
	msg := message(1, body.String())
	if _, err := c.Append(ctx, name, msg, nil, time.Time{}); err != nil {
		return errorf("APPEND through DEFLATE: %w", err)
	}
	if _, err := c.Select(ctx, name, SelectOptions{}); err != nil {
		return errorf("SELECT through DEFLATE: %w", err)
	}
	ms, err := c.Fetch(ctx, "1", false, FetchRequest{Sections: []Section{{}}})
	if err != nil || len(ms) != 1 || !bytes.Equal(ms[0].Sections[""], msg) {
		return errorf("FETCH through DEFLATE: %d messages, err %v (content differs or missing)", len(ms), err)
	}
	return c.Logout(ctx)
}
