package client

import "strconv"

// State is a connection state (RFC 9051 §3).
type State uint8

const (
	StateNotAuthenticated State = iota
	StateAuthenticated
	StateSelected
	StateLogout
)

var stateNames = [...]string{"not authenticated", "authenticated", "selected", "logout"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "UNKNOWN_STATE_" + strconv.Itoa(int(s))
}

var (
	anyState  = []State{StateNotAuthenticated, StateAuthenticated, StateSelected}
	notAuth   = []State{StateNotAuthenticated}
	authState = []State{StateAuthenticated, StateSelected}
	selected  = []State{StateSelected}
)
