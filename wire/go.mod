module github.com/imapkit/imapkit/wire

go 1.26

require github.com/imapkit/imapkit/seqset v0.0.0

replace github.com/imapkit/imapkit/seqset => ../seqset
