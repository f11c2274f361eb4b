package world

import (
	"fmt"
	"slices"
	"strings"
)

// Journal makes the world's changes durable, in two steps. Record is
// called with the world locked, after a change is applied in memory, so
// changes reach it in the order they were made. Sync is called once the
// world is unlocked, before the method that made the change returns, and
// returns once every change recorded before the call is durable. So a
// caller that got an answer knows its change is durable, changes made at
// the same time can share one flush (group commit), and nobody waits for
// the disk with the world locked. An error from either fails the method
// with Internal (the change stays in memory). Neither may call back into
// the world.
//
// Between the two steps another caller may read the change: a crash then
// loses a change someone has seen, but never one whose maker was answered.
type Journal interface {
	Record(c *Change) error
	Sync() error
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

// StoredUpload is an upload with the project it belongs to.
type StoredUpload struct {
	TeamID    string `json:"team_id"`
	ProjectID string `json:"project_id"`
	Upload    Upload `json:"upload"`
}

// ProjectSetting is a project's automation level.
type ProjectSetting struct {
	TeamID     string     `json:"team_id"`
	ProjectID  string     `json:"project_id"`
	Automation Automation `json:"automation"`
}

// Change is what one method did to the world, in the order apply replays
// it: a reset, deletions, project settings, task and upload versions
// stored, keys put, transitions scheduled, then the records appended.
type Change struct {
	Reset          bool             `json:"reset,omitempty"`
	Deleted        []TaskRef        `json:"deleted,omitempty"`
	Projects       []ProjectSetting `json:"projects,omitempty"`
	Tasks          []StoredTask     `json:"tasks,omitempty"`
	Uploads        []StoredUpload   `json:"uploads,omitempty"`
	Keys           []KeyFixture     `json:"keys,omitempty"`
	Processing     []TaskRef        `json:"processing,omitempty"`
	Intake         []TaskRef        `json:"intake,omitempty"`
	Audit          []AuditEntry     `json:"audit,omitempty"`
	TrainingAdd    []TrainingEntry  `json:"training_add,omitempty"`
	TrainingRemove []TaskRef        `json:"training_remove,omitempty"`
	Events         []Event          `json:"events,omitempty"`
	Seq            int              `json:"seq"`
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
	Intake     []TaskRef        `json:"intake,omitempty"`
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
	w.recorded = true
	return nil
}

// unlock unlocks the world and then, if the method recorded a change,
// waits until the journal has made it durable (see Journal). A failure
// sets *err unless it already holds one; err is nil where no caller waits
// for the change (a timer's).
func (w *World) unlock(err *error) {
	recorded := w.recorded
	w.recorded = false
	w.mu.Unlock()
	if !recorded {
		return
	}
	if e := w.journal.Sync(); e != nil && err != nil && *err == nil {
		*err = &Error{Code: Internal, Message: fmt.Sprintf("recording the change: %v", e)}
	}
}

// noteTaskLocked records an in-place edit of a stored task: the
// encodings kept for it no longer match (see Task.Encoding), and the
// journal gets the task as it now is.
func (w *World) noteTaskLocked(teamID, projectID string, ts *taskState) {
	ts.rev++
	w.journalTaskLocked(teamID, projectID, ts)
}

// noteApprovalLocked records an edit of Approved alone: it chooses
// between the encodings kept for the task rather than outdating them.
func (w *World) noteApprovalLocked(teamID, projectID string, ts *taskState) {
	w.journalTaskLocked(teamID, projectID, ts)
}

func (w *World) journalTaskLocked(teamID, projectID string, ts *taskState) {
	if w.journal != nil {
		w.pending.Tasks = append(w.pending.Tasks, StoredTask{TeamID: teamID, ProjectID: projectID, Task: ts.Task})
	}
}

// noteUploadLocked records the current version of an upload.
func (w *World) noteUploadLocked(teamID, projectID string, u Upload) {
	if w.journal != nil {
		w.pending.Uploads = append(w.pending.Uploads, StoredUpload{TeamID: teamID, ProjectID: projectID, Upload: u})
	}
}

// noteProjectLocked records a project's automation level (and that it exists).
func (w *World) noteProjectLocked(teamID, projectID string, a Automation) {
	if w.journal != nil {
		w.pending.Projects = append(w.pending.Projects, ProjectSetting{TeamID: teamID, ProjectID: projectID, Automation: a})
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
	delete(w.intake, ref)
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
	for _, ps := range c.Projects {
		w.projectLocked(ps.TeamID, ps.ProjectID).automation = ps.Automation
	}
	for _, st := range c.Tasks {
		st.Task.Normalize()
		w.storeLocked(st.TeamID, st.ProjectID, st.Task)
	}
	for _, su := range c.Uploads {
		su.Upload.normalize()
		w.projectLocked(su.TeamID, su.ProjectID).putUpload(su.Upload)
	}
	for _, k := range c.Keys {
		w.putKeyLocked(k)
	}
	for _, ref := range c.Processing {
		w.processing[ref] = true
	}
	for _, ref := range c.Intake {
		w.intake[ref] = true
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
		pf := ProjectFixture{TeamID: ref.team, ProjectID: ref.project, Automation: p.automation, Tasks: make([]Task, 0, len(p.order))}
		for _, id := range p.order {
			pf.Tasks = append(pf.Tasks, p.tasks[id].Task)
		}
		for _, id := range p.uploadOrder {
			pf.Uploads = append(pf.Uploads, *p.uploads[id])
		}
		s.Projects = append(s.Projects, pf)
	}
	slices.SortFunc(s.Projects, func(a, b ProjectFixture) int {
		return strings.Compare(a.TeamID+"/"+a.ProjectID, b.TeamID+"/"+b.ProjectID)
	})
	s.Processing, s.Intake = sortedRefs(w.processing), sortedRefs(w.intake)
	return s
}

// restoreLocked replaces the world with a snapshot.
func (w *World) restoreLocked(s *Snapshot) {
	w.keys = make(map[string]apiKey, len(s.Keys))
	for _, k := range s.Keys {
		w.putKeyLocked(k)
	}
	w.projects = make(map[projectRef]*project, len(s.Projects))
	w.processing, w.intake = map[TaskRef]bool{}, map[TaskRef]bool{}
	for _, p := range s.Projects {
		pr := w.projectLocked(p.TeamID, p.ProjectID)
		if p.Automation != "" {
			pr.automation = p.Automation
		}
		for _, t := range p.Tasks {
			t.Normalize()
			w.storeLocked(p.TeamID, p.ProjectID, t)
		}
		for _, u := range p.Uploads {
			u.normalize()
			pr.putUpload(u)
		}
	}
	for _, ref := range s.Processing {
		w.processing[ref] = true
	}
	for _, ref := range s.Intake {
		w.intake[ref] = true
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

// sortedRefs lists a set of task references in a stable order.
func sortedRefs(set map[TaskRef]bool) []TaskRef {
	out := make([]TaskRef, 0, len(set))
	for ref := range set {
		out = append(out, ref)
	}
	slices.SortFunc(out, func(a, b TaskRef) int {
		return strings.Compare(a.TeamID+"/"+a.ProjectID+"/"+a.TaskID, b.TeamID+"/"+b.ProjectID+"/"+b.TaskID)
	})
	return out
}

// resumeLocked schedules again the transitions a restart interrupted: each
// task still PROCESSING finishes a full processing delay from now, as
// Complete or as an upload's intake left it.
func (w *World) resumeLocked() {
	for ref := range w.intake {
		ts, err := w.findLocked(ref.TeamID, ref.ProjectID, ref.TaskID)
		if err != nil || ts.Status != StatusProcessing {
			delete(w.intake, ref)
			continue
		}
		w.clock.AfterFunc(w.delay, func() { w.finishIntake(ref.TeamID, ref.ProjectID, ts) })
	}
	for ref := range w.processing {
		ts, err := w.findLocked(ref.TeamID, ref.ProjectID, ref.TaskID)
		if err != nil || ts.Status != StatusProcessing {
			delete(w.processing, ref)
			continue
		}
		w.clock.AfterFunc(w.delay, func() { w.finishProcessing(ref.TeamID, ref.ProjectID, ts) })
	}
}
