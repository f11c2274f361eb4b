package mockserver

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func (m *steerMock) putFaults(rules string, headers ...string) {
	m.t.Helper()
	m.want(m.do(http.MethodPut, "/_mock/faults", strings.NewReader(rules), headers...), http.StatusOK, "put faults "+rules)
}

// TestFaultDelay: a fixed delay holds the answer back at least that long;
// a random one at least its minimum. (Lower bounds only: a sleep never
// ends early, so these cannot flake.)
func TestFaultDelay(t *testing.T) {
	m := newSteerMock(t, nil)
	m.putFaults(`[{"operation": "getTask", "delay_ms": 150}]`)
	start := time.Now()
	m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey), http.StatusOK, "delayed get")
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("delayed request answered after %v, want at least 150ms", took)
	}
	m.putFaults(`[{"operation": "getTask", "delay_ms": 80, "delay_max_ms": 120}]`)
	start = time.Now()
	m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey), http.StatusOK, "random delay")
	if took := time.Since(start); took < 80*time.Millisecond {
		t.Errorf("random delay answered after %v, want at least 80ms", took)
	}
	// Other operations are untouched: the journal shows no wait.
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey), http.StatusOK, "approve")
}

// TestFaultStatus: a forced status answers the spec's example for it,
// times limits the rule, and task_id narrows it.
func TestFaultStatus(t *testing.T) {
	m := newSteerMock(t, nil)
	m.putFaults(`[{"operation": "approveTask", "status": 404, "times": 1}]`)
	res := m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey), http.StatusNotFound, "forced 404")
	if got := res.str(t, "message"); got != "Project not found" && got != "Task not found" {
		t.Errorf("forced 404 message %q, want the spec's example", got)
	}
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey), http.StatusOK, "after times ran out")

	m.putFaults(`[{"operation": "getTask", "task_id": "task_failed_001", "status": 500}]`)
	res = m.want(m.do(http.MethodGet, taskURL("task_failed_001", ""), nil, apiKey), http.StatusInternalServerError, "forced 500 on one task")
	if got := res.str(t, "error"); got != "Internal Server Error" {
		t.Errorf("forced 500 body %s", res.body)
	}
	m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey), http.StatusOK, "another task")

	var rules []FaultRule
	m.do(http.MethodGet, "/_mock/faults", nil).json(t, &rules)
	if len(rules) != 1 || rules[0].Used != 1 {
		t.Errorf("faults = %+v, want one rule used once", rules)
	}
	m.want(m.do(http.MethodDelete, "/_mock/faults", nil), http.StatusNoContent, "clear faults")
	m.want(m.do(http.MethodGet, taskURL("task_failed_001", ""), nil, apiKey), http.StatusOK, "after clearing")
}

// TestFaultDrop: the client sees its connection closed without an answer,
// and the journal records the drop.
func TestFaultDrop(t *testing.T) {
	m := newSteerMock(t, nil)
	m.putFaults(`[{"operation": "completeTask", "drop": true}]`)
	_, err := m.try(http.MethodPost, taskURL("task_reviewing_001", "complete"), nil, apiKey)
	if err == nil {
		t.Fatal("dropped request got an answer")
	}
	if m.task("task_reviewing_001").Status != "REVIEWING" {
		t.Error("a dropped request reached the world")
	}
	// The client sees the close before the mock has journaled it: wait.
	var entries []JournalEntry
	for deadline := time.Now().Add(waitFor); len(entries) == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		m.do(http.MethodGet, "/_mock/requests?operation=completeTask", nil).json(t, &entries)
	}
	if len(entries) != 1 || !entries[0].Dropped || entries[0].Status != 0 {
		t.Errorf("journal = %+v, want one dropped completeTask", entries)
	}
}

