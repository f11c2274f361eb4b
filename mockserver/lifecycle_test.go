package mockserver

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"sendaimock/world"
)

// TestLifecycleOnManualClock walks a document's whole life as a frontend
// sees it: upload two files, wait for processing, review, complete, wait
// again, approve; with the notifications a webhook and an event stream get.
func TestLifecycleOnManualClock(t *testing.T) {
	m := newSteerMock(t, nil)
	hook := newReceiver(t, 0)
	m.want(m.do(http.MethodPost, "/_mock/webhooks", strings.NewReader(`{"url": "`+hook.http.URL+`"}`)), http.StatusCreated, "register webhook")
	approvals := m.stream("?type=task_approved")

	// Upload two files: two PROCESSING tasks, the upload PROCESSING in the Inbox.
	up := m.upload(nil, uploadFile{"invoice-1.pdf", []byte("%PDF-1.4 one")}, uploadFile{"invoice-2.pdf", []byte("%PDF-1.4 two")})
	if len(up.Files) != 2 {
		t.Fatalf("upload has %d files, want 2: %+v", len(up.Files), up)
	}
	if up.Status != world.UploadProcessing || up.FolderID != world.FolderInbox {
		t.Errorf("new upload: status %s in %s, want PROCESSING in inbox", up.Status, up.FolderID)
	}
	ids := []string{up.Files[0].TaskID, up.Files[1].TaskID}
	for _, id := range ids {
		if got := m.task(id); got.Status != world.StatusProcessing || got.UploadID != up.ID {
			t.Errorf("task %s: status %s, upload %s; want PROCESSING of %s", id, got.Status, got.UploadID, up.ID)
		}
	}
	// Approving now is refused: the task is being processed.
	m.want(m.do(http.MethodPost, taskURL(ids[0], "approve"), nil, apiKey), http.StatusBadRequest, "approve while processing")

	// Advance past the processing delay: both in review, the upload too.
	m.advance(60)
	for _, id := range ids {
		if got := m.task(id).Status; got != world.StatusReviewing {
			t.Errorf("after processing, task %s is %s, want REVIEWING", id, got)
		}
	}
	if got := m.uploadNow(up.ID).Status; got != world.UploadInReview {
		t.Errorf("after processing, upload is %s, want IN_REVIEW", got)
	}
	inReview := hook.waitEvent(t, "upload.in_review", "")
	if inReview.Event != "IN_REVIEW" || inReview.EventLevel != "UPLOAD" || inReview.TeamID != "team_123456" || inReview.ProjectID != "proj_123456" {
		t.Errorf("upload.in_review notification = %+v", inReview)
	}

	// Complete both: PROCESSING at once, COMPLETED after the delay.
	for _, id := range ids {
		res := m.want(m.do(http.MethodPost, taskURL(id, "complete"), nil, apiKey), http.StatusOK, "complete "+id)
		if got := res.str(t, "payload.status"); got != "PROCESSING" {
			t.Errorf("complete %s: status %s, want PROCESSING", id, got)
		}
	}
	if got := m.uploadNow(up.ID).Status; got != world.UploadInReview {
		t.Errorf("while completing, upload is %s, want IN_REVIEW still", got)
	}
	m.advance(60)
	for _, id := range ids {
		if got := m.task(id).Status; got != world.StatusCompleted {
			t.Errorf("after completing, task %s is %s, want COMPLETED", id, got)
		}
	}
	done := m.uploadNow(up.ID)
	if done.Status != world.UploadCompleted || done.FolderID != world.FolderProcessed {
		t.Errorf("after completing, upload is %s in %s, want COMPLETED in processed", done.Status, done.FolderID)
	}
	hook.waitEvent(t, "upload.processed", "")

	// Approve: the event stream and the webhook both hear of it.
	m.want(m.do(http.MethodPost, taskURL(ids[0], "approve"), nil, apiKey), http.StatusOK, "approve")
	sse := approvals.next(t)
	var streamed world.Event
	if err := json.Unmarshal(sse.data, &streamed); err != nil {
		t.Fatalf("SSE data %s: %v", sse.data, err)
	}
	if sse.typ != "task_approved" || streamed.Type != "task_approved" || streamed.Task == nil || streamed.Task.ID != ids[0] || !streamed.Task.Approved || sse.id != streamed.ID {
		t.Errorf("SSE event %s %s = %+v, want task_approved of %s", sse.id, sse.typ, streamed, ids[0])
	}
	hooked := hook.waitEvent(t, "task_approved", ids[0])
	if hooked.ID != streamed.ID || hooked.EventLevel != "TASK" || hooked.Upload == nil {
		t.Errorf("webhook's task_approved = %+v, want the streamed event %s", hooked, streamed.ID)
	}

	// Every delivery is logged, and none failed.
	deliveries := m.deliveries(hasDelivery("task_approved", "delivered"))
	seen := map[string]bool{}
	for _, d := range deliveries {
		if d.Outcome != "delivered" || d.StatusCode != http.StatusNoContent {
			t.Errorf("delivery %+v: want delivered with 204", d)
		}
		seen[d.EventType] = true
	}
	for _, typ := range []string{"upload.in_review", "task_completed", "upload.processed", "task_approved"} {
		if !seen[typ] {
			t.Errorf("no delivery of %s in %+v", typ, deliveries)
		}
	}
}

// TestAutoProcessProjectSkipsReview: in an auto-process project new tasks
// go straight to COMPLETED and the upload is processed without review.
func TestAutoProcessProjectSkipsReview(t *testing.T) {
	m := newSteerMock(t, nil)
	res := m.want(m.do(http.MethodPut, "/_mock/teams/team_123456/projects/proj_123456", strings.NewReader(`{"automation": "auto-process"}`)), http.StatusOK, "set automation")
	if got := res.str(t, "automation"); got != "auto-process" {
		t.Fatalf("automation = %q", got)
	}
	up := m.upload(nil, uploadFile{"a.pdf", []byte("a")})
	m.advance(60)
	if got := m.task(up.Files[0].TaskID).Status; got != world.StatusCompleted {
		t.Errorf("task is %s, want COMPLETED", got)
	}
	if got := m.uploadNow(up.ID); got.Status != world.UploadCompleted || got.FolderID != world.FolderProcessed {
		t.Errorf("upload is %s in %s, want COMPLETED in processed", got.Status, got.FolderID)
	}
	var events []world.Event
	m.want(m.do(http.MethodGet, "/_mock/events?type=upload.in_review", nil), http.StatusOK, "events").json(t, &events)
	if len(events) != 0 {
		t.Errorf("auto-process published upload.in_review: %+v", events)
	}

	// proj_auto is auto-process in the fixtures.
	m.want(m.do(http.MethodGet, "/_mock/teams/team_123456/projects/proj_auto", nil), http.StatusOK, "fixture project")
	if got := m.do(http.MethodGet, "/_mock/teams/team_123456/projects/proj_auto", nil).str(t, "automation"); got != "auto-process" {
		t.Errorf("proj_auto automation = %q, want auto-process", got)
	}
	m.want(m.do(http.MethodPut, "/_mock/teams/team_123456/projects/proj_123456", strings.NewReader(`{"automation": "sometimes"}`)), http.StatusBadRequest, "unknown automation")
}
