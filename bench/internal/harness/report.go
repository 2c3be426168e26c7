package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"
)

func sec(ns int64) float64 { return float64(ns) / 1e9 }

func mb(b int64) string {
	switch {
	case b >= 10<<30:
		return fmt.Sprintf("%.0f GiB", float64(b)/(1<<30))
	case b >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30))
	case b >= 10<<20:
		return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

// stat is the median, minimum and maximum of one figure over the runs.
type stat struct{ med, min, max float64 }

func statOf(runs []Result, f func(Result) float64) stat {
	if len(runs) == 0 {
		return stat{}
	}
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = f(r)
	}
	sort.Float64s(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return stat{m, v[0], v[len(v)-1]}
}

func wallOf(r Result) float64 { return sec(r.WallNS) }
func cpuOf(r Result) float64  { return sec(r.UserNS + r.SysNS) }
func rssOf(r Result) float64 {
	if r.PeakRSSKB > 0 {
		return float64(r.PeakRSSKB) * 1024
	}
	return float64(r.MaxRSSKB) * 1024
}

// fmtSpread prints "median (min–max)" with a unit-appropriate format.
func fmtSecs(s stat, n int) string {
	f := func(x float64) string {
		switch {
		case x >= 100:
			return fmt.Sprintf("%.0f", x)
		case x >= 10:
			return fmt.Sprintf("%.1f", x)
		case x >= 1:
			return fmt.Sprintf("%.2f", x)
		}
		return fmt.Sprintf("%.3f", x)
	}
	if n <= 1 {
		return f(s.med) + " s"
	}
	return fmt.Sprintf("%s s (%s–%s)", f(s.med), f(s.min), f(s.max))
}

func (v *variant) wall() stat { return statOf(v.Runs, wallOf) }
func (v *variant) cpu() stat  { return statOf(v.Runs, cpuOf) }
func (v *variant) rss() stat  { return statOf(v.Runs, rssOf) }

// target is one goal of issues 3, 5 and 6, checked against the runs.
type target struct {
	Name, Want, Got string
	OK, Known       bool
	// Profile is the variant to profile when the target is missed.
	Profile *variant
}

func (h *harness) find(group, client, mode, flate string) *variant {
	for _, g := range h.groups {
		if g.Key != group {
			continue
		}
		for _, v := range g.Variants {
			if v.Spec.Client == client && v.Spec.Mode == mode && v.Spec.Flate == flate && len(v.Runs) > 0 {
				return v
			}
		}
	}
	return nil
}

func (h *harness) evaluate() {
	h.targets = nil
	h.evaluateLive()
	if h.codec != nil {
		h.evaluateCodec()
	}
}

func (h *harness) evaluateCodec() {
	get := func(c, d string) *codecRow {
		for i := range h.codec.Rows {
			if h.codec.Rows[i].Case == c && h.codec.Rows[i].Decoder == d {
				return &h.codec.Rows[i]
			}
		}
		return nil
	}
	kit, gi, kitC := get("FetchMetadata", "imapkit-codec"), get("FetchMetadata", "goimap-client"), get("FetchMetadata", "imapkit-client")
	if kit != nil && gi != nil && gi.MBps > 0 && gi.AllocsMsg > 0 {
		r := kit.MBps / gi.MBps
		h.targets = append(h.targets, target{Name: "Codec (a) metadata: throughput, imapkit codec vs go-imap v2", Want: "≥ 5×", Got: fmt.Sprintf("%.1f× (%.0f vs %.1f MB/s)", r, kit.MBps, gi.MBps), OK: r >= 5})
		a := kit.AllocsMsg / gi.AllocsMsg
		h.targets = append(h.targets, target{Name: "Codec (a) metadata: allocations per message", Want: "≤ 1/4 of go-imap v2", Got: fmt.Sprintf("%.3f× (%.1f vs %.1f)", a, kit.AllocsMsg, gi.AllocsMsg), OK: a <= 0.25})
		if kitC != nil {
			r := kitC.MBps / gi.MBps
			h.targets = append(h.targets, target{Name: "Codec (a) metadata: throughput, imapkit client vs go-imap v2 client (both over net.Pipe)", Want: "≥ 5× (same target, client to client)", Got: fmt.Sprintf("%.1f× (%.0f vs %.1f MB/s)", r, kitC.MBps, gi.MBps), OK: r >= 5})
		}
	}
	kb, gb := get("BodyLiteral", "imapkit-codec"), get("BodyLiteral", "goimap-client")
	if kb != nil && gb != nil {
		h.targets = append(h.targets, target{Name: "Codec (b) streamed literals: imapkit codec vs go-imap v2", Want: "≥ 1× (a literal costs a copy)", Got: fmt.Sprintf("%.1f× (%.0f vs %.0f MB/s)", kb.MBps/gb.MBps, kb.MBps, gb.MBps), OK: kb.MBps >= gb.MBps})
	}
}

