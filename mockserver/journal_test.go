package mockserver

import (
	"net/http"
	"strings"
	"testing"
)

func TestJournalListsAndCounts(t *testing.T) {
	m := newSteerMock(t, nil)
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey), http.StatusOK, "approve")
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey), http.StatusBadRequest, "approve again")
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey, sessionHeader("other")), http.StatusOK, "approve in a sandbox")
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "report"), strings.NewReader(`{"issues": [{"label": "Blur", "value": "blur"}]}`), apiKey), http.StatusOK, "report")

	count := func(matcher string, headers ...string) int {
		t.Helper()
		var got struct{ Count int }
		m.want(m.do(http.MethodPost, "/_mock/requests/count", strings.NewReader(matcher), headers...), http.StatusOK, "count").json(t, &got)
		return got.Count
	}
	for _, tc := range []struct {
		matcher string
		want    int
	}{
		{`{"operation": "approveTask", "status": 400}`, 1},
		{`{"operation": "approveTask"}`, 2},
		{`{"task_id": "task_reviewing_001"}`, 3},
		{`{"method": "post", "path": "/v2/team_123456/project/proj_123456/task/task_reviewing_001/report"}`, 1},
		{`{}`, 3},
	} {
		if got := count(tc.matcher); got != tc.want {
			t.Errorf("count %s = %d, want %d", tc.matcher, got, tc.want)
		}
	}
	if got := count(`{"operation": "approveTask"}`, sessionHeader("other")); got != 1 {
		t.Errorf("sandbox count = %d, want 1", got)
	}
	m.want(m.do(http.MethodPost, "/_mock/requests/count", strings.NewReader(`{"operaton": "x"}`)), http.StatusBadRequest, "misspelt matcher")

	var entries []JournalEntry
	m.do(http.MethodGet, "/_mock/requests?operation=reportTask", nil).json(t, &entries)
	if len(entries) != 1 {
		t.Fatalf("entries = %+v", entries)
	}
	e := entries[0]
	if e.Method != "POST" || e.Status != 200 || e.Session != "" || !strings.Contains(e.RequestBody, `"Blur"`) || !strings.Contains(e.ResponseBody, `"payload"`) || e.DurationMS < 0 || e.Time.IsZero() {
		t.Errorf("entry = %+v", e)
	}

	m.want(m.do(http.MethodDelete, "/_mock/requests", nil), http.StatusNoContent, "clear")
	if got := count(`{}`); got != 0 {
		t.Errorf("after clear, count = %d", got)
	}
	if got := count(`{}`, sessionHeader("other")); got != 1 {
		t.Errorf("clearing the default journal cleared a sandbox's: %d", got)
	}
}

func TestJournalIsBounded(t *testing.T) {
	m := newSteerMock(t, func(c *Config) { c.JournalSize = 3 })
	for range 5 {
		m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey)
	}
	var entries []JournalEntry
	m.do(http.MethodGet, "/_mock/requests", nil).json(t, &entries)
	if len(entries) != 3 {
		t.Errorf("journal holds %d entries, want its bound 3", len(entries))
	}
	body := strings.Repeat("x", journalBodyBytes*2)
	m.do(http.MethodPost, taskURL("task_reviewing_001", "report"), strings.NewReader(body), apiKey)
	m.do(http.MethodGet, "/_mock/requests?operation=reportTask", nil).json(t, &entries)
	if len(entries) != 1 || len(entries[0].RequestBody) != journalBodyBytes || !entries[0].RequestTruncated {
		t.Errorf("large body kept %d bytes, truncated %v", len(entries[0].RequestBody), entries[0].RequestTruncated)
	}
}

func TestClockControl(t *testing.T) {
	m := newSteerMock(t, nil)
	var c clockView
	m.want(m.do(http.MethodPost, "/_mock/clock/advance", strings.NewReader(`{"seconds": 90}`)), http.StatusOK, "advance").json(t, &c)
	if c.Mode != ClockManual || c.Ran == nil || *c.Ran != 0 || c.Now.Format("15:04:05") != "09:01:30" {
		t.Errorf("after advance: %+v", c)
	}
	for _, body := range []string{`{}`, `{"seconds": -1}`, `{"seconds": "1"}`, `{"minutes": 1}`} {
		m.want(m.do(http.MethodPost, "/_mock/clock/advance", strings.NewReader(body)), http.StatusBadRequest, body)
	}

	real := newSteerMock(t, func(c *Config) { c.Clock = nil })
	real.want(real.do(http.MethodPost, "/_mock/clock/advance", strings.NewReader(`{"seconds": 1}`)), http.StatusConflict, "advance a real clock")
	var rc clockView
	real.do(http.MethodGet, "/_mock/clock", nil).json(t, &rc)
	if rc.Mode != ClockReal || rc.Pending != nil {
		t.Errorf("real clock: %+v", rc)
	}
}
