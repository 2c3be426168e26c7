package client

import (
	"bytes"
	"context"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/imapkit/imapkit/codec"
	"github.com/imapkit/imapkit/seqset"
	"github.com/imapkit/imapkit/wire"
)

// FetchItems says what FETCH returns for each message (RFC 9051 §6.4.5).
type FetchItems struct {
	UID           bool
	Flags         bool
	InternalDate  bool
	RFC822Size    bool
	Envelope      bool
	BodyStructure bool
	// Sections are BODY[...] and BINARY[...] items.
	Sections []FetchSection
	// BinarySize asks for BINARY.SIZE[part] of each part path.
	BinarySize [][]int
	// Extra are further items, as extensions spell them (e.g. MODSEQ,
	// EMAILID, X-GM-LABELS).
	Extra []wire.Value
	// Modifiers are fetch modifiers (RFC 4466 §2.4), e.g. CHANGEDSINCE n.
	Modifiers []wire.Value
}

// FetchSection is one BODY[section]<partial> or BINARY[section] item.
type FetchSection struct {
	Section wire.Section
	// SetSeen fetches with BODY[] or BINARY[], which sets \Seen on the
	// message (RFC 9051 §6.4.5). The zero value fetches with BODY.PEEK[]
	// or BINARY.PEEK[], which leaves the flags alone: reading a message is
	// not marking it read unless asked for.
	SetSeen bool
	// Binary asks for the decoded content (BINARY[], RFC 3516, RFC 9051).
	Binary bool
	// Partial, when Count > 0, fetches Count octets from Offset.
	Offset, Count uint32
}

// item returns the FETCH item as the command spells it.
func (s FetchSection) item() string {
	name := "BODY"
	if s.Binary {
		name = "BINARY"
	}
	if !s.SetSeen {
		name += ".PEEK"
	}
	b := []byte(name)
	b = append(b, '[')
	b = append(b, s.Section.String()...)
	b = append(b, ']')
	if s.Count > 0 {
		b = append(b, '<')
		b = strconv.AppendUint(b, uint64(s.Offset), 10)
		b = append(b, '.')
		b = strconv.AppendUint(b, uint64(s.Count), 10)
		b = append(b, '>')
	}
	return string(b)
}

func (it *FetchItems) args() wire.Value {
	var l []wire.Value
	add := func(on bool, name string) {
		if on {
			l = append(l, wire.Atom(name))
		}
	}
	add(it.UID, "UID")
	add(it.Flags, "FLAGS")
	add(it.InternalDate, "INTERNALDATE")
	add(it.RFC822Size, "RFC822.SIZE")
	add(it.Envelope, "ENVELOPE")
	add(it.BodyStructure, "BODYSTRUCTURE")
	for _, s := range it.Sections {
		l = append(l, wire.Raw(s.item()))
	}
	for _, p := range it.BinarySize {
		l = append(l, wire.Raw("BINARY.SIZE["+wire.Section{Part: p}.String()+"]"))
	}
	l = append(l, it.Extra...)
	return wire.List(l...)
}

// FetchOptions are the optional parts of a FETCH.
type FetchOptions struct {
	// Literal, when set, streams each body section larger than the
	// connection's stream threshold: it is called as the section arrives,
	// on the goroutine that iterates or waits for the FetchCommand, with
	// the message's sequence number, the item as the server named it (e.g.
	// "BODY[]") and a reader of its size octets. What it leaves unread is
	// skipped. The section's SectionData then has Streamed set and no
	// Data. Memory stays bounded by the threshold whatever the mailbox's
	// size.
	//
	// Streaming is back-pressure: the connection's reader hands the
	// section to the FetchCommand's consumer and waits, so a streaming
	// FETCH nobody iterates or waits for holds the reader, and every other
	// command waits for it (their responses are not read meanwhile).
	// Consume the FetchCommand (iterate it or Wait); a consumer that gives
	// up (a loop left early, an ended ctx) abandons it, and its sections
	// are then skipped.
	Literal func(seq uint32, item string, size int64, r io.Reader) error
	// LiteralData is Literal that receives, instead of the sequence
	// number, the FETCH data parsed so far for the message: Seq, and the
	// items that precede the section in the response (the UID, when the
	// server sent it first, as every real server does). d may be read
	// during the call only; the items after the section are not in it
	// yet. When both are set, LiteralData is used.
	LiteralData func(d *wire.FetchData, item string, size int64, r io.Reader) error
	// Claim, when set, claims further untagged responses for this FETCH
	// besides its FETCH responses, as a fetch modifier of an extension
	// makes the server send them (e.g. the VANISHED (EARLIER) of RFC 7162
	// §3.2.6). It runs on the reader goroutine under the rules of
	// Spec.Claim. What it claims is read with Responses; Messages and
	// Collect skip it.
	Claim func(*wire.Response) bool
}

