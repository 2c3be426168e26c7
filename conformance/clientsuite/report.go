package clientsuite

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Markers delimit the generated results in docs/CONFORMANCE.md; Splice
// replaces what lies between them.
const (
	BeginMarker = "<!-- results:begin -->"
	EndMarker   = "<!-- results:end -->"
)

// Table renders results as Markdown: one row per scenario (with the
// capabilities it needs), one column per target, in the orders given;
// each cell pass, FAIL or n/a. Details of failures and n/a verdicts
// follow the table. caps, when not nil, maps a target name to its
// capabilities and adds a capability × server table for the capabilities
// the scenarios need (those of NeedsPre as advertised before login).
func Table(scenarios []Scenario, targets []string, results []Result, caps map[string]Caps) string {
	type key struct{ t, s string }
	byKey := map[key]Result{}
	for _, r := range results {
		byKey[key{r.Target, r.Scenario}] = r
	}
	var b strings.Builder
	b.WriteString("| scenario | needs |")
	for _, t := range targets {
		fmt.Fprintf(&b, " %s |", t)
	}
	b.WriteString("\n|---|---|")
	for range targets {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	counts := map[string]map[Outcome]int{}
	for _, s := range scenarios {
		needs := strings.Join(append(append([]string{}, s.NeedsPre...), s.Needs...), " ")
		if needs == "" {
			needs = "—"
		}
		fmt.Fprintf(&b, "| `%s` | %s |", s.Name, needs)
		for _, t := range targets {
			r, ok := byKey[key{t, s.Name}]
			cell := "not run"
			if ok {
				switch r.Outcome {
				case Pass:
					cell = "pass"
				case Fail:
					cell = "**FAIL**"
				case NotApplicable:
					cell = "n/a"
				case Deviation:
					cell = "server bug"
				}
				if counts[t] == nil {
					counts[t] = map[Outcome]int{}
				}
				counts[t][r.Outcome]++
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		b.WriteString("\n")
	}
	b.WriteString("| **total** | |")
	for _, t := range targets {
		c := counts[t]
		fmt.Fprintf(&b, " %d pass, %d fail, %d n/a, %d server bug |", c[Pass], c[Fail], c[NotApplicable], c[Deviation])
	}
	b.WriteString("\n")

	var notes []string
	for _, t := range targets {
		for _, s := range scenarios {
			r, ok := byKey[key{t, s.Name}]
			if ok && r.Outcome != Pass {
				notes = append(notes, fmt.Sprintf("- %s, `%s`: %s — %s", t, s.Name, r.Outcome, oneLine(r.Detail)))
			}
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nWhy not pass:\n\n")
		b.WriteString(strings.Join(notes, "\n"))
		b.WriteString("\n")
	}

	if caps != nil {
		seen := map[string]bool{}
		type capName struct {
			name string
			pre  bool
		}
		var names []capName
		for _, s := range scenarios {
			for i, n := range append(append([]string{}, s.NeedsPre...), s.Needs...) {
				pre := i < len(s.NeedsPre)
				if k := fmt.Sprint(n, pre); !seen[k] {
					seen[k] = true
					names = append(names, capName{n, pre})
				}
			}
		}
		b.WriteString("\n| capability | ")
		b.WriteString(strings.Join(targets, " | "))
		b.WriteString(" |\n|---|")
		for range targets {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		for _, n := range names {
			label := n.name
			if n.pre {
				label += " (before login)"
			}
			fmt.Fprintf(&b, "| %s |", label)
			for _, t := range targets {
				list := caps[t].Post
				if n.pre {
					list = caps[t].Pre
				}
				set := capSet(list)
				switch {
				case list == nil:
					b.WriteString(" ? |")
				case set[strings.ToUpper(n.name)]:
					b.WriteString(" yes |")
				default:
					b.WriteString(" no |")
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r", `\r`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	s = strings.ReplaceAll(s, "|", `\|`)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// Splice returns doc with the text between BeginMarker and EndMarker
// replaced by content. It fails when the markers are missing, repeated or
// out of order, so a hand-written part can never be overwritten.
func Splice(doc []byte, content string) ([]byte, error) {
	b := bytes.Index(doc, []byte(BeginMarker))
	e := bytes.Index(doc, []byte(EndMarker))
	if b < 0 || e < 0 {
		return nil, errors.New("clientsuite: the results markers are missing")
	}
	if bytes.Count(doc, []byte(BeginMarker)) != 1 || bytes.Count(doc, []byte(EndMarker)) != 1 || e < b {
		return nil, errors.New("clientsuite: the results markers are repeated or out of order")
	}
	var out bytes.Buffer
	out.Write(doc[:b+len(BeginMarker)])
	out.WriteString("\n")
	out.WriteString(strings.TrimRight(content, "\n"))
	out.WriteString("\n")
	out.Write(doc[e:])
	return out.Bytes(), nil
}
