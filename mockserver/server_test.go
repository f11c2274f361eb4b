package mockserver

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	sendaimock "sendaimock"
	"sendaimock/world"
)

const (
	team    = "team_123456"
	project = "proj_123456"
	docKey  = "YOUR_API_KEY"
)

// testServer is the real handler over the default fixtures, on a manual
// clock, failing the test on any response that breaks openapi.yaml.
type testServer struct {
	t     *testing.T
	srv   *Server
	clock *world.ManualClock
}

// newMock builds the mock over the embedded spec and fixtures with cfg's
// other fields; its log goes nowhere unless cfg names a logger.
func newMock(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	def, err := DefaultConfig(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Spec, cfg.Fixtures = def.Spec, def.Fixtures
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return srv
}

func newTestServer(t *testing.T, mutate ...func(*Config)) *testServer {
	t.Helper()
	clock := world.NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	cfg := Config{
		Clock: clock, CORS: true,
		OnViolation: func(v Violation) { t.Errorf("spec self-check: %v", v) },
	}
	for _, m := range mutate {
		m(&cfg)
	}
	return &testServer{t: t, srv: newMock(t, cfg), clock: clock}
}

// do sends one request through the real handler. key "" sends no
// Authorization header.
func (ts *testServer) do(method, path, key, body string, headers ...string) *httptest.ResponseRecorder {
	ts.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	ts.srv.ServeHTTP(rec, req)
	return rec
}

func taskPath(team, project, task, action string) string {
	p := "/v2/" + team + "/project/" + project + "/task/" + task
	if action != "" {
		p += "/" + action
	}
	return p
}

// wantError checks a documented error body.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, message string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status: got %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type: got %q, want application/json", ct)
	}
	body := rec.Body.String()
	if !gjson.Valid(body) {
		t.Fatalf("body is not JSON: %q", body)
	}
	if got := gjson.Get(body, "statusCode").Int(); got != int64(status) {
		t.Errorf("statusCode: got %d, want %d", got, status)
	}
	if got, want := gjson.Get(body, "error").String(), http.StatusText(status); got != want {
		t.Errorf("error: got %q, want %q", got, want)
	}
	if message != "" {
		if got := gjson.Get(body, "message").String(); got != message {
			t.Errorf("message: got %q, want %q", got, message)
		}
	}
}

