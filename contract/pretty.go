package contract

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"
	messages "github.com/cucumber/messages/go/v34"
)

// prettyFormatter prints each scenario as one block once it has ended, so
// scenarios running concurrently never interleave (godog's own pretty
// formatter mixes up concurrent scenarios and their example tables).
type prettyFormatter struct {
	*collector
	out     io.Writer
	start   time.Time
	mu      *sync.Mutex
	pending map[string]*prettyBlock
	// compact prints a dot per passed scenario and blocks only for the
	// others.
	compact bool
	dots    int
}

type prettyBlock struct {
	lines []string
	done  int
}

func newPretty(suite string, out io.Writer) formatters.Formatter {
	return &prettyFormatter{collector: newCollector(suite), out: out, start: time.Now(), mu: &sync.Mutex{}, pending: map[string]*prettyBlock{}}
}

func (f *prettyFormatter) Pickle(p *messages.Pickle) {
	f.collector.Pickle(p)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending[p.Id] = &prettyBlock{}
}

func (f *prettyFormatter) line(p *messages.Pickle, mark string, s *messages.PickleStep, err error, status string) {
	f.collector.step(p, s, status, err)
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.pending[p.Id]
	if b == nil {
		b = &prettyBlock{}
		f.pending[p.Id] = b
	}
	text := "    " + mark + " " + keyword(s) + s.Text
	if s.Argument != nil && s.Argument.DocString != nil {
		text += "\n        \"\"\"\n        " + strings.ReplaceAll(s.Argument.DocString.Content, "\n", "\n        ") + "\n        \"\"\""
	}
	if err != nil {
		text += "\n        " + strings.ReplaceAll(err.Error(), "\n", "\n        ")
	}
	b.lines = append(b.lines, text)
	b.done++
	if b.done < len(p.Steps) {
		return
	}
	delete(f.pending, p.Id)
	c := f.collector
	c.mu.Lock()
	feature := c.features[p.Uri]
	r := *c.results[p.Id]
	c.mu.Unlock()
	if f.compact && r.Status == Passed {
		f.dots++
		sep := ""
		if f.dots%70 == 0 {
			sep = "\n"
		}
		fmt.Fprint(f.out, "."+sep)
		return
	}
	if f.compact && f.dots%70 != 0 {
		fmt.Fprintln(f.out)
		f.dots = 0
	}
	head := fmt.Sprintf("%s  %s › %s  [%s]", strings.ToUpper(r.Status), feature, p.Name, p.Uri)
	if r.Status == Skipped && f.run != nil {
		head += "\n    skipped: " + f.run.suite.SkipReason(p.Id)
	}
	fmt.Fprintf(f.out, "%s\n%s\n\n", head, strings.Join(b.lines, "\n"))
}

func (f *prettyFormatter) Passed(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition) {
	f.line(p, "✓", s, nil, Passed)
}
func (f *prettyFormatter) Skipped(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition) {
	f.line(p, "-", s, nil, Skipped)
}
func (f *prettyFormatter) Undefined(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition) {
	f.line(p, "?", s, fmt.Errorf("undefined step: no step of the catalogue matches it (sendai-contract -list-steps)"), Undefined)
}
func (f *prettyFormatter) Failed(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition, err error) {
	f.line(p, "✗", s, err, Failed)
}
func (f *prettyFormatter) Pending(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition) {
	f.line(p, "…", s, fmt.Errorf("pending step"), Pending)
}
func (f *prettyFormatter) Ambiguous(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition, err error) {
	f.line(p, "✗", s, err, Failed)
}

// Summary counts scenarios and steps, and names the ones that did not pass.
func (f *prettyFormatter) Summary() {
	if f.compact {
		if f.dots%70 != 0 {
			fmt.Fprintln(f.out)
		}
		fmt.Fprintln(f.out)
	}
	results := f.sorted()
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Status]++
	}
	var parts []string
	for _, st := range []string{Passed, Failed, Skipped, Undefined, Pending} {
		if counts[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[st], st))
		}
	}
	for _, r := range results {
		if r.Status == Failed || r.Status == Undefined || r.Status == Pending {
			fmt.Fprintf(f.out, "%s: %s › %s\n    at: %s\n", strings.ToUpper(r.Status), r.Feature, r.Name, r.FailStep)
		}
	}
	fmt.Fprintf(f.out, "%d scenarios (%s) in %s\n", len(results), strings.Join(parts, ", "), time.Since(f.start).Round(time.Millisecond))
}

// keyword approximates the step's keyword from its type: pickles keep
// only Context, Action or Outcome.
func keyword(s *messages.PickleStep) string {
	switch s.Type {
	case messages.PickleStepType_CONTEXT:
		return "Given "
	case messages.PickleStepType_ACTION:
		return "When "
	case messages.PickleStepType_OUTCOME:
		return "Then "
	}
	return ""
}

func newProgress(suite string, out io.Writer) formatters.Formatter {
	f := newPretty(suite, out).(*prettyFormatter)
	f.compact = true
	return f
}

func init() {
	godog.Format(fmtPretty, "one block per scenario, safe with concurrency", newPretty)
	godog.Format(fmtProgress, "a dot per passed scenario, a block for the others", newProgress)
}

const (
	fmtPretty   = "sendai-pretty"
	fmtProgress = "sendai-progress"
)