// FetchCommand is a FETCH in flight.
type FetchCommand struct {
	*Command
}

// Fetch starts a FETCH of the messages in set (sequence numbers) (RFC 9051
// §6.4.5) and returns at once; read the results with Messages or Collect.
func (c *Conn) Fetch(ctx context.Context, set seqset.Set, items *FetchItems, opts *FetchOptions) (*FetchCommand, error) {
	return c.fetch(ctx, false, set, items, opts)
}

// UIDFetch is Fetch with UIDs (RFC 9051 §6.4.9).
func (c *Conn) UIDFetch(ctx context.Context, uids seqset.Set, items *FetchItems, opts *FetchOptions) (*FetchCommand, error) {
	return c.fetch(ctx, true, uids, items, opts)
}

func (c *Conn) fetch(ctx context.Context, uid bool, set seqset.Set, items *FetchItems, opts *FetchOptions) (*FetchCommand, error) {
	if items == nil {
		items = &FetchItems{Flags: true}
	}
	it := *items
	if uid {
		it.UID = true // RFC 9051 §6.4.9: UID is always returned; ask for it so the claim can use it
	}
	args := []wire.Value{wire.Raw(set.String()), it.args()}
	if len(it.Modifiers) > 0 {
		args = append(args, wire.List(it.Modifiers...))
	}
	name := "FETCH"
	if uid {
		name = "UID FETCH"
	}
	spec := Spec{
		Name:        name,
		Args:        args,
		States:      selected,
		UsesSeqNums: !uid,
		NoExpunge:   !uid,
		Claim:       claimFetchWant(uid, set, wantOf(&it)),
		claimsByUID: uid,
	}
	if opts != nil && opts.Claim != nil {
		base, more := spec.Claim, opts.Claim
		spec.Claim = func(r *wire.Response) bool { return base(r) || more(r) }
	}
	if opts != nil && opts.LiteralData != nil {
		fn := opts.LiteralData
		spec.Literal = func(info *codec.LiteralInfo, r io.Reader) error {
			d, _ := info.Response.Data.(*wire.FetchData)
			if d == nil {
				d = &wire.FetchData{Seq: info.Response.Num}
			}
			return fn(d, info.Item, info.Size, r)
		}
	} else if opts != nil && opts.Literal != nil {
		fn := opts.Literal
		spec.Literal = func(info *codec.LiteralInfo, r io.Reader) error {
			return fn(info.Response.Num, info.Item, info.Size, r)
		}
	}
	cmd, err := c.Start(ctx, spec)
	if err != nil {
		return nil, err
	}
	return &FetchCommand{cmd}, nil
}

// claimFetch claims the FETCH responses of the messages a FETCH or STORE
// asked for: by sequence number, or, for the UID forms, by the UID the
// response carries (RFC 9051 §6.4.9: the server always sends it), so that
// a FETCH without a UID (an unsolicited flag change) is never taken for a
// fetched message.
//
// A command claims the first response for each message, and a further
// response for that message only when it carries an item the command
// asked for and has not yet received for it: a server may split one
// message's data over several FETCH responses (RFC 9051 §7.5.2), and the
// parts all belong to the command. A response carrying only items the
// command already got goes on: when two commands in flight ask for the
// same message (Dovecot runs pipelined FETCHes in parallel and answers
// each), the first response goes to the older command and the next to
// the next command that asked; an unsolicited flag change goes to the
// unclaimed queue.
//
// The claim runs on the reader goroutine only, which makes its record of
// claimed messages safe without a lock. For a streamed literal it sees the
// items parsed so far (not the section being streamed); the UID forms are
// asked only once the UID is known (Conn.onLiteral). So a further part of
// a message whose streamed section comes first is claimed once complete:
// buffered (up to MaxLiteralSize), not streamed.
func claimFetch(uid bool, set seqset.Set) func(*wire.Response) bool {
	// STORE: the FETCH responses echo FLAGS (with UID for UID STORE, and
	// MODSEQ with UNCHANGEDSINCE, RFC 7162 §3.1.3).
	return claimFetchWant(uid, set, &fetchWant{base: wire.FetchFlags | wire.FetchUID, items: map[string]bool{"MODSEQ": true}})
}

