// Package wire is the vocabulary of imapkit: IMAP values, responses,
// commands and the typed data of the base protocol. It does no I/O.
package wire