// TestFaultProbabilityAndSession: probability 0 never fires; a rule put in
// a sandbox touches only that sandbox.
func TestFaultProbabilityAndSession(t *testing.T) {
	m := newSteerMock(t, nil)
	m.putFaults(`[{"operation": "getTask", "status": 500, "probability": 0}]`)
	for range 5 {
		m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey), http.StatusOK, "probability 0")
	}
	m.putFaults(`[{"operation": "getTask", "status": 500, "probability": 1}]`)
	m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey), http.StatusInternalServerError, "probability 1")
	m.want(m.do(http.MethodDelete, "/_mock/faults", nil), http.StatusNoContent, "clear")

	m.putFaults(`[{"operation": "*", "status": 401}]`, sessionHeader("flaky"))
	m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey, sessionHeader("flaky")), http.StatusUnauthorized, "in the sandbox")
	m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey, sessionHeader("calm")), http.StatusOK, "another sandbox")
	m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey), http.StatusOK, "no sandbox")
}

func TestFaultRulesValidated(t *testing.T) {
	m := newSteerMock(t, nil)
	for _, body := range []string{
		`[{"operation": "noSuchOperation", "status": 500}]`,
		`[{"operation": "getTask"}]`,
		`[{"operation": "getTask", "status": 99}]`,
		`[{"operation": "getTask", "status": 500, "drop": true}]`,
		`[{"operation": "getTask", "delay_ms": 100, "delay_max_ms": 50}]`,
		`[{"operation": "getTask", "status": 500, "probability": 2}]`,
		`[{"operation": "getTask", "status": 500, "unknown": 1}]`,
		`{"operation": "getTask"}`,
	} {
		m.want(m.do(http.MethodPut, "/_mock/faults", strings.NewReader(body)), http.StatusBadRequest, body)
	}
}

// TestPreferHeader: Prism's Prefer convention answers documented examples.
func TestPreferHeader(t *testing.T) {
	m := newSteerMock(t, nil)
	res := m.want(m.do(http.MethodPost, taskURL("task_abcdef123456", "approve"), nil, "Prefer: code=404"), http.StatusNotFound, "code=404")
	if got := res.str(t, "error"); got != "Not Found" {
		t.Errorf("code=404 body %s", res.body)
	}
	res = m.want(m.do(http.MethodPost, taskURL("task_abcdef123456", "approve"), nil, apiKey, "Prefer: example=alreadyApproved"), http.StatusBadRequest, "example=alreadyApproved")
	if got := res.str(t, "message"); got != "Task is already approved" {
		t.Errorf("example=alreadyApproved message %q", got)
	}
	res = m.want(m.do(http.MethodGet, "/v2/team_123456/project/proj_123456/upload/upl_000001", nil, apiKey, "Prefer: code=200, example=completed"), http.StatusOK, "code and example")
	if got := res.str(t, "payload.status"); got != "COMPLETED" {
		t.Errorf("example=completed status %q", got)
	}
	m.want(m.do(http.MethodPost, taskURL("task_abcdef123456", "approve"), nil, "Prefer: code=418"), http.StatusUnprocessableEntity, "undocumented code")
	m.want(m.do(http.MethodPost, taskURL("task_abcdef123456", "approve"), nil, "Prefer: example=nope"), http.StatusUnprocessableEntity, "undocumented example")
	// The world is untouched by example answers.
	if m.task("task_abcdef123456").Approved {
		t.Error("a Prefer answer changed the world")
	}
}

// TestFaultStatusWithoutBody: a forced status that allows no body (204)
// is answered without one, and the journal keeps none.
func TestFaultStatusWithoutBody(t *testing.T) {
	m := newSteerMock(t, nil)
	m.putFaults(`[{"operation": "getTask", "status": 204}]`)
	r := m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey), http.StatusNoContent, "forced 204")
	if len(r.body) != 0 {
		t.Errorf("204 came with a body: %q", r.body)
	}
	var entries []JournalEntry
	m.do(http.MethodGet, "/_mock/requests?operation=getTask", nil).json(t, &entries)
	if len(entries) != 1 || entries[0].Status != http.StatusNoContent || entries[0].ResponseBody != "" || entries[0].ResponseBytes != 0 {
		t.Errorf("journal = %+v", entries)
	}
}
