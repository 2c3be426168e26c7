package sasl

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"strings"

	gosasl "github.com/emersion/go-sasl"
	"github.com/imapkit/imapkit/client"
	"github.com/xdg-go/scram"
)

// Binding names a channel-binding type (RFC 5056).
type Binding string

// Channel-binding types.
const (
	// TLSExporter is tls-exporter (RFC 9266): exported keying material.
	// The default; the only one defined for TLS 1.3.
	TLSExporter Binding = "tls-exporter"
	// TLSUnique is tls-unique (RFC 5929 §3): the first Finished message,
	// TLS 1.2 and earlier only (tls.ConnectionState.TLSUnique).
	TLSUnique Binding = "tls-unique"
	// TLSServerEndPoint is tls-server-end-point (RFC 5929 §4): a hash of
	// the server's certificate.
	TLSServerEndPoint Binding = "tls-server-end-point"
)

// SCRAMOptions are the optional parts of SCRAM.
type SCRAMOptions struct {
	// AuthzID is the identity to act as, when it differs from the user
	// name (RFC 5802 §5.1 "a=").
	AuthzID string
	// TLS is the connection's TLS state, needed by the -PLUS mechanisms
	// (channel binding, RFC 5802 §6): client.Conn.TLSConnectionState.
	// Authenticate takes it from the connection when it is nil.
	TLS *tls.ConnectionState
	// Binding is the channel-binding type; empty means tls-exporter,
	// or tls-unique on TLS 1.2 without extended master secret (where
	// RFC 9266 §3 forbids tls-exporter).
	Binding Binding
	// AllowCRAMMD5 lets Authenticate fall back to CRAM-MD5.
	AllowCRAMMD5 bool
	// MaxIterations bounds the PBKDF2 iteration count a server may ask
	// for (RFC 5802 §5.1 "i="): a hostile server could otherwise keep
	// the client busy for hours. 0 means DefaultMaxIterations.
	MaxIterations int

	clientSupportsBinding bool
	nonce                 func() string // tests: the RFC examples' nonces
}

// SCRAMClient is a SCRAM mechanism; Verified reports, after the exchange,
// whether the server proved its knowledge of the password.
type SCRAMClient interface {
	gosasl.Client
	Verified() bool
}

// DefaultMaxIterations is the largest iteration count accepted by
// default: far above what servers use (4096 is RFC 7677's minimum;
// OWASP's 600000 for PBKDF2-SHA256 fits), yet a few seconds at most.
const DefaultMaxIterations = 1 << 22

type scramClient struct {
	mech     string
	conv     *scram.ClientConversation
	maxIter  int
	gotFirst bool
}

// NewSCRAMClient returns a client for mech: SCRAM-SHA-1, SCRAM-SHA-256
// (RFC 5802, RFC 7677) or their -PLUS variants, which bind the
// authentication to the TLS channel (opts.TLS is then required). The
// password is prepared with SASLprep (RFC 4013) by xdg-go/scram.
func NewSCRAMClient(mech, username, password string, opts *SCRAMOptions) (SCRAMClient, error) {
	if opts == nil {
		opts = &SCRAMOptions{}
	}
	mech = strings.ToUpper(mech)
	base, plus := strings.CutSuffix(mech, "-PLUS")
	var hash scram.HashGeneratorFcn
	switch base {
	case SCRAMSHA1:
		hash = scram.SHA1
	case SCRAMSHA256:
		hash = scram.SHA256
	default:
		return nil, fmt.Errorf("sasl: unknown SCRAM mechanism %q", mech)
	}
	cl, err := hash.NewClient(username, password, opts.AuthzID)
	if err != nil {
		return nil, fmt.Errorf("sasl: %s: %w", mech, err)
	}
	if opts.nonce != nil {
		cl = cl.WithNonceGenerator(opts.nonce)
	}
	var conv *scram.ClientConversation
	if plus {
		cb, err := ChannelBinding(opts.TLS, opts.Binding)
		if err != nil {
			return nil, fmt.Errorf("sasl: %s: %w", mech, err)
		}
		conv = cl.NewConversationWithChannelBinding(cb)
	} else if opts.clientSupportsBinding {
		conv = cl.NewConversationAdvertisingChannelBinding()
	} else {
		conv = cl.NewConversation()
	}
	maxIter := opts.MaxIterations
	if maxIter <= 0 {
		maxIter = DefaultMaxIterations
	}
	return &scramClient{mech: mech, conv: conv, maxIter: maxIter}, nil
}