func (h *harness) evaluateLive() {
	add := func(name, want string, v *variant, got string, ok bool, known bool) {
		h.targets = append(h.targets, target{Name: name, Want: want, Got: got, OK: ok, Known: known, Profile: v})
	}
	ratio := func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	}
	raw, kit, kitC := h.find("full", "raw", "", ""), h.find("full", "imapkit", "", ""), h.find("full", "imapkit-collect", "", "")
	if raw != nil && kit != nil {
		r := ratio(kit.wall().med, raw.wall().med)
		add("Full download: wall time", "≤ 1.05× raw", kit, fmt.Sprintf("%.3f× raw (%.3f s vs %.3f s)", r, kit.wall().med, raw.wall().med), r <= 1.05, true)
		r = ratio(kit.cpu().med, raw.cpu().med)
		add("Full download: client CPU", "≤ 1.25× raw", kit, fmt.Sprintf("%.3f× raw (%.3f s vs %.3f s)", r, kit.cpu().med, raw.cpu().med), r <= 1.25, true)
		add("Full download: peak RSS (streaming)", "< 32 MiB", kit, mb(int64(kit.rss().med)), kit.rss().med < 32<<20, true)
	}
	if kitC != nil {
		add("Full download: peak RSS, imapkit's simplest blocking API (Collect)", "< 1 GB (go-imap Collect and imaplib take more)", kitC, mb(int64(kitC.rss().med)), kitC.rss().med < 1e9, true)
	}
	if kitI := h.find("full", "imapkit-iter", "", ""); kitI != nil {
		add("Full download: peak RSS, imapkit's Messages iterator without streaming", "< 1 GB", kitI, mb(int64(kitI.rss().med)), kitI.rss().med < 1e9, true)
		if raw := h.find("full", "raw", "", ""); raw != nil {
			// Issue 14: the README's loop, no FetchOptions.
			r := ratio(kitI.cpu().med, raw.cpu().med)
			add("Full download, Messages iterator (no FetchOptions): client CPU", "≤ 1.5× raw", kitI, fmt.Sprintf("%.2f× raw (%.3f s vs %.3f s)", r, kitI.cpu().med, raw.cpu().med), r <= 1.5, true)
			r = ratio(kitI.wall().med, raw.wall().med)
			add("Full download, Messages iterator (no FetchOptions): wall time", "≤ 1.10× raw", kitI, fmt.Sprintf("%.2f× raw (%.3f s vs %.3f s)", r, kitI.wall().med, raw.wall().med), r <= 1.10, true)
		}
		add("Full download, Messages iterator (no FetchOptions): peak RSS", "≤ 64 MiB", kitI, mb(int64(kitI.rss().med)), kitI.rss().med <= 64<<20, true)
	}
	for _, c := range []struct{ client, what string }{{"imapkit", "StartIdle"}, {"imapkit-idle", "Idle on a goroutine of the caller's"}} {
		if v := h.find("idle", c.client, "1000", ""); v != nil {
			r := statOf(v.Runs, func(r Result) float64 { return float64(r.IdleRSSB) }).med
			hs := statOf(v.Runs, func(r Result) float64 { return float64(r.IdleHeapB + r.IdleStackB) }).med
			got := fmt.Sprintf("%.1f KiB RSS, %.1f KiB Go heap+stacks", r/1024, hs/1024)
			if gi := h.find("idle", "goimap", "1000", ""); gi != nil {
				gr := statOf(gi.Runs, func(r Result) float64 { return float64(r.IdleRSSB) }).med
				got += fmt.Sprintf(" (go-imap v2: %.1f KiB RSS)", gr/1024)
			}
			add("Idle connections: memory per connection, 1,000 connections, "+c.what, "≤ 12 KiB", nil, got, r <= 12<<10, true)
		}
	}
	raw, kit = h.find("metadata", "raw", "", ""), h.find("metadata", "imapkit", "", "")
	gi := h.find("metadata", "goimap", "", "")
	if raw != nil && kit != nil {
		r := ratio(kit.wall().med, raw.wall().med)
		add("Metadata: wall time", "≤ 1.3× raw", kit, fmt.Sprintf("%.3f× raw (%.3f s vs %.3f s)", r, kit.wall().med, raw.wall().med), r <= 1.3, true)
	}
	if gi != nil && kit != nil {
		r := ratio(kit.cpu().med, gi.cpu().med)
		add("Metadata: client CPU", "≤ 0.2× go-imap v2 (streaming vs streaming)", kit, fmt.Sprintf("%.2f× go-imap (%.3f s vs %.3f s)", r, kit.cpu().med, gi.cpu().med), r <= 0.2, true)
	}
	seq, pip, rawPip := h.find("latency", "imapkit", "seq", ""), h.find("latency", "imapkit", "pipelined", ""), h.find("latency", "raw", "pipelined", "")
	if seq != nil && pip != nil {
		r := ratio(seq.wall().med, pip.wall().med)
		add("Latency: pipelined vs sequential", "≥ 50× faster", pip, fmt.Sprintf("%.0f× (%.3f s vs %.2f s)", r, pip.wall().med, seq.wall().med), r >= 50, true)
	}
	if pip != nil && rawPip != nil {
		r := ratio(pip.wall().med, rawPip.wall().med)
		add("Latency: pipelined vs raw pipelined", "on par (≤ 1.25×)", pip, fmt.Sprintf("%.2f× (%.3f s vs %.3f s)", r, pip.wall().med, rawPip.wall().med), r <= 1.25, true)
	}
	off, kp := h.find("compress-text", "imapkit", "", ""), h.find("compress-text", "imapkit", "", "klauspost")
	if off != nil && kp != nil {
		r := ratio(statOf(kp.Runs, func(r Result) float64 { return float64(r.WireIn) }).med, statOf(off.Runs, func(r Result) float64 { return float64(r.WireIn) }).med)
		add("COMPRESS: wire bytes, text-heavy mailbox", "≤ 40% of uncompressed", nil, fmt.Sprintf("%.0f%%", r*100), r <= 0.40, true)
	}
	off, kp = h.find("compress", "imapkit", "", ""), h.find("compress", "imapkit", "", "klauspost")
	if off != nil && kp != nil {
		r := ratio(kp.wall().med, off.wall().med)
		got := fmt.Sprintf("%.2f× (%.2f s vs %.2f s)", r, kp.wall().med, off.wall().med)
		if rk, ro := h.find("compress", "raw", "", "klauspost"), h.find("compress", "raw", "", ""); rk != nil && ro != nil {
			got += fmt.Sprintf("; raw socket: %.2f× (%.2f s vs %.2f s)", rk.wall().med/ro.wall().med, rk.wall().med, ro.wall().med)
		}
		add("COMPRESS: wall time with klauspost vs off (loopback, mixed mailbox)", "≤ 1.0×", kp, got, r <= 1.0, true)
	}
}

