package wire

import "strings"

// BodyStructure is the MIME structure of a message as FETCH BODY and
// BODYSTRUCTURE return it (RFC 9051 §7.5.2, "body"). One type holds
// single parts and multiparts: a multipart has Parts and Type "MULTIPART".
type BodyStructure struct {
	// Type and Subtype are the media type as the server spelled it,
	// e.g. "TEXT" and "PLAIN" (servers differ in case: compare with
	// strings.EqualFold or use MediaType).
	Type    string
	Subtype string

	// Parts are the parts of a multipart, in order ("body-type-mpart").
	Parts []BodyStructure

	// Params are the Content-Type parameters ("body-fld-param"), in the
	// order sent.
	Params []Param
	// ID, Description and Encoding are "body-fld-id", "body-fld-desc"
	// and "body-fld-enc" of a single part.
	ID          string
	Description string
	Encoding    string
	// Size is "body-fld-octets": the size of the part in its transfer
	// encoding.
	Size uint32
	// Lines is "body-fld-lines" of TEXT and MESSAGE/RFC822 parts.
	Lines int64
	// Envelope and Body describe the message enclosed in a MESSAGE/RFC822
	// (or MESSAGE/GLOBAL) part ("body-type-msg").
	Envelope *Envelope
	Body     *BodyStructure

	// Extended reports that extension data was present (the response was
	// BODYSTRUCTURE, or a server sent extension data with BODY).
	Extended bool
	// MD5 is "body-fld-md5" of a single part.
	MD5 string
	// Disposition is "body-fld-dsp", nil for NIL.
	Disposition *Disposition
	// Language is "body-fld-lang".
	Language []string
	// Location is "body-fld-loc".
	Location string
	// Extensions holds any "body-extension" values that follow the
	// location, which future extensions may define.
	Extensions []Value

	// Empty says which of ID, Description, MD5 and Location that are ""
	// were sent as the empty string rather than NIL; Literal says which
	// string fields were sent as literals rather than quoted strings, so
	// that an encoder writes back what a server sent. The zero values
	// write NIL for "" and quoted strings where the contents allow.
	Empty   BodyFields
	Literal BodyFields
}

// BodyFields is a set of the string fields of a BodyStructure.
type BodyFields uint8

// The string fields of a BodyStructure, for BodyStructure.Empty and
// Literal.
const (
	BodyType BodyFields = 1 << iota
	BodySubtype
	BodyID
	BodyDescription
	BodyEncoding
	BodyMD5
	BodyLocation
)

// Param is a MIME parameter (attribute/value pair, "body-fld-param").
type Param struct {
	Name  string
	Value string
	// Literal says which of Name and Value were sent as literals, so
	// that an encoder writes them back the same way.
	Literal ParamFields
}

// ParamFields is a set of the fields of a Param.
type ParamFields uint8

// The fields of a Param, for Param.Literal.
const (
	ParamName ParamFields = 1 << iota
	ParamValue
)

// Disposition is a Content-Disposition ("body-fld-dsp").
type Disposition struct {
	Value  string
	Params []Param
	// Literal reports that Value was sent as a literal.
	Literal bool
}

// IsMultipart reports whether b is a multipart.
func (b *BodyStructure) IsMultipart() bool {
	return len(b.Parts) > 0 || strings.EqualFold(b.Type, "MULTIPART")
}

// MediaType returns "type/subtype" in lower case.
func (b *BodyStructure) MediaType() string {
	return strings.ToLower(b.Type) + "/" + strings.ToLower(b.Subtype)
}

// Param returns the value of the Content-Type parameter name (compared
// case-insensitively) and whether it was present.
func (b *BodyStructure) Param(name string) (string, bool) {
	for _, p := range b.Params {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// Walk calls fn for b and every part below it, depth first, with the
// part's section number as FETCH BODY[] spells it (RFC 9051 §6.4.5):
// nil for b itself, [1] for its first part, [2 1] for the first part of
// the second part, and so on. A non-multipart message's only part is
// [1]. Walk stops early when fn returns false.
func (b *BodyStructure) Walk(fn func(path []int, part *BodyStructure) bool) {
	b.walk(nil, fn)
}

func (b *BodyStructure) walk(path []int, fn func([]int, *BodyStructure) bool) bool {
	if !fn(path, b) {
		return false
	}
	for i := range b.Parts {
		p := append(path[:len(path):len(path)], i+1)
		if !b.Parts[i].walk(p, fn) {
			return false
		}
	}
	return true
}
