package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"sendaimock/features"
)

// response is a captured answer of the real mock, for a variant to bend.
type response struct {
	status int
	header http.Header
	body   []byte
}

func capture(h http.Handler, r *http.Request) *response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return &response{status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes()}
}

// breaking wraps the mock: every response passes through bend first.
func breaking(inner http.Handler, bend func(r *http.Request, res *response, inner http.Handler)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		res := capture(inner, r)
		if r.URL.Path != "/_mock/health" {
			bend(r, res, inner)
		}
		for k, v := range res.header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(res.status)
		_, _ = w.Write(res.body)
	})
}

// getTask asks the real mock for the task r is about, with r's key.
func getTask(inner http.Handler, r *http.Request) *response {
	path := r.URL.Path
	for _, s := range []string{"/approve", "/disapprove", "/complete", "/discard", "/report"} {
		path = strings.TrimSuffix(path, s)
	}
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header = r.Header.Clone()
	return capture(inner, req)
}

func message(res *response) string {
	var e struct{ Message string }
	_ = json.Unmarshal(res.body, &e)
	return e.Message
}

// editJSON decodes the body, lets edit change it and encodes it again.
func editJSON(res *response, edit func(m map[string]any)) {
	var m map[string]any
	if json.Unmarshal(res.body, &m) != nil {
		return
	}
	edit(m)
	res.body, _ = json.Marshal(m)
}

func payload(m map[string]any) map[string]any {
	p, _ := m["payload"].(map[string]any)
	if p == nil {
		return map[string]any{}
	}
	return p
}

func isOp(r *http.Request, op string) bool {
	return strings.HasPrefix(r.URL.Path, "/v2/") && strings.HasSuffix(r.URL.Path, "/"+op)
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/v2/") }

// variants each break one documented rule of the real mock. want names the
// scenarios (the rules) the suite must report as failed.
var variants = []struct {
	name     string
	features []string
	bend     func(r *http.Request, res *response, inner http.Handler)
	want     []string
	wantText string // also in the output: what the failure says
}{
	{
		name: "a second approve succeeds", features: []string{"approve.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isOp(r, "approve") && message(res) == "Task is already approved" {
				*res = *getTask(inner, r)
			}
		},
		want:     []string{"approving an approved task fails", "the second approval of the same task fails"},
		wantText: `want 400 Bad Request, got 200`,
	},
	{
		name: "a PROCESSING task can be approved", features: []string{"approve.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isOp(r, "approve") && message(res) == "Task cannot be approved while being processed" {
				*res = *getTask(inner, r)
				editJSON(res, func(m map[string]any) { payload(m)["approved"] = true })
			}
		},
		want: []string{"a PROCESSING task cannot be approved", "a PROCESSING task that is already approved gets the processing error first"},
	},
	{
		name: "401 answered as 403", features: []string{"auth.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isAPI(r) && res.status == http.StatusUnauthorized {
				res.status = http.StatusForbidden
				editJSON(res, func(m map[string]any) { m["statusCode"] = 403; m["error"] = "Forbidden" })
			}
		},
		want:     []string{"approve without an API key", "a malformed Authorization header: no token", "get with an unknown API key", "no key and an unknown task: 401 comes before 404"},
		wantText: "want 401 Unauthorized, got 403",
	},
	{
		name: "approved missing from the response", features: []string{"approve.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isAPI(r) && res.status == http.StatusOK {
				editJSON(res, func(m map[string]any) { delete(payload(m), "approved") })
			}
		},
		want:     []string{"a REVIEWING task can be approved and keeps its status"},
		wantText: `at /payload/approved: property "approved" is missing`,
	},
	{
		name: "the envelope dropped", features: []string{"get.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isAPI(r) && res.status == http.StatusOK {
				editJSON(res, func(m map[string]any) {
					p := payload(m)
					delete(m, "payload")
					for k, v := range p {
						m[k] = v
					}
				})
			}
		},
		want:     []string{"the task object carries every documented field"},
		wantText: `property "payload" is missing`,
	},
	{
		name: "approved of the wrong type", features: []string{"disapprove.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if res.status == http.StatusOK && isOp(r, "disapprove") {
				editJSON(res, func(m map[string]any) { payload(m)["approved"] = "false" })
			}
		},
		want:     []string{"an approved COMPLETED task can be disapproved and keeps its status"},
		wantText: `at /payload/approved: value must be a boolean (the contract expects type boolean; got "false")`,
	},
	{
		name: "a rule error answered as text", features: []string{"approve.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isAPI(r) && res.status == http.StatusBadRequest {
				res.body = []byte(message(res))
				res.header.Set("Content-Type", "text/plain; charset=utf-8")
			}
		},
		want:     []string{"approving an approved task fails"},
		wantText: "content type",
	},
	{
		name: "complete answered without its message", features: []string{"complete.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isOp(r, "complete") && res.status == http.StatusOK {
				editJSON(res, func(m map[string]any) { delete(m, "message") })
			}
		},
		want:     []string{"a REVIEWING task is completed and shows PROCESSING"},
		wantText: `property "message" is missing`,
	},
	{
		name: "an ignored discard changes the task", features: []string{"discard.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isOp(r, "discard") && res.status == http.StatusOK {
				editJSON(res, func(m map[string]any) { payload(m)["status"] = "DISCARDED" })
			}
		},
		want:     []string{"discarding a COMPLETED task is ignored", "discarding a FAILED task is ignored"},
		wantText: `status: want "COMPLETED", got "DISCARDED"`,
	},
	{
		name: "the approval is not stored", features: []string{"approve.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isOp(r, "approve") && res.status == http.StatusOK {
				undo := httptest.NewRequest(http.MethodPost, strings.TrimSuffix(r.URL.Path, "/approve")+"/disapprove", nil)
				undo.Header = r.Header.Clone()
				capture(inner, undo)
			}
		},
		want: []string{"Get Task after approving shows the approval", "the second approval of the same task fails"},
	},
	{
		name: "scopes are not checked", features: []string{"auth.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isAPI(r) && res.status == http.StatusForbidden && strings.Contains(message(res), "scope") {
				r.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
				r.Body = http.NoBody
				*res = *capture(inner, r)
			}
		},
		want: []string{"approve with a key that lacks task.edit", "a key without task.edit and an unknown task: 403 comes before 404"},
	},
	{
		name: "404 checked before 403", features: []string{"auth.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isAPI(r) && res.status == http.StatusForbidden && message(res) == "API key does not grant access to this team" {
				r.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
				if got := capture(inner, r); got.status == http.StatusNotFound {
					*res = *got
				}
			}
		},
		want: []string{"another team's key and an unknown project: 403 comes before 404"},
	},
	{
		name: "the report body is not checked", features: []string{"report.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isOp(r, "report") && res.status == http.StatusBadRequest {
				*res = *getTask(inner, r)
			}
		},
		want: []string{"a report whose body has no issues is refused", "a report without a body is refused"},
	},
	{
		name: "an approval never reaches the training dataset", features: []string{"approve.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if r.URL.Path == "/_mock/training" {
				res.body = []byte("[]")
			}
		},
		want:     []string{"approving records the API key, adds the task to the training dataset and publishes task_approved"},
		wantText: "is not in the training dataset",
	},
	{
		name: "a refused approval publishes an event", features: []string{"approve.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isOp(r, "approve") && res.status == http.StatusBadRequest {
				refused.Store(strings.Split(r.URL.Path, "/")[6], true)
			}
			if r.URL.Path == "/_mock/events" {
				var events []map[string]any
				_ = json.Unmarshal(res.body, &events)
				refused.Range(func(id, _ any) bool {
					events = append(events, map[string]any{"id": "evt_x", "type": "task_approved", "event": "APPROVED", "event_level": "TASK",
						"project_id": DefaultProject, "task": map[string]any{"id": id}})
					return true
				})
				res.body, _ = json.Marshal(events)
			}
		},
		want:     []string{"a refused approval records nothing"},
		wantText: "want no event for task",
	},
	{
		name: "an upload never leaves PROCESSING", features: []string{"lifecycle.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if isAPI(r) && r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/upload/") && res.status == http.StatusOK {
				editJSON(res, func(m map[string]any) { payload(m)["status"] = "PROCESSING" })
			}
		},
		want: []string{"after the processing delay the tasks wait for review", "the whole life of a document, from upload to approval",
			"the upload is COMPLETED only once every task is done", "uploaded files go straight to COMPLETED"},
		wantText: `want the upload's status "IN_REVIEW", got "PROCESSING"`,
	},
	{
		name: "upload.in_review is never published", features: []string{"lifecycle.feature"},
		bend: func(r *http.Request, res *response, inner http.Handler) {
			if r.URL.Path == "/_mock/events" {
				var events []map[string]any
				_ = json.Unmarshal(res.body, &events)
				kept := []map[string]any{}
				for _, e := range events {
					if e["type"] != "upload.in_review" {
						kept = append(kept, e)
					}
				}
				res.body, _ = json.Marshal(kept)
			}
		},
		want:     []string{"after the processing delay the tasks wait for review", "the whole life of a document, from upload to approval"},
		wantText: `no "upload.in_review" event was published for upload`,
	},
}