// idleTable renders the idle group: memory and goroutines per connection.
func (h *harness) idleTable(w func(string, ...any), g *group) {
	w("| client | time to open all | RSS per connection | Go heap per connection | Go stacks per connection | goroutines per connection |\n|---|---|---|---|---|---|\n")
	kib := func(v *variant, f func(Result) float64) string {
		s := statOf(v.Runs, f)
		if len(v.Runs) <= 1 {
			return fmt.Sprintf("%.1f KiB", s.med/1024)
		}
		return fmt.Sprintf("%.1f KiB (%.1f–%.1f)", s.med/1024, s.min/1024, s.max/1024)
	}
	for _, v := range g.Variants {
		if v.NA != "" {
			w("| %s | not available: %s | | | | |\n", v.Label, v.NA)
			continue
		}
		if len(v.Runs) == 0 {
			w("| %s | failed: %s | | | | |\n", v.Label, strings.Join(v.Errs, "; "))
			continue
		}
		w("| %s | %s | %s | %s | %s | %.2f |\n", v.Label, fmtSecs(v.wall(), len(v.Runs)),
			kib(v, func(r Result) float64 { return float64(r.IdleRSSB) }),
			kib(v, func(r Result) float64 { return float64(r.IdleHeapB) }),
			kib(v, func(r Result) float64 { return float64(r.IdleStackB) }),
			statOf(v.Runs, func(r Result) float64 { return r.IdleGoroutines }).med)
	}
	w("\n")
}

// profile is pprof's top of one imapkit run that missed targets, with the
// raw socket's of the same case for comparison.
type profile struct {
	Group    string // the group's Key
	Targets  []string
	Variant  string
	Top      string
	Baseline string
}

