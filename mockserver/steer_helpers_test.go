package mockserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"sendaimock/world"
)

// waitFor bounds how long a test waits for something asynchronous (a
// webhook, an SSE event) before failing; it is never a speed assertion.
const waitFor = 10 * time.Second

// steerMock is a mock on a manual clock behind a real HTTP server.
type steerMock struct {
	t     *testing.T
	srv   *Server
	http  *httptest.Server
	clock *world.ManualClock
}

func newSteerMock(t *testing.T, tweak func(*Config)) *steerMock {
	t.Helper()
	clock := world.NewManualClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	cfg := Config{
		Clock: clock, ProcessingDelay: time.Minute,
		WebhookBackoff: time.Millisecond,
		OnViolation:    func(v Violation) { t.Errorf("response breaks openapi.yaml: %v", v) },
	}
	if tweak != nil {
		tweak(&cfg)
	}
	srv := newMock(t, cfg)
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		hs.Close()
	})
	return &steerMock{t: t, srv: srv, http: hs, clock: clock}
}

// steerResponse is a response read whole.
type steerResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r steerResponse) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// get returns a string field of the response body by a dotted path.
func (r steerResponse) str(t *testing.T, path string) string {
	t.Helper()
	var v any
	r.json(t, &v)
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: no object at %q in %s", path, k, r.body)
		}
		v = m[k]
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%s: not a string (%v) in %s", path, v, r.body)
	}
	return s
}

