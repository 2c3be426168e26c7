module github.com/imapkit/imapkit/ext

go 1.26

require (
	github.com/emersion/go-sasl v0.0.0-20241020182733-b788ff22d5a6
	github.com/imapkit/imapkit/client v0.0.0
	github.com/imapkit/imapkit/codec v0.0.0
	github.com/imapkit/imapkit/conformance/scripted v0.0.0
	github.com/imapkit/imapkit/seqset v0.0.0
	github.com/imapkit/imapkit/transport v0.0.0
	github.com/imapkit/imapkit/utf7 v0.0.0
	github.com/imapkit/imapkit/wire v0.0.0
	github.com/xdg-go/scram v1.4.0
	golang.org/x/text v0.41.0
)

require (
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/xdg-go/stringprep v1.0.4 // indirect
)

replace (
	github.com/imapkit/imapkit/client => ../client
	github.com/imapkit/imapkit/codec => ../codec
	github.com/imapkit/imapkit/conformance/scripted => ../conformance/scripted
	github.com/imapkit/imapkit/seqset => ../seqset
	github.com/imapkit/imapkit/transport => ../transport
	github.com/imapkit/imapkit/utf7 => ../utf7
	github.com/imapkit/imapkit/wire => ../wire
)
