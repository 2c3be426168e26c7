// Package harness is imapbench: it runs IMAP clients side by side against
// the project's Dovecot, each as a child process, and reports wall time,
// CPU time and peak RSS (from the child's rusage), bytes on the wire and
// throughput, as docs/PERFORMANCE.md.
package harness

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/imapkit/imapkit/bench/internal/mailgen"
)

// config is the command line.
type config struct {
	small    bool
	n        int
	out      string
	only     string
	clients  string
	profile  bool
	codec    bool
	python   string
	timeout  time.Duration
	verbose  bool
	save     string
	analysis string
	from     string
	cmdline  string
	repo     string
	benchDir string
}

// variant is one row of a table: one client with one setting.
type variant struct {
	Label string
	Spec  Spec
	Runs  []Result
	NA    string
	Errs  []string
}

// group is one table: variants run in alternation.
type group struct {
	Key, Title, Command, Note string
	// MBps says what MB/s divides: "messages" (message octets) or "wire"
	// (octets received).
	MBps     string
	Variants []*variant
	// Mailbox holds what the group's mailbox holds, for the notes.
	Seeded *Seeded
	// N is the number of iterations the group ran.
	N int
}

type harness struct {
	cfg    config
	srv    *server
	exe    string
	script string // Python client
	groups []*group
	logf   func(string, ...any)
	load   [2]string
	start  time.Time
	end    time.Time
	// targets and profiles, filled after the runs
	targets  []target
	profiles []profile
	codec    *codecResults
	// cleanup runs when the harness is done.
	cleanup []func()
	// merged says that -from merged several result files.
	merged bool
	// analysis is a hand-written section added to the report (-analysis).
	analysis string
	// savedMachine is the machine of results read with -from.
	savedMachine [][2]string
	failed       bool
	backupState
}

// Main is imapbench's entry point.
func Main(args []string) int {
	if os.Getenv(ChildEnv) != "" {
		RunChild()
		return 0
	}
	var cfg config
	fs := flag.NewFlagSet("imapbench", flag.ContinueOnError)
	fs.BoolVar(&cfg.small, "small", false, "tiny mailboxes, one iteration, a few seconds: the CI mode; prints the report instead of writing it")
	fs.IntVar(&cfg.n, "n", 3, "iterations of each case with each client (1 with -small)")
	fs.StringVar(&cfg.out, "out", "", "where to write the report (default: docs/PERFORMANCE.md of the repository; standard output with -small)")
	fs.StringVar(&cfg.only, "cases", "", "comma-separated groups to run (full,metadata,latency,compress,compress-text,append,append-large,idle,backup,backup-rerun,backup-rerun-10k); default all")
	fs.StringVar(&cfg.clients, "clients", "", "comma-separated clients to run (raw,imapkit,imapkit-collect,imapkit-iter,imapkit-idle,goimap,goimap-collect,python); default all")
	fs.BoolVar(&cfg.profile, "profile", true, "profile imapkit where it misses a target (full mode)")
	fs.BoolVar(&cfg.codec, "codec", true, "run the codec benchmarks (go test -bench Decode) and put them in the report (full mode)")
	fs.StringVar(&cfg.python, "python", "python3", "the Python interpreter for the imaplib client")
	fs.DurationVar(&cfg.timeout, "timeout", 15*time.Minute, "limit for one child run")
	fs.BoolVar(&cfg.verbose, "v", false, "log every run")
	fs.StringVar(&cfg.analysis, "analysis", "", "a markdown file whose text is added to the report as its Analysis section")
	fs.StringVar(&cfg.save, "save", "", "also save the raw results as JSON to this file")
	fs.StringVar(&cfg.from, "from", "", "render the report from results saved with -save instead of running; a comma-separated list merges re-runs (later files replace the groups they hold)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if cfg.small {
		cfg.n = 1
		cfg.profile = false
		cfg.codec = false
	}
	cfg.cmdline = "imapbench " + strings.Join(args, " ")
	h := &harness{cfg: cfg, logf: func(f string, a ...any) {
		fmt.Fprintf(os.Stderr, "imapbench: "+f+"\n", a...)
	}}
	if err := h.run(); err != nil {
		h.logf("%v", err)
		return 1
	}
	if h.failed {
		h.logf("some runs failed (see the report)")
		return 1
	}
	return 0
}

