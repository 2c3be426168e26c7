package corpus

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Kind is the kind of a response.
type Kind string

// The kinds of response (RFC 9051 §7).
const (
	KindStatus   Kind = "status"   // * OK/NO/BAD/PREAUTH/BYE
	KindData     Kind = "data"     // untagged data: * 3 EXISTS, * CAPABILITY ...
	KindDone     Kind = "done"     // a tagged completion
	KindContinue Kind = "continue" // + ...
)

// Response is one server response in the decoder-neutral form of the
// corpus. A decoder under test converts what it produces into this form;
// the conventions (what counts as one atom, what is upper-cased) are
// those of the package documentation.
type Response struct {
	Kind Kind
	// Tag is "*" for untagged responses, "+" for continuation requests,
	// the command's tag for completions.
	Tag string
	// Status is "OK", "NO", "BAD", "PREAUTH" or "BYE" (upper case) for
	// status responses and completions, "" otherwise.
	Status string
	// Code is the response code of a status response or completion.
	Code *Code
	// Text is the text after the status and code, or after "+ ": the
	// octets as sent (it may be invalid UTF-8), "" when there is none.
	Text string
	// Name is the data name of a data response, upper case: "FETCH".
	Name string
	// Num is the number before Name (* 12 FETCH); HasNum says there was one.
	Num    uint32
	HasNum bool
	// Data is the generic value tree of everything after Name (and Num).
	Data []Value
}

// Code is a response code: [NAME args].
type Code struct {
	Name string  // upper case
	Args []Value // the generic value tree after the name; none for [NAME]
}

// ValueKind is the kind of a Value.
type ValueKind uint8

// The kinds of IMAP value (RFC 9051 §4). Quoted strings and literals are
// both String: the corpus checks what a string holds, not how it was
// sent, except that a literal8 (~{n}) is marked Binary.
const (
	Nil ValueKind = iota
	Atom
	Number
	String
	List
)

var kindNames = [...]string{"NIL", "ATOM", "NUMBER", "STRING", "LIST"}

func (k ValueKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "ValueKind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one IMAP value of the generic tree.
type Value struct {
	Kind   ValueKind
	Str    string  // Atom, String
	Num    uint64  // Number
	List   []Value // List
	Binary bool    // a String sent as literal8 (~{n})
}

// NilValue returns NIL.
func NilValue() Value { return Value{} }

// AtomValue returns an atom.
func AtomValue(s string) Value { return Value{Kind: Atom, Str: s} }

// NumberValue returns a number.
func NumberValue(n uint64) Value { return Value{Kind: Number, Num: n} }

// StringValue returns a string (quoted or literal).
func StringValue(s string) Value { return Value{Kind: String, Str: s} }

// BinaryValue returns a string sent as literal8 (~{n}).
func BinaryValue(s string) Value { return Value{Kind: String, Str: s, Binary: true} }

// ListValue returns a parenthesized list.
func ListValue(vs ...Value) Value {
	if vs == nil {
		vs = []Value{}
	}
	return Value{Kind: List, List: vs}
}

// String returns v in its JSON form.
func (v Value) String() string { return string(appendValue(nil, v)) }

// String returns r in its JSON form (one line of a golden file).
func (r Response) String() string { b, _ := r.MarshalJSON(); return string(b) }

// String returns c in its JSON form.
func (c Code) String() string { b, _ := c.MarshalJSON(); return string(b) }

// JSON form of values (the golden files):
//
//	null                      NIL
//	123                       number (exact, up to 2^64-1)
//	"ABC"                     atom
//	{"a64":"gA=="}            atom whose octets are not UTF-8 (lenient decoders)
//	{"s":"text"}              string (UTF-8)
//	{"b64":"AAEC"}            string whose octets are not UTF-8
//	{"s":"...","bin":true}    literal8 (or "b64")
//	[ ... ]                   list

// MarshalJSON writes v in the form above.
func (v Value) MarshalJSON() ([]byte, error) {
	return appendValue(nil, v), nil
}

func appendValue(b []byte, v Value) []byte {
	switch v.Kind {
	case Nil:
		return append(b, "null"...)
	case Number:
		return strconv.AppendUint(b, v.Num, 10)
	case Atom:
		if !utf8.ValidString(v.Str) {
			b = append(b, '{')
			b = appendOctets(b, "", "a64", v.Str)
			return append(b, '}')
		}
		return appendJSONString(b, v.Str)
	case String:
		b = append(b, '{')
		b = appendOctets(b, "s", "b64", v.Str)
		if v.Binary {
			b = append(b, `,"bin":true`...)
		}
		return append(b, '}')
	case List:
		b = append(b, '[')
		for i, m := range v.List {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, m)
		}
		return append(b, ']')
	}
	return append(b, "null"...)
}

