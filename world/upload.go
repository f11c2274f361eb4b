package world

import (
	"slices"
	"time"
)

// UploadStatus is an upload's place in its life: it follows its tasks.
type UploadStatus string

// The upload statuses seen in the docs.
const (
	UploadProcessing UploadStatus = "PROCESSING"
	UploadInReview   UploadStatus = "IN_REVIEW"
	UploadCompleted  UploadStatus = "COMPLETED"
)

// UploadStatuses lists every upload status in life order.
var UploadStatuses = []UploadStatus{UploadProcessing, UploadInReview, UploadCompleted}

// Valid reports whether s is a documented upload status.
func (s UploadStatus) Valid() bool { return slices.Contains(UploadStatuses, s) }

func (s UploadStatus) rank() int { return slices.Index(UploadStatuses, s) }

// The folders an upload moves between on its own: new uploads land in the
// Inbox and move to Processed when every task is done.
const (
	FolderInbox     = "inbox"
	FolderProcessed = "processed"
)

// Automation is a project's setting for what follows intake processing.
type Automation string

// The automation levels.
const (
	// AutomationReview sends every new task to a person: REVIEWING.
	AutomationReview Automation = "review"
	// AutomationAutoProcess completes new tasks without review: COMPLETED.
	AutomationAutoProcess Automation = "auto-process"
)

// Automations lists the automation levels.
var Automations = []Automation{AutomationReview, AutomationAutoProcess}

// Valid reports whether a is a known automation level.
func (a Automation) Valid() bool { return slices.Contains(Automations, a) }

// Upload is the public upload object (Get Upload's payload). Files and
// Meta are never modified in place once stored.
type Upload struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	Status    UploadStatus `json:"status"`
	Files     []UploadFile `json:"files"`
	Meta      []Meta       `json:"meta"`
	FolderID  string       `json:"folder_id"`
	CreatedAt time.Time    `json:"created_at"`
}

// UploadFile is one file of an upload and the task made from it.
type UploadFile struct {
	Name     string `json:"name"`
	FileType string `json:"file_type"`
	FileSize int64  `json:"file_size"`
	TaskID   string `json:"task_id"`
}

// NewUpload is what Create Upload received: the files (already read; the
// world keeps only their names, types and sizes), a name and meta.
type NewUpload struct {
	Name  string
	Meta  []Meta
	Files []NewFile
}

// NewFile is one received file.
type NewFile struct {
	Name string
	Type string
	Size int64
}

// Project is a project's settings as the control API shows them.
type Project struct {
	TeamID     string     `json:"team_id"`
	ProjectID  string     `json:"project_id"`
	Automation Automation `json:"automation"`
}

// The documented messages of the upload operations.
const (
	MsgUploadNotFound = "Upload not found"
	MsgNoFiles        = "At least one file is required"
)

// CreateUpload stores an upload with one task per file. Each task starts
// PROCESSING; after the processing delay it becomes REVIEWING, or
// COMPLETED in an auto-process project. The upload starts PROCESSING in
// the Inbox and follows its tasks. Errors: Invalid without files;
// NotFound for an unknown project.
func (w *World) CreateUpload(p Principal, teamID, projectID string, in NewUpload) (_ Upload, err error) {
	if len(in.Files) == 0 {
		return Upload{}, &Error{Code: Invalid, Message: MsgNoFiles}
	}
	w.mu.Lock()
	defer w.unlock(&err)
	pr, err := w.findProjectLocked(teamID, projectID)
	if err != nil {
		return Upload{}, err
	}
	now := w.clock.Now()
	meta := slices.Clone(in.Meta)
	if meta == nil {
		meta = []Meta{}
	}
	u := Upload{
		ID:   w.freeIDLocked("upl", func(id string) bool { _, used := pr.uploads[id]; return used }),
		Name: in.Name, Status: UploadProcessing, Meta: meta, FolderID: FolderInbox,
		CreatedAt: now.Truncate(time.Millisecond),
	}
	if u.Name == "" {
		u.Name = in.Files[0].Name
	}
	var started []*taskState
	for _, f := range in.Files {
		id := w.freeIDLocked("task", func(id string) bool { _, used := pr.tasks[id]; return used })
		t := Task{
			ID: id, Name: f.Name, CreatedAt: u.CreatedAt, Meta: meta, Status: StatusProcessing,
			StepType: "EXTRACT", UploadID: u.ID, ProjectID: projectID,
		}
		t.Normalize()
		w.storeLocked(teamID, projectID, t)
		ts := pr.tasks[id]
		started = append(started, ts)
		w.noteTaskLocked(teamID, projectID, ts)
		ref := TaskRef{teamID, projectID, id}
		w.intake[ref] = true
		if w.journal != nil {
			w.pending.Intake = append(w.pending.Intake, ref)
		}
		u.Files = append(u.Files, UploadFile{Name: f.Name, FileType: f.Type, FileSize: f.Size, TaskID: id})
	}
	pr.putUpload(u)
	w.noteUploadLocked(teamID, projectID, u)
	w.auditLocked(now, "upload", p, teamID, projectID, "", map[string]any{"upload_id": u.ID, "files": len(u.Files)})
	if err := w.commitLocked(); err != nil {
		return Upload{}, err
	}
	for _, ts := range started {
		w.clock.AfterFunc(w.delay, func() { w.finishIntake(teamID, projectID, ts) })
	}
	return u, nil
}