// profileMisses runs each imapkit variant that missed a target once more
// with a CPU profile and keeps pprof's top, and the raw socket's of the
// same case.
func (h *harness) profileMisses() {
	var order []*variant
	targets := map[*variant][]string{}
	for _, t := range h.targets {
		if t.OK || t.Profile == nil {
			continue
		}
		if targets[t.Profile] == nil {
			order = append(order, t.Profile)
		}
		targets[t.Profile] = append(targets[t.Profile], t.Name)
	}
	for _, v := range order {
		p := profile{Group: h.groupOf(v), Targets: targets[v], Variant: v.Label}
		h.logf("profiling %s (%s)", v.Label, strings.Join(p.Targets, "; "))
		p.Top = h.profileRun(v.Spec)
		if p.Top == "" {
			continue
		}
		raw := v.Spec
		raw.Client = "raw"
		if raw.Case != CaseAppend {
			p.Baseline = h.profileRun(raw)
		}
		h.profiles = append(h.profiles, p)
	}
}

// groupOf returns the key of the group v belongs to.
func (h *harness) groupOf(v *variant) string {
	for _, g := range h.groups {
		for _, x := range g.Variants {
			if x == v {
				return g.Key
			}
		}
	}
	return ""
}

// profileRun runs spec once with a CPU profile and returns pprof's top.
func (h *harness) profileRun(spec Spec) string {
	f, err := os.CreateTemp("", "imapbench-*.prof")
	if err != nil {
		return ""
	}
	f.Close()
	defer os.Remove(f.Name())
	spec.CPUProfile = f.Name()
	if spec.Case == CaseLatency {
		// The proxy is gone; the profile is of the client's work, which
		// the delay does not change.
		spec.Addr = h.srv.Addr
	}
	if r := h.child(&spec); r.Err != "" {
		h.logf("profile run: %s", r.Err)
		return ""
	}
	out, err := exec.Command("go", "tool", "pprof", "-top", "-nodecount=22", h.exe, f.Name()).CombinedOutput()
	if err != nil {
		h.logf("pprof: %v", err)
		return ""
	}
	return trimPprof(string(out))
}

// trimPprof drops pprof's header lines that name files and build IDs.
func trimPprof(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "File:") || strings.HasPrefix(l, "Build ID:") || strings.HasPrefix(l, "Time:") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// codecResults are the decode benchmarks (codec_test.go), medians over
// -count runs.
type codecResults struct {
	Command string
	Rows    []codecRow
	Profile string
}

type codecRow struct {
	Case, Decoder          string
	MBps, NsMsg, AllocsMsg float64
	AllocsOp               float64
	Samples                int
}

func (h *harness) runCodecBench() *codecResults {
	args := []string{"test", "-run", "^$", "-bench", "^BenchmarkDecode$", "-benchtime", "20x", "-count", "5", "."}
	h.logf("codec benchmarks: go %s", strings.Join(args, " "))
	cmd := exec.Command("go", args...)
	cmd.Dir = h.cfg.benchDir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		h.logf("codec benchmarks failed: %v\n%s", err, out)
		h.failed = true
		return nil
	}
	res := &codecResults{Command: "cd bench && GOWORK=off go " + strings.Join(args[:len(args)-1], " ")}
	samples := map[string][]map[string]float64{}
	var order []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkDecode/") {
			continue
		}
		name := strings.TrimPrefix(f[0], "BenchmarkDecode/")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		m := map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err == nil {
				m[f[i+1]] = v
			}
		}
		if _, ok := samples[name]; !ok {
			order = append(order, name)
		}
		samples[name] = append(samples[name], m)
	}
	med := func(ms []map[string]float64, k string) float64 {
		var v []float64
		for _, m := range ms {
			v = append(v, m[k])
		}
		sort.Float64s(v)
		if len(v) == 0 {
			return 0
		}
		return v[len(v)/2]
	}
	for _, name := range order {
		c, d, _ := strings.Cut(name, "/")
		ms := samples[name]
		res.Rows = append(res.Rows, codecRow{Case: c, Decoder: d, MBps: med(ms, "MB/s"), NsMsg: med(ms, "ns/msg"),
			AllocsMsg: med(ms, "allocs/msg"), AllocsOp: med(ms, "allocs/op"), Samples: len(ms)})
	}
	return res
}

