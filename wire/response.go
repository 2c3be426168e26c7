package wire

import (
	"strconv"
	"strings"
)

// ResponseKind says which of the four shapes of server response a
// Response has (RFC 9051 §2.2.2, §7).
type ResponseKind uint8

const (
	// StatusResponse is an untagged status response: * OK, * NO, * BAD,
	// * PREAUTH or * BYE (RFC 9051 §7.1).
	StatusResponse ResponseKind = iota
	// DataResponse is untagged data such as * CAPABILITY, * 3 EXISTS or
	// * 12 FETCH (...) (RFC 9051 §7.2-7.5).
	DataResponse
	// DoneResponse is a tagged completion: A1 OK, A1 NO or A1 BAD
	// (RFC 9051 §7.1).
	DoneResponse
	// ContinueResponse is a command continuation request: + text
	// (RFC 9051 §7.6).
	ContinueResponse
)

var responseKindNames = [...]string{"status", "data", "done", "continue"}

func (k ResponseKind) String() string {
	if int(k) < len(responseKindNames) {
		return responseKindNames[k]
	}
	return "UNKNOWN_KIND_" + strconv.Itoa(int(k))
}

// Status is the condition of a status response or a completion
// (RFC 9051 §7.1).
type Status uint8

const (
	// StatusNone is the zero Status, carried by data and continuation
	// responses.
	StatusNone    Status = iota
	StatusOK             // OK (RFC 9051 §7.1.1)
	StatusNo             // NO (RFC 9051 §7.1.2)
	StatusBad            // BAD (RFC 9051 §7.1.3)
	StatusPreauth        // PREAUTH (RFC 9051 §7.1.4)
	StatusBye            // BYE (RFC 9051 §7.1.5)
)

var statusNames = [...]string{"", "OK", "NO", "BAD", "PREAUTH", "BYE"}

// String returns the status as the protocol spells it ("OK", "NO", ...),
// "" for StatusNone and UNKNOWN_STATUS_n for values outside the set.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "UNKNOWN_STATUS_" + strconv.Itoa(int(s))
}

// ParseStatus returns the Status spelled s, ignoring case, and false if
// s is not a status.
func ParseStatus(s string) (Status, bool) {
	for i := StatusOK; i <= StatusBye; i++ {
		if strings.EqualFold(s, statusNames[i]) {
			return i, true
		}
	}
	return StatusNone, false
}

// Code is a response code: the bracketed part of resp-text
// (RFC 9051 §7.1, "resp-text-code").
type Code struct {
	// Name is the upper-cased code name, e.g. "UIDNEXT".
	Name string
	// Args holds the code's arguments as a generic value tree when no
	// parser is registered for Name; a code with no arguments has none.
	Args []Value
	// Data is the typed result of the parser registered for Name, e.g.
	// uint32 for UIDNEXT or []string for CAPABILITY; nil otherwise.
	Data any
	// ParseErr is the error of the parser registered for Name when it
	// failed and a lenient decoder kept the arguments as the generic
	// Args instead (a strict decoder fails the response).
	ParseErr error
}

// Response is one server response (RFC 9051 §7): a status, data, a tagged
// completion or a continuation request.
type Response struct {
	Kind ResponseKind
	// Tag is "*" for untagged responses, "+" for continuation requests
	// and the command's tag for completions.
	Tag string
	// Status is set for status responses and completions.
	Status Status
	// Code is the response code, nil when there is none.
	Code *Code
	// Text is the human-readable text of a status response or completion,
	// or the text (or base64 data) of a continuation request.
	Text string
	// Name is the upper-cased data name of a data response, e.g. "FETCH",
	// "EXISTS", "LIST".
	Name string
	// Num is the number that precedes Name in responses such as
	// * 3 EXISTS and * 12 FETCH; HasNum says whether there was one.
	Num    uint32
	HasNum bool
	// Data is what follows Name (after Num, if any): the typed result of
	// the parser registered for Name (e.g. *FetchData, *ListData), or a
	// []Value generic tree when none is registered. It is nil when
	// nothing follows the name.
	Data any
	// Seq is the arrival sequence number: 1 for the first response read
	// on a connection, increasing by one per response.
	Seq uint64
	// ParseErr is set when a lenient decoder recovered from the failure
	// of the parser registered for Name: Data is then the generic []Value
	// tree, or typed data with the part that failed kept as a generic
	// value (an item of STATUS, ESEARCH or LIST-EXTENDED). Errors of a
	// response code or a FETCH item are on the Code or the FetchItem. A
	// strict decoder fails the response instead.
	ParseErr error
}

// IsUntagged reports whether r is an untagged status or data response.
func (r *Response) IsUntagged() bool {
	return r.Kind == StatusResponse || r.Kind == DataResponse
}
