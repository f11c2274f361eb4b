package mockserver

import (
	"encoding/json"
	"sync"
	"time"
	"unsafe"

	"sendaimock/world"
)

// taskCache keeps the encoded answer ({"payload": task}) of each task
// version served, so a task that has not changed is not serialised again.
// The world stores a new version of a task by replacing its fields, never
// by editing Meta or Pages in place (see world.Task), so comparing the
// scalar fields and the slices' backing arrays tells whether a cached
// encoding is still the task's.
type taskCache struct {
	mu      sync.RWMutex
	entries map[taskKey]cachedTask
}

type taskKey struct {
	team, project, id string
	approved          bool // approve/disapprove flip this: keep both encodings
}

type cachedTask struct {
	task world.Task
	body []byte
}

// maxCachedTasks bounds the cache; when full it starts again empty.
const maxCachedTasks = 1 << 18

// envelope returns the encoded {"payload": t}, from the cache when t is
// the version it was encoded from. The bytes are never changed once made:
// the request journal keeps references to them.
func (c *taskCache) envelope(team, project string, t world.Task) ([]byte, error) {
	k := taskKey{team, project, t.ID, t.Approved}
	c.mu.RLock()
	e, ok := c.entries[k]
	c.mu.RUnlock()
	if ok && sameVersion(&e.task, &t) {
		return e.body, nil
	}
	body, err := json.Marshal(envelope{Payload: t})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxCachedTasks {
		c.entries = make(map[taskKey]cachedTask)
	}
	c.entries[k] = cachedTask{task: t, body: body}
	c.mu.Unlock()
	return body, nil
}

// taskFields is how many fields sameVersion compares; a test fails when
// world.Task grows one, so the comparison cannot silently fall behind.
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
