package harness

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The backup cases run whole programs, not library calls: `imapc backup`
// (built from the repository's cmd module) and mbsync (isync), each
// pulling one mailbox into a Maildir. The harness runs the program itself
// and measures it from outside: wall time from start to exit (process
// start, TLS, login and all), CPU from rusage, and peak RSS from
// /proc/PID/status VmHWM, read every few milliseconds while it runs
// (ru_maxrss is no use here: see Result.PeakRSSKB). Messages and bytes are
// counted in the Maildir it wrote. Bytes on the wire are not counted.
const (
	// CaseBackup is a full backup into an empty folder (Mode "full") or
	// a re-run over a complete backup, with nothing new (Mode "rerun").
	CaseBackup = "backup"
)

// backupTool is one program of the backup cases.
type backupTool struct {
	client, label string
}

var backupTools = []backupTool{
	{"imapc", "imapc backup"},
	{"imapc-nocompress", "imapc backup -compress=false"},
	{"mbsync", "mbsync (isync), Sync Pull, FSync no"},
}

// buildImapc builds imapc from the repository into a temporary folder
// (once per harness run) and returns its path.
func (h *harness) buildImapc() (string, error) {
	h.imapcOnce.Do(func() {
		dir, err := os.MkdirTemp("", "imapbench-imapc-")
		if err != nil {
			h.imapcErr = err
			return
		}
		h.cleanup = append(h.cleanup, func() { os.RemoveAll(dir) })
		bin := filepath.Join(dir, "imapc")
		cmd := exec.Command("go", "build", "-o", bin, "./imapc")
		cmd.Dir = filepath.Join(h.cfg.repo, "cmd")
		if out, err := cmd.CombinedOutput(); err != nil {
			h.imapcErr = fmt.Errorf("go build ./imapc in %s: %v\n%s", cmd.Dir, err, out)
			return
		}
		h.imapcBin = bin
	})
	return h.imapcBin, h.imapcErr
}

// backupState is what the backup cases share in one harness run.
type backupState struct {
	imapcOnce sync.Once
	imapcBin  string
	imapcErr  error
}

// runBackup runs one backup case: spec.Client is imapc or mbsync,
// spec.Mode full (spec.Dir emptied first) or rerun (spec.Dir kept).
func (h *harness) runBackup(spec *Spec) Result {
	if spec.Mode == "full" {
		if err := os.RemoveAll(spec.Dir); err != nil {
			return Result{Err: err.Error()}
		}
	}
	if err := os.MkdirAll(spec.Dir, 0o700); err != nil {
		return Result{Err: err.Error()}
	}
	ca := filepath.Join(h.srv.Dir, "tls", "cert.pem")
	var cmd *exec.Cmd
	switch spec.Client {
	case "imapc", "imapc-nocompress":
		bin, err := h.buildImapc()
		if err != nil {
			return Result{Err: err.Error()}
		}
		cmd = exec.Command(bin, "backup", "-url", "imap://"+spec.User+"@"+spec.Addr, "-ca", ca,
			"-mailbox", spec.Mailbox, "-json", "-compress="+strconv.FormatBool(spec.Client == "imapc"), filepath.Join(spec.Dir, "imapc"))
		cmd.Env = append(os.Environ(), "IMAPC_PASSWORD="+spec.Pass)
	case "mbsync":
		bin, err := exec.LookPath("mbsync")
		if err != nil {
			return Result{NA: "mbsync is not installed (Debian: apt-get install isync)"}
		}
		// mbsync creates mailboxes (Create Near), not its store's root.
		if err := os.MkdirAll(filepath.Join(spec.Dir, "mbsync"), 0o700); err != nil {
			return Result{Err: err.Error()}
		}
		conf := filepath.Join(spec.Dir, "mbsyncrc")
		if err := os.WriteFile(conf, []byte(mbsyncConfig(spec, ca)), 0o600); err != nil {
			return Result{Err: err.Error()}
		}
		cmd = exec.Command(bin, "-q", "-c", conf, "bench")
	default:
		return Result{Err: fmt.Sprintf("unknown backup client %q", spec.Client)}
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = nil, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Result{Err: err.Error()}
	}
	done := make(chan struct{})
	var peak int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := procHWM(status); kb > peak {
				peak = kb
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	timer := time.AfterFunc(h.cfg.timeout, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	wall := time.Since(start)
	timer.Stop()
	close(done)
	wg.Wait()
	if err != nil {
		msg := strings.TrimSpace(out.String())
		if len(msg) > 500 {
			msg = msg[len(msg)-500:]
		}
		return Result{Err: fmt.Sprintf("%s: %v; %s", spec.Client, err, msg)}
	}
	r := Result{WallNS: wall.Nanoseconds(), PeakRSSKB: peak}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.UserNS = ru.Utime.Nano()
		r.SysNS = ru.Stime.Nano()
		r.MaxRSSKB = ru.Maxrss
	}
	r.Messages, r.Bytes, err = countMaildirs(spec.Dir)
	switch {
	case err != nil:
		r.Err = err.Error()
	case r.Messages != spec.Count:
		r.Err = fmt.Sprintf("%s: the Maildir holds %d messages, the mailbox %d", spec.Client, r.Messages, spec.Count)
	}
	if spec.Mode == "rerun" {
		// Nothing was fetched: MB/s would mean nothing.
		r.Bytes = 0
	}
	return r
}

// mbsyncConfig is an mbsync configuration that pulls spec.Mailbox into a
// Maildir under spec.Dir, as a backup would: Sync Pull, new mailboxes
// created on the near side, no fsync (imapc backup does not sync unless
// -fsync either).
func mbsyncConfig(spec *Spec, ca string) string {
	host, port, _ := strings.Cut(spec.Addr, ":")
	if port == "" {
		port = "143"
	}
	if host == "127.0.0.1" {
		// mbsync 1.4 matches the certificate by DNS name only; the
		// project's Dovecot certificate names localhost and 127.0.0.1.
		host = "localhost"
	}
	near := filepath.Join(spec.Dir, "mbsync") + "/"
	q := strconv.Quote
	return fmt.Sprintf(`FSync no

IMAPAccount bench
Host %s
Port %s
User %s
Pass %s
SSLType STARTTLS
CertificateFile %s
PipelineDepth 50

IMAPStore far
Account bench

MaildirStore near
Path %s
Inbox %s
SubFolders Verbatim

Channel bench
Far :far:%s
Near :near:%s
Create Near
Sync Pull
SyncState *
`, host, port, q(spec.User), q(spec.Pass), q(ca), q(near), q(near+"INBOX"), q(spec.Mailbox), q(spec.Mailbox))
}

// countMaildirs counts the messages under dir (files in cur/ and new/
// folders) and their bytes.
func countMaildirs(dir string) (int, int64, error) {
	var n int
	var b int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if parent := filepath.Base(filepath.Dir(p)); parent != "cur" && parent != "new" {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n++
		b += info.Size()
		return nil
	})
	return n, b, err
}

