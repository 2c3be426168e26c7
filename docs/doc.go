// Package docs holds imapkit's guides (the Markdown files of this folder)
// and, in its tests, the code they show: every Go block of a guide that
// is marked with an "example:" comment is the body of an Example function
// (or a whole function) of this package's tests, run by go test against
// the in-memory server of conformance/memserver, and TestGuides checks
// that the guide and the test say the same thing, character for
// character. The package itself exports nothing.
package docs
