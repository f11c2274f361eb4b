package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/gin-gonic/gin"

	"sendaimock/world"
)

// The fuzz targets drive the whole handler (routing, auth, validation,
// handlers, error writing) with arbitrary requests. Invariants for every
// input: no panic (the recovery middleware would turn one into a 500),
// never a 5xx, always a JSON body, and the world consistent afterwards.
// FuzzAPIRequest's seeds include Create Upload's multipart bodies, so the
// streaming multipart reader is fuzzed along with the JSON ones.

var fuzzMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}

// fuzzRequest builds a request from fuzzed parts, or nil if Go's own
// client could never send it (net/http would refuse it before us).
func fuzzRequest(method byte, target string, headers map[string][]string, body []byte) *http.Request {
	u, err := url.ParseRequestURI(target)
	if err != nil || u.Host != "" {
		return nil
	}
	req := &http.Request{
		Method: fuzzMethods[int(method)%len(fuzzMethods)], URL: u, RequestURI: target,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Host: "mock",
		Header: http.Header{}, Body: http.NoBody, ContentLength: int64(len(body)),
	}
	if len(body) > 0 {
		req.Body = httpBody(body)
	}
	for k, vs := range headers {
		for _, v := range vs {
			if validHeader(k, v) {
				req.Header.Add(k, v)
			}
		}
	}
	return req.WithContext(req.Context())
}

func httpBody(b []byte) *bodyReader { return &bodyReader{bytes.NewReader(b)} }

type bodyReader struct{ *bytes.Reader }

func (bodyReader) Close() error { return nil }

// validHeader mirrors what net/http's server accepts in a header.
func validHeader(k, v string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune("()<>@,;:\\\"/[]?={}", r) {
			return false
		}
	}
	return !strings.ContainsAny(v, "\r\n\x00")
}

// serveFuzzed serves req, if fuzzRequest made one, and checks the answer
// and the world afterwards.
func serveFuzzed(t *testing.T, s *Server, req *http.Request) {
	t.Helper()
	if req == nil {
		return
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	checkAnswer(t, req, rec)
	checkWorld(t, s)
}

// checkAnswer asserts the invariants every answer keeps.
func checkAnswer(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s %q: got %d: %s", req.Method, req.RequestURI, rec.Code, rec.Body)
	}
	if req.Method == "HEAD" || rec.Code == http.StatusNoContent {
		return
	}
	if rec.Code == http.StatusNoContent && rec.Body.Len() == 0 {
		return
	}
	if !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("%s %q: got %d with a body that is not JSON: %q", req.Method, req.RequestURI, rec.Code, rec.Body)
	}
}

// checkWorld asserts the world is consistent: every task in the training
// dataset exists and is approved, every stored task matches the spec's
// Task schema, and the docs' example task is still served.
func checkWorld(t *testing.T, s *Server) {
	t.Helper()
	w := s.World()
	for _, e := range w.Training() {
		task, err := w.GetTask(e.TeamID, e.ProjectID, e.TaskID)
		if err == nil && !task.Approved {
			t.Fatalf("training holds %s/%s/%s, which is not approved", e.TeamID, e.ProjectID, e.TaskID)
		}
	}
	for _, ref := range [][2]string{{"team_123456", "proj_123456"}, {"team_654321", "proj_654321"}} {
		tasks, err := w.ListTasks(ref[0], ref[1], world.TaskFilter{})
		if err != nil {
			t.Fatalf("listing %v: %v", ref, err)
		}
		for _, task := range tasks {
			if fields := s.checkTask(task); fields != nil {
				t.Fatalf("stored task %s breaks the Task schema: %v", task.ID, fields)
			}
		}
		ups, err := w.ListUploads(ref[0], ref[1])
		if err != nil {
			t.Fatalf("listing uploads of %v: %v", ref, err)
		}
		for _, u := range ups {
			if fields := s.checkSchema("Upload", u); fields != nil {
				t.Fatalf("stored upload %s breaks the Upload schema: %v", u.ID, fields)
			}
		}
	}
}

