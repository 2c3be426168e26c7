package client

import "github.com/imapkit/imapkit/wire"

// MergeFetch folds the FETCH data of one message that a server split over
// several responses (RFC 9051 §7.5.2 allows it; e.g. FLAGS and the body
// in two) into one value per message, keyed by UID when every response
// carries one and by sequence number otherwise. The result keeps the
// order in which messages first appeared. An attribute sent twice keeps
// its later value (the newer news, e.g. FLAGS changed meanwhile);
// sections, BINARY.SIZE and extension items accumulate. The inputs are
// not modified. FetchData.Order is not meaningful in the result.
func MergeFetch(data []*wire.FetchData) []*wire.FetchData {
	byUID := true
	for _, d := range data {
		if d != nil && d.Has&wire.FetchUID == 0 {
			byUID = false
			break
		}
	}
	index := make(map[uint32]int, len(data))
	var out []*wire.FetchData
	for _, d := range data {
		if d == nil {
			continue
		}
		key := d.Seq
		if byUID {
			key = d.UID
		}
		i, ok := index[key]
		if !ok {
			cp := *d
			cp.Sections = append([]wire.SectionData(nil), d.Sections...)
			cp.BinarySizes = append([]wire.BinarySize(nil), d.BinarySizes...)
			cp.Items = append([]wire.FetchItem(nil), d.Items...)
			cp.Order = 0
			index[key] = len(out)
			out = append(out, &cp)
			continue
		}
		mergeInto(out[i], d)
	}
	return out
}

func mergeInto(m, d *wire.FetchData) {
	m.Seq = d.Seq // a later response knows the current number
	if d.Has&wire.FetchUID != 0 {
		m.UID = d.UID
	}
	if d.Has&wire.FetchFlags != 0 {
		m.Flags = d.Flags
	}
	if d.Has&wire.FetchInternalDate != 0 {
		m.InternalDate = d.InternalDate
	}
	if d.Has&wire.FetchRFC822Size != 0 {
		m.RFC822Size = d.RFC822Size
	}
	if d.Has&wire.FetchEnvelope != 0 {
		m.Envelope = d.Envelope
	}
	if d.Has&(wire.FetchBody|wire.FetchBodyStructure) != 0 {
		m.BodyStructure = d.BodyStructure
	}
	m.Has |= d.Has
	m.Sections = append(m.Sections, d.Sections...)
	m.BinarySizes = append(m.BinarySizes, d.BinarySizes...)
	m.Items = append(m.Items, d.Items...)
}
