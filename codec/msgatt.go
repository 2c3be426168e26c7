package codec

import "github.com/imapkit/imapkit/wire"

// ReadMsgAtt reads msg-att (RFC 9051 §7.5.2) for a data response other
// than FETCH that carries one, such as UIDFETCH (RFC 9586 §3.3), with the
// FETCH parser's rules: the base items go to the fields of the result,
// registered FETCH items to their parsers, unknown items to generic
// values. resp must have its number (HasNum); the result's Seq is that
// number, whatever it means for the response.
func (p *Parser) ReadMsgAtt(resp *wire.Response) (*wire.FetchData, error) {
	v, err := parseFetch(p, resp)
	if err != nil {
		return nil, err
	}
	return v.(*wire.FetchData), nil
}

// MsgAtt writes SP and msg-att (RFC 9051 §7.5.2) as the FETCH encoder
// does, for an encoder of a response that carries one (ReadMsgAtt's
// counterpart). fd.Seq is not written.
func (w *Writer) MsgAtt(fd *wire.FetchData) {
	if fd == nil {
		w.Fail(unsupported(fd, "msg-att"))
		return
	}
	w.Fail(w.e.fetch(fd))
}
