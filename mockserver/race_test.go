package mockserver

import (
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/tidwall/gjson"
)

// TestConcurrentApprovalsApproveOnce releases 200 approvals of one task at
// the same moment: exactly one wins, and the world records one approval.
func TestConcurrentApprovalsApproveOnce(t *testing.T) {
	ts := newTestServer(t)
	const n = 200
	path := taskPath(team, project, "task_abcdef123456", "approve")
	start := make(chan struct{})
	codes := make([]int, n)
	messages := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			req := httptest.NewRequest("POST", path, nil)
			req.Header.Set("Authorization", "Bearer "+docKey)
			rec := httptest.NewRecorder()
			<-start
			ts.srv.ServeHTTP(rec, req)
			codes[i] = rec.Code
			messages[i] = gjson.Get(rec.Body.String(), "message").String()
		}(i)
	}
	close(start)
	wg.Wait()

	ok := 0
	for i, code := range codes {
		switch {
		case code == 200:
			ok++
		case code == 400 && messages[i] == "Task is already approved":
		default:
			t.Errorf("request %d: got %d %q, want 200 or 400 \"Task is already approved\"", i, code, messages[i])
		}
	}
	if ok != 1 {
		t.Errorf("approvals answered 200: got %d, want exactly 1", ok)
	}
	w := ts.srv.World()
	if got := len(w.Audit()); got != 1 {
		t.Errorf("audit entries: got %d, want 1", got)
	}
	if got := len(w.Events()); got != 1 {
		t.Errorf("events: got %d, want 1", got)
	}
	if got := len(w.Training()); got != 1 {
		t.Errorf("training entries: got %d, want 1", got)
	}
}

// TestConcurrentMixedOperationsStayConsistent interleaves approve and
// disapprove of one task from many goroutines: the answers must tell one
// consistent story, matching the final state and the training dataset.
func TestConcurrentMixedOperationsStayConsistent(t *testing.T) {
	ts := newTestServer(t)
	const n = 100
	start := make(chan struct{})
	var mu sync.Mutex
	approved, disapproved := 0, 0
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		action := "approve"
		if i%2 == 1 {
			action = "disapprove"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest("POST", taskPath(team, project, "task_abcdef123456", action), nil)
			req.Header.Set("Authorization", "Bearer "+docKey)
			rec := httptest.NewRecorder()
			<-start
			ts.srv.ServeHTTP(rec, req)
			if rec.Code == 200 {
				mu.Lock()
				if action == "approve" {
					approved++
				} else {
					disapproved++
				}
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	task, _ := ts.srv.World().GetTask(team, project, "task_abcdef123456")
	// Approvals and disapprovals alternate from "not approved", so they differ by at most one.
	if d := approved - disapproved; d != 0 && d != 1 {
		t.Fatalf("approved %d times, disapproved %d times: not an alternating history", approved, disapproved)
	}
	if task.Approved != (approved > disapproved) {
		t.Errorf("final approved = %v after %d approvals and %d disapprovals", task.Approved, approved, disapproved)
	}
	if got, want := len(ts.srv.World().Training()), approved-disapproved; got != want {
		t.Errorf("training entries: got %d, want %d", got, want)
	}
	if got := len(ts.srv.World().Audit()); got != approved+disapproved {
		t.Errorf("audit entries: got %d, want %d", got, approved+disapproved)
	}
}