func (h *harness) run() error {
	h.start = time.Now()
	var err error
	if h.cfg.repo, err = findRepo(); err != nil {
		return err
	}
	if h.cfg.from != "" {
		if err := h.loadResults(h.cfg.from); err != nil {
			return err
		}
		h.evaluate()
		return h.write()
	}
	h.cfg.benchDir = filepath.Join(h.cfg.repo, "bench")
	h.script = filepath.Join(h.cfg.benchDir, "python", "imaplib_bench.py")
	if h.exe, err = os.Executable(); err != nil {
		return err
	}
	if h.srv, err = ensureDovecot(h.cfg.repo, h.logf); err != nil {
		return err
	}
	h.load[0] = loadavg()
	defer func() {
		for _, f := range h.cleanup {
			f()
		}
	}()
	if err := h.plan(); err != nil {
		return err
	}
	for _, g := range h.groups {
		if err := h.runGroup(g); err != nil {
			return err
		}
	}
	h.evaluate()
	if h.cfg.profile {
		h.profileMisses()
	}
	if h.cfg.codec {
		h.codec = h.runCodecBench()
	}
	h.evaluate()
	h.load[1] = loadavg()
	h.end = time.Now()
	if h.cfg.save != "" {
		if err := h.saveResults(h.cfg.save); err != nil {
			return err
		}
	}
	return h.write()
}

// write renders the report to its destination.
func (h *harness) write() error {
	if h.cfg.analysis != "" {
		b, err := os.ReadFile(h.cfg.analysis)
		if err != nil {
			return err
		}
		h.analysis = string(b)
	}
	report := h.report()
	out := h.cfg.out
	if out == "" && !h.cfg.small {
		out = filepath.Join(h.cfg.repo, "docs", "PERFORMANCE.md")
	}
	if out == "" || out == "-" {
		fmt.Print(report)
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(out, []byte(report), 0o644); err != nil {
		return err
	}
	h.logf("wrote %s (%s)", out, h.end.Sub(h.start).Round(time.Second))
	return nil
}

// sizes of the benchmark, full and small.
type sizes struct {
	big, small       MailboxSpec
	latency, appends int
	appendMin        int
	appendMax        int
}

func (h *harness) sizes() sizes {
	u := h.srv.User
	if h.cfg.small {
		return sizes{
			big:     MailboxSpec{User: u, Mailbox: "imapkit-bench-ci-mixed", Seed: 11, Total: 6 << 20, MinSize: 2000, MaxSize: 512 << 10},
			small:   MailboxSpec{User: u, Mailbox: "imapkit-bench-ci-small", Seed: 12, Count: 200, MinSize: 1500, MaxSize: 8000},
			latency: 20, appends: 30, appendMin: 1500, appendMax: 8000,
		}
	}
	return sizes{
		big:     MailboxSpec{User: u, Mailbox: "INBOX", Seed: 1, Total: 1_000_000_000, MinSize: 2000, MaxSize: 2_000_000},
		small:   MailboxSpec{User: u, Mailbox: "imapkit-bench-10k", Seed: 2, Count: 10_000, MinSize: 1500, MaxSize: 8000},
		latency: 500, appends: 1000, appendMin: 1500, appendMax: 8000,
	}
}

func (h *harness) want(list, name string) bool {
	if list == "" {
		return true
	}
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == name {
			return true
		}
	}
	return false
}