// ChannelBinding computes the channel-binding data of type b for a TLS
// connection (RFC 9266, RFC 5929). An empty b chooses as SCRAMOptions
// says.
func ChannelBinding(state *tls.ConnectionState, b Binding) (scram.ChannelBinding, error) {
	if state == nil {
		return scram.ChannelBinding{}, errors.New("channel binding needs the TLS connection state")
	}
	if b == "" {
		b = TLSExporter
		if state.Version < tls.VersionTLS13 && !state.DidResume && len(state.TLSUnique) > 0 {
			// Without extended master secret tls-exporter is not
			// unique (RFC 9266 §3); Go reports tls-unique then.
			b = TLSUnique
		}
	}
	switch b {
	case TLSExporter:
		return scram.NewTLSExporterBinding(state)
	case TLSUnique:
		if len(state.TLSUnique) == 0 {
			return scram.ChannelBinding{}, errors.New("tls-unique is not available on this connection (TLS 1.3, or resumed)")
		}
		return scram.NewTLSUniqueBinding(state.TLSUnique), nil
	case TLSServerEndPoint:
		return scram.NewTLSServerEndpointBinding(state)
	}
	return scram.ChannelBinding{}, fmt.Errorf("unknown channel-binding type %q", b)
}

func (s *scramClient) Start() (string, []byte, error) {
	first, err := s.conv.Step("")
	if err != nil {
		return s.mech, nil, err
	}
	return s.mech, []byte(first), nil
}

func (s *scramClient) Next(challenge []byte) ([]byte, error) {
	if s.conv.Done() {
		return nil, errors.New("sasl: SCRAM: challenge after the exchange ended")
	}
	if !s.gotFirst {
		s.gotFirst = true
		if err := s.checkIterations(challenge); err != nil {
			return nil, err
		}
	}
	out, err := s.conv.Step(string(challenge))
	if err != nil {
		return nil, fmt.Errorf("sasl: %s: %w", s.mech, err)
	}
	return []byte(out), nil
}

func (s *scramClient) Verified() bool { return s.conv.Done() && s.conv.Valid() }

// AuthenticateSCRAM runs c.Authenticate with m and then checks that the
// server proved its knowledge of the password (RFC 5802 §3, the
// server-final-message). A server that says OK without that proof is
// refused: the connection is closed and ErrServerNotVerified returned.
// It fails with an error wrapping client.ErrNotSupported when the server
// does not advertise the mechanism.
func AuthenticateSCRAM(ctx context.Context, c *client.Conn, m SCRAMClient) error {
	s, ok := m.(*scramClient)
	if !ok {
		return errors.New("sasl: AuthenticateSCRAM needs a client from NewSCRAMClient")
	}
	if err := requireMech(ctx, c, s.mech); err != nil {
		return err
	}
	if err := c.Authenticate(ctx, m); err != nil {
		return err
	}
	if !m.Verified() {
		c.Close()
		return ErrServerNotVerified
	}
	return nil
}

// checkIterations refuses a server-first-message whose iteration count
// (RFC 5802 §7 "i=" posit-number) is above the bound, before any PBKDF2
// work.
func (s *scramClient) checkIterations(first []byte) error {
	for _, attr := range strings.Split(string(first), ",") {
		v, ok := strings.CutPrefix(attr, "i=")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("sasl: %s: bad iteration count %q", s.mech, v)
		}
		if n > s.maxIter {
			return fmt.Errorf("sasl: %s: the server asks for %d iterations, more than the %d allowed (SCRAMOptions.MaxIterations)", s.mech, n, s.maxIter)
		}
	}
	return nil
}
