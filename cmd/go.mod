module github.com/imapkit/imapkit/cmd

go 1.26

require (
	github.com/imapkit/imapkit/client v0.0.0
	github.com/imapkit/imapkit/codec v0.0.0
	github.com/imapkit/imapkit/conformance v0.0.0
	github.com/imapkit/imapkit/conformance/scripted v0.0.0
	github.com/imapkit/imapkit/ext v0.0.0
	github.com/imapkit/imapkit/seqset v0.0.0
	github.com/imapkit/imapkit/transport v0.0.0
	github.com/imapkit/imapkit/utf7 v0.0.0
	github.com/imapkit/imapkit/wire v0.0.0
	github.com/schollz/progressbar/v3 v3.19.1
	golang.org/x/term v0.44.0
)

require (
	github.com/emersion/go-sasl v0.0.0-20241020182733-b788ff22d5a6 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/mitchellh/colorstring v0.0.0-20190213212951-d06e56a500db // indirect
	github.com/rivo/uniseg v0.4.7 // indirect
	golang.org/x/sys v0.46.0 // indirect
)

replace (
	github.com/imapkit/imapkit/client => ../client
	github.com/imapkit/imapkit/codec => ../codec
	github.com/imapkit/imapkit/conformance => ../conformance
	github.com/imapkit/imapkit/conformance/scripted => ../conformance/scripted
	github.com/imapkit/imapkit/ext => ../ext
	github.com/imapkit/imapkit/seqset => ../seqset
	github.com/imapkit/imapkit/transport => ../transport
	github.com/imapkit/imapkit/utf7 => ../utf7
	github.com/imapkit/imapkit/wire => ../wire
)