// finishIntake ends a new task's processing: REVIEWING, or COMPLETED when
// the project is auto-process. Like finishProcessing it does nothing if
// the task was replaced, deleted or reset meanwhile.
func (w *World) finishIntake(teamID, projectID string, ts *taskState) {
	w.mu.Lock()
	defer w.unlock(nil)
	cur, err := w.findLocked(teamID, projectID, ts.ID)
	if err != nil || cur != ts || ts.Status != StatusProcessing {
		return
	}
	now := w.clock.Now()
	delete(w.intake, TaskRef{teamID, projectID, ts.ID})
	if w.projects[projectRef{teamID, projectID}].automation == AutomationAutoProcess {
		ts.Status = StatusCompleted
		w.noteTaskLocked(teamID, projectID, ts)
		w.publishTaskLocked(now, "task_completed", "COMPLETED", teamID, ts.Task)
	} else {
		ts.Status = StatusReviewing
		w.noteTaskLocked(teamID, projectID, ts)
	}
	w.syncUploadLocked(now, teamID, projectID, ts.UploadID)
	// As in finishProcessing, no caller waits for this change.
	_ = w.commitLocked()
}

// GetUpload returns an upload. Errors: NotFound.
func (w *World) GetUpload(teamID, projectID, uploadID string) (Upload, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	us, err := w.findUploadLocked(teamID, projectID, uploadID)
	if err != nil {
		return Upload{}, err
	}
	return *us, nil
}

// MoveUpload files an upload in another folder. Errors: NotFound.
func (w *World) MoveUpload(p Principal, teamID, projectID, uploadID, folderID string) (_ Upload, err error) {
	if folderID == "" {
		return Upload{}, &Error{Code: Invalid, Message: "folder_id must not be empty"}
	}
	w.mu.Lock()
	defer w.unlock(&err)
	us, err := w.findUploadLocked(teamID, projectID, uploadID)
	if err != nil {
		return Upload{}, err
	}
	us.FolderID = folderID
	w.noteUploadLocked(teamID, projectID, *us)
	w.auditLocked(w.clock.Now(), "move_upload", p, teamID, projectID, "", map[string]any{"upload_id": uploadID, "folder_id": folderID})
	if err := w.commitLocked(); err != nil {
		return Upload{}, err
	}
	return *us, nil
}

// ListUploads returns a project's uploads in the order they were added.
// Errors: NotFound for an unknown project.
func (w *World) ListUploads(teamID, projectID string) ([]Upload, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	pr, err := w.findProjectLocked(teamID, projectID)
	if err != nil {
		return nil, err
	}
	out := []Upload{}
	for _, id := range pr.uploadOrder {
		out = append(out, *pr.uploads[id])
	}
	return out, nil
}

// GetProject returns a project's settings. Errors: NotFound.
func (w *World) GetProject(teamID, projectID string) (Project, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	pr, err := w.findProjectLocked(teamID, projectID)
	if err != nil {
		return Project{}, err
	}
	return Project{TeamID: teamID, ProjectID: projectID, Automation: pr.automation}, nil
}

