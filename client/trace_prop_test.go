package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/emersion/go-sasl"
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
	cc, sc := net.Pipe()
	defer sc.Close()

	// The server: after each client line, a random answer or several.
	serverDone := make(chan struct{})
	srng := rand.New(rand.NewPCG(seed, 10)) // the server's own
	go func() {
		defer close(serverDone)
		w := bufio.NewWriter(sc)
		say := func(s string) bool {
			w.WriteString(s + "\r\n")
			return w.Flush() == nil
		}
		if !say(greeting) {
			return
		}
		br := bufio.NewReader(sc)
		tag := "A1"
		for n := 0; n < 50; n++ {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			// The server answers with the latest command tag it saw (never
			// echoing the client's other lines: a server that prints a
			// secret is not a leak of the trace).
			if t, _, _ := strings.Cut(line, " "); len(t) > 1 && t[0] == 'A' && strings.Trim(t[1:], "0123456789") == "" {
				tag = t
			}
			for k := srng.IntN(3); k >= 0; k-- {
				var out string
				switch srng.IntN(9) {
				case 0:
					out = "+ go ahead"
				case 1:
					out = "+ " + base64.StdEncoding.EncodeToString([]byte("challenge"))
				case 2:
					out = tag + " NO refused"
				case 3:
					out = tag + " BAD what"
				case 4:
					out = tag + " OK fine"
				case 5:
					out = "* BYE going"
				case 6:
					out = "* OK [ALERT] chatter"
				case 7:
					out = "garbage ) ( {3}"
				case 8:
					continue // silence
				}
				if !say(out) {
					return
				}
			}
		}
	}()

	opts := &Options{InsecureAuth: true, Trace: &trace, InactivityTimeout: 30 * time.Second}
	c, err := New(context.Background(), cc, opts)
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
	cc.Close()
	sc.Close()
	<-serverDone

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
