package codec

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

// This file writes the data of untagged data responses: generic values
// and the base protocol's typed data (RFC 9051 §7.2-7.5).

// fetchData returns d as a *wire.FetchData, or nil.
func fetchData(d any) *wire.FetchData {
	switch d := d.(type) {
	case *wire.FetchData:
		return d
	case wire.FetchData:
		return &d
	}
	return nil
}

// data writes what follows the data name, each part preceded by SP.
func (e *ResponseEncoder) data(r *wire.Response) error {
	vw := &e.vw
	switch d := r.Data.(type) {
	case nil:
		return nil
	case []wire.Value:
		for i := range d {
			vw.byte(' ')
			if err := e.value(&d[i], false, 0); err != nil {
				return err
			}
		}
		return nil
	case wire.Value:
		vw.byte(' ')
		return e.value(&d, false, 0)
	case []string:
		if strings.EqualFold(r.Name, "FLAGS") {
			vw.byte(' ')
			return e.atoms(d, true, false)
		}
		return e.atoms(d, false, true)
	case []uint32:
		for _, n := range d {
			vw.byte(' ')
			vw.number(uint64(n))
		}
		return nil
	case *wire.FetchData, wire.FetchData:
		return e.fetch(fetchData(d))
	case *wire.ListData:
		return e.list(d)
	case wire.ListData:
		return e.list(&d)
	case *wire.StatusData:
		return e.status(d)
	case wire.StatusData:
		return e.status(&d)
	case *wire.NamespaceData:
		return e.namespace(d)
	case wire.NamespaceData:
		return e.namespace(&d)
	case *wire.SearchData:
		return e.search(d)
	case wire.SearchData:
		return e.search(&d)
	case *wire.ESearchData:
		return e.esearch(d)
	case wire.ESearchData:
		return e.esearch(&d)
	case map[string]string:
		return e.id(d)
	}
	return fmt.Errorf("%w: %T in %s", ErrUnsupportedData, r.Data, r.Name)
}

// fetch writes msg-att (RFC 9051 §7.5.2): the base items in a fixed
// order (UID, FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY,
// BODYSTRUCTURE), then the sections, BINARY.SIZE items and the other
// items in the order of their slices.
func (e *ResponseEncoder) fetch(fd *wire.FetchData) error {
	vw := &e.vw
	vw.str(" (")
	first := true
	item := func(name string) {
		if !first {
			vw.byte(' ')
		}
		first = false
		vw.str(name)
	}
	if fd.Has&wire.FetchUID != 0 {
		item("UID ")
		vw.number(uint64(fd.UID))
	}
	if fd.Has&wire.FetchFlags != 0 {
		item("FLAGS ")
		if err := e.atoms(fd.Flags, true, false); err != nil {
			return err
		}
	}
	if fd.Has&wire.FetchInternalDate != 0 {
		item("INTERNALDATE ")
		if !vw.dry {
			b := append(vw.scratch[:0], '"')
			b = fd.InternalDate.AppendFormat(b, DateTimeLayout)
			vw.bytes(append(b, '"'))
		}
	}
	if fd.Has&wire.FetchRFC822Size != 0 {
		if fd.RFC822Size < 0 {
			return fmt.Errorf("codec: negative RFC822.SIZE")
		}
		item("RFC822.SIZE ")
		vw.number(uint64(fd.RFC822Size))
	}
	if fd.Has&wire.FetchEnvelope != 0 {
		if fd.Envelope == nil {
			return fmt.Errorf("%w: ENVELOPE flagged but nil", ErrUnsupportedData)
		}
		item("ENVELOPE ")
		e.envelope(fd.Envelope)
	}
	for _, it := range [...]struct {
		flag wire.FetchAttrs
		name string
	}{{wire.FetchBody, "BODY "}, {wire.FetchBodyStructure, "BODYSTRUCTURE "}} {
		if fd.Has&it.flag == 0 {
			continue
		}
		if fd.BodyStructure == nil {
			return fmt.Errorf("%w: %sflagged but nil", ErrUnsupportedData, it.name)
		}
		item(it.name)
		if err := e.body(fd.BodyStructure, 0); err != nil {
			return err
		}
	}
	for i := range fd.Sections {
		s := &fd.Sections[i]
		if !first {
			vw.byte(' ')
		}
		first = false
		if err := e.section(s); err != nil {
			return err
		}
	}
	for _, bs := range fd.BinarySizes {
		item("BINARY.SIZE[")
		if err := e.part(bs.Part); err != nil {
			return err
		}
		vw.str("] ")
		vw.number(uint64(bs.Size))
	}
	for i := range fd.Items {
		it := &fd.Items[i]
		if !validAtom(it.Name) {
			return ErrInvalidAtom
		}
		item(it.Name)
		vw.byte(' ')
		switch d := it.Data.(type) {
		case wire.Value:
			if err := e.value(&d, false, 0); err != nil {
				return err
			}
		case *wire.Value:
			if err := e.value(d, false, 0); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: %T in FETCH item %s", ErrUnsupportedData, it.Data, it.Name)
		}
	}
	vw.byte(')')
	return nil
}

