package conformance

import (
	"embed"
	"io/fs"
)

//go:embed testdata/corpus
var corpusFS embed.FS

// CorpusFS returns the recorded transcript corpus (testdata/corpus of
// this module, embedded): one folder per source (dovecot, rfc, crafted,
// and cyrus/courier once captured), each holding NAME.s2c (the server's
// bytes) and NAME.golden (the expected decoding), plus deviations.json
// and README.md at the top. Package corpus loads and runs it.
func CorpusFS() fs.FS {
	sub, err := fs.Sub(corpusFS, "testdata/corpus")
	if err != nil {
		panic(err) // cannot happen: the folder is embedded
	}
	return sub
}
