package codec

import "github.com/imapkit/imapkit/wire"

// This file holds the failure policy shared by every registered parser:
// when a lenient decoder may read a value again as a generic tree, and
// how the failure is recorded (see ParseError).

// canRecover reports whether the failure err of a parser that started
// on line generation gen may fall back to a generic value: only in
// lenient mode, for a failure that is not a limit or a broken stream,
// and while the value is on the current line or on an earlier line of
// the response that can be replayed (see replay.go: not past a streamed
// literal, nor beyond the history's bounds). The caller then goes back
// with seek.
func (p *Parser) canRecover(err error, gen uint64) bool {
	if p.strict || isLimit(err) {
		return false
	}
	if p.lineGen == gen {
		return true
	}
	_, ok := p.replayIndex(gen)
	return ok || (p.hist.replaying && gen == p.hist.liveGen)
}

// recoverValue handles the failure err of the parser of one item's
// value, which started at mark on line generation gen: where canRecover
// allows, it reads the value again as a generic tree, records the
// failure and returns the tree; otherwise it returns err.
func (p *Parser) recoverValue(err error, mark int, gen uint64, what, name string) (wire.Value, *ParseError, error) {
	if !p.canRecover(err, gen) {
		return wire.Value{}, nil, err
	}
	p.seek(gen, mark)
	v, gerr := p.value(false)
	if gerr != nil {
		return wire.Value{}, nil, err
	}
	return v, p.recovered(what, name, err), nil
}

// recovered records a parser failure the decoder recovered from.
func (p *Parser) recovered(what, name string, err error) *ParseError {
	pe := &ParseError{What: what, Name: name, Err: err}
	p.perrs = append(p.perrs, pe)
	return pe
}
