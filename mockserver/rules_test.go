package mockserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"sendaimock/world"
)

// ruleCase is one request against the default world and what must follow.
type ruleCase struct {
	name    string
	key     string // "" sends no Authorization header
	team    string // default team_123456
	project string // default proj_123456
	task    string
	body    string
	status  int
	message string // for errors: the exact message
	// after checks the response and the world once the request was answered.
	after func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder)
}

func runRules(t *testing.T, action string, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t)
			team, project := tc.team, tc.project
			if team == "" {
				team = "team_123456"
			}
			if project == "" {
				project = "proj_123456"
			}
			method := http.MethodPost
			if action == "" {
				method = http.MethodGet
			}
			before := snapshot(t, ts)
			rec := ts.do(method, taskPath(team, project, tc.task, action), tc.key, tc.body)
			if tc.status != http.StatusOK {
				wantError(t, rec, tc.status, tc.message)
				if after := snapshot(t, ts); after != before {
					t.Errorf("a refused request changed the world:\nbefore %s\nafter  %s", before, after)
				}
			} else if rec.Code != http.StatusOK {
				t.Fatalf("status: got %d, want 200; body %s", rec.Code, rec.Body)
			}
			if tc.after != nil {
				tc.after(t, ts, rec)
			}
		})
	}
}

