// Package bench compares imapkit with its peers: github.com/emersion/go-imap/v2,
// Python's imaplib and a raw socket reader that only counts bytes.
//
// The package itself holds the deterministic benchmark streams shared by the
// codec benchmarks of this module (codec_test.go: imapkit's codec and client
// side by side with go-imap v2's client over a net.Pipe). The live
// harness is the command imapbench (cmd/imapbench), which runs every client
// against the project's Dovecot and writes docs/PERFORMANCE.md.
//
// It is the only module that requires the peer libraries, so no library
// module's go.mod names them; it is in the repository's go.work and also
// builds alone with GOWORK=off (see README.md).
package bench
