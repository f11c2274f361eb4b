package world

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultProcessingDelay is how long a completed task shows PROCESSING.
const DefaultProcessingDelay = 2 * time.Second

// Options configure a World.
type Options struct {
	Clock           Clock         // nil means RealClock
	ProcessingDelay time.Duration // zero means DefaultProcessingDelay
	// OnEvent, if set, sees every event as it is published. It is called
	// with the world locked: it must not block or call back into the world.
	OnEvent func(Event)
	// MaxHistory bounds the audit trail and the event list, each keeping
	// its latest entries; zero means DefaultMaxHistory, negative no bound.
	MaxHistory int
	// Journal, if set, is given every change before the method that made
	// it returns (see journal.go); Open sets it for a state file.
	Journal Journal
}

// World is one copy of the mock's state: keys, projects, tasks, and the
// records of what happened to them (audit, training dataset, events).
// All methods are safe for concurrent use.
type World struct {
	fixtures *Fixtures
	clock    Clock
	delay    time.Duration
	onEvent  func(Event)

	mu       sync.Mutex
	keys     map[string]apiKey
	projects map[projectRef]*project
	audit    history[AuditEntry]
	training []TrainingEntry
	events   history[Event]
	seq      int

	// Durability (journal.go): the change being built by the current
	// method, and the tasks whose PROCESSING -> COMPLETED transition is
	// scheduled, so a restart can schedule it again.
	journal    Journal
	pending    Change
	recorded   bool // the method holding the lock recorded its change: unlock waits for it
	processing map[TaskRef]bool
	intake     map[TaskRef]bool // new tasks of uploads, PROCESSING until REVIEWING or COMPLETED
}

type projectRef struct{ team, project string }

type project struct {
	tasks       map[string]*taskState
	order       []string // task IDs in the order they were added
	uploads     map[string]*Upload
	uploadOrder []string // upload IDs in the order they were added
	automation  Automation
}

// taskState is a stored task. Each stored version is a new taskState, so a
// timer can tell whether the task it was started for is still there.
type taskState struct {
	Task
	kept atomic.Pointer[encoded]
}

type apiKey struct {
	id          string
	fingerprint string
	team        string
	scopes      []string
}

// Principal is the caller an API key identifies.
type Principal struct {
	KeyID          string `json:"key_id"`
	KeyFingerprint string `json:"key_fingerprint"`
	TeamID         string `json:"team_id"`
}

// AuditEntry records one change made through the API.
type AuditEntry struct {
	ID             string    `json:"id"`
	Time           time.Time `json:"time"`
	Action         string    `json:"action"`
	TeamID         string    `json:"team_id"`
	ProjectID      string    `json:"project_id"`
	TaskID         string    `json:"task_id"`
	KeyID          string    `json:"key_id"`
	KeyFingerprint string    `json:"key_fingerprint"`
	Details        any       `json:"details,omitempty"`
}

// TrainingEntry is a task in the training dataset.
type TrainingEntry struct {
	TaskID    string    `json:"task_id"`
	TeamID    string    `json:"team_id"`
	ProjectID string    `json:"project_id"`
	KeyID     string    `json:"key_id"`
	AddedAt   time.Time `json:"added_at"`
}

// Event is a lifecycle event, in the documented notification shape with
// its type name beside it.
type Event struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Event      string    `json:"event"`
	EventLevel string    `json:"event_level"`
	TeamID     string    `json:"team_id"`
	ProjectID  string    `json:"project_id"`
	Upload     any       `json:"upload"`
	Task       *Task     `json:"task"`
	CreatedAt  time.Time `json:"created_at"`
}

// ReportIssue is one problem named in a task report.
type ReportIssue struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// New returns a world holding fx. fx must have passed LoadFixtures' checks
// (or be built by hand with unique IDs) and is never modified.
func New(fx *Fixtures, opts Options) *World {
	w := &World{fixtures: fx, clock: opts.Clock, delay: opts.ProcessingDelay, onEvent: opts.OnEvent, journal: opts.Journal}
	if w.clock == nil {
		w.clock = RealClock{}
	}
	if w.delay <= 0 {
		w.delay = DefaultProcessingDelay
	}
	switch {
	case opts.MaxHistory == 0:
		w.audit.max, w.events.max = DefaultMaxHistory, DefaultMaxHistory
	case opts.MaxHistory > 0:
		w.audit.max, w.events.max = opts.MaxHistory, opts.MaxHistory
	}
	w.mu.Lock()
	w.resetLocked()
	w.pending = Change{}
	w.mu.Unlock()
	return w
}

// Clock returns the clock the world measures time on.
func (w *World) Clock() Clock { return w.clock }

