module github.com/imapkit/imapkit/seqset

go 1.26
