module github.com/imapkit/imapkit/conformance

go 1.26

replace (
	github.com/imapkit/imapkit/client => ../client
	github.com/imapkit/imapkit/codec => ../codec
	github.com/imapkit/imapkit/conformance/scripted => ./scripted
	github.com/imapkit/imapkit/seqset => ../seqset
	github.com/imapkit/imapkit/transport => ../transport
	github.com/imapkit/imapkit/utf7 => ../utf7
	github.com/imapkit/imapkit/wire => ../wire
)
