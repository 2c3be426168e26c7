// Package utf7 implements the modified UTF-7 encoding of IMAP mailbox names
// (RFC 3501 §5.1.3).
package utf7
