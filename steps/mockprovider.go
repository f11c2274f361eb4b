package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// MockProvider seeds each scenario's own task and keys through a
// sendai-mock's control API, so scenarios never share state.
type MockProvider struct{}

// exampleContent is the docs' example task content (Approve Task page):
// seeded tasks carry it so that responses look like the documented ones.
var exampleContent = map[string]any{
	"name":       "Document Analysis Task",
	"created_at": "2024-01-15T10:30:00Z",
	"meta":       []any{map[string]any{"name": "category", "value": "invoice"}},
	"step_type":  "EXTRACT",
	"upload_id":  "upl_123456789",
	"pages": []any{map[string]any{
		"id": "page_1", "width": 2480, "height": 3508,
		"annotations": []any{map[string]any{"id": "ann_1", "entity_id": "total_amount", "confidence": 0.98, "content": "$1,234.56", "top": 120.5, "left_of_line": 340.0}},
		"checkboxes":  []any{map[string]any{"id": "cb_1", "confidence": 0.92, "checked": true, "coordinates": [][]int{{100, 100}, {120, 100}, {120, 120}, {100, 120}}}},
		"segments":    []any{map[string]any{"id": "seg_1", "confidence": 0.87, "coordinates": [][]int{{50, 50}, {400, 50}, {400, 200}, {50, 200}}}},
		"signatures":  []any{map[string]any{"id": "sig_1", "confidence": 0.83, "coordinates": [][]int{{800, 600}, {1100, 600}, {1100, 750}, {800, 750}}}},
	}},
}

// Task seeds a new task in the wanted state under the suite's team and
// project: PUT /_mock/teams/{team}/projects/{project}/tasks/{id}.
func (MockProvider) Task(ctx context.Context, w *World, want TaskWant) (TaskRef, error) {
	s := w.Suite()
	ref := TaskRef{ID: w.Unique("task_ct"), Team: s.Team, Project: s.Project}
	body := map[string]any{"id": ref.ID, "project_id": ref.Project, "status": want.Status, "approved": want.Approved}
	for k, v := range exampleContent {
		body[k] = v
	}
	if want.Exported {
		body["exported_at"] = "2024-01-16T08:00:00Z"
	}
	path := fmt.Sprintf("/teams/%s/projects/%s/tasks/%s", url.PathEscape(ref.Team), url.PathEscape(ref.Project), url.PathEscape(ref.ID))
	if _, err := w.Control(ctx, http.MethodPut, path, body, http.StatusOK, http.StatusCreated); err != nil {
		return TaskRef{}, fmt.Errorf("seeding %s: %w", want, err)
	}
	w.OnRestore(func(ctx context.Context) error {
		_, err := w.Control(ctx, http.MethodDelete, path, nil, http.StatusNoContent, http.StatusNotFound)
		return err
	})
	return ref, nil
}

// Key seeds a key of the kind for this scenario: PUT /_mock/keys/{key}.
func (MockProvider) Key(ctx context.Context, w *World, kind KeyKind) (string, error) {
	if k, ok := w.keys[kind]; ok {
		return k, nil
	}
	s := w.Suite()
	body := map[string]any{"team_id": s.Team}
	switch kind {
	case KeyWithoutTaskEdit:
		body["scopes"] = []string{"task.read", "upload.read"}
	case KeyWithoutTaskRead:
		body["scopes"] = []string{"upload.read", "upload.create"}
	case KeyOtherTeam:
		body["team_id"] = s.Team + "_other"
		body["scopes"] = []string{"task.read", "task.edit", "upload.read", "upload.create", "upload.edit", "upload.delete"}
	default:
		return "", fmt.Errorf("unknown key kind %q", kind)
	}
	key := w.Unique("key_" + string(kind))
	body["name"] = key
	if _, err := w.Control(ctx, http.MethodPut, "/keys/"+url.PathEscape(key), body); err != nil {
		return "", fmt.Errorf("seeding a key %s: %w", kind, err)
	}
	w.keys[kind] = key
	return key, nil
}