// section writes one BODY[...]<origin>, BINARY[...]<origin> or RFC822.*
// item with its contents.
func (e *ResponseEncoder) section(s *wire.SectionData) error {
	vw := &e.vw
	binaryItem := false
	switch s.Item {
	case "RFC822", "RFC822.HEADER", "RFC822.TEXT":
		vw.str(s.Item)
	case "BODY", "BINARY":
		binaryItem = s.Item == "BINARY"
		vw.str(s.Item)
		vw.byte('[')
		if binaryItem {
			if s.Section.Specifier != "" {
				return fmt.Errorf("%w: BINARY section with %s", ErrUnsupportedData, s.Section.Specifier)
			}
			if err := e.part(s.Section.Part); err != nil {
				return err
			}
		} else if err := e.sectionSpec(&s.Section); err != nil {
			return err
		}
		vw.byte(']')
		if s.HasOrigin {
			vw.byte('<')
			vw.number(uint64(s.Origin))
			vw.byte('>')
		}
	default:
		return fmt.Errorf("%w: section item %q", ErrUnsupportedData, s.Item)
	}
	vw.byte(' ')
	switch {
	case s.Nil:
		vw.str("NIL")
	case s.Streamed && s.Data == nil:
		return ErrStreamedValue
	default:
		f := e.formBytes(s.Data)
		if s.Binary {
			f = formLiteral8
		}
		if f == formLiteral8 && !binaryItem {
			return ErrNeedsBinary
		}
		switch f {
		case formQuoted:
			vw.byte('"')
			vw.bytes(s.Data)
			vw.byte('"')
		case formQuotedEscaped:
			vw.quotedBytes(s.Data)
		default:
			vw.literalHeader(int64(len(s.Data)), f == formLiteral8, false)
			vw.bytes(s.Data)
		}
	}
	return nil
}

// part writes a section-part (RFC 9051 §9): 1.2.3.
func (e *ResponseEncoder) part(p []int) error {
	for i, n := range p {
		if n <= 0 || uint64(n) > 0xffffffff {
			return fmt.Errorf("%w: section part %d", ErrInvalidAtom, n)
		}
		if i > 0 {
			e.vw.byte('.')
		}
		e.vw.number(uint64(n))
	}
	return nil
}

// sectionSpec writes section-spec (RFC 9051 §9), as wire.Section.String
// does but without allocating.
func (e *ResponseEncoder) sectionSpec(s *wire.Section) error {
	vw := &e.vw
	if err := e.part(s.Part); err != nil {
		return err
	}
	switch s.Specifier {
	case "":
		return nil
	case wire.SectionHeader, wire.SectionText, wire.SectionMIME,
		wire.SectionHeaderFields, wire.SectionHeaderFieldsNot:
	default:
		return fmt.Errorf("%w: section specifier %q", ErrUnsupportedData, s.Specifier)
	}
	if len(s.Part) > 0 {
		vw.byte('.')
	}
	vw.str(s.Specifier)
	if s.Specifier == wire.SectionHeaderFields || s.Specifier == wire.SectionHeaderFieldsNot {
		if len(s.Fields) == 0 {
			return fmt.Errorf("%w: %s without fields", ErrUnsupportedData, s.Specifier)
		}
		vw.str(" (")
		for i, f := range s.Fields {
			if i > 0 {
				vw.byte(' ')
			}
			// header-fld-name is an astring; a quoted one must not
			// hold "]" or the bracket, nor anything a literal needs.
			switch {
			case isAtom(f):
				vw.str(f)
			case classify(f, false, false) == formQuoted && strings.IndexByte(f, ']') < 0:
				vw.quoted(f)
			default:
				return fmt.Errorf("%w: header field name", ErrInvalidAtom)
			}
		}
		vw.byte(')')
	}
	return nil
}