// plan seeds the mailboxes and lays out the groups.
func (h *harness) plan() error {
	sz := h.sizes()
	base := Spec{Addr: h.srv.Addr, User: h.srv.User, Pass: h.srv.Pass}
	seed := func(spec MailboxSpec) (*Seeded, error) {
		t := time.Now()
		s, wrote, err := Seed(h.srv.Dir, h.srv.MailUID, spec, h.logf)
		if err != nil {
			return nil, fmt.Errorf("seed %s: %v", spec.Mailbox, err)
		}
		if wrote {
			h.logf("seeded %s: %d messages, %s in %s", spec.Mailbox, s.Messages, mb(s.Bytes), time.Since(t).Round(time.Millisecond))
		}
		return &s, nil
	}
	needBig := h.want(h.cfg.only, "full") || h.want(h.cfg.only, "compress") || h.want(h.cfg.only, "backup") || h.want(h.cfg.only, "backup-rerun")
	needSmall := h.want(h.cfg.only, "metadata") || h.want(h.cfg.only, "latency") || h.want(h.cfg.only, "compress-text") || h.want(h.cfg.only, "backup-rerun-10k")
	var big, small *Seeded
	var err error
	if needBig {
		if big, err = seed(sz.big); err != nil {
			return err
		}
	}
	if needSmall {
		if small, err = seed(sz.small); err != nil {
			return err
		}
	}
	fetchClients := []struct{ client, label string }{
		{"raw", "raw socket (lower bound)"},
		{"imapkit", "imapkit, streaming"},
		{"imapkit-collect", "imapkit, Collect"},
		{"imapkit-iter", "imapkit, Messages iterator, no streaming"},
		{"goimap", "go-imap v2, streaming"},
		{"goimap-collect", "go-imap v2, Collect"},
		{"python", "Python imaplib"},
	}
	add := func(g *group, label string, s Spec) {
		if !h.want(h.cfg.clients, s.Client) {
			return
		}
		g.Variants = append(g.Variants, &variant{Label: label, Spec: s})
	}
	if h.want(h.cfg.only, "full") {
		g := &group{Key: "full", Title: "Full download", MBps: "messages", Seeded: big,
			Command: "UID FETCH 1:* BODY.PEEK[]", Note: fmt.Sprintf("%s/%s: %d messages, %s; every message streamed to a discard (streaming clients) or held in memory (Collect, imaplib).", sz.big.User, sz.big.Mailbox, big.Messages, mb(big.Bytes))}
		for _, c := range fetchClients {
			s := base
			s.Client, s.Case, s.Mailbox = c.client, CaseFull, sz.big.Mailbox
			add(g, c.label, s)
		}
		h.groups = append(h.groups, g)
	}
	if h.want(h.cfg.only, "metadata") {
		fetchClients := slices.DeleteFunc(slices.Clone(fetchClients), func(c struct{ client, label string }) bool { return c.client == "imapkit-iter" })
		g := &group{Key: "metadata", Title: "Metadata", MBps: "wire", Seeded: small,
			Command: "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)",
			Note:    fmt.Sprintf("%s/%s: %d messages, %s.", sz.small.User, sz.small.Mailbox, small.Messages, mb(small.Bytes))}
		for _, c := range fetchClients {
			s := base
			s.Client, s.Case, s.Mailbox = c.client, CaseMetadata, sz.small.Mailbox
			add(g, c.label, s)
		}
		h.groups = append(h.groups, g)
	}
	if h.want(h.cfg.only, "latency") {
		g := &group{Key: "latency", Title: "Latency", MBps: "wire", Seeded: small,
			Command: fmt.Sprintf("%d × UID FETCH n (FLAGS), n = 1..%d", sz.latency, sz.latency),
			Note:    "Through a proxy on 127.0.0.1 (in the harness) that delays every chunk by 10 ms in each direction (20 ms round trip). Sequential: each command waits for the previous one's completion; pipelined: all commands are started, then all results collected (imapkit: UIDFetch ×N, then Collect each)."}
		for _, mode := range []string{"seq", "pipelined"} {
			for _, c := range []struct{ client, label string }{{"raw", "raw socket"}, {"imapkit", "imapkit"}, {"goimap", "go-imap v2"}, {"python", "Python imaplib"}} {
				s := base
				s.Client, s.Case, s.Mode, s.Mailbox, s.Count = c.client, CaseLatency, mode, sz.small.Mailbox, sz.latency
				add(g, c.label+", "+map[string]string{"seq": "sequential", "pipelined": "pipelined"}[mode], s)
			}
		}
		h.groups = append(h.groups, g)
	}
	compress := func(key, title string, spec MailboxSpec, seeded *Seeded) {
		g := &group{Key: key, Title: title, MBps: "messages", Seeded: seeded,
			Command: "COMPRESS DEFLATE, then UID FETCH 1:* BODY.PEEK[]",
			Note:    fmt.Sprintf("%s/%s: %d messages, %s. Bytes on the wire are counted on the socket, under the DEFLATE layer; MB/s is message octets (uncompressed) per second. Dovecot compresses at its default level (imap_zlib).", spec.User, spec.Mailbox, seeded.Messages, mb(seeded.Bytes))}
		for _, c := range []struct{ client, label string }{{"raw", "raw socket"}, {"imapkit", "imapkit, streaming"}, {"goimap", "go-imap v2"}, {"python", "Python imaplib"}} {
			for _, fl := range []string{"", "klauspost", "stdlib"} {
				if (c.client == "goimap" || c.client == "python") && fl == "" {
					continue
				}
				s := base
				s.Client, s.Case, s.Mailbox, s.Flate = c.client, CaseFull, spec.Mailbox, fl
				name := "off"
				if fl != "" {
					name = fl + " flate"
				}
				if c.client == "goimap" || c.client == "python" {
					if fl == "stdlib" {
						continue
					}
					name = "COMPRESS"
				}
				add(g, c.label+", "+name, s)
			}
		}
		h.groups = append(h.groups, g)
	}
	if h.want(h.cfg.only, "compress") {
		compress("compress", "COMPRESS=DEFLATE, full download (mixed mailbox)", sz.big, big)
	}
	if h.want(h.cfg.only, "compress-text") {
		compress("compress-text", "COMPRESS=DEFLATE, full download (text-heavy mailbox)", sz.small, small)
	}
	if h.want(h.cfg.only, "append") {
		file := filepath.Join(os.TempDir(), fmt.Sprintf("imapbench-append-%d.msgs", os.Getpid()))
		if err := WriteAppendFile(file, 3, sz.appends, sz.appendMin, sz.appendMax); err != nil {
			return err
		}
		h.cleanup = append(h.cleanup, func() { os.Remove(file) })
		g := &group{Key: "append", Title: "APPEND", MBps: "messages",
			Command: fmt.Sprintf("APPEND of %d messages (%d–%d bytes) to a new mailbox", sz.appends, sz.appendMin, sz.appendMax),
			Note: "One by one: each APPEND waits for the previous one's completion, with a synchronizing literal (the client waits for \"+\"). " +
				"Pipelined: APPENDs are sent without waiting for completions, each literal still synchronizing. LITERAL+: pipelined with non-synchronizing literals (RFC 7888). " +
				"MULTIAPPEND (RFC 3502): one command carrying every message. Dovecot offers LITERAL+ and MULTIAPPEND; for the synchronizing rows the harness hides LITERAL+ from imapkit and go-imap (both use it whenever offered)."}
		for _, mode := range []struct{ mode, label string }{{"seq", "one by one"}, {"pipelined", "pipelined"}, {"literalplus", "LITERAL+"}, {"multiappend", "MULTIAPPEND"}} {
			for _, c := range []struct{ client, label string }{{"raw", "raw socket"}, {"imapkit", "imapkit"}, {"goimap", "go-imap v2"}, {"python", "Python imaplib"}} {
				s := base
				s.Client, s.Case, s.Mode, s.Mailbox, s.Count, s.AppendFile = c.client, CaseAppend, mode.mode, "imapkit-bench-append", sz.appends, file
				add(g, c.label+", "+mode.label, s)
			}
		}
		h.groups = append(h.groups, g)
	}
	if h.want(h.cfg.only, "append-large") {
		// Issue 14: the upload of the mixed mailbox, pipelined with
		// LITERAL+, and as one MULTIAPPEND (raw only: imapkit has none).
		file := filepath.Join(os.TempDir(), fmt.Sprintf("imapbench-append-large-%d.msgs", os.Getpid()))
		n, total, err := writeMailboxAppendFile(file, sz.big)
		if err != nil {
			return err
		}
		h.cleanup = append(h.cleanup, func() { os.Remove(file) })
		g := &group{Key: "append-large", Title: "APPEND, large mailbox", MBps: "messages",
			Command: fmt.Sprintf("APPEND of the mixed mailbox's %d messages (%s) to a new mailbox", n, mb(total)),
			Note: "The messages of the full-download mailbox, read into memory by each client before the clock starts (so peak RSS includes them). " +
				"LITERAL+: every APPEND sent without waiting (non-synchronizing literals, RFC 7888), then every completion awaited. MULTIAPPEND (RFC 3502): one command carrying every message."}
		for _, mode := range []struct{ mode, label string }{{"literalplus", "LITERAL+"}, {"multiappend", "MULTIAPPEND"}} {
			for _, c := range []struct{ client, label string }{{"raw", "raw socket"}, {"imapkit", "imapkit"}} {
				s := base
				s.Client, s.Case, s.Mode, s.Mailbox, s.Count, s.AppendFile = c.client, CaseAppend, mode.mode, "imapkit-bench-append-large", n, file
				add(g, c.label+", "+mode.label, s)
			}
		}
		h.groups = append(h.groups, g)
	}
	if h.want(h.cfg.only, "idle") {
		// Issue 14: what a connection idling on a mailbox costs.
		g := &group{Key: "idle", Title: "Idle connections", MBps: "wire",
			Command: "LOGIN, SELECT INBOX, IDLE; n connections at once",
			Note: "Against a minimal IMAP server in the harness (127.0.0.1, one goroutine per connection; it greets, accepts LOGIN, answers SELECT with Dovecot's responses and IDLE with \"+\"), not Dovecot: a thousand connections would be a thousand Dovecot processes on a shared machine. " +
				"The child measures its VmRSS and its Go heap and stacks in use (after runtime.GC and debug.FreeOSMemory) before dialing and once every connection idles, and reports the growth per connection: the library's share plus the socket's (the kernel's socket buffers are not in RSS). " +
				"imapkit with StartIdle (no goroutine of the caller's) and with Idle (blocking, on a goroutine of its own per connection, as a watcher calls it); go-imap v2's Idle returns once the server accepted it and runs a goroutine of its own."}
		counts := []int{1, 100, 1000}
		if h.cfg.small {
			counts = []int{1, 20}
		}
		for _, n := range counts {
			for _, c := range []struct{ client, label string }{{"imapkit", "imapkit, StartIdle"}, {"imapkit-idle", "imapkit, Idle on a goroutine"}, {"goimap", "go-imap v2, Idle"}} {
				s := base
				s.Client, s.Case, s.Mailbox, s.Count = c.client, CaseIdle, "INBOX", n
				s.Mode = fmt.Sprint(n)
				label := fmt.Sprintf("%s, %d connection", c.label, n)
				if n > 1 {
					label += "s"
				}
				add(g, label, s)
			}
		}
		h.groups = append(h.groups, g)
	}
	if err := h.planBackup(base, sz, big, small); err != nil {
		return err
	}
	return nil
}