// snapshot sums up everything a request could change.
func snapshot(t *testing.T, ts *testServer) string {
	t.Helper()
	w := ts.srv.World()
	tasks, err := w.ListTasks("team_123456", "proj_123456", world.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	s := ""
	for _, task := range tasks {
		s += task.ID + ":" + string(task.Status)
		if task.Approved {
			s += "+"
		}
		s += " "
	}
	return s + "audit=" + strconv.Itoa(len(w.Audit())) + " training=" + strconv.Itoa(len(w.Training())) + " events=" + strconv.Itoa(len(w.Events()))
}

func wantTask(t *testing.T, ts *testServer, id string, status world.Status, approved bool) world.Task {
	t.Helper()
	task, err := ts.srv.World().GetTask("team_123456", "proj_123456", id)
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != status || task.Approved != approved {
		t.Errorf("%s: got status %s approved %v, want %s approved %v", id, task.Status, task.Approved, status, approved)
	}
	return task
}

// wantPayload checks the envelope and the fields the docs define.
func wantPayload(t *testing.T, rec *httptest.ResponseRecorder, id string, status world.Status, approved bool) {
	t.Helper()
	body := rec.Body.String()
	for path, want := range map[string]any{"payload.id": id, "payload.status": string(status), "payload.approved": approved, "payload.project_id": "proj_123456"} {
		got := gjson.Get(body, path)
		if !got.Exists() || got.Value() != want {
			t.Errorf("%s: got %v, want %v; body %s", path, got.Value(), want, body)
		}
	}
}

func TestApproveTask(t *testing.T) {
	approvedIn := func(id string, status world.Status) func(*testing.T, *testServer, *httptest.ResponseRecorder) {
		return func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder) {
			wantPayload(t, rec, id, status, true)
			wantTask(t, ts, id, status, true)
			audit := ts.srv.World().Audit()
			if len(audit) != 1 || audit[0].Action != "approve" || audit[0].TaskID != id || audit[0].KeyID != "docs-example-key" ||
				audit[0].KeyFingerprint != world.Fingerprint(docKey) || !audit[0].Time.Equal(ts.clock.Now()) {
				t.Errorf("audit: got %+v, want one approve entry by docs-example-key at %v", audit, ts.clock.Now())
			}
			training := ts.srv.World().Training()
			if len(training) != 1 || training[0].TaskID != id {
				t.Errorf("training: got %+v, want %s", training, id)
			}
			events := ts.srv.World().Events()
			if len(events) != 1 || events[0].Type != "task_approved" || events[0].Task == nil || !events[0].Task.Approved || events[0].EventLevel != "TASK" {
				t.Errorf("events: got %+v, want one task_approved", events)
			}
		}
	}
	runRules(t, "approve", []ruleCase{
		{name: "docs example: COMPLETED task", key: docKey, task: "task_abcdef123456", status: 200, after: approvedIn("task_abcdef123456", world.StatusCompleted)},
		{name: "REVIEWING task", key: docKey, task: "task_reviewing_001", status: 200, after: approvedIn("task_reviewing_001", world.StatusReviewing)},
		{name: "FAILED task", key: docKey, task: "task_failed_001", status: 200, after: approvedIn("task_failed_001", world.StatusFailed)},
		{name: "DISCARDED task", key: docKey, task: "task_discarded_001", status: 200, after: approvedIn("task_discarded_001", world.StatusDiscarded)},
		{name: "FILTERED task", key: docKey, task: "task_filtered_001", status: 200, after: approvedIn("task_filtered_001", world.StatusFiltered)},
		{name: "exported task", key: docKey, task: "task_exported_001", status: 200, after: approvedIn("task_exported_001", world.StatusCompleted)},
		{name: "task whose export failed", key: docKey, task: "task_export_failed_001", status: 200, after: approvedIn("task_export_failed_001", world.StatusCompleted)},
		{name: "PROCESSING refused", key: docKey, task: "task_processing_001", status: 400, message: "Task cannot be approved while being processed"},
		{name: "PROCESSING and approved: processing rule first", key: docKey, task: "task_processing_approved_001", status: 400, message: "Task cannot be approved while being processed"},
		{name: "already approved", key: docKey, task: "task_completed_approved_001", status: 400, message: "Task is already approved"},
		{name: "already approved while REVIEWING", key: docKey, task: "task_reviewing_approved_001", status: 400, message: "Task is already approved"},
		{name: "unknown task", key: docKey, task: "task_nope", status: 404, message: "Task not found"},
		{name: "unknown project", key: docKey, project: "proj_nope", task: "task_abcdef123456", status: 404, message: "Project not found"},
		{name: "another team's task with our key", key: docKey, team: "team_654321", project: "proj_654321", task: "task_other_team_001", status: 403, message: "API key does not grant access to this team"},
		{name: "another team's key", key: "OTHER_TEAM_KEY", task: "task_abcdef123456", status: 403, message: "API key does not grant access to this team"},
		{name: "read-only key", key: "READ_ONLY_KEY", task: "task_abcdef123456", status: 403, message: "API key lacks the required scope: task.edit"},
		{name: "missing key", task: "task_abcdef123456", status: 401, message: "Invalid or missing API key"},
		{name: "unknown key", key: "NOT_A_KEY", task: "task_abcdef123456", status: 401, message: "Invalid or missing API key"},
		{name: "order: unknown key beats everything", key: "NOT_A_KEY", team: "team_nope", project: "proj_nope", task: "task_processing_001", status: 401, message: "Invalid or missing API key"},
		{name: "order: scope before not found", key: "READ_ONLY_KEY", task: "task_nope", status: 403, message: "API key lacks the required scope: task.edit"},
		{name: "order: team before not found", key: "OTHER_TEAM_KEY", project: "proj_nope", task: "task_nope", status: 403, message: "API key does not grant access to this team"},
		{name: "order: not found before rules", key: docKey, project: "proj_empty", task: "task_processing_001", status: 404, message: "Task not found"},
		{name: "invalid task id", key: docKey, task: "task$bad", status: 400},
		{name: "a body is ignored", key: docKey, task: "task_abcdef123456", body: `{"approved": false}`, status: 200, after: approvedIn("task_abcdef123456", world.StatusCompleted)},
	})
}

