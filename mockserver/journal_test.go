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
	// A GET's answer comes from the task cache and is journaled by reference.
	for _, e := range entries {
		if !strings.HasPrefix(e.ResponseBody, `{"payload":{`) || !strings.Contains(e.ResponseBody, `"task_reviewing_001"`) || int64(len(e.ResponseBody)) != e.ResponseBytes {
			t.Errorf("GET entry response %d bytes of %d: %.60q", len(e.ResponseBody), e.ResponseBytes, e.ResponseBody)
		}
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

// journalAdd records one entry as record does: bodies captured into a
// pooled recording, which then trades buffers with the slot.
func journalAdd(j *journal, session, path, reqBody, resBody string) {
	rec := recordings.Get().(*recording)
	rec.req.write([]byte(reqBody))
	rec.w.cap.write([]byte(resBody))
	j.add(JournalEntry{Session: session, Path: path, RequestBytes: rec.req.n, ResponseBytes: rec.w.cap.n}, rec)
	rec.reset()
	recordings.Put(rec)
}

func journalPaths(j *journal, session string) string {
	var out []string
	for _, e := range j.find(session, JournalMatcher{}) {
		out = append(out, e.Path+"="+e.RequestBody+"/"+e.ResponseBody)
	}
	return strings.Join(out, " ")
}

// The ring reuses its slots' buffers: an entry must keep its own bodies
// while later entries overwrite other slots, in order, across sessions.
func TestJournalRingKeepsOrderAndBodies(t *testing.T) {
	j := newJournal(3)
	journalAdd(j, "", "/a", "ra", "sa")
	journalAdd(j, "s", "/b", "", "sb")
	if got, want := journalPaths(j, ""), "/a=ra/sa"; got != want {
		t.Errorf("before wrapping: %q, want %q", got, want)
	}
	for _, p := range []string{"c", "d", "e", "f"} {
		journalAdd(j, "", "/"+p, "r"+p, strings.Repeat(p, 600))
	}
	long := func(p string) string { return strings.Repeat(p, 600) }
	if got, want := journalPaths(j, ""), "/d=rd/"+long("d")+" /e=re/"+long("e")+" /f=rf/"+long("f"); got != want {
		t.Errorf("after wrapping: %.80q..., want the last three in order", got)
	}
	if got := journalPaths(j, "s"); got != "" {
		t.Errorf("sandbox entry outlived the bound: %q", got)
	}
	journalAdd(j, "s", "/g", "rg", "sg")
	j.dropSession("")
	if got, want := journalPaths(j, "s"), "/g=rg/sg"; got != want {
		t.Errorf("after dropping the default session: %q, want %q", got, want)
	}
	journalAdd(j, "", "/h", "", "")
	journalAdd(j, "", "/i", "ri", "si")
	journalAdd(j, "", "/k", "rk", "sk")
	if got, want := journalPaths(j, ""), "/h=/ /i=ri/si /k=rk/sk"; got != want {
		t.Errorf("after refilling: %q, want %q", got, want)
	}
	if got := journalPaths(j, "s"); got != "" {
		t.Errorf("oldest entry not overwritten: %q", got)
	}
}

// Once the ring is full and its buffers have grown, journaling a request
// allocates nothing: that is what keeps the journal off the hot path.
// (One recording stands for the pool, which the race detector thins out.)
func TestJournalAddAllocatesNothingWhenWarm(t *testing.T) {
	j := newJournal(8)
	body := []byte(strings.Repeat("x", 3000))
	rec := new(recording)
	add := func() {
		rec.w.cap.write(body)
		j.add(JournalEntry{Path: "/v2/x"}, rec)
		rec.reset()
	}
	for range 64 {
		add()
	}
	if n := testing.AllocsPerRun(200, add); n > 0.5 {
		t.Errorf("journaling a warm request allocates %.1f times, want 0", n)
	}
}

// A cached answer is journaled by reference; the slot that held it must
// never hand those bytes out as a buffer to write into, and an entry
// written later to the same capture must not land in them.
func TestJournalSharedBodiesStayUntouched(t *testing.T) {
	j := newJournal(2)
	answer := []byte(`{"payload":{"id":"task_1"}}`)
	keep := string(answer)
	rec := new(recording)
	add := func(path string, shared bool, body string) {
		if shared {
			rec.w.cap.share(answer)
		} else {
			rec.w.cap.write([]byte(body))
		}
		j.add(JournalEntry{Path: path}, rec)
		rec.reset()
	}
	add("/a", true, "")
	add("/b", true, "")
	for i, p := range []string{"/c", "/d", "/e", "/f"} {
		add(p, false, strings.Repeat("z", 10+i))
	}
	add("/g", true, "")
	rec.w.cap.share(answer)
	rec.w.cap.write([]byte("more")) // a second write copies first
	j.add(JournalEntry{Path: "/h"}, rec)
	rec.reset()
	if string(answer) != keep {
		t.Fatalf("the shared answer was written into: %q", answer)
	}
	if got, want := journalPaths(j, ""), "/g=/"+keep+" /h=/"+keep+"more"; got != want {
		t.Errorf("journal = %q, want %q", got, want)
	}
}
