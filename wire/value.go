package wire

import (
	"io"
	"strconv"
	"strings"
)

// Kind is the type of an IMAP value (RFC 9051 §4).
type Kind uint8

const (
	// KindNil is NIL (RFC 9051 §4.5). It is the zero Kind, so the zero
	// Value is NIL.
	KindNil Kind = iota
	// KindAtom is an atom (RFC 9051 §4.1), including flags such as \Seen
	// and FETCH item names with their section, such as BODY[1.MIME]<0>.
	KindAtom
	// KindNumber is a number or number64 (RFC 9051 §4.2).
	KindNumber
	// KindString is a string (RFC 9051 §4.3); Form says how it was (or is
	// to be) written.
	KindString
	// KindList is a parenthesized list (RFC 9051 §4.4).
	KindList
	// KindRaw is command text written exactly as given. Only command
	// builders use it, for syntax such as "BODY.PEEK[HEADER.FIELDS (A B)]"
	// that no other kind spells; encoders reject CR, LF and NUL in it.
	KindRaw
)

var kindNames = [...]string{"NIL", "ATOM", "NUMBER", "STRING", "LIST", "RAW"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "UNKNOWN_KIND_" + strconv.Itoa(int(k))
}

// StringForm is the syntax of a string: quoted or literal (RFC 9051 §4.3).
type StringForm uint8

const (
	// FormAuto lets an encoder choose atom, quoted string or literal
	// from the contents. Decoders never produce it.
	FormAuto StringForm = iota
	// FormQuoted is a quoted string: "...".
	FormQuoted
	// FormLiteral is a literal: {n} CRLF followed by n octets.
	FormLiteral
	// FormLiteral8 is a binary literal: ~{n} (RFC 3516 §4.1, RFC 9051 §4.3.1).
	FormLiteral8
)

var formNames = [...]string{"auto", "quoted", "literal", "literal8"}

func (f StringForm) String() string {
	if int(f) < len(formNames) {
		return formNames[f]
	}
	return "UNKNOWN_FORM_" + strconv.Itoa(int(f))
}

// Value is one IMAP value: NIL, an atom, a number, a string or a list.
// It is a plain struct rather than an interface so that a tree of values
// costs one allocation per list, not one per value.
type Value struct {
	Kind Kind
	// Form is the syntax of a KindString value.
	Form StringForm
	// Str is the text of an atom, a string or a raw value. For a literal
	// that was streamed (Streamed is true) it is empty.
	Str string
	// Num is the value of a KindNumber.
	Num uint64
	// List holds the members of a KindList.
	List []Value
	// Size is the length of a literal in octets.
	Size int64
	// Streamed reports that a decoder handed this literal's contents to
	// a stream consumer instead of storing them in Str.
	Streamed bool
	// Body, in a command argument, supplies a literal's Size octets from a
	// reader instead of Str, so that a large message is never held in
	// memory. Decoders never set it.
	Body io.Reader
}

// Nil returns NIL.
func Nil() Value { return Value{} }

// Atom returns an atom.
func Atom(s string) Value { return Value{Kind: KindAtom, Str: s} }

// Number returns a number.
func Number(n uint64) Value { return Value{Kind: KindNumber, Num: n} }

// String returns a string whose syntax the encoder chooses (FormAuto):
// an atom where RFC 9051's astring allows one, else a quoted string, else a
// literal.
func String(s string) Value { return Value{Kind: KindString, Str: s} }

// Quoted returns a string to be sent as a quoted string where possible.
func Quoted(s string) Value { return Value{Kind: KindString, Form: FormQuoted, Str: s} }

// Literal returns a string to be sent as a literal.
func Literal(s string) Value {
	return Value{Kind: KindString, Form: FormLiteral, Str: s, Size: int64(len(s))}
}

// LiteralReader returns a literal of size octets read from r when the
// command is written.
func LiteralReader(r io.Reader, size int64) Value {
	return Value{Kind: KindString, Form: FormLiteral, Body: r, Size: size}
}

// List returns a parenthesized list.
func List(vs ...Value) Value {
	if vs == nil {
		vs = []Value{}
	}
	return Value{Kind: KindList, List: vs}
}

// Raw returns command text to be written verbatim (see KindRaw).
func Raw(s string) Value { return Value{Kind: KindRaw, Str: s} }

// IsNil reports whether v is NIL.
func (v Value) IsNil() bool { return v.Kind == KindNil }

// Text returns the text of an atom, string or raw value, the decimal
// form of a number, and "" for NIL and lists.
func (v Value) Text() string {
	switch v.Kind {
	case KindAtom, KindString, KindRaw:
		return v.Str
	case KindNumber:
		return strconv.FormatUint(v.Num, 10)
	}
	return ""
}

// GoString formats v in IMAP syntax for debugging: strings quoted, lists
// parenthesized, literals as {n} followed by their quoted contents.
func (v Value) GoString() string {
	var b strings.Builder
	v.format(&b)
	return b.String()
}

func (v Value) format(b *strings.Builder) {
	switch v.Kind {
	case KindNil:
		b.WriteString("NIL")
	case KindAtom, KindRaw:
		b.WriteString(v.Str)
	case KindNumber:
		b.WriteString(strconv.FormatUint(v.Num, 10))
	case KindString:
		switch v.Form {
		case FormLiteral:
			b.WriteString("{" + strconv.FormatInt(v.Size, 10) + "}")
		case FormLiteral8:
			b.WriteString("~{" + strconv.FormatInt(v.Size, 10) + "}")
		}
		if v.Streamed {
			b.WriteString("<streamed>")
		} else {
			b.WriteString(strconv.Quote(v.Str))
		}
	case KindList:
		b.WriteByte('(')
		for i, m := range v.List {
			if i > 0 {
				b.WriteByte(' ')
			}
			m.format(b)
		}
		b.WriteByte(')')
	default:
		b.WriteString(v.Kind.String())
	}
}
