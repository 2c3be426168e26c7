package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// result is what one run of imapc produced.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n-- stdout --\n%s-- stderr --\n%s", r.code, r.stdout, r.stderr)
}

// imapc runs the command line args with stdin and returns what it did.
func imapc(stdin string, args ...string) result {
	var out, errOut bytes.Buffer
	code := run(args, &env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut})
	return result{out.String(), errOut.String(), code}
}

// checkGolden compares got with the golden file testdata/name.golden, or
// rewrites the file when -update is set.
func checkGolden(t *testing.T, name string, got result) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got.String() != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func TestUsage(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"usage/help_decode", []string{"help", "decode"}},
		{"usage/help_mailbox", []string{"help", "mailbox"}},
		{"usage/help_seqset", []string{"help", "seqset"}},
		{"usage/help_unknown", []string{"help", "frobnicate"}},
		{"usage/decode_h", []string{"decode", "-h"}},
		{"usage/decode_bad_flag", []string{"decode", "-nope"}},
		{"usage/decode_two_files", []string{"decode", "a", "b"}},
	} {
		t.Run(tt.name, func(t *testing.T) { checkGolden(t, tt.name, imapc("", tt.args...)) })
	}
}

// TestUsageListsEveryCommand checks the command list (not against a
// golden file, so that a new command needs no update here).
func TestUsageListsEveryCommand(t *testing.T) {
	for _, tt := range []struct {
		args     []string
		code     int
		toStderr bool
		first    string
	}{
		{nil, 2, true, "imapc is the imapkit command-line client."},
		{[]string{"help"}, 0, false, "imapc is the imapkit command-line client."},
		{[]string{"-h"}, 0, false, "imapc is the imapkit command-line client."},
		{[]string{"frobnicate"}, 2, true, `imapc: unknown command "frobnicate"`},
	} {
		r := imapc("", tt.args...)
		out, other := r.stdout, r.stderr
		if tt.toStderr {
			out, other = other, out
		}
		if r.code != tt.code || other != "" || !strings.HasPrefix(out, tt.first+"\n") || !strings.Contains(out, "Usage:") {
			t.Errorf("imapc %q = %v; want exit %d and the usage", tt.args, r, tt.code)
		}
		for _, c := range commands {
			if !strings.Contains(out, "\t"+c.Name+" ") || !strings.Contains(out, c.Short) {
				t.Errorf("imapc %q does not list %q:\n%s", tt.args, c.Name, out)
			}
		}
	}
	// The descriptions start in one column.
	col := -1
	for _, line := range strings.Split(imapc("", "help").stdout, "\n") {
		for _, c := range commands {
			if strings.HasPrefix(line, "\t"+c.Name+" ") {
				i := strings.Index(line, c.Short)
				if col == -1 {
					col = i
				}
				if i != col || i < 0 {
					t.Errorf("help: %q starts its description at %d, others at %d", c.Name, i, col)
				}
			}
		}
	}
	for _, c := range commands {
		if c.Args == "" || c.Short == "" || c.Long == "" || c.Run == nil {
			t.Errorf("command %q lacks documentation or Run", c.Name)
		}
	}
}
