// Package esearch is the ESEARCH response parser that packages esort and
// multisearch install in place of the base protocol's. It returns the same
// *wire.ESearchData (so the client still routes a response to its command
// by the TAG correlator, and client.Conn.Search still reads it) and keeps
// beside it what that type has no field for:
//
//   - the order of ALL as the server sent it: ESORT returns the messages in
//     sort order (RFC 5267 §3.1), and wire.ESearchData.All, a seqset.Set,
//     is sorted;
//   - the MAILBOX and UIDVALIDITY of the correlator (RFC 7377 §2.1), which
//     the base parser rejects.
//
// The extra data live in a table keyed by a weak pointer to the
// ESearchData, removed when the ESearchData is collected.
package esearch

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"weak"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/ext/internal/forms"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/utf7"
	"github.com/imapkit/imapkit/wire"
)

// Extra is what an ESEARCH response held beyond wire.ESearchData.
type Extra struct {
	// Mailbox and UIDValidity are from the correlator of a MULTISEARCH
	// result (RFC 7377 §2.1); HasMailbox says whether they were there.
	Mailbox     string
	UIDValidity uint32
	HasMailbox  bool
	// AllText is the ALL sequence-set as sent, and Ordered its numbers in
	// that order (nil when it holds more than MaxOrdered numbers).
	AllText string
	Ordered []uint32
	// Order are the names of the return data items in the order sent,
	// when it differs from the encoder's (MIN MAX ALL COUNT MODSEQ, then
	// the others); mailboxForm is how MAILBOX was sent.
	Order       []string
	mailboxForm forms.Form
}

// MaxOrdered bounds the numbers an ordered ALL is expanded to.
const MaxOrdered = 1 << 22

var table sync.Map // weak.Pointer[wire.ESearchData] -> *Extra

func record(d *wire.ESearchData, x *Extra) {
	wp := weak.Make(d)
	table.Store(wp, x)
	runtime.AddCleanup(d, func(k weak.Pointer[wire.ESearchData]) { table.Delete(k) }, wp)
}

// ExtraOf returns the extra data recorded for d by Parse.
func ExtraOf(d *wire.ESearchData) (*Extra, bool) {
	if d == nil {
		return nil, false
	}
	v, ok := table.Load(weak.Make(d))
	if !ok {
		return nil, false
	}
	return v.(*Extra), true
}

// maxItems bounds the search-return-data items of one response.
const maxItems = 1 << 16

