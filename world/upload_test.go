package world

import (
	"testing"
	"time"
)

// uploadWorld is a world on a manual clock with one project and a key.
func uploadWorld(t *testing.T, automation Automation) (*World, *ManualClock, *[]Event) {
	t.Helper()
	fx := &Fixtures{
		Keys:     []KeyFixture{{Key: "k", Name: "k", TeamID: "team", Scopes: Scopes}},
		Projects: []ProjectFixture{{TeamID: "team", ProjectID: "proj", Automation: automation}},
	}
	if err := fx.check(); err != nil {
		t.Fatal(err)
	}
	clock := NewManualClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	var events []Event
	w := New(fx, Options{Clock: clock, ProcessingDelay: time.Minute, OnEvent: func(e Event) { events = append(events, e) }})
	return w, clock, &events
}

func createTestUpload(t *testing.T, w *World, files ...string) Upload {
	t.Helper()
	in := NewUpload{Name: "batch", Meta: []Meta{{Name: "category", Value: "invoice"}}}
	for _, f := range files {
		in.Files = append(in.Files, NewFile{Name: f, Type: "application/pdf", Size: 10})
	}
	u, err := w.CreateUpload(Principal{KeyID: "k"}, "team", "proj", in)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func uploadEventTypes(events []Event) []string {
	out := []string{}
	for _, e := range events {
		out = append(out, e.Type)
	}
	return out
}

func taskStatusIn(t *testing.T, w *World, id string) Status {
	t.Helper()
	task, err := w.GetTask("team", "proj", id)
	if err != nil {
		t.Fatal(err)
	}
	return task.Status
}

func uploadStatus(t *testing.T, w *World, id string) (UploadStatus, string) {
	t.Helper()
	u, err := w.GetUpload("team", "proj", id)
	if err != nil {
		t.Fatal(err)
	}
	return u.Status, u.FolderID
}

func TestUploadFollowsItsTasks(t *testing.T) {
	w, clock, events := uploadWorld(t, AutomationReview)
	u := createTestUpload(t, w, "a.pdf", "b.pdf", "c.pdf")
	a, b, c := u.Files[0].TaskID, u.Files[1].TaskID, u.Files[2].TaskID
	if u.Status != UploadProcessing || u.FolderID != FolderInbox || taskStatusIn(t, w, a) != StatusProcessing {
		t.Fatalf("new upload %+v", u)
	}
	if task, _ := w.GetTask("team", "proj", a); task.UploadID != u.ID || task.Name != "a.pdf" || len(task.Meta) != 1 {
		t.Errorf("task made from a.pdf = %+v", task)
	}

	clock.Advance(59 * time.Second)
	if s, _ := uploadStatus(t, w, u.ID); s != UploadProcessing || taskStatusIn(t, w, a) != StatusProcessing {
		t.Errorf("before the delay: upload %s, task %s", s, taskStatusIn(t, w, a))
	}
	clock.Advance(time.Second)
	if s, _ := uploadStatus(t, w, u.ID); s != UploadInReview {
		t.Errorf("after the delay: upload %s, want IN_REVIEW", s)
	}

	p := Principal{KeyID: "k"}
	if _, err := w.Complete(p, "team", "proj", a); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Discard(p, "team", "proj", b); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if s, _ := uploadStatus(t, w, u.ID); s != UploadInReview {
		t.Errorf("with c still in review: upload %s, want IN_REVIEW", s)
	}
	if _, err := w.Complete(p, "team", "proj", c); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if s, folder := uploadStatus(t, w, u.ID); s != UploadCompleted || folder != FolderProcessed {
		t.Errorf("all done: upload %s in %s, want COMPLETED in processed", s, folder)
	}
	want := "upload.in_review,task_discarded,task_completed,task_completed,upload.processed"
	if got := joinComma(uploadEventTypes(*events)); got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	if discarded := (*events)[1]; discarded.Upload == nil || discarded.Upload.(*Upload).ID != u.ID || discarded.Task.ID != b {
		t.Errorf("task_discarded does not carry its task and upload: %+v", discarded)
	}
	last := (*events)[len(*events)-1]
	if last.Event != "PROCESSED" || last.EventLevel != "UPLOAD" || last.Task != nil || last.Upload.(*Upload).ID != u.ID {
		t.Errorf("upload.processed = %+v", last)
	}
}

func joinComma(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

func TestUploadAutoProcess(t *testing.T) {
	w, clock, events := uploadWorld(t, AutomationAutoProcess)
	u := createTestUpload(t, w, "a.pdf")
	clock.Advance(time.Minute)
	if taskStatusIn(t, w, u.Files[0].TaskID) != StatusCompleted {
		t.Errorf("task %s, want COMPLETED", taskStatusIn(t, w, u.Files[0].TaskID))
	}
	if s, folder := uploadStatus(t, w, u.ID); s != UploadCompleted || folder != FolderProcessed {
		t.Errorf("upload %s in %s", s, folder)
	}
	if got := joinComma(uploadEventTypes(*events)); got != "task_completed,upload.processed" {
		t.Errorf("events %s", got)
	}
}

func TestUploadAutomationChangeAppliesToPendingIntake(t *testing.T) {
	w, clock, _ := uploadWorld(t, AutomationReview)
	u := createTestUpload(t, w, "a.pdf")
	if _, created, err := w.PutProject("team", "proj", AutomationAutoProcess); err != nil || created {
		t.Fatalf("PutProject: created %v, err %v", created, err)
	}
	clock.Advance(time.Minute)
	if got := taskStatusIn(t, w, u.Files[0].TaskID); got != StatusCompleted {
		t.Errorf("task %s, want COMPLETED", got)
	}
	if _, _, err := w.PutProject("team", "proj", "sometimes"); ErrorCode(err) != Invalid {
		t.Errorf("unknown automation: %v", err)
	}
	if _, created, _ := w.PutProject("team", "new", AutomationReview); !created {
		t.Error("PutProject of a new project did not report it created")
	}
}

func TestUploadErrorsAndReset(t *testing.T) {
	w, clock, _ := uploadWorld(t, AutomationReview)
	p := Principal{KeyID: "k"}
	if _, err := w.CreateUpload(p, "team", "proj", NewUpload{}); ErrorCode(err) != Invalid {
		t.Errorf("no files: %v", err)
	}
	if _, err := w.CreateUpload(p, "team", "nope", NewUpload{Files: []NewFile{{Name: "a"}}}); ErrorCode(err) != NotFound {
		t.Errorf("unknown project: %v", err)
	}
	if _, err := w.GetUpload("team", "proj", "upl_nope"); ErrorCode(err) != NotFound {
		t.Errorf("unknown upload: %v", err)
	}
	u := createTestUpload(t, w, "a.pdf")
	moved, err := w.MoveUpload(p, "team", "proj", u.ID, "archive")
	if err != nil || moved.FolderID != "archive" {
		t.Errorf("move: %+v, %v", moved, err)
	}
	w.Reset()
	clock.Advance(time.Minute) // the intake timer of the forgotten task must do nothing
	if _, err := w.GetUpload("team", "proj", u.ID); ErrorCode(err) != NotFound {
		t.Errorf("upload survived Reset: %v", err)
	}
	if len(w.Events()) != 0 {
		t.Errorf("events after reset: %+v", w.Events())
	}
}

// TestUploadIDsSkipTakenOnes: generated IDs never replace a task put
// through the control API.
func TestUploadIDsSkipTakenOnes(t *testing.T) {
	w, _, _ := uploadWorld(t, AutomationReview)
	taken := DefaultTask("proj", "task_000002", w.Now())
	if _, _, err := w.PutTask("team", "proj", taken); err != nil {
		t.Fatal(err)
	}
	u := createTestUpload(t, w, "a.pdf")
	if u.Files[0].TaskID == "task_000002" {
		t.Fatal("a generated task ID replaced an existing task")
	}
	if task, _ := w.GetTask("team", "proj", "task_000002"); task.UploadID != taken.UploadID {
		t.Errorf("existing task changed: %+v", task)
	}
}

func TestFixtureUploadChecks(t *testing.T) {
	for _, fx := range []Fixtures{
		{Projects: []ProjectFixture{{TeamID: "t", ProjectID: "p", Automation: "sometimes"}}},
		{Projects: []ProjectFixture{{TeamID: "t", ProjectID: "p", Uploads: []Upload{{ID: ""}}}}},
		{Projects: []ProjectFixture{{TeamID: "t", ProjectID: "p", Uploads: []Upload{{ID: "u", Status: "DONE"}}}}},
		{Projects: []ProjectFixture{{TeamID: "t", ProjectID: "p", Uploads: []Upload{{ID: "u", Status: UploadCompleted}, {ID: "u", Status: UploadCompleted}}}}},
	} {
		if err := fx.check(); err == nil {
			t.Errorf("fixtures %+v passed the check", fx)
		}
	}
}
