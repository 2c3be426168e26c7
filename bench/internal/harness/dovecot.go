package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// server is the project's Dovecot as the harness uses it.
type server struct {
	Addr, User, Pass, Dir string
	MailUID               int
	Version               string
}

// findRepo returns the repository root: the first folder at or above the
// working directory that holds scripts/servers/dovecot.sh.
func findRepo() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "scripts", "servers", "dovecot.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no scripts/servers/dovecot.sh above the working directory; run imapbench inside the repository")
		}
		dir = parent
	}
}

// ensureDovecot reuses the running Dovecot or starts it (never --fresh:
// other people's tests may be using it), and reads its settings.
func ensureDovecot(repo string, logf func(string, ...any)) (*server, error) {
	script := filepath.Join(repo, "scripts", "servers", "dovecot.sh")
	if err := exec.Command("bash", script, "status").Run(); err != nil {
		logf("starting Dovecot (%s start) ...", script)
		cmd := exec.Command("bash", script, "start")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("dovecot.sh start: %v", err)
		}
	}
	out, err := exec.Command("bash", "-c", `eval "$(bash "$1" env)" && printf '%s\n' "$IMAPKIT_DOVECOT_ADDR" "$IMAPKIT_DOVECOT_USER2" "$IMAPKIT_DOVECOT_PASS2" "$IMAPKIT_DOVECOT_DIR"`, "sh", script).Output()
	if err != nil {
		return nil, fmt.Errorf("dovecot.sh env: %v", err)
	}
	f := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(f) != 4 || f[0] == "" {
		return nil, fmt.Errorf("dovecot.sh env: unexpected output %q", out)
	}
	s := &server{Addr: f[0], User: f[1], Pass: f[2], Dir: f[3], MailUID: 4000}
	if v := os.Getenv("IMAPKIT_DOVECOT_MAIL_UID"); v != "" {
		fmt.Sscan(v, &s.MailUID)
	}
	if v, err := exec.Command("/usr/sbin/dovecot", "--version").Output(); err == nil {
		s.Version = strings.TrimSpace(string(v))
	}
	return s, nil
}