// procHWM reads VmHWM (KiB) from a /proc/PID/status file, or 0.
func procHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// planBackup lays out the backup groups: a full backup of the big
// mailbox, a re-run of it with nothing new, and a re-run of the mailbox
// of many small messages (10,000 in the full mode).
func (h *harness) planBackup(base Spec, sz sizes, big, small *Seeded) error {
	root := ""
	folder := func() (string, error) {
		if root == "" {
			d, err := os.MkdirTemp("", "imapbench-backup-")
			if err != nil {
				return "", err
			}
			root = d
			h.cleanup = append(h.cleanup, func() { os.RemoveAll(d) })
		}
		return root, nil
	}
	note := " Each run is the whole program, measured from outside: wall time from its start to its exit (TLS, login and listing included), CPU from rusage, peak RSS from /proc/PID/status VmHWM sampled every 5 ms; messages and bytes counted in the Maildirs written; bytes on the wire not counted. mbsync runs with FSync no, PipelineDepth 50, Sync Pull, Create Near; imapc backup with its defaults (no fsync; COMPRESS=DEFLATE, which this Dovecot offers), and with -compress=false. mbsync is Debian's isync package (1.4.4 on Debian 12)."
	groups := []struct {
		key, title, mode string
		spec             MailboxSpec
		seeded           *Seeded
	}{
		{"backup", "Backup: full", "full", sz.big, big},
		{"backup-rerun", "Backup: re-run, nothing new", "rerun", sz.big, big},
		{"backup-rerun-10k", "Backup: re-run, nothing new, many messages", "rerun", sz.small, small},
	}
	for _, gs := range groups {
		if !h.want(h.cfg.only, gs.key) {
			continue
		}
		dir, err := folder()
		if err != nil {
			return err
		}
		cmd := "a backup of one mailbox into an empty folder"
		if gs.mode == "rerun" {
			cmd = "a backup of one mailbox into the folder of a complete earlier backup (made before the timed runs)"
		}
		g := &group{Key: gs.key, Title: gs.title, MBps: "messages", Seeded: gs.seeded, Command: cmd,
			Note: fmt.Sprintf("%s/%s: %d messages, %s.", gs.spec.User, gs.spec.Mailbox, gs.seeded.Messages, mb(gs.seeded.Bytes)) + note}
		for _, t := range backupTools {
			s := base
			s.Client, s.Case, s.Mode, s.Mailbox, s.Count = t.client, CaseBackup, gs.mode, gs.spec.Mailbox, gs.seeded.Messages
			s.Dir = filepath.Join(dir, gs.key+"-"+t.client)
			if !h.want(h.cfg.clients, s.Client) {
				continue
			}
			g.Variants = append(g.Variants, &variant{Label: t.label, Spec: s})
		}
		h.groups = append(h.groups, g)
	}
	return nil
}

// warmBackup prepares a backup group: a re-run group gets its complete
// backup, made once by each program; a full group gets one untimed run of
// imapc (Dovecot's index and the page cache warmed for everyone).
func (h *harness) warmBackup(g *group) error {
	for _, v := range g.Variants {
		if v.Spec.Mode != "rerun" && v.Spec.Client != "imapc" {
			// A full group: one warm-up run, by imapc.
			continue
		}
		w := v.Spec
		w.Mode = "full"
		h.logf("%s: warm-up (%s, full backup)", g.Key, w.Client)
		r := h.runBackup(&w)
		switch {
		case r.NA != "":
			v.NA = r.NA
		case r.Err != "":
			return fmt.Errorf("%s warm-up (%s): %s", g.Key, w.Client, r.Err)
		}
	}
	return nil
}
