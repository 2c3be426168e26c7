module github.com/imapkit/imapkit/conformance/scripted

go 1.26
