module github.com/imapkit/imapkit/transport

go 1.26
