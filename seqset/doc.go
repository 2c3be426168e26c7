// Package seqset implements IMAP sequence sets and UID sets
// (RFC 9051 §9 "sequence-set").
package seqset
