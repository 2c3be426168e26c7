package codec

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/imapkit/imapkit/seqset"
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

// data writes what follows the data name, each part preceded by SP: a
// generic tree as it is, typed data with the encoder registered for the
// name.
func (e *ResponseEncoder) data(r *wire.Response) error {
	switch d := r.Data.(type) {
	case nil:
		return nil
	case []wire.Value:
		for i := range d {
			e.vw.byte(' ')
			if err := e.value(&d[i], false, 0); err != nil {
				return err
			}
		}
		return nil
	case wire.Value:
		e.vw.byte(' ')
		return e.value(&d, false, 0)
	}
	enc := e.reg.encData[r.Name]
	if enc == nil {
		enc = e.reg.encData[strings.ToUpper(r.Name)]
	}
	if enc == nil {
		return fmt.Errorf("%w: %T in %s (no encoder registered)", ErrUnsupportedData, r.Data, r.Name)
	}
	if err := enc(&e.wr, r); err != nil {
		return err
	}
	return e.wr.err
}

// Base protocol data encoders (RFC 9051 §7.2-7.5), registered by
// RegisterBase like an extension's.

func encodeFetchData(w *Writer, r *wire.Response) error {
	fd := fetchData(r.Data)
	if fd == nil {
		return unsupported(r.Data, r.Name)
	}
	return w.e.fetch(fd)
}

func encodeListData(w *Writer, r *wire.Response) error {
	switch d := r.Data.(type) {
	case *wire.ListData:
		return w.e.list(d)
	case wire.ListData:
		return w.e.list(&d)
	}
	return unsupported(r.Data, r.Name)
}

func encodeStatusData(w *Writer, r *wire.Response) error {
	switch d := r.Data.(type) {
	case *wire.StatusData:
		return w.e.status(d)
	case wire.StatusData:
		return w.e.status(&d)
	}
	return unsupported(r.Data, r.Name)
}

func encodeNamespaceData(w *Writer, r *wire.Response) error {
	switch d := r.Data.(type) {
	case *wire.NamespaceData:
		return w.e.namespace(d)
	case wire.NamespaceData:
		return w.e.namespace(&d)
	}
	return unsupported(r.Data, r.Name)
}

func encodeSearchData(w *Writer, r *wire.Response) error {
	switch d := r.Data.(type) {
	case *wire.SearchData:
		return w.e.search(d)
	case wire.SearchData:
		return w.e.search(&d)
	case []uint32:
		return w.e.search(&wire.SearchData{Nums: d})
	}
	return unsupported(r.Data, r.Name)
}

func encodeESearchData(w *Writer, r *wire.Response) error {
	switch d := r.Data.(type) {
	case *wire.ESearchData:
		return w.e.esearch(d)
	case wire.ESearchData:
		return w.e.esearch(&d)
	}
	return unsupported(r.Data, r.Name)
}

// encodeFlagsData writes FLAGS SP flag-list (RFC 9051 §7.3.5).
func encodeFlagsData(w *Writer, r *wire.Response) error {
	d, ok := r.Data.([]string)
	if !ok {
		return unsupported(r.Data, r.Name)
	}
	w.SP()
	return w.e.atoms(d, true, false)
}

// encodeAtomsData writes CAPABILITY and ENABLED: SP-separated atoms.
func encodeAtomsData(w *Writer, r *wire.Response) error {
	d, ok := r.Data.([]string)
	if !ok {
		return unsupported(r.Data, r.Name)
	}
	return w.e.atoms(d, false, true)
}

func encodeIDData(w *Writer, r *wire.Response) error {
	d, ok := r.Data.(map[string]string)
	if !ok {
		return unsupported(r.Data, r.Name)
	}
	return w.e.id(d)
}

