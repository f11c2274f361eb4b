package mockserver

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/gin-gonic/gin"

	"sendaimock/world"
)

// newCheckedServer is the mock over the default fixtures, failing t on any
// response that breaks openapi.yaml.
func newCheckedServer(t *testing.T) *Server {
	t.Helper()
	s := newServerFor(t)
	s.cfg.OnViolation = func(v Violation) { t.Errorf("%v", v) }
	return s
}

// newServerFor returns a mock over the default fixtures, logging nowhere.
func newServerFor(t testing.TB) *Server {
	t.Helper()
	return newMock(t, Config{})
}

func do(t *testing.T, h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Authorization", "Bearer YOUR_API_KEY")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestTaskCacheServesEachChange(t *testing.T) {
	s := newCheckedServer(t)
	const task = "/v2/team_123456/project/proj_123456/task/task_reviewing_001"
	const ctl = "/_mock/teams/team_123456/projects/proj_123456/tasks/task_reviewing_001"
	steps := []struct {
		method, path, body string
		want               []string
	}{
		{"GET", task, "", []string{`"approved":false`, `"status":"REVIEWING"`}},
		{"POST", task + "/approve", "", []string{`"approved":true`, `"status":"REVIEWING"`}},
		{"GET", task, "", []string{`"approved":true`}},
		{"POST", task + "/disapprove", "", []string{`"approved":false`}},
		{"GET", task, "", []string{`"approved":false`}},
		{"PUT", ctl, `{"id":"task_reviewing_001","name":"renamed"}`, []string{`"name":"renamed"`}},
		{"GET", task, "", []string{`"name":"renamed"`, `"approved":false`}},
		{"POST", task + "/approve", "", []string{`"name":"renamed"`, `"approved":true`}},
		{"POST", task + "/discard", "", []string{`"status":"DISCARDED"`, `"approved":true`}},
		{"GET", task, "", []string{`"status":"DISCARDED"`}},
	}
	for i, st := range steps {
		rec := do(t, s, st.method, st.path, st.body)
		if rec.Code != http.StatusOK && rec.Code != http.StatusCreated {
			t.Fatalf("step %d %s %s: got %d: %s", i, st.method, st.path, rec.Code, rec.Body)
		}
		for _, w := range st.want {
			if !strings.Contains(rec.Body.String(), w) {
				t.Errorf("step %d %s %s: body lacks %s: %s", i, st.method, st.path, w, rec.Body)
			}
		}
	}
}

// Each stored version keeps its two encodings (approved or not), reused
// while the version is unchanged; a new version starts without any, and a
// task the world did not hand out is encoded every time.
func TestTaskEnvelopeKeepsEachVersionsAnswers(t *testing.T) {
	w := newCheckedServer(t).World()
	get := func() world.Task {
		t.Helper()
		task, err := w.GetTask(team, project, "task_reviewing_001")
		if err != nil {
			t.Fatal(err)
		}
		return task
	}
	encode := func(task world.Task) []byte {
		t.Helper()
		body, err := taskEnvelope(task)
		if err != nil {
			t.Fatal(err)
		}
		return body
	}
	same := func(a, b []byte) bool { return len(a) == len(b) && &a[0] == &b[0] }

	first := encode(get())
	if again := encode(get()); !same(first, again) {
		t.Error("an unchanged task was encoded again")
	}
	p := world.Principal{KeyID: "key_test"}
	approved, err := w.Approve(p, team, project, "task_reviewing_001")
	if err != nil {
		t.Fatal(err)
	}
	onceApproved := encode(approved)
	if same(first, onceApproved) || !strings.Contains(string(onceApproved), `"approved":true`) {
		t.Errorf("approved task served from the old encoding: %s", onceApproved)
	}
	if _, err := w.Disapprove(p, team, project, "task_reviewing_001"); err != nil {
		t.Fatal(err)
	}
	if back := encode(get()); !same(first, back) {
		t.Error("disapproved again, the task was not served from its first encoding")
	}

	replaced := get()
	replaced.Name = "renamed"
	if _, _, err := w.PutTask(team, project, replaced); err != nil {
		t.Fatal(err)
	}
	if body := encode(get()); same(first, body) || !strings.Contains(string(body), `"name":"renamed"`) {
		t.Errorf("a new version was served from the old one's encoding: %s", body)
	}

	loose := world.Task{ID: "task_loose"}
	if a, b := encode(loose), encode(loose); same(a, b) {
		t.Error("a task the world did not hand out was kept")
	}
}

// The shortcut may only ever accept what kin-openapi accepts.
func TestPathCheckNeverAcceptsWhatTheSpecRejects(t *testing.T) {
	s := newCheckedServer(t)
	values := []string{
		"task_abcdef123456", "a", "", strings.Repeat("a", 128), strings.Repeat("a", 129),
		"a b", "a/b", "..", "a\x00b", "ü", "task-1", "TASK_1", "a%2Fb", "\n", "a\nb", strings.Repeat("é", 64),
	}
	fast, bodiless := 0, 0
	for _, op := range s.ops {
		if op.route.Operation.RequestBody == nil {
			bodiless++
		}
		if op.fast == nil {
			continue
		}
		fast++
		// Each path parameter in turn takes every value; the others stay valid.
		for _, varied := range op.fast.params {
			for _, v := range values {
				params := gin.Params{}
				pathParams := map[string]string{}
				for _, p := range op.fast.params {
					value := "id_123456"
					if p.name == varied.name {
						value = v
					}
					params = append(params, gin.Param{Key: p.name, Value: value})
					pathParams[p.name] = value
				}
				if !op.fast.valid(params) {
					continue
				}
				req := httptest.NewRequest(op.method, "/", nil)
				err := openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
					Request: req, Route: op.route, Options: &s.reqOpts, PathParams: pathParams,
				})
				if err != nil {
					t.Errorf("%s: shortcut accepted %s %q, kin-openapi rejects it: %v", op.id, varied.name, v, err)
				}
			}
		}
	}
	if fast != bodiless {
		t.Errorf("got %d operations with the shortcut, want %d (every operation without a request body)", fast, bodiless)
	}
}

// asciiClass stands in for a regexp only when it says the same of every
// value: each byte alone, and nil for any pattern of another shape.
func TestASCIIClassAgreesWithTheRegexp(t *testing.T) {
	for _, pattern := range []string{`^[A-Za-z0-9_-]+$`, `^[a-f]*$`, `^[\w.]+$`} {
		table := asciiClass(pattern)
		if table == nil {
			t.Fatalf("%s: no table", pattern)
		}
		re := regexp.MustCompile(pattern)
		for b := range 256 {
			if got, want := table[b], re.MatchString(string([]byte{byte(b)})); got != want {
				t.Errorf("%s: byte %#x: table says %v, regexp %v", pattern, b, got, want)
			}
		}
	}
	for _, pattern := range []string{`^[a-z]+`, `[a-z]+$`, `^task_[a-z]+$`, `^[^a-z]+$`, `^[a-zé]+$`, `^[a-z]{3}$`, `^(a|b)+$`, `(`} {
		if asciiClass(pattern) != nil {
			t.Errorf("%s: got a table for a pattern that is not one ASCII class", pattern)
		}
	}
}