// do sends a request. headers are "Name: value" strings.
func (m *steerMock) do(method, path string, body io.Reader, headers ...string) steerResponse {
	m.t.Helper()
	res, err := m.try(method, path, body, headers...)
	if err != nil {
		m.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

func (m *steerMock) try(method, path string, body io.Reader, headers ...string) (steerResponse, error) {
	req, err := http.NewRequest(method, m.http.URL+path, body)
	if err != nil {
		return steerResponse{}, err
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := m.http.Client().Do(req)
	if err != nil {
		return steerResponse{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return steerResponse{status: resp.StatusCode, header: resp.Header, body: data}, err
}

// want fails unless r has the wanted status.
func (m *steerMock) want(r steerResponse, status int, what string) steerResponse {
	m.t.Helper()
	if r.status != status {
		m.t.Fatalf("%s: status %d, want %d; body %s", what, r.status, status, r.body)
	}
	return r
}

const apiKey = "Authorization: Bearer YOUR_API_KEY"

func taskURL(task, action string) string {
	u := "/v2/team_123456/project/proj_123456/task/" + task
	if action != "" {
		u += "/" + action
	}
	return u
}

func sessionHeader(name string) string { return SessionHeader + ": " + name }

// advance moves the clock of the given session ("" default) through the
// control API.
func (m *steerMock) advance(seconds float64, headers ...string) {
	m.t.Helper()
	m.want(m.do(http.MethodPost, "/_mock/clock/advance", strings.NewReader(fmt.Sprintf(`{"seconds": %g}`, seconds)), headers...), http.StatusOK, "advance")
}

// uploadFile is one file of a multipart upload.
type uploadFile struct {
	name string
	data []byte
}

// multipartUpload builds a Create Upload body.
func multipartUpload(t *testing.T, fields map[string]string, files ...uploadFile) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range files {
		w, err := mw.CreateFormFile("file", f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, "Content-Type: " + mw.FormDataContentType()
}

// upload creates an upload in proj_123456 and returns the Get Upload payload.
func (m *steerMock) upload(headers []string, files ...uploadFile) world.Upload {
	m.t.Helper()
	body, ct := multipartUpload(m.t, map[string]string{"projectId": "proj_123456"}, files...)
	res := m.want(m.do(http.MethodPost, "/v2/team_123456/project/proj_123456/upload", body, append([]string{apiKey, ct}, headers...)...), http.StatusOK, "create upload")
	id := res.str(m.t, "id")
	var got struct{ Payload world.Upload }
	m.want(m.do(http.MethodGet, "/v2/team_123456/project/proj_123456/upload/"+id, nil, append([]string{apiKey}, headers...)...), http.StatusOK, "get upload").json(m.t, &got)
	return got.Payload
}

func (m *steerMock) task(id string, headers ...string) world.Task {
	m.t.Helper()
	var got struct{ Payload world.Task }
	m.want(m.do(http.MethodGet, taskURL(id, ""), nil, append([]string{apiKey}, headers...)...), http.StatusOK, "get task "+id).json(m.t, &got)
	return got.Payload
}

func (m *steerMock) uploadNow(id string, headers ...string) world.Upload {
	m.t.Helper()
	var got struct{ Payload world.Upload }
	m.want(m.do(http.MethodGet, "/v2/team_123456/project/proj_123456/upload/"+id, nil, append([]string{apiKey}, headers...)...), http.StatusOK, "get upload "+id).json(m.t, &got)
	return got.Payload
}

// receiver is a webhook target that records what it is sent. fail makes
// it answer 503 to the first fail deliveries.
type receiver struct {
	http *httptest.Server

	mu       sync.Mutex
	fail     int
	attempts int
	events   []world.Event
	sessions []string
	arrived  chan struct{}
}

func newReceiver(t *testing.T, fail int) *receiver {
	t.Helper()
	r := &receiver{fail: fail, arrived: make(chan struct{}, 1)}
	r.http = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var e world.Event
		err := json.NewDecoder(req.Body).Decode(&e)
		r.mu.Lock()
		r.attempts++
		failing := r.attempts <= r.fail
		if err == nil && !failing {
			r.events = append(r.events, e)
			r.sessions = append(r.sessions, req.Header.Get(SessionHeader))
		}
		r.mu.Unlock()
		if failing || err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		select {
		case r.arrived <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(r.http.Close)
	return r
}

// waitEvent waits until an event of type typ (and, if given, about task)
// has arrived, and returns it.
func (r *receiver) waitEvent(t *testing.T, typ, task string) world.Event {
	t.Helper()
	deadline := time.After(waitFor)
	for {
		r.mu.Lock()
		for _, e := range r.events {
			if e.Type == typ && (task == "" || (e.Task != nil && e.Task.ID == task)) {
				r.mu.Unlock()
				return e
			}
		}
		r.mu.Unlock()
		select {
		case <-r.arrived:
		case <-deadline:
			t.Fatalf("webhook: no %s event for %q within %v", typ, task, waitFor)
		}
	}
}

// sseStream reads Server-Sent Events from the mock.
type sseStream struct {
	resp   *http.Response
	events chan sseEvent
	cancel context.CancelFunc
}

type sseEvent struct {
	id, typ string
	data    []byte
}

func (m *steerMock) stream(query string, headers ...string) *sseStream {
	m.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.http.URL+"/_mock/events/stream"+query, nil)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := m.http.Client().Do(req)
	if err != nil {
		cancel()
		m.t.Fatalf("open event stream: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		m.t.Fatalf("event stream: status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &sseStream{resp: resp, events: make(chan sseEvent, 64), cancel: cancel}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var cur sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if cur.typ != "" {
					s.events <- cur
				}
				cur = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				cur.id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				cur.typ = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				cur.data = []byte(strings.TrimPrefix(line, "data: "))
			}
		}
	}()
	m.t.Cleanup(s.close)
	return s
}

func (s *sseStream) close() {
	s.cancel()
	s.resp.Body.Close()
}

// next returns the next event, failing the test if none comes in time.
func (s *sseStream) next(t *testing.T) sseEvent {
	t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			t.Fatal("event stream ended")
		}
		return e
	case <-time.After(waitFor):
		t.Fatalf("no event on the stream within %v", waitFor)
	}
	return sseEvent{}
}

// deliveries waits until the deliveries log of a session satisfies done
// (the log is written after the target answered), and returns it.
func (m *steerMock) deliveries(done func([]Delivery) bool, headers ...string) []Delivery {
	m.t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		var ds []Delivery
		m.want(m.do(http.MethodGet, "/_mock/webhooks/deliveries", nil, headers...), http.StatusOK, "deliveries").json(m.t, &ds)
		if done(ds) {
			return ds
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("deliveries log never got there within %v: %+v", waitFor, ds)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func hasDelivery(typ, outcome string) func([]Delivery) bool {
	return func(ds []Delivery) bool {
		for _, d := range ds {
			if d.EventType == typ && d.Outcome == outcome {
				return true
			}
		}
		return false
	}
}
