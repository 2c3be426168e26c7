package clientsuite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Scenario is one thing a client must get right against a server.
type Scenario struct {
	// Name is short and stable ("fetch-sections"): a row of the report.
	Name string
	// Doc says what is checked, in one line.
	Doc string
	// Needs are capabilities the server must advertise after login;
	// NeedsPre, before login. Without them the scenario is not
	// applicable.
	Needs, NeedsPre []string
	// Run drives the clients; a returned error is a failure, one
	// wrapping ErrNotApplicable a "not applicable" verdict.
	Run func(ctx context.Context, e *Env) error
}

// ErrNotApplicable marks a scenario that cannot run against this server
// or client (a capability, an optional interface, a test account is
// missing). Wrap it with the reason: fmt.Errorf("%w: no MOVE", ErrNotApplicable).
var ErrNotApplicable = errors.New("not applicable")

// DeviationError reports that the server, not the client, broke a rule
// the scenario checks. It counts as a failure unless the target declares
// the deviation (Target.Deviations), which documents it.
type DeviationError struct{ Detail string }

func (e *DeviationError) Error() string { return "server deviation: " + e.Detail }

// Deviationf returns a *DeviationError.
func Deviationf(format string, args ...any) error {
	return &DeviationError{Detail: fmt.Sprintf(format, args...)}
}

// Outcome is the verdict of one scenario against one target.
type Outcome string

// The outcomes.
const (
	Pass          Outcome = "pass"
	Fail          Outcome = "fail"
	NotApplicable Outcome = "n/a"
	// Deviation: the client did its part; the server broke the rule in
	// the way Target.Deviations declares.
	Deviation Outcome = "server deviation"
)

// Result is the outcome of one scenario against one target.
type Result struct {
	Target   string
	Scenario string
	Outcome  Outcome
	// Detail is the failure or the reason it did not apply.
	Detail   string
	Duration time.Duration
}

// Env is what a scenario runs with: the target, what its server
// advertises, and helpers that open sessions and mailboxes which are
// closed and deleted when the scenario ends.
type Env struct {
	Target Target
	// Caps and PreCaps are the capabilities after and before login,
	// upper-case.
	Caps, PreCaps map[string]bool
	// Prefix and Delim are the personal namespace's prefix ("" or
	// "INBOX.") and hierarchy delimiter.
	Prefix, Delim string

	dial     Dial
	clients  []Client
	cleanups []func(context.Context)
	run      string
}

var runCounter atomic.Uint64

// Dial opens a connection (not logged in), closed when the scenario ends.
func (e *Env) Dial(ctx context.Context, implicitTLS bool) (Client, error) {
	c, err := e.dial(ctx, e.Target, implicitTLS)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", e.Target.Name, err)
	}
	e.clients = append(e.clients, c)
	return c, nil
}

// Session opens a cleartext connection logged in as the first test user.
func (e *Env) Session(ctx context.Context) (Client, error) {
	return e.SessionAs(ctx, e.Target.User, e.Target.Pass)
}

// SessionAs opens a cleartext connection logged in as user.
func (e *Env) SessionAs(ctx context.Context, user, pass string) (Client, error) {
	c, err := e.Dial(ctx, false)
	if err != nil {
		return nil, err
	}
	if err := c.Login(ctx, user, pass); err != nil {
		return nil, fmt.Errorf("LOGIN %s: %w", user, err)
	}
	return c, nil
}

// Name returns a mailbox name unique to this scenario run, in the
// personal namespace: Prefix + "imapkit-cs-" + base + "-" + a run id.
func (e *Env) Name(base string) string {
	return e.Prefix + "imapkit-cs-" + base + "-" + e.run
}

// Mailbox creates the mailbox e.Name(base) with c and deletes it when the
// scenario ends (through a session of its own).
func (e *Env) Mailbox(ctx context.Context, c Client, base string) (string, error) {
	name := e.Name(base)
	if err := c.Create(ctx, name); err != nil {
		return "", fmt.Errorf("CREATE %q: %w", name, err)
	}
	e.Defer(func(ctx context.Context) {
		if c, err := e.Session(ctx); err == nil {
			c.Delete(ctx, name)
		}
	})
	return name, nil
}

// Defer registers fn to run when the scenario ends, before the
// connections are closed, last registered first.
func (e *Env) Defer(fn func(context.Context)) { e.cleanups = append(e.cleanups, fn) }

// Has reports whether the server advertised capability name after login.
func (e *Env) Has(name string) bool { return e.Caps[strings.ToUpper(name)] }

// NotApplicable returns an error wrapping ErrNotApplicable.
func NotApplicablef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotApplicable, fmt.Sprintf(format, args...))
}

func (e *Env) finish() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := len(e.cleanups) - 1; i >= 0; i-- {
		e.cleanups[i](ctx)
	}
	for _, c := range e.clients {
		c.Close()
	}
	e.clients = nil
}