// fetchWant is what a FETCH or STORE asked for, by the categories a FETCH
// response reports (wire.FetchData).
type fetchWant struct {
	base     wire.FetchAttrs
	sections bool            // BODY[...], BINARY[...], RFC822, RFC822.HEADER, RFC822.TEXT
	binSize  bool            // BINARY.SIZE[...]
	items    map[string]bool // other items by name (without section)
	anyItem  bool            // an Extra value not understood: any other item
}

// wantOf returns what items asks for.
func wantOf(it *FetchItems) *fetchWant {
	w := &fetchWant{items: map[string]bool{}}
	set := func(on bool, a wire.FetchAttrs) {
		if on {
			w.base |= a
		}
	}
	set(it.UID, wire.FetchUID)
	set(it.Flags, wire.FetchFlags)
	set(it.InternalDate, wire.FetchInternalDate)
	set(it.RFC822Size, wire.FetchRFC822Size)
	set(it.Envelope, wire.FetchEnvelope)
	set(it.BodyStructure, wire.FetchBodyStructure)
	w.sections = len(it.Sections) > 0
	w.binSize = len(it.BinarySize) > 0
	const fast = wire.FetchFlags | wire.FetchInternalDate | wire.FetchRFC822Size
	for _, v := range it.Extra {
		name := strings.ToUpper(v.Text())
		switch {
		case name == "":
			w.anyItem = true // a list or other value: not understood
		case name == "UID":
			w.base |= wire.FetchUID
		case name == "FLAGS":
			w.base |= wire.FetchFlags
		case name == "INTERNALDATE":
			w.base |= wire.FetchInternalDate
		case name == "RFC822.SIZE":
			w.base |= wire.FetchRFC822Size
		case name == "ENVELOPE":
			w.base |= wire.FetchEnvelope
		case name == "BODY":
			w.base |= wire.FetchBody
		case name == "BODYSTRUCTURE":
			w.base |= wire.FetchBodyStructure
		case name == "FAST": // RFC 9051 §6.4.5 macros
			w.base |= fast
		case name == "ALL":
			w.base |= fast | wire.FetchEnvelope
		case name == "FULL":
			w.base |= fast | wire.FetchEnvelope | wire.FetchBody
		case strings.HasPrefix(name, "BINARY.SIZE"):
			w.binSize = true
		case strings.HasPrefix(name, "BODY") || strings.HasPrefix(name, "BINARY") || strings.HasPrefix(name, "RFC822"):
			w.sections = true
		default:
			if i := strings.IndexByte(name, '['); i >= 0 {
				name = name[:i]
			}
			w.items[name] = true
		}
	}
	if len(it.Modifiers) > 0 {
		// CHANGEDSINCE makes the server send MODSEQ (RFC 7162 §3.1.4.1).
		w.items["MODSEQ"] = true
	}
	return w
}

// fetchGot is what a command received for one message.
type fetchGot struct {
	has  wire.FetchAttrs
	keys []string // sections, binary sizes and other items, as named
}

// add records the items of d.
func (g *fetchGot) add(d *wire.FetchData) {
	g.has |= d.Has
	for i := range d.Sections {
		g.keys = append(g.keys, sectionKey(&d.Sections[i]))
	}
	for _, b := range d.BinarySizes {
		g.keys = append(g.keys, binSizeKey(b))
	}
	for _, it := range d.Items {
		g.keys = append(g.keys, it.Name)
	}
}

// news reports whether d carries an item w asks for that g lacks.
func (w *fetchWant) news(g *fetchGot, d *wire.FetchData) bool {
	if d.Has&w.base&^g.has != 0 {
		return true
	}
	if w.sections {
		for i := range d.Sections {
			if !slices.Contains(g.keys, sectionKey(&d.Sections[i])) {
				return true
			}
		}
	}
	if w.binSize {
		for _, b := range d.BinarySizes {
			if !slices.Contains(g.keys, binSizeKey(b)) {
				return true
			}
		}
	}
	for _, it := range d.Items {
		name := it.Name
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i]
		}
		if (w.anyItem || w.items[name]) && !slices.Contains(g.keys, it.Name) {
			return true
		}
	}
	return false
}

