// Package conformance is imapkit's reusable conformance kit: the recorded
// transcript corpus and its runner, a client suite and a server suite that
// any implementation can be driven through, an in-memory IMAP server
// (package memserver) and a scripted fault-injecting server (module
// conformance/scripted).
package conformance