// fetch writes msg-att (RFC 9051 §7.5.2): in the order fd.Order
// records, or else the base items in a fixed order (UID, FLAGS,
// INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY, BODYSTRUCTURE), then the
// sections, BINARY.SIZE items and the other items in the order of their
// slices.
func (e *ResponseEncoder) fetch(fd *wire.FetchData) error {
	vw := &e.vw
	vw.str(" (")
	n := 0
	var sec, bsz, itm int
	one := func(kind uint8) error {
		if n > 0 {
			vw.byte(' ')
		}
		n++
		switch kind {
		case wire.FetchOrderSection:
			sec++
			return e.section(&fd.Sections[sec-1])
		case wire.FetchOrderBinarySize:
			bsz++
			bs := &fd.BinarySizes[bsz-1]
			vw.str("BINARY.SIZE[")
			if err := e.part(bs.Part); err != nil {
				return err
			}
			vw.str("] ")
			vw.number(uint64(bs.Size))
			return nil
		case wire.FetchOrderItem:
			itm++
			it := &fd.Items[itm-1]
			if !validAtom(it.Name) {
				return ErrInvalidAtom
			}
			vw.str(it.Name)
			vw.byte(' ')
			return e.fetchItem(it)
		}
		return e.baseFetchItem(fd, kind)
	}
	if fd.Order != 0 && e.orderValid(fd) {
		for i := 0; i < 16; i++ {
			kind := fd.Order.At(i)
			if kind == 0 {
				break
			}
			if err := one(kind); err != nil {
				return err
			}
		}
	} else {
		for kind := wire.FetchOrderUID; kind <= wire.FetchOrderBodyStructure; kind++ {
			if fd.Has&(1<<(kind-1)) != 0 {
				if err := one(kind); err != nil {
					return err
				}
			}
		}
		for range fd.Sections {
			if err := one(wire.FetchOrderSection); err != nil {
				return err
			}
		}
		for range fd.BinarySizes {
			if err := one(wire.FetchOrderBinarySize); err != nil {
				return err
			}
		}
		for range fd.Items {
			if err := one(wire.FetchOrderItem); err != nil {
				return err
			}
		}
	}
	vw.byte(')')
	return nil
}

// orderValid reports whether fd.Order names every item of fd exactly
// once; an Order that does not match the data (changed after decoding)
// is ignored.
func (e *ResponseEncoder) orderValid(fd *wire.FetchData) bool {
	var has wire.FetchAttrs
	var sec, bsz, itm int
	for i := 0; i < 16; i++ {
		switch k := fd.Order.At(i); {
		case k == 0:
			return has == fd.Has && sec == len(fd.Sections) && bsz == len(fd.BinarySizes) && itm == len(fd.Items)
		case k <= wire.FetchOrderBodyStructure:
			bit := wire.FetchAttrs(1) << (k - 1)
			if has&bit != 0 {
				return false
			}
			has |= bit
		case k == wire.FetchOrderSection:
			sec++
		case k == wire.FetchOrderBinarySize:
			bsz++
		case k == wire.FetchOrderItem:
			itm++
		default:
			return false
		}
	}
	return has == fd.Has && sec == len(fd.Sections) && bsz == len(fd.BinarySizes) && itm == len(fd.Items)
}

// baseFetchItem writes one base item without a section, name and value.
func (e *ResponseEncoder) baseFetchItem(fd *wire.FetchData, kind uint8) error {
	vw := &e.vw
	switch kind {
	case wire.FetchOrderUID:
		vw.str("UID ")
		vw.number(uint64(fd.UID))
	case wire.FetchOrderFlags:
		vw.str("FLAGS ")
		return e.atoms(fd.Flags, true, false)
	case wire.FetchOrderInternalDate:
		vw.str("INTERNALDATE ")
		e.wr.DateTime(fd.InternalDate)
	case wire.FetchOrderRFC822Size:
		if fd.RFC822Size < 0 {
			return fmt.Errorf("codec: negative RFC822.SIZE")
		}
		vw.str("RFC822.SIZE ")
		vw.number(uint64(fd.RFC822Size))
	case wire.FetchOrderEnvelope:
		if fd.Envelope == nil {
			return fmt.Errorf("%w: ENVELOPE flagged but nil", ErrUnsupportedData)
		}
		vw.str("ENVELOPE ")
		e.envelope(fd.Envelope)
	case wire.FetchOrderBody, wire.FetchOrderBodyStructure:
		if kind == wire.FetchOrderBody {
			vw.str("BODY ")
		} else {
			vw.str("BODYSTRUCTURE ")
		}
		if fd.BodyStructure == nil {
			vw.str("NIL")
			return nil
		}
		return e.body(fd.BodyStructure, 0)
	default:
		return fmt.Errorf("%w: FETCH order entry %d", ErrUnsupportedData, kind)
	}
	return nil
}