func TestNewRefusesSpecAndMockDisagreeing(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, cfg *Config)
		want   string
	}{
		{"operation without handler", func(t *testing.T, cfg *Config) {
			op := cfg.Spec.Paths.Find("/v2/{team_id}/project/{project_id}/task/{task_id}/approve").Post
			op.OperationID = "approveTaskTwice"
		}, "declares approveTaskTwice"},
		{"handler without operation", func(t *testing.T, cfg *Config) {
			cfg.Spec.Paths.Delete("/v2/{team_id}/project/{project_id}/task/{task_id}/discard")
		}, "the mock serves discardTask but openapi.yaml does not declare it"},
		{"operation without scope", func(t *testing.T, cfg *Config) {
			delete(cfg.Spec.Paths.Find("/v2/{team_id}/project/{project_id}/task/{task_id}").Get.Extensions, "x-scopes")
		}, "getTask must name exactly one scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each case loads its own copy: the shared document is never mutated.
			spec, err := sendaimock.LoadSpec(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			fx, _ := sendaimock.DefaultFixtures()
			cfg := Config{Spec: spec, Fixtures: fx}
			tt.change(t, &cfg)
			_, err = New(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestNewRefusesFixturesBreakingTheSchema(t *testing.T) {
	spec, _ := sendaimock.LoadSpec(context.Background())
	pages, err := world.NewPages([]world.Page{{ID: "p", Checkboxes: []world.Checkbox{{ID: "cb", Coordinates: [][]float64{{1, 2}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	fx := &world.Fixtures{Projects: []world.ProjectFixture{{TeamID: team, ProjectID: project, Tasks: []world.Task{{
		ID: "task_bad", Status: world.StatusReviewing, Pages: pages,
	}}}}}
	_, err = New(Config{Spec: spec, Fixtures: fx})
	if err == nil || !strings.Contains(err.Error(), "task_bad") || !strings.Contains(err.Error(), "coordinates") {
		t.Fatalf("got %v, want an error naming task_bad's coordinates", err)
	}
}

func TestRouting(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name, method, path string
		status             int
		allow              string
	}{
		{"unknown path", "GET", "/v2/nothing/here", 404, ""},
		{"root", "GET", "/", 404, ""},
		{"trailing slash is not redirected", "GET", taskPath(team, project, "task_abcdef123456", "") + "/", 404, ""},
		{"wrong method on approve", "GET", taskPath(team, project, "task_abcdef123456", "approve"), 405, "POST"},
		{"wrong method on task", "DELETE", taskPath(team, project, "task_abcdef123456", ""), 405, "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := ts.do(tt.method, tt.path, docKey, "")
			wantError(t, rec, tt.status, "")
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow: got %q, want %q", got, tt.allow)
			}
		})
	}
}

func TestCORS(t *testing.T) {
	t.Run("preflight answered", func(t *testing.T) {
		ts := newTestServer(t)
		rec := ts.do("OPTIONS", taskPath(team, project, "task_abcdef123456", "approve"), "", "",
			"Origin", "http://localhost:3000", "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization, content-type")
		if rec.Code != http.StatusNoContent {
			t.Fatalf("status: got %d, want 204", rec.Code)
		}
		h := rec.Header()
		if got := h.Get("Access-Control-Allow-Origin"); got != "http://localhost:3000" {
			t.Errorf("Allow-Origin: got %q", got)
		}
		if got := strings.ToLower(h.Get("Access-Control-Allow-Headers")); !strings.Contains(got, "authorization") || !strings.Contains(got, "content-type") {
			t.Errorf("Allow-Headers: got %q, want Authorization and Content-Type", got)
		}
		if got := h.Get("Access-Control-Allow-Methods"); !strings.Contains(got, "POST") {
			t.Errorf("Allow-Methods: got %q", got)
		}
	})
	t.Run("actual request carries the origin", func(t *testing.T) {
		ts := newTestServer(t)
		rec := ts.do("GET", taskPath(team, project, "task_abcdef123456", ""), docKey, "", "Origin", "http://localhost:3000")
		if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
			t.Fatalf("got %d with Allow-Origin %q", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
		}
	})
	t.Run("off with -cors=false", func(t *testing.T) {
		ts := newTestServer(t, func(c *Config) { c.CORS = false })
		rec := ts.do("OPTIONS", taskPath(team, project, "task_abcdef123456", "approve"), "", "",
			"Origin", "http://localhost:3000", "Access-Control-Request-Method", "POST")
		if rec.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("CORS headers sent although CORS is off")
		}
		wantError(t, rec, http.StatusMethodNotAllowed, "")
	})
}

// TestStrictAnswers500OnViolation breaks the served world so that a
// response no longer matches the schema, and checks both reactions.
func TestStrictAnswers500OnViolation(t *testing.T) {
	var seen []Violation
	ts := newTestServer(t, func(c *Config) {
		c.Strict = true
		c.OnViolation = func(v Violation) { seen = append(seen, v) }
	})
	// A name that is not a string cannot be stored through the control API,
	// so swap the Task schema's view instead: require a field the mock never sends.
	spec := ts.srv.cfg.Spec
	task := spec.Components.Schemas["Task"].Value
	task.Required = append(task.Required, "field_the_mock_never_sends")
	defer func() { task.Required = task.Required[:len(task.Required)-1] }()

	rec := ts.do("GET", taskPath(team, project, "task_abcdef123456", ""), docKey, "")
	wantError(t, rec, http.StatusInternalServerError, "")
	msg := gjson.Get(rec.Body.String(), "message").String()
	if !strings.Contains(msg, "getTask") || !strings.Contains(msg, "field_the_mock_never_sends") {
		t.Errorf("message should name the operation and the violation, got %q", msg)
	}
	if len(seen) != 1 || seen[0].Operation != "getTask" || seen[0].Status != 200 {
		t.Errorf("violations: got %+v, want one for getTask's 200", seen)
	}
}

func TestAccessLogAtDebugShowsBodies(t *testing.T) {
	var buf strings.Builder
	ts := newTestServer(t, func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&syncWriter{w: &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ts.do("POST", taskPath(team, project, "task_reviewing_001", "report"), docKey, `{"issues":[{"label":"Poor Document Quality","value":"poor_quality"}]}`)
	var line map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(buf.String())), &line); err != nil {
		t.Fatalf("log line is not one JSON object: %v\n%s", err, buf.String())
	}
	for key, want := range map[string]any{"operation": "reportTask", "status": float64(200), "method": "POST"} {
		if line[key] != want {
			t.Errorf("log %s: got %v, want %v", key, line[key], want)
		}
	}
	if !strings.Contains(line["request_body"].(string), "poor_quality") || !strings.Contains(line["response_body"].(string), "task_reviewing_001") {
		t.Errorf("debug log should carry both bodies: %v", line)
	}
	if strings.Contains(buf.String(), docKey) {
		t.Errorf("the log must never contain the raw API key")
	}
}

type syncWriter struct{ w io.Writer }

func (s *syncWriter) Write(p []byte) (int, error) { return s.w.Write(p) }
