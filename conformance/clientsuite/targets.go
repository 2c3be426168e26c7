package clientsuite

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// Server is one of the real servers the project runs (scripts/servers),
// with its environment variable prefix and its known capability profile.
type Server struct {
	// Key names the server in IMAPKIT_<KEY>_* variables ("DOVECOT").
	Key string
	// Name is the report's column heading.
	Name string
	// Expect, Lacks and Deviations become the Target's.
	Expect, Lacks []string
	Deviations    map[string]string
}

// Servers are the three real servers of scripts/servers, with the
// capabilities they advertise after login as configured there (see
// ../shared/SERVERS.md and scripts/servers/README.md).
var Servers = []Server{
	{
		Key: "DOVECOT", Name: "Dovecot 2.3",
		Expect: []string{"IMAP4rev1", "IDLE", "UIDPLUS", "MOVE", "CONDSTORE", "QRESYNC", "ESEARCH", "NAMESPACE",
			"SPECIAL-USE", "LIST-EXTENDED", "COMPRESS=DEFLATE", "LITERAL+", "ENABLE", "UNSELECT"},
		Lacks: []string{"IMAP4rev2", "UTF8=ACCEPT", "OBJECTID"},
	},
	{
		Key: "CYRUS", Name: "Cyrus 3.6",
		Expect: []string{"IMAP4rev1", "IDLE", "UIDPLUS", "MOVE", "CONDSTORE", "QRESYNC", "ESEARCH", "NAMESPACE",
			"SPECIAL-USE", "LIST-EXTENDED", "COMPRESS=DEFLATE", "LITERAL+", "ENABLE", "UNSELECT", "OBJECTID"},
		Lacks: []string{"IMAP4rev2", "UTF8=ACCEPT"},
	},
	{
		Key: "COURIER", Name: "Courier 5.0",
		Expect: []string{"IMAP4rev1", "IDLE", "UIDPLUS", "NAMESPACE", "ENABLE", "UTF8=ACCEPT", "ACL", "QUOTA"},
		Lacks: []string{"IMAP4rev2", "MOVE", "CONDSTORE", "ESEARCH", "COMPRESS=DEFLATE", "SPECIAL-USE",
			"LIST-EXTENDED", "LITERAL+", "UNSELECT"},
		Deviations: map[string]string{
			"examine-read-only": "STORE in an EXAMINEd mailbox answers OK and changes the flags for good",
		},
	},
}

// ErrNoServer is returned by TargetFromEnv when the server's variables are
// not set (the server is not running here).
var ErrNoServer = fmt.Errorf("server not configured")

// TargetFromEnv builds the Target of s from the variables its script's
// `env` verb prints: IMAPKIT_<KEY>_ADDR, _TLS_ADDR, _CA, _USER, _PASS,
// _USER2, _PASS2, _UTF8_USER, _UTF8_PASS. It returns an error wrapping
// ErrNoServer when IMAPKIT_<KEY>_ADDR is unset.
func TargetFromEnv(s Server) (Target, error) {
	get := func(k string) string { return os.Getenv("IMAPKIT_" + s.Key + "_" + k) }
	t := Target{
		Name: s.Name, Addr: get("ADDR"), TLSAddr: get("TLS_ADDR"),
		User: get("USER"), Pass: get("PASS"), User2: get("USER2"), Pass2: get("PASS2"),
		UTF8User: get("UTF8_USER"), UTF8Pass: get("UTF8_PASS"),
		Expect: s.Expect, Lacks: s.Lacks, Deviations: s.Deviations,
	}
	if t.Addr == "" {
		return t, fmt.Errorf("%w: IMAPKIT_%s_ADDR is unset (scripts/servers/%s.sh start; eval its env)", ErrNoServer, s.Key, lower(s.Key))
	}
	if ca := get("CA"); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return t, fmt.Errorf("IMAPKIT_%s_CA: %w", s.Key, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return t, fmt.Errorf("IMAPKIT_%s_CA: no certificate in %s", s.Key, ca)
		}
		t.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "localhost"}
	}
	return t, nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}
