package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/cucumber/godog"
)

// World is one scenario's state. godog makes a new one per scenario, so
// scenarios share nothing but the Suite and can run concurrently.
type World struct {
	s        *Suite
	pickleID string
	session  string // unique id of the scenario, sent as X-Mock-Session

	key      string      // the API key requests carry; "" sends none
	headers  http.Header // headers set by the scenario
	removed  []string    // headers the scenario removed
	task     *TaskRef
	want     TaskWant
	snapshot []byte // the task's payload when the scenario got it
	upload   *UploadRef
	// noUpload says why the scenario has no upload (its Create Upload
	// failed), for the steps that need one.
	noUpload string
	vars     map[string]string
	last     *Exchange // the last API response, which the Then steps check
	lastSent *Exchange // the last exchange of any step, shown when one fails

	// Provider bookkeeping, per scenario.
	keys     map[KeyKind]string
	restores []func(context.Context) error
}

func newWorld(s *Suite) *World {
	return &World{s: s, key: s.APIKey, headers: http.Header{}, vars: map[string]string{}, keys: map[KeyKind]string{}}
}

// Suite returns what the scenario shares with the others.
func (w *World) Suite() *Suite { return w.s }

// Session returns the scenario's unique id.
func (w *World) Session() string { return w.session }

// Unique returns a name unique within the run, for tasks and keys the
// scenario creates: prefix_<run>_<n>.
func (w *World) Unique(prefix string) string {
	return fmt.Sprintf("%s_%s_%d", prefix, w.s.RunID, w.s.next())
}

// OnRestore registers fn to run after the scenario (latest first).
func (w *World) OnRestore(fn func(context.Context) error) { w.restores = append(w.restores, fn) }

// Task returns the scenario's task, or nil before a Given step made one.
func (w *World) Task() *TaskRef { return w.task }

func (w *World) before(ctx context.Context, sc *godog.Scenario) (context.Context, error) {
	w.pickleID = sc.Id
	w.s.markTime(sc.Id, false)
	w.session = w.Unique("scn")
	w.vars["unknown_task_id"] = w.Unique("task_missing")
	w.vars["unknown_project_id"] = w.Unique("proj_missing")
	return ctx, nil
}

// after restores what the scenario changed.
// It returns an error only when restoring failed.
func (w *World) after(ctx context.Context, sc *godog.Scenario, err error) (context.Context, error) {
	defer w.s.markTime(sc.Id, true)
	var restoreErrs []error
	for i := len(w.restores) - 1; i >= 0; i-- {
		if rerr := w.restores[i](context.WithoutCancel(ctx)); rerr != nil {
			restoreErrs = append(restoreErrs, rerr)
		}
	}
	if len(restoreErrs) > 0 {
		return ctx, fmt.Errorf("restoring fixtures failed: %w", errors.Join(restoreErrs...))
	}
	// A mock keeps a bounded number of sandboxes: drop the scenario's once
	// it is done, so that run after run fits. A failed scenario's sandbox
	// stays, to be looked at (its X-Mock-Session is in the report).
	if w.s.Mock && (err == nil || errors.Is(err, godog.ErrSkip)) {
		if _, derr := w.Control(context.WithoutCancel(ctx), http.MethodDelete, "/sessions/"+w.session, nil, http.StatusNoContent, http.StatusNotFound); derr != nil {
			return ctx, fmt.Errorf("dropping the scenario's sandbox: %w", derr)
		}
	}
	return ctx, nil
}

// afterStep attaches the reason of a skip to the step that skipped, so the
// Cucumber JSON report carries it.
func (w *World) afterStep(ctx context.Context, _ *godog.Step, _ godog.StepResultStatus, err error) (context.Context, error) {
	if err != nil && errors.Is(err, godog.ErrSkip) {
		ctx = godog.Attach(ctx, godog.Attachment{FileName: "skipped", MediaType: "text/plain", Body: []byte(skipReason(err))})
	}
	return ctx, nil
}

// withExchange wraps a step handler so that its failure carries the last
// request and response the scenario made.
func (w *World) withExchange(handler any) any {
	fn := reflect.ValueOf(handler)
	return reflect.MakeFunc(fn.Type(), func(args []reflect.Value) []reflect.Value {
		out := fn.Call(args)
		last := out[len(out)-1]
		if last.IsNil() {
			return out
		}
		err := last.Interface().(error)
		if errors.Is(err, godog.ErrSkip) {
			w.s.recordSkip(w.pickleID, skipReason(err))
			return out
		}
		if w.lastSent == nil {
			return out
		}
		err = fmt.Errorf("%w\n\n%s", err, w.lastSent.Format())
		out[len(out)-1] = reflect.ValueOf(&err).Elem()
		return out
	}).Interface()
}

var placeholder = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_.-]*)\}`)

// expand replaces {team_id}, {project_id}, {task_id}, {api_key},
// {unknown_task_id}, {unknown_project_id} and remembered {names} in s.
func (w *World) expand(s string) (string, error) {
	var missing []string
	out := placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		v, err := w.lookup(name)
		if err != nil {
			missing = append(missing, err.Error())
			return m
		}
		return v
	})
	if len(missing) > 0 {
		return "", errors.New(strings.Join(missing, "; "))
	}
	return out, nil
}

func (w *World) lookup(name string) (string, error) {
	switch name {
	case "team_id":
		return w.team(), nil
	case "project_id":
		return w.project(), nil
	case "api_key":
		return w.s.APIKey, nil
	case "task_id":
		if w.task == nil {
			return "", errors.New(`{task_id} needs a task: start the scenario with a step such as "Given a COMPLETED task that is not approved"`)
		}
		return w.task.ID, nil
	}
	if v, ok := w.vars[name]; ok {
		return v, nil
	}
	known := []string{"team_id", "project_id", "task_id", "api_key"}
	for k := range w.vars {
		known = append(known, k)
	}
	sort.Strings(known[4:])
	return "", fmt.Errorf("unknown placeholder {%s}; known: {%s}", name, strings.Join(known, "}, {"))
}

func (w *World) team() string {
	if w.task != nil {
		return w.task.Team
	}
	return w.s.Team
}

func (w *World) project() string {
	if w.task != nil {
		return w.task.Project
	}
	return w.s.Project
}

// useKey makes the scenario's requests carry key ("" for none).
func (w *World) useKey(key string) {
	w.key = key
	w.headers.Del("Authorization")
	w.removed = slices.DeleteFunc(w.removed, func(h string) bool { return http.CanonicalHeaderKey(h) == "Authorization" })
}