func TestApproveDocsExampleAnswersTheDocumentedBody(t *testing.T) {
	ts := newTestServer(t)
	rec := ts.do("POST", taskPath(team, project, "task_abcdef123456", "approve"), docKey, "")
	want := `{"payload":{"id":"task_abcdef123456","name":"Document Analysis Task","created_at":"2024-01-15T10:30:00Z","meta":[{"name":"category","value":"invoice"}],"status":"COMPLETED","step_type":"EXTRACT","upload_id":"upl_123456789","project_id":"proj_123456","approved":true,"exported_at":null,"export_failed_at":null,"last_opened_at":null,"pages":[{"id":"page_1","width":2480,"height":3508,"annotations":[{"id":"ann_1","entity_id":"total_amount","confidence":0.98,"content":"$1,234.56","top":120.5,"left_of_line":340.0}],"checkboxes":[{"id":"cb_1","confidence":0.92,"checked":true,"coordinates":[[100,100],[120,100],[120,120],[100,120]]}],"segments":[{"id":"seg_1","confidence":0.87,"coordinates":[[50,50],[400,50],[400,200],[50,200]]}],"signatures":[{"id":"sig_1","confidence":0.83,"coordinates":[[800,600],[1100,600],[1100,750],[800,750]]}]}]}}`
	if !jsonEqual(t, rec.Body.String(), want) {
		t.Errorf("body differs from the docs' example:\ngot  %s\nwant %s", rec.Body, want)
	}
	again := ts.do("POST", taskPath(team, project, "task_abcdef123456", "approve"), docKey, "")
	if again.Code != 400 || again.Body.String() != `{"statusCode":400,"error":"Bad Request","message":"Task is already approved"}` {
		t.Errorf("second approve: got %d %s", again.Code, again.Body)
	}
}

func TestDisapproveTask(t *testing.T) {
	disapproved := func(id string, status world.Status) func(*testing.T, *testServer, *httptest.ResponseRecorder) {
		return func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder) {
			wantPayload(t, rec, id, status, false)
			wantTask(t, ts, id, status, false)
			if a := ts.srv.World().Audit(); len(a) != 1 || a[0].Action != "disapprove" {
				t.Errorf("audit: got %+v, want one disapprove entry", a)
			}
			if e := ts.srv.World().Events(); len(e) != 1 || e[0].Type != "task_disapproved" {
				t.Errorf("events: got %+v, want one task_disapproved", e)
			}
		}
	}
	runRules(t, "disapprove", []ruleCase{
		{name: "approved COMPLETED task", key: docKey, task: "task_completed_approved_001", status: 200, after: disapproved("task_completed_approved_001", world.StatusCompleted)},
		{name: "approved REVIEWING task", key: docKey, task: "task_reviewing_approved_001", status: 200, after: disapproved("task_reviewing_approved_001", world.StatusReviewing)},
		{name: "approved exported task", key: docKey, task: "task_exported_approved_001", status: 200, after: disapproved("task_exported_approved_001", world.StatusCompleted)},
		{name: "approved FAILED task", key: docKey, task: "task_failed_approved_001", status: 200, after: disapproved("task_failed_approved_001", world.StatusFailed)},
		{name: "approved DISCARDED task", key: docKey, task: "task_discarded_approved_001", status: 200, after: disapproved("task_discarded_approved_001", world.StatusDiscarded)},
		{name: "approved FILTERED task", key: docKey, task: "task_filtered_approved_001", status: 200, after: disapproved("task_filtered_approved_001", world.StatusFiltered)},
		{name: "not approved", key: docKey, task: "task_abcdef123456", status: 400, message: "Task is already disapproved"},
		{name: "PROCESSING", key: docKey, task: "task_processing_approved_001", status: 400, message: "Task cannot be disapproved while being processed"},
		{name: "PROCESSING and not approved: processing rule first", key: docKey, task: "task_processing_001", status: 400, message: "Task cannot be disapproved while being processed"},
		{name: "unknown task", key: docKey, task: "task_nope", status: 404, message: "Task not found"},
		{name: "read-only key", key: "READ_ONLY_KEY", task: "task_completed_approved_001", status: 403, message: "API key lacks the required scope: task.edit"},
		{name: "another team's key", key: "OTHER_TEAM_KEY", task: "task_completed_approved_001", status: 403, message: "API key does not grant access to this team"},
		{name: "missing key", task: "task_completed_approved_001", status: 401, message: "Invalid or missing API key"},
	})
}