// envelope writes an envelope (RFC 9051 §9 "envelope"); "" is NIL.
func (e *ResponseEncoder) envelope(env *wire.Envelope) {
	vw := &e.vw
	vw.byte('(')
	e.nstr(env.Date)
	vw.byte(' ')
	e.nstr(env.Subject)
	for _, l := range [...][]wire.Address{env.From, env.Sender, env.ReplyTo, env.To, env.Cc, env.Bcc} {
		vw.byte(' ')
		e.addresses(l)
	}
	vw.byte(' ')
	e.nstr(env.InReplyTo)
	vw.byte(' ')
	e.nstr(env.MessageID)
	vw.byte(')')
}

// addresses writes "(" 1*address ")" / nil.
func (e *ResponseEncoder) addresses(l []wire.Address) {
	vw := &e.vw
	if len(l) == 0 {
		vw.str("NIL")
		return
	}
	vw.byte('(')
	for _, a := range l {
		vw.byte('(')
		e.nstr(a.Name)
		vw.byte(' ')
		e.nstr(a.ADL)
		vw.byte(' ')
		e.nstr(a.Mailbox)
		vw.byte(' ')
		e.nstr(a.Host)
		vw.byte(')')
	}
	vw.byte(')')
}

// body writes a body structure (RFC 9051 §9 "body"), with extension
// data when b.Extended is set.
func (e *ResponseEncoder) body(b *wire.BodyStructure, depth int) error {
	if depth >= maxValueDepth {
		return errArgTooDeep
	}
	vw := &e.vw
	vw.byte('(')
	if b.IsMultipart() {
		if len(b.Parts) == 0 {
			return fmt.Errorf("%w: multipart without parts", ErrUnsupportedData)
		}
		for i := range b.Parts {
			if err := e.body(&b.Parts[i], depth+1); err != nil {
				return err
			}
		}
		vw.byte(' ')
		e.str(b.Subtype)
		if b.Extended {
			vw.byte(' ')
			e.params(b.Params)
			if err := e.bodyExt(b, depth); err != nil {
				return err
			}
		}
		vw.byte(')')
		return nil
	}
	e.str(b.Type)
	vw.byte(' ')
	e.str(b.Subtype)
	vw.byte(' ')
	e.params(b.Params)
	vw.byte(' ')
	e.nstr(b.ID)
	vw.byte(' ')
	e.nstr(b.Description)
	vw.byte(' ')
	e.str(b.Encoding)
	vw.byte(' ')
	vw.number(uint64(b.Size))
	isMsg := strings.EqualFold(b.Type, "MESSAGE") &&
		(strings.EqualFold(b.Subtype, "RFC822") || strings.EqualFold(b.Subtype, "GLOBAL"))
	if isMsg {
		if b.Body == nil {
			return fmt.Errorf("%w: MESSAGE/%s part without Body", ErrUnsupportedData, b.Subtype)
		}
		vw.byte(' ')
		env := b.Envelope
		if env == nil {
			env = &wire.Envelope{}
		}
		e.envelope(env)
		vw.byte(' ')
		if err := e.body(b.Body, depth+1); err != nil {
			return err
		}
	}
	if isMsg || strings.EqualFold(b.Type, "TEXT") {
		if b.Lines < 0 {
			return fmt.Errorf("codec: negative body-fld-lines")
		}
		vw.byte(' ')
		vw.number(uint64(b.Lines))
	}
	if b.Extended {
		vw.byte(' ')
		e.nstr(b.MD5)
		if err := e.bodyExt(b, depth); err != nil {
			return err
		}
	}
	vw.byte(')')
	return nil
}

