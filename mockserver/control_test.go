package mockserver

import (
	"net/http"
	"testing"

	"github.com/tidwall/gjson"

	"sendaimock/world"
)

const controlTasks = "/_mock/teams/team_123456/projects/proj_123456/tasks"

func TestControlPutTask(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		body   string
		status int
		field  string            // for 400: the field named first
		want   map[string]string // gjson path → JSON value, for 200/201
	}{
		{name: "defaults fill a minimal task", path: controlTasks + "/task_new_1", body: `{}`, status: 201,
			want: map[string]string{"id": `"task_new_1"`, "status": `"REVIEWING"`, "approved": "false", "project_id": `"proj_123456"`, "pages": "[]", "meta": "[]", "exported_at": "null", "created_at": `"2026-01-02T03:04:05Z"`}},
		{name: "fields given are kept", path: controlTasks + "/task_new_2", body: `{"status":"FAILED","approved":true,"exported_at":"2024-02-01T00:00:00Z","name":"Mine"}`, status: 201,
			want: map[string]string{"status": `"FAILED"`, "approved": "true", "exported_at": `"2024-02-01T00:00:00Z"`, "name": `"Mine"`}},
		{name: "replacing answers 200", path: controlTasks + "/task_abcdef123456", body: `{"status":"PROCESSING"}`, status: 200,
			want: map[string]string{"status": `"PROCESSING"`, "name": `"task_abcdef123456"`}},
		{name: "a new project is made", path: "/_mock/teams/team_123456/projects/proj_brand_new/tasks/task_x", body: `{}`, status: 201,
			want: map[string]string{"project_id": `"proj_brand_new"`}},
		{name: "unknown status", path: controlTasks + "/task_bad", body: `{"status":"APPROVED"}`, status: 400, field: "body.status"},
		{name: "wrong type", path: controlTasks + "/task_bad", body: `{"approved":"yes"}`, status: 400, field: "body.approved"},
		{name: "bad date", path: controlTasks + "/task_bad", body: `{"created_at":"yesterday"}`, status: 400, field: "body"},
		{name: "unknown field", path: controlTasks + "/task_bad", body: `{"aproved":true}`, status: 400, field: "body.aproved"},
		{name: "three corners", path: controlTasks + "/task_bad", body: `{"pages":[{"id":"p","width":1,"height":1,"segments":[{"id":"s","confidence":0.5,"coordinates":[[0,0],[1,0],[1,1]]}]}]}`, status: 400, field: "body.pages.0.segments.0.coordinates"},
		{name: "id differs from the path", path: controlTasks + "/task_bad", body: `{"id":"task_other"}`, status: 400, field: "body.id"},
		{name: "project differs from the path", path: controlTasks + "/task_bad", body: `{"project_id":"proj_other"}`, status: 400},
		{name: "malformed JSON", path: controlTasks + "/task_bad", body: `{"status":`, status: 400, field: "body"},
		{name: "two JSON values", path: controlTasks + "/task_bad", body: `{} {}`, status: 400, field: "body"},
		{name: "empty body", path: controlTasks + "/task_bad", body: ``, status: 400, field: "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			rec := ts.do(http.MethodPut, tt.path, "", tt.body)
			body := rec.Body.String()
			if rec.Code != tt.status {
				t.Fatalf("status: got %d, want %d: %s", rec.Code, tt.status, body)
			}
			if tt.status == 400 {
				wantError(t, rec, 400, "")
				if _, err := ts.srv.World().GetTask(team, project, "task_bad"); err == nil {
					t.Errorf("a refused PUT stored the task")
				}
				if tt.field != "" {
					if got := gjson.Get(body, "errors.0.field").String(); got != tt.field {
						t.Errorf("errors[0].field: got %q, want %q (%s)", got, tt.field, body)
					}
				}
				return
			}
			for path, want := range tt.want {
				if got := gjson.Get(body, path).Raw; got != want {
					t.Errorf("%s: got %s, want %s", path, got, want)
				}
			}
			// What the control API answered is what the product API now serves.
			get := ts.do(http.MethodGet, "/v2/team_123456/project/"+gjson.Get(body, "project_id").String()+"/task/"+gjson.Get(body, "id").String(), docKey, "")
			if get.Code != 200 || !jsonEqual(t, gjson.Get(get.Body.String(), "payload").Raw, body) {
				t.Errorf("GET after PUT: got %d %s, want the stored task %s", get.Code, get.Body, body)
			}
		})
	}
}

func TestControlPutTaskThenApprove(t *testing.T) {
	ts := newTestServer(t)
	if rec := ts.do(http.MethodPut, controlTasks+"/task_seeded", "", `{"status":"PROCESSING","approved":false}`); rec.Code != 201 {
		t.Fatalf("PUT: %d %s", rec.Code, rec.Body)
	}
	wantError(t, ts.do("POST", taskPath(team, project, "task_seeded", "approve"), docKey, ""), 400, "Task cannot be approved while being processed")
	if rec := ts.do(http.MethodPut, controlTasks+"/task_seeded", "", `{"status":"COMPLETED"}`); rec.Code != 200 {
		t.Fatalf("PUT again: %d", rec.Code)
	}
	if rec := ts.do("POST", taskPath(team, project, "task_seeded", "approve"), docKey, ""); rec.Code != 200 {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body)
	}
}

