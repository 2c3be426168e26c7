package codec

import (
	"maps"
	"slices"
	"strings"

	"github.com/imapkit/imapkit/wire"
)

// DataParser parses the body of a data response, with p positioned after
// the data name and the SP that follows it (at the end of the line when
// nothing follows the name). resp has Tag, Kind, Name and, for numbered
// responses such as "* 12 FETCH", Num and HasNum set. The result becomes
// resp.Data. The parser must stop at the end of the response line,
// before the CRLF; the decoder checks that nothing is left.
type DataParser func(p *Parser, resp *wire.Response) (any, error)

// CodeParser parses the arguments of a response code (RFC 9051 §7.1,
// "resp-text-code"), with p positioned after the code name and the SP
// that follows it, if any; at "]" when the code has no arguments. It must
// stop before the "]". The result becomes Code.Data. When it fails, the
// decoder falls back to the generic syntax every code may have
// (atom [SP 1*<any TEXT-CHAR except "]">]) and stores the arguments in
// Code.Args instead, with Data nil.
type CodeParser func(p *Parser, name string) (any, error)

// FetchItemParser parses the value of a FETCH item (RFC 9051 §7.5.2,
// "msg-att"), with p positioned after the item name (with its section
// and origin, if any) and the SP that follows. item is that name,
// upper-cased, e.g. "MODSEQ" or "BINARY[1]". The result goes to
// FetchData.Items.
type FetchItemParser func(p *Parser, item string) (any, error)

// baseItem identifies the FETCH items whose values the FETCH parser
// stores in FetchData's own fields.
type baseItem uint8

const (
	itemOther baseItem = iota
	itemUID
	itemFlags
	itemInternalDate
	itemRFC822Size
	itemEnvelope
	itemBody // BODY and BODY[section]<origin>
	itemBodyStructure
	itemBinary
	itemBinarySize
	itemRFC822 // RFC822, RFC822.HEADER, RFC822.TEXT
)

type dataEntry struct {
	name  string
	parse DataParser
}

type codeEntry struct {
	name  string
	parse CodeParser
}

type itemEntry struct {
	name  string
	parse FetchItemParser
	base  baseItem
}

// Registry maps data names, response-code names and FETCH item names to
// their parsers. Each decoder has its own (a connection's registry, not
// global state); it must not be modified while a decoder uses it. The
// base protocol installs itself with [RegisterBase] the way an extension
// does. Names are matched case-insensitively.
type Registry struct {
	data  map[string]dataEntry
	codes map[string]codeEntry
	items map[string]itemEntry

	// Encoders, paired with the parsers by name (see EncodeData).
	encData  map[string]DataEncoder
	encCodes map[string]CodeEncoder
	encItems map[string]FetchItemEncoder
}

// NewRegistry returns an empty registry: every response decodes to a
// generic value tree.
func NewRegistry() *Registry {
	return &Registry{
		data:     map[string]dataEntry{},
		codes:    map[string]codeEntry{},
		items:    map[string]itemEntry{},
		encData:  map[string]DataEncoder{},
		encCodes: map[string]CodeEncoder{},
		encItems: map[string]FetchItemEncoder{},
	}
}

// NewBaseRegistry returns a registry with the base protocol installed.
func NewBaseRegistry() *Registry {
	r := NewRegistry()
	RegisterBase(r)
	return r
}

// Data registers p for data responses named name (e.g. "ESEARCH"). A
// nil p removes the registration, so that the name decodes to a generic
// tree.
func (r *Registry) Data(name string, p DataParser) {
	name = strings.ToUpper(name)
	if p == nil {
		delete(r.data, name)
		return
	}
	r.data[name] = dataEntry{name, p}
}

// Code registers p for the response code name (e.g. "HIGHESTMODSEQ"). A
// nil p removes the registration.
func (r *Registry) Code(name string, p CodeParser) {
	name = strings.ToUpper(name)
	if p == nil {
		delete(r.codes, name)
		return
	}
	r.codes[name] = codeEntry{name, p}
}

// FetchItem registers p for the FETCH item name (e.g. "MODSEQ"; for an
// item with a section, the name before "["). Registering a base item's
// name replaces the base parser: the item then goes to FetchData.Items
// instead of its own field. A nil p removes the registration, so that the
// item decodes to a generic value in FetchData.Items.
func (r *Registry) FetchItem(name string, p FetchItemParser) {
	name = strings.ToUpper(name)
	if p == nil {
		delete(r.items, name)
		return
	}
	r.items[name] = itemEntry{name: name, parse: p}
}

func (r *Registry) baseFetchItem(name string, p FetchItemParser, b baseItem) {
	r.items[name] = itemEntry{name: name, parse: p, base: b}
}

// Clone returns a copy of r that can be changed independently.
func (r *Registry) Clone() *Registry {
	return &Registry{
		data:     maps.Clone(r.data),
		codes:    maps.Clone(r.codes),
		items:    maps.Clone(r.items),
		encData:  maps.Clone(r.encData),
		encCodes: maps.Clone(r.encCodes),
		encItems: maps.Clone(r.encItems),
	}
}

// EncodeData registers enc as the encoder of data responses named name:
// the [ResponseEncoder] calls it for a Response whose Data is not a
// generic tree, to write what follows "Name". Pair it with the parser of
// [Registry.Data], so that a proxy re-encodes what it decoded. A nil enc
// removes the registration.
func (r *Registry) EncodeData(name string, enc DataEncoder) {
	name = strings.ToUpper(name)
	if enc == nil {
		delete(r.encData, name)
		return
	}
	r.encData[name] = enc
}

// EncodeCode registers enc as the encoder of the typed data (Code.Data)
// of the response code name, paired with [Registry.Code]. A nil enc
// removes the registration.
func (r *Registry) EncodeCode(name string, enc CodeEncoder) {
	name = strings.ToUpper(name)
	if enc == nil {
		delete(r.encCodes, name)
		return
	}
	r.encCodes[name] = enc
}

// EncodeFetchItem registers enc as the encoder of the typed values of the
// FETCH item name (for an item with a section, the name before "["),
// paired with [Registry.FetchItem]. A nil enc removes the registration.
func (r *Registry) EncodeFetchItem(name string, enc FetchItemEncoder) {
	name = strings.ToUpper(name)
	if enc == nil {
		delete(r.encItems, name)
		return
	}
	r.encItems[name] = enc
}

// Names returns the registered data, code and FETCH item names, for
// diagnostics.
func (r *Registry) Names() (data, codes, items []string) {
	for k := range r.data {
		data = append(data, k)
	}
	for k := range r.codes {
		codes = append(codes, k)
	}
	for k := range r.items {
		items = append(items, k)
	}
	slices.Sort(data)
	slices.Sort(codes)
	slices.Sort(items)
	return data, codes, items
}
