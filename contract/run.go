// Package contract runs the contract suite (features plus steps) against a
// target: the in-process mock in tests, any base URL from sendai-contract.
package contract

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cucumber/godog"
	"github.com/tidwall/gjson"

	sendaimock "sendaimock"
	"sendaimock/features"
	"sendaimock/steps"
)

// The docs' example values, the defaults of every run.
const (
	DefaultBaseURL = "http://127.0.0.1:4010"
	DefaultAPIKey  = "YOUR_API_KEY"
	DefaultTeam    = "team_123456"
	DefaultProject = "proj_123456"
)

// Options configure one run.
type Options struct {
	BaseURL string
	APIKey  string
	Team    string
	Project string
	// Fixtures describes a real deployment. Nil: the target must be a
	// sendai-mock, and each scenario seeds its own task and keys.
	Fixtures *steps.FixturesFile
	// Tags is a godog tag expression ("@mock", "~@mock", "@a&&~@b,@c").
	Tags string
	// Format is a comma-separated list: pretty, progress, junit, cucumber,
	// each optionally ":FILE" (at most one without a file).
	Format      string
	Concurrency int
	Features    fs.FS // nil: the built-in features
	Output      io.Writer
	NoColors    bool
	Client      *http.Client
}

// Result is how a run ended.
type Result struct {
	Scenarios []ScenarioResult
	Steps     int
}

// Count returns how many scenarios ended with status.
func (r *Result) Count(status string) int {
	n := 0
	for _, s := range r.Scenarios {
		if s.Status == status {
			n++
		}
	}
	return n
}

