package steps

import (
	"strings"
	"testing"
)

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		name, doc, wantErr string
	}{
		{"yaml", "team_id: t\ntasks:\n  COMPLETED: [task_1]\nkeys:\n  other_team: K\n", ""},
		{"json", `{"project_id": "p", "tasks": {"REVIEWING": ["a", "b"]}}`, ""},
		{"unknown field", "team: t\n", "field team not found"},
		{"unknown status", "tasks:\n  DONE: [x]\n", `"DONE" is not a status`},
		{"unknown key kind", "keys:\n  admin: K\n", `"admin" is not a key kind`},
		{"empty id", `{"tasks": {"FAILED": [""]}}`, "an empty task id"},
		{"not a document", "tasks: [", "fixtures:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFixtures([]byte(tt.doc))
			if tt.wantErr == "" {
				if err != nil || f == nil {
					t.Fatalf("want no error, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("want an error containing %q, got %v", tt.wantErr, err)
			}
		})
	}
}

func TestParseFixturesReadsValues(t *testing.T) {
	f, err := ParseFixtures([]byte("team_id: team_9\nproject_id: proj_9\nkeys:\n  without_task_edit: RO\ntasks:\n  COMPLETED: [task_a, task_b]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.TeamID != "team_9" || f.ProjectID != "proj_9" || f.Keys[KeyWithoutTaskEdit] != "RO" || len(f.Tasks["COMPLETED"]) != 2 {
		t.Errorf("got %+v", f)
	}
}
