package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestContractSuite runs every built-in scenario against the in-process
// mock on a manual clock, concurrently: any failed, undefined or pending
// step, or a skipped scenario, fails the test. The @clock scenarios run
// too, each on its session's own clock.
func TestContractSuite(t *testing.T) {
	var mu sync.Mutex
	sessions := map[string]bool{}
	var missing []string
	mock := newMock(t)
	base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := r.Header.Get("X-Mock-Session")
		mu.Lock()
		// The run's own checks (health, clock, the key's preflight) name no session.
		if s == "" && r.URL.Path != "/_mock/health" && r.URL.Path != "/_mock/clock" && !strings.Contains(r.URL.Path, "task_preflight_") {
			missing = append(missing, r.Method+" "+r.URL.Path)
		}
		sessions[s] = true
		mu.Unlock()
		mock.ServeHTTP(w, r)
	}))
	var out bytes.Buffer
	res, err := Run(context.Background(), Options{BaseURL: base, Output: &out, NoColors: true, Concurrency: 8, Format: "progress"})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !res.OK() || res.Count(Skipped) > 0 {
		t.Fatalf("the suite failed against the mock: %d passed, %d failed, %d skipped, %d undefined, %d pending\n%s",
			res.Count(Passed), res.Count(Failed), res.Count(Skipped), res.Count(Undefined), res.Count(Pending), out.String())
	}
	if got := res.Count(Passed); got < 100 {
		t.Errorf("want the whole suite to run (over 100 scenarios), got %d", got)
	}
	clock := 0
	for _, s := range res.Scenarios {
		if s.Feature == "A document's life" {
			clock++
		}
	}
	if clock < 9 {
		t.Errorf("want the lifecycle scenarios to run (9), %d ran", clock)
	}
	if strings.Contains(out.String(), "left out") {
		t.Errorf("want no scenario left out on a manual clock:\n%s", out.String())
	}
	// Every request of a scenario names its session, unique per scenario.
	if len(missing) > 0 {
		t.Errorf("%d requests without X-Mock-Session, e.g. %s", len(missing), missing[0])
	}
	if got := len(sessions) - 1; got != len(res.Scenarios) { // minus the preflight's ""
		t.Errorf("want one session per scenario (%d), got %d", len(res.Scenarios), got)
	}
	// Every passed scenario drops its sandbox, so runs never fill the mock.
	resp, err := http.Get(base + "/_mock/sessions")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var left struct{ Sessions []string }
	if err := json.NewDecoder(resp.Body).Decode(&left); err != nil {
		t.Fatal(err)
	}
	if len(left.Sessions) > 0 {
		t.Errorf("want every scenario's sandbox dropped, %d left, e.g. %s", len(left.Sessions), left.Sessions[0])
	}
	t.Logf("%d scenarios passed, %d steps", res.Count(Passed), res.Steps)
}