func sectionKey(s *wire.SectionData) string {
	k := s.Item + "[" + s.Section.String() + "]"
	if s.HasOrigin {
		k += "<" + strconv.FormatUint(uint64(s.Origin), 10) + ">"
	}
	return k
}

func binSizeKey(b wire.BinarySize) string {
	return "BINARY.SIZE[" + wire.Section{Part: b.Part}.String() + "]"
}

// claimFetchWant is claimFetch for a command that asked for want.
func claimFetchWant(uid bool, set seqset.Set, want *fetchWant) func(*wire.Response) bool {
	dynamic := set.Dynamic()
	got := map[uint32]fetchGot{} // by value: no allocation per message
	// The last response claimed is recorded at the next call, complete by
	// then (it may have been claimed while parsed, at a streamed literal).
	var last *wire.FetchData
	var lastKey uint32
	return func(r *wire.Response) bool {
		if last != nil {
			g := got[lastKey]
			g.add(last)
			got[lastKey] = g
			last = nil
		}
		if r.Kind != wire.DataResponse || r.Name != "FETCH" {
			return false
		}
		d, _ := r.Data.(*wire.FetchData)
		key := r.Num
		if uid {
			if d == nil || d.Has&wire.FetchUID == 0 {
				return false
			}
			key = d.UID
		}
		if !dynamic && !set.Contains(key) {
			return false
		}
		if g, seen := got[key]; !seen {
			got[key] = fetchGot{}
		} else if d == nil || !want.news(&g, d) {
			return false
		}
		if d != nil {
			last, lastKey = d, key
		}
		return true
	}
}

// Messages iterates over the FETCH data as it arrives. The final pair
// carries the completion's error, if any.
//
// The *wire.FetchData of an iteration, and the section contents it holds
// (SectionData.Data), are valid only until the next iteration: to spare an
// allocation, a copy and a hand-off per message, the connection's reader
// reads the contents of large sections (above Options.StreamThreshold,
// 64 KiB by default) straight from the socket into buffers that a later
// message reuses once its iteration is over, as x/net/http2 reuses a
// frame's. Call msg.Clone() to keep a message beyond its iteration, or use
// CollectMessages, which keeps everything. A message kept when the loop
// is left early (break) stays valid: its buffers are not reused. Like
// Responses, at most 16 MiB of responses wait for the loop, so a mailbox
// of any size downloads in bounded memory; to stream sections larger than
// memory, set FetchOptions.Literal.
func (f *FetchCommand) Messages(ctx context.Context) iter.Seq2[*wire.FetchData, error] {
	return f.messages(ctx, false)
}

func (f *FetchCommand) messages(ctx context.Context, keep bool) iter.Seq2[*wire.FetchData, error] {
	return func(yield func(*wire.FetchData, error) bool) {
		s := f.installSink(keep)
		for resp, err := range f.Responses(ctx) {
			if err != nil {
				yield(nil, err)
				return
			}
			if d, ok := resp.Data.(*wire.FetchData); ok {
				if !yield(d, nil) {
					return
				}
				if s != nil && !keep {
					// The iteration is over: its buffers may take a
					// later message's sections.
					s.recycle(resp)
				}
			}
		}
	}
}

// CollectMessages waits for the FETCH and returns all its data. Unlike
// what Messages yields, the data is the caller's to keep. (The embedded
// Command's Collect returns the raw responses.)
func (f *FetchCommand) CollectMessages(ctx context.Context) ([]*wire.FetchData, error) {
	var out []*wire.FetchData
	for d, err := range f.messages(ctx, true) {
		if err != nil {
			return out, err
		}
		out = append(out, d)
	}
	return out, nil
}

// installSink gives the command a section sink unless it streams its
// literals itself (FetchOptions.Literal); keep says that every section
// gets its own buffer (Collect). It returns the sink, or nil.
func (f *FetchCommand) installSink(keep bool) *sectionSink {
	cmd := f.Command
	cmd.mu.Lock()
	defer cmd.mu.Unlock()
	if cmd.spec.Literal != nil {
		return nil
	}
	if cmd.sink == nil {
		cmd.sink = &sectionSink{}
	}
	cmd.sink.keep = keep
	return cmd.sink
}

