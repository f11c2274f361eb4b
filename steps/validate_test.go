package steps

import (
	"context"
	"net/http"
	"strings"
	"testing"

	sendaimock "sendaimock"
)

func newTestValidator(t *testing.T) *Validator {
	t.Helper()
	doc, err := sendaimock.LoadSpec(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewValidator(doc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const okTask = `{"payload":{"id":"task_1","name":"n","created_at":"2024-01-15T10:30:00Z","meta":[],"status":"COMPLETED","step_type":"EXTRACT","upload_id":"u","project_id":"p","approved":true,"exported_at":null,"export_failed_at":null,"last_opened_at":null,"pages":[]}}`

func TestValidatorMessages(t *testing.T) {
	v := newTestValidator(t)
	jsonCT := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	path := "/v2/team_1/project/proj_1/task/task_1/approve"
	tests := []struct {
		name   string
		method string
		path   string
		status int
		header http.Header
		body   string
		want   []string // substrings of the error; nil: no error
	}{
		{"a valid task", "POST", path, 200, jsonCT, okTask, nil},
		{"a documented error", "POST", path, 400, jsonCT, `{"statusCode":400,"error":"Bad Request","message":"Task is already approved"}`, nil},
		{"a path outside the contract is not checked", "GET", "/_mock/health", 500, nil, "oops", nil},
		{"a route the contract does not declare is not checked", "POST", "/v2/team_1/project/proj_1/task/task_1/nope", 200, nil, "", nil},
		{"approved of the wrong type", "POST", path, 200, jsonCT, strings.Replace(okTask, `"approved":true`, `"approved":"yes"`, 1),
			[]string{"approveTask (POST " + path + ") answered 200", "at /payload/approved", "expects type boolean", `got "yes"`}},
		{"approved missing", "POST", path, 200, jsonCT, strings.Replace(okTask, `"approved":true,`, ``, 1),
			[]string{`property "approved" is missing`}},
		{"a status the operation does not document", "POST", path, 409, jsonCT, `{}`,
			[]string{"status 409 is not documented for approveTask", "400, 401, 403, 404"}},
		{"text instead of JSON", "POST", path, 400, http.Header{"Content-Type": {"text/plain"}}, "Task is already approved",
			[]string{"content type: the contract expects application/json for 400; got text/plain"}},
		{"a status outside the enum", "GET", "/v2/team_1/project/proj_1/task/task_1", 200, jsonCT, strings.Replace(okTask, `"COMPLETED"`, `"DONE"`, 1),
			[]string{"at /payload/status", "one of"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Validate(context.Background(), tt.method, tt.path, tt.status, tt.header, []byte(tt.body))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("want no violation, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("want a violation, got none")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("want the message to contain %q, got:\n%v", w, err)
				}
			}
		})
	}
}

// TestValidatorLeavesSpecServers checks that clearing servers on the
// validator's own copy does not touch another loaded document.
func TestValidatorLeavesSpecServers(t *testing.T) {
	shared, err := sendaimock.LoadSpec(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_ = newTestValidator(t)
	if len(shared.Servers) == 0 || shared.Servers[0].URL != "https://api.send.ai" {
		t.Errorf("another loaded document lost its servers: %v", shared.Servers)
	}
}