// appendOctets writes "key":"s" when s is UTF-8, else "b64key":"base64".
func appendOctets(b []byte, key, b64key, s string) []byte {
	if utf8.ValidString(s) {
		b = appendJSONString(b, key)
		b = append(b, ':')
		return appendJSONString(b, s)
	}
	b = appendJSONString(b, b64key)
	b = append(b, ':')
	return appendJSONString(b, base64.StdEncoding.EncodeToString([]byte(s)))
}

func appendJSONString(b []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a valid UTF-8 string (or repaired) never fails
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (v *Value) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return err
	}
	val, err := valueOf(x)
	if err != nil {
		return err
	}
	*v = val
	return nil
}

func valueOf(x any) (Value, error) {
	switch x := x.(type) {
	case nil:
		return Value{}, nil
	case json.Number:
		n, err := strconv.ParseUint(string(x), 10, 64)
		if err != nil {
			return Value{}, fmt.Errorf("corpus: number %s: not a uint64", x)
		}
		return NumberValue(n), nil
	case string:
		return AtomValue(x), nil
	case []any:
		l := make([]Value, len(x))
		for i, m := range x {
			v, err := valueOf(m)
			if err != nil {
				return Value{}, err
			}
			l[i] = v
		}
		return Value{Kind: List, List: l}, nil
	case map[string]any:
		if a, ok := x["a64"].(string); ok && len(x) == 1 {
			b, err := base64.StdEncoding.DecodeString(a)
			if err != nil {
				return Value{}, fmt.Errorf(`corpus: "a64": %w`, err)
			}
			return AtomValue(string(b)), nil
		}
		s, err := octetsOf(x, "s", "b64")
		if err != nil {
			return Value{}, err
		}
		v := StringValue(s)
		for k, m := range x {
			switch k {
			case "s", "b64":
			case "bin":
				bin, ok := m.(bool)
				if !ok {
					return Value{}, errors.New(`corpus: "bin" must be true or false`)
				}
				v.Binary = bin
			default:
				return Value{}, fmt.Errorf("corpus: unknown key %q in a string value", k)
			}
		}
		return v, nil
	}
	return Value{}, fmt.Errorf("corpus: %T is no value", x)
}

func octetsOf(m map[string]any, key, b64key string) (string, error) {
	s, ok1 := m[key].(string)
	enc, ok2 := m[b64key].(string)
	switch {
	case ok1 && !ok2:
		return s, nil
	case ok2 && !ok1:
		b, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return "", fmt.Errorf("corpus: %q: %w", b64key, err)
		}
		return string(b), nil
	}
	return "", fmt.Errorf("corpus: want exactly one of %q and %q", key, b64key)
}

