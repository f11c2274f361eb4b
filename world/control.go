package world

import (
	"time"
)

// The methods in this file serve the control API: they change the world
// directly, with no API key and no business rules.

// PutTask creates or replaces a task (and its project, if new). t.ID and
// t.ProjectID must match the path they are stored under. A task stored as
// not approved leaves the training dataset. It reports whether the task is
// new. Errors: Invalid.
func (w *World) PutTask(teamID, projectID string, t Task) (_ Task, _ bool, err error) {
	if t.ProjectID != projectID {
		return Task{}, false, Errorf(Invalid, "project_id %q does not match the path's project %q", t.ProjectID, projectID)
	}
	if !t.Status.Valid() {
		return Task{}, false, Errorf(Invalid, "status %q is not one of %v", t.Status, Statuses)
	}
	t.Normalize()
	w.mu.Lock()
	defer w.unlock(&err)
	created := w.storeLocked(teamID, projectID, t)
	if !t.Approved {
		// The training dataset holds approved tasks only.
		w.untrainLocked(TaskRef{teamID, projectID, t.ID})
	}
	w.syncUploadLocked(w.clock.Now(), teamID, projectID, t.UploadID)
	if err := w.commitLocked(); err != nil {
		return Task{}, false, err
	}
	return t, created, nil
}

// DeleteTask removes a task, and takes it out of the training dataset.
// Errors: NotFound.
func (w *World) DeleteTask(teamID, projectID, taskID string) (err error) {
	w.mu.Lock()
	defer w.unlock(&err)
	if _, err := w.findLocked(teamID, projectID, taskID); err != nil {
		return err
	}
	uploadID := w.projects[projectRef{teamID, projectID}].tasks[taskID].UploadID
	w.deleteLocked(TaskRef{teamID, projectID, taskID})
	w.untrainLocked(TaskRef{teamID, projectID, taskID})
	w.syncUploadLocked(w.clock.Now(), teamID, projectID, uploadID)
	return w.commitLocked()
}

// TaskFilter narrows ListTasks; empty fields match everything.
type TaskFilter struct {
	Status   Status
	UploadID string
}

// ListTasks returns a project's tasks in the order they were added.
// Errors: NotFound for an unknown project.
func (w *World) ListTasks(teamID, projectID string, f TaskFilter) ([]Task, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, err := w.findProjectLocked(teamID, projectID)
	if err != nil {
		return nil, err
	}
	out := []Task{}
	for _, id := range p.order {
		t := p.tasks[id].Task
		if (f.Status == "" || t.Status == f.Status) && (f.UploadID == "" || t.UploadID == f.UploadID) {
			out = append(out, t)
		}
	}
	return out, nil
}

// PutKey creates or replaces an API key. Errors: Invalid for an empty key
// or team, or an unknown scope.
func (w *World) PutKey(k KeyFixture) (err error) {
	if k.Key == "" || k.TeamID == "" {
		return &Error{Code: Invalid, Message: "a key needs a value and a team_id"}
	}
	for _, s := range k.Scopes {
		if !ValidScope(s) {
			return Errorf(Invalid, "unknown scope %q: scopes are %v", s, Scopes)
		}
	}
	w.mu.Lock()
	defer w.unlock(&err)
	w.putKeyLocked(k)
	if w.journal != nil {
		w.pending.Keys = append(w.pending.Keys, k)
	}
	return w.commitLocked()
}

// Audit returns the audit trail, oldest first (the latest MaxHistory entries).
func (w *World) Audit() []AuditEntry {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.audit.list()
}

// Training returns the training dataset, oldest first.
func (w *World) Training() []TrainingEntry {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]TrainingEntry{}, w.training...)
}

// Events returns the published events, oldest first (the latest MaxHistory).
func (w *World) Events() []Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.events.list()
}

// Now returns the world's current time.
func (w *World) Now() time.Time { return w.clock.Now() }
