package codec

// This file tracks the FETCH item whose value is being read, so that
// a streamed literal can say which item it belongs to (LiteralInfo.Item)
// without the name being copied for every item.

// currentItem returns the FETCH item name that precedes the value being
// read, or "".
func (p *Parser) currentItem() string {
	if p.itemStr != "" {
		return p.itemStr
	}
	if p.itemGen == p.lineGen && p.itemEnd <= len(p.line) {
		return string(p.line[p.itemStart:p.itemEnd])
	}
	return ""
}

// markItem records that the FETCH item name (with its section and
// origin) spans line[start:p.pos] of the current line, for currentItem.
// Only the span is kept: the name is copied only if a literal asks.
func (p *Parser) markItem(start int) {
	p.itemStart, p.itemEnd, p.itemGen = start, p.pos, p.lineGen
}