func TestApproveDisapproveApproveAgain(t *testing.T) {
	ts := newTestServer(t)
	path := func(a string) string { return taskPath(team, project, "task_abcdef123456", a) }
	for i, step := range []struct {
		action string
		status int
	}{{"approve", 200}, {"disapprove", 200}, {"disapprove", 400}, {"approve", 200}, {"approve", 400}} {
		if rec := ts.do("POST", path(step.action), docKey, ""); rec.Code != step.status {
			t.Fatalf("step %d %s: got %d, want %d: %s", i, step.action, rec.Code, step.status, rec.Body)
		}
	}
	if tr := ts.srv.World().Training(); len(tr) != 1 || tr[0].TaskID != "task_abcdef123456" {
		t.Errorf("training after approve, unlearn, approve: got %+v, want the task once", tr)
	}
	get := ts.do("GET", path(""), docKey, "")
	wantPayload(t, get, "task_abcdef123456", world.StatusCompleted, true)
	if n := len(ts.srv.World().Audit()); n != 3 {
		t.Errorf("audit entries: got %d, want 3 (approve, disapprove, approve)", n)
	}
}

func TestGetTask(t *testing.T) {
	runRules(t, "", []ruleCase{
		{name: "docs example", key: docKey, task: "task_abcdef123456", status: 200, after: func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder) {
			wantPayload(t, rec, "task_abcdef123456", world.StatusCompleted, false)
		}},
		{name: "read-only key may read", key: "READ_ONLY_KEY", task: "task_processing_001", status: 200, after: func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder) {
			wantPayload(t, rec, "task_processing_001", world.StatusProcessing, false)
		}},
		{name: "key without scopes", key: "NO_SCOPE_KEY", task: "task_abcdef123456", status: 403, message: "API key lacks the required scope: task.read"},
		{name: "another team", key: "OTHER_TEAM_KEY", task: "task_abcdef123456", status: 403, message: "API key does not grant access to this team"},
		{name: "unknown task", key: docKey, task: "task_nope", status: 404, message: "Task not found"},
		{name: "unknown project", key: docKey, project: "proj_nope", task: "task_nope", status: 404, message: "Project not found"},
		{name: "missing key", task: "task_abcdef123456", status: 401, message: "Invalid or missing API key"},
		{name: "too long id", key: docKey, task: string(make129()), status: 400},
	})
}

func make129() []byte {
	b := make([]byte, 129)
	for i := range b {
		b[i] = 'a'
	}
	return b
}

func TestCompleteTask(t *testing.T) {
	runRules(t, "complete", []ruleCase{
		{name: "REVIEWING becomes PROCESSING, then COMPLETED after the delay", key: docKey, task: "task_reviewing_001", status: 200,
			after: func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder) {
				wantPayload(t, rec, "task_reviewing_001", world.StatusProcessing, false)
				if got := gjson.Get(rec.Body.String(), "message").String(); got != "Task processing started" {
					t.Errorf("message: got %q", got)
				}
				ts.clock.Advance(world.DefaultProcessingDelay - time.Millisecond)
				wantTask(t, ts, "task_reviewing_001", world.StatusProcessing, false)
				if rec := ts.do("POST", taskPath(team, project, "task_reviewing_001", "approve"), docKey, ""); rec.Code != 400 {
					t.Errorf("approve while processing: got %d", rec.Code)
				}
				ts.clock.Advance(time.Millisecond)
				wantTask(t, ts, "task_reviewing_001", world.StatusCompleted, false)
				events := ts.srv.World().Events()
				if len(events) != 1 || events[0].Type != "task_completed" || !events[0].CreatedAt.Equal(ts.clock.Now()) {
					t.Errorf("events: got %+v, want one task_completed at %v", events, ts.clock.Now())
				}
			}},
		{name: "COMPLETED refused", key: docKey, task: "task_abcdef123456", status: 400, message: "Only tasks in REVIEWING state can be completed"},
		{name: "PROCESSING refused", key: docKey, task: "task_processing_001", status: 400, message: "Only tasks in REVIEWING state can be completed"},
		{name: "FAILED refused", key: docKey, task: "task_failed_001", status: 400, message: "Only tasks in REVIEWING state can be completed"},
		{name: "DISCARDED refused", key: docKey, task: "task_discarded_001", status: 400, message: "Only tasks in REVIEWING state can be completed"},
		{name: "FILTERED refused", key: docKey, task: "task_filtered_001", status: 400, message: "Only tasks in REVIEWING state can be completed"},
		{name: "unknown task", key: docKey, task: "task_nope", status: 404, message: "Task not found"},
		{name: "read-only key", key: "READ_ONLY_KEY", task: "task_reviewing_001", status: 403, message: "API key lacks the required scope: task.edit"},
		{name: "missing key", task: "task_reviewing_001", status: 401, message: "Invalid or missing API key"},
	})
}

