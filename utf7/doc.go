// Package utf7 implements the modified UTF-7 encoding of IMAP mailbox names
// (RFC 3501 §5.1.3).
//
// In modified UTF-7, printable US-ASCII characters (0x20-0x7e) other than
// "&" represent themselves, "&" is written "&-", and every other character
// is written as UTF-16BE in a modified BASE64 (alphabet A-Z a-z 0-9 + ",",
// no padding) between "&" and "-". For example the RFC's
// "~peter/mail/台北/日本語" is "~peter/mail/&U,BTFw-/&ZeVnLIqe-".
//
// Every name has exactly one modified UTF-7 spelling, and this package
// insists on it: [Encode] produces it, and [Decode] rejects every other
// spelling (encoded printable ASCII, split runs, non-zero padding bits,
// surplus characters, unpaired surrogates, raw 8-bit or control bytes)
// with an [*Error] that names the byte offset. Two spellings of one name
// would let one mailbox hide behind another or get lost on a round trip.
// Whatever Decode accepts, Encode turns back into the identical bytes.
//
// Names that need no encoding are returned unchanged, without allocating.
package utf7