// Summary says in one line how the scenarios ended.
func (r *Result) Summary() string {
	var parts []string
	for _, st := range []string{Passed, Failed, Skipped, Undefined, Pending} {
		if n := r.Count(st); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	return fmt.Sprintf("%d scenarios (%s), %d steps passed", len(r.Scenarios), strings.Join(parts, ", "), r.Steps)
}

// OK reports whether no scenario failed, or has an undefined or pending step.
func (r *Result) OK() bool {
	return r.Count(Failed)+r.Count(Undefined)+r.Count(Pending) == 0
}

// UsageError is a run that could not start: bad options, an unreachable or
// wrong target, feature files that do not parse. sendai-contract exits 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usage(format string, args ...any) error { return &UsageError{Err: fmt.Errorf(format, args...)} }

// runState is what the formatters of one run need; godog gives them only
// the suite's name, so runs are registered under it.
type runState struct {
	suite   *steps.Suite
	mu      sync.Mutex
	results []ScenarioResult
}

func (r *runState) setResults(res []ScenarioResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = res
}

var (
	runs   sync.Map // suite name → *runState
	runSeq atomic.Int64
)

func lookupRun(name string) *runState {
	v, ok := runs.Load(name)
	if !ok {
		return nil
	}
	return v.(*runState)
}

// Run runs the suite. It returns a *UsageError when the run could not
// start; otherwise the result, whose OK tells pass or fail.
func Run(ctx context.Context, o Options) (*Result, error) {
	o.defaults()
	formats, err := parseFormats(o.Format)
	if err != nil {
		return nil, err
	}
	base, err := checkBaseURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	if o.Concurrency < 1 {
		return nil, usage("-concurrency must be at least 1, got %d", o.Concurrency)
	}
	if err := checkTags(o.Tags); err != nil {
		return nil, err
	}
	if o.Fixtures != nil {
		if o.Fixtures.TeamID != "" {
			o.Team = o.Fixtures.TeamID
		}
		if o.Fixtures.ProjectID != "" {
			o.Project = o.Fixtures.ProjectID
		}
	}
	suite := &steps.Suite{BaseURL: base, APIKey: o.APIKey, Team: o.Team, Project: o.Project, Client: o.Client, RunID: runID()}
	if o.Fixtures == nil {
		if err := checkMock(ctx, o.Client, base); err != nil {
			return nil, err
		}
		suite.Mock = true
		suite.Provider = steps.MockProvider{}
	} else {
		suite.Provider = steps.NewFileProvider(o.Fixtures)
	}
	if err := checkKey(ctx, o.Client, suite); err != nil {
		return nil, err
	}
	noClock := clockNote(ctx, o.Client, base, suite.Mock)
	doc, err := sendaimock.LoadSpec(ctx)
	if err != nil {
		return nil, err
	}
	if suite.Validator, err = steps.NewValidator(doc); err != nil {
		return nil, err
	}

	name := fmt.Sprintf("sendai-contract#%d", runSeq.Add(1))
	state := &runState{suite: suite}
	runs.Store(name, state)
	defer runs.Delete(name)

	opts := godog.Options{
		Format:      strings.Join(append(formats, fmtRecord+":"+os.DevNull), ","),
		Output:      o.Output,
		NoColors:    o.NoColors,
		Concurrency: o.Concurrency,
		Strict:      true,
		Tags:        effectiveTags(o.Tags, suite.Mock, noClock == ""),
		FS:          o.Features,
		Paths:       []string{"."},
		// Steps' requests end when ctx does (an interrupted run).
		DefaultContext: ctx,
	}
	ts := godog.TestSuite{Name: name, ScenarioInitializer: suite.InitializeScenario, Options: &opts}
	n, err := countScenarios(opts, opts.Tags)
	if err != nil {
		return nil, err
	}
	// Say so when the clock leaves @clock scenarios out: they are neither
	// run nor passed.
	leftOut := ""
	if noClock != "" {
		all, err := countScenarios(opts, effectiveTags(o.Tags, suite.Mock, true))
		if err != nil {
			return nil, err
		}
		if all > n {
			leftOut = fmt.Sprintf("%d @clock scenario(s) left out: %s", all-n, noClock)
		}
	}
	if n == 0 {
		msg := fmt.Sprintf("no scenario to run: no feature file, or none matches the tags %q", opts.Tags)
		if leftOut != "" {
			msg += "; " + leftOut
		}
		return nil, usage("%s", msg)
	}
	if leftOut != "" {
		fmt.Fprintln(o.Output, leftOut)
	}
	if code := ts.Run(); code == 2 {
		return nil, usage("godog could not run the suite (see the messages above)")
	}
	state.mu.Lock()
	res := &Result{Scenarios: state.results}
	state.mu.Unlock()
	for _, s := range res.Scenarios {
		res.Steps += s.Steps
	}
	writeSkips(o.Output, res)
	if !hasStdoutFormat(formats) {
		fmt.Fprintln(o.Output, res.Summary())
	}
	return res, nil
}

func (o *Options) defaults() {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	if o.APIKey == "" {
		o.APIKey = DefaultAPIKey
	}
	if o.Team == "" {
		o.Team = DefaultTeam
	}
	if o.Project == "" {
		o.Project = DefaultProject
	}
	if o.Format == "" {
		o.Format = "pretty"
	}
	if o.Concurrency == 0 {
		o.Concurrency = 4
	}
	if o.Features == nil {
		o.Features = features.FS
	}
	if o.Output == nil {
		o.Output = os.Stdout
	}
	if o.Client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64 // scenarios run concurrently against one host
		o.Client = &http.Client{Timeout: 30 * time.Second, Transport: tr}
	}
}

// parseFormats maps the user's formats to godog's (junit is ours: it
// reports skip reasons) and refuses more than one on standard output.
func parseFormats(spec string) ([]string, error) {
	var out []string
	stdout := 0
	for _, f := range strings.Split(spec, ",") {
		name, file, hasFile := strings.Cut(strings.TrimSpace(f), ":")
		switch name {
		case "pretty":
			name = fmtPretty
		case "progress":
			name = fmtProgress
		case "cucumber":
		case "junit":
			name = fmtJUnit
		default:
			return nil, usage("-format: unknown format %q (want pretty, progress, junit or cucumber, each optionally :FILE)", name)
		}
		if hasFile && file == "" {
			return nil, usage("-format: %q names no file", f)
		}
		if !hasFile {
			stdout++
			out = append(out, name)
			continue
		}
		out = append(out, name+":"+file)
	}
	if stdout > 1 {
		return nil, usage("-format: at most one format can write to standard output; give the others a file (junit:report.xml)")
	}
	return out, nil
}

func hasStdoutFormat(formats []string) bool {
	for _, f := range formats {
		if !strings.Contains(f, ":") {
			return true
		}
	}
	return false
}

func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", usage("-base-url: want an http or https URL such as %s, got %q", DefaultBaseURL, raw)
	}
	return strings.TrimRight(raw, "/"), nil
}

