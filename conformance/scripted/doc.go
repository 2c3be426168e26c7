// Package scripted is a scripted IMAP server for tests: it expects the
// client's bytes and answers with bytes written in the script, and it
// injects the faults a real server cannot be made to produce. It uses the
// standard library only, so any module's tests may import it.
package scripted
