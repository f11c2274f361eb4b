package sendaimock

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// seedApproveResponse is the response shown on the docs' "Approve Task" page
// (/work/shared/seed/approve-task.txt), copied verbatim.
const seedApproveResponse = `{
"payload": {
"id": "task_abcdef123456",
"name": "Document Analysis Task",
"created_at": "2024-01-15T10:30:00Z",
"meta": [{ "name": "category", "value": "invoice" }],
"status": "COMPLETED",
"step_type": "EXTRACT",
"upload_id": "upl_123456789",
"project_id": "proj_123456",
"approved": true,
"exported_at": null,
"export_failed_at": null,
"last_opened_at": null,
"pages": [
{
"id": "page_1",
"width": 2480,
"height": 3508,
"annotations": [
{
"id": "ann_1",
"entity_id": "total_amount",
"confidence": 0.98,
"content": "$1,234.56",
"top": 120.5,
"left_of_line": 340.0
}
],
"checkboxes": [
{
"id": "cb_1",
"confidence": 0.92,
"checked": true,
"coordinates": [
[100, 100],
[120, 100],
[120, 120],
[100, 120]
]
}
],
"segments": [
{
"id": "seg_1",
"confidence": 0.87,
"coordinates": [
[50, 50],
[400, 50],
[400, 200],
[50, 200]
]
}
],
"signatures": [
{
"id": "sig_1",
"confidence": 0.83,
"coordinates": [
[800, 600],
[1100, 600],
[1100, 750],
[800, 750]
]
}
]
}
]
}
}`

const (
	taskPath   = "/v2/{team_id}/project/{project_id}/task/{task_id}"
	uploadPath = "/v2/{team_id}/project/{project_id}/upload"
)

// Every operation documents these responses; some document more.
var commonStatuses = []int{200, 400, 401, 403, 404}

var specOperations = []struct {
	id, method, path string
	scopes           []string
	bodyType         string // the request body's media type, "" for none
	extraStatuses    []int
}{
	{"getTask", http.MethodGet, taskPath, []string{"task.read"}, "", nil},
	{"completeTask", http.MethodPost, taskPath + "/complete", []string{"task.edit"}, "", nil},
	{"approveTask", http.MethodPost, taskPath + "/approve", []string{"task.edit"}, "", nil},
	{"disapproveTask", http.MethodPost, taskPath + "/disapprove", []string{"task.edit"}, "", nil},
	{"discardTask", http.MethodPost, taskPath + "/discard", []string{"task.edit"}, "", nil},
	{"reportTask", http.MethodPost, taskPath + "/report", []string{"task.edit"}, "application/json", nil},
	{"createUpload", http.MethodPost, uploadPath, []string{"upload.create"}, "multipart/form-data", []int{413}},
	{"getUpload", http.MethodGet, uploadPath + "/{upload_id}", []string{"upload.read"}, "", nil},
	{"moveUpload", http.MethodPost, uploadPath + "/{upload_id}/move/{folder_id}", []string{"upload.edit"}, "", nil},
}

func loadSpecT(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := LoadSpec(context.Background())
	if err != nil {
		t.Fatalf("LoadSpec: %v", err)
	}
	return doc
}

// jsonValue round-trips v through encoding/json so that it has the shapes
// (float64, map[string]any, []any) a decoded HTTP body has.
func jsonValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return out
}

