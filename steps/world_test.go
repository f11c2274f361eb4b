package steps

import (
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	w := newWorld(&Suite{Team: "team_1", Project: "proj_1", APIKey: "KEY", RunID: "r"})
	w.vars["upload"] = "upl_9"
	got, err := w.expand(`/v2/{team_id}/project/{project_id}?u={upload}&k={api_key} {"issues": []} \d{4}`)
	if err != nil {
		t.Fatal(err)
	}
	if want := `/v2/team_1/project/proj_1?u=upl_9&k=KEY {"issues": []} \d{4}`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := w.expand("/task/{task_id}"); err == nil || !strings.Contains(err.Error(), "needs a task") {
		t.Errorf("{task_id} without a task: want an error saying a task is needed, got %v", err)
	}
	if _, err := w.expand("{nope}"); err == nil || !strings.Contains(err.Error(), "unknown placeholder {nope}") || !strings.Contains(err.Error(), "{upload}") {
		t.Errorf("unknown placeholder: want an error listing the known ones, got %v", err)
	}
	w.task = &TaskRef{ID: "task_7", Team: "team_2", Project: "proj_2"}
	if got, _ := w.expand("{team_id}/{task_id}"); got != "team_2/task_7" {
		t.Errorf("with a task: got %q", got)
	}
}

func TestMaskAuth(t *testing.T) {
	for in, want := range map[string]string{
		"Bearer YOUR_API_KEY": "Bearer YOU…EY",
		"Bearer short":        "Bearer short",
		"Basic":               "Basic",
	} {
		if got := maskAuth(in); got != want {
			t.Errorf("maskAuth(%q) = %q, want %q", in, got, want)
		}
	}
}
