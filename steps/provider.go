package steps

import (
	"context"
	"fmt"
	"slices"
)

// TaskWant describes the task a scenario needs.
type TaskWant struct {
	Status   string // one of Statuses
	Approved bool
	Exported bool // exported_at must be set; false means "don't care"
}

// Statuses are the documented task statuses.
var Statuses = []string{"REVIEWING", "PROCESSING", "COMPLETED", "FAILED", "DISCARDED", "FILTERED"}

func validStatus(s string) bool { return slices.Contains(Statuses, s) }

// String says it the way the steps do: "an exported COMPLETED task that is
// not approved".
func (t TaskWant) String() string {
	art, exp := "a", ""
	if t.Exported {
		art, exp = "an", "exported "
	}
	appr := "approved"
	if !t.Approved {
		appr = "not approved"
	}
	return fmt.Sprintf("%s %s%s task that is %s", art, exp, t.Status, appr)
}

// KeyKind names an API key a scenario needs besides the main one.
type KeyKind string

// The keys the 403 scenarios need.
const (
	KeyWithoutTaskEdit KeyKind = "without_task_edit" // of the team, task.read but not task.edit
	KeyWithoutTaskRead KeyKind = "without_task_read" // of the team, without task.read
	KeyOtherTeam       KeyKind = "other_team"        // every task scope, of another team
)

// TaskRef is a task handed to a scenario.
type TaskRef struct {
	ID      string
	Team    string
	Project string
}

// Provider hands each scenario the tasks and keys it needs. An error made
// by Skip means the fixture is missing: the scenario is skipped, with the
// reason, never passed.
type Provider interface {
	// Task gives the scenario a task of its own in the wanted state.
	Task(ctx context.Context, w *World, want TaskWant) (TaskRef, error)
	// Key returns an API key of the given kind.
	Key(ctx context.Context, w *World, kind KeyKind) (string, error)
}

// A provider undoes what a scenario changed by registering a function with
// World.OnRestore when it hands out a task.
