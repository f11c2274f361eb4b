package world

import (
	"testing"
	"time"
)

// What is kept for a stored task version is given back while the version
// is unchanged, one encoding per value of approved; every other edit, a
// new version, or the end of processing outdates it.
func TestKeptEncodingsFollowTheTask(t *testing.T) {
	w, clock := testWorld(t)
	p := Principal{KeyID: "all"}
	get := func(id string) Task {
		t.Helper()
		task, err := w.GetTask("t1", "p1", id)
		if err != nil {
			t.Fatal(err)
		}
		return task
	}
	want := func(step string, task Task, enc string) {
		t.Helper()
		if got := string(task.Encoding()); got != enc {
			t.Errorf("%s: Encoding() = %q, want %q", step, got, enc)
		}
	}
	must := func(task Task, err error) Task {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return task
	}

	first := get("reviewing")
	want("never kept", first, "")
	first.KeepEncoding([]byte("reviewing"))
	want("unchanged", get("reviewing"), "reviewing")

	approved := must(w.Approve(p, "t1", "p1", "reviewing"))
	want("approved", approved, "")
	approved.KeepEncoding([]byte("reviewing+approved"))
	want("disapproved", must(w.Disapprove(p, "t1", "p1", "reviewing")), "reviewing")
	want("approved again", must(w.Approve(p, "t1", "p1", "reviewing")), "reviewing+approved")
	want("a copy from before approving", first, "reviewing")

	completing := must(w.Complete(p, "t1", "p1", "reviewing"))
	want("completing", completing, "")
	// A copy taken before an edit still gets what was kept for it, until
	// something is kept for the edited task.
	want("a copy from before completing", approved, "reviewing+approved")
	completing.KeepEncoding([]byte("processing"))
	want("still processing", get("reviewing"), "processing")
	clock.Advance(time.Second)
	done := get("reviewing")
	if done.Status != StatusCompleted {
		t.Fatalf("after the processing delay: %s", done.Status)
	}
	want("completed", done, "")
	done.KeepEncoding([]byte("completed"))

	want("a copy from before completing, once the completed task kept one", approved, "")
	want("discard ignored (not REVIEWING)", must(w.Discard(p, "t1", "p1", "reviewing")), "completed")

	replaced := get("done")
	replaced.KeepEncoding([]byte("done"))
	want("kept", get("done"), "done")
	replaced.Name = "renamed"
	if _, _, err := w.PutTask("t1", "p1", replaced); err != nil {
		t.Fatal(err)
	}
	want("a new version", get("done"), "")

	fresh := Task{ID: "fresh", ProjectID: "p1", Status: StatusReviewing}
	if _, _, err := w.PutTask("t1", "p1", fresh); err != nil {
		t.Fatal(err)
	}
	fresh = get("fresh")
	fresh.KeepEncoding([]byte("fresh"))
	want("discarded", must(w.Discard(p, "t1", "p1", "fresh")), "")

	loose := Task{ID: "loose"}
	loose.KeepEncoding([]byte("loose"))
	want("a task the world did not hand out", loose, "")
}

func TestKeptEncodingsEndWithIntake(t *testing.T) {
	w, clock, _ := uploadWorld(t, AutomationReview)
	u := createTestUpload(t, w, "a.pdf")
	tasks, err := w.ListTasks("team", "proj", TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var task Task
	for _, tk := range tasks {
		if tk.UploadID == u.ID {
			task = tk
		}
	}
	if task.Status != StatusProcessing {
		t.Fatalf("new task: %+v", task)
	}
	task.KeepEncoding([]byte("processing"))
	clock.Advance(time.Minute)
	after, err := w.GetTask("team", "proj", task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != StatusReviewing || after.Encoding() != nil {
		t.Fatalf("after intake: status %s, encoding %q", after.Status, after.Encoding())
	}
}
