package codec

// This file lets a lenient decoder read a value again as a generic tree
// after its parser failed beyond a literal. A literal ends a line, and
// the octets of the line and of the literal are gone from the reader
// once the next line is read; so while a response is read, the decoder
// keeps a copy of each line that ends in a literal and the octets of
// that literal (buffered literals only: a streamed literal went to
// OnLiteral and cannot be read twice). Rewinding to a line of an
// earlier generation replays those lines and literals, then returns to
// the current line, which is still in the reader's buffer because
// nothing is read from the reader during a replay.
//
// The history is bounded by the decoder's own limits: the copied lines
// by MaxLineLength in all, the kept literals by MaxLiteralSize in all.
// A response beyond either bound recovers only on its current line, as
// before. Strict decoders and the command decoder keep no history.

// lineRec is one line of the current response that ended in a literal.
type lineRec struct {
	gen        uint64 // the line's generation (Parser.lineGen)
	off        int64  // stream offset of the line's first byte
	start, end int    // the line in Parser.histBuf
	lit        []byte // the literal's octets
	ok         bool   // lit was read: the literal was buffered, not streamed
}

// history is the replay state of the current response.
type history struct {
	recs     []lineRec
	buf      []byte // the copied lines
	litBytes int64  // octets of the kept literals
	lost     bool   // a bound was reached: no replay before the current line
	// While replaying: the index in recs of the line being read, and the
	// current line to return to.
	replaying bool
	idx       int
	live      []byte
	liveOff   int64
	livePos   int
	liveGen   uint64
}

// resetHistory forgets the lines of the previous response.
func (p *Parser) resetHistory() {
	h := &p.hist
	clear(h.recs) // drop the literals
	h.recs = h.recs[:0]
	h.buf = h.buf[:0]
	h.litBytes = 0
	h.lost = false
	h.replaying = false
	h.live = nil
	if cap(h.buf) > 2*p.opt.MaxLineLength {
		h.buf = nil // one huge response does not pin its lines
	}
}

// recording reports whether lines are kept for a replay.
func (p *Parser) recording() bool {
	return !p.strict && !p.cmd && !p.hist.lost && !p.hist.replaying
}

// rememberLine keeps a copy of the current line, which ends in the
// header of a literal about to be read, before the literal's octets
// overwrite the reader's buffer that holds it.
func (p *Parser) rememberLine() {
	if !p.recording() {
		return
	}
	h := &p.hist
	if len(h.buf)+len(p.line) > p.opt.MaxLineLength {
		p.loseHistory()
		return
	}
	start := len(h.buf)
	h.buf = append(h.buf, p.line...)
	h.recs = append(h.recs, lineRec{gen: p.lineGen, off: p.lineOff, start: start, end: len(h.buf)})
}

// rememberLiteral keeps the octets of the literal that ends the line just
// remembered (nil data when it was streamed).
func (p *Parser) rememberLiteral(data []byte, streamed bool) {
	if !p.recording() {
		return
	}
	h := &p.hist
	n := len(h.recs)
	if n == 0 || h.recs[n-1].gen != p.lineGen {
		return
	}
	h.litBytes += int64(len(data))
	if h.litBytes > p.opt.MaxLiteralSize {
		p.loseHistory()
		return
	}
	h.recs[n-1].lit, h.recs[n-1].ok = data, !streamed
}

func (p *Parser) loseHistory() {
	h := &p.hist
	clear(h.recs)
	h.recs = h.recs[:0]
	h.buf = h.buf[:0]
	h.lost = true
}

// currentGen is the generation of the response's last line read from
// the reader.
func (p *Parser) currentGen() uint64 {
	if p.hist.replaying {
		return p.hist.liveGen
	}
	return p.lineGen
}

// replayIndex returns the index in the history of line generation gen,
// when the parser can go back to it: every line from it to the current
// one was kept, with its literal.
func (p *Parser) replayIndex(gen uint64) (int, bool) {
	h := &p.hist
	cur := p.currentGen()
	n := len(h.recs)
	if h.lost || gen >= cur || n == 0 || h.recs[n-1].gen+1 != cur || cur-gen > uint64(n) {
		return 0, false
	}
	i := n - int(cur-gen)
	if h.recs[i].gen != gen {
		return 0, false
	}
	for _, r := range h.recs[i:] {
		if !r.ok {
			return 0, false
		}
	}
	return i, true
}

// seek moves the parser to position pos of line generation gen: the
// current line, or an earlier line of the response that replayIndex
// allows (the caller checked with canRecover).
func (p *Parser) seek(gen uint64, pos int) {
	if gen == p.lineGen {
		p.pos = pos
		return
	}
	h := &p.hist
	if gen == h.liveGen && h.replaying {
		p.endReplay()
		p.pos = pos
		return
	}
	i, ok := p.replayIndex(gen)
	if !ok {
		panic("codec: seek to a line that cannot be replayed") // canRecover said so
	}
	if !h.replaying {
		h.replaying = true
		h.live, h.liveOff, h.livePos, h.liveGen = p.line, p.lineOff, p.pos, p.lineGen
	}
	p.loadRec(i)
	p.pos = pos
}

func (p *Parser) loadRec(i int) {
	h := &p.hist
	r := &h.recs[i]
	h.idx = i
	p.line, p.lineOff, p.lineGen = h.buf[r.start:r.end], r.off, r.gen
}

func (p *Parser) endReplay() {
	h := &p.hist
	p.line, p.lineOff, p.lineGen = h.live, h.liveOff, h.liveGen
	h.replaying, h.live = false, nil
}

// replayLiteral returns the kept octets of the literal whose header was
// just read on a replayed line and moves to the next line, replayed or
// current.
func (p *Parser) replayLiteral() []byte {
	h := &p.hist
	data := h.recs[h.idx].lit
	if h.idx+1 < len(h.recs) {
		p.loadRec(h.idx + 1)
	} else {
		p.endReplay()
	}
	p.pos = 0
	if data == nil {
		data = []byte{}
	}
	return data
}
