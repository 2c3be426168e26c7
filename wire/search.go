package wire

import "github.com/imapkit/imapkit/seqset"

// SearchData is a SEARCH response (RFC 3501 §7.2.5), with the MODSEQ of
// RFC 7162 §3.1.5 when the server sent one.
type SearchData struct {
	Nums   []uint32
	ModSeq uint64
}

// ESearchAttrs is a set of the ESEARCH return data present.
type ESearchAttrs uint8

const (
	ESearchMin ESearchAttrs = 1 << iota
	ESearchMax
	ESearchAll
	ESearchCount
	ESearchModSeq
)

// ESearchData is an ESEARCH response (RFC 9051 §7.3.4, RFC 4731 §3.1).
type ESearchData struct {
	// Tag is the tag of the command the response answers (the
	// "search-correlator"), "" when absent.
	Tag string
	// UID reports that the numbers are UIDs.
	UID bool
	// Has says which of the fields below were present.
	Has    ESearchAttrs
	Min    uint32
	Max    uint32
	All    seqset.Set
	Count  uint32
	ModSeq uint64
	// Extensions holds other "search-return-data" pairs, name then value.
	Extensions []Value
}

// AppendUID is the APPENDUID response code (RFC 4315 §3, RFC 9051 §7.1).
type AppendUID struct {
	UIDValidity uint32
	UIDs        seqset.Set
}

// CopyUID is the COPYUID response code (RFC 4315 §3, RFC 9051 §7.1).
type CopyUID struct {
	UIDValidity uint32
	Source      seqset.Set
	Dest        seqset.Set
}
