package contract

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"
	messages "github.com/cucumber/messages/go/v34"
)

// Scenario outcomes.
const (
	Passed    = "passed"
	Failed    = "failed"
	Skipped   = "skipped"
	Undefined = "undefined"
	Pending   = "pending"
)

// ScenarioResult is how one scenario ended.
type ScenarioResult struct {
	Feature  string
	Name     string
	Status   string // Passed, Failed, Skipped, Undefined or Pending
	Steps    int    // steps that ran
	FailStep string // the step that failed, undefined or pending
	Error    string // why it failed
	Reason   string // why it was skipped
	id       string
	uri      string
}

// collector turns godog's formatter events into scenario results. godog
// replays a scenario's events when the scenario ends, from the goroutine
// that ran it, so every method locks.
type collector struct {
	mu       sync.Mutex
	run      *runState
	features map[string]string
	results  map[string]*ScenarioResult
}

func newCollector(suiteName string) *collector {
	return &collector{run: lookupRun(suiteName), features: map[string]string{}, results: map[string]*ScenarioResult{}}
}

func (c *collector) TestRunStarted() {}

func (c *collector) Feature(doc *messages.GherkinDocument, uri string, _ []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if doc != nil && doc.Feature != nil {
		c.features[uri] = doc.Feature.Name
	}
}

func (c *collector) Pickle(p *messages.Pickle) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Passed
	if len(p.Steps) == 0 {
		st = Undefined
	}
	c.results[p.Id] = &ScenarioResult{Name: p.Name, Status: st, id: p.Id, uri: p.Uri}
}

func (c *collector) step(p *messages.Pickle, step *messages.PickleStep, status string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.results[p.Id]
	if !ok {
		r = &ScenarioResult{Name: p.Name, Status: Passed, id: p.Id, uri: p.Uri}
		c.results[p.Id] = r
	}
	if status == Passed {
		r.Steps++
		return
	}
	if r.Status != Passed {
		return // the first thing that went wrong decides
	}
	r.Status = status
	r.FailStep = step.Text
	if err != nil {
		r.Error = err.Error()
	}
}

func (c *collector) Defined(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition) {}
func (c *collector) Passed(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition) {
	c.step(p, s, Passed, nil)
}
func (c *collector) Skipped(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition) {
	c.step(p, s, Skipped, nil)
}
func (c *collector) Undefined(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition) {
	c.step(p, s, Undefined, nil)
}
func (c *collector) Failed(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition, err error) {
	c.step(p, s, Failed, err)
}
func (c *collector) Pending(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition) {
	c.step(p, s, Pending, nil)
}
func (c *collector) Ambiguous(p *messages.Pickle, s *messages.PickleStep, _ *formatters.StepDefinition, err error) {
	c.step(p, s, Failed, err)
}

// results returns the scenarios in feature-file order.
func (c *collector) sorted() []ScenarioResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]ScenarioResult, 0, len(c.results))
	for _, r := range c.results {
		res := *r
		res.Feature = c.features[r.uri]
		if res.Feature == "" {
			res.Feature = r.uri
		}
		if res.Status == Skipped && c.run != nil {
			res.Reason = c.run.suite.SkipReason(r.id)
		}
		out = append(out, res)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].uri != out[j].uri {
			return out[i].uri < out[j].uri
		}
		a, _ := strconv.Atoi(out[i].id)
		b, _ := strconv.Atoi(out[j].id)
		return a < b
	})
	return out
}

// recordFormatter hands the results to the run when the run ends.
type recordFormatter struct{ *collector }

func (f recordFormatter) Summary() {
	if f.run != nil {
		f.run.setResults(f.sorted())
	}
}

// junitFormatter writes JUnit XML. Unlike godog's own it reports a skipped
// scenario as <skipped> with its reason and puts the whole failure (with
// the last request and response) in the <failure> text.
type junitFormatter struct {
	*collector
	out io.Writer
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string    `xml:"name,attr"`
	Classname string    `xml:"classname,attr"`
	Time      string    `xml:"time,attr"`
	Failure   *junitMsg `xml:"failure,omitempty"`
	Error     *junitMsg `xml:"error,omitempty"`
	Skipped   *junitMsg `xml:"skipped,omitempty"`
}

type junitMsg struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func (f junitFormatter) Summary() {
	results := f.sorted()
	doc := junitSuites{Name: "sendai-contract"}
	var total float64
	index := map[string]int{}
	names := map[string]int{}
	for _, r := range results {
		i, ok := index[r.Feature]
		if !ok {
			i = len(doc.Suites)
			index[r.Feature] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: r.Feature})
		}
		s := &doc.Suites[i]
		name := r.Name
		if names[r.Feature+"\x00"+name]++; names[r.Feature+"\x00"+name] > 1 {
			name = fmt.Sprintf("%s #%d", name, names[r.Feature+"\x00"+name])
		}
		var secs float64
		if f.run != nil {
			secs = f.run.suite.Duration(r.id).Seconds()
		}
		total += secs
		c := junitCase{Name: name, Classname: r.Feature, Time: strconv.FormatFloat(secs, 'f', 3, 64)}
		switch r.Status {
		case Failed:
			c.Failure = &junitMsg{Message: "Step " + r.FailStep + ": " + firstLine(r.Error), Type: "failed", Text: r.Error}
			s.Failures++
			doc.Failures++
		case Undefined, Pending:
			c.Error = &junitMsg{Message: "Step " + r.FailStep + " is " + r.Status, Type: r.Status}
			s.Errors++
			doc.Errors++
		case Skipped:
			c.Skipped = &junitMsg{Message: r.Reason}
			s.Skipped++
			doc.Skipped++
		}
		s.Cases = append(s.Cases, c)
		s.Tests++
		doc.Tests++
	}
	for i := range doc.Suites {
		var t float64
		for _, c := range doc.Suites[i].Cases {
			v, _ := strconv.ParseFloat(c.Time, 64)
			t += v
		}
		doc.Suites[i].Time = strconv.FormatFloat(t, 'f', 3, 64)
	}
	doc.Time = strconv.FormatFloat(total, 'f', 3, 64)
	_, _ = io.WriteString(f.out, xml.Header)
	enc := xml.NewEncoder(f.out)
	enc.Indent("", "  ")
	_ = enc.Encode(doc)
	_, _ = io.WriteString(f.out, "\n")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Formatter names registered with godog.
const (
	fmtJUnit  = "sendai-junit"
	fmtRecord = "sendai-record"
)

func init() {
	godog.Format(fmtJUnit, "JUnit XML with skip reasons", func(suite string, out io.Writer) formatters.Formatter {
		return junitFormatter{collector: newCollector(suite), out: out}
	})
	godog.Format(fmtRecord, "records results for the runner", func(suite string, _ io.Writer) formatters.Formatter {
		return recordFormatter{collector: newCollector(suite)}
	})
}