// ProcessingDelay returns how long a task shows PROCESSING.
func (w *World) ProcessingDelay() time.Duration { return w.delay }

// Reset restores the fixtures and forgets audit, training and events.
// Transitions scheduled before the reset no longer apply. Errors: Internal
// when the journal cannot record it.
func (w *World) Reset() (err error) {
	w.mu.Lock()
	defer w.unlock(&err)
	w.resetLocked()
	w.pending = Change{Reset: true}
	return w.commitLocked()
}

func (w *World) resetLocked() {
	w.keys = make(map[string]apiKey, len(w.fixtures.Keys))
	for _, k := range w.fixtures.Keys {
		w.putKeyLocked(k)
	}
	w.projects = make(map[projectRef]*project, len(w.fixtures.Projects))
	for _, p := range w.fixtures.Projects {
		for _, t := range p.Tasks {
			if t.ProjectID == "" {
				t.ProjectID = p.ProjectID
			}
			t.Normalize()
			w.storeLocked(p.TeamID, p.ProjectID, t)
		}
		pr := w.projectLocked(p.TeamID, p.ProjectID)
		if p.Automation != "" {
			pr.automation = p.Automation
		}
		for _, u := range p.Uploads {
			u.normalize()
			pr.putUpload(u)
		}
	}
	w.audit.reset()
	w.events.reset()
	w.training = nil
	w.seq = 0
	w.processing = map[TaskRef]bool{}
	w.intake = map[TaskRef]bool{}
}

// Fingerprint identifies a raw key without revealing it.
func Fingerprint(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return "sha256:" + hex.EncodeToString(sum[:8])
}

func (w *World) putKeyLocked(k KeyFixture) {
	fp := Fingerprint(k.Key)
	id := k.Name
	if id == "" {
		id = "key_" + fp[len("sha256:"):]
	}
	w.keys[k.Key] = apiKey{id: id, fingerprint: fp, team: k.TeamID, scopes: slices.Clone(k.Scopes)}
}

// Authenticate checks a raw bearer key for an operation on teamID that needs
// scope. It returns Unauthorized for an empty or unknown key, then Forbidden
// for a key of another team, then Forbidden for a missing scope.
func (w *World) Authenticate(raw, teamID, scope string) (Principal, error) {
	w.mu.Lock()
	k, ok := w.keys[raw]
	w.mu.Unlock()
	if raw == "" || !ok {
		return Principal{}, &Error{Code: Unauthorized, Message: MsgInvalidKey}
	}
	if k.team != teamID {
		return Principal{}, &Error{Code: Forbidden, Message: MsgWrongTeam}
	}
	if scope != "" && !slices.Contains(k.scopes, scope) {
		return Principal{}, Errorf(Forbidden, MsgMissingScope, scope)
	}
	return Principal{KeyID: k.id, KeyFingerprint: k.fingerprint, TeamID: k.team}, nil
}

// GetTask returns a task. Errors: NotFound.
func (w *World) GetTask(teamID, projectID, taskID string) (Task, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ts, err := w.findLocked(teamID, projectID, taskID)
	if err != nil {
		return Task{}, err
	}
	return ts.Task, nil
}

// Approve flags a task for model learning: approved becomes true, status is
// left alone, an audit entry and a training entry are written and
// task_approved is published. Errors: NotFound; Invalid while PROCESSING
// (checked first) or when already approved.
func (w *World) Approve(p Principal, teamID, projectID, taskID string) (_ Task, err error) {
	w.mu.Lock()
	defer w.unlock(&err)
	ts, err := w.findLocked(teamID, projectID, taskID)
	if err != nil {
		return Task{}, err
	}
	switch {
	case ts.Status == StatusProcessing:
		return Task{}, &Error{Code: Invalid, Message: MsgApproveProcessing}
	case ts.Approved:
		return Task{}, &Error{Code: Invalid, Message: MsgAlreadyApproved}
	}
	now := w.clock.Now()
	ts.Approved = true
	w.noteApprovalLocked(teamID, projectID, ts)
	w.auditLocked(now, "approve", p, teamID, projectID, taskID, nil)
	entry := TrainingEntry{TaskID: taskID, TeamID: teamID, ProjectID: projectID, KeyID: p.KeyID, AddedAt: now}
	w.training = append(w.training, entry)
	if w.journal != nil {
		w.pending.TrainingAdd = append(w.pending.TrainingAdd, entry)
	}
	w.publishTaskLocked(now, "task_approved", "APPROVED", teamID, ts.Task)
	if err := w.commitLocked(); err != nil {
		return Task{}, err
	}
	return ts.Task, nil
}