// writeMailboxAppendFile writes the messages of the mailbox spec seeds
// (the same generator, seed and sizes) in WriteAppendFile's format, and
// returns their count and total size.
func writeMailboxAppendFile(path string, spec MailboxSpec) (int, int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var n int
	var total int64
	for i := 0; ; i++ {
		if spec.Count > 0 && i >= spec.Count || spec.Count == 0 && total >= spec.Total {
			break
		}
		m := mailgen.CRLF(mailgen.Message(spec.Seed, i, mailgen.Size(spec.Seed, i, spec.MinSize, spec.MaxSize)))
		w.WriteString(strconv.Itoa(len(m)))
		w.WriteByte('\n')
		w.Write(m)
		n++
		total += int64(len(m))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, 0, err
	}
	return n, total, f.Close()
}

// runGroup runs every variant of g n times, in alternation (the order
// rotates by one every iteration).
func (h *harness) runGroup(g *group) error {
	var proxy *delayProxy
	if g.Key == "latency" {
		var err error
		if proxy, err = startDelayProxy(h.srv.Addr, 10*time.Millisecond); err != nil {
			return err
		}
		defer proxy.Close()
		for _, v := range g.Variants {
			v.Spec.Addr = proxy.Addr()
		}
	}
	if g.Key == "idle" {
		srv, err := startIdleServer()
		if err != nil {
			return err
		}
		defer srv.Close()
		for _, v := range g.Variants {
			v.Spec.Addr = srv.Addr()
		}
	}
	if strings.HasPrefix(g.Key, "backup") {
		if err := h.warmBackup(g); err != nil {
			return err
		}
	}
	// Warm up: Dovecot indexes a fresh mailbox at the first SELECT and
	// caches ENVELOPE and BODYSTRUCTURE at the first FETCH of them; the
	// page cache takes the files. None of that should land on one client.
	for _, v := range g.Variants {
		if v.Spec.Client == "raw" && v.Spec.Case != CaseAppend && v.Spec.Flate == "" {
			w := v.Spec
			if w.Case == CaseLatency {
				w.Case = CaseMetadata
				w.Addr = h.srv.Addr
			}
			h.logf("%s: warm-up (raw %s)", g.Key, w.Case)
			if r := h.child(&w); r.Err != "" {
				return fmt.Errorf("warm-up: %s", r.Err)
			}
			break
		}
	}
	g.N = h.cfg.n
	for it := 0; it < h.cfg.n; it++ {
		h.logf("%s: iteration %d/%d (load %s)", g.Key, it+1, h.cfg.n, loadavg())
		for k := range g.Variants {
			v := g.Variants[(k+it)%len(g.Variants)]
			if v.NA != "" {
				continue
			}
			r := h.child(&v.Spec)
			switch {
			case r.NA != "":
				v.NA = r.NA
			case r.Err != "":
				v.Errs = append(v.Errs, r.Err)
				h.failed = true
				h.logf("%s / %s: %s", g.Key, v.Label, r.Err)
			default:
				v.Runs = append(v.Runs, r)
				if h.cfg.verbose {
					h.logf("  %-40s wall %8.3fs cpu %7.3fs rss %6s (rusage %s) in %s", v.Label, sec(r.WallNS), sec(r.UserNS+r.SysNS), mb(r.PeakRSSKB<<10), mb(r.MaxRSSKB<<10), mb(r.WireIn))
				}
			}
		}
	}
	return nil
}

