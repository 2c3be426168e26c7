package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/imapkit/imapkit/conformance/scripted"
)

// lockedBuffer is a trace sink read after the connection ended.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Issue 9 item 13, as a property: whatever the server does (continuation
// requests when none is due or never, NO, BAD, BYE, garbage, silence), no
// password or SASL secret given to the client appears in the trace.
func TestTraceNeverShowsSecrets(t *testing.T) {
	for seed := range uint64(1000) {
		synctest.Test(t, func(t *testing.T) {
			traceSecretsRun(t, seed)
		})
		if t.Failed() {
			return
		}
	}
}

func traceSecretsRun(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 9))
	secret := fmt.Sprintf("Secret%dPw", 1000+rng.IntN(9000))
	switch rng.IntN(3) {
	case 1:
		secret += `"q` // forces a literal
	case 2:
		secret += "é" // 8-bit: a literal
	}
	var caps []string
	for _, c := range []string{"LITERAL+", "LITERAL-", "SASL-IR", "AUTH=PLAIN", "IDLE"} {
		if rng.IntN(2) == 0 {
			caps = append(caps, c)
		}
	}
	greeting := "* OK [CAPABILITY IMAP4rev1 " + strings.Join(caps, " ") + "] hi"
	var trace lockedBuffer
	s := scripted.New(t, nil)

	// The server: after each client line, a random answer or several;
	// after 50 lines it stops reading and says nothing more.
	srng := rand.New(rand.NewPCG(seed, 10)) // the server's own
	s.SendLine(greeting)
	tag, n := "A1", 0
	s.Respond(func(line string) ([]string, bool) {
		// The server answers with the latest command tag it saw (never
		// echoing the client's other lines: a server that prints a
		// secret is not a leak of the trace).
		if t, _, _ := strings.Cut(line, " "); len(t) > 1 && t[0] == 'A' && strings.Trim(t[1:], "0123456789") == "" {
			tag = t
		}
		var reply []string
		for k := srng.IntN(3); k >= 0; k-- {
			switch srng.IntN(9) {
			case 0:
				reply = append(reply, "+ go ahead")
			case 1:
				reply = append(reply, "+ "+base64.StdEncoding.EncodeToString([]byte("challenge")))
			case 2:
				reply = append(reply, tag+" NO refused")
			case 3:
				reply = append(reply, tag+" BAD what")
			case 4:
				reply = append(reply, tag+" OK fine")
			case 5:
				reply = append(reply, "* BYE going")
			case 6:
				reply = append(reply, "* OK [ALERT] chatter")
			case 7:
				reply = append(reply, "garbage ) ( {3}")
			case 8: // silence
			}
		}
		n++
		return reply, n < 50
	})
	s.StopReading()

	opts := &Options{InsecureAuth: true, Trace: &trace, InactivityTimeout: 30 * time.Second}
	c, err := New(context.Background(), s.Client(), opts)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		for step := 0; step < 4 && c.Err() == nil; step++ {
			switch rng.IntN(4) {
			case 0:
				c.Login(ctx, "user", secret)
			case 1:
				c.Authenticate(ctx, sasl.NewPlainClient("", "user", secret))
			case 2:
				c.Noop(ctx)
			case 3:
				c.Login(ctx, "user"+`"x`, secret)
			}
		}
		cancel()
		c.Close()
	}
	s.Close()

	got := trace.String()
	forbidden := []string{
		secret,
		strings.TrimSuffix(secret, `"q`),
		base64.StdEncoding.EncodeToString([]byte("\x00user\x00" + secret)),
		base64.StdEncoding.EncodeToString([]byte(secret)),
	}
	for _, f := range forbidden {
		if strings.Contains(got, f) {
			t.Fatalf("seed %d: the trace shows a secret (%q):\n%s", seed, f, got)
		}
	}
}
