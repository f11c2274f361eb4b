package mockserver

import (
	"encoding/json"
	"time"
	"unsafe"

	"sendaimock/world"
)

// taskAnswers are the encoded answers ({"payload": task}) of one stored
// task version, kept in the version's world.Memo so that serving an
// unchanged task takes no lookup beyond the world's own: one for each
// value of approved, which approve and disapprove flip in place.
//
// The world edits some fields of a stored version in place and replaces
// others, but never edits Meta or Pages in place (see world.Task), so
// comparing the scalar fields and the slices' backing arrays tells
// whether an encoding is still the task's. Encodings are never changed
// once made: the request journal keeps references to them.
type taskAnswers [2]*cachedTask

type cachedTask struct {
	task world.Task
	body []byte
}

// taskEnvelope returns the encoded {"payload": t}, kept when t is the version
// it was encoded from. A task that did not come from the world is encoded
// every time.
func taskEnvelope(t world.Task) ([]byte, error) {
	memo := t.Memo()
	i := 0
	if t.Approved {
		i = 1
	}
	var kept *taskAnswers
	if memo != nil {
		kept, _ = memo.Load().(*taskAnswers)
		if kept != nil {
			if e := kept[i]; e != nil && sameVersion(&e.task, &t) {
				return e.body, nil
			}
		}
	}
	body, err := json.Marshal(envelope{Payload: t})
	if err != nil || memo == nil {
		return body, err
	}
	// Two requests encoding the same task at once may each store theirs;
	// the one stored last stays, and either is right.
	next := new(taskAnswers)
	if kept != nil {
		*next = *kept
	}
	next[i] = &cachedTask{task: t, body: body}
	memo.Store(next)
	return body, nil
}

// taskFields is how many exported fields sameVersion compares; a test
// fails when world.Task grows one, so the comparison cannot silently fall
// behind.
const taskFields = 13

// sameVersion reports whether a and b are the same stored version of a
// task: equal scalars, and slices sharing their backing arrays.
func sameVersion(a, b *world.Task) bool {
	return a.ID == b.ID && a.Name == b.Name && a.CreatedAt == b.CreatedAt &&
		sameSlice(a.Meta, b.Meta) && a.Status == b.Status && a.StepType == b.StepType &&
		a.UploadID == b.UploadID && a.ProjectID == b.ProjectID && a.Approved == b.Approved &&
		sameTime(a.ExportedAt, b.ExportedAt) && sameTime(a.ExportFailedAt, b.ExportFailedAt) &&
		sameTime(a.LastOpenedAt, b.LastOpenedAt) && a.Pages.Same(b.Pages)
}

func sameSlice[E any](a, b []E) bool {
	return len(a) == len(b) && unsafe.SliceData(a) == unsafe.SliceData(b)
}

// sameTime compares the pointers: a stored version shares them with its
// copies, and a new version gets new ones.
func sameTime(a, b *time.Time) bool { return a == b }
