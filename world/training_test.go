package world

import "testing"

// The training dataset holds approved tasks only, whatever the control
// API does to a task after its approval.
func TestTrainingFollowsControlChanges(t *testing.T) {
	w := New(testFixtures(), Options{})
	p, err := w.Authenticate("KEY", "team_1", "task.edit")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"t_done", "t_gone"} {
		if _, err := w.Approve(p, "team_1", "proj_1", id); err != nil {
			t.Fatal(err)
		}
	}
	replaced := DefaultTask("proj_1", "t_done", w.Now())
	if _, _, err := w.PutTask("team_1", "proj_1", replaced); err != nil {
		t.Fatal(err)
	}
	if err := w.DeleteTask("team_1", "proj_1", "t_gone"); err != nil {
		t.Fatal(err)
	}
	if got := w.Training(); len(got) != 0 {
		t.Errorf("training: got %+v, want empty after replacing one task as not approved and deleting the other", got)
	}
}
