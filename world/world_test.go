package world

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func testWorld(t *testing.T) (*World, *ManualClock) {
	t.Helper()
	fx := &Fixtures{
		Keys: []KeyFixture{
			{Key: "K_ALL", Name: "all", TeamID: "t1", Scopes: []string{"task.read", "task.edit"}},
			{Key: "K_READ", TeamID: "t1", Scopes: []string{"task.read"}},
			{Key: "K_OTHER", TeamID: "t2", Scopes: []string{"task.read", "task.edit"}},
		},
		Projects: []ProjectFixture{{TeamID: "t1", ProjectID: "p1", Tasks: []Task{
			{ID: "reviewing", Status: StatusReviewing},
			{ID: "processing", Status: StatusProcessing},
			{ID: "done", Status: StatusCompleted, Approved: true},
		}}},
	}
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	return New(fx, Options{Clock: clock, ProcessingDelay: time.Second}), clock
}

func TestAuthenticate(t *testing.T) {
	w, _ := testWorld(t)
	tests := []struct {
		name, key, team, scope string
		code                   Code
		message                string
	}{
		{"valid", "K_ALL", "t1", "task.edit", "", ""},
		{"empty key", "", "t1", "task.read", Unauthorized, MsgInvalidKey},
		{"unknown key", "K_NOPE", "t1", "task.read", Unauthorized, MsgInvalidKey},
		{"other team", "K_OTHER", "t1", "task.read", Forbidden, MsgWrongTeam},
		{"missing scope", "K_READ", "t1", "task.edit", Forbidden, "API key lacks the required scope: task.edit"},
		{"team checked before scope", "K_READ", "t2", "task.edit", Forbidden, MsgWrongTeam},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := w.Authenticate(tt.key, tt.team, tt.scope)
			if tt.code == "" {
				if err != nil || p.KeyID != "all" || p.KeyFingerprint != Fingerprint("K_ALL") {
					t.Fatalf("got %+v, %v", p, err)
				}
				return
			}
			if ErrorCode(err) != tt.code || err.(*Error).Message != tt.message {
				t.Fatalf("got %v, want %s %q", err, tt.code, tt.message)
			}
		})
	}
	if p, _ := w.Authenticate("K_READ", "t1", "task.read"); !strings.HasPrefix(p.KeyID, "key_") || strings.Contains(p.KeyID, "K_READ") {
		t.Errorf("a key without a name is known by its fingerprint, never its value: %q", p.KeyID)
	}
}

func TestFingerprintHidesTheKey(t *testing.T) {
	fp := Fingerprint("YOUR_API_KEY")
	if !strings.HasPrefix(fp, "sha256:") || len(fp) != len("sha256:")+16 || strings.Contains(fp, "YOUR") {
		t.Errorf("fingerprint %q", fp)
	}
	if fp == Fingerprint("YOUR_API_KEY2") {
		t.Error("different keys share a fingerprint")
	}
}

func TestRulesAtTheDomain(t *testing.T) {
	p := Principal{KeyID: "all"}
	tests := []struct {
		name string
		call func(w *World) (Task, error)
		code Code
		msg  string
	}{
		{"approve processing", func(w *World) (Task, error) { return w.Approve(p, "t1", "p1", "processing") }, Invalid, MsgApproveProcessing},
		{"approve approved", func(w *World) (Task, error) { return w.Approve(p, "t1", "p1", "done") }, Invalid, MsgAlreadyApproved},
		{"disapprove not approved", func(w *World) (Task, error) { return w.Disapprove(p, "t1", "p1", "reviewing") }, Invalid, MsgAlreadyDisapproved},
		{"disapprove processing", func(w *World) (Task, error) { return w.Disapprove(p, "t1", "p1", "processing") }, Invalid, MsgDisapproveProcessing},
		{"complete completed", func(w *World) (Task, error) { return w.Complete(p, "t1", "p1", "done") }, Invalid, MsgCompleteNotReviewing},
		{"report without issues", func(w *World) (Task, error) { return w.Report(p, "t1", "p1", "reviewing", nil, "") }, Invalid, "issues must name at least one issue"},
		{"report blank issue", func(w *World) (Task, error) {
			return w.Report(p, "t1", "p1", "reviewing", []ReportIssue{{Label: "x"}}, "")
		}, Invalid, "issues[0] needs a label and a value"},
		{"unknown project", func(w *World) (Task, error) { return w.GetTask("t1", "nope", "done") }, NotFound, MsgProjectNotFound},
		{"unknown task", func(w *World) (Task, error) { return w.GetTask("t1", "p1", "nope") }, NotFound, MsgTaskNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := testWorld(t)
			_, err := tt.call(w)
			if ErrorCode(err) != tt.code || err.(*Error).Message != tt.msg {
				t.Fatalf("got %v, want %s %q", err, tt.code, tt.msg)
			}
			if len(w.Events())+len(w.Audit())+len(w.Training()) != 0 {
				t.Errorf("a refused call left records behind")
			}
		})
	}
}