func TestControlDeleteAndListTasks(t *testing.T) {
	ts := newTestServer(t)
	list := func(query string) []string {
		t.Helper()
		rec := ts.do(http.MethodGet, controlTasks+query, "", "")
		if rec.Code != 200 {
			t.Fatalf("list %s: %d %s", query, rec.Code, rec.Body)
		}
		var ids []string
		for _, id := range gjson.Get(rec.Body.String(), "#.id").Array() {
			ids = append(ids, id.String())
		}
		return ids
	}
	all := list("")
	if len(all) != 15 || all[0] != "task_abcdef123456" {
		t.Fatalf("all tasks: got %d starting %v, want the 15 fixtures in order", len(all), all)
	}
	if got := list("?status=PROCESSING"); len(got) != 2 {
		t.Errorf("PROCESSING tasks: got %v, want 2", got)
	}
	if got := list("?upload_id=upl_123456789"); len(got) != 1 || got[0] != "task_abcdef123456" {
		t.Errorf("by upload: got %v", got)
	}
	if got := list("?status=COMPLETED&upload_id=upl_123456789"); len(got) != 1 {
		t.Errorf("both filters: got %v", got)
	}
	wantError(t, ts.do(http.MethodGet, controlTasks+"?status=DONE", "", ""), 400, "")
	wantError(t, ts.do(http.MethodGet, "/_mock/teams/team_123456/projects/proj_nope/tasks", "", ""), 404, "Project not found")

	if rec := ts.do(http.MethodDelete, controlTasks+"/task_reviewing_001", "", ""); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d", rec.Code)
	}
	wantError(t, ts.do(http.MethodDelete, controlTasks+"/task_reviewing_001", "", ""), 404, "Task not found")
	wantError(t, ts.do(http.MethodGet, taskPath(team, project, "task_reviewing_001", ""), docKey, ""), 404, "Task not found")
	if got := list(""); len(got) != 14 {
		t.Errorf("after delete: %d tasks, want 14", len(got))
	}
}

func TestControlKeys(t *testing.T) {
	ts := newTestServer(t)
	path := taskPath(team, project, "task_abcdef123456", "approve")
	wantError(t, ts.do("POST", path, "QA_KEY", ""), 401, "Invalid or missing API key")

	rec := ts.do(http.MethodPut, "/_mock/keys/QA_KEY", "", `{"name":"qa","team_id":"team_123456","scopes":["task.read"]}`)
	if rec.Code != 200 || gjson.Get(rec.Body.String(), "fingerprint").String() != world.Fingerprint("QA_KEY") {
		t.Fatalf("put key: %d %s", rec.Code, rec.Body)
	}
	wantError(t, ts.do("POST", path, "QA_KEY", ""), 403, "API key lacks the required scope: task.edit")

	ts.do(http.MethodPut, "/_mock/keys/QA_KEY", "", `{"team_id":"team_654321","scopes":["task.edit"]}`)
	wantError(t, ts.do("POST", path, "QA_KEY", ""), 403, "API key does not grant access to this team")

	ts.do(http.MethodPut, "/_mock/keys/QA_KEY", "", `{"name":"qa","team_id":"team_123456","scopes":["task.edit"]}`)
	if rec := ts.do("POST", path, "QA_KEY", ""); rec.Code != 200 {
		t.Fatalf("approve with the new key: %d", rec.Code)
	}
	if a := ts.srv.World().Audit(); len(a) != 1 || a[0].KeyID != "qa" {
		t.Errorf("audit should name the key by its name: %+v", a)
	}

	for name, body := range map[string]string{
		"unknown scope": `{"team_id":"team_123456","scopes":["task.approve"]}`,
		"no team":       `{"scopes":["task.read"]}`,
		"wrong type":    `{"team_id":"team_123456","scopes":"task.read"}`,
	} {
		t.Run(name, func(t *testing.T) { wantError(t, ts.do(http.MethodPut, "/_mock/keys/BAD_KEY", "", body), 400, "") })
	}
}

func TestControlResetAndRecords(t *testing.T) {
	ts := newTestServer(t)
	ts.do("POST", taskPath(team, project, "task_abcdef123456", "approve"), docKey, "")
	ts.clock.Advance(1)
	ts.do("POST", taskPath(team, project, "task_completed_approved_001", "disapprove"), docKey, "")
	ts.do(http.MethodPut, controlTasks+"/task_extra", "", `{}`)

	events := ts.do(http.MethodGet, "/_mock/events", "", "").Body.String()
	if got := gjson.Get(events, "#.type").String(); got != `["task_approved","task_disapproved"]` {
		t.Errorf("events, oldest first: got %s", got)
	}
	if got := gjson.Get(ts.do(http.MethodGet, "/_mock/audit", "", "").Body.String(), "#.action").String(); got != `["approve","disapprove"]` {
		t.Errorf("audit, oldest first: got %s", got)
	}
	if got := gjson.Get(ts.do(http.MethodGet, "/_mock/training", "", "").Body.String(), "#.task_id").String(); got != `["task_abcdef123456"]` {
		t.Errorf("training: got %s", got)
	}

	if rec := ts.do(http.MethodPost, "/_mock/reset", "", ""); rec.Code != 200 {
		t.Fatalf("reset: %d", rec.Code)
	}
	for _, path := range []string{"/_mock/events", "/_mock/audit", "/_mock/training"} {
		if got := ts.do(http.MethodGet, path, "", "").Body.String(); got != "[]" {
			t.Errorf("%s after reset: got %s, want []", path, got)
		}
	}
	wantTask(t, ts, "task_abcdef123456", world.StatusCompleted, false)
	wantError(t, ts.do(http.MethodGet, taskPath(team, project, "task_extra", ""), docKey, ""), 404, "Task not found")
	if rec := ts.do("POST", taskPath(team, project, "task_abcdef123456", "approve"), docKey, ""); rec.Code != 200 {
		t.Errorf("the docs' example approves again after reset: %d", rec.Code)
	}
}