// MarshalJSON writes {"name":..., "args":[...]}.
func (c Code) MarshalJSON() ([]byte, error) {
	b := []byte(`{"name":`)
	b = appendJSONString(b, c.Name)
	b = append(b, `,"args":`...)
	b = appendValue(b, Value{Kind: List, List: c.Args})
	return append(b, '}'), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (c *Code) UnmarshalJSON(data []byte) error {
	var x struct {
		Name string  `json:"name"`
		Args []Value `json:"args"`
	}
	if err := strictUnmarshal(data, &x); err != nil {
		return err
	}
	c.Name, c.Args = x.Name, x.Args
	return nil
}

// MarshalJSON writes one line of a golden file: kind, tag, then the
// fields the kind has (status, code, text; or name, num, data).
func (r Response) MarshalJSON() ([]byte, error) {
	b := []byte(`{"kind":`)
	b = appendJSONString(b, string(r.Kind))
	b = append(b, `,"tag":`...)
	b = appendJSONString(b, r.Tag)
	if r.Status != "" {
		b = append(b, `,"status":`...)
		b = appendJSONString(b, r.Status)
	}
	if r.Code != nil {
		cb, _ := r.Code.MarshalJSON()
		b = append(b, `,"code":`...)
		b = append(b, cb...)
	}
	if r.Kind != KindData || r.Text != "" {
		b = append(b, ',')
		b = appendOctets(b, "text", "text64", r.Text)
	}
	if r.Name != "" {
		b = append(b, `,"name":`...)
		b = appendJSONString(b, r.Name)
	}
	if r.HasNum {
		b = append(b, `,"num":`...)
		b = strconv.AppendUint(b, uint64(r.Num), 10)
	}
	if r.Kind == KindData || len(r.Data) > 0 {
		b = append(b, `,"data":`...)
		b = appendValue(b, Value{Kind: List, List: r.Data})
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Response) UnmarshalJSON(data []byte) error {
	var x struct {
		Kind   Kind    `json:"kind"`
		Tag    string  `json:"tag"`
		Status string  `json:"status"`
		Code   *Code   `json:"code"`
		Text   *string `json:"text"`
		Text64 []byte  `json:"text64"`
		Name   string  `json:"name"`
		Num    *uint32 `json:"num"`
		Data   []Value `json:"data"`
	}
	if err := strictUnmarshal(data, &x); err != nil {
		return err
	}
	switch x.Kind {
	case KindStatus, KindData, KindDone, KindContinue:
	default:
		return fmt.Errorf("corpus: unknown response kind %q", x.Kind)
	}
	*r = Response{Kind: x.Kind, Tag: x.Tag, Status: x.Status, Code: x.Code, Name: x.Name, Data: x.Data}
	if x.Text != nil {
		r.Text = *x.Text
	} else if x.Text64 != nil {
		r.Text = string(x.Text64)
	}
	if x.Num != nil {
		r.Num, r.HasNum = *x.Num, true
	}
	return nil
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// responseDiff returns "" when a and b are equal, else where they
// differ first, e.g. ".data[0][3]: ATOM \"UID\" vs NUMBER 4".
func responseDiff(a, b Response) string {
	switch {
	case a.Kind != b.Kind:
		return fmt.Sprintf(".kind: %q vs %q", a.Kind, b.Kind)
	case a.Tag != b.Tag:
		return fmt.Sprintf(".tag: %q vs %q", a.Tag, b.Tag)
	case a.Status != b.Status:
		return fmt.Sprintf(".status: %q vs %q", a.Status, b.Status)
	case (a.Code == nil) != (b.Code == nil):
		return fmt.Sprintf(".code: %v vs %v", a.Code, b.Code)
	case a.Text != b.Text:
		return fmt.Sprintf(".text: %q vs %q", a.Text, b.Text)
	case a.Name != b.Name:
		return fmt.Sprintf(".name: %q vs %q", a.Name, b.Name)
	case a.HasNum != b.HasNum || a.Num != b.Num:
		return fmt.Sprintf(".num: %s vs %s", numString(a), numString(b))
	}
	if a.Code != nil {
		if a.Code.Name != b.Code.Name {
			return fmt.Sprintf(".code.name: %q vs %q", a.Code.Name, b.Code.Name)
		}
		if d := listDiff(a.Code.Args, b.Code.Args, ".code.args"); d != "" {
			return d
		}
	}
	return listDiff(a.Data, b.Data, ".data")
}

func numString(r Response) string {
	if !r.HasNum {
		return "none"
	}
	return strconv.FormatUint(uint64(r.Num), 10)
}

func listDiff(a, b []Value, path string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if d := valueDiff(a[i], b[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
			return d
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("%s: %d members vs %d", path, len(a), len(b))
	}
	return ""
}

func valueDiff(a, b Value, path string) string {
	if a.Kind != b.Kind {
		return fmt.Sprintf("%s: %s %v vs %s %v", path, a.Kind, a, b.Kind, b)
	}
	switch a.Kind {
	case Atom, String:
		if a.Str != b.Str || a.Binary != b.Binary {
			return fmt.Sprintf("%s: %v vs %v", path, a, b)
		}
	case Number:
		if a.Num != b.Num {
			return fmt.Sprintf("%s: %d vs %d", path, a.Num, b.Num)
		}
	case List:
		return listDiff(a.List, b.List, path)
	}
	return ""
}