// fetchItem writes the value of an extension's FETCH item: a generic
// value as it is, a typed one with the encoder registered for the item's
// name (the part before "[").
func (e *ResponseEncoder) fetchItem(it *wire.FetchItem) error {
	switch d := it.Data.(type) {
	case wire.Value:
		return e.value(&d, false, 0)
	case *wire.Value:
		return e.value(d, false, 0)
	}
	name := it.Name
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	enc := e.reg.encItems[name]
	if enc == nil {
		enc = e.reg.encItems[strings.ToUpper(name)]
	}
	if enc == nil {
		return fmt.Errorf("%w: %T in FETCH item %s (no encoder registered)", ErrUnsupportedData, it.Data, it.Name)
	}
	if err := enc(&e.wr, it.Name, it.Data); err != nil {
		return err
	}
	return e.wr.err
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
	return e.sectionContents(s, binaryItem)
}

// sectionContents writes the nstring (or literal8) of a section item.
func (e *ResponseEncoder) sectionContents(s *wire.SectionData, binaryItem bool) error {
	vw := &e.vw
	switch {
	case s.Nil:
		vw.str("NIL")
	case s.Streamed && s.Data == nil:
		return ErrStreamedValue
	default:
		f := e.formBytes(s.Data)
		switch {
		case s.Binary || s.Form == wire.FormLiteral8:
			f = formLiteral8
		case s.Form == wire.FormLiteral && f != formLiteral8:
			f = formLiteral
		case s.Form == wire.FormQuoted && len(s.Data) > e.opts.MaxQuoted:
			if g := e.formBytesMax(s.Data); g == formQuoted || g == formQuotedEscaped {
				f = g
			}
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
	field := func(s string, f wire.EnvelopeFields) {
		e.addrField(s, env.Empty&f != 0, env.Literal&f != 0)
	}
	field(env.Date, wire.EnvelopeDate)
	vw.byte(' ')
	field(env.Subject, wire.EnvelopeSubject)
	for _, l := range [...][]wire.Address{env.From, env.Sender, env.ReplyTo, env.To, env.Cc, env.Bcc} {
		vw.byte(' ')
		e.addresses(l)
	}
	vw.byte(' ')
	field(env.InReplyTo, wire.EnvelopeInReplyTo)
	vw.byte(' ')
	field(env.MessageID, wire.EnvelopeMessageID)
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
		for i, s := range [4]string{a.Name, a.ADL, a.Mailbox, a.Host} {
			if i > 0 {
				vw.byte(' ')
			}
			f := wire.AddressFields(1) << i
			e.addrField(s, a.Empty&f != 0, a.Literal&f != 0)
		}
		vw.byte(')')
	}
	vw.byte(')')
}

// addrField writes an nstring field of an address or an envelope: NIL
// for "" unless empty says the empty string was meant; a literal when
// literal says the server sent one (and s is not NIL).
func (e *ResponseEncoder) addrField(s string, empty, literal bool) {
	switch {
	case literal && (s != "" || empty):
		f := literalForm(s)
		if f == formLiteral8 {
			e.wr.Fail(ErrNeedsBinary)
		}
		e.writeString(s, f)
	case s == "" && empty:
		e.vw.str(`""`)
	default:
		e.nstr(s)
	}
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
			// A multipart with no parts has no syntax (1*body); a lenient
			// decoder reads one from servers that send it, as
			// "(" subtype [SP params ext] ")", which is what goes back.
			e.str(b.Subtype)
			if b.Extended {
				vw.byte(' ')
				if len(b.Params) == 0 {
					vw.str("()") // NIL would read as a single part's subtype
				} else {
					e.params(b.Params)
				}
				if err := e.bodyExt(b, depth); err != nil {
					return err
				}
			}
			vw.byte(')')
			return nil
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
		vw.byte(' ')
		env := b.Envelope
		if env == nil {
			env = &wire.Envelope{}
		}
		e.envelope(env)
		vw.byte(' ')
		if b.Body == nil {
			// As a lenient decoder reads a server's NIL body.
			vw.str("NIL")
		} else if err := e.body(b.Body, depth+1); err != nil {
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
	if e.opts.UTF8 {
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
	case d == '\r' || d == '\n' || d < 0 || !utf8.ValidRune(d) || (d >= 0x80 && !e.opts.UTF8):
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
		switch {
		case it.Data != nil:
			enc := e.reg.encStatus[it.Name]
			if enc == nil {
				enc = e.reg.encStatus[strings.ToUpper(it.Name)]
			}
			if enc == nil {
				return fmt.Errorf("%w: %T in STATUS item %s (no encoder registered)", ErrUnsupportedData, it.Data, it.Name)
			}
			if err := enc(&e.wr, it.Name, it.Data); err != nil {
				return err
			}
			if e.wr.err != nil {
				return e.wr.err
			}
		case it.Other != nil:
			if err := e.value(it.Other, false, 0); err != nil {
				return err
			}
		case it.Nil:
			vw.str("NIL")
		default:
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
	if !e.opts.UTF8 {
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

// esearch writes ESEARCH data (RFC 9051 §7.3.4, RFC 4731 §3.1): the
// correlator with MAILBOX and UIDVALIDITY when UIDValidity is set (RFC
// 7377 §2.1), ALL as AllOrder when set (RFC 5267 §3.2), and the items in
// Order when set.
func (e *ResponseEncoder) esearch(s *wire.ESearchData) error {
	vw := &e.vw
	if s.Tag != "" || s.UIDValidity != 0 {
		if classify(s.Tag, false, false) != formQuoted {
			return fmt.Errorf("%w: search correlator tag", ErrInvalidAtom)
		}
		vw.str(" (TAG ")
		vw.quoted(s.Tag)
		if s.UIDValidity != 0 {
			vw.str(" MAILBOX ")
			if err := e.mailboxForm(s.Mailbox, s.MailboxForm); err != nil {
				return err
			}
			vw.str(" UIDVALIDITY ")
			vw.number(uint64(s.UIDValidity))
		}
		vw.byte(')')
	}
	if s.UID {
		vw.str(" UID")
	}
	order := s.Order
	if order == nil {
		for a := wire.ESearchMin; a <= wire.ESearchModSeq; a <<= 1 {
			if s.Has&a != 0 {
				if err := e.esearchItem(s, a); err != nil {
					return err
				}
			}
		}
		for i := range s.Extensions {
			vw.byte(' ')
			if err := e.value(&s.Extensions[i], false, 0); err != nil {
				return err
			}
		}
		return nil
	}
	ext, done := 0, wire.ESearchAttrs(0)
	for _, name := range order {
		if a := esearchAttr(name); a != 0 && s.Has&a != 0 && done&a == 0 {
			done |= a
			if err := e.esearchItem(s, a); err != nil {
				return err
			}
			continue
		}
		if ext+1 >= len(s.Extensions) || !strings.EqualFold(s.Extensions[ext].Text(), name) {
			return fmt.Errorf("%w: ESEARCH Order names %s, which the data does not hold", ErrUnsupportedData, name)
		}
		for i := ext; i < ext+2; i++ {
			vw.byte(' ')
			if err := e.value(&s.Extensions[i], false, 0); err != nil {
				return err
			}
		}
		ext += 2
	}
	if done != s.Has&(wire.ESearchMin|wire.ESearchMax|wire.ESearchAll|wire.ESearchCount|wire.ESearchModSeq) || ext != len(s.Extensions) {
		return fmt.Errorf("%w: ESEARCH Order leaves out items the data holds", ErrUnsupportedData)
	}
	return nil
}

// esearchItem writes one known search-return-data item with its leading
// SP.
func (e *ResponseEncoder) esearchItem(s *wire.ESearchData, a wire.ESearchAttrs) error {
	vw := &e.vw
	vw.byte(' ')
	vw.str(esearchName(a))
	vw.byte(' ')
	switch a {
	case wire.ESearchMin:
		vw.number(uint64(s.Min))
	case wire.ESearchMax:
		vw.number(uint64(s.Max))
	case wire.ESearchAll:
		if s.AllOrder != nil {
			return e.rangesInOrder(s.AllOrder, s.All)
		}
		return e.seqSet(s.All)
	case wire.ESearchCount:
		vw.number(uint64(s.Count))
	case wire.ESearchModSeq:
		vw.number(s.ModSeq)
	}
	return nil
}

// rangesInOrder writes ranges as a sequence-set in the order given,
// after checking that they make up set.
func (e *ResponseEncoder) rangesInOrder(rs []seqset.Range, set seqset.Set) error {
	var check seqset.Set
	for i, r := range rs {
		check.AddRange(r.Start, r.Stop)
		if i > 0 {
			e.vw.byte(',')
		}
		e.seqNumber(r.Start)
		if r.Stop != r.Start {
			e.vw.byte(':')
			e.seqNumber(r.Stop)
		}
	}
	if len(rs) == 0 || !check.Equal(set) {
		return fmt.Errorf("%w: ESEARCH AllOrder is not the set All", ErrUnsupportedData)
	}
	return nil
}

// seqNumber writes a seq-number: a number or "*".
func (e *ResponseEncoder) seqNumber(n uint32) {
	if n == seqset.Star {
		e.vw.byte('*')
		return
	}
	e.vw.number(uint64(n))
}

// mailboxForm writes a mailbox name as mailbox does, in form f where
// its contents allow (FormAuto: as mailbox chooses).
func (e *ResponseEncoder) mailboxForm(name string, f wire.StringForm) error {
	if f == wire.FormAuto {
		return e.mailbox(name)
	}
	if e.opts.UTF8 {
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
	if f == wire.FormLiteral8 {
		f = wire.FormLiteral // a mailbox is never a literal8
	}
	v := wire.Value{Kind: wire.KindString, Form: f, Str: name}
	return e.stringValue(&v)
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

// Base FETCH item encoders: the values fetchItemParser returns, for an
// item that an extension's parser put into FetchData.Items.

func encodeBaseItem(w *Writer, item string, v any) error {
	e := w.e
	switch d := v.(type) {
	case uint32: // UID
		w.Number(uint64(d))
	case int64: // RFC822.SIZE
		if d < 0 {
			return fmt.Errorf("codec: negative %s", item)
		}
		w.Number(uint64(d))
	case []string: // FLAGS
		w.Flags(d)
	case time.Time: // INTERNALDATE
		w.DateTime(d)
	case *wire.Envelope:
		if d == nil {
			w.NIL()
			return nil
		}
		e.envelope(d)
	case *wire.BodyStructure:
		if d == nil {
			w.NIL()
			return nil
		}
		return e.body(d, 0)
	case *wire.SectionData:
		return e.sectionContents(d, strings.HasPrefix(item, "BINARY"))
	case *wire.BinarySize:
		w.Number(uint64(d.Size))
	default:
		return unsupported(v, "FETCH item "+item)
	}
	return nil
}
