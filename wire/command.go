package wire

// Command is one client command (RFC 9051 §6): a tag, a name and
// arguments.
type Command struct {
	// Tag is the command's tag, e.g. "A1".
	Tag string
	// Name is the command name, upper-case by convention, including a
	// prefix such as "UID" ("UID FETCH").
	Name string
	// Args are written after Name, separated by single spaces.
	Args []Value
}
