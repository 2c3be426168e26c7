package client

import "strings"

// knownCommand is what RFC 9051 says about a base command: where it is
// valid (§6) and how it may be pipelined (§5.5).
type knownCommand struct {
	states      []State
	usesSeqNums bool
	noExpunge   bool
	alone       bool
}

// knownCommands drives Start's derived defaults. The UID forms are not
// marked NoExpunge: RFC 9051 §5.5 names FETCH, STORE and SEARCH, and the
// client stays on the safe side for the others.
var knownCommands = map[string]knownCommand{
	"CAPABILITY": {}, "NOOP": {}, "ID": {},
	"LOGOUT":         {alone: true},
	"STARTTLS":       {states: notAuth, alone: true},
	"AUTHENTICATE":   {states: notAuth, alone: true},
	"LOGIN":          {states: notAuth, alone: true},
	"ENABLE":         {states: []State{StateAuthenticated}, alone: true},
	"SELECT":         {states: authState, alone: true},
	"EXAMINE":        {states: authState, alone: true},
	"IDLE":           {states: authState, alone: true},
	"COMPRESS":       {states: authState, alone: true},
	"UNAUTHENTICATE": {states: authState, alone: true},
	"CREATE":         {states: authState}, "DELETE": {states: authState}, "RENAME": {states: authState},
	"SUBSCRIBE": {states: authState}, "UNSUBSCRIBE": {states: authState},
	"LIST": {states: authState}, "LSUB": {states: authState}, "STATUS": {states: authState},
	"NAMESPACE": {states: authState}, "APPEND": {states: authState},
	"CLOSE":       {states: selected, alone: true},
	"UNSELECT":    {states: selected, alone: true},
	"CHECK":       {states: selected},
	"EXPUNGE":     {states: selected},
	"UID EXPUNGE": {states: selected},
	"FETCH":       {states: selected, usesSeqNums: true, noExpunge: true},
	"STORE":       {states: selected, usesSeqNums: true, noExpunge: true},
	"SEARCH":      {states: selected, usesSeqNums: true, noExpunge: true},
	"COPY":        {states: selected, usesSeqNums: true},
	"MOVE":        {states: selected, usesSeqNums: true},
	"UID FETCH":   {states: selected}, "UID STORE": {states: selected}, "UID SEARCH": {states: selected},
	"UID COPY": {states: selected}, "UID MOVE": {states: selected},
}

// deriveSafe fills in the pipelining and state fields of a spec for a
// command RFC 9051 defines, so that the raw path is safe by default (RFC
// 9051 §5.5): for such a command, UsesSeqNums and Alone are set when the
// command needs them (a caller may set them in addition, never unset
// them), NoExpunge is granted only to FETCH, STORE and SEARCH, and nil
// States become the command's states. Commands the table does not know
// (extensions) keep what the caller said.
func deriveSafe(s Spec) Spec {
	k, ok := knownCommands[strings.ToUpper(s.Name)]
	if !ok {
		return s
	}
	s.UsesSeqNums = s.UsesSeqNums || k.usesSeqNums
	s.NoExpunge = s.NoExpunge && k.noExpunge
	s.Alone = s.Alone || k.alone
	if s.States == nil {
		s.States = k.states
	}
	return s
}
