module github.com/imapkit/imapkit/codec

go 1.26

require (
	github.com/imapkit/imapkit/seqset v0.0.0
	github.com/imapkit/imapkit/utf7 v0.0.0
	github.com/imapkit/imapkit/wire v0.0.0
)

require github.com/google/go-cmp v0.7.0

replace (
	github.com/imapkit/imapkit/seqset => ../seqset
	github.com/imapkit/imapkit/utf7 => ../utf7
	github.com/imapkit/imapkit/wire => ../wire
)
