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

// StatusItemParser parses the value of a STATUS item (RFC 9051 §7.3.2,
// "status-att-val") that is not a number, such as MAILBOXID (RFC 8474
// §4.2), with p positioned after the item name and its SP. name is the
// upper-cased item name. The result goes to wire.StatusItem.Data. When it
// fails, a lenient decoder keeps the value as a generic tree in
// StatusItem.Other and reports the failure in Response.ParseErr; a strict
// one fails the response.
type StatusItemParser func(p *Parser, name string) (any, error)

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
	data   map[string]dataEntry
	codes  map[string]codeEntry
	items  map[string]itemEntry
	status map[string]StatusItemParser

	// Encoders, paired with the parsers by name (see EncodeData).
	encData   map[string]DataEncoder
	encCodes  map[string]CodeEncoder
	encItems  map[string]FetchItemEncoder
	encStatus map[string]StatusItemEncoder
}

// NewRegistry returns an empty registry: every response decodes to a
// generic value tree.
func NewRegistry() *Registry {
	return &Registry{
		data:      map[string]dataEntry{},
		codes:     map[string]codeEntry{},
		items:     map[string]itemEntry{},
		status:    map[string]StatusItemParser{},
		encData:   map[string]DataEncoder{},
		encCodes:  map[string]CodeEncoder{},
		encItems:  map[string]FetchItemEncoder{},
		encStatus: map[string]StatusItemEncoder{},
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

// StatusItem registers p for the STATUS item name (e.g. "MAILBOXID"), an
// item whose value is not a number64 or NIL; the base items (MESSAGES,
// UIDNEXT, ...) cannot be replaced. A nil p removes the registration, so
// that the item's value decodes to a generic tree in StatusItem.Other.
func (r *Registry) StatusItem(name string, p StatusItemParser) {
	name = strings.ToUpper(name)
	if p == nil {
		delete(r.status, name)
		return
	}
	r.status[name] = p
}

// EncodeStatusItem registers enc as the encoder of the typed values
// (StatusItem.Data) of the STATUS item name, paired with
// [Registry.StatusItem]. A nil enc removes the registration.
func (r *Registry) EncodeStatusItem(name string, enc StatusItemEncoder) {
	name = strings.ToUpper(name)
	if enc == nil {
		delete(r.encStatus, name)
		return
	}
	r.encStatus[name] = enc
}

func (r *Registry) baseFetchItem(name string, p FetchItemParser, b baseItem) {
	r.items[name] = itemEntry{name: name, parse: p, base: b}
}

// Clone returns a copy of r that can be changed independently.
func (r *Registry) Clone() *Registry {
	return &Registry{
		data:      maps.Clone(r.data),
		codes:     maps.Clone(r.codes),
		items:     maps.Clone(r.items),
		status:    maps.Clone(r.status),
		encData:   maps.Clone(r.encData),
		encCodes:  maps.Clone(r.encCodes),
		encItems:  maps.Clone(r.encItems),
		encStatus: maps.Clone(r.encStatus),
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