// Disapprove mirrors Approve: approved becomes false and the task leaves the
// training dataset. Errors: NotFound; Invalid while PROCESSING (checked
// first) or when not approved.
func (w *World) Disapprove(p Principal, teamID, projectID, taskID string) (_ Task, err error) {
	w.mu.Lock()
	defer w.unlock(&err)
	ts, err := w.findLocked(teamID, projectID, taskID)
	if err != nil {
		return Task{}, err
	}
	switch {
	case ts.Status == StatusProcessing:
		return Task{}, &Error{Code: Invalid, Message: MsgDisapproveProcessing}
	case !ts.Approved:
		return Task{}, &Error{Code: Invalid, Message: MsgAlreadyDisapproved}
	}
	now := w.clock.Now()
	ts.Approved = false
	w.noteApprovalLocked(teamID, projectID, ts)
	w.auditLocked(now, "disapprove", p, teamID, projectID, taskID, nil)
	w.untrainLocked(TaskRef{teamID, projectID, taskID})
	w.publishTaskLocked(now, "task_disapproved", "DISAPPROVED", teamID, ts.Task)
	if err := w.commitLocked(); err != nil {
		return Task{}, err
	}
	return ts.Task, nil
}

// Complete moves a REVIEWING task to the next pipeline step: it shows
// PROCESSING at once and COMPLETED after the processing delay, when
// task_completed is published. Errors: NotFound; Invalid unless REVIEWING.
func (w *World) Complete(p Principal, teamID, projectID, taskID string) (_ Task, err error) {
	w.mu.Lock()
	defer w.unlock(&err)
	ts, err := w.findLocked(teamID, projectID, taskID)
	if err != nil {
		return Task{}, err
	}
	if ts.Status != StatusReviewing {
		return Task{}, &Error{Code: Invalid, Message: MsgCompleteNotReviewing}
	}
	now := w.clock.Now()
	ts.Status = StatusProcessing
	w.noteTaskLocked(teamID, projectID, ts)
	w.auditLocked(now, "complete", p, teamID, projectID, taskID, nil)
	w.scheduleLocked(TaskRef{teamID, projectID, taskID}, ts)
	if err := w.commitLocked(); err != nil {
		return Task{}, err
	}
	return ts.Task, nil
}

// scheduleLocked starts ts's PROCESSING -> COMPLETED transition.
func (w *World) scheduleLocked(ref TaskRef, ts *taskState) {
	w.processing[ref] = true
	if w.journal != nil {
		w.pending.Processing = append(w.pending.Processing, ref)
	}
	w.clock.AfterFunc(w.delay, func() { w.finishProcessing(ref.TeamID, ref.ProjectID, ts) })
}

// finishProcessing completes ts if it is still the stored version of its
// task and still PROCESSING: a reset, replacement or deletion cancels it.
func (w *World) finishProcessing(teamID, projectID string, ts *taskState) {
	w.mu.Lock()
	defer w.unlock(nil)
	cur, err := w.findLocked(teamID, projectID, ts.ID)
	if err != nil || cur != ts || ts.Status != StatusProcessing {
		return
	}
	now := w.clock.Now()
	ts.Status = StatusCompleted
	delete(w.processing, TaskRef{teamID, projectID, ts.ID})
	w.noteTaskLocked(teamID, projectID, ts)
	w.publishTaskLocked(now, "task_completed", "COMPLETED", teamID, ts.Task)
	w.syncUploadLocked(now, teamID, projectID, ts.UploadID)
	// No caller waits for this change: a journal failure is the journal's
	// to report, and the next change or restart carries on from memory.
	_ = w.commitLocked()
}

// Discard rejects a REVIEWING task: it becomes DISCARDED and task_discarded
// is published. A task in any other state is returned unchanged (the docs'
// "will be ignored"). Errors: NotFound.
func (w *World) Discard(p Principal, teamID, projectID, taskID string) (_ Task, err error) {
	w.mu.Lock()
	defer w.unlock(&err)
	ts, err := w.findLocked(teamID, projectID, taskID)
	if err != nil {
		return Task{}, err
	}
	if ts.Status != StatusReviewing {
		return ts.Task, nil
	}
	now := w.clock.Now()
	ts.Status = StatusDiscarded
	w.noteTaskLocked(teamID, projectID, ts)
	w.auditLocked(now, "discard", p, teamID, projectID, taskID, nil)
	w.publishTaskLocked(now, "task_discarded", "DISCARDED", teamID, ts.Task)
	w.syncUploadLocked(now, teamID, projectID, ts.UploadID)
	if err := w.commitLocked(); err != nil {
		return Task{}, err
	}
	return ts.Task, nil
}

