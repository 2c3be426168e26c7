// Package codec converts between IMAP bytes and wire values, in both
// directions.
//
// # Decoding responses
//
// A [Decoder] reads server responses (RFC 9051 §7, RFC 3501 §7) one at a
// time from a buffered reader and returns each as a *wire.Response: its
// kind (status, data, done, continue), tag, status, response code, text,
// data name (upper-cased, also after a number: "* 12 FETCH"), number and
// data. The data of a response is what the parser registered for its
// name returns (a *wire.FetchData for FETCH, a *wire.ListData for LIST,
// ...; see [RegisterBase]), or a generic []wire.Value tree when no parser
// is registered, so that an unknown extension never breaks the stream.
// Response codes and FETCH items are dispatched the same way.
//
// A [ValidatingDecoder] is for tools that print generic trees: each
// response is also checked by the base parsers, on a goroutine of its
// own, apart from the decoder.
//
// Parsers are kept in a [Registry] that belongs to one decoder (one
// connection). The base protocol installs itself with [RegisterBase] like
// any extension; an extension adds its own with [Registry.Data],
// [Registry.Code] and [Registry.FetchItem], reading with the [Parser]
// they are given.
//
// # Literals and memory
//
// The decoder reads lines into a reusable buffer (bufio.Reader.ReadSlice)
// and allocates only for the values it returns; many short strings of a
// response share one allocation: strings up to 512 octets are cut from
// 8 KiB chunks (an arena), and small slices (flags, parameters,
// addresses) from shared slabs. A string or slice that a caller keeps
// pins its whole chunk: keeping one flag of a response for the life of a
// program keeps up to 8 KiB alive. Copy what is kept for long
// (strings.Clone, slices.Clone) when that matters. A literal up to
// DecoderOptions.StreamThreshold is read into its value; a larger one goes
// to DecoderOptions.OnLiteral, when set, as an io.Reader over the stream
// ([Literal]), so that memory does not depend on literal sizes. A
// buffered literal grows as its octets arrive: a server that claims
// {9999999999999} cannot make the decoder allocate that.
//
// # Limits and errors
//
// MaxLineLength, MaxLiteralSize, MaxDepth and MaxListItems bound what one
// response may cost; beyond them the decoder fails with ErrLineTooLong,
// ErrLiteralTooLarge, ErrTooDeep or ErrTooManyItems, wrapped in a
// [*LimitError] that says where. Input that is not IMAP fails with a
// [*SyntaxError] giving the byte offset in the stream, what was expected
// and an excerpt. After either, the stream cannot be resynchronised and
// the decoder returns the same error from then on. Nothing panics on any
// input.
//
// # Lenient and strict
//
// By default the decoder accepts the deviations of real servers listed
// below; DecoderOptions.Strict rejects them. Keywords in any case are not
// a deviation (RFC 9051 §9 makes them case-insensitive) and are accepted
// in both modes, as are unknown response codes with any text
// (resp-text-code allows atom SP text), and texts that start with "["
// without being a response code ("[Gmail]/Spam is read-only": no SP
// after "]", so text = 1*TEXT-CHAR is what matches).
//
//   - A mailbox name that is not valid modified UTF-7 is kept as sent
//     (Dovecot 2.3.19 sends a UTF-8 name in a literal in the STATUS that
//     NOTIFY pushes).
//   - NIL where a body structure requires a string (type, subtype,
//     encoding, parameter values) or a number (size, lines), TEXT parts
//     without the line count, MESSAGE/RFC822 parts without envelope and
//     body, "()" for an empty parameter list, spaces between the parts of
//     a multipart or between addresses.
//   - Extra spaces between tokens and after "(", a missing space next to a
//     parenthesis or quote, a trailing space at the end of a response.
//   - 8-bit text that is not UTF-8 in resp-text and quoted strings, 8-bit
//     bytes in atoms, a backslash before a character other than DQUOTE or
//     backslash in a quoted string.
//   - "* OK" and "A1 OK" without text, "[READ-ONLY]" without the SP
//     before the end of the line, "+" without SP.
//   - 0 and leading zeros where an nz-number is required, a one-digit day
//     in a date-time without its leading space, "<origin.length>" echoed
//     in a FETCH section, an empty FETCH list "()".
//   - Seen from production servers (and accepted by MailKit): FLAGS NIL
//     (no flags); BODYSTRUCTURE NIL (BodyStructure nil), NIL in place of
//     a part of a multipart (skipped) or of the envelope and body of a
//     MESSAGE/RFC822 part (nil); a multipart with no parts, such as
//     ("ALTERNATIVE" ("BOUNDARY" "x") NIL NIL); a negative octet or line
//     count such as -1 (0); a disposition sent as a string ("inline") or
//     as (NIL NIL) (nil), and NIL in a language list (skipped); an empty
//     quoted hierarchy delimiter "" in LIST (NIL); "%" and "*" in an
//     unquoted mailbox name; a {n+} literal from the server; extra
//     parentheses around the FETCH items, "((UID 1))"; a FETCH item
//     without a value before ")" (skipped).
//
// # Parsers that fail
//
// One policy holds for every registered parser, the base protocol's and
// the extensions': when a data parser, a FETCH item parser, or the
// parser of an item of STATUS, ESEARCH or LIST-EXTENDED fails, a
// lenient decoder keeps what it could not read as a generic value with a
// [*ParseError] recorded on it (Response.ParseErr, FetchItem.ParseErr)
// and passed to DecoderOptions.OnParseError; a strict decoder fails the
// response with the parser's error. A response code whose parser fails
// keeps its generic arguments (Code.Args, Code.ParseErr) in both modes,
// since resp-text-code's generic alternative matches them (RFC 9051
// §9). A value is read again from where its parser began, even across
// literals: while a lenient decoder reads a response it keeps the lines
// that end in a literal and the literals' octets (within MaxLineLength
// and MaxLiteralSize in all) and replays them. Only a parser that fails
// past a literal streamed to OnLiteral, or in a response beyond those
// bounds, fails the response in lenient mode.
// Unknown names are not failures: an unknown response, code or FETCH
// item, and an unknown STATUS, ESEARCH or LIST-EXTENDED item, is a
// generic value in both modes (a STATUS item with a number keeps the
// number; one with another value, e.g. MAILBOXID (F2212ea87) of RFC 8474,
// is StatusItem.Other unless a parser is registered for the item with
// [Registry.StatusItem], which makes it StatusItem.Data).
//
// Courier's "* QUOTA "ROOT"" without a resource list is a generic tree
// for the base registry (QUOTA is an extension); an extension's parser
// decides whether to tolerate it (see [Parser.Strict]).
//
// # Decoding commands
//
// A [CommandDecoder] reads client commands for proxies and test servers,
// with a callback at each synchronizing literal so that the server can
// send its continuation request. Arguments are generic value trees;
// [ParseCommand] turns those of SELECT/EXAMINE, FETCH, SEARCH (a tree of
// [SearchKey]s), STORE, APPEND, LIST/LSUB and STATUS into typed commands,
// whose Command methods give back the wire.Command an [Encoder] writes.
//
// # Encoding responses
//
// A [ResponseEncoder] writes responses. Typed data is written by the
// encoder registered beside its parser ([Registry.EncodeData],
// [Registry.EncodeCode], [Registry.EncodeFetchItem]) with a [Writer], so
// that a proxy re-encodes what it decoded, byte for byte, extensions
// included.
package codec