func TestCompleteThenResetCancelsTheTransition(t *testing.T) {
	ts := newTestServer(t)
	if rec := ts.do("POST", taskPath(team, project, "task_reviewing_001", "complete"), docKey, ""); rec.Code != 200 {
		t.Fatalf("complete: %d", rec.Code)
	}
	ts.srv.World().Reset()
	ts.clock.Advance(world.DefaultProcessingDelay)
	wantTask(t, ts, "task_reviewing_001", world.StatusReviewing, false)
	if e := ts.srv.World().Events(); len(e) != 0 {
		t.Errorf("events after reset: got %+v, want none", e)
	}
}

func TestDiscardTask(t *testing.T) {
	unchanged := func(id string, status world.Status, approved bool) func(*testing.T, *testServer, *httptest.ResponseRecorder) {
		return func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder) {
			wantPayload(t, rec, id, status, approved)
			wantTask(t, ts, id, status, approved)
			if e := ts.srv.World().Events(); len(e) != 0 {
				t.Errorf("an ignored discard published %+v", e)
			}
		}
	}
	runRules(t, "discard", []ruleCase{
		{name: "REVIEWING becomes DISCARDED", key: docKey, task: "task_reviewing_001", status: 200, after: func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder) {
			wantPayload(t, rec, "task_reviewing_001", world.StatusDiscarded, false)
			wantTask(t, ts, "task_reviewing_001", world.StatusDiscarded, false)
			if e := ts.srv.World().Events(); len(e) != 1 || e[0].Type != "task_discarded" {
				t.Errorf("events: got %+v, want one task_discarded", e)
			}
		}},
		{name: "COMPLETED ignored", key: docKey, task: "task_abcdef123456", status: 200, after: unchanged("task_abcdef123456", world.StatusCompleted, false)},
		{name: "PROCESSING ignored", key: docKey, task: "task_processing_001", status: 200, after: unchanged("task_processing_001", world.StatusProcessing, false)},
		{name: "FAILED ignored", key: docKey, task: "task_failed_001", status: 200, after: unchanged("task_failed_001", world.StatusFailed, false)},
		{name: "DISCARDED ignored", key: docKey, task: "task_discarded_001", status: 200, after: unchanged("task_discarded_001", world.StatusDiscarded, false)},
		{name: "FILTERED ignored", key: docKey, task: "task_filtered_approved_001", status: 200, after: unchanged("task_filtered_approved_001", world.StatusFiltered, true)},
		{name: "unknown task", key: docKey, task: "task_nope", status: 404, message: "Task not found"},
		{name: "read-only key", key: "READ_ONLY_KEY", task: "task_reviewing_001", status: 403, message: "API key lacks the required scope: task.edit"},
		{name: "missing key", task: "task_reviewing_001", status: 401, message: "Invalid or missing API key"},
	})
}

