package backup

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// stateFile is the name of a Maildir's state file.
const stateFile = ".imapc-state"

// State is what a backup remembers of one mailbox, in its Maildir's
// .imapc-state file (JSON). It is written after the data it describes, by
// rename, so it never claims a message that is not on disk.
type State struct {
	// Mailbox is the mailbox name (UTF-8), for people and restore.
	Mailbox string `json:"mailbox"`
	// Delim is the server's hierarchy delimiter ("" for none).
	Delim string `json:"delim,omitempty"`
	// UIDValidity is the UIDVALIDITY the UIDs below belong to.
	UIDValidity uint32 `json:"uidvalidity"`
	// LastUID is the highest UID below which every message the server
	// had was saved.
	LastUID uint32 `json:"last_uid"`
	// HighestModSeq is the HIGHESTMODSEQ up to which flag changes were
	// applied (RFC 7162 §3.1.2.1); 0 without CONDSTORE.
	HighestModSeq uint64 `json:"highest_modseq"`
}

func readState(dir string) (*State, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, stateFile), err)
	}
	return &s, nil
}

func writeState(dir string, s *State, fsync bool) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, stateFile), append(b, '\n'), fsync)
}

// ReadState reads the state file of the Maildir dir; nil when there is
// none.
func ReadState(dir string) (*State, error) { return readState(dir) }
