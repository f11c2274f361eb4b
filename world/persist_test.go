package world

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func testFixtures() *Fixtures {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	task := func(id string, st Status) Task {
		t := DefaultTask("proj_1", id, t0)
		t.Status = st
		return t
	}
	return &Fixtures{
		Keys: []KeyFixture{{Key: "KEY", Name: "main", TeamID: "team_1", Scopes: []string{"task.read", "task.edit"}}},
		Projects: []ProjectFixture{{TeamID: "team_1", ProjectID: "proj_1", Tasks: []Task{
			task("t_review", StatusReviewing), task("t_done", StatusCompleted), task("t_gone", StatusFailed),
		}}},
	}
}

func openState(t *testing.T, path string, clock Clock) (*World, *FileJournal, []string) {
	t.Helper()
	var reports []string
	w, j, err := Open(path, testFixtures(), Options{Clock: clock, ProcessingDelay: time.Minute}, func(m string) { reports = append(reports, m) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return w, j, reports
}

func mustTask(t *testing.T, w *World, id string) Task {
	t.Helper()
	got, err := w.GetTask("team_1", "proj_1", id)
	if err != nil {
		t.Fatalf("GetTask(%s): %v", id, err)
	}
	return got
}

// mutate makes one of each kind of change and returns the principal used.
func mutate(t *testing.T, w *World) {
	t.Helper()
	p, err := w.Authenticate("KEY", "team_1", "task.edit")
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error { _, err := w.Approve(p, "team_1", "proj_1", "t_done"); return err },
		func() error { _, err := w.Complete(p, "team_1", "proj_1", "t_review"); return err },
		func() error {
			_, err := w.Report(p, "team_1", "proj_1", "t_done", []ReportIssue{{Label: "Poor", Value: "poor"}}, "blurry")
			return err
		},
		func() error {
			_, _, err := w.PutTask("team_1", "proj_2", DefaultTask("proj_2", "t_new", w.Now()))
			return err
		},
		func() error { return w.DeleteTask("team_1", "proj_1", "t_gone") },
		func() error {
			return w.PutKey(KeyFixture{Key: "KEY2", Name: "second", TeamID: "team_1", Scopes: []string{"task.read"}})
		},
	}
	for i, f := range steps {
		if err := f(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	clock := NewManualClock(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	w, j, _ := openState(t, path, clock)
	mutate(t, w)
	wantAudit, wantEvents, wantTraining := w.Audit(), w.Events(), w.Training()
	j.Close()

	clock2 := NewManualClock(clock.Now())
	w2, _, reports := openState(t, path, clock2)
	if len(reports) != 1 || !strings.Contains(reports[0], "0 skipped") {
		t.Errorf("reports: got %q, want one line saying nothing was skipped", reports)
	}
	if got := mustTask(t, w2, "t_done"); !got.Approved {
		t.Errorf("t_done: approval lost across the restart")
	}
	if got := mustTask(t, w2, "t_review"); got.Status != StatusProcessing {
		t.Errorf("t_review: got status %s, want PROCESSING", got.Status)
	}
	if _, err := w2.GetTask("team_1", "proj_1", "t_gone"); ErrorCode(err) != NotFound {
		t.Errorf("t_gone: got %v, want NotFound after the deletion was replayed", err)
	}
	if _, err := w2.GetTask("team_1", "proj_2", "t_new"); err != nil {
		t.Errorf("t_new: %v", err)
	}
	if _, err := w2.Authenticate("KEY2", "team_1", "task.read"); err != nil {
		t.Errorf("KEY2: %v", err)
	}
	if got, want := len(w2.Audit()), len(wantAudit); got != want {
		t.Errorf("audit: got %d entries, want %d", got, want)
	}
	if got, want := len(w2.Events()), len(wantEvents); got != want {
		t.Errorf("events: got %d, want %d", got, want)
	}
	if got, want := len(w2.Training()), len(wantTraining); got != want {
		t.Errorf("training: got %d, want %d", got, want)
	}
	// IDs go on from where they stopped, not from 1 again.
	mutate2 := w2.Audit()
	p, _ := w2.Authenticate("KEY", "team_1", "task.edit")
	if _, err := w2.Disapprove(p, "team_1", "proj_1", "t_done"); err != nil {
		t.Fatal(err)
	}
	if last := w2.Audit()[len(w2.Audit())-1].ID; last == mutate2[0].ID || last <= mutate2[len(mutate2)-1].ID {
		t.Errorf("audit IDs restarted: new entry %s after %s", last, mutate2[len(mutate2)-1].ID)
	}
	// The interrupted PROCESSING -> COMPLETED transition resumes.
	clock2.Advance(time.Minute)
	if got := mustTask(t, w2, "t_review"); got.Status != StatusCompleted {
		t.Errorf("t_review after the delay: got %s, want COMPLETED", got.Status)
	}
}

func TestStateResetIsDurable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	w, j, _ := openState(t, path, nil)
	mutate(t, w)
	if err := w.Reset(); err != nil {
		t.Fatal(err)
	}
	j.Close()
	w2, _, _ := openState(t, path, nil)
	if got := mustTask(t, w2, "t_done"); got.Approved {
		t.Errorf("t_done: approved after a reset and a restart")
	}
	if n := len(w2.Audit()); n != 0 {
		t.Errorf("audit: got %d entries after reset, want 0", n)
	}
}

func TestStateSkipsTornAndCorruptLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	w, j, _ := openState(t, path, nil)
	p, _ := w.Authenticate("KEY", "team_1", "task.edit")
	if _, err := w.Approve(p, "team_1", "proj_1", "t_done"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Discard(p, "team_1", "proj_1", "t_review"); err != nil {
		t.Fatal(err)
	}
	j.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) != 4 || lines[3] != "" { // snapshot, approve, discard
		t.Fatalf("got %d lines, want snapshot + 2 changes", len(lines)-1)
	}
	// Corrupt the approve line (a flipped byte in its JSON) and add a torn
	// write at the end.
	bad := []byte(lines[1])
	bad[20] ^= 0x01
	torn := lines[2][:len(lines[2])/2]
	if err := os.WriteFile(path, []byte(lines[0]+string(bad)+lines[2]+torn), 0o644); err != nil {
		t.Fatal(err)
	}
	w2, _, reports := openState(t, path, nil)
	all := strings.Join(reports, "\n")
	for _, want := range []string{"line 2: checksum", "line 4 is torn", "2 records restored, 2 skipped"} {
		if !strings.Contains(all, want) {
			t.Errorf("reports lack %q:\n%s", want, all)
		}
	}
	if got := mustTask(t, w2, "t_done"); got.Approved {
		t.Errorf("t_done: the corrupt approval was applied")
	}
	if got := mustTask(t, w2, "t_review"); got.Status != StatusDiscarded {
		t.Errorf("t_review: got %s, want DISCARDED (the line after the corrupt one)", got.Status)
	}
	// Open compacted the file: it is whole again.
	data, _ = os.ReadFile(path)
	if n := strings.Count(string(data), "\n"); n != 1 || !strings.HasSuffix(string(data), "\n") {
		t.Errorf("after Open: got %d lines, want one snapshot line", n)
	}
}

func TestStateCompactsWhenLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	w, j, _ := openState(t, path, nil)
	j.compactAt = 4 << 10
	p, _ := w.Authenticate("KEY", "team_1", "task.edit")
	for range 50 {
		if _, err := w.Approve(p, "team_1", "proj_1", "t_done"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Disapprove(p, "team_1", "proj_1", "t_done"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Approve(p, "team_1", "proj_1", "t_done"); err != nil {
		t.Fatal(err)
	}
	j.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n >= 101 {
		t.Errorf("state file has %d lines for 101 changes: it was never compacted", n)
	}
	if !strings.Contains(strings.SplitN(string(data), "\n", 2)[0], `"snapshot"`) {
		t.Errorf("the compacted file does not start with a snapshot")
	}
	w2, _, reports := openState(t, path, nil)
	if got := mustTask(t, w2, "t_done"); !got.Approved {
		t.Errorf("t_done: last approval lost across compaction (reports %q)", reports)
	}
	if got, want := len(w2.Audit()), 101; got != want {
		t.Errorf("audit: got %d entries, want %d", got, want)
	}
}

// TestStateKeepsUploadsAndTheirIntake restarts while an upload's tasks are
// still in intake: the upload, its tasks, the project's automation level
// and a moved folder survive, and the intake finishes after the restart.
func TestStateKeepsUploadsAndTheirIntake(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	clock := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	w, j, _ := openState(t, path, clock)
	p, _ := w.Authenticate("KEY", "team_1", "")
	if _, _, err := w.PutProject("team_1", "proj_2", AutomationAutoProcess); err != nil {
		t.Fatal(err)
	}
	done, err := w.CreateUpload(p, "team_1", "proj_1", NewUpload{Files: []NewFile{{Name: "a.pdf", Size: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.MoveUpload(p, "team_1", "proj_1", done.ID, "archive"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute) // the first upload's task reaches REVIEWING
	open, err := w.CreateUpload(p, "team_1", "proj_2", NewUpload{Files: []NewFile{{Name: "b.pdf", Size: 1}, {Name: "c.pdf", Size: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	j.Close()

	clock2 := NewManualClock(clock.Now())
	w2, _, reports := openState(t, path, clock2)
	if len(reports) == 0 || !strings.Contains(reports[len(reports)-1], "0 skipped") {
		t.Errorf("reports: %v", reports)
	}
	u, err := w2.GetUpload("team_1", "proj_1", done.ID)
	if err != nil || u.Status != UploadInReview || u.FolderID != "archive" {
		t.Fatalf("first upload after restart: %+v, %v", u, err)
	}
	if got, _ := w2.GetTask("team_1", "proj_1", u.Files[0].TaskID); got.Status != StatusReviewing {
		t.Errorf("its task: %s, want REVIEWING", got.Status)
	}
	if pr, err := w2.GetProject("team_1", "proj_2"); err != nil || pr.Automation != AutomationAutoProcess {
		t.Fatalf("project after restart: %+v, %v", pr, err)
	}
	u2, err := w2.GetUpload("team_1", "proj_2", open.ID)
	if err != nil || u2.Status != UploadProcessing || len(u2.Files) != 2 {
		t.Fatalf("second upload after restart: %+v, %v", u2, err)
	}
	clock2.Advance(time.Minute) // intake resumes after the restart
	for _, f := range u2.Files {
		if got, _ := w2.GetTask("team_1", "proj_2", f.TaskID); got.Status != StatusCompleted {
			t.Errorf("%s after resumed intake in an auto-process project: %s, want COMPLETED", f.TaskID, got.Status)
		}
	}
	if u2, _ = w2.GetUpload("team_1", "proj_2", open.ID); u2.Status != UploadCompleted || u2.FolderID != FolderProcessed {
		t.Errorf("second upload after intake: %s in %s, want COMPLETED in processed", u2.Status, u2.FolderID)
	}
}

// gatedFsync makes a journal's fsyncs wait for the test: each one signals
// started, then waits on release. It counts them.
type gatedFsync struct {
	started, release chan struct{}
	calls            atomic.Int32
	fail             error
}

func gate(j *FileJournal) *gatedFsync {
	g := &gatedFsync{started: make(chan struct{}, 100), release: make(chan struct{}, 100)}
	j.mu.Lock()
	j.fsync = func(f *os.File) error {
		g.calls.Add(1)
		g.started <- struct{}{}
		<-g.release
		if g.fail != nil {
			return g.fail
		}
		return f.Sync()
	}
	j.mu.Unlock()
	return g
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// Changes made while an fsync runs share the next one; a reader is not
// held up by the disk; each change is answered only once it is on disk.
func TestStateGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	w, j, _ := openState(t, path, NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
	g := gate(j)
	p := Principal{KeyID: "main"}

	first := make(chan error, 1)
	go func() { _, err := w.Approve(p, "team_1", "proj_1", "t_review"); first <- err }()
	<-g.started // the first approval's fsync is running

	// The world is not locked meanwhile: a reader sees the change at once.
	if !mustTask(t, w, "t_review").Approved {
		t.Fatal("a reader does not see the change being made durable")
	}
	select {
	case err := <-first:
		t.Fatalf("the approval was answered (%v) before its fsync ended", err)
	default:
	}

	// Nine more changes, written while the first fsync runs.
	const more = 9
	done := make(chan error, more)
	for i := range more {
		go func() {
			_, _, err := w.PutTask("team_1", "proj_1", DefaultTask("proj_1", fmt.Sprintf("t_more_%d", i), w.Now()))
			done <- err
		}()
	}
	waitFor(t, "the other changes to be written", func() bool {
		tasks, _ := w.ListTasks("team_1", "proj_1", TaskFilter{})
		return len(tasks) == 3+more
	})
	g.release <- struct{}{} // the first fsync ends
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	<-g.started // one fsync for all nine
	select {
	case err := <-done:
		t.Fatalf("a change was answered (%v) before its fsync ended", err)
	default:
	}
	g.release <- struct{}{}
	for range more {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := g.calls.Load(); n != 2 {
		t.Fatalf("%d fsyncs for %d changes, want 2", n, 1+more)
	}

	j.Close()
	w2, _, _ := openState(t, path, nil)
	if !mustTask(t, w2, "t_review").Approved {
		t.Error("the approval did not survive a restart")
	}
	for i := range more {
		mustTask(t, w2, fmt.Sprintf("t_more_%d", i))
	}
}

// A failed fsync fails the change waiting on it and every later one: the
// kernel may have dropped what it could not write. Reads go on.
func TestStateFsyncFailureIsFinal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.jsonl")
	var reports []string
	w, j, err := Open(path, testFixtures(), Options{ProcessingDelay: time.Minute}, func(m string) { reports = append(reports, m) })
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	g := gate(j)
	g.fail = errors.New("disk on fire")
	g.release <- struct{}{}
	p := Principal{KeyID: "main"}
	if _, err := w.Approve(p, "team_1", "proj_1", "t_review"); ErrorCode(err) != Internal || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("approve over a failing disk: got %v, want Internal naming the cause", err)
	}
	if _, err := w.Approve(p, "team_1", "proj_1", "t_done"); ErrorCode(err) != Internal || !strings.Contains(err.Error(), "no longer kept") {
		t.Fatalf("the next change: got %v, want Internal", err)
	}
	if n := g.calls.Load(); n != 1 {
		t.Errorf("%d fsyncs after the failure, want none", n-1)
	}
	if _, err := w.GetTask("team_1", "proj_1", "t_review"); err != nil {
		t.Errorf("reads stop after an fsync failure: %v", err)
	}
	if !slices.ContainsFunc(reports, func(m string) bool { return strings.Contains(m, "fsync failed") }) {
		t.Errorf("the failure was not reported: %q", reports)
	}
}
