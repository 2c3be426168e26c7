package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/imapkit/imapkit/bench/internal/mailgen"
)

// Cases.
const (
	CaseFull     = "full"     // UID FETCH 1:* BODY.PEEK[] streamed to a discard
	CaseMetadata = "metadata" // UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)
	CaseLatency  = "latency"  // Count single-message UID FETCH n (FLAGS), Mode seq or pipelined
	CaseAppend   = "append"   // APPEND of Count messages, Mode seq, pipelined, literalplus, multiappend
)

// Spec is what one child process runs: one client, one case, once.
type Spec struct {
	Client  string `json:"client"`
	Case    string `json:"case"`
	Mode    string `json:"mode,omitempty"`
	Flate   string `json:"flate,omitempty"` // "", "klauspost", "stdlib": COMPRESS=DEFLATE
	Addr    string `json:"addr"`
	User    string `json:"user"`
	Pass    string `json:"pass"`
	Mailbox string `json:"mailbox"`
	Count   int    `json:"count,omitempty"`
	// AppendFile holds the messages APPEND sends, each as "<length>\n"
	// and its octets (CRLF line ends), written once by the harness so that
	// every client sends the same bytes and none pays for making them.
	AppendFile string `json:"append_file,omitempty"`
	// Dir is where a backup case writes its Maildirs.
	Dir        string `json:"dir,omitempty"`
	CPUProfile string `json:"cpu_profile,omitempty"`
	// StreamThreshold, when set, is imapkit's client.Options.StreamThreshold
	// (a diagnostic: how the cost of a full download depends on the number
	// of streamed literals).
	StreamThreshold int64 `json:"stream_threshold,omitempty"`
}

// Result is what a child reports (one JSON line on standard output); the
// harness adds the process figures from rusage.
type Result struct {
	WallNS   int64  `json:"wall_ns"`  // the case's command(s), from sending to completion
	Messages int    `json:"messages"` // messages fetched or appended (commands for latency)
	Bytes    int64  `json:"bytes"`    // message octets fetched or appended
	WireIn   int64  `json:"wire_in"`  // octets read from the socket
	WireOut  int64  `json:"wire_out"` // octets written to the socket
	Err      string `json:"error,omitempty"`
	NA       string `json:"na,omitempty"` // the client cannot run this case, and why

	// PeakRSSKB is the child's VmHWM (/proc/self/status) at its end: the
	// high-water mark of its own address space. The rusage figure below
	// is not that: Linux carries the parent's high-water mark over
	// vfork+exec (exec_mmap: setmax_mm_hiwater_rss of the old mm, which
	// after Go's CLONE_VM|CLONE_VFORK is the harness's), so ru_maxrss is
	// never below the harness's own peak RSS.
	PeakRSSKB int64 `json:"peak_rss_kb"`

	// The idle case: connections, and per connection the growth of
	// VmRSS, of the Go heap and stacks in use (after a collection) and
	// of the goroutines.
	IdleConns      int     `json:"idle_conns,omitempty"`
	IdleRSSB       int64   `json:"idle_rss_b,omitempty"`
	IdleHeapB      int64   `json:"idle_heap_b,omitempty"`
	IdleStackB     int64   `json:"idle_stack_b,omitempty"`
	IdleGoroutines float64 `json:"idle_goroutines,omitempty"`

	// Filled in by the harness.
	UserNS   int64 `json:"user_ns"`
	SysNS    int64 `json:"sys_ns"`
	MaxRSSKB int64 `json:"maxrss_kb"`
}

// ChildEnv marks a process started by the harness as a child.
const ChildEnv = "IMAPBENCH_CHILD_SPEC"

// RunChild runs the spec in $IMAPBENCH_CHILD_SPEC and prints its Result.
// It is what the imapbench binary does when the harness re-executes it.
func RunChild() {
	var spec Spec
	if err := json.Unmarshal([]byte(os.Getenv(ChildEnv)), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "imapbench child:", err)
		os.Exit(2)
	}
	if spec.CPUProfile != "" {
		f, err := os.Create(spec.CPUProfile)
		if err == nil {
			pprof.StartCPUProfile(f)
		}
	}
	res := runClient(&spec)
	if spec.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	res.PeakRSSKB = vmHWM()
	json.NewEncoder(os.Stdout).Encode(res)
}

// runClient dispatches to the client's implementation.
func runClient(spec *Spec) (res Result) {
	defer func() {
		if r := recover(); r != nil {
			res.Err = fmt.Sprint("panic: ", r)
		}
	}()
	var err error
	if spec.Case == CaseIdle {
		if err := runIdle(spec, &res); err != nil {
			res.Err = err.Error()
		}
		return res
	}
	switch spec.Client {
	case "raw":
		err = runRaw(spec, &res)
	case "imapkit", "imapkit-collect", "imapkit-iter":
		err = runImapkit(spec, &res)
	case "goimap", "goimap-collect":
		err = runGoimap(spec, &res)
	default:
		err = fmt.Errorf("unknown client %q", spec.Client)
	}
	if err != nil {
		res.Err = err.Error()
	}
	return res
}

// appendMessages reads the messages of an APPEND case.
func appendMessages(spec *Spec) ([][]byte, error) {
	b, err := os.ReadFile(spec.AppendFile)
	if err != nil {
		return nil, err
	}
	var msgs [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return nil, errorf("%s: truncated", spec.AppendFile)
		}
		n, err := strconv.Atoi(string(b[:i]))
		if err != nil || n > len(b)-i-1 {
			return nil, errorf("%s: bad length", spec.AppendFile)
		}
		msgs = append(msgs, b[i+1:i+1+n])
		b = b[i+1+n:]
	}
	return msgs, nil
}

// WriteAppendFile writes count messages of mailgen's (seed, sizes between
// min and max) for the APPEND cases.
func WriteAppendFile(path string, seed uint64, count, min, max int) error {
	var b bytes.Buffer
	for i := 0; i < count; i++ {
		m := mailgen.CRLF(mailgen.Message(seed, i, mailgen.Size(seed, i, min, max)))
		b.WriteString(strconv.Itoa(len(m)))
		b.WriteByte('\n')
		b.Write(m)
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// timer measures the case's wall time.
type timer struct{ start time.Time }

func startTimer() timer                { return timer{time.Now()} }
func (t timer) stop(res *Result)       { res.WallNS = time.Since(t.start).Nanoseconds() }
func appendMailbox(spec *Spec) string  { return fmt.Sprintf("%s-%d", spec.Mailbox, os.Getpid()) }
func na(res *Result, why string) error { res.NA = why; return nil }
func errorf(f string, a ...any) error  { return fmt.Errorf(f, a...) }

// vmHWM returns the peak resident set size of this process in KiB, from
// /proc/self/status, or 0.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
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