func FuzzAPIRequest(f *testing.F) {
	const task = "/v2/team_123456/project/proj_123456/task/task_reviewing_001"
	const uploads = "/v2/team_123456/project/proj_123456/upload"
	seeds := []struct {
		method              byte
		path, auth, ct, bdy string
	}{
		{0, task, "Bearer YOUR_API_KEY", "", ""},
		{1, task + "/approve", "Bearer YOUR_API_KEY", "", ""},
		{1, task + "/disapprove", "Bearer YOUR_API_KEY", "", ""},
		{1, task + "/complete", "Bearer YOUR_API_KEY", "", ""},
		{1, task + "/discard", "Bearer YOUR_API_KEY", "", ""},
		{1, task + "/report", "Bearer YOUR_API_KEY", "application/json", `{"issues":[{"label":"Poor","value":"poor"}],"message":"m"}`},
		{1, task + "/report", "Bearer YOUR_API_KEY", "application/json", `{"issues":[]}`},
		{1, task + "/report", "Bearer YOUR_API_KEY", "multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF\r\n--X--\r\n"},
		{1, task + "/report", "Bearer YOUR_API_KEY", "application/x-www-form-urlencoded", "issues=1"},
		{0, task, "Bearer READ_ONLY_KEY", "", ""},
		{1, task + "/approve", "Bearer READ_ONLY_KEY", "", ""},
		{0, "/v2/team_654321/project/proj_654321/task/task_other_team_001", "Bearer YOUR_API_KEY", "", ""},
		{0, "/v2/team_123456/project/proj_123456/task/a%00b", "Bearer YOUR_API_KEY", "", ""},
		{0, "/v2/team_123456/project/proj_123456/task/" + strings.Repeat("x", 200), "Bearer YOUR_API_KEY", "", ""},
		{6, task, "", "", ""},
		{0, "/v2/../_mock/health", "", "", ""},
		{1, uploads, "Bearer YOUR_API_KEY", "multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"projectId\"\r\n\r\nproj_123456\r\n--X\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n[{\"name\":\"category\",\"value\":\"invoice\"}]\r\n--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--X--\r\n"},
		{1, uploads, "Bearer YOUR_API_KEY", "multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"projectId\"\r\n\r\nproj_123456\r\n--X\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{bad\r\n--X--\r\n"},
		{1, uploads, "Bearer YOUR_API_KEY", "multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\nunterminated"},
		{1, uploads, "Bearer YOUR_API_KEY", "application/json", `{"file":"a.pdf"}`},
		{0, uploads + "/upl_123456789", "Bearer YOUR_API_KEY", "", ""},
		{1, uploads + "/upl_123456789/move/processed", "Bearer YOUR_API_KEY", "", ""},
		{1, uploads + "/upl_123456789/move/nowhere", "Bearer YOUR_API_KEY", "", ""},
	}
	for _, sd := range seeds {
		f.Add(sd.method, sd.path, sd.auth, sd.ct, []byte(sd.bdy))
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, method byte, target, auth, contentType string, body []byte) {
		headers := map[string][]string{"Authorization": {auth}, "Content-Type": {contentType}, "Origin": {"http://x"}}
		serveFuzzed(t, s, fuzzRequest(method, target, headers, body))
	})
}

func FuzzControlAPI(f *testing.F) {
	const ctl = "/_mock/teams/team_123456/projects/proj_123456/tasks"
	seeds := []struct {
		method    byte
		path, bdy string
	}{
		{0, "/_mock/health", ""},
		{1, "/_mock/reset", ""},
		{0, ctl, ""},
		{0, ctl + "?status=REVIEWING&upload_id=upl_1", ""},
		{0, ctl + "/task_abcdef123456", ""},
		{2, ctl + "/fz_1", `{"id":"fz_1","status":"REVIEWING","approved":true}`},
		{2, ctl + "/fz_2", `{"id":"fz_2","pages":[{"id":"p","width":1,"height":1}]}`},
		{3, ctl + "/task_reviewing_001", ""},
		{2, "/_mock/keys/NEW_KEY", `{"name":"k","team_id":"team_123456","scopes":["task.read"]}`},
		{0, "/_mock/events", ""},
		{0, "/_mock/audit", ""},
		{0, "/_mock/training", ""},
	}
	for _, sd := range seeds {
		f.Add(sd.method, sd.path, []byte(sd.bdy))
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, method byte, target string, body []byte) {
		serveFuzzed(t, s, fuzzRequest(method, target, map[string][]string{"Content-Type": {"application/json"}}, body))
	})
}

