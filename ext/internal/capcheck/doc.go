// Package capcheck holds only a test: every extension package's commands
// refuse, with an error wrapping client.ErrNotSupported and without
// sending anything, on a connection to a server that lacks the
// extension (docs/EXTENDING.md §4).
package capcheck