// Parse parses "ESEARCH" [search-correlator] [SP "UID"] *(SP
// search-return-data) (RFC 9051 §7.3.4, RFC 4731 §3.1) with the
// correlator of RFC 7377 §2.1: "(" "TAG" SP tag-string [SP "MAILBOX" SP
// astring SP "UIDVALIDITY" SP nz-number] ")". Return data other than
// MIN, MAX, ALL, COUNT and MODSEQ go to Extensions as generic values, as
// the base parser does.
func Parse(p *codec.Parser, _ *wire.Response) (any, error) {
	e := &wire.ESearchData{}
	x := &Extra{}
	keep := false
	if c, _ := p.PeekByte(); c == '(' {
		p.Expect('(')
		name, err := p.ReadAtom()
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(name, "TAG") {
			return nil, p.SyntaxError(`"TAG"`)
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		if e.Tag, err = p.ReadAString(); err != nil {
			return nil, err
		}
		if !p.Consume(')') {
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
			if name, err = p.ReadAtom(); err != nil {
				return nil, err
			}
			if !strings.EqualFold(name, "MAILBOX") {
				return nil, p.SyntaxError(`"MAILBOX"`)
			}
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
			var fr forms.Reader
			x.mailboxForm = fr.Peek(p)
			if x.Mailbox, err = p.ReadMailbox(); err != nil {
				return nil, err
			}
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
			if name, err = p.ReadAtom(); err != nil {
				return nil, err
			}
			if !strings.EqualFold(name, "UIDVALIDITY") {
				return nil, p.SyntaxError(`"UIDVALIDITY"`)
			}
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
			if x.UIDValidity, err = p.ReadNZNumber(); err != nil {
				return nil, err
			}
			if err := p.Expect(')'); err != nil {
				return nil, err
			}
			x.HasMailbox, keep = true, true
		}
		if !p.AtEnd() {
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
		}
	}
	for n := 0; !p.AtEnd(); n++ {
		if n >= maxItems {
			return nil, p.SyntaxError(fmt.Sprintf("at most %d ESEARCH items", maxItems))
		}
		name, err := p.ReadAtom()
		if err != nil {
			return nil, err
		}
		upper := strings.ToUpper(name)
		if n == 0 && upper == "UID" {
			e.UID = true
		} else {
			x.Order = append(x.Order, upper)
			if err := p.ReadSP(); err != nil {
				return nil, err
			}
			switch upper {
			case "MIN":
				e.Min, err = p.ReadNZNumber()
				e.Has |= wire.ESearchMin
			case "MAX":
				e.Max, err = p.ReadNZNumber()
				e.Has |= wire.ESearchMax
			case "COUNT":
				e.Count, err = p.ReadNumber()
				e.Has |= wire.ESearchCount
			case "MODSEQ":
				e.ModSeq, err = p.ReadNumber64()
				e.Has |= wire.ESearchModSeq
			case "ALL":
				off := p.Offset()
				var text string
				if text, err = readSeqText(p); err == nil {
					if e.All, err = seqset.Parse(text); err != nil {
						err = fmt.Errorf("ESEARCH ALL at offset %d: %w", off, err)
					}
				}
				e.Has |= wire.ESearchAll
				if err == nil && text != e.All.String() {
					x.AllText, keep = text, true
					if !ascending(text) {
						x.Ordered = Ordered(text)
					}
				}
			default:
				var v wire.Value
				v, err = p.ReadValue()
				e.Extensions = append(e.Extensions, wire.Atom(upper), v)
			}
			if err != nil {
				return nil, err
			}
		}
		if p.AtEnd() {
			break
		}
		if err := p.ReadSP(); err != nil {
			return nil, err
		}
		if p.AtEnd() && p.Strict() {
			return nil, p.SyntaxError("search-return-data")
		}
	}
	if canonical(x.Order) {
		x.Order = nil
	} else {
		keep = true
	}
	if keep {
		record(e, x)
	}
	return e, nil
}

// rank is the place of an item in the encoder's order.
func rank(name string) int {
	switch name {
	case "MIN":
		return 0
	case "MAX":
		return 1
	case "ALL":
		return 2
	case "COUNT":
		return 3
	case "MODSEQ":
		return 4
	}
	return 5
}

// canonical reports whether names come in the encoder's order, each
// known item once.
func canonical(names []string) bool {
	last := -1
	for _, n := range names {
		r := rank(n)
		if r < last || r == last && r < 5 {
			return false
		}
		last = r
	}
	return true
}

// Encode writes ESEARCH data as Parse reads it: the correlator with
// MAILBOX and UIDVALIDITY, and the items in the order and (for ALL) the
// spelling the server used, when Parse recorded them; otherwise as the
// base protocol's encoder does.
func Encode(w *codec.Writer, r *wire.Response) error {
	d, ok := r.Data.(*wire.ESearchData)
	if !ok {
		return fmt.Errorf("ESEARCH data %T: %w", r.Data, codec.ErrUnsupportedData)
	}
	x, _ := ExtraOf(d)
	if x == nil {
		x = &Extra{}
	}
	if d.Tag != "" || x.HasMailbox {
		w.SP()
		w.List(func() {
			w.Atom("TAG")
			w.SP()
			w.Quoted(d.Tag)
			if x.HasMailbox {
				w.SP()
				w.Atom("MAILBOX")
				w.SP()
				switch x.mailboxForm {
				case forms.Quoted, forms.Literal:
					enc := x.Mailbox
					if !w.UTF8() {
						var err error
						if enc, err = utf7.Encode(enc); err != nil {
							w.Fail(err)
						}
					}
					if x.mailboxForm == forms.Quoted {
						w.Quoted(enc)
					} else {
						w.Literal(enc)
					}
				default:
					w.Mailbox(x.Mailbox)
				}
				w.SP()
				w.Atom("UIDVALIDITY")
				w.SP()
				w.Number(uint64(x.UIDValidity))
			}
		})
	}
	if d.UID {
		w.SP()
		w.Atom("UID")
	}
	order := x.Order
	if order == nil {
		for _, it := range []struct {
			name string
			bit  wire.ESearchAttrs
		}{{"MIN", wire.ESearchMin}, {"MAX", wire.ESearchMax}, {"ALL", wire.ESearchAll}, {"COUNT", wire.ESearchCount}, {"MODSEQ", wire.ESearchModSeq}} {
			if d.Has&it.bit != 0 {
				order = append(order, it.name)
			}
		}
		for i := 0; i+1 < len(d.Extensions); i += 2 {
			order = append(order, d.Extensions[i].Text())
		}
	}
	ext := 0
	for _, name := range order {
		w.SP()
		switch name {
		case "MIN", "MAX", "COUNT", "MODSEQ", "ALL":
			w.Atom(name)
			w.SP()
		}
		switch name {
		case "MIN":
			w.Number(uint64(d.Min))
		case "MAX":
			w.Number(uint64(d.Max))
		case "COUNT":
			w.Number(uint64(d.Count))
		case "MODSEQ":
			w.Number(d.ModSeq)
		case "ALL":
			if x.AllText != "" {
				if s, err := seqset.Parse(x.AllText); err == nil && s.String() == d.All.String() {
					w.Raw(x.AllText)
					break
				}
			}
			w.SeqSet(d.All)
		default:
			if ext+1 >= len(d.Extensions) {
				return fmt.Errorf("ESEARCH item %s has no data: %w", name, codec.ErrUnsupportedData)
			}
			w.Value(d.Extensions[ext])
			w.SP()
			w.Value(d.Extensions[ext+1])
			ext += 2
		}
	}
	return nil
}

// ascending reports whether the members of a sequence-set text come in
// ascending order, ranges low to high, so that seqset.Set keeps the order.
func ascending(s string) bool {
	var last uint64
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		a, err1 := strconv.ParseUint(lo, 10, 32)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.ParseUint(hi, 10, 32)
		}
		a, b = min(a, b), max(a, b)
		if err1 != nil || err2 != nil || a <= last {
			return false
		}
		last = b
	}
	return true
}

