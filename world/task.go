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

	// memo is the stored version's Memo on the copies the world hands
	// out; nil on a task the world did not hand out.
	memo *Memo
}

// Memo is room for what a caller derives from one stored version of a
// task: the HTTP layer keeps the task's encoded answers there, so that
// serving an unchanged task takes no lookup beyond the world's own. The
// world gives every version it stores a new Memo and never reads it. Some
// changes (approve, disapprove, a moved upload) edit a stored version in
// place, so whoever keeps something in a Memo must check that it still
// matches the task it comes with.
type Memo struct{ v atomic.Value }

// Load returns what was last stored, or nil.
func (m *Memo) Load() any { return m.v.Load() }

// Store keeps v, which must always be of the same concrete type.
func (m *Memo) Store(v any) { m.v.Store(v) }

// Memo returns the Memo of the stored version t was copied from, or nil
// when t did not come from a World.
func (t *Task) Memo() *Memo { return t.memo }

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