// probe logs in once to learn the capabilities and the namespace.
func probe(ctx context.Context, target Target, dial Dial) (pre, post map[string]bool, prefix, delim string, err error) {
	c, err := dial(ctx, target, false)
	if err != nil {
		return nil, nil, "", "", fmt.Errorf("dial %s: %w", target.Addr, err)
	}
	defer c.Close()
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return nil, nil, "", "", fmt.Errorf("CAPABILITY before login: %w", err)
	}
	pre = capSet(caps)
	if err := c.Login(ctx, target.User, target.Pass); err != nil {
		return nil, nil, "", "", fmt.Errorf("LOGIN %s: %w", target.User, err)
	}
	if caps, err = c.Capabilities(ctx); err != nil {
		return nil, nil, "", "", fmt.Errorf("CAPABILITY after login: %w", err)
	}
	post = capSet(caps)
	if ns, ok := c.(Namespacer); ok && post["NAMESPACE"] {
		if prefix, delim, err = ns.Namespace(ctx); err != nil {
			return nil, nil, "", "", fmt.Errorf("NAMESPACE: %w", err)
		}
	} else {
		// LIST "" "" returns the delimiter of the root (RFC 9051 §6.3.9).
		l, err := c.List(ctx, "", "", nil)
		if err != nil {
			return nil, nil, "", "", fmt.Errorf(`LIST "" "": %w`, err)
		}
		if len(l) > 0 {
			delim = l[0].Delim
		}
	}
	c.Logout(ctx)
	return pre, post, prefix, delim, nil
}

func capSet(caps []string) map[string]bool {
	m := make(map[string]bool, len(caps))
	for _, c := range caps {
		m[strings.ToUpper(c)] = true
	}
	return m
}

// ScenarioTimeout bounds each scenario.
const ScenarioTimeout = 60 * time.Second

// Run runs scenarios against target with clients made by dial, one after
// the other, and returns one Result per scenario. If the target cannot be
// reached or logged in to, every scenario fails with that error.
func Run(ctx context.Context, target Target, dial Dial, scenarios []Scenario) []Result {
	res := make([]Result, 0, len(scenarios))
	pctx, cancel := context.WithTimeout(ctx, ScenarioTimeout)
	pre, post, prefix, delim, perr := probe(pctx, target, dial)
	cancel()
	for _, s := range scenarios {
		r := Result{Target: target.Name, Scenario: s.Name}
		start := time.Now()
		switch {
		case perr != nil:
			r.Outcome, r.Detail = Fail, "probe: "+perr.Error()
		default:
			r.Outcome, r.Detail = runOne(ctx, target, dial, s, pre, post, prefix, delim)
		}
		r.Duration = time.Since(start)
		res = append(res, r)
	}
	return res
}

func runOne(ctx context.Context, target Target, dial Dial, s Scenario, pre, post map[string]bool, prefix, delim string) (Outcome, string) {
	var missing []string
	for _, n := range s.NeedsPre {
		if !pre[strings.ToUpper(n)] {
			missing = append(missing, n+" (before login)")
		}
	}
	for _, n := range s.Needs {
		if !post[strings.ToUpper(n)] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return NotApplicable, "server lacks " + strings.Join(missing, ", ")
	}
	e := &Env{
		Target: target, Caps: post, PreCaps: pre, Prefix: prefix, Delim: delim, dial: dial,
		run: strconv.FormatInt(time.Now().UnixNano()%1e9, 36) + strconv.Itoa(os.Getpid()%1000) + "x" + strconv.FormatUint(runCounter.Add(1), 10),
	}
	sctx, cancel := context.WithTimeout(ctx, ScenarioTimeout)
	defer cancel()
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		return s.Run(sctx, e)
	}()
	e.finish()
	declared, isDeclared := target.Deviations[s.Name]
	var dev *DeviationError
	switch {
	case err == nil && isDeclared:
		return Fail, "the target declares a deviation that did not happen (update Target.Deviations): " + declared
	case err == nil:
		return Pass, ""
	case errors.As(err, &dev) && isDeclared:
		return Deviation, dev.Detail
	case errors.As(err, &dev):
		return Fail, err.Error() + " (undeclared: add it to Target.Deviations and docs/CONFORMANCE.md if it is the server's fault)"
	case errors.Is(err, ErrNotApplicable):
		return NotApplicable, err.Error()
	default:
		return Fail, err.Error()
	}
}

// Caps are a server's capabilities before and after login (upper-case,
// sorted).
type Caps struct{ Pre, Post []string }

// Probe logs in to target once and returns the capabilities it
// advertises before and after login.
func Probe(ctx context.Context, target Target, dial Dial) (Caps, error) {
	pre, post, _, _, err := probe(ctx, target, dial)
	if err != nil {
		return Caps{}, err
	}
	return Caps{Pre: keys(pre), Post: keys(post)}, nil
}

// RunTests runs scenarios against target as subtests of t, one per
// scenario: a failure fails the subtest, "not applicable" is logged (the
// "capabilities" scenario checks the profile that decides it). If the
// target cannot be probed, t fails.
func RunTests(t *testing.T, target Target, dial Dial, scenarios []Scenario) []Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ScenarioTimeout)
	pre, post, prefix, delim, err := probe(ctx, target, dial)
	cancel()
	if err != nil {
		t.Fatalf("%s: probe: %v", target.Name, err)
	}
	var res []Result
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			start := time.Now()
			out, detail := runOne(context.Background(), target, dial, s, pre, post, prefix, delim)
			res = append(res, Result{Target: target.Name, Scenario: s.Name, Outcome: out, Detail: detail, Duration: time.Since(start)})
			switch out {
			case Fail:
				t.Errorf("%s against %s: %s", s.Name, target.Name, detail)
			case NotApplicable:
				t.Logf("not applicable against %s: %s", target.Name, detail)
			case Deviation:
				t.Logf("declared server deviation of %s: %s", target.Name, detail)
			}
		})
	}
	return res
}