// FuzzControlTaskJSON puts arbitrary JSON through the control API. Whatever
// it accepts must then be served by the API as a task that matches the
// spec (the response check is on), and be readable back unchanged.
func FuzzControlTaskJSON(f *testing.F) {
	for _, seed := range []string{
		`{}`,
		`{"id":"fz"}`,
		`{"id":"fz","name":"n","status":"PROCESSING","approved":true,"meta":[{"name":"a","value":"b"}]}`,
		`{"id":"fz","exported_at":"2024-01-01T00:00:00Z","last_opened_at":null}`,
		`{"id":"fz","pages":[{"id":"p1","width":10.5,"height":3,"annotations":[{"id":"a","entity_id":"e","confidence":0.5,"content":"c","top":1,"left_of_line":2}],"checkboxes":[{"id":"c","confidence":1,"checked":true,"coordinates":[[0,0],[1,0],[1,1],[0,1]]}]}]}`,
		`{"id":"fz","created_at":"not a date"}`,
		`{"id":"fz","status":"LOST"}`,
		`{"id":"fz","project_id":"other"}`,
		`{"id":"fz","name":"\u0000\ud800"}`,
		`[]`, `null`, `"x"`, `{"id":"fz"}{}`,
	} {
		f.Add([]byte(seed))
	}
	s := newFuzzServer(f)
	var violation error
	s.cfg.OnViolation = func(v Violation) { violation = v }
	f.Fuzz(func(t *testing.T, body []byte) {
		violation = nil
		req := fuzzRequest(2, "/_mock/teams/team_123456/projects/proj_123456/tasks/fz", map[string][]string{"Content-Type": {"application/json"}}, body)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		checkAnswer(t, req, rec)
		if rec.Code != http.StatusOK && rec.Code != http.StatusCreated {
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("PUT: got %d, want 200, 201 or 400: %s", rec.Code, rec.Body)
			}
			return
		}
		put := rec.Body.Bytes()
		get := fuzzRequest(0, "/v2/team_123456/project/proj_123456/task/fz", map[string][]string{"Authorization": {"Bearer YOUR_API_KEY"}}, nil)
		rec = httptest.NewRecorder()
		s.ServeHTTP(rec, get)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET of an accepted task: got %d: %s", rec.Code, rec.Body)
		}
		if violation != nil {
			t.Fatalf("an accepted task is served against the spec: %v", violation)
		}
		var env struct{ Payload json.RawMessage }
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || !sameJSON(env.Payload, put) {
			t.Fatalf("GET serves %s, PUT answered %s", env.Payload, put)
		}
		checkWorld(t, s)
	})
}

// sameJSON reports whether two documents hold the same JSON value.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func newFuzzServer(f *testing.F) *Server { f.Helper(); return newServerFor(f) }

// FuzzPathCheck holds the start-up shortcut through validation to its
// promise: whatever it accepts, kin-openapi accepts too.
func FuzzPathCheck(f *testing.F) {
	for _, seed := range []string{"task_abcdef123456", "", "a b", "ü", strings.Repeat("a", 128), strings.Repeat("a", 129), "a\x00", "-_-"} {
		f.Add(seed, "team_123456")
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, task, team string) {
		for _, op := range s.ops {
			if op.fast == nil {
				continue
			}
			params := gin.Params{{Key: "team_id", Value: team}, {Key: "project_id", Value: "proj_123456"}, {Key: "task_id", Value: task}}
			if !op.fast.valid(params) {
				continue
			}
			err := openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
				Request: httptest.NewRequest(op.method, "/", nil), Route: op.route, Options: &s.reqOpts,
				PathParams: map[string]string{"team_id": team, "project_id": "proj_123456", "task_id": task},
			})
			if err != nil {
				t.Fatalf("%s: the shortcut accepted team %q task %q, kin-openapi rejects: %v", op.id, team, task, err)
			}
		}
	})
}
