package contract

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"sendaimock/mockserver"
	"sendaimock/steps"
	"sendaimock/world"
)

// defaultWorldFixtures describes the mock's default world as an operator
// would describe a real deployment.
const defaultWorldFixtures = `
team_id: team_123456
project_id: proj_123456
keys:
  without_task_edit: READ_ONLY_KEY
  without_task_read: NO_SCOPE_KEY
  other_team: OTHER_TEAM_KEY
tasks:
  REVIEWING: [task_reviewing_001, task_reviewing_approved_001]
  PROCESSING: [task_processing_001, task_processing_approved_001]
  COMPLETED: [task_abcdef123456, task_completed_approved_001, task_exported_001, task_exported_approved_001, task_export_failed_001]
  FAILED: [task_failed_001, task_failed_approved_001]
  DISCARDED: [task_discarded_001, task_discarded_approved_001]
  FILTERED: [task_filtered_001, task_filtered_approved_001]
`

// TestFixturesFileRun runs the suite as against a real deployment: tasks
// come from a fixtures file, each used by one scenario at most. Scenarios
// whose fixture is missing are skipped with the reason, never passed;
// approvals the run changed are restored.
func TestFixturesFileRun(t *testing.T) {
	fx, err := steps.ParseFixtures([]byte(defaultWorldFixtures))
	if err != nil {
		t.Fatal(err)
	}
	mock := newMock(t).(*mockserver.Server)
	before, err := mock.World().ListTasks("team_123456", "proj_123456", worldFilter())
	if err != nil {
		t.Fatal(err)
	}
	base := serve(t, mock)
	var out bytes.Buffer
	dir := t.TempDir()
	junit, cuke := filepath.Join(dir, "report.xml"), filepath.Join(dir, "report.json")
	res, err := Run(context.Background(), Options{BaseURL: base, Output: &out, Concurrency: 8, Fixtures: fx,
		Format: "progress,junit:" + junit + ",cucumber:" + cuke})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("the suite failed with a fixtures file:\n%s", out.String())
	}
	if res.Count(Skipped) == 0 || res.Count(Passed) == 0 {
		t.Fatalf("want some scenarios passed and some skipped (15 tasks cannot serve ~100 scenarios), got %d passed, %d skipped", res.Count(Passed), res.Count(Skipped))
	}
	for _, s := range res.Scenarios {
		if strings.Contains(s.Name, "training dataset") || strings.Contains(s.Name, "records nothing") {
			t.Errorf("a @mock scenario ran against a fixtures target: %s", s.Name)
		}
		if s.Status == Skipped && !strings.HasPrefix(s.Reason, "fixtures: ") {
			t.Errorf("the skipped scenario %q gives no reason: %q", s.Name, s.Reason)
		}
	}
	if !strings.Contains(out.String(), "skipped, not passed") {
		t.Errorf("want the output to list the skipped scenarios:\n%s", out.String())
	}
	// The reports say skipped, with the reason, not passed.
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Skipped int `xml:"skipped,attr"`
		Suites  []struct {
			Cases []struct {
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	withReason := 0
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Skipped != nil && strings.HasPrefix(c.Skipped.Message, "fixtures: ") {
				withReason++
			}
		}
	}
	if doc.Skipped != res.Count(Skipped) || withReason != doc.Skipped {
		t.Errorf("JUnit: want %d skipped testcases with their reason, got skipped=%d, %d with a reason", res.Count(Skipped), doc.Skipped, withReason)
	}
	data, err = os.ReadFile(cuke)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), `"name": "skipped"`); n != res.Count(Skipped) {
		t.Errorf("Cucumber: want the reason of each of the %d skipped scenarios embedded, got %d", res.Count(Skipped), n)
	}

	after, err := mock.World().ListTasks("team_123456", "proj_123456", worldFilter())
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range before {
		a := after[i]
		if a.Approved != b.Approved && a.Status == b.Status {
			t.Errorf("task %s: approved was %v before the run, %v after: not restored", b.ID, b.Approved, a.Approved)
		}
	}
}

func worldFilter() world.TaskFilter { return world.TaskFilter{} }

// TestUploadStepsSkipOnARealDeployment checks that an upload step in a
// scenario not tagged @mock is skipped against a fixtures target, with the
// reason, before anything is uploaded.
func TestUploadStepsSkipOnARealDeployment(t *testing.T) {
	fx, err := steps.ParseFixtures([]byte(defaultWorldFixtures))
	if err != nil {
		t.Fatal(err)
	}
	mock := newMock(t).(*mockserver.Server)
	before, err := mock.World().ListUploads("team_123456", "proj_123456")
	if err != nil {
		t.Fatal(err)
	}
	feats := fstest.MapFS{"upload.feature": {Data: []byte(`Feature: uploads
  Scenario: an upload on a deployment
    When I upload 2 files
    Then the upload is created
`)}}
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{BaseURL: serve(t, mock), Output: &out, Fixtures: fx, Features: feats})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) != 1 || res.Scenarios[0].Status != Skipped || !strings.Contains(res.Scenarios[0].Reason, "tag the scenario @mock") {
		t.Fatalf("want the scenario skipped with the reason, got %+v\n%s", res.Scenarios, out.String())
	}
	after, err := mock.World().ListUploads("team_123456", "proj_123456")
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("want nothing uploaded, the project went from %d to %d uploads", len(before), len(after))
	}
}