// child runs one spec in a child process and returns its result with the
// process's rusage.
func (h *harness) child(spec *Spec) Result {
	if spec.Case == CaseBackup {
		return h.runBackup(spec)
	}
	js, _ := json.Marshal(spec)
	var cmd *exec.Cmd
	if spec.Client == "python" {
		cmd = exec.Command(h.cfg.python, h.script)
	} else {
		cmd = exec.Command(h.exe)
	}
	cmd.Env = append(os.Environ(), ChildEnv+"="+string(js))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		return Result{Err: err.Error()}
	}
	timer := time.AfterFunc(h.cfg.timeout, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	var r Result
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &r); jerr != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 500 {
			msg = msg[len(msg)-500:]
		}
		return Result{Err: fmt.Sprintf("child: %v; %s", err, msg)}
	}
	if err != nil && r.Err == "" {
		r.Err = fmt.Sprintf("child: %v", err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.UserNS = ru.Utime.Nano()
		r.SysNS = ru.Stime.Nano()
		r.MaxRSSKB = ru.Maxrss
	}
	return r
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// saved is what -save writes and -from reads.
type saved struct {
	Cmdline    string
	N          int
	Start, End time.Time
	Load       [2]string
	Machine    [][2]string
	Groups     []*group
	Profiles   []profile
	Codec      *codecResults
}

func (h *harness) saveResults(path string) error {
	b, err := json.MarshalIndent(saved{Cmdline: h.cfg.cmdline, N: h.cfg.n, Start: h.start, End: h.end, Load: h.load,
		Machine: h.machine(), Groups: h.groups, Profiles: h.profiles, Codec: h.codec}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func (h *harness) loadResults(paths string) error {
	for i, path := range strings.Split(paths, ",") {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var s saved
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		if i == 0 {
			h.cfg.cmdline, h.cfg.n, h.start, h.end, h.load = s.Cmdline, s.N, s.Start, s.End, s.Load
			h.savedMachine, h.groups, h.profiles, h.codec = s.Machine, s.Groups, s.Profiles, s.Codec
			continue
		}
		// A later file re-ran some groups: its groups, profiles and codec
		// results replace the earlier ones.
		h.merged = true
		var keys []string
		for _, g := range s.Groups {
			keys = append(keys, g.Key)
			replaced := false
			for j, old := range h.groups {
				if old.Key == g.Key {
					h.groups[j], replaced = g, true
				}
			}
			if !replaced {
				h.groups = append(h.groups, g)
			}
		}
		// Profiles of the re-run groups replace all earlier ones of them.
		rerun := map[string]bool{}
		for _, k := range keys {
			rerun[k] = true
		}
		h.profiles = slices.DeleteFunc(h.profiles, func(p profile) bool { return rerun[p.Group] })
		h.profiles = append(h.profiles, s.Profiles...)
		if s.Codec != nil {
			h.codec = s.Codec
			keys = append(keys, "codec benchmarks")
		}
		h.savedMachine = append(h.savedMachine, [2]string{"re-run", fmt.Sprintf("%s with `%s`, %s, load %s / %s",
			strings.Join(keys, ", "), s.Cmdline, s.Start.UTC().Format("15:04 UTC"), s.Load[0], s.Load[1])})
	}
	return nil
}
