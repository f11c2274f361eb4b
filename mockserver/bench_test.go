package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"sendaimock/world"
)

// benchServer is the mock as shipped (validation and auth on) with its
// access log discarded.
func benchServer(b *testing.B) *Server {
	b.Helper()
	return newMock(b, Config{CORS: true})
}

const benchTask = "/v2/team_123456/project/proj_123456/task/task_abcdef123456"

func benchDo(b *testing.B, s *Server, method, path string, want int) {
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", "Bearer YOUR_API_KEY")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: got %d, want %d: %s", method, path, rec.Code, want, rec.Body)
	}
}

func BenchmarkGetTask(b *testing.B) {
	s := benchServer(b)
	b.ReportAllocs()
	for b.Loop() {
		benchDo(b, s, "GET", benchTask, http.StatusOK)
	}
}

func BenchmarkApproveDisapprove(b *testing.B) {
	s := benchServer(b)
	b.ReportAllocs()
	for b.Loop() {
		benchDo(b, s, "POST", benchTask+"/approve", http.StatusOK)
		benchDo(b, s, "POST", benchTask+"/disapprove", http.StatusOK)
	}
}

// BenchmarkGetTaskAmong100k reads tasks spread over 100,000 stored ones,
// every answer already cached: beside BenchmarkGetTask it shows what a
// large world costs a lookup.
func BenchmarkGetTaskAmong100k(b *testing.B) {
	s := benchServer(b)
	w := s.World()
	seed, err := w.GetTask("team_123456", "proj_123456", "task_abcdef123456")
	if err != nil {
		b.Fatal(err)
	}
	// Each task is decoded from its own JSON, as the control API stores
	// it: a shallow copy of seed would share its pages and hide their
	// memory.
	seedJSON, err := json.Marshal(seed)
	if err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	paths := make([]string, n)
	for i := range n {
		var t world.Task
		if err := json.Unmarshal(seedJSON, &t); err != nil {
			b.Fatal(err)
		}
		t.ID = fmt.Sprintf("task_scale_%06d", i)
		if _, _, err := w.PutTask("team_123456", "proj_123456", t); err != nil {
			b.Fatal(err)
		}
		paths[i] = "/v2/team_123456/project/proj_123456/task/" + t.ID
	}
	// One request whose path changes, as a server parses each request
	// afresh: 100,000 prebuilt requests would be as cold as the tasks and
	// charge their misses to the mock.
	req := httptest.NewRequest("GET", paths[0], nil)
	req.Header.Set("Authorization", "Bearer YOUR_API_KEY")
	for _, p := range paths { // warm the answer cache
		req.URL.Path = p
		s.ServeHTTP(httptest.NewRecorder(), req)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req.URL.Path = paths[i%n]
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("got %d", rec.Code)
		}
		i += 7919 // a prime stride: no two neighbours in a row
	}
}

// BenchmarkGetTaskHot is BenchmarkGetTaskAmong100k's harness (one request
// built beforehand) on the fixture task alone: the figure the spread one
// is held to.
func BenchmarkGetTaskHot(b *testing.B) {
	s := benchServer(b)
	req := httptest.NewRequest("GET", benchTask, nil)
	req.Header.Set("Authorization", "Bearer YOUR_API_KEY")
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("got %d", rec.Code)
		}
	}
}
