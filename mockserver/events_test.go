package mockserver

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"sendaimock/world"
)

func TestEventsFilterByTypeAndSince(t *testing.T) {
	m := newSteerMock(t, nil)
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey), http.StatusOK, "approve")
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "disapprove"), nil, apiKey), http.StatusOK, "disapprove")
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey), http.StatusOK, "approve again")

	var all, approved, after []world.Event
	m.do(http.MethodGet, "/_mock/events", nil).json(t, &all)
	if len(all) != 3 {
		t.Fatalf("events = %+v, want 3", all)
	}
	m.do(http.MethodGet, "/_mock/events?type=task_approved", nil).json(t, &approved)
	if len(approved) != 2 || approved[0].ID != all[0].ID || approved[1].ID != all[2].ID {
		t.Errorf("type=task_approved: %+v", approved)
	}
	m.do(http.MethodGet, "/_mock/events?since="+all[0].ID, nil).json(t, &after)
	if len(after) != 2 || after[0].Type != "task_disapproved" {
		t.Errorf("since=%s: %+v", all[0].ID, after)
	}
	m.want(m.do(http.MethodGet, "/_mock/events?since=evt_nope", nil), http.StatusBadRequest, "unknown since")
	for _, e := range all {
		if e.ID == "" || e.Event == "" || e.EventLevel != "TASK" || e.TeamID != "team_123456" || e.ProjectID != "proj_123456" || e.Task == nil {
			t.Errorf("event not in the notification shape: %+v", e)
		}
	}
}

// TestEventStreamReplaysAndFollowsSession: a stream replays the backlog
// after since and then only its own sandbox's new events.
func TestEventStreamReplaysAndFollowsSession(t *testing.T) {
	m := newSteerMock(t, nil)
	a := sessionHeader("a")
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey, a), http.StatusOK, "approve in a")
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "disapprove"), nil, apiKey, a), http.StatusOK, "disapprove in a")
	var backlog []world.Event
	m.do(http.MethodGet, "/_mock/events", nil, a).json(t, &backlog)

	s := m.stream("?since="+backlog[0].ID, a)
	if e := s.next(t); e.id != backlog[1].ID || e.typ != "task_disapproved" {
		t.Errorf("replayed %s %s, want %s task_disapproved", e.id, e.typ, backlog[1].ID)
	}
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_002", "approve"), nil, apiKey), http.StatusNotFound, "unknown task in default")
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey), http.StatusOK, "approve in default world")
	m.want(m.do(http.MethodPost, taskURL("task_failed_001", "approve"), nil, apiKey, a), http.StatusOK, "approve in a")
	if e := s.next(t); e.typ != "task_approved" || !strings.Contains(string(e.data), "task_failed_001") {
		t.Errorf("next streamed event %s %s, want a's task_approved of task_failed_001", e.typ, e.data)
	}
}

// TestEventStreamEndsOnClose: Close ends open streams, so a shutdown does
// not wait on them.
func TestEventStreamEndsOnClose(t *testing.T) {
	m := newSteerMock(t, nil)
	s := m.stream("")
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, s.resp.Body)
		done <- err
	}()
	m.srv.Close()
	select {
	case <-done:
	case <-time.After(waitFor):
		t.Fatal("event stream still open after Close")
	}
}

// TestWebhookRetriesWithBackoff: a target that fails twice gets the event
// on the third attempt, and each attempt is in the deliveries log.
func TestWebhookRetriesWithBackoff(t *testing.T) {
	hook := newReceiver(t, 2)
	m := newSteerMock(t, func(c *Config) { c.Webhooks = []string{hook.http.URL} })
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey, sessionHeader("s1")), http.StatusOK, "approve")
	e := hook.waitEvent(t, "task_approved", "task_reviewing_001")
	hook.mu.Lock()
	got := hook.sessions[0]
	hook.mu.Unlock()
	if got != "s1" {
		t.Errorf("delivery's %s = %q, want s1", SessionHeader, got)
	}
	ds := m.deliveries(hasDelivery("task_approved", "delivered"), sessionHeader("s1"))
	var outcomes []string
	for _, d := range ds {
		if d.EventID != e.ID {
			t.Errorf("delivery of %s, want %s", d.EventID, e.ID)
		}
		outcomes = append(outcomes, d.Outcome)
	}
	if got := strings.Join(outcomes, ","); got != "retrying,retrying,delivered" {
		t.Errorf("outcomes %s, want retrying,retrying,delivered", got)
	}
	// -webhook targets are listed everywhere and cannot be removed.
	var hooks []Webhook
	m.do(http.MethodGet, "/_mock/webhooks", nil).json(t, &hooks)
	if len(hooks) != 1 || hooks[0].Session != allSessions {
		t.Errorf("webhooks = %+v", hooks)
	}
	m.want(m.do(http.MethodDelete, "/_mock/webhooks/"+hooks[0].ID, nil), http.StatusNotFound, "remove a -webhook target")
	m.want(m.do(http.MethodPost, "/_mock/webhooks", strings.NewReader(`{"url": "ftp://x"}`)), http.StatusBadRequest, "bad URL")
}

func TestWebhookGivesUp(t *testing.T) {
	hook := newReceiver(t, 100)
	m := newSteerMock(t, func(c *Config) { c.WebhookAttempts = 3 })
	m.want(m.do(http.MethodPost, "/_mock/webhooks", strings.NewReader(`{"url": "`+hook.http.URL+`"}`)), http.StatusCreated, "register")
	m.want(m.do(http.MethodPost, taskURL("task_reviewing_001", "approve"), nil, apiKey), http.StatusOK, "approve")
	ds := m.deliveries(func(ds []Delivery) bool { return len(ds) == 3 })
	if last := ds[2]; last.Outcome != "failed" || last.StatusCode != http.StatusServiceUnavailable || last.Attempt != 3 {
		t.Errorf("last attempt = %+v, want failed with 503", last)
	}
}