func TestSpecLoadsAndValidates(t *testing.T) {
	doc := loadSpecT(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "https://api.send.ai" {
		t.Errorf("servers = %v, want one server https://api.send.ai", doc.Servers)
	}
}

func TestSpecOperations(t *testing.T) {
	doc := loadSpecT(t)
	count := 0
	for _, item := range doc.Paths.Map() {
		count += len(item.Operations())
	}
	if count != len(specOperations) {
		t.Errorf("spec has %d operations, want %d", count, len(specOperations))
	}
	for _, want := range specOperations {
		item := doc.Paths.Value(want.path)
		if item == nil {
			t.Errorf("%s: path %s missing", want.id, want.path)
			continue
		}
		op := item.GetOperation(want.method)
		if op == nil {
			t.Errorf("%s: no %s %s", want.id, want.method, want.path)
			continue
		}
		if op.OperationID != want.id {
			t.Errorf("%s %s: operationId = %q, want %q", want.method, want.path, op.OperationID, want.id)
		}
		if got := OperationScopes(op); !reflect.DeepEqual(got, want.scopes) {
			t.Errorf("%s: x-scopes = %v, want %v", want.id, got, want.scopes)
		}
		if op.Summary == "" || op.Description == "" || len(op.Tags) == 0 {
			t.Errorf("%s: summary, description and tags are required", want.id)
		}
		for _, code := range append(append([]int{}, commonStatuses...), want.extraStatuses...) {
			if op.Responses.Status(code) == nil {
				t.Errorf("%s: response %d not documented", want.id, code)
			}
		}
		if want.bodyType == "" {
			if op.RequestBody != nil {
				t.Errorf("%s: has a request body, want none", want.id)
			}
		} else if op.RequestBody == nil || op.RequestBody.Value.Content.Get(want.bodyType) == nil {
			t.Errorf("%s: want a %s request body", want.id, want.bodyType)
		}
	}
}

func TestSpecEveryOperationHasScopes(t *testing.T) {
	doc := loadSpecT(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if len(OperationScopes(op)) == 0 {
				t.Errorf("%s %s (%s): no x-scopes", method, path, op.OperationID)
			}
		}
	}
}

func TestOperationScopesAbsent(t *testing.T) {
	if got := OperationScopes(&openapi3.Operation{}); got != nil {
		t.Errorf("OperationScopes without x-scopes = %v, want nil", got)
	}
	if got := OperationScopes(nil); got != nil {
		t.Errorf("OperationScopes(nil) = %v, want nil", got)
	}
}

func validateExamples(t *testing.T, where string, mt *openapi3.MediaType) {
	t.Helper()
	if mt == nil {
		t.Errorf("%s: no content of the expected media type", where)
		return
	}
	if mt.Schema == nil || mt.Schema.Value == nil {
		t.Errorf("%s: no schema", where)
		return
	}
	if len(mt.Examples) == 0 {
		t.Errorf("%s: no named examples", where)
	}
	names := make([]string, 0, len(mt.Examples))
	for name := range mt.Examples {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ex := mt.Examples[name]
		if ex == nil || ex.Value == nil || ex.Value.Value == nil {
			t.Errorf("%s: example %q has no value", where, name)
			continue
		}
		if err := mt.Schema.Value.VisitJSON(jsonValue(t, ex.Value.Value)); err != nil {
			t.Errorf("%s: example %q does not match its schema: %v", where, name, err)
		}
	}
}

func TestSpecExamplesMatchSchemas(t *testing.T) {
	doc := loadSpecT(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody != nil {
				where := op.OperationID + " request body"
				content := op.RequestBody.Value.Content
				if len(content) != 1 {
					t.Errorf("%s: want exactly one media type, got %d", where, len(content))
				}
				for _, mt := range content {
					validateExamples(t, where, mt)
				}
			}
			if op.Responses.Len() == 0 {
				t.Errorf("%s %s: no responses", method, path)
			}
			for code, resp := range op.Responses.Map() {
				where := op.OperationID + " " + code
				if len(resp.Value.Content) != 1 {
					t.Errorf("%s: want exactly one media type (application/json), got %d", where, len(resp.Value.Content))
				}
				validateExamples(t, where, resp.Value.Content.Get("application/json"))
			}
		}
	}
}

func TestSpecApproveExampleIsSeed(t *testing.T) {
	doc := loadSpecT(t)
	op := doc.Paths.Value(taskPath + "/approve").Post
	mt := op.Responses.Status(200).Value.Content.Get("application/json")
	ex := mt.Examples["approved"]
	if ex == nil || ex.Value == nil {
		t.Fatal("approveTask 200: no example named \"approved\"")
	}
	var want any
	if err := json.Unmarshal([]byte(seedApproveResponse), &want); err != nil {
		t.Fatalf("seed JSON: %v", err)
	}
	got := jsonValue(t, ex.Value.Value)
	if !reflect.DeepEqual(got, want) {
		gotJSON, _ := json.MarshalIndent(got, "", "  ")
		t.Errorf("approveTask 200 example differs from the seed page:\n%s", gotJSON)
	}
}
