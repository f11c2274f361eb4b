package contract

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestRunRefusesWhatItCannotTest(t *testing.T) {
	mock := serve(t, newMock(t))
	notMock := serve(t, http.NotFoundHandler())
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"a target that is not a mock, without fixtures", Options{BaseURL: notMock}, "is not a sendai-mock"},
		{"an unreachable target", Options{BaseURL: closed.URL}, "cannot reach"},
		{"a key the target refuses", Options{BaseURL: mock, APIKey: "WRONG"}, "refuses the API key"},
		{"a key of another team", Options{BaseURL: mock, APIKey: "OTHER_TEAM_KEY"}, "refuses the API key"},
		{"a base URL that is not a URL", Options{BaseURL: "localhost:4010"}, "-base-url"},
		{"an unknown format", Options{BaseURL: mock, Format: "html"}, `unknown format "html"`},
		{"two formats on standard output", Options{BaseURL: mock, Format: "pretty,junit"}, "at most one format"},
		{"a format without its file", Options{BaseURL: mock, Format: "junit:"}, "names no file"},
		{"an empty tag", Options{BaseURL: mock, Tags: "@mock&&"}, "empty tag"},
		{"tags no scenario has", Options{BaseURL: mock, Tags: "@nothing"}, "no scenario to run"},
		{"a feature file that does not parse", Options{BaseURL: mock, Features: fstest.MapFS{"bad.feature": {Data: []byte("Scenario without a feature\n  Given x\n")}}}, "features:"},
		{"concurrency below 1", Options{BaseURL: mock, Concurrency: -1}, "-concurrency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Output = &bytes.Buffer{}
			_, err := Run(context.Background(), tt.opts)
			var u *UsageError
			if !errors.As(err, &u) {
				t.Fatalf("want a usage error, got %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("want the error to say %q, got %v", tt.want, err)
			}
		})
	}
}

// TestRunIsStrict checks that an undefined step fails the run, and that a
// failed step fails it, on a QA team's own feature files.
func TestRunIsStrict(t *testing.T) {
	mock := serve(t, newMock(t))
	feats := fstest.MapFS{
		"qa.feature": {Data: []byte(`Feature: QA
  Scenario: a step nobody wrote
    Given a COMPLETED task that is not approved
    When I frobnicate the task

  Scenario: a wrong expectation
    Given a COMPLETED task that is not approved
    When I get the task
    Then the response status is 418

  Scenario: generic steps compose
    Given a REVIEWING task that is approved
    When I send "GET" to "/v2/{team_id}/project/{project_id}/task/{task_id}"
    Then the response status is 200
    And I remember the JSON at "payload.upload_id" as "upload"
    And the JSON at "payload.upload_id" is "{upload}"
    And the JSON response contains:
      """
      {"payload": {"id": "{task_id}", "approved": true, "status": "REVIEWING"}}
      """
    And the JSON at "payload.pages" has 1 item
    And the JSON at "errors" does not exist
    And the response header "Content-Type" matches "^application/json"
`)},
	}
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{BaseURL: mock, Features: feats, Output: &out})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range res.Scenarios {
		got[s.Name] = s.Status
	}
	want := map[string]string{"a step nobody wrote": Undefined, "a wrong expectation": Failed, "generic steps compose": Passed}
	for name, st := range want {
		if got[name] != st {
			t.Errorf("%q: want %s, got %s\n%s", name, st, got[name], out.String())
		}
	}
	if res.OK() {
		t.Error("want the run to fail")
	}
	if !strings.Contains(out.String(), "want status 418, got 200") || !strings.Contains(out.String(), "last response") {
		t.Errorf("want the failure with the last response in the output:\n%s", out.String())
	}
}

func TestEffectiveTags(t *testing.T) {
	tests := []struct {
		tags        string
		mock, clock bool
		want        string
	}{
		{"", true, true, ""},
		{"", true, false, "~@clock"},
		{"", false, false, "~@mock&&~@clock"},
		{"@a,@b", false, false, "@a&&~@mock&&~@clock,@b&&~@mock&&~@clock"},
		{"@clock", true, true, "@clock"},
		{"@clock", true, false, "@clock&&~@clock"},
		{"~@clock", true, true, "~@clock"},
		{"@mock&&@clock", false, false, "@mock&&@clock&&~@mock&&~@clock"},
	}
	for _, tt := range tests {
		if got := effectiveTags(tt.tags, tt.mock, tt.clock); got != tt.want {
			t.Errorf("effectiveTags(%q, mock %v, clock %v) = %q, want %q", tt.tags, tt.mock, tt.clock, got, tt.want)
		}
	}
}

// clockFeatures has one scenario that moves the clock and one that does not.
var clockFeatures = fstest.MapFS{"clock.feature": {Data: []byte(`Feature: time
  @mock @clock
  Scenario: a completed task carries on to COMPLETED
    Given a REVIEWING task that is not approved
    When I complete the task
    And 2 seconds pass
    And I get the task
    Then the task's status is "COMPLETED"

  Scenario: a task can be read
    Given a COMPLETED task that is not approved
    When I get the task
    Then the request succeeds
`)}}

// TestRunClockScenarios checks that @clock scenarios run, by default, only
// against a mock on a manual clock, and that a run against a mock on the
// real clock says in one line that it left them out, and why.
func TestRunClockScenarios(t *testing.T) {
	const line = "1 @clock scenario(s) left out: the mock's clock is real; start it with -clock=manual"
	tests := []struct {
		name       string
		mock       http.Handler
		tags       string
		wantPassed int
		wantLine   bool
		wantErr    string
	}{
		{name: "a manual clock runs them", mock: newMock(t), wantPassed: 2},
		{name: "the real clock leaves them out", mock: newMockOn(t, nil), wantPassed: 1, wantLine: true},
		{name: "asking for them on the real clock", mock: newMockOn(t, nil), tags: "@clock", wantErr: "no scenario to run"},
		{name: "asking for none on a manual clock", mock: newMock(t), tags: "~@clock", wantPassed: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			res, err := Run(context.Background(), Options{BaseURL: serve(t, tt.mock), Features: clockFeatures, Tags: tt.tags, Output: &out, NoColors: true})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), line) {
					t.Fatalf("want a usage error saying %q and %q, got %v", tt.wantErr, line, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("run: %v\n%s", err, out.String())
			}
			if !res.OK() || res.Count(Passed) != tt.wantPassed || len(res.Scenarios) != tt.wantPassed {
				t.Errorf("want %d scenarios, all passed; got %s\n%s", tt.wantPassed, res.Summary(), out.String())
			}
			if got := strings.Count(out.String(), "@clock scenario(s) left out"); tt.wantLine && (got != 1 || !strings.Contains(out.String(), line)) {
				t.Errorf("want the line %q once in the output, got it %d times:\n%s", line, got, out.String())
			} else if !tt.wantLine && got != 0 {
				t.Errorf("want no line about @clock scenarios left out:\n%s", out.String())
			}
		})
	}
}