// machine describes where the benchmark ran.
func (h *harness) machine() [][2]string {
	if h.savedMachine != nil {
		return h.savedMachine
	}
	cpu := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				_, v, _ := strings.Cut(l, ":")
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel := "?"
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = strings.TrimSpace(string(b))
	}
	memTotal := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
		if len(f) >= 2 {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			memTotal = mb(kb << 10)
		}
	}
	py := "?"
	if out, err := exec.Command(h.cfg.python, "--version").CombinedOutput(); err == nil {
		py = strings.TrimSpace(string(out))
	}
	goimap := "?"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/emersion/go-imap/v2" {
				goimap = d.Version
			}
		}
	}
	return [][2]string{
		{"CPU", fmt.Sprintf("%s, %d cores (nproc)", cpu, runtime.NumCPU())},
		{"memory", memTotal},
		{"kernel", "Linux " + kernel},
		{"Go", runtime.Version()},
		{"Dovecot", h.srv.Version + " (project's scripts/servers/dovecot.sh, 127.0.0.1, Maildir)"},
		{"Python", py},
		{"go-imap", "github.com/emersion/go-imap/v2 " + goimap},
		{"load average (1/5/15 min) at start / end", h.load[0] + " / " + h.load[1]},
		{"date", h.start.UTC().Format("2006-01-02 15:04 UTC") + fmt.Sprintf(", %s in all", h.end.Sub(h.start).Round(time.Second))},
	}
}

