package main

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
)

// fakeServer serves each connection on 127.0.0.1 with script and records
// the command lines it reads (through the reader it hands to script).
type fakeServer struct {
	ln    net.Listener
	mu    sync.Mutex
	lines []string
	wg    sync.WaitGroup
}

func newFakeServer(t *testing.T, script func(c net.Conn, next func() (string, bool))) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				br := bufio.NewReader(c)
				script(c, func() (string, bool) {
					line, err := br.ReadString('\n')
					if err != nil {
						return "", false
					}
					s.mu.Lock()
					s.lines = append(s.lines, strings.TrimRight(line, "\r\n"))
					s.mu.Unlock()
					return line, true
				})
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *fakeServer) url() string { return "imap://u@" + s.ln.Addr().String() }

func (s *fakeServer) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lines...)
}

// tagOf returns the tag of a command line.
func tagOf(line string) string { t, _, _ := strings.Cut(line, " "); return t }

// drain answers nothing until the client goes away.
func drain(next func() (string, bool)) {
	for {
		if _, ok := next(); !ok {
			return
		}
	}
}

func TestConnectTimeoutNamesStep(t *testing.T) {
	s := newFakeServer(t, func(c net.Conn, next func() (string, bool)) { drain(next) }) // no greeting
	_, errs, code := runImapc(t, "", "list", "-url", s.url(), "-connect-timeout", "200ms")
	want := "waiting for the greeting from 127.0.0.1"
	if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "-connect-timeout") {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, errs, want)
	}
}

func TestCleartextPreauthRefused(t *testing.T) {
	s := newFakeServer(t, func(c net.Conn, next func() (string, bool)) {
		c.Write([]byte("* PREAUTH [CAPABILITY IMAP4rev1] logged in\r\n"))
		for {
			line, ok := next()
			if !ok {
				return
			}
			c.Write([]byte("* LIST () \"/\" secret\r\n" + tagOf(line) + " OK done\r\n"))
		}
	})
	_, errs, code := runImapc(t, "", "list", "-url", s.url())
	if code != 1 || !strings.Contains(errs, "PREAUTH") || !strings.Contains(errs, "-allow-cleartext") {
		t.Errorf("exit %d, stderr %q; want a refusal naming PREAUTH and -allow-cleartext", code, errs)
	}
	for _, l := range s.received() {
		if strings.Contains(strings.ToUpper(l), "LIST") {
			t.Errorf("LIST went out in cleartext after a PREAUTH: %q", s.received())
		}
	}
	// Opting out accepts it.
	out, errs, code := runImapc(t, "", "list", "-url", s.url(), "-allow-cleartext")
	if code != 0 || !strings.Contains(out, "secret") {
		t.Errorf("-allow-cleartext: exit %d, out %q, stderr %q", code, out, errs)
	}
}

func TestNoStartTLSOfferedRefused(t *testing.T) {
	s := newFakeServer(t, func(c net.Conn, next func() (string, bool)) {
		c.Write([]byte("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n"))
		for {
			line, ok := next()
			if !ok {
				return
			}
			switch {
			case strings.Contains(strings.ToUpper(line), "LOGIN"):
				c.Write([]byte(tagOf(line) + " OK logged in\r\n"))
			case strings.Contains(strings.ToUpper(line), "CAPABILITY"):
				c.Write([]byte("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tagOf(line) + " OK\r\n"))
			default:
				c.Write([]byte(tagOf(line) + " OK\r\n"))
			}
		}
	})
	t.Setenv("IMAPC_PASSWORD", "hunter2")
	_, errs, code := runImapc(t, "", "capabilities", "-url", s.url())
	if code != 1 || !strings.Contains(errs, "does not offer STARTTLS") || !strings.Contains(errs, "-allow-cleartext") {
		t.Errorf("exit %d, stderr %q; want a refusal", code, errs)
	}
	for _, l := range s.received() {
		if strings.Contains(l, "hunter2") || strings.Contains(strings.ToUpper(l), "LOGIN") {
			t.Errorf("the password went out: %q", s.received())
		}
	}
	// -allow-cleartext alone still keeps the password back.
	_, errs, code = runImapc(t, "", "capabilities", "-url", s.url(), "-allow-cleartext")
	if code != 1 || !strings.Contains(errs, "-insecure-auth") || strings.Contains(errs, "Options.") {
		t.Errorf("-allow-cleartext: exit %d, stderr %q", code, errs)
	}
}

func TestInactivityTimeout(t *testing.T) {
	s := newFakeServer(t, func(c net.Conn, next func() (string, bool)) {
		c.Write([]byte("* OK [CAPABILITY IMAP4rev1] hi\r\n"))
		for {
			line, ok := next()
			if !ok {
				return
			}
			if strings.Contains(strings.ToUpper(line), "LOGIN") {
				c.Write([]byte(tagOf(line) + " OK logged in\r\n"))
				continue
			}
			// Anything else: silence.
		}
	})
	t.Setenv("IMAPC_PASSWORD", "x")
	_, errs, code := runImapc(t, "", "list", "-url", s.url(), "-allow-cleartext", "-insecure-auth", "-timeout", "200ms")
	want := "no data from 127.0.0.1 for 200ms"
	if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "(-timeout)") {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, errs, want)
	}
}