// sectionSink reads the body sections above the stream threshold of the
// responses a FETCH claimed, on the connection's reader goroutine, straight
// from the connection's read buffer (or the socket, for what the buffer
// does not hold) into buffers of its own: no hand-off to the consumer and
// back per section, no per-message allocation once buffers circulate, no
// growth by doubling of what the server merely claims. The decoder then
// parses the rest of the response, which records the section as Streamed;
// fill puts the contents back into it before the response is queued.
//
// For Messages, each response's buffers are lent to the consumer with the
// response, and come back (recycle) when its iteration is over; a later
// section reuses them. For Collect (keep), every section has a buffer of
// its own.
type sectionSink struct {
	keep bool // Collect: each section in a buffer of its own (under Command.mu)

	// Reader goroutine only.
	resp    *wire.Response // the response the literals in got belong to
	got     []sinkLiteral
	scratch []byte // Collect: where a large section arrives first

	mu    sync.Mutex
	free  [][]byte      // buffers whose iteration is over
	lent  []sinkLent    // responses queued or being iterated, with their buffers, in order
	nlent int           // buffers in lent
	stop  bool          // the consumer went away: take waits no more
	avail chan struct{} // capacity 1: a buffer came back, or stop
}

type sinkLiteral struct {
	size int64
	data []byte
}

// sinkLent is a response whose sections are in sink buffers.
type sinkLent struct {
	resp *wire.Response
	bufs [][]byte
}

// maxSinkFree bounds the buffers a sink keeps for reuse; maxSinkLent
// bounds those lent to the consumer (queued or being iterated) before the
// reader waits for one to come back instead of allocating another. So the
// reader reads a few messages ahead of the loop, in a few buffers that
// stay warm in the cache, and a section's buffer is allocated only while
// the buffers circulate at first or when a section outgrows them.
const (
	maxSinkFree = 4
	maxSinkLent = 3
)

// sectionItem reports whether a FETCH item is a body section, whose
// contents go to SectionData.Data.
func sectionItem(item string) bool {
	hasPrefix := func(p string) bool { return len(item) >= len(p) && strings.EqualFold(item[:len(p)], p) }
	return hasPrefix("BODY[") || hasPrefix("BINARY[") ||
		strings.EqualFold(item, "RFC822") || strings.EqualFold(item, "RFC822.HEADER") || strings.EqualFold(item, "RFC822.TEXT")
}

// sinkChunk: a kept section up to this size is read straight into a
// buffer of its exact size (the decoder's own bound on what a literal may
// allocate before its octets arrive); a larger one arrives in the reused
// scratch buffer first, so that nothing the server merely claims is
// allocated, and no buffer grown by doubling is left behind as garbage.
const sinkChunk = 256 << 10

// literal reads one section (reader goroutine). An error is the
// connection's, which the decoder meets again and fails on; the section
// then gets no contents.
func (s *sectionSink) literal(info *codec.LiteralInfo, r io.Reader, keep bool, closing <-chan struct{}) {
	if info.Response != s.resp {
		s.reset(keep)
		s.resp = info.Response
	}
	var data []byte
	var err error
	switch {
	case keep && info.Size <= sinkChunk:
		data = make([]byte, info.Size)
		_, err = io.ReadFull(r, data)
	case keep:
		s.scratch, err = readGrowing(r, info.Size, s.scratch)
		if err == nil {
			data = bytes.Clone(s.scratch)
		}
	default:
		data, err = readGrowing(r, info.Size, s.take(info.Size, closing))
	}
	if err != nil {
		return
	}
	s.got = append(s.got, sinkLiteral{size: info.Size, data: data})
}