func checkTags(tags string) error {
	if tags == "" {
		return nil
	}
	for _, or := range strings.Split(tags, ",") {
		for _, and := range strings.Split(or, "&&") {
			t := strings.TrimSpace(and)
			if strings.TrimLeft(t, "~@") == "" {
				return usage("-tags: %q has an empty tag; write e.g. \"@mock\", \"~@mock\" or \"@a&&~@b\"", tags)
			}
		}
	}
	return nil
}

// effectiveTags adds to the user's expression: never @mock scenarios on a
// real deployment, and @clock scenarios only when the target's clock can
// be moved.
func effectiveTags(tags string, mock, clock bool) string {
	var extra []string
	if !mock {
		extra = append(extra, "~@mock")
	}
	if !clock {
		extra = append(extra, "~@clock")
	}
	if len(extra) == 0 {
		return tags
	}
	add := strings.Join(extra, "&&")
	if tags == "" {
		return add
	}
	var parts []string
	for _, or := range strings.Split(tags, ",") {
		parts = append(parts, strings.TrimSpace(or)+"&&"+add)
	}
	return strings.Join(parts, ",")
}

// checkMock makes sure the target is a sendai-mock (GET /_mock/health).
func checkMock(ctx context.Context, client *http.Client, base string) error {
	status, body, err := get(ctx, client, base+"/_mock/health", "")
	if err != nil {
		return usage("cannot reach %s: %v", base, err)
	}
	if status != http.StatusOK || gjson.GetBytes(body, "mock").String() != "sendai-mock" {
		return usage("%s is not a sendai-mock (GET /_mock/health answered %d); without -fixtures the suite seeds its tasks through the mock's control API. To test a real deployment, pass -fixtures FILE (see README: Fixtures file)", base, status)
	}
	return nil
}

// countScenarios parses the features and counts the scenarios that match
// tags.
func countScenarios(opts godog.Options, tags string) (int, error) {
	opts.Tags = tags
	feats, err := (godog.TestSuite{Options: &opts}).RetrieveFeatures()
	if err != nil {
		return 0, usage("features: %v", err)
	}
	n := 0
	for _, f := range feats {
		n += len(f.Pickles)
	}
	return n, nil
}

// clockNote tells why the target's clock cannot be moved, or "" when it
// can: a sendai-mock on a manual clock (GET /_mock/clock says "manual").
// The @clock scenarios run only then.
func clockNote(ctx context.Context, client *http.Client, base string, mock bool) string {
	if !mock {
		return "the target is a real deployment (-fixtures); its clock cannot be moved"
	}
	status, body, err := get(ctx, client, base+"/_mock/clock", "")
	switch mode := gjson.GetBytes(body, "mode").String(); {
	case err != nil:
		return fmt.Sprintf("cannot read the mock's clock: %v", err)
	case status != http.StatusOK:
		return fmt.Sprintf("the mock's clock cannot be moved (GET /_mock/clock answered %d)", status)
	case mode == "manual":
		return ""
	case mode == "real":
		return "the mock's clock is real; start it with -clock=manual (make run ARGS=-clock=manual)"
	default:
		return fmt.Sprintf("the mock's clock is %q, not manual; start it with -clock=manual", mode)
	}
}

// checkKey makes sure the target is reachable and accepts the API key, so a
// wrong key or team fails at once instead of in every scenario.
func checkKey(ctx context.Context, client *http.Client, s *steps.Suite) error {
	path := steps.TaskPath(steps.TaskRef{ID: "task_preflight_" + s.RunID, Team: s.Team, Project: s.Project}, "")
	status, body, err := get(ctx, client, s.BaseURL+path, s.APIKey)
	if err != nil {
		return usage("cannot reach %s: %v", s.BaseURL, err)
	}
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		return usage("the target refuses the API key for team %s (GET %s answered %d: %s); check -api-key and -team", s.Team, path, status, strings.TrimSpace(string(body)))
	}
	return nil
}

func get(ctx context.Context, client *http.Client, u, key string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, body, nil
}

func runID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// writeSkips tells which scenarios were skipped and why: a skipped
// scenario is not a passed one.
func writeSkips(out io.Writer, r *Result) {
	n := r.Count(Skipped)
	if n == 0 {
		return
	}
	fmt.Fprintf(out, "\n%d scenario(s) skipped, not passed:\n", n)
	for _, s := range r.Scenarios {
		if s.Status == Skipped {
			fmt.Fprintf(out, "  - %s: %s: %s\n", s.Feature, s.Name, s.Reason)
		}
	}
}
