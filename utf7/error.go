package utf7

import "strconv"

// An Error reports input that [Encode] or [Decode] rejects, and where.
type Error struct {
	Op     string // "encode" (input is not UTF-8) or "decode" (input is not modified UTF-7)
	Offset int    // byte offset in the input
	Reason string // what is wrong there, e.g. "encoded printable ASCII"
}

func (e *Error) Error() string {
	what := "modified UTF-7"
	if e.Op == "encode" {
		what = "UTF-8"
	}
	return "utf7: invalid " + what + " at offset " + strconv.Itoa(e.Offset) + ": " + e.Reason
}

// Reasons given by Decode and Encode.
const (
	reasonByte        = "byte outside printable US-ASCII"
	reasonUnterminate = "unterminated shift (missing \"-\")"
	reasonBase64      = "character outside modified BASE64"
	reasonAdjacent    = "encoded run follows another encoded run"
	reasonPrintable   = "encoded printable ASCII"
	reasonHighSurr    = "unpaired high surrogate"
	reasonLowSurr     = "unpaired low surrogate"
	reasonPartial     = "incomplete UTF-16 unit"
	reasonPadding     = "non-zero padding bits"
	reasonUTF8        = "malformed byte sequence"
)

func decodeError(off int, reason string) error {
	return &Error{Op: "decode", Offset: off, Reason: reason}
}