// refused holds the tasks whose approval was refused, for the variant that
// invents an event for each.
var refused sync.Map

// TestSuiteCatchesBrokenMocks runs the suite against variants of the mock
// that each break one documented rule: every run must fail, and name the
// scenario of the broken rule.
func TestSuiteCatchesBrokenMocks(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			base := serve(t, breaking(newMock(t), v.bend))
			var out bytes.Buffer
			res, err := Run(context.Background(), Options{
				BaseURL: base, Output: &out, NoColors: true, Concurrency: 8,
				Features: subset(t, v.features...),
			})
			if err != nil {
				t.Fatalf("run: %v\n%s", err, out.String())
			}
			if res.OK() {
				t.Fatalf("the suite passed against a mock where %s:\n%s", v.name, out.String())
			}
			failed := map[string]bool{}
			for _, s := range res.Scenarios {
				if s.Status == Failed {
					failed[s.Name] = true
				}
			}
			for _, name := range v.want {
				if !failed[name] {
					t.Errorf("want the scenario %q to fail; failed: %v", name, keys(failed))
				}
				if !strings.Contains(out.String(), "FAILED  ") || !strings.Contains(out.String(), name) {
					t.Errorf("the output does not name the failed scenario %q", name)
				}
			}
			if v.wantText != "" && !strings.Contains(out.String(), v.wantText) {
				t.Errorf("want the output to say %q:\n%s", v.wantText, out.String())
			}
		})
	}
}

// subset returns the built-in features with only the named files.
func subset(t *testing.T, names ...string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for _, n := range names {
		data, err := fs.ReadFile(features.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		m[n] = &fstest.MapFile{Data: data}
	}
	return m
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