// Report records problems with a task; its status is unchanged and
// task_reported is published. Errors: NotFound; Invalid without issues.
func (w *World) Report(p Principal, teamID, projectID, taskID string, issues []ReportIssue, message string) (_ Task, err error) {
	if len(issues) == 0 {
		return Task{}, &Error{Code: Invalid, Message: "issues must name at least one issue"}
	}
	for i, is := range issues {
		if is.Label == "" || is.Value == "" {
			return Task{}, Errorf(Invalid, "issues[%d] needs a label and a value", i)
		}
	}
	w.mu.Lock()
	defer w.unlock(&err)
	ts, err := w.findLocked(teamID, projectID, taskID)
	if err != nil {
		return Task{}, err
	}
	now := w.clock.Now()
	details := map[string]any{"issues": slices.Clone(issues), "message": message}
	w.auditLocked(now, "report", p, teamID, projectID, taskID, details)
	w.publishTaskLocked(now, "task_reported", "REPORTED", teamID, ts.Task)
	if err := w.commitLocked(); err != nil {
		return Task{}, err
	}
	return ts.Task, nil
}

// findProjectLocked returns a project. Errors: NotFound.
func (w *World) findProjectLocked(teamID, projectID string) (*project, error) {
	p, ok := w.projects[projectRef{teamID, projectID}]
	if !ok {
		return nil, &Error{Code: NotFound, Message: MsgProjectNotFound}
	}
	return p, nil
}

// findLocked returns a stored task. Errors: NotFound, for the project first.
func (w *World) findLocked(teamID, projectID, taskID string) (*taskState, error) {
	p, err := w.findProjectLocked(teamID, projectID)
	if err != nil {
		return nil, err
	}
	ts, ok := p.tasks[taskID]
	if !ok {
		return nil, &Error{Code: NotFound, Message: MsgTaskNotFound}
	}
	return ts, nil
}

func (w *World) projectLocked(teamID, projectID string) *project {
	ref := projectRef{teamID, projectID}
	p, ok := w.projects[ref]
	if !ok {
		p = &project{tasks: map[string]*taskState{}, uploads: map[string]*Upload{}, automation: AutomationReview}
		w.projects[ref] = p
	}
	return p
}

// storeLocked stores t as a new version and reports whether it is new.
func (w *World) storeLocked(teamID, projectID string, t Task) bool {
	p := w.projectLocked(teamID, projectID)
	_, existed := p.tasks[t.ID]
	if !existed {
		p.order = append(p.order, t.ID)
	}
	ts := &taskState{Task: t}
	ts.Task.kept = &ts.kept
	p.tasks[t.ID] = ts
	// A new version cancels the old one's scheduled transition.
	delete(w.processing, TaskRef{teamID, projectID, t.ID})
	if w.journal != nil {
		w.pending.Tasks = append(w.pending.Tasks, StoredTask{TeamID: teamID, ProjectID: projectID, Task: t})
	}
	return !existed
}

// nextID returns prefix_000042: the sequence number, at least six digits.
// It builds the ID in one allocation, as every state change makes one or two.
func (w *World) nextID(prefix string) string {
	w.seq++
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], int64(w.seq), 10)
	var buf [64]byte
	b := append(buf[:0], prefix...)
	b = append(b, '_')
	for range 6 - len(d) {
		b = append(b, '0')
	}
	return string(append(b, d...))
}

func (w *World) auditLocked(now time.Time, action string, p Principal, teamID, projectID, taskID string, details any) {
	e := AuditEntry{
		ID: w.nextID("aud"), Time: now, Action: action,
		TeamID: teamID, ProjectID: projectID, TaskID: taskID,
		KeyID: p.KeyID, KeyFingerprint: p.KeyFingerprint, Details: details,
	}
	w.audit.add(e)
	if w.journal != nil {
		w.pending.Audit = append(w.pending.Audit, e)
	}
}

// publishTaskLocked publishes a task-level event; like the documented
// notifications it carries the task's upload too, when the world has it.
func (w *World) publishTaskLocked(now time.Time, typ, event, teamID string, t Task) {
	e := Event{
		ID: w.nextID("evt"), Type: typ, Event: event, EventLevel: "TASK",
		TeamID: teamID, ProjectID: t.ProjectID, Task: &t, CreatedAt: now,
	}
	if pr := w.projects[projectRef{teamID, t.ProjectID}]; pr != nil {
		if us, ok := pr.uploads[t.UploadID]; ok {
			u := *us
			e.Upload = &u
		}
	}
	w.publishLocked(e)
}

func (w *World) publishLocked(e Event) {
	w.events.add(e)
	if w.journal != nil {
		w.pending.Events = append(w.pending.Events, e)
	}
	if w.onEvent != nil {
		w.onEvent(e)
	}
}