func TestTasksAreCopiesOut(t *testing.T) {
	w, _ := testWorld(t)
	got, _ := w.Approve(Principal{}, "t1", "p1", "reviewing")
	got.Approved = false
	got.Status = StatusFailed
	again, _ := w.GetTask("t1", "p1", "reviewing")
	if !again.Approved || again.Status != StatusReviewing {
		t.Errorf("changing a returned task changed the world: %+v", again)
	}
	events := w.Events()
	events[0].Type = "changed"
	if w.Events()[0].Type != "task_approved" {
		t.Error("changing returned events changed the world")
	}
}

func TestPutTaskReplacementCancelsProcessing(t *testing.T) {
	w, clock := testWorld(t)
	if _, err := w.Complete(Principal{}, "t1", "p1", "reviewing"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.PutTask("t1", "p1", Task{ID: "reviewing", ProjectID: "p1", Status: StatusProcessing}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	if got, _ := w.GetTask("t1", "p1", "reviewing"); got.Status != StatusProcessing {
		t.Errorf("a replaced task was completed by the old transition: %s", got.Status)
	}
}

func TestLoadFixtures(t *testing.T) {
	good := `{"keys":[{"key":"K","team_id":"t","scopes":["task.read"]}],"projects":[{"team_id":"t","project_id":"p","tasks":[{"id":"a","status":"REVIEWING"}]}]}`
	tests := []struct {
		name  string
		files map[string]string
		want  string // "" means success
	}{
		{"one file", map[string]string{"a.json": good}, ""},
		{"files merge", map[string]string{"a.json": `{"keys":[{"key":"K","team_id":"t","scopes":[]}]}`, "b.json": `{"projects":[{"team_id":"t","project_id":"p","tasks":[]}]}`}, ""},
		{"no files", map[string]string{"readme.txt": "x"}, "no *.json files"},
		{"unknown field", map[string]string{"a.json": `{"kyes":[]}`}, "unknown field"},
		{"duplicate key", map[string]string{"a.json": `{"keys":[{"key":"K","team_id":"t"},{"key":"K","team_id":"t"}]}`}, "appears twice"},
		{"unknown scope", map[string]string{"a.json": `{"keys":[{"key":"K","team_id":"t","scopes":["task.approve"]}]}`}, "unknown scope"},
		{"unknown status", map[string]string{"a.json": `{"projects":[{"team_id":"t","project_id":"p","tasks":[{"id":"a","status":"DONE"}]}]}`}, "unknown status"},
		{"duplicate task", map[string]string{"a.json": `{"projects":[{"team_id":"t","project_id":"p","tasks":[{"id":"a","status":"FAILED"},{"id":"a","status":"FAILED"}]}]}`}, "appears twice"},
		{"task under the wrong project", map[string]string{"a.json": `{"projects":[{"team_id":"t","project_id":"p","tasks":[{"id":"a","status":"FAILED","project_id":"q"}]}]}`}, "differs from its project"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := LoadFixtures(fsys)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}
