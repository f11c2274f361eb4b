package world

import (
	"fmt"
	"slices"
	"strings"
)

// Journal makes the world's changes durable. Record is called with the
// world locked, after a change is applied in memory and before the method
// that made it returns, so a caller that got an answer knows its change
// is recorded. An error from Record fails that method with Internal (the
// change stays in memory). Record must not call back into the world.
type Journal interface {
	Record(c *Change) error
}

// TaskRef names a task.
type TaskRef struct {
	TeamID    string `json:"team_id"`
	ProjectID string `json:"project_id"`
	TaskID    string `json:"task_id"`
}

// StoredTask is a task with the project it is stored under.
type StoredTask struct {
	TeamID    string `json:"team_id"`
	ProjectID string `json:"project_id"`
	Task      Task   `json:"task"`
}

// Change is what one method did to the world, in the order apply replays
// it: a reset, deletions, task versions stored, keys put, transitions
// scheduled, then the records appended.
type Change struct {
	Reset          bool            `json:"reset,omitempty"`
	Deleted        []TaskRef       `json:"deleted,omitempty"`
	Tasks          []StoredTask    `json:"tasks,omitempty"`
	Keys           []KeyFixture    `json:"keys,omitempty"`
	Processing     []TaskRef       `json:"processing,omitempty"`
	Audit          []AuditEntry    `json:"audit,omitempty"`
	TrainingAdd    []TrainingEntry `json:"training_add,omitempty"`
	TrainingRemove []TaskRef       `json:"training_remove,omitempty"`
	Events         []Event         `json:"events,omitempty"`
	Seq            int             `json:"seq"`
}

// Snapshot is the whole world, for compaction: applying it to a fresh
// world gives the same state as replaying every change before it.
type Snapshot struct {
	Keys       []KeyFixture     `json:"keys"`
	Projects   []ProjectFixture `json:"projects"`
	Audit      []AuditEntry     `json:"audit"`
	Training   []TrainingEntry  `json:"training"`
	Events     []Event          `json:"events"`
	Processing []TaskRef        `json:"processing"`
	Seq        int              `json:"seq"`
}

// commitLocked hands the pending change to the journal.
func (w *World) commitLocked() error {
	if w.journal == nil {
		return nil
	}
	c := w.pending
	w.pending = Change{}
	c.Seq = w.seq
	if err := w.journal.Record(&c); err != nil {
		return &Error{Code: Internal, Message: fmt.Sprintf("recording the change: %v", err)}
	}
	return nil
}

// noteTaskLocked records the current version of a task changed in place.
func (w *World) noteTaskLocked(teamID, projectID string, ts *taskState) {
	if w.journal != nil {
		w.pending.Tasks = append(w.pending.Tasks, StoredTask{TeamID: teamID, ProjectID: projectID, Task: ts.Task})
	}
}

// untrainLocked takes a task out of the training dataset.
func (w *World) untrainLocked(ref TaskRef) {
	w.training = slices.DeleteFunc(w.training, func(e TrainingEntry) bool {
		return e.TaskID == ref.TaskID && e.TeamID == ref.TeamID && e.ProjectID == ref.ProjectID
	})
	if w.journal != nil {
		w.pending.TrainingRemove = append(w.pending.TrainingRemove, ref)
	}
}

// deleteLocked removes a task that exists.
func (w *World) deleteLocked(ref TaskRef) {
	p := w.projects[projectRef{ref.TeamID, ref.ProjectID}]
	delete(p.tasks, ref.TaskID)
	p.order = slices.DeleteFunc(p.order, func(id string) bool { return id == ref.TaskID })
	delete(w.processing, ref)
	if w.journal != nil {
		w.pending.Deleted = append(w.pending.Deleted, ref)
	}
}

// applyLocked replays a recorded change. Events replayed are not
// published again, and nothing is recorded.
func (w *World) applyLocked(c *Change) {
	if c.Reset {
		w.resetLocked()
	}
	for _, ref := range c.Deleted {
		if _, err := w.findLocked(ref.TeamID, ref.ProjectID, ref.TaskID); err == nil {
			w.deleteLocked(ref)
		}
	}
	for _, st := range c.Tasks {
		st.Task.normalize()
		w.storeLocked(st.TeamID, st.ProjectID, st.Task)
	}
	for _, k := range c.Keys {
		w.putKeyLocked(k)
	}
	for _, ref := range c.Processing {
		w.processing[ref] = true
	}
	for _, e := range c.Audit {
		w.audit.add(e)
	}
	w.training = append(w.training, c.TrainingAdd...)
	for _, ref := range c.TrainingRemove {
		w.untrainLocked(ref)
	}
	for _, e := range c.Events {
		w.events.add(e)
	}
	w.seq = c.Seq
}

// snapshotLocked returns the whole world.
func (w *World) snapshotLocked() *Snapshot {
	s := &Snapshot{Audit: w.audit.list(), Training: slices.Clone(w.training), Events: w.events.list(), Seq: w.seq}
	for raw, k := range w.keys {
		s.Keys = append(s.Keys, KeyFixture{Key: raw, Name: k.id, TeamID: k.team, Scopes: slices.Clone(k.scopes)})
	}
	slices.SortFunc(s.Keys, func(a, b KeyFixture) int { return strings.Compare(a.Key, b.Key) })
	for ref, p := range w.projects {
		pf := ProjectFixture{TeamID: ref.team, ProjectID: ref.project, Tasks: make([]Task, 0, len(p.order))}
		for _, id := range p.order {
			pf.Tasks = append(pf.Tasks, p.tasks[id].Task)
		}
		s.Projects = append(s.Projects, pf)
	}
	slices.SortFunc(s.Projects, func(a, b ProjectFixture) int {
		return strings.Compare(a.TeamID+"/"+a.ProjectID, b.TeamID+"/"+b.ProjectID)
	})
	for ref := range w.processing {
		s.Processing = append(s.Processing, ref)
	}
	slices.SortFunc(s.Processing, func(a, b TaskRef) int {
		return strings.Compare(a.TeamID+"/"+a.ProjectID+"/"+a.TaskID, b.TeamID+"/"+b.ProjectID+"/"+b.TaskID)
	})
	return s
}

// restoreLocked replaces the world with a snapshot.
func (w *World) restoreLocked(s *Snapshot) {
	w.keys = make(map[string]apiKey, len(s.Keys))
	for _, k := range s.Keys {
		w.putKeyLocked(k)
	}
	w.projects = make(map[projectRef]*project, len(s.Projects))
	w.processing = map[TaskRef]bool{}
	for _, p := range s.Projects {
		w.projectLocked(p.TeamID, p.ProjectID)
		for _, t := range p.Tasks {
			t.normalize()
			w.storeLocked(p.TeamID, p.ProjectID, t)
		}
	}
	for _, ref := range s.Processing {
		w.processing[ref] = true
	}
	w.audit.reset()
	for _, e := range s.Audit {
		w.audit.add(e)
	}
	w.events.reset()
	for _, e := range s.Events {
		w.events.add(e)
	}
	w.training = slices.Clone(s.Training)
	w.seq = s.Seq
}

// resumeLocked schedules again the transitions a restart interrupted: each
// task still PROCESSING finishes a full processing delay from now.
func (w *World) resumeLocked() {
	for ref := range w.processing {
		ts, err := w.findLocked(ref.TeamID, ref.ProjectID, ref.TaskID)
		if err != nil || ts.Status != StatusProcessing {
			delete(w.processing, ref)
			continue
		}
		w.clock.AfterFunc(w.delay, func() { w.finishProcessing(ref.TeamID, ref.ProjectID, ts) })
	}
}
