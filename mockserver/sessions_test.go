package mockserver

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"sendaimock/world"
)

// TestSessionsApproveSameTaskIndependently: two sandboxes approving the
// same task both succeed and each sees only its own change; requests
// without a sandbox see neither.
func TestSessionsApproveSameTaskIndependently(t *testing.T) {
	m := newSteerMock(t, nil)
	const task = "task_reviewing_001"
	for _, name := range []string{"alice", "bob"} {
		res := m.want(m.do(http.MethodPost, taskURL(task, "approve"), nil, apiKey, sessionHeader(name)), http.StatusOK, name+" approves")
		if got := res.str(t, "payload.id"); got != task {
			t.Errorf("%s: approved %s", name, got)
		}
	}
	for _, name := range []string{"alice", "bob"} {
		if !m.task(task, sessionHeader(name)).Approved {
			t.Errorf("%s does not see its approval", name)
		}
		var audit []world.AuditEntry
		m.want(m.do(http.MethodGet, "/_mock/audit", nil, sessionHeader(name)), http.StatusOK, "audit").json(t, &audit)
		if len(audit) != 1 {
			t.Errorf("%s's audit has %d entries, want its own 1: %+v", name, len(audit), audit)
		}
	}
	if m.task(task).Approved {
		t.Error("the default world sees a sandbox's approval")
	}
	// A second approve in one sandbox is refused there only.
	m.want(m.do(http.MethodPost, taskURL(task, "approve"), nil, apiKey, sessionHeader("alice")), http.StatusBadRequest, "alice approves again")
	m.want(m.do(http.MethodPost, taskURL(task, "approve"), nil, apiKey, sessionHeader("carol")), http.StatusOK, "carol approves")

	// Dropping a sandbox forgets it: the next use starts from the fixtures.
	m.want(m.do(http.MethodDelete, "/_mock/sessions/alice", nil), http.StatusNoContent, "drop alice")
	m.want(m.do(http.MethodDelete, "/_mock/sessions/alice", nil), http.StatusNotFound, "drop alice twice")
	if m.task(task, sessionHeader("alice")).Approved {
		t.Error("a dropped sandbox came back with its old state")
	}
	if !m.task(task, sessionHeader("bob")).Approved {
		t.Error("dropping alice changed bob")
	}
}

// TestSessionsHaveOwnClocksAndUploads: a sandbox's upload and its clock
// are invisible to others.
func TestSessionsHaveOwnClocksAndUploads(t *testing.T) {
	m := newSteerMock(t, nil)
	a, b := sessionHeader("a"), sessionHeader("b")
	up := m.upload([]string{a}, uploadFile{"x.pdf", []byte("x")})
	m.want(m.do(http.MethodGet, "/v2/team_123456/project/proj_123456/upload/"+up.ID, nil, apiKey, b), http.StatusNotFound, "b reads a's upload")
	m.want(m.do(http.MethodGet, "/v2/team_123456/project/proj_123456/upload/"+up.ID, nil, apiKey), http.StatusNotFound, "default reads a's upload")

	m.advance(60, b) // b's clock only
	if got := m.task(up.Files[0].TaskID, a).Status; got != world.StatusProcessing {
		t.Errorf("advancing b's clock moved a's task to %s", got)
	}
	m.advance(60, a)
	if got := m.task(up.Files[0].TaskID, a).Status; got != world.StatusReviewing {
		t.Errorf("after a's advance, a's task is %s, want REVIEWING", got)
	}
	var ca, cb clockView
	m.do(http.MethodGet, "/_mock/clock", nil, a).json(t, &ca)
	m.do(http.MethodGet, "/_mock/clock", nil, b).json(t, &cb)
	if !ca.Now.Equal(cb.Now) || ca.Mode != ClockManual {
		t.Errorf("clocks: a %+v, b %+v; want both manual, each advanced 60 s", ca, cb)
	}
}

func TestSessionNamesAndLimit(t *testing.T) {
	m := newSteerMock(t, func(c *Config) { c.MaxSessions = 2 })
	m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey, sessionHeader("bad name!")), http.StatusBadRequest, "bad session name")
	m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey, sessionHeader("one")), http.StatusOK, "one")
	m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey, sessionHeader("two")), http.StatusOK, "two")
	res := m.want(m.do(http.MethodGet, taskURL("task_reviewing_001", ""), nil, apiKey, sessionHeader("three")), http.StatusServiceUnavailable, "three")
	if !strings.Contains(string(res.body), "Too many sandboxes") {
		t.Errorf("full registry body: %s", res.body)
	}
	var list struct{ Sessions []string }
	m.do(http.MethodGet, "/_mock/sessions", nil).json(t, &list)
	if strings.Join(list.Sessions, ",") != "one,two" {
		t.Errorf("sessions = %v, want [one two]", list.Sessions)
	}
}

// TestSessionsConcurrentFirstUse: many requests making the same sandboxes
// at once get one world per name.
func TestSessionsConcurrentFirstUse(t *testing.T) {
	m := newSteerMock(t, nil)
	start := make(chan struct{})
	var wg sync.WaitGroup
	codes := make(chan int, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := m.try(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey, sessionHeader(fmt.Sprintf("s%d", i%4)))
			if err != nil {
				t.Error(err)
				return
			}
			codes <- res.status
		}()
	}
	close(start)
	wg.Wait()
	close(codes)
	ok := 0
	for c := range codes {
		if c == http.StatusOK {
			ok++
		} else if c != http.StatusBadRequest {
			t.Errorf("status %d", c)
		}
	}
	if ok != 4 {
		t.Errorf("%d approvals succeeded, want one per sandbox (4)", ok)
	}
}

func TestCORSAllowsSessionHeader(t *testing.T) {
	m := newSteerMock(t, func(c *Config) { c.CORS = true })
	req, _ := http.NewRequest(http.MethodOptions, m.http.URL+taskURL("task_reviewing_001", "approve"), nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := m.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Headers"); !strings.Contains(got, SessionHeader) || !strings.Contains(got, "Prefer") {
		t.Errorf("Access-Control-Allow-Headers = %q, want X-Mock-Session and Prefer", got)
	}
}