// PutProject creates a project or changes its automation level; it reports
// whether the project is new. The level applies to tasks whose intake ends
// after the change. Errors: Invalid for an unknown level.
func (w *World) PutProject(teamID, projectID string, a Automation) (_ Project, _ bool, err error) {
	if !a.Valid() {
		return Project{}, false, Errorf(Invalid, "automation %q is not one of %v", a, Automations)
	}
	w.mu.Lock()
	defer w.unlock(&err)
	_, existed := w.projects[projectRef{teamID, projectID}]
	w.projectLocked(teamID, projectID).automation = a
	w.noteProjectLocked(teamID, projectID, a)
	if err := w.commitLocked(); err != nil {
		return Project{}, false, err
	}
	return Project{TeamID: teamID, ProjectID: projectID, Automation: a}, !existed, nil
}

// syncUploadLocked moves an upload forward to match its tasks, publishing
// upload.in_review and upload.processed as it goes. An upload only moves
// forward: PROCESSING while any new task is still in intake, IN_REVIEW
// once none is, COMPLETED (and filed in Processed) once every task is
// COMPLETED, FAILED, DISCARDED or FILTERED. Tasks deleted through the
// control API no longer count.
func (w *World) syncUploadLocked(now time.Time, teamID, projectID, uploadID string) {
	pr := w.projects[projectRef{teamID, projectID}]
	if pr == nil || uploadID == "" {
		return
	}
	us, ok := pr.uploads[uploadID]
	if !ok {
		return
	}
	counted, processing, done := 0, 0, 0
	for _, f := range us.Files {
		ts, ok := pr.tasks[f.TaskID]
		if !ok || ts.UploadID != uploadID {
			continue
		}
		counted++
		switch ts.Status {
		case StatusProcessing:
			processing++
		case StatusCompleted, StatusFailed, StatusDiscarded, StatusFiltered:
			done++
		}
	}
	if counted == 0 {
		return
	}
	want := us.Status
	switch {
	case done == counted:
		want = UploadCompleted
	case processing == 0 || us.Status == UploadInReview:
		want = UploadInReview
	}
	if want.rank() <= us.Status.rank() {
		return
	}
	u := *us
	u.Status = want
	if want == UploadCompleted && u.FolderID == FolderInbox {
		u.FolderID = FolderProcessed
	}
	pr.putUpload(u)
	w.noteUploadLocked(teamID, projectID, u)
	if want == UploadInReview {
		w.publishUploadLocked(now, "upload.in_review", "IN_REVIEW", teamID, projectID, u)
	} else {
		w.publishUploadLocked(now, "upload.processed", "PROCESSED", teamID, projectID, u)
	}
}

func (w *World) findUploadLocked(teamID, projectID, uploadID string) (*Upload, error) {
	pr, err := w.findProjectLocked(teamID, projectID)
	if err != nil {
		return nil, err
	}
	us, ok := pr.uploads[uploadID]
	if !ok {
		return nil, &Error{Code: NotFound, Message: MsgUploadNotFound}
	}
	return us, nil
}

// putUpload stores u as a new version.
func (pr *project) putUpload(u Upload) {
	if _, ok := pr.uploads[u.ID]; !ok {
		pr.uploadOrder = append(pr.uploadOrder, u.ID)
	}
	pr.uploads[u.ID] = &u
}

// freeIDLocked returns the next prefix_NNNNNN ID that used does not report
// taken, so generated IDs never replace fixtures or control-API tasks.
func (w *World) freeIDLocked(prefix string, used func(string) bool) string {
	for {
		if id := w.nextID(prefix); !used(id) {
			return id
		}
	}
}

func (w *World) publishUploadLocked(now time.Time, typ, event, teamID, projectID string, u Upload) {
	w.publishLocked(Event{
		ID: w.nextID("evt"), Type: typ, Event: event, EventLevel: "UPLOAD",
		TeamID: teamID, ProjectID: projectID, Upload: &u, CreatedAt: now,
	})
}

// normalize replaces nil slices and an empty folder so that the JSON form
// is always complete.
func (u *Upload) normalize() {
	if u.Files == nil {
		u.Files = []UploadFile{}
	}
	if u.Meta == nil {
		u.Meta = []Meta{}
	}
	if u.FolderID == "" {
		u.FolderID = FolderInbox
	}
}
