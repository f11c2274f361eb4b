// Package world holds the mock's state and applies the documented rules of
// the send.ai v2 Task API. It knows nothing of HTTP: operations return copies
// of tasks or an *Error whose Code the transport maps to a status.
package world

import (
	"sync/atomic"
	"time"
)

// Status is a task's pipeline state.
type Status string

// The documented task statuses.
const (
	StatusReviewing  Status = "REVIEWING"
	StatusProcessing Status = "PROCESSING"
	StatusCompleted  Status = "COMPLETED"
	StatusFailed     Status = "FAILED"
	StatusDiscarded  Status = "DISCARDED"
	StatusFiltered   Status = "FILTERED"
)

// Statuses lists every documented status, in the docs' order.
var Statuses = []Status{StatusReviewing, StatusProcessing, StatusCompleted, StatusFailed, StatusDiscarded, StatusFiltered}

// Valid reports whether s is a documented status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Task is the public task object. Meta and Pages are never modified in
// place once a task is stored, so a shallow copy is a safe snapshot.
type Task struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	CreatedAt      time.Time  `json:"created_at"`
	Meta           []Meta     `json:"meta"`
	Status         Status     `json:"status"`
	StepType       string     `json:"step_type"`
	UploadID       string     `json:"upload_id"`
	ProjectID      string     `json:"project_id"`
	Approved       bool       `json:"approved"`
	ExportedAt     *time.Time `json:"exported_at"`
	ExportFailedAt *time.Time `json:"export_failed_at"`
	LastOpenedAt   *time.Time `json:"last_opened_at"`
	Pages          Pages      `json:"pages"`

	// The stored version this is a copy of, and which of its in-place
	// edits it shows (see Encoding); nil and 0 on a task the world did not
	// hand out.
	kept *atomic.Pointer[encoded]
	rev  uint64
}

// encoded are the encoded forms a caller keeps for one stored version of a
// task (see Encoding), one per value of Approved.
type encoded struct {
	rev uint64 // the edit of the version they show
	by  [2][]byte
}

// Encoding returns the encoded form kept for t by KeepEncoding, or nil
// when none matches t. The HTTP layer keeps each task's answer this way,
// so serving an unchanged task takes no lookup beyond the world's own and
// no copy of the task to compare.
//
// A kept encoding matches while the stored version t was copied from is
// unchanged: a new version (PutTask, a restart) starts with none, and
// every in-place edit (complete, discard, the end of processing) outdates
// what was kept, except approve and disapprove, which change Approved
// alone: an encoding is kept for each value of Approved, so a task
// approved and disapproved in turn is encoded twice, not every time.
func (t *Task) Encoding() []byte {
	if t.kept == nil {
		return nil
	}
	e := t.kept.Load()
	if e == nil || e.rev != t.rev {
		return nil
	}
	return e.by[approvedIndex(t.Approved)]
}

// KeepEncoding keeps b, which must encode t and never change afterwards,
// for Encoding to return. A task the world did not hand out keeps nothing.
// Two callers keeping an encoding of the same version at once may lose one
// of them to the other; it is made again when next asked for.
func (t *Task) KeepEncoding(b []byte) {
	if t.kept == nil {
		return
	}
	next := &encoded{rev: t.rev}
	if cur := t.kept.Load(); cur != nil && cur.rev == t.rev {
		next.by = cur.by
	}
	next.by[approvedIndex(t.Approved)] = b
	t.kept.Store(next)
}

func approvedIndex(approved bool) int {
	if approved {
		return 1
	}
	return 0
}

// Meta is one name/value pair attached to a task.
type Meta struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Page is one page of a task's document with what the models found on it.
type Page struct {
	ID          string       `json:"id"`
	Width       float64      `json:"width"`
	Height      float64      `json:"height"`
	Annotations []Annotation `json:"annotations"`
	Checkboxes  []Checkbox   `json:"checkboxes"`
	Segments    []Region     `json:"segments"`
	Signatures  []Region     `json:"signatures"`
}

// Annotation is an extracted value.
type Annotation struct {
	ID         string  `json:"id"`
	EntityID   string  `json:"entity_id"`
	Confidence float64 `json:"confidence"`
	Content    string  `json:"content"`
	Top        float64 `json:"top"`
	LeftOfLine float64 `json:"left_of_line"`
}

// Checkbox is a detected checkbox.
type Checkbox struct {
	ID          string      `json:"id"`
	Confidence  float64     `json:"confidence"`
	Checked     bool        `json:"checked"`
	Coordinates [][]float64 `json:"coordinates"`
}

// Region is a detected segment or signature: four [x, y] corners.
type Region struct {
	ID          string      `json:"id"`
	Confidence  float64     `json:"confidence"`
	Coordinates [][]float64 `json:"coordinates"`
}

// DefaultTask returns the task a control-API caller gets for fields it
// leaves out: a valid REVIEWING task with no pages.
func DefaultTask(projectID, taskID string, now time.Time) Task {
	return Task{
		ID:        taskID,
		Name:      taskID,
		CreatedAt: now.UTC().Truncate(time.Second),
		Meta:      []Meta{},
		Status:    StatusReviewing,
		StepType:  "EXTRACT",
		UploadID:  "upl_" + taskID,
		ProjectID: projectID,
	}
}

// Normalize replaces a nil Meta so that the JSON form always has an
// array (Pages always encode as one).
func (t *Task) Normalize() {
	if t.Meta == nil {
		t.Meta = []Meta{}
	}
}