// take returns a free buffer for size octets: the smallest that holds
// them, else the largest (readGrowing grows it as octets arrive), else nil
// (a new one). With no free buffer and maxSinkLent lent, it waits for the
// consumer to give one back (its loop is back-pressure, as Responses'), or
// for it to go away, or for closing.
func (s *sectionSink) take(size int64, closing <-chan struct{}) []byte {
	s.mu.Lock()
	for len(s.free) == 0 && s.nlent >= maxSinkLent && !s.stop {
		if s.avail == nil {
			s.avail = make(chan struct{}, 1)
		}
		avail := s.avail
		s.mu.Unlock()
		select {
		case <-avail:
		case <-closing:
			return nil
		}
		s.mu.Lock()
	}
	defer s.mu.Unlock()
	// better: a buffer that holds size octets beats one that does not;
	// of two that do, the smaller; of two that do not, the larger.
	better := func(a, b []byte) bool {
		fa, fb := int64(cap(a)) >= size, int64(cap(b)) >= size
		if fa != fb {
			return fa
		}
		if fa {
			return cap(a) < cap(b)
		}
		return cap(a) > cap(b)
	}
	best := -1
	for i, b := range s.free {
		if best < 0 || better(b, s.free[best]) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	b := s.free[best]
	last := len(s.free) - 1
	s.free[best] = s.free[last]
	s.free[last] = nil
	s.free = s.free[:last]
	return b[:0]
}

// fill gives the streamed sections of resp the contents the sink read, in
// order, before the response is queued (reader goroutine), and records
// the buffers as lent with resp.
func (s *sectionSink) fill(resp *wire.Response, keep bool) {
	if resp != s.resp {
		return
	}
	d, _ := resp.Data.(*wire.FetchData)
	j := 0
	var bufs [][]byte
	if d != nil {
		for i := range d.Sections {
			sec := &d.Sections[i]
			if sec.Streamed && j < len(s.got) && s.got[j].size == sec.Size {
				sec.Data, sec.Streamed = s.got[j].data, false
				if !keep {
					bufs = append(bufs, s.got[j].data)
				}
				j++
			}
		}
	}
	s.resp = nil
	clear(s.got)
	s.got = s.got[:0]
	if len(bufs) > 0 {
		s.mu.Lock()
		s.lent = append(s.lent, sinkLent{resp: resp, bufs: bufs})
		s.nlent += len(bufs)
		s.mu.Unlock()
	}
}

// reset drops what was read for a response that never reached fill (the
// connection failed while parsing it); its buffers are free again.
func (s *sectionSink) reset(keep bool) {
	if len(s.got) > 0 && !keep {
		s.mu.Lock()
		for _, l := range s.got {
			s.putLocked(l.data)
		}
		s.mu.Unlock()
	}
	s.resp = nil
	clear(s.got)
	s.got = s.got[:0]
}

// halt says that the consumer went away (the command was abandoned): the
// reader no longer waits for buffers to come back.
func (s *sectionSink) halt() {
	s.mu.Lock()
	s.stop = true
	s.signalLocked()
	s.mu.Unlock()
}

func (s *sectionSink) signalLocked() {
	if s.avail != nil {
		select {
		case s.avail <- struct{}{}:
		default:
		}
	}
}

// recycle takes back the buffers lent with resp, whose iteration is over
// (consumer goroutine). Responses lent before it that the consumer never
// saw (handed to the unclaimed queue by Defer) keep theirs.
func (s *sectionSink) recycle(resp *wire.Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.lent {
		if e.resp != resp {
			continue
		}
		for _, b := range e.bufs {
			s.putLocked(b)
		}
		for _, e := range s.lent[:i+1] {
			s.nlent -= len(e.bufs)
		}
		clear(s.lent[:i+1])
		s.lent = s.lent[i+1:]
		s.signalLocked()
		return
	}
}

// putLocked adds b to the free buffers, keeping at most maxSinkFree of
// the largest.
func (s *sectionSink) putLocked(b []byte) {
	if len(s.free) < maxSinkFree {
		s.free = append(s.free, b)
		return
	}
	small := 0
	for i := range s.free {
		if cap(s.free[i]) < cap(s.free[small]) {
			small = i
		}
	}
	if cap(b) > cap(s.free[small]) {
		s.free[small] = b
	}
}

// readGrowing reads size octets from r into buf, reusing its capacity and
// growing it only as octets arrive (to at most twice what arrived, or
// 64 KiB), never beyond size.
func readGrowing(r io.Reader, size int64, buf []byte) ([]byte, error) {
	buf = buf[:0]
	for int64(len(buf)) < size {
		if len(buf) == cap(buf) {
			n := min(size, max(2*int64(cap(buf)), 64<<10))
			nb := make([]byte, len(buf), n)
			copy(nb, buf)
			buf = nb
		}
		k, err := r.Read(buf[len(buf):min(int64(cap(buf)), size)])
		buf = buf[:len(buf)+k]
		if err != nil {
			if err == io.EOF && int64(len(buf)) < size {
				err = io.ErrUnexpectedEOF
			}
			if int64(len(buf)) < size {
				return buf, err
			}
		}
	}
	return buf, nil
}
