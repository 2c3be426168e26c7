module github.com/imapkit/imapkit/utf7

go 1.26
