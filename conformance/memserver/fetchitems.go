package memserver

import (
	"strconv"
	"strings"

	"github.com/imapkit/imapkit/wire"
)

// fetchItem is one FETCH data item a client asked for (RFC 9051 §6.4.5).
type fetchItem struct {
	name    string // ENVELOPE, FLAGS, ..., BODY, BINARY, BINARY.SIZE, RFC822, ...
	peek    bool
	section wire.Section
	partial bool
	origin  uint32
	count   uint32
	bracket bool // BODY[...] rather than BODY
}

// fetchItems reads the FETCH items argument: a macro, one item, or a
// parenthesized list of items.
func fetchItems(v wire.Value) ([]fetchItem, error) {
	var vs []wire.Value
	switch v.Kind {
	case wire.KindList:
		vs = v.List
	case wire.KindAtom:
		switch strings.ToUpper(v.Str) {
		case "ALL":
			vs = atoms("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE")
		case "FAST":
			vs = atoms("FLAGS", "INTERNALDATE", "RFC822.SIZE")
		case "FULL":
			vs = atoms("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY")
		default:
			vs = []wire.Value{v}
		}
	default:
		return nil, bad("FETCH: invalid data items %s", v.GoString())
	}
	if len(vs) == 0 {
		return nil, bad("FETCH: no data items")
	}
	var items []fetchItem
	for _, v := range vs {
		if v.Kind != wire.KindAtom {
			return nil, bad("FETCH: invalid data item %s", v.GoString())
		}
		it, err := parseFetchItem(v.Str)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

func atoms(names ...string) []wire.Value {
	vs := make([]wire.Value, len(names))
	for i, n := range names {
		vs[i] = wire.Atom(n)
	}
	return vs
}

func parseFetchItem(s string) (fetchItem, error) {
	name, rest, hasBracket := strings.Cut(s, "[")
	name = strings.ToUpper(name)
	it := fetchItem{name: name}
	if !hasBracket {
		switch name {
		case "ENVELOPE", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "UID", "BODY", "BODYSTRUCTURE",
			"RFC822", "RFC822.HEADER", "RFC822.TEXT", "MODSEQ":
			return it, nil
		}
		return it, bad("FETCH: unknown data item %s", s)
	}
	switch name {
	case "BODY", "BINARY", "BINARY.SIZE":
	case "BODY.PEEK", "BINARY.PEEK":
		it.name = strings.TrimSuffix(name, ".PEEK")
		it.peek = true
	default:
		return it, bad("FETCH: unknown data item %s", s)
	}
	it.bracket = true
	end := strings.LastIndexByte(rest, ']')
	if end < 0 {
		return it, bad("FETCH: missing ] in %s", s)
	}
	sec, tail := rest[:end], rest[end+1:]
	var err error
	if it.section, err = parseSection(sec, it.name != "BODY"); err != nil {
		return it, err
	}
	if tail != "" {
		if it.name == "BINARY.SIZE" || !strings.HasPrefix(tail, "<") || !strings.HasSuffix(tail, ">") {
			return it, bad("FETCH: invalid partial %q", tail)
		}
		o, c, ok := strings.Cut(tail[1:len(tail)-1], ".")
		on, err1 := strconv.ParseUint(o, 10, 32)
		cn, err2 := strconv.ParseUint(c, 10, 32)
		if !ok || err1 != nil || err2 != nil || cn == 0 {
			return it, bad("FETCH: invalid partial %q", tail)
		}
		it.partial, it.origin, it.count = true, uint32(on), uint32(cn)
	}
	return it, nil
}

// parseSection parses what is inside BODY[...] (RFC 9051 §9 "section");
// partOnly for BINARY (section-binary).
func parseSection(s string, partOnly bool) (wire.Section, error) {
	var sec wire.Section
	rest := s
	for rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n == 0 || len(sec.Part) >= maxMIMEDepth*2 {
			return sec, bad("invalid section %q", s)
		}
		sec.Part = append(sec.Part, n)
		rest = rest[i:]
		if rest == "" {
			break
		}
		if rest[0] != '.' {
			return sec, bad("invalid section %q", s)
		}
		rest = rest[1:]
		if rest == "" {
			return sec, bad("invalid section %q", s)
		}
	}
	if rest == "" {
		return sec, nil
	}
	if partOnly {
		return sec, bad("invalid binary section %q", s)
	}
	spec, fields, hasFields := strings.Cut(rest, " ")
	spec = strings.ToUpper(strings.TrimSpace(spec))
	switch spec {
	case wire.SectionHeader, wire.SectionText:
	case wire.SectionMIME:
		if len(sec.Part) == 0 {
			return sec, bad("MIME needs a part number")
		}
	case wire.SectionHeaderFields, wire.SectionHeaderFieldsNot:
		fields = strings.TrimSpace(fields)
		if !hasFields || !strings.HasPrefix(fields, "(") || !strings.HasSuffix(fields, ")") {
			return sec, bad("invalid header list in %q", s)
		}
		for _, f := range strings.Fields(fields[1 : len(fields)-1]) {
			sec.Fields = append(sec.Fields, strings.ToUpper(strings.Trim(f, `"`)))
		}
		if len(sec.Fields) == 0 {
			return sec, bad("empty header list in %q", s)
		}
		sec.Specifier = spec
		return sec, nil
	default:
		return sec, bad("invalid section %q", s)
	}
	if hasFields {
		return sec, bad("invalid section %q", s)
	}
	sec.Specifier = spec
	return sec, nil
}