func (h *harness) report() string {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	w("# imapkit performance\n\n")
	w("Generated by `imapbench` (bench/cmd/imapbench) — do not edit by hand; re-run it instead (about 20 minutes on 2 cores; `-small` is the few-seconds CI mode):\n\n")
	w("```sh\ncd bench && GOWORK=off go run ./cmd/imapbench\n```\n\n")
	how := ""
	switch {
	case h.merged:
		how = ", with the re-runs listed under Machine merged in (`-from`)"
	case h.cfg.from != "":
		how = ", rendered from its saved results (`-from`, see bench/results/)"
	}
	w("This report: `%s`%s.\n\n", h.cfg.cmdline, how)
	w("Every client runs as a child process of the harness, several times per case (the count is under each table), the clients of a case in alternation " +
		"(the order rotates every iteration). Wall time is the case's command(s) from sending to completion, measured by the child; " +
		"CPU time (user + system) is the whole child process's, from its rusage (ProcessState.SysUsage); peak RSS is the child's own high-water mark " +
		"(VmHWM in /proc/self/status, read as it exits): its ru_maxrss cannot be used as such because Linux carries the parent's high-water mark " +
		"across vfork+exec, so it never reads below the harness's own RSS. " +
		"Figures are medians, with the range (min–max) over the iterations. Bytes on the wire are counted on the client's socket. " +
		"The server's CPU is not in any figure.\n\n")
	w("## Machine\n\n| | |\n|---|---|\n")
	for _, kv := range h.machine() {
		w("| %s | %s |\n", kv[0], kv[1])
	}
	w("\nThe machine is shared: other builds and tests ran while this was measured (see the load average), so spreads are wide; ratios between clients of one case, run in alternation, are steadier than absolute times.\n\n")
	w("## Targets\n\n| target | wanted | measured | |\n|---|---|---|---|\n")
	for _, t := range h.targets {
		mark := "met"
		if !t.OK {
			mark = "**missed**"
		}
		w("| %s | %s | %s | %s |\n", t.Name, t.Want, t.Got, mark)
	}
	w("\n")
	for _, g := range h.groups {
		n := g.N
		if n == 0 {
			n = h.cfg.n
		}
		w("## %s\n\n`%s`. %s Runs per client: %d.\n\n", g.Title, g.Command, g.Note, n)
		if g.Key == "idle" {
			h.idleTable(w, g)
			continue
		}
		mbHdr := "MB/s (messages)"
		if g.MBps == "wire" {
			mbHdr = "MB/s (wire)"
		}
		w("| client | wall | CPU | peak RSS | wire in | wire out | %s |\n|---|---|---|---|---|---|---|\n", mbHdr)
		for _, v := range g.Variants {
			if v.NA != "" {
				w("| %s | not available: %s | | | | | |\n", v.Label, v.NA)
				continue
			}
			if len(v.Runs) == 0 {
				w("| %s | failed: %s | | | | | |\n", v.Label, strings.Join(v.Errs, "; "))
				continue
			}
			wall := v.wall()
			in := statOf(v.Runs, func(r Result) float64 { return float64(r.WireIn) }).med
			out := statOf(v.Runs, func(r Result) float64 { return float64(r.WireOut) }).med
			num := in
			if g.MBps == "messages" {
				num = statOf(v.Runs, func(r Result) float64 { return float64(r.Bytes) }).med
			}
			rate := ""
			if wall.med > 0 {
				rate = fmt.Sprintf("%.1f", num/wall.med/1e6)
			}
			rss := v.rss()
			rssS := mb(int64(rss.med))
			if len(v.Runs) > 1 {
				rssS = fmt.Sprintf("%s (%s–%s)", mb(int64(rss.med)), mb(int64(rss.min)), mb(int64(rss.max)))
			}
			errs := ""
			if len(v.Errs) > 0 {
				errs = fmt.Sprintf(" (%d failed run(s): %s)", len(v.Errs), v.Errs[0])
			}
			w("| %s%s | %s | %s | %s | %s | %s | %s |\n", v.Label, errs, fmtSecs(wall, len(v.Runs)), fmtSecs(v.cpu(), len(v.Runs)), rssS, mb(int64(in)), mb(int64(out)), rate)
		}
		w("\n")
	}
	if h.codec != nil {
		c := h.codec
		w("## Codec benchmarks\n\nThe decode benchmarks of issue 3 (item 6), in one `go test` run: the same generated streams decoded by imapkit's codec "+
			"(`codec.Decoder.ReadResponse` over the bytes), by imapkit's client and by go-imap v2's client (each over a `net.Pipe` "+
			"fed by a fake server after a greeting/LOGIN/SELECT prelude; go-imap through its streaming API). Medians of %d runs:\n\n", c.Rows[0].Samples)
		w("```sh\n%s\n```\n\n", c.Command)
		w("| case | decoder | MB/s | ns/msg | allocs/msg |\n|---|---|---|---|---|\n")
		for _, r := range c.Rows {
			w("| %s | %s | %.1f | %.0f | %.2f |\n", r.Case, r.Decoder, r.MBps, r.NsMsg, r.AllocsMsg)
		}
		w("\n(a) FetchMetadata: 2,000 FETCH responses with UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE; (b) BodyLiteral: 1,000 BODY[] literals of 100 KB, streamed to a discard; (c) List: LIST of 10,000 mailboxes. allocs/msg counts every allocation of the process during the timed loop (the clients' reader goroutines included).\n\n")
	}
	missed := map[string]bool{}
	for _, t := range h.targets {
		if !t.OK {
			missed[t.Name] = true
		}
	}
	var shown []profile
	for _, p := range h.profiles {
		for _, t := range p.Targets {
			if missed[t] {
				shown = append(shown, p)
				break
			}
		}
	}
	if len(shown) > 0 {
		w("## Profiles of the misses\n\nOne more run of each imapkit client that missed a target, with a CPU profile (`go tool pprof -top`), and the raw socket's on the same case for comparison:\n\n")
		for _, p := range shown {
			w("### %s — %s\n\n```\n%s\n```\n\n", p.Variant, strings.Join(p.Targets, "; "), p.Top)
			if p.Baseline != "" {
				w("<details><summary>raw socket, same case</summary>\n\n```\n%s\n```\n\n</details>\n\n", p.Baseline)
			}
		}
	}
	if h.analysis != "" {
		w("## Analysis\n\n%s\n\n", strings.TrimSpace(h.analysis))
	}
	w("## Clients\n\n")
	w("- **raw socket**: logs in, sends the command and reads until the tagged completion, finding line ends and skipping `{n}` literals, nothing else: the practical limit on this machine.\n")
	w("- **imapkit, streaming**: `client.Conn.UIDFetch` with `FetchOptions.Literal` (full download: each literal copied to `io.Discard` as it arrives) and `FetchCommand.Messages`.\n")
	w("- **imapkit, Collect**: `FetchCommand.Collect`, the simplest blocking API (every message in memory).\n")
	w("- **imapkit, Messages iterator, no streaming**: `for m, err := range cmd.Messages(ctx)` without `FetchOptions.Literal`: each message is buffered whole and dropped after its turn.\n")
	w("- **go-imap v2, streaming**: `FetchCommand.Next`, `FetchMessageData.Next`, the body section's `Literal` copied to `io.Discard`.\n")
	w("- **go-imap v2, Collect**: `FetchCommand.Collect`.\n")
	w("- **Python imaplib**: `IMAP4.uid('FETCH', ...)`, `IMAP4.append` (bench/python/imaplib_bench.py); it buffers whole results and has no pipelining, COMPRESS or LITERAL+.\n")
	return b.String()
}

var _ = filepath.Join