// bodyExt writes SP body-fld-dsp SP body-fld-lang SP body-fld-loc
// *(SP body-extension), the extension data after body-fld-md5 (single
// part) or body-fld-param (multipart).
func (e *ResponseEncoder) bodyExt(b *wire.BodyStructure, depth int) error {
	vw := &e.vw
	vw.byte(' ')
	if d := b.Disposition; d == nil {
		vw.str("NIL")
	} else {
		vw.byte('(')
		e.str(d.Value)
		vw.byte(' ')
		e.params(d.Params)
		vw.byte(')')
	}
	vw.byte(' ')
	switch len(b.Language) {
	case 0:
		vw.str("NIL")
	case 1:
		e.str(b.Language[0])
	default:
		vw.byte('(')
		for i, l := range b.Language {
			if i > 0 {
				vw.byte(' ')
			}
			e.str(l)
		}
		vw.byte(')')
	}
	vw.byte(' ')
	e.nstr(b.Location)
	for i := range b.Extensions {
		vw.byte(' ')
		if err := e.value(&b.Extensions[i], false, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// params writes body-fld-param: NIL when there are none.
func (e *ResponseEncoder) params(ps []wire.Param) {
	vw := &e.vw
	if len(ps) == 0 {
		vw.str("NIL")
		return
	}
	vw.byte('(')
	for i, p := range ps {
		if i > 0 {
			vw.byte(' ')
		}
		e.str(p.Name)
		vw.byte(' ')
		e.str(p.Value)
	}
	vw.byte(')')
}

// mailbox writes a mailbox name (RFC 9051 §9 "mailbox"), in modified
// UTF-7 unless UTF-8 is on.
func (e *ResponseEncoder) mailbox(name string) error {
	if e.utf8 {
		if !utf8.ValidString(name) {
			return errInvalidUTF8
		}
	} else {
		enc, err := utf7.Encode(name)
		if err != nil {
			return err
		}
		name = enc
	}
	e.astr(name)
	return nil
}

// delim writes a hierarchy delimiter: DQUOTE QUOTED-CHAR DQUOTE, or NIL.
func (e *ResponseEncoder) delim(d rune) error {
	vw := &e.vw
	switch {
	case d == 0:
		vw.str("NIL")
	case d == '"' || d == '\\':
		vw.str(`"\`)
		vw.byte(byte(d))
		vw.byte('"')
	case d == '\r' || d == '\n' || d < 0 || !utf8.ValidRune(d) || (d >= 0x80 && !e.utf8):
		return fmt.Errorf("%w: hierarchy delimiter %U", ErrUnsupportedData, d)
	default:
		var b [utf8.UTFMax + 2]byte
		n := utf8.EncodeRune(b[1:], d)
		b[0], b[n+1] = '"', '"'
		vw.bytes(b[:n+2])
	}
	return nil
}

// list writes mailbox-list (RFC 9051 §7.3.1; RFC 5258 §9 extended items).
func (e *ResponseEncoder) list(l *wire.ListData) error {
	vw := &e.vw
	vw.byte(' ')
	if err := e.atoms(l.Attrs, true, false); err != nil {
		return err
	}
	vw.byte(' ')
	if err := e.delim(l.Delim); err != nil {
		return err
	}
	vw.byte(' ')
	if err := e.mailbox(l.Mailbox); err != nil {
		return err
	}
	if l.OldName == "" && len(l.ChildInfo) == 0 && len(l.Extended) == 0 {
		return nil
	}
	vw.str(" (")
	first := true
	sep := func() {
		if !first {
			vw.byte(' ')
		}
		first = false
	}
	if l.OldName != "" {
		sep()
		vw.str("OLDNAME (")
		if err := e.mailbox(l.OldName); err != nil {
			return err
		}
		vw.byte(')')
	}
	if len(l.ChildInfo) > 0 {
		sep()
		vw.str("CHILDINFO (")
		for i, c := range l.ChildInfo {
			if i > 0 {
				vw.byte(' ')
			}
			e.str(c)
		}
		vw.byte(')')
	}
	for i := range l.Extended {
		sep()
		if err := e.value(&l.Extended[i], false, 0); err != nil {
			return err
		}
	}
	vw.byte(')')
	return nil
}

// status writes STATUS data (RFC 9051 §7.3.2).
func (e *ResponseEncoder) status(s *wire.StatusData) error {
	vw := &e.vw
	vw.byte(' ')
	if err := e.mailbox(s.Mailbox); err != nil {
		return err
	}
	vw.str(" (")
	for i, it := range s.Items {
		if !isAtom(it.Name) {
			return ErrInvalidAtom
		}
		if i > 0 {
			vw.byte(' ')
		}
		vw.str(it.Name)
		vw.byte(' ')
		if it.Nil {
			vw.str("NIL")
		} else {
			vw.number(it.Value)
		}
	}
	vw.byte(')')
	return nil
}

// namespace writes NAMESPACE data (RFC 9051 §7.3.5, RFC 2342 §5).
func (e *ResponseEncoder) namespace(n *wire.NamespaceData) error {
	vw := &e.vw
	for _, l := range [...][]wire.Namespace{n.Personal, n.Other, n.Shared} {
		vw.byte(' ')
		if len(l) == 0 {
			vw.str("NIL")
			continue
		}
		vw.byte('(')
		for i := range l {
			ns := &l[i]
			vw.byte('(')
			if err := e.namespacePrefix(ns.Prefix); err != nil {
				return err
			}
			vw.byte(' ')
			if err := e.delim(ns.Delim); err != nil {
				return err
			}
			for j := range ns.Extensions {
				vw.byte(' ')
				if err := e.value(&ns.Extensions[j], false, 0); err != nil {
					return err
				}
			}
			vw.byte(')')
		}
		vw.byte(')')
	}
	return nil
}

// namespacePrefix writes a namespace prefix: a string (never an atom),
// in modified UTF-7 unless UTF-8 is on, like a mailbox name.
func (e *ResponseEncoder) namespacePrefix(p string) error {
	if !e.utf8 {
		enc, err := utf7.Encode(p)
		if err != nil {
			return err
		}
		p = enc
	} else if !utf8.ValidString(p) {
		return errInvalidUTF8
	}
	e.str(p)
	return nil
}

// search writes SEARCH data (RFC 3501 §7.2.5) with the MODSEQ of
// RFC 7162 §3.1.5.
func (e *ResponseEncoder) search(s *wire.SearchData) error {
	vw := &e.vw
	for _, n := range s.Nums {
		vw.byte(' ')
		vw.number(uint64(n))
	}
	if s.ModSeq != 0 {
		vw.str(" (MODSEQ ")
		vw.number(s.ModSeq)
		vw.byte(')')
	}
	return nil
}

// esearch writes ESEARCH data (RFC 9051 §7.3.4, RFC 4731 §3.1).
func (e *ResponseEncoder) esearch(s *wire.ESearchData) error {
	vw := &e.vw
	if s.Tag != "" {
		if classify(s.Tag, false, false) != formQuoted {
			return fmt.Errorf("%w: search correlator tag", ErrInvalidAtom)
		}
		vw.str(" (TAG ")
		vw.quoted(s.Tag)
		vw.byte(')')
	}
	if s.UID {
		vw.str(" UID")
	}
	if s.Has&wire.ESearchMin != 0 {
		vw.str(" MIN ")
		vw.number(uint64(s.Min))
	}
	if s.Has&wire.ESearchMax != 0 {
		vw.str(" MAX ")
		vw.number(uint64(s.Max))
	}
	if s.Has&wire.ESearchAll != 0 {
		vw.str(" ALL ")
		if err := e.seqSet(s.All); err != nil {
			return err
		}
	}
	if s.Has&wire.ESearchCount != 0 {
		vw.str(" COUNT ")
		vw.number(uint64(s.Count))
	}
	if s.Has&wire.ESearchModSeq != 0 {
		vw.str(" MODSEQ ")
		vw.number(s.ModSeq)
	}
	for i := range s.Extensions {
		vw.byte(' ')
		if err := e.value(&s.Extensions[i], false, 0); err != nil {
			return err
		}
	}
	return nil
}

// id writes ID data (RFC 2971 §3.2): NIL for a nil map, else the fields
// sorted by name, as a list of name and value strings; "" is NIL.
func (e *ResponseEncoder) id(m map[string]string) error {
	vw := &e.vw
	vw.byte(' ')
	if m == nil {
		vw.str("NIL")
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	vw.byte('(')
	for i, k := range keys {
		if i > 0 {
			vw.byte(' ')
		}
		e.str(k)
		vw.byte(' ')
		e.nstr(m[k])
	}
	vw.byte(')')
	return nil
}
