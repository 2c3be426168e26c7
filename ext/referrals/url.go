package referrals

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/imapkit/imapkit/transport"
)

// URL is an IMAP URL (RFC 5092 §11, imapurl), as a referral carries it:
//
//	imap://[enc-user][;AUTH=(*|enc-auth-type)@]host[:port]/[enc-mailbox[;UIDVALIDITY=n]
//	       [?enc-search | /;UID=n[/;SECTION=enc-section][/;PARTIAL=range]]]
//
// Names are percent-decoded (RFC 5092 §9: mailbox names are UTF-8, then
// percent-encoded). Raw keeps the text as sent, which String returns, so
// that a proxy re-encodes a referral byte for byte.
type URL struct {
	Raw string
	// User is the user name to log in as, "" when the URL names none;
	// Auth is the SASL mechanism of ";AUTH=", "*" for any the client
	// likes (RFC 5092 §3.2: a client must not fall back to anonymous
	// login for "*"), "" when absent.
	User, Auth string
	// Host (without brackets for IPv6) and Port ("" for the default
	// 143).
	Host, Port string
	// Mailbox is the decoded mailbox name, "" for a URL of the server
	// alone.
	Mailbox string
	// UIDValidity of the mailbox (";UIDVALIDITY="), 0 when absent.
	UIDValidity uint32
	// Search is the decoded search program of a message list
	// ("?enc-search"), "" when absent.
	Search string
	// UID, Section and Partial name a message or a part of one
	// (";UID=", ";SECTION=", ";PARTIAL="); zero when absent.
	UID     uint32
	Section string
	Partial string
}

// String returns the URL as it was sent.
func (u *URL) String() string { return u.Raw }

// Address returns the server to connect to, as transport.ParseAddress
// reads it (imap://host[:port], cleartext with STARTTLS possible, port
// 143 by default; RFC 5092 defines no imaps scheme). Pass its String to
// client.Dial.
func (u *URL) Address() (transport.Address, error) {
	hp := u.Host
	if strings.Contains(hp, ":") {
		hp = "[" + hp + "]"
	}
	if u.Port != "" {
		hp += ":" + u.Port
	}
	return transport.ParseAddress("imap://" + hp)
}

// maxURL bounds a referral URL: a server that sends more is hostile.
const maxURL = 8192

// ParseURL reads an IMAP URL (RFC 5092 §11). The scheme is matched
// case-insensitively (RFC 2221's examples write IMAP://).
func ParseURL(s string) (*URL, error) {
	if len(s) > maxURL {
		return nil, fmt.Errorf("referrals: URL of %d bytes (at most %d)", len(s), maxURL)
	}
	u := &URL{Raw: s}
	const scheme = "imap://"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return nil, fmt.Errorf("referrals: %q: not an imap:// URL (RFC 5092)", s)
	}
	rest := s[len(scheme):]
	server, path, _ := strings.Cut(rest, "/")
	if at := strings.LastIndexByte(server, '@'); at >= 0 {
		user := server[:at]
		server = server[at+1:]
		if i := indexFold(user, ";AUTH="); i >= 0 {
			auth, err := url.PathUnescape(user[i+len(";AUTH="):])
			if err != nil || auth == "" {
				return nil, fmt.Errorf("referrals: %q: bad ;AUTH=", s)
			}
			u.Auth = auth
			user = user[:i]
		}
		var err error
		if u.User, err = url.PathUnescape(user); err != nil {
			return nil, fmt.Errorf("referrals: %q: user: %v", s, err)
		}
	}
	host, port := server, ""
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return nil, fmt.Errorf("referrals: %q: unclosed IPv6 host", s)
		}
		host, port = host[1:end], host[end+1:]
		if port != "" && port[0] != ':' {
			return nil, fmt.Errorf("referrals: %q: junk after the host", s)
		}
		port = strings.TrimPrefix(port, ":")
	} else if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host, port = host[:i], host[i+1:]
	}
	if host == "" || strings.ContainsAny(host, " ;?#%") {
		return nil, fmt.Errorf("referrals: %q: bad host %q", s, host)
	}
	if port != "" {
		if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
			return nil, fmt.Errorf("referrals: %q: bad port %q", s, port)
		}
	}
	u.Host, u.Port = host, port
	if path == "" {
		return u, nil
	}
	if err := u.parsePath(path); err != nil {
		return nil, fmt.Errorf("referrals: %q: %w", s, err)
	}
	return u, nil
}

func (u *URL) parsePath(path string) error {
	mbox, search, hasSearch := strings.Cut(path, "?")
	parts := strings.Split(mbox, "/;")
	name := parts[0]
	if i := indexFold(name, ";UIDVALIDITY="); i >= 0 {
		n, err := strconv.ParseUint(name[i+len(";UIDVALIDITY="):], 10, 32)
		if err != nil || n == 0 {
			return errors.New("bad ;UIDVALIDITY=")
		}
		u.UIDValidity = uint32(n)
		name = name[:i]
	}
	var err error
	if u.Mailbox, err = url.PathUnescape(name); err != nil {
		return fmt.Errorf("mailbox: %v", err)
	}
	for _, p := range parts[1:] {
		key, val, ok := strings.Cut(p, "=")
		if !ok {
			return fmt.Errorf("bad part %q", p)
		}
		switch strings.ToUpper(key) {
		case "UID":
			n, err := strconv.ParseUint(val, 10, 32)
			if err != nil || n == 0 {
				return errors.New("bad ;UID=")
			}
			u.UID = uint32(n)
		case "SECTION":
			if u.Section, err = url.PathUnescape(val); err != nil {
				return fmt.Errorf("section: %v", err)
			}
		case "PARTIAL":
			u.Partial = val
		default:
			// ;URLAUTH= and later additions stay in Raw only.
		}
	}
	if hasSearch {
		if u.UID != 0 {
			return errors.New("a search with a UID")
		}
		if u.Search, err = url.QueryUnescape(strings.ReplaceAll(search, "+", "%2B")); err != nil {
			return fmt.Errorf("search: %v", err)
		}
	}
	return nil
}

// indexFold is strings.Index with ASCII case folding (sub is ASCII).
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
