package main

import (
	"fmt"

	"github.com/imapkit/imapkit/seqset"
)

func init() {
	register(&command{
		Name:  "seqset",
		Args:  "[-max N] EXPR",
		Short: "print a sequence set in canonical form with its size",
		Long: `Seqset parses the sequence set EXPR (RFC 9051 §9 "sequence-set", with "*"
and the "$" of RFC 5182) and prints two lines: the set in canonical form
(sorted, merged, each range low:high) and the number of its members.

Until "*" is known, a set holding it counts only its listed numbers and
the n of each "n:*": the count is then printed with a "+" after it. With
-max N, "*" stands for N (the number of messages, or the highest UID) and
the set is resolved first. "$" (a saved search result) has no known
members: its count is "?".

Examples:

  $ imapc seqset 7,1:4,3,5
  1:5,7
  6
  $ imapc seqset -max 20 '10:*,2'
  2,10:20
  12
`,
		Run: runSeqset,
	})
}

func runSeqset(e *env, args []string) error {
	fs := newFlags("seqset")
	max := fs.Uint("max", 0, `the value of "*"`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one EXPR")
	}
	if *max > 4294967295 {
		return usagef("-max %d is above 4294967295", *max)
	}
	s, err := seqset.Parse(fs.Arg(0))
	if err != nil {
		return err
	}
	if *max > 0 {
		s = s.Resolve(uint32(*max))
	}
	count := fmt.Sprint(s.Count())
	switch {
	case s.IsSavedResult():
		count = "?"
	case s.Dynamic():
		count += "+"
	}
	_, err = fmt.Fprintf(e.Stdout, "%s\n%s\n", s, count)
	return err
}