// Ordered expands a sequence-set text into its numbers in the order
// written; each range runs upwards, 12:10 as 10,11,12 (RFC 5267 §3.2). It
// returns nil when the text is not a set of numbers or holds more than
// MaxOrdered of them.
func Ordered(s string) []uint32 {
	var total uint64
	type rng struct{ a, b uint64 }
	var rs []rng
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		a, err := strconv.ParseUint(lo, 10, 32)
		if err != nil || a == 0 {
			return nil
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(hi, 10, 32); err != nil || b == 0 {
				return nil
			}
		}
		total += max(a, b) - min(a, b) + 1
		if total > MaxOrdered {
			return nil
		}
		rs = append(rs, rng{min(a, b), max(a, b)})
	}
	out := make([]uint32, 0, total)
	for _, r := range rs {
		for n := r.a; n <= r.b; n++ {
			out = append(out, uint32(n))
		}
	}
	return out
}

// readSeqText reads a sequence-set as written (digits, ":", ",", "*" and
// "$", RFC 9051 §9 and RFC 5182 §3), which seqset.Set would reorder.
func readSeqText(p *codec.Parser) (string, error) {
	var b strings.Builder
	for b.Len() < 1<<20 {
		c, ok := p.PeekByte()
		if !ok {
			break
		}
		switch {
		case c >= '0' && c <= '9':
			n, err := p.ReadNumber()
			if err != nil {
				return "", err
			}
			b.WriteString(strconv.FormatUint(uint64(n), 10))
		case c == ':' || c == ',' || c == '*' || c == '$':
			p.Consume(c)
			b.WriteByte(c)
		default:
			if b.Len() == 0 {
				return "", p.SyntaxError("sequence-set")
			}
			return b.String(), nil
		}
	}
	if b.Len() == 0 {
		return "", p.SyntaxError("sequence-set")
	}
	return b.String(), nil
}