func TestReportTask(t *testing.T) {
	const good = `{"issues":[{"label":"Poor Document Quality","value":"poor_quality"}],"message":"Scan is blurry"}`
	fieldIs := func(field string) func(*testing.T, *testServer, *httptest.ResponseRecorder) {
		return func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder) {
			body := rec.Body.String()
			if got := gjson.Get(body, "errors.0.field").String(); got != field {
				t.Errorf("errors[0].field: got %q, want %q; body %s", got, field, body)
			}
			if msg := gjson.Get(body, "message").String(); !strings.Contains(msg, field) {
				t.Errorf("message %q should name %s", msg, field)
			}
		}
	}
	runRules(t, "report", []ruleCase{
		{name: "issues and message", key: docKey, task: "task_reviewing_001", body: good, status: 200, after: func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder) {
			wantPayload(t, rec, "task_reviewing_001", world.StatusReviewing, false)
			audit := ts.srv.World().Audit()
			if len(audit) != 1 || audit[0].Action != "report" {
				t.Fatalf("audit: got %+v, want one report", audit)
			}
			if e := ts.srv.World().Events(); len(e) != 1 || e[0].Type != "task_reported" {
				t.Errorf("events: got %+v, want one task_reported", e)
			}
		}},
		{name: "issues without message", key: docKey, task: "task_abcdef123456", body: `{"issues":[{"label":"Wrong Document Type","value":"wrong_type"}]}`, status: 200,
			after: func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder) {
				wantPayload(t, rec, "task_abcdef123456", world.StatusCompleted, false)
			}},
		{name: "missing issues", key: docKey, task: "task_reviewing_001", body: `{"message":"x"}`, status: 400, after: fieldIs("body.issues")},
		{name: "empty issues", key: docKey, task: "task_reviewing_001", body: `{"issues":[]}`, status: 400, after: fieldIs("body.issues")},
		{name: "issue without value", key: docKey, task: "task_reviewing_001", body: `{"issues":[{"label":"x"}]}`, status: 400, after: fieldIs("body.issues.0.value")},
		{name: "issues of the wrong type", key: docKey, task: "task_reviewing_001", body: `{"issues":"poor_quality"}`, status: 400, after: fieldIs("body.issues")},
		{name: "unknown property", key: docKey, task: "task_reviewing_001", body: `{"issues":[{"label":"a","value":"b"}],"severity":"high"}`, status: 400, after: fieldIs("body.severity")},
		{name: "malformed JSON", key: docKey, task: "task_reviewing_001", body: `{"issues":[`, status: 400, after: func(t *testing.T, ts *testServer, rec *httptest.ResponseRecorder) {
			if msg := gjson.Get(rec.Body.String(), "message").String(); strings.Contains(msg, ": :") || !strings.Contains(msg, "body") {
				t.Errorf("message %q should name the body once, without an empty clause", msg)
			}
		}},
		{name: "no body", key: docKey, task: "task_reviewing_001", status: 400},
		{name: "unknown task is checked after the body", key: docKey, task: "task_nope", body: good, status: 404, message: "Task not found"},
		{name: "read-only key", key: "READ_ONLY_KEY", task: "task_reviewing_001", body: good, status: 403, message: "API key lacks the required scope: task.edit"},
		{name: "missing key beats a bad body", task: "task_reviewing_001", body: `{`, status: 401, message: "Invalid or missing API key"},
	})
}

func TestAuthorizationHeaderForms(t *testing.T) {
	ts := newTestServer(t)
	path := taskPath(team, project, "task_abcdef123456", "")
	for _, tc := range []struct {
		name, header string
		status       int
	}{
		{"docs form", "Bearer YOUR_API_KEY", 200},
		{"scheme is case-insensitive", "bearer YOUR_API_KEY", 200},
		{"no scheme", "YOUR_API_KEY", 401},
		{"basic scheme", "Basic WU9VUl9BUElfS0VZOg==", 401},
		{"empty token", "Bearer ", 401},
		{"two tokens", "Bearer YOUR_API_KEY extra", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := ts.do("GET", path, "", "", "Authorization", tc.header)
			if rec.Code != tc.status {
				t.Fatalf("got %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
		})
	}
	t.Run("repeated header", func(t *testing.T) {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Add("Authorization", "Bearer YOUR_API_KEY")
		req.Header.Add("Authorization", "Bearer YOUR_API_KEY")
		rec := httptest.NewRecorder()
		ts.srv.ServeHTTP(rec, req)
		wantError(t, rec, 401, "Invalid or missing API key")
	})
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("got is not JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	return reflect.DeepEqual(g, w)
}

// TestReportTaskBodyLimits checks the body errors the spec documents for
// Report Task: under -strict they must pass the self-check, not become 500s.
func TestReportTaskBodyLimits(t *testing.T) {
	for _, strict := range []bool{false, true} {
		ts := newTestServer(t, func(c *Config) { c.Strict = strict })
		path := taskPath(team, project, "task_reviewing_001", "report")
		big := `{"issues":[{"label":"x","value":"` + strings.Repeat("a", 1<<20) + `"}]}`
		wantError(t, ts.do("POST", path, docKey, big), http.StatusRequestEntityTooLarge, "Request body is larger than 1048576 bytes")
		wantError(t, ts.do("POST", path, docKey, `issues`, "Content-Type", "text/plain"), http.StatusUnsupportedMediaType, "")
	}
}
